"""Ingest: files, directories, stdin → Article objects (or Skipped, with the reason).

Formats: plain text (first line = title when a blank line follows), HTML pages
(trafilatura), JSON lines. Every input either becomes an Article or a Skipped
record; nothing is dropped silently.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..schema import Article, Skipped, stable_id
from .encoding import IngestError, clean_text, decode
from .htmlpage import looks_like_html, parse_html
from .jsonlines import iter_records, looks_like_jsonl
from .plaintext import date_from_url, normalise_body, parse_plaintext

__all__ = ["IngestError", "read_sources", "article_from_text", "MAX_INPUT_BYTES"]

# One input file larger than this is refused: no news article is 50 MB, and the
# cost of trying is paid by every other article in the batch.
MAX_INPUT_BYTES = 50 * 1024 * 1024
SKIP_SUFFIXES = {".pyc", ".zip", ".gz", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".duckdb"}


def article_id_for(text: str, url: str | None) -> str:
    return stable_id("url", url) if url else stable_id("text", " ".join(text.split()))


def article_from_text(text: str, *, title: str | None = None, url: str | None = None,
                      pub_date: str | None = None, date_source: str | None = None,
                      article_id: str | None = None, language: str | None = None,
                      source: str | None = None) -> Article:
    if not pub_date:
        pub_date, date_source = date_from_url(url), "url"
    return Article(
        id=article_id or article_id_for(text, url), text=text, title=title, url=url,
        pub_date=pub_date, pub_date_source=date_source if pub_date else None,
        language=language, source=source,
    )


def _from_document(raw: str, source: str) -> Iterator[Article | Skipped]:
    if looks_like_jsonl(raw):
        for number, record in iter_records(raw):
            where = f"{source}:{number}"
            if isinstance(record, IngestError):
                yield Skipped(where, str(record))
                continue
            text = normalise_body(clean_text(record["text"]))
            if not text:
                yield Skipped(where, "empty text")
                continue
            yield article_from_text(
                text, title=record.get("title"), url=record.get("url"),
                pub_date=(record.get("date") or "")[:10] or None, date_source="input",
                article_id=str(record["id"]) if record.get("id") is not None else None,
                language=record.get("lang"), source=where,
            )
        return
    if looks_like_html(raw):
        title, body, date = parse_html(raw)
        date_source = "metadata"
    else:
        title, body = parse_plaintext(raw)
        date, date_source = None, None
    if not body.strip():
        raise IngestError("empty: no text after cleaning")
    yield article_from_text(body, title=title, pub_date=date, date_source=date_source,
                            source=source)


def read_bytes(data: bytes, source: str) -> Iterator[Article | Skipped]:
    try:
        if not data.strip():
            raise IngestError("empty file")
        if len(data) > MAX_INPUT_BYTES:
            raise IngestError(f"too large ({len(data) // 1_048_576} MB > "
                              f"{MAX_INPUT_BYTES // 1_048_576} MB)")
        raw, _encoding = decode(data)
        for item in _from_document(clean_text(raw), source):
            if isinstance(item, Article) and item.pub_date is None:
                # "archive/2019-11-14_mali.txt": a date in the file's path is a last resort
                item.pub_date = date_from_url("/" + source.replace("\\", "/"))
                item.pub_date_source = "path" if item.pub_date else None
            yield item
    except IngestError as exc:
        yield Skipped(source, str(exc))


def _expand(paths: Iterable[str]) -> Iterator[Path | str]:
    for item in paths:
        if item == "-":
            yield "-"
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not child.name.startswith(".") and child.suffix.lower() not in SKIP_SUFFIXES:
                    yield child
        else:
            yield path


def read_sources(paths: Iterable[str]) -> Iterator[Article | Skipped]:
    """Every article in the given files, directories and '-' (stdin), in order."""
    for path in _expand(paths):
        if path == "-":
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>")
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
            continue
        yield from read_bytes(data, str(path))
