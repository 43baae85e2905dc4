"""Bytes to text: detect the encoding, refuse binary data with a clear reason."""

from __future__ import annotations

import unicodedata

from charset_normalizer import from_bytes


class IngestError(ValueError):
    """An input that cannot become an article; the message says why."""


# Encodings news text really comes in; a detector left free picks exotic ones on
# short French text (e.g. cp1250 for Latin-1 accents).
CANDIDATE_ENCODINGS = ("utf_8", "cp1252", "latin_1")
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and chr(b) not in _CONTROL_OK)
    return controls > max(8, len(head) // 100)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises IngestError for binary or undecodable data."""
    if looks_binary(data):
        raise IngestError("binary data, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf_8"
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000], cp_isolation=list(CANDIDATE_ENCODINGS[1:])).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("latin_1")
        encoding = "latin_1"
    return text, encoding


def clean_text(text: str) -> str:
    """Normalise newlines and Unicode composition; keep every visible character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in _CONTROL_OK or unicodedata.category(ch) != "Cc")
