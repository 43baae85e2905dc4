"""Evaluation against gold data other people (or we) coded: one module per dataset.

Each adapter module defines `NAME`, a one-line `DESCRIPTION` and
`evaluate(path, pipeline, limit=None) -> Report`; the registry finds them, so a new
dataset is one new module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

from ..registry import modules_in


@dataclass
class Report:
    dataset: str
    metrics: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)  # the most frequent mistakes
    notes: list[str] = field(default_factory=list)


class UnknownDataset(LookupError):
    pass


@lru_cache(maxsize=None)
def adapters() -> dict[str, ModuleType]:
    return {module.NAME: module for module in modules_in(__name__, __path__)
            if hasattr(module, "NAME") and hasattr(module, "evaluate")}


def get_adapter(name: str) -> ModuleType:
    try:
        return adapters()[name]
    except KeyError:
        raise UnknownDataset(
            f"unknown dataset {name!r} (one of: {', '.join(sorted(adapters()))})") from None


def one_to_one(gold: list, predicted: list, score) -> list[tuple[int, int]]:
    """Best-first one-to-one pairing: (gold index, predicted index) pairs, each side used
    once, highest `score(gold_item, predicted_item)` first; a score of None or 0 never pairs."""
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            value = score(g, p)
            if value:
                scored.append((value, gi, pi))
    scored.sort(key=lambda item: item[0], reverse=True)
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _value, gi, pi in scored:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs


def span_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def ratio(good: int, total: int) -> float | None:
    return round(good / total, 4) if total else None
