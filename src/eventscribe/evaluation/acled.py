"""acled: ACLED event rows (CSV), each row's `notes` read as a one-sentence article.

The note is run through the English pipeline with `event_date` as its publication
date. Of the events found we keep one **main event**: among the events ACLED would
code (those with an ACLED type, see `output.acled`), the violent and contentious
ones first (ASSAULT, PROTEST, COERCE), asserted events before negated, future or
hypothetical ones, then the highest confidence, then the earliest trigger.

Scores, each over all rows (no main event = wrong), except actor1 (rows whose
actor1 the mapping codes with a country):

* `event_type_accuracy` — our ACLED type == the row's `event_type`, in the
  vocabulary the file uses (pre-2019 types, or current ones with `sub_event_type`);
* `actor1_match` — our actor's code == actor1's mapped code, and our sector == its
  mapped sector when the mapping gives one;
* `location_25km` / `location_50km` — our event place within 25 / 50 km of the row's
  latitude/longitude; `date_accuracy` — our event date == `event_date`;
* `no_event_rate` — rows where we found no event at all; `unmapped_rate` — rows
  with events of which none is an ACLED type.

Deduplication (dedup.py) is measured here too, since each row is one distinct
event: the main events of all rows are clustered with the default rule, and
`dedup_clusters` should equal `dedup_rows` (fewer clusters = distinct events merged).
`dedup_bcubed_precision` / `dedup_bcubed_recall` cluster *every* event found, the
row's events of one type being the true cluster (a note may tell an attack and an
arrest): precision drops when mentions of different rows are merged, recall when
mentions of one row's event are left apart (B-cubed, averaged over mentions).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import dedup
from ..ingest import article_from_text
from ..output.acled import AcledMapping, AcledType, acled_actor, acled_type, load_mapping
from ..schema import Article, Event
from . import Report, ratio
from .events_gold import haversine_km

NAME = "acled"
DESCRIPTION = "ACLED event rows (CSV): notes as text; type (both vocabularies), actor1, place, date"

PREFERRED = ("ASSAULT", "PROTEST", "COERCE")
DOUBTFUL_AUX = frozenset({"negation", "future", "hypothetical"})
# ACLED codes a note where people die as violence: "arrested and executed", "killed a
# herder and seized his flock" are not arrests or looting. Trigger words that kill, as
# stems of both languages.
LETHAL_STEMS = ("kill", "execut", "exécut", "murder", "assassin", "slaughter", "massacr",
                "behead", "lynch", "tué", "tue", "égorg")
NONE = "none"
EXAMPLE_CHARS = 120
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")


@dataclass
class Row:
    """What we score against in one ACLED row."""

    id: str
    notes: str
    date: str | None  # ISO
    event_type: str
    sub_event_type: str | None
    actor1: str
    lat: float | None
    lon: float | None


def parse_date(value: str) -> str | None:
    """ACLED dates: "22 February 2019" (older exports) or ISO "2019-02-22"."""
    value = (value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def load(path: str | Path, limit: int | None = None) -> tuple[list[Row], int]:
    """The rows with a note (and how many rows had none), in file order."""
    rows: list[Row] = []
    without_notes = 0
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), 1):
            notes = " ".join((raw.get("notes") or "").split())
            if not notes:
                without_notes += 1
                continue
            rows.append(Row(
                id=raw.get("event_id_cnty") or raw.get("data_id") or str(number),
                notes=notes, date=parse_date(raw.get("event_date", "")),
                event_type=(raw.get("event_type") or "").strip(),
                sub_event_type=(raw.get("sub_event_type") or "").strip() or None,
                actor1=(raw.get("actor1") or "").strip(),
                lat=_float(raw.get("latitude")), lon=_float(raw.get("longitude"))))
            if limit and len(rows) >= limit:
                break
    return rows, without_notes


def uses_old_vocabulary(rows: list[Row], mapping: AcledMapping) -> bool:
    """True when the file's event types are (mostly) the pre-2019 ones."""
    old = sum(1 for r in rows if r.event_type in mapping.old_types)
    new = sum(1 for r in rows if r.event_type in mapping.new_types)
    return old >= new


def main_event(events: list[Event], mapping: AcledMapping | None = None
               ) -> tuple[Event, AcledType] | None:
    """The event that stands for the note, with its ACLED type (None: nothing ACLED codes)."""
    candidates = []
    killing = any(_lethal(event) for event in events)
    for position, event in enumerate(events):
        kind = acled_type(event, mapping)
        if kind is None:
            continue
        rank = (event.event not in PREFERRED, killing and event.event == "COERCE",
                bool(DOUBTFUL_AUX.intersection(event.aux)),
                -event.confidence, event.text_info.trigger_start, position)
        candidates.append((rank, event, kind))
    if not candidates:
        return None
    _rank, event, kind = min(candidates, key=lambda c: c[0])
    return event, kind


def _lethal(event: Event) -> bool:
    info = event.text_info
    trigger = info.sentence[info.trigger_start - info.start:info.trigger_end - info.start]
    return event.event == "ASSAULT" and trigger.lower().startswith(LETHAL_STEMS)


def actor_matches(event: Event, mapped: tuple[str | None, str | None]) -> bool:
    """Our actor against actor1's mapped (code, sector)."""
    code, sector = mapped
    actor = event.actor
    if actor is None or actor.code != code:
        return False
    return sector is None or actor.sector == sector


