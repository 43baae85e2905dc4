"""geoparsing: toponym recognition and resolution on English news (GeoWebNews, LGL,
TR-News, GeoVirus XML).

Three layouts are read, all ``<article>`` elements with a ``<text>``:

* GeoWebNews: ``<toponyms><toponym>`` with ``extractedName``, ``type`` (Literal,
  Metonymic, Demonym…), ``start``/``end``, ``geonamesID``, ``latitude``/``longitude``;
  only entries with coordinates are toponyms to find (Demonym, Language, Homonym,
  Non_Toponym, *_Expression have none and are not places);
* LGL / TR-News: ``<toponym><start/><end/><phrase/><gaztag geonameid=…><lat/><lon/>``;
* GeoVirus: ``<locations><location><name/><start/><end/><lat/><lon/><page/>`` (no
  GeoNames id, offsets one character off: spans are re-aligned on the name).

Each article's text goes through the English pipeline's real steps up to the place
stage; its ``doc._.place_mentions`` are the predictions.

Metrics:

* ``recognition_*``  a gold toponym is recognised when a predicted mention overlaps it
                     (one-to-one, largest overlap first); P/R/F1 over all mentions;
* over recognised gold toponyms with coordinates, the mention's resolved place:
  ``exact_accuracy`` (same GeoNames id; only gold with an id), ``acc_161km`` (error
  ≤ 161 km; the right GeoNames id counts as 0 km even where our gazetteer's
  coordinates for it differ from the gold's — countries and regions get their
  coordinates from other sources than GeoNames — and such cases are counted apart),
  ``mean_error_km``/``median_error_km``, and ``auc``: the mean of
  ln(1 + error km) / ln(20039) (Gritta et al. 2018; 0 is perfect, lower is better);
  these are conditional on recognition, so they flatter a recogniser that only finds
  the easy names: ``end_to_end_161km`` is the share of *all* gold toponyms found and
  placed within 161 km;
* ``n_toponyms`` gold toponyms with coordinates.

Metonymy: GeoWebNews gives coordinates to metonymic toponyms ("Washington said"),
and geoparsers are scored on resolving every toponym, so a mention our pipeline marks
as a metonym (an actor, not an event place) is still scored with its resolved place.
``metonym_precision``/``metonym_recall`` compare our flag with GeoWebNews' Metonymic type.
"""

from __future__ import annotations

import math
import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from ..places.gazetteer import Gazetteer, Place
from ..places.resolve import PlaceMention
from . import Report, one_to_one, prf, ratio, span_overlap
from .events_gold import haversine_km

