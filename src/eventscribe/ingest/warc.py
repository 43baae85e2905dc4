"""Web archives (`.warc.gz`, `.warc`, via warcio) → HTML pages with their URLs.

Crawls are kept as WARC files (wget --warc-file, Browsertrix, Common Crawl). Only
successful HTML responses are articles; images, scripts, redirects and error
pages are the crawl's furniture and are passed over without a report, which
would otherwise drown the real problems. Archives are read as a stream, record by
record, so a multi-gigabyte crawl never sits in memory.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .encoding import IngestError
from .htmlpage import looks_like_html

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc_name(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def looks_like_warc(data: bytes) -> bool:
    """For stdin, which has no name: a WARC header, plain or gzipped."""
    if data.startswith(b"WARC/"):
        return True
    if data.startswith(b"\x1f\x8b"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data[:65536])) as stream:
                return stream.read(5) == b"WARC/"
        except (OSError, EOFError):
            return False
    return False


def _html_type(content_type: str | None, payload_head: bytes) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() in _HTML_TYPES
    return looks_like_html(payload_head.decode("latin_1"))


def iter_pages(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[str, bytes | IngestError]]:
    """(URL, HTML bytes or why the page is refused) for each HTML page of an archive."""
    try:
        for record in ArchiveIterator(stream, arc2warc=True):
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.rec_type == "response":
                if record.http_headers is None:
                    continue
                if not (record.http_headers.get_statuscode() or "").startswith("2"):
                    continue
                content_type = record.http_headers.get_header("Content-Type")
            else:
                content_type = record.rec_headers.get_header("Content-Type")
            payload = record.content_stream().read(max_bytes + 1)
            if not _html_type(content_type, payload[:2000]):
                continue
            if len(payload) > max_bytes:
                yield url, IngestError(f"page too large (> {max_bytes // 1_048_576} MB)")
                continue
            yield url, payload
    except ArchiveLoadFailed as exc:
        yield "", IngestError(f"not a readable WARC archive: {exc}")
