"""events-gold: our own event-level gold format (articles.jsonl + gold.jsonl).

A predicted event matches a gold event of the same article when the type agrees
and, where gold codes them, the actor's and recipient's country codes agree;
matching is one-to-one (best pairs first). Over matched pairs we then score mode,
actor, recipient, location (within 50 km) and date.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

from ..ingest import article_from_text
from ..schema import Article, Event
from . import Report, one_to_one, prf, ratio

NAME = "events-gold"
DESCRIPTION = "event-level gold: articles.jsonl + gold.jsonl (type, roles, place, date)"


def _code(role: dict | None) -> str | None:
    return (role or {}).get("code")


def _pred_code(entity) -> str | None:
    return entity.code if entity is not None else None


def _compatible(gold: dict, pred: Event) -> bool:
    if gold["event"] != pred.event:
        return False
    for role, entity in (("actor", pred.actor), ("recipient", pred.recipient)):
        if _code(gold.get(role)) and _code(gold[role]) != _pred_code(entity):
            return False
    return True


def _score(gold: dict, pred: Event) -> float:
    score = 0.0
    evidence = gold.get("evidence") or ""
    if evidence and evidence.strip() == pred.text_info.sentence.strip():
        score += 2
    if (gold.get("trigger") or "").lower() in pred.event_text.lower():
        score += 1
    if gold.get("mode") == pred.mode:
        score += 0.5
    return score


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def load(path: Path, limit: int | None = None) -> tuple[list[Article], dict[str, list[dict]]]:
    articles = []
    with (path / "articles.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                articles.append(article_from_text(
                    record["text"], title=record.get("title"), article_id=record["article_id"],
                    pub_date=record.get("pub_date"), date_source="input",
                    language=record.get("language")))
    if limit:
        articles = articles[:limit]
    keep = {a.id for a in articles}
    gold: dict[str, list[dict]] = {a.id: [] for a in articles}
    with (path / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if record["article_id"] in keep:
                    gold[record["article_id"]].append(record)
    return articles, gold


def match(gold: list[dict], predicted: list[Event]) -> list[tuple[dict, Event]]:
    # compatible pairs always score > 0 so that a pair with no other agreement still pairs
    pairs = one_to_one(gold, predicted,
                       lambda g, p: 1 + _score(g, p) if _compatible(g, p) else None)
    return [(gold[gi], predicted[pi]) for gi, pi in pairs]


def evaluate(path: str | Path, pipeline, limit: int | None = None) -> Report:
    path = Path(path)
    articles, gold = load(path, limit)
    processed = {a.id: a for a in pipeline.process(articles) if isinstance(a, Article)}
    tp = fp = fn = 0
    loose = Counter()  # matching on the type alone: how much the roles cost
    per_type: dict[str, Counter] = {}
    checks = Counter()
    errors: Counter = Counter()
    for article_id, gold_events in gold.items():
        predicted = processed[article_id].events if article_id in processed else []
        pairs = match(gold_events, predicted)
        type_pairs = match([{**g, "actor": None, "recipient": None} for g in gold_events], predicted)
        loose["tp"] += len(type_pairs)
        loose["fp"] += len(predicted) - len(type_pairs)
        loose["fn"] += len(gold_events) - len(type_pairs)
        matched_gold = {id(g) for g, _ in pairs}
        matched_pred = {id(p) for _, p in pairs}
        tp += len(pairs)
        fp += len(predicted) - len(pairs)
        fn += len(gold_events) - len(pairs)
        for g in gold_events:
            counts = per_type.setdefault(g["event"], Counter())
            counts["tp" if id(g) in matched_gold else "fn"] += 1
            if id(g) not in matched_gold:
                errors[f"missed {g['event']}"] += 1
        for p in predicted:
            if id(p) not in matched_pred:
                per_type.setdefault(p.event, Counter())["fp"] += 1
                errors[f"spurious {p.event}"] += 1
        for g, p in pairs:
            _score_pair(g, p, checks, errors)
    metrics = {**prf(tp, fp, fn), "n_gold": tp + fn, "n_predicted": tp + fp, "matched": tp}
    for field in ("mode", "actor", "recipient", "date"):
        metrics[f"{field}_accuracy"] = ratio(checks[f"{field}_ok"], checks[f"{field}_n"])
    metrics["location_50km"] = ratio(checks["loc_ok"], checks["loc_n"])
    metrics["type_only_f1"] = prf(loose["tp"], loose["fp"], loose["fn"])["f1"]
    metrics["per_type"] = {t: prf(c["tp"], c["fp"], c["fn"]) for t, c in sorted(per_type.items())}
    top = [{"error": name, "count": count} for name, count in errors.most_common(20)]
    return Report(NAME, metrics, top)


def _score_pair(g: dict, p: Event, checks: Counter, errors: Counter) -> None:
    checks["mode_n"] += 1
    if (g.get("mode") or None) == p.mode:
        checks["mode_ok"] += 1
    else:
        errors[f"mode {g['event']}: {g.get('mode')} → {p.mode}"] += 1
    for role, entity in (("actor", p.actor), ("recipient", p.recipient)):
        if g.get(role) is None:
            continue
        checks[f"{role}_n"] += 1
        if _code(g[role]) == _pred_code(entity) and (
                not g[role].get("sector") or entity is None or entity.sector == g[role]["sector"]
                or not entity.sector):
            checks[f"{role}_ok"] += 1
        else:
            errors[f"{role} code {_code(g[role])} → {_pred_code(entity)}"] += 1
    if g.get("date"):
        checks["date_n"] += 1
        if p.date == g["date"]:
            checks["date_ok"] += 1
        else:
            errors["date wrong"] += 1
    loc = g.get("location")
    if loc and loc.get("lat") is not None:
        checks["loc_n"] += 1
        pl = p.event_loc
        if pl is not None and pl.lat is not None and \
                haversine_km(loc["lat"], loc["lon"], pl.lat, pl.lon) <= 50:
            checks["loc_ok"] += 1
        else:
            errors["location > 50 km or missing"] += 1
