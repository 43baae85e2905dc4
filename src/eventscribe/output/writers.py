"""Writers: every format derives from schema.Article / schema.Event."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from ..schema import Article
from .flatten import EVENT_COLUMNS, flatten
from .table import write_table

FORMATS = ("table", "jsonl", "json", "csv")


def write_articles(articles: Iterable[Article], fmt: str, out: TextIO) -> int:
    """Write the articles' events in `fmt`; returns the number of events written."""
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
    if fmt == "table":
        return write_table(articles, out)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


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
