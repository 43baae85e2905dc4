"""plover-gsr: the PLOVER gold-standard records (one coded sentence per record).

The file is a JSON array of PLOVER v0.5 records; the first is a DOCUMENT header.
Each record's `text` is run through the English pipeline as its own article and
our **top event** (highest confidence, ties broken by position in the sentence) is
compared with the record: its type (v0.5 names mapped to the current ones), the
country code of its actor (the record's first `source`) and of its recipient
(the first `target`, over records that have one). A sentence where we find no
event counts as wrong everywhere ("none").

Codes are compared as country codes: gold names or alpha-2 codes become ISO
alpha-3 (pycountry), and the international codes are compared at the gold's
granularity (our UNO and EUR are the GSR's IGO).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..ingest import article_from_text
from ..output.acled import country_code
from ..schema import PLOVER_EVENTS, Article, Entity, Event
from . import Report, prf, ratio

NAME = "plover-gsr"
DESCRIPTION = "PLOVER gold-standard sentences (JSON array, v0.5 names): top event, actor, recipient"

# PLOVER v0.5 event names and the current types that replaced them.
V05_EVENTS = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
              "FIGHT": "ASSAULT"}
SKIPPED_EVENTS = {"DOCUMENT"}
NONE = "none"
# Codes the GSR writes outside ISO 3166 (older CAMEO spellings).
LEGACY_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
# Our international codes, compared at the GSR's coarser level.
COARSE_CODES = {"UNO": "IGO", "EUR": "IGO"}
# Codes that are ours or CAMEO's rather than ISO's, kept as they are.
KEPT_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC", "KOS"})
EXAMPLE_CHARS = 120


def gold_event(name: str) -> str:
    """The current PLOVER type of a v0.5 event name."""
    return V05_EVENTS.get(name, name)


def normalise_code(value: Any) -> str | None:
    """An actor code as an ISO alpha-3 (or international) code, None when there is none.

    "USA" → USA, "us" → USA, "United States" → USA, "JAP" → JPN, "UNO" → IGO; an
    unknown all-capitals code of three letters is kept as written.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if len(value) <= 3:
        upper = LEGACY_CODES.get(value.upper(), value.upper())
        if upper in KEPT_CODES:
            return COARSE_CODES.get(upper, upper)
        code = country_code(upper)
        if code is None and len(upper) == 3 and upper.isalpha() and value.isupper():
            return upper
        return code
    return country_code(value)


def first_role_code(role: Any) -> tuple[bool, str | None]:
    """(does the record code this role?, the normalised code of its first actor)."""
    if isinstance(role, dict):
        role = [role]
    if not isinstance(role, list) or not role:
        return False, None
    first = role[0]
    if isinstance(first, str):
        return True, normalise_code(first)
    if not isinstance(first, dict):
        return False, None
    return True, normalise_code(first.get("code") or first.get("actorText"))


def load(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The coded records, header and text-less records left out."""
    with Path(path).open(encoding="utf-8") as handle:
        records = json.load(handle)
    if not isinstance(records, list):
        raise ValueError(f"{path}: expected a JSON array of PLOVER records")
    kept = [r for r in records if isinstance(r, dict) and r.get("event") not in SKIPPED_EVENTS
            and (r.get("text") or "").strip()]
    return kept[:limit] if limit else kept


def to_articles(records: list[dict[str, Any]]) -> list[Article]:
    """One English article per record. The records' dates are placeholders (2000-01-01,
    says the readme), so no publication date is given: dating a sentence from a CAMEO
    manual example to 2000 would only mislead the knowledge base's dated roles."""
    return [article_from_text(r["text"], language="en", pub_date=None,
                              date_source="input", article_id=str(r.get("id") or i))
            for i, r in enumerate(records)]


