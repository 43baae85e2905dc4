"""Parquet: one row per event, with an Arrow schema derived from schema.Event.

The Arrow schema is read off the dataclasses' type hints, never written by hand:
`str` → string, `int` → int64, `float` → float64, `bool` → bool, a `Literal`
of strings → string, `list[T]` → list<T>, a nested dataclass (actor, recipient,
claimant, event_loc, text_info) → a struct of its own fields, and `X | None`
makes the field nullable (every other field is required). A field added to the
schema therefore appears here with no change to this module.

    >>> arrow_schema().field("event_loc").type   # struct<extracted_place: string not null, …>
    >>> write_parquet(articles, "events.parquet")

Parquet is binary and its footer comes last: the writer takes a path or a binary
stream, and refuses a text stream or a terminal (`target.check_binary_target`).
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, BinaryIO, Literal, Union

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import Article, Event
from .target import check_binary_target, is_path

BATCH_ROWS = 10_000  # events per record batch; each batch is written as one row group
_SCALARS: dict[type, pa.DataType] = {
    str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
}


def arrow_type(hint: Any) -> tuple[pa.DataType, bool]:
    """(Arrow type, nullable) of one type hint of the schema's dataclasses."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        present = [arg for arg in args if arg is not type(None)]
        if len(present) != 1:
            raise TypeError(f"no Arrow type for a union of several types: {hint!r}")
        return arrow_type(present[0])[0], type(None) in args
    if origin is Literal:
        if not all(isinstance(arg, str) for arg in args):
            raise TypeError(f"no Arrow type for a non-string Literal: {hint!r}")
        return pa.string(), False
    if origin is list:
        item_type, _ = arrow_type(args[0])
        return pa.list_(item_type), False
    if dataclasses.is_dataclass(hint):
        return pa.struct(arrow_fields(hint)), False
    if hint in _SCALARS:
        return _SCALARS[hint], False
    raise TypeError(f"no Arrow type for {hint!r}")


def arrow_fields(cls: type) -> list[pa.Field]:
    """The Arrow fields of a dataclass, in declaration order."""
    hints = typing.get_type_hints(cls)
    fields = []
    for field in dataclasses.fields(cls):
        data_type, nullable = arrow_type(hints[field.name])
        fields.append(pa.field(field.name, data_type, nullable=nullable))
    return fields


@lru_cache(maxsize=1)
def arrow_schema() -> pa.Schema:
    """The Arrow schema of an event row, derived from schema.Event."""
    return pa.schema(arrow_fields(Event), metadata={b"eventscribe.record": b"schema.Event"})


def write_parquet(articles: Iterable[Article], target: str | os.PathLike[str] | BinaryIO,
                  compression: str = "zstd") -> int:
    """Write every event of the articles to a Parquet file; returns the number written.

    Rows are written in batches of BATCH_ROWS events, so memory stays bounded
    whatever the number of articles. A file with no events still has the schema.
    """
    check_binary_target(target)
    sink = os.fspath(target) if is_path(target) else target
    schema = arrow_schema()
    rows: list[dict[str, Any]] = []
    count = 0
    with pq.ParquetWriter(sink, schema, compression=compression) as writer:
        for article in articles:
            for event in article.events:
                rows.append(event.to_dict())
                if len(rows) == BATCH_ROWS:
                    writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
                    count, rows = count + len(rows), []
        if rows:
            writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
            count += len(rows)
    return count
