"""Stored JSON back into schema dataclasses.

The store keeps each event's whole record as JSON so that a query returns exactly
what the pipeline produced, whatever columns the table has; this rebuilds the
dataclasses from it, generically, so a field added to schema.py needs no code here.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from typing import Any, TypeVar

from ..output.flatten import dataclass_of
from ..schema import Event

T = TypeVar("T")


def _missing(f: dataclasses.Field) -> Any:
    """A field absent from an older record: its default, else None."""
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


@lru_cache(maxsize=None)
def _plan(cls: type) -> tuple[tuple[dataclasses.Field, type | None], ...]:
    """Each field with its nested dataclass: resolving type hints is the slow part, and a
    query rebuilds thousands of records of the same few classes."""
    hints = typing.get_type_hints(cls)
    return tuple((f, dataclass_of(hints[f.name])) for f in dataclasses.fields(cls))


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """A dataclass instance from its `dataclasses.asdict` form, nested ones included."""
    values: dict[str, Any] = {}
    for f, nested in _plan(cls):
        if f.name not in data:
            values[f.name] = _missing(f)
            continue
        value = data[f.name]
        values[f.name] = from_dict(nested, value) if nested and isinstance(value, dict) else value
    return cls(**values)


def event_from_dict(data: dict[str, Any]) -> Event:
    return from_dict(Event, data)
