"""Plain text: the first line is the title when a blank line follows it."""

from __future__ import annotations

import re

from .boilerplate import strip_boilerplate

_TITLE_MAX_CHARS = 300


def split_title(text: str) -> tuple[str | None, str]:
    text = text.strip("\n")
    first, sep, rest = text.partition("\n")
    if sep and rest.startswith("\n") and 0 < len(first.strip()) <= _TITLE_MAX_CHARS:
        return first.strip(), rest.strip("\n")
    return None, text


def normalise_body(text: str) -> str:
    """One blank line between paragraphs, trailing spaces gone, boilerplate removed."""
    lines = [line.rstrip() for line in text.split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(strip_boilerplate(paragraphs))


def parse_plaintext(text: str) -> tuple[str | None, str]:
    title, body = split_title(text)
    return title, normalise_body(body)


_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_-]|$)")


def date_from_url(url: str | None) -> str | None:
    if not url:
        return None
    match = _URL_DATE.search(url)
    return "-".join(match.groups()) if match else None
