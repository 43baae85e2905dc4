"""An article's annotations as character spans, for highlighting its text.

Each event contributes its trigger, its roles (actor, recipient, claimant), its
place and, when the date came from the text, the date expression; each quote
contributes itself. Spans at the same offsets with the same kind and label are one
span listing every event it belongs to, so a place shared by five events is
highlighted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..schema import Entity, Event, Quote

SpanKind = Literal["actor", "recipient", "claimant", "trigger", "place", "date", "quote"]
ROLES: tuple[SpanKind, ...] = ("actor", "recipient", "claimant")


@dataclass
class Span:
    """`text[start:end]` is the span's text."""

    start: int
    end: int
    kind: SpanKind
    label: str | None
    event_ids: list[str] = field(default_factory=list)


def entity_label(entity: Entity | None) -> str | None:
    """'MLI/MIL', 'MLI', 'IGO'…: what the actor was resolved to, or None."""
    if entity is None:
        return None
    parts = [part for part in (entity.code, entity.sector) if part]
    return "/".join(dict.fromkeys(parts)) or None


def find_date(text: str, event: Event) -> tuple[int, int] | None:
    """Where the event's date expression is written: nearest its trigger, in its sentence
    first (the record keeps the expression, not its offsets)."""
    expression = event.date_text
    if not expression or event.date_source != "text":
        return None
    info = event.text_info
    for start, end in ((info.start, info.end), (0, len(text))):
        found = _occurrences(text, expression, start, end)
        if found:
            best = min(found, key=lambda at: abs(at - info.trigger_start))
            return best, best + len(expression)
    return None


def _occurrences(text: str, expression: str, start: int, end: int) -> list[int]:
    folded, wanted = text.lower(), expression.lower()
    found, at = [], folded.find(wanted, start, end)
    while at != -1:
        found.append(at)
        at = folded.find(wanted, at + 1, end)
    return found


def _event_spans(text: str, event: Event) -> Iterator[Span]:
    info = event.text_info
    label = f"{event.event}/{event.mode}" if event.mode else event.event
    yield Span(info.trigger_start, info.trigger_end, "trigger", label)
    for role in ROLES:
        entity = getattr(event, role)
        if entity is not None:
            yield Span(entity.start, entity.end, role, entity_label(entity))
    place = event.event_loc
    if place is not None:
        yield Span(place.start, place.end, "place", place.resolved_place or place.extracted_place)
    date = find_date(text, event)
    if date is not None:
        yield Span(*date, "date", event.date)


def _quote_span(quote: Quote) -> Span:
    speaker = quote.speaker
    label = (entity_label(speaker) or speaker.entity_text) if speaker else None
    return Span(quote.start, quote.end, "quote", label, list(quote.event_ids))


def article_spans(text: str, events: Iterable[Event], quotes: Iterable[Quote]) -> list[Span]:
    """Every span of the article, in reading order (longer first at the same start)."""
    merged: dict[tuple[int, int, str, str | None], Span] = {}
    for event in events:
        for span in _event_spans(text, event):
            key = (span.start, span.end, span.kind, span.label)
            kept = merged.setdefault(key, span)
            if event.id not in kept.event_ids:
                kept.event_ids.append(event.id)
    for quote in quotes:
        span = _quote_span(quote)
        merged.setdefault((span.start, span.end, span.kind, span.label), span)
    inside = (s for s in merged.values() if 0 <= s.start < s.end <= len(text))
    return sorted(inside, key=lambda s: (s.start, -s.end, s.kind))
