"""Writers: every format derives from schema.Article / schema.Event.

    >>> write_articles(articles, "jsonl", sys.stdout)
    >>> write_articles(articles, "parquet", "events.parquet")

`out` is a text stream or a path for the text formats, a path or a binary
stream for the binary ones (BINARY_FORMATS: Parquet). A path is opened here
(UTF-8, and `newline=""` so CSV rows end as the csv module writes them).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from ..schema import Article
from .acled_csv import write_acled_csv
from .flatten import EVENT_COLUMNS, flatten
from .geojson import write_geojson
from .table import write_table
from .target import Target, check_binary_target, is_path

FORMATS = ("table", "jsonl", "json", "csv", "acled-csv", "geojson", "parquet")
BINARY_FORMATS = ("parquet",)
# Formats that show an event's article (its title, URL, date), not only the event record.
ARTICLE_FORMATS = ("json", "acled-csv")


def write_articles(articles: Iterable[Article], fmt: str, out: Target,
                   by_article: bool = True) -> int:
    """Write the articles' events in `fmt` to `out`; returns the number of events written.

    For GeoJSON that is the number of features (events without coordinates are
    counted in the file, not here). Raises ValueError for an unknown format, and
    target.BinaryTargetError (a ValueError) before reading any article when a
    binary format is asked for on a text stream or a terminal. `by_article=False`
    makes the table one block (for query results, each event in its own Article).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt in BINARY_FORMATS:
        check_binary_target(out, fmt)
        from .parquet import write_parquet  # pyarrow is imported only when needed

        return write_parquet(articles, out)  # type: ignore[arg-type]
    if is_path(out):
        with open(out, "w", encoding="utf-8", newline="") as handle:
            return _write_text(articles, fmt, handle, by_article)
    return _write_text(articles, fmt, out, by_article)  # type: ignore[arg-type]


def _write_text(articles: Iterable[Article], fmt: str, out: TextIO, by_article: bool) -> int:
    if fmt == "json":
        return _write_json(articles, out)
    if fmt == "jsonl":
        count = 0
        for article in articles:
            for event in article.events:
                out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
                count += 1
        return count
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        count = 0
        for article in articles:
            for event in article.events:
                writer.writerow(flatten(event.to_dict()))
                count += 1
        return count
    if fmt == "acled-csv":
        return write_acled_csv(articles, out)
    if fmt == "geojson":
        return write_geojson(articles, out)
    return write_table(articles, out, by_article)


def _write_json(articles: Iterable[Article], out: TextIO) -> int:
    # Streamed so that a large batch does not sit in memory twice.
    out.write('{"articles": [')
    count = 0
    for index, article in enumerate(articles):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        count += len(article.events)
    out.write("\n]}\n")
    return count
