"""fr-timebank: French TimeBank (ISO-TimeML `.tml` files) — date expressions.

Each document's TEXT is read with its tags stripped; the gold TIMEX3 spans are
char offsets into that plain text (so ``text[start:end]`` is the annotated
phrase). The document creation time (the TIMEX3 with
``functionInDocument="CREATION_TIME"``, in <DCT>) is the publication date given to
`find_time_expressions(text, "fr", dct)`; it is not itself a gold expression.

Metrics (TempEval-3 style):

* ``strict_*``     span detection, a prediction counts when its span is exactly the
                   gold span (surrounding whitespace ignored);
* ``relaxed_*``    span detection, a prediction counts when it overlaps a gold span
                   (one-to-one: the pairs with the largest overlap first);
* ``value_accuracy`` among relaxed matches, the share whose TimeML value equals the
                   gold ``value`` (how well we normalise what we find);
* ``value_f1``     end to end: a prediction is correct when it overlaps a gold span
                   AND has its value; precision over all predictions, recall over all
                   gold expressions;
* ``n``            the gold TIMEX3 (the DCT excluded).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..time import TimeExpression, find_time_expressions
from . import Report, one_to_one, prf, ratio, span_overlap

NAME = "fr-timebank"
DESCRIPTION = "French TimeBank (.tml, ISO-TimeML): TIMEX3 spans and normalised values"
ANCHOR = ("Anchor: HeidelTime reports F1 86.0 (strict) / 91.0 (relaxed) span detection "
          "on the French TimeBank.")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    value: str
    timex_type: str


@dataclass
class TimebankDocument:
    name: str
    text: str
    dct: dt.date | None
    timexes: list[GoldTimex] = field(default_factory=list)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def load_document(path: Path) -> TimebankDocument:
    """One .tml file: the plain text of <TEXT>, its DCT and its TIMEX3 (offsets in the text)."""
    root = ET.parse(path).getroot()
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = _parse_date(timex.get("value"))
            break
    pieces: list[str] = []
    spans: list[tuple[int, int, ET.Element]] = []
    length = 0

    def walk(element: ET.Element) -> None:
        nonlocal length
        if element.text:
            pieces.append(element.text)
            length += len(element.text)
        for child in element:
            start = length
            walk(child)
            if child.tag == "TIMEX3" and child.get("functionInDocument") != "CREATION_TIME":
                spans.append((start, length, child))
            if child.tail:
                pieces.append(child.tail)
                length += len(child.tail)

    body = root.find("TEXT")
    if body is not None:
        walk(body)
    text = "".join(pieces)
    timexes = []
    for start, end, element in spans:
        start, end = _trimmed(text, start, end)
        timexes.append(GoldTimex(start, end, text[start:end], element.get("value") or "",
                                 element.get("type") or ""))
    return TimebankDocument(path.stem, text, dct, timexes)


def load(path: str | Path, limit: int | None = None) -> list[TimebankDocument]:
    path = Path(path)
    files = sorted(path.glob("*.tml")) if path.is_dir() else [path]
    if limit:
        files = files[:limit]
    return [load_document(f) for f in files]


def match_overlapping(gold: list[GoldTimex],
                      predicted: list[TimeExpression]) -> list[tuple[GoldTimex, TimeExpression]]:
    """One-to-one pairs of overlapping spans, the largest overlaps first."""
    pairs = one_to_one(gold, predicted, lambda g, p: span_overlap(g.start, g.end, p.start, p.end))
    return [(gold[gi], predicted[pi]) for gi, pi in pairs]


def value_shape(value: str) -> str:
    """'1999-05-19TMO' → '9999-99-99TMO': groups wrong values into error classes."""
    return _DIGIT.sub("9", value) if value else "∅"


def evaluate(path: str | Path, pipeline=None, limit: int | None = None) -> Report:
    """Run the French time stage on every document and score it against the TIMEX3.

    `pipeline` is unused (the time stage needs no parse) but kept for the adapter
    interface."""
    documents = load(path, limit)
    counts: Counter = Counter()
    errors: Counter = Counter()
    examples: dict[str, str] = {}

    def note(key: str, example: str) -> None:
        errors[key] += 1
        examples.setdefault(key, example)

    for doc in documents:
        predicted = find_time_expressions(doc.text, "fr", doc.dct)
        counts["gold"] += len(doc.timexes)
        counts["predicted"] += len(predicted)
        exact = {(g.start, g.end) for g in doc.timexes}
        counts["strict_tp"] += sum(1 for p in predicted
                                   if _trimmed(doc.text, p.start, p.end) in exact)
        pairs = match_overlapping(doc.timexes, predicted)
        counts["relaxed_tp"] += len(pairs)
        for g, p in pairs:
            if p.timex_value == g.value:
                counts["value_ok"] += 1
            else:
                note(f"wrong value {g.timex_type} {value_shape(g.value)} → "
                     f"{value_shape(p.timex_value)}",
                     f"{doc.name}: «{g.text}» {g.value} → {p.timex_value or '∅'}")
        found_gold = {id(g) for g, _ in pairs}
        found_pred = {id(p) for _, p in pairs}
        for g in doc.timexes:
            if id(g) not in found_gold:
                note(f"missed {g.timex_type} «{g.text.lower()}»", f"{doc.name}: {g.value}")
        for p in predicted:
            if id(p) not in found_pred:
                note(f"spurious {p.timex_type} «{p.text.lower()}»",
                     f"{doc.name}: {p.timex_value or '∅'}")
    gold, pred = counts["gold"], counts["predicted"]
    strict = prf(counts["strict_tp"], pred - counts["strict_tp"], gold - counts["strict_tp"])
    relaxed = prf(counts["relaxed_tp"], pred - counts["relaxed_tp"], gold - counts["relaxed_tp"])
    valued = prf(counts["value_ok"], pred - counts["value_ok"], gold - counts["value_ok"])
    metrics = {
        "n": gold, "n_documents": len(documents), "n_predicted": pred,
        "strict_precision": strict["precision"], "strict_recall": strict["recall"],
        "strict_f1": strict["f1"],
        "relaxed_precision": relaxed["precision"], "relaxed_recall": relaxed["recall"],
        "relaxed_f1": relaxed["f1"],
        "value_accuracy": ratio(counts["value_ok"], counts["relaxed_tp"]),
        "value_precision": valued["precision"], "value_recall": valued["recall"],
        "value_f1": valued["f1"],
    }
    top = [{"error": key, "count": count, "example": examples[key]}
           for key, count in errors.most_common(20)]
    return Report(NAME, metrics, top, [ANCHOR])
