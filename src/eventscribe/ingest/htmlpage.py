"""HTML pages: trafilatura finds the title, the date and the main text."""

from __future__ import annotations

import re

import trafilatura

from .encoding import IngestError
from .plaintext import normalise_body

# Pages bigger than this are mostly scripts, inline data or tables; they are cut
# before extraction so one monster page cannot stall a batch.
MAX_HTML_CHARS = 2_000_000
_SCRIPTS = re.compile(r"<(script|style|svg|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<p>" in head


def parse_html(html: str, url: str | None = None) -> tuple[str | None, str, str | None]:
    """Return (title, body, date) from an HTML page."""
    if len(html) > MAX_HTML_CHARS:
        html = _SCRIPTS.sub(" ", html)[:MAX_HTML_CHARS]
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True,
    )
    if document is None or not (document.text or "").strip():
        raise IngestError("no main text found in the HTML page")
    body = normalise_body(document.text.replace("\n", "\n\n"))
    return document.title or None, body, document.date or None