def top_event(events: list[Event]) -> Event | None:
    """The highest-confidence event; ties go to the earliest trigger, then list order."""
    if not events:
        return None
    order = sorted(range(len(events)), key=lambda i: (
        -events[i].confidence, events[i].text_info.trigger_start, i))
    return events[order[0]]


def _pred_code(entity: Entity | None) -> str | None:
    if entity is None or not entity.code:
        return None
    return COARSE_CODES.get(entity.code, entity.code)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict[str, dict[str, float]]]:
    """Macro F1 over the PLOVER types that occur in gold or predictions ("none" is never right).

    On the GSR file every one of the 16 types has gold records, so this is the
    macro F1 over all 16; a type absent from both sides has no defined F1.
    """
    per_type: dict[str, dict[str, float]] = {}
    for event in PLOVER_EVENTS:
        tp = sum(1 for g, p in pairs if g == event and p == event)
        fp = sum(1 for g, p in pairs if g != event and p == event)
        fn = sum(1 for g, p in pairs if g == event and p != event)
        if tp + fp + fn:
            per_type[event] = prf(tp, fp, fn)
    if not per_type:
        return 0.0, per_type
    return round(sum(m["f1"] for m in per_type.values()) / len(per_type), 4), per_type


def evaluate(path: str | Path, pipeline, limit: int | None = None) -> Report:
    """Run the pipeline on every document and score its events."""
    return score(path, pipeline.process, limit)


def score(path: str | Path, predict, limit: int | None = None) -> Report:
    """Score the events `predict(articles)` gives (an iterable of processed Articles)."""
    records = load(path, limit)
    articles = to_articles(records)
    processed = {a.id: a for a in predict(articles) if isinstance(a, Article)}
    pairs: list[tuple[str, str]] = []
    checks: Counter = Counter()
    mistakes: Counter = Counter()
    examples: dict[str, str] = {}
    unknown_gold: Counter = Counter()

    def mistake(kind: str, text: str) -> None:
        mistakes[kind] += 1
        examples.setdefault(kind, _short(text))

    for record, article in zip(records, articles):
        gold = gold_event(record["event"])
        if gold not in PLOVER_EVENTS:
            unknown_gold[gold] += 1
        result = processed.get(article.id)
        top = top_event(result.events if result is not None else [])
        predicted = top.event if top is not None else NONE
        pairs.append((gold, predicted))
        if predicted != gold:
            mistake(f"event {gold} → {predicted}", record["text"])
        for role, field, entity in (("actor", "source", top.actor if top else None),
                                    ("recipient", "target", top.recipient if top else None)):
            coded, gold_code = first_role_code(record.get(field))
            if not coded or gold_code is None:
                continue
            checks[f"{role}_n"] += 1
            ours = _pred_code(entity)
            if ours == gold_code:
                checks[f"{role}_ok"] += 1
            else:
                mistake(f"{role} {gold_code} → {ours or NONE}", record["text"])
    n = len(pairs)
    f1, per_type = macro_f1(pairs)
    confusion = Counter(f"{g}→{p}" for g, p in pairs if g != p)
    metrics: dict[str, Any] = {
        "n": n,
        "event_accuracy": ratio(sum(1 for g, p in pairs if g == p), n),
        "event_f1_macro": f1,
        "actor_accuracy": ratio(checks["actor_ok"], checks["actor_n"]),
        "recipient_accuracy": ratio(checks["recipient_ok"], checks["recipient_n"]),
        "n_actor": checks["actor_n"],
        "n_recipient": checks["recipient_n"],
        "no_event_rate": ratio(sum(1 for _, p in pairs if p == NONE), n),
        "per_type": per_type,
        "confusion": dict(confusion.most_common(30)),
    }
    errors = [{"error": kind, "count": count, "example": examples[kind]}
              for kind, count in mistakes.most_common(20)]
    notes = [f"gold types outside PLOVER: {dict(unknown_gold)}"] if unknown_gold else []
    return Report(NAME, metrics, errors, notes)
