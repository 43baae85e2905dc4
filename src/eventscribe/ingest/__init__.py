"""Ingest: files, directories, stdin → Article objects (or Skipped, with the reason).

Formats: plain text (first line = title when a blank line follows), HTML pages
(trafilatura), JSON lines, RSS/Atom feeds and sitemaps (feeds.py), web archives
(.warc.gz, warc.py). Files are recognised by their content, archives by their
name (they are streamed, not read whole). Every input either becomes an Article
or a Skipped record; nothing is dropped silently.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..schema import Article, Skipped, stable_id
from .encoding import IngestError, clean_text, decode
from .feeds import iter_feed_records, looks_like_feed
from .htmlpage import looks_like_html, parse_html
from .jsonlines import iter_records, looks_like_jsonl
from .plaintext import date_from_url, normalise_body, parse_plaintext
from .warc import is_warc_name, iter_pages, looks_like_warc

__all__ = ["IngestError", "read_sources", "article_from_text", "expand_paths",
           "MAX_INPUT_BYTES"]

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


def _from_records(records: Iterable[tuple[int, dict | IngestError]], source: str,
                  date_source: str) -> Iterator[Article | Skipped]:
    """Articles from JSON lines or feed items: {"id","url","title","text","date","lang"}."""
    for number, record in records:
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
            pub_date=(record.get("date") or "")[:10] or None, date_source=date_source,
            article_id=str(record["id"]) if record.get("id") is not None else None,
            language=record.get("lang"), source=where,
        )


def _from_html(raw: str, source: str, url: str | None = None) -> Article:
    title, body, date = parse_html(raw, url=url)
    if not body.strip():
        raise IngestError("empty: no text after cleaning")
    return article_from_text(body, title=title, url=url, pub_date=date,
                             date_source="metadata", source=source)


def _from_document(raw: str, source: str) -> Iterator[Article | Skipped]:
    if looks_like_jsonl(raw):
        yield from _from_records(iter_records(raw), source, "input")
    elif looks_like_feed(raw):
        yield from _from_records(iter_feed_records(raw), source, "metadata")
    elif looks_like_html(raw):
        yield _from_html(raw, source)
    else:
        title, body = parse_plaintext(raw)
        if not body.strip():
            raise IngestError("empty: no text after cleaning")
        yield article_from_text(body, title=title, source=source)


def _from_warc(stream: BinaryIO, source: str) -> Iterator[Article | Skipped]:
    for url, page in iter_pages(stream, MAX_INPUT_BYTES):
        where = f"{source}:{url}" if url else source
        try:
            if isinstance(page, IngestError):
                raise page
            yield _from_html(clean_text(decode(page)[0]), where, url or None)
        except IngestError as exc:
            yield Skipped(where, str(exc))


def read_bytes(data: bytes, source: str) -> Iterator[Article | Skipped]:
    if looks_like_warc(data):
        yield from _from_warc(io.BytesIO(data), source)
        return
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


def expand_paths(paths: Iterable[str]) -> Iterator[Path | str]:
    """The files to read, in order: directories walked, hidden and binary files left out."""
    for item in paths:
        if item == "-":
            yield "-"
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not child.name.startswith(".") and (
                        child.suffix.lower() not in SKIP_SUFFIXES or is_warc_name(child.name)):
                    yield child
        else:
            yield path


def read_sources(paths: Iterable[str]) -> Iterator[Article | Skipped]:
    """Every article in the given files, directories and '-' (stdin), in order."""
    for path in expand_paths(paths):
        if isinstance(path, str):  # "-"
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>")
            continue
        if is_warc_name(path.name):
            try:
                with path.open("rb") as stream:
                    yield from _from_warc(stream, str(path))
            except OSError as exc:
                yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
            continue
        yield from read_bytes(data, str(path))