def _short(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"


def evaluate(path: str | Path, pipeline, limit: int | None = None) -> Report:
    """Run the pipeline on every document and score its events."""
    return score(path, pipeline.process, limit)


def score(path: str | Path, predict, limit: int | None = None) -> Report:
    """Score the events `predict(articles)` gives (an iterable of processed Articles)."""
    mapping = load_mapping()
    rows, without_notes = load(path, limit)
    old_vocabulary = uses_old_vocabulary(rows, mapping)
    articles = [article_from_text(r.notes, language="en", pub_date=r.date, date_source="input",
                                  article_id=f"acled-{i}-{r.id}") for i, r in enumerate(rows)]
    processed = {a.id: a for a in predict(articles) if isinstance(a, Article)}
    counts: Counter = Counter()
    confusions: Counter = Counter()
    examples: dict[str, str] = {}
    unknown_actors: Counter = Counter()
    for row, article in zip(rows, articles):
        result = processed.get(article.id)
        events = result.events if result is not None else []
        chosen = main_event(events, mapping)
        if not events:
            counts["no_event"] += 1
        elif chosen is None:
            counts["unmapped"] += 1
        event, kind = chosen if chosen is not None else (None, None)
        ours = NONE if kind is None else (kind.old if old_vocabulary else kind.new)
        if ours == row.event_type:
            counts["type_ok"] += 1
        else:
            label = f"{row.event_type} → {ours}"
            confusions[label] += 1
            examples.setdefault(label, _short(row.notes))
        if not old_vocabulary and row.sub_event_type:
            counts["sub_n"] += 1
            counts["sub_ok"] += kind is not None and kind.sub_event_type == row.sub_event_type
        mapped = acled_actor(row.actor1, mapping)
        if mapped is None or mapped[0] is None:
            unknown_actors[row.actor1] += 1
        else:
            counts["actor_n"] += 1
            counts["actor_ok"] += event is not None and actor_matches(event, mapped)
        _score_place_and_date(row, event, counts)
    n = len(rows)
    metrics: dict[str, Any] = {
        "n": n,
        "vocabulary": "old" if old_vocabulary else "new",
        "event_type_accuracy": ratio(counts["type_ok"], n),
        "actor1_match": ratio(counts["actor_ok"], counts["actor_n"]),
        "n_actor1": counts["actor_n"],
        "location_25km": ratio(counts["loc25"], counts["loc_n"]),
        "location_50km": ratio(counts["loc50"], counts["loc_n"]),
        "date_accuracy": ratio(counts["date_ok"], counts["date_n"]),
        "no_event_rate": ratio(counts["no_event"], n),
        "unmapped_rate": ratio(counts["unmapped"], n),
    }
    if counts["sub_n"]:
        metrics["sub_event_type_accuracy"] = ratio(counts["sub_ok"], counts["sub_n"])
    metrics.update(_deduplication(rows, articles, processed, mapping))
    errors = [{"error": label, "count": count, "example": examples[label]}
              for label, count in confusions.most_common(20)]
    notes = []
    if without_notes:
        notes.append(f"{without_notes} rows without notes left out")
    if unknown_actors:
        top = ", ".join(f"{name or '(empty)'} ({count})"
                        for name, count in unknown_actors.most_common(5))
        notes.append(f"actor1 not scored (no country in the mapping): {top}")
    return Report(NAME, metrics, errors, notes)


def _deduplication(rows: list[Row], articles: list[Article], processed: dict[str, Article],
                   mapping: AcledMapping) -> dict[str, Any]:
    main: list[dedup.Mention] = []
    every: list[dedup.Mention] = []
    for row, article in zip(rows, articles):
        events = processed[article.id].events if article.id in processed else []
        mentions = [dedup.Mention.of(e, reported=row.date) for e in events]
        every.extend(mentions)
        chosen = main_event(events, mapping)
        if chosen is not None:
            main.append(dedup.Mention.of(chosen[0], reported=row.date))
    groups = dedup.cluster(every)
    precision = recall = 0.0
    per_row = Counter((m.article_id, m.event) for m in every)
    for group in groups:
        in_group = Counter((m.article_id, m.event) for m in group)
        for mention in group:
            shared = in_group[mention.article_id, mention.event]
            precision += shared / len(group)
            recall += shared / per_row[mention.article_id, mention.event]
    return {
        "dedup_rows": len(main),
        "dedup_clusters": len(dedup.cluster(main)),
        "dedup_mentions": len(every),
        "dedup_bcubed_precision": ratio(precision, len(every)),
        "dedup_bcubed_recall": ratio(recall, len(every)),
    }


def _score_place_and_date(row: Row, event: Event | None, counts: Counter) -> None:
    if row.lat is not None and row.lon is not None:
        counts["loc_n"] += 1
        place = event.event_loc if event is not None else None
        if place is not None and place.lat is not None and place.lon is not None:
            distance = haversine_km(row.lat, row.lon, place.lat, place.lon)
            counts["loc25"] += distance <= 25
            counts["loc50"] += distance <= 50
    if row.date:
        counts["date_n"] += 1
        counts["date_ok"] += event is not None and event.date == row.date
