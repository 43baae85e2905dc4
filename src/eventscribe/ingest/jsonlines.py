"""JSON lines: one article per line, {"id","url","title","text","date","lang"}."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .encoding import IngestError


def iter_records(text: str) -> Iterator[tuple[int, dict | IngestError]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, IngestError(f"line {number}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield number, IngestError(f"line {number}: expected a JSON object")
        elif not isinstance(record.get("text"), str) or not record["text"].strip():
            yield number, IngestError(f"line {number}: no \"text\" field")
        else:
            yield number, record


def looks_like_jsonl(text: str) -> bool:
    first = text.lstrip()[:1]
    if first != "{":
        return False
    try:
        json.loads(text.lstrip().split("\n", 1)[0])
    except json.JSONDecodeError:
        return False
    return True