NAME = "geoparsing"
DESCRIPTION = "English geoparsing XML (GeoWebNews, LGL, TR-News, GeoVirus): recognition, resolution"
ANCHOR = "Anchor: Mordecai 3 reports 90.1% exact-match resolution on GeoWebNews."
MAX_ERROR_KM = 20039.0   # half the Earth's circumference: the worst possible error
NEAR_KM = 161.0          # 100 miles, the usual "accuracy@161km"
PLACE_STAGE = "eventscribe_places"


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: int | None
    kind: str | None  # GeoWebNews type (Literal, Metonymic, Demonym…), else None

    @property
    def is_toponym(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GeoArticle:
    id: str
    text: str
    title: str | None
    toponyms: list[GoldToponym] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------

def _first(element: ET.Element, *tags: str) -> str | None:
    for tag in tags:
        found = element.find(f".//{tag}")
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _align(text: str, name: str, start: int | None) -> tuple[int, int] | None:
    """The name's offsets: as given when they fit, else its occurrence nearest the given start."""
    if start is not None and text[start:start + len(name)] == name:
        return start, start + len(name)
    hits = []
    pos = text.find(name)
    while pos >= 0:
        hits.append(pos)
        pos = text.find(name, pos + 1)
    if not hits:
        return None
    best = min(hits, key=lambda p: abs(p - (start or 0)))
    if start is not None and abs(best - start) > 50:
        return None
    return best, best + len(name)


def _toponym(text: str, element: ET.Element) -> GoldToponym | None:
    name = _first(element, "extractedName", "phrase", "name") or ""
    start = _number(_first(element, "start"))
    end = _number(_first(element, "end"))
    span = _align(text, name, int(start) if start is not None else None) if name else None
    if span is None:
        if start is None or end is None:
            return None
        span = (int(start), int(end))
    gaztag = element.find(".//gaztag")
    gid = _first(element, "geonamesID", "geonameid")
    if gid is None and gaztag is not None:
        gid = gaztag.get("geonameid")
    return GoldToponym(
        start=span[0], end=span[1], text=text[span[0]:span[1]],
        lat=_number(_first(element, "latitude", "lat")),
        lon=_number(_first(element, "longitude", "lon")),
        geonameid=int(gid) if gid and gid.isdigit() else None,
        kind=_first(element, "type"))


def load(path: str | Path, limit: int | None = None) -> list[GeoArticle]:
    """Articles of one XML file, or of every .xml file in a folder."""
    path = Path(path)
    files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
    articles: list[GeoArticle] = []
    for file in files:
        root = ET.parse(file).getroot()
        for number, element in enumerate(root.iter("article")):
            text = element.findtext("text") or ""
            ident = element.get("file") or element.get("docid") or str(number)
            gold = [t for t in (_toponym(text, e) for e in element.iter()
                                if e.tag in ("toponym", "location")) if t is not None]
            articles.append(GeoArticle(f"{file.stem}:{ident}", text,
                                       element.findtext("title"), gold))
            if limit and len(articles) >= limit:
                return articles
    return articles


# -- running the pipeline ------------------------------------------------------------

def annotated_docs(pipeline, texts: Iterable[str], lang: str = "en",
                   titles: Iterable[str | None] | None = None,
                   until: str | None = None) -> Iterator[Doc]:
    """Docs run through the pipeline's own steps for `lang`, with no publication date."""
    meta = None if titles is None else ((None, None, title) for title in titles)
    return pipeline.annotate(lang, texts, meta, until=until)


# -- scoring -------------------------------------------------------------------------

def match(gold: list[GoldToponym],
          mentions: list[PlaceMention]) -> list[tuple[GoldToponym, PlaceMention]]:
    """One-to-one pairs of overlapping spans, largest overlap first."""
    pairs = one_to_one(gold, mentions, lambda g, m: span_overlap(g.start, g.end, m.start, m.end))
    return [(gold[gi], mentions[mi]) for gi, mi in pairs]


def auc_term(error_km: float) -> float:
    """One toponym's share of the AUC: ln(1 + error) / ln(20039), at most 1."""
    return min(1.0, math.log1p(error_km) / math.log(MAX_ERROR_KM))


def _place_label(place: Place | None) -> str:
    if place is None:
        return "nothing"
    return f"{place.name} ({place.country_code or place.feature_code})"


def _far_reason(gold: GoldToponym, mention: PlaceMention, gazetteer: Gazetteer) -> str:
    """Why a resolution is wrong: what the gazetteer could have offered."""
    if gold.geonameid is None:
        return "far: gold has no GeoNames id"
    if gazetteer.get(gold.geonameid) is None:
        return "far: gold place not in gazetteer"
    if any(c.geonameid == gold.geonameid for c in mention.candidates):
        return "far: gold place a candidate, ranked lower"
    return "far: gold place in gazetteer, not a candidate for this name"


class _Tally:
    """Counts and errors accumulated over the articles."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.classes: Counter = Counter()
        self.errors: Counter = Counter()
        self.by_type: dict[str, Counter] = {}
        self.distances: list[float] = []


def _score_article(article: GeoArticle, mentions: list[PlaceMention], gazetteer: Gazetteer,
                   tally: _Tally) -> None:
    gold = [t for t in article.toponyms if t.is_toponym]
    others = [t for t in article.toponyms if not t.is_toponym]
    pairs = match(gold, mentions)
    c = tally.counts
    c["gold"] += len(gold)
    c["predicted"] += len(mentions)
    c["tp"] += len(pairs)
    found = {id(g) for g, _ in pairs}
    used = {id(m) for _, m in pairs}
    for g in gold:
        kind = g.kind or "toponym"
        tally.by_type.setdefault(kind, Counter())["n"] += 1
        if id(g) in found:
            tally.by_type[kind]["found"] += 1
            continue
        known = "in gazetteer" if gazetteer.candidates(g.text) else "not in gazetteer"
        tally.classes[f"missed: {known}"] += 1
        tally.errors[f"missed «{g.text}» ({known})"] += 1
    for m in mentions:
        if id(m) in used:
            continue
        hit = next((o for o in others if span_overlap(o.start, o.end, m.start, m.end)), None)
        why = (hit.kind or "annotated non-toponym") if hit is not None else "not annotated"
        tally.classes[f"spurious: {why}"] += 1
        tally.errors[f"spurious «{m.text}» ({why})"] += 1
    for g, m in pairs:
        if g.kind is not None:
            c["metonym_gold"] += g.kind == "Metonymic"
            c["metonym_pred"] += m.metonym
            c["metonym_both"] += m.metonym and g.kind == "Metonymic"
        place = m.place
        same = place is not None and g.geonameid is not None and place.geonameid == g.geonameid
        error = MAX_ERROR_KM if place is None else haversine_km(g.lat, g.lon, place.lat, place.lon)
        if same and error > NEAR_KM:
            tally.classes["same id, our coordinates > 161 km from gold's"] += 1
        if same:
            error = 0.0  # the right entry: a coordinate disagreement is not a resolution error
        tally.distances.append(error)
        if g.geonameid is not None:
            c["with_id"] += 1
            c["exact"] += same
        if error <= NEAR_KM:
            c["near"] += 1
            continue
        reason = _far_reason(g, m, gazetteer)
        tally.classes[reason] += 1
        tally.errors[f"> 161 km «{g.text}» → {_place_label(place)} [{reason[5:]}]"] += 1


def evaluate(path: str | Path, pipeline, limit: int | None = None) -> Report:
    """Run the English place stage on each article and score recognition and resolution."""
    articles = load(path, limit)
    gazetteer = Gazetteer.load()
    tally = _Tally()
    docs = annotated_docs(pipeline, (a.text for a in articles), "en",
                          titles=(a.title for a in articles), until=PLACE_STAGE)
    for article, doc in zip(articles, docs):
        _score_article(article, list(doc._.place_mentions or []), gazetteer, tally)
    c = tally.counts
    recognition = prf(c["tp"], c["predicted"] - c["tp"], c["gold"] - c["tp"])
    distances = tally.distances
    metrics = {
        "n_articles": len(articles), "n_toponyms": c["gold"], "n_predicted": c["predicted"],
        "n_recognised": c["tp"],
        "recognition_precision": recognition["precision"],
        "recognition_recall": recognition["recall"], "recognition_f1": recognition["f1"],
        "n_with_geonameid": c["with_id"],
        "exact_accuracy": ratio(c["exact"], c["with_id"]),
        "acc_161km": ratio(c["near"], len(distances)),
        "mean_error_km": round(statistics.fmean(distances), 1) if distances else None,
        "median_error_km": round(statistics.median(distances), 1) if distances else None,
        "auc": round(statistics.fmean(auc_term(d) for d in distances), 4) if distances else None,
        "end_to_end_161km": ratio(c["near"], c["gold"]),
    }
    if c["metonym_pred"] or c["metonym_gold"]:
        metrics["metonym_precision"] = ratio(c["metonym_both"], c["metonym_pred"])
        metrics["metonym_recall"] = ratio(c["metonym_both"], c["metonym_gold"])
    metrics["recall_by_type"] = {kind: ratio(n["found"], n["n"])
                                 for kind, n in sorted(tally.by_type.items())}
    metrics["error_classes"] = dict(tally.classes.most_common())
    top = [{"error": key, "count": count} for key, count in tally.errors.most_common(20)]
    notes = [ANCHOR, "Metonymic mentions are scored with their resolved place (see module doc)."]
    return Report(NAME, metrics, top, notes)
