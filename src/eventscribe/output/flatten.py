"""Flat views of the nested record, derived from the schema's dataclasses."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from ..schema import Event


def dataclass_of(annotation) -> type | None:
    for arg in (typing.get_args(annotation) or (annotation,)):
        if dataclasses.is_dataclass(arg):
            return arg
    return None


def flat_columns(cls: type = Event, prefix: str = "") -> list[str]:
    """Column names for a dataclass, nested ones joined by '_': actor_code, event_loc_lat…"""
    hints = typing.get_type_hints(cls)
    columns = []
    for f in dataclasses.fields(cls):
        nested = dataclass_of(hints[f.name])
        if nested is not None:
            columns.extend(flat_columns(nested, f"{prefix}{f.name}_"))
        else:
            columns.append(prefix + f.name)
    return columns


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested record as one level: nested keys joined by '_', lists joined by ';'."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}_"))
        elif isinstance(value, list):
            flat[prefix + key] = ";".join(str(v) for v in value)
        else:
            flat[prefix + key] = value
    return flat


EVENT_COLUMNS = flat_columns()


def flat_record(event: Event) -> dict[str, Any]:
    """An event as one flat row with every column of EVENT_COLUMNS, in order.

    A missing actor, place… gives None in each of its columns, so that every row
    has the same keys whatever the event holds.
    """
    flat = flatten(event.to_dict())
    return {column: flat.get(column) for column in EVENT_COLUMNS}
