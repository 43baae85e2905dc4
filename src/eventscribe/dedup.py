"""Deduplication: event mentions that tell the same real-world event become one cluster.

News repeats itself: one bombing is reported by ten outlets, and by one article
several times (the lead, the recap, a quote). GDELT counts each mention; analysts
want the event once, with how many mentions and outlets report it.

The rule (docs/DEDUPLICATION.md explains it with examples). Two mentions are the
same event when all of these hold:

* the same PLOVER event type;
* compatible actors: the same party or one unknown, and so for the recipients
  (either way round for mutual events: AGREE, CONSULT, COOPERATE, SUPPORT). A party
  is the actor code with the state's branches as one (SYR/GOV, SYR/MIL and SYR/COP
  are all "the Syrian state"); a bare country code (SYR) fits any of its sectors;
  other sectors must agree (MLI/CVL is not MLI/REB);
* compatible places: within `max_km` when both places are finer than a country,
  else the same country when both are known;
* dates within `max_days` of the cluster's first date (measured from the first,
  not the latest, mention so that a daily series of shellings does not chain into
  one cluster);
* and something that ties them, beyond not contradicting each other: places finer
  than a country within `max_km`; or, when the place is not that precise on both
  sides, the same actor *and* the same recipient party; or the same article
  (an article telling its event again). A shared country alone is too weak: "in
  Mali" fits every event in Mali that day, and so does "militants" without a target.

Mentions are taken in date order; each joins the compatible open cluster whose
first date is nearest (ties: nearest place), else starts a new one. The result
depends only on the mentions, not on the order they were stored in.

A cluster's record is its best mention's record (highest confidence, then the
most complete: actor, recipient, finest place), with the cluster's id and a
`schema.ClusterInfo` (mention and source counts, first report, date range,
member ids).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .pipeline import MUTUAL_EVENTS, parse_date
from .schema import ClusterInfo, Event, stable_id

_RESOLUTION_RANK = {"neighbourhood": 0, "city": 1, "admin1": 2, "country": 3}
_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class DedupRule:
    max_km: float = 50.0
    max_days: int = 2


@dataclass(frozen=True, slots=True)
class Mention:
    """What the rule reads of one stored event mention."""

    id: str
    article_id: str
    event: str
    actor: str | None  # actor_key(): 'MLI/MIL'
    recipient: str | None
    country: str | None
    lat: float | None
    lon: float | None
    resolution: str | None
    day: dt.date | None
    confidence: float
    outlet: str | None = None
    reported: dt.date | None = None  # the article's publication date

    @classmethod
    def of(cls, event: Event, outlet: str | None = None,
           reported: str | dt.date | None = None) -> Mention:
        place = event.event_loc
        return cls(event.id, event.article_id, event.event,
                   actor_key(*(event.actor.code, event.actor.sector) if event.actor else ()),
                   actor_key(*(event.recipient.code, event.recipient.sector)
                               if event.recipient else ()),
                   place.country_code if place else None,
                   place.lat if place else None, place.lon if place else None,
                   place.resolution if place else None, parse_date(event.date),
                   event.confidence, outlet, parse_date(reported))

    @classmethod
    def from_row(cls, id: str, article_id: str, event: str, actor_code: str | None,
                 actor_sector: str | None, recipient_code: str | None,
                 recipient_sector: str | None, *rest) -> Mention:
        """From the store's flat columns (store/sql.py reads them in this order)."""
        return cls(id, article_id, event, actor_key(actor_code, actor_sector),
                   actor_key(recipient_code, recipient_sector), *rest)

    @property
    def precise(self) -> bool:
        """A point finer than a country (a country's centroid says only 'somewhere in it')."""
        return self.lat is not None and self.lon is not None and self.resolution != "country"

    def completeness(self) -> tuple[int, int, int]:
        return (self.actor is not None, self.recipient is not None,
                -_RESOLUTION_RANK.get(self.resolution or "", 4))


def actor_key(code: str | None = None, sector: str | None = None) -> str | None:
    """An entity's code and sector as one string: 'MLI', 'MIL' → 'MLI/MIL'."""
    if not code:
        return None
    return f"{code}/{sector}" if sector and "/" not in code else code


# Sectors that may name one actor in different words ("le régime", "l'armée"): the state.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})


def party_of(code: str | None) -> str | None:
    """'SYR/MIL' → 'SYR/STATE', 'MLI/CVL' → 'MLI/CVL', 'FRA' → 'FRA': what compatibility
    is judged on (the state's branches are one party; other sectors are not)."""
    if not code:
        return None
    country, _, sector = code.partition("/")
    if sector in _STATE_SECTORS:
        sector = "STATE"
    return f"{country}/{sector}" if sector else country


def _same_party(a: str | None, b: str | None) -> bool | None:
    """Like _same, but a bare country code ('MLI') fits any of its sectors ('MLI/CVL')."""
    if a is None or b is None:
        return None
    if "/" not in a or "/" not in b:
        return a.split("/", 1)[0] == b.split("/", 1)[0]
    return a == b


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _same(a: str | None, b: str | None) -> bool | None:
    """True/False when both are known, None when one is not."""
    return None if a is None or b is None else a == b


class _Cluster:
    """An open cluster: its members and what is known of the event so far."""

    __slots__ = ("members", "articles", "first_day", "actor", "recipient", "country", "place")

    def __init__(self, mention: Mention):
        self.members = [mention]
        self.articles = {mention.article_id}
        self.first_day = mention.day
        self.actor = party_of(mention.actor)
        self.recipient = party_of(mention.recipient)
        self.country = mention.country
        self.place = mention if mention.precise else None

    def add(self, mention: Mention) -> None:
        self.members.append(mention)
        self.articles.add(mention.article_id)
        self.actor = self.actor or party_of(mention.actor)
        self.recipient = self.recipient or party_of(mention.recipient)
        self.country = self.country or mention.country
        if mention.precise and (self.place is None or _RESOLUTION_RANK.get(
                mention.resolution or "", 4) < _RESOLUTION_RANK.get(self.place.resolution or "", 4)):
            self.place = mention

    def distance(self, mention: Mention) -> float | None:
        if self.place is None or not mention.precise:
            return None
        return distance_km(self.place.lat, self.place.lon, mention.lat, mention.lon)  # type: ignore[arg-type]

    def accepts(self, mention: Mention, rule: DedupRule) -> bool:
        actor, recipient = party_of(mention.actor), party_of(mention.recipient)
        dyad = (_same_party(self.actor, actor), _same_party(self.recipient, recipient))
        if False in dyad and mention.event in MUTUAL_EVENTS:
            dyad = (_same_party(self.actor, recipient), _same_party(self.recipient, actor))
        if False in dyad:
            return False
        distance = self.distance(mention)
        if distance is not None:
            return distance <= rule.max_km
        if _same(self.country, mention.country) is False:
            return False
        if mention.article_id in self.articles:
            return True  # an article telling its event again: compatibility is enough
        return dyad == (True, True)


def sweep_order(mention: Mention) -> tuple:
    """The order the sweep reads mentions in: by day, then report date, then id."""
    return (mention.day is None, mention.day or dt.date.min, mention.reported or dt.date.min,
            mention.id)


class Sweep:
    """Clustering of one event type's mentions, read in sweep_order: each mention joins the
    closest open cluster that accepts it or opens one; a cluster stays open `max_days`
    after its first day. The sweep is causal: a mention's cluster depends only on the
    mentions before it, which is what lets the store recluster from a date on."""

    def __init__(self, rule: DedupRule):
        self.rule = rule
        self.window = dt.timedelta(days=rule.max_days)
        self.groups: list[list[Mention]] = []
        # open clusters by country (None: place unknown), oldest first, pruned as days pass
        self._open: dict[str | None, list[_Cluster]] = defaultdict(list)

    def resume(self, members: list[Mention]) -> None:
        """Reopen a cluster the sweep made before (its members in sweep order)."""
        cluster = _Cluster(members[0])
        for mention in members[1:]:
            cluster.add(mention)
        self._open[cluster.country].append(cluster)
        self.groups.append(cluster.members)

    def add(self, mention: Mention) -> None:
        if mention.day is None:  # undated: nothing to match a date window on
            self.groups.append([mention])
            return
        oldest = mention.day - self.window
        for country in list(self._open):
            kept = [c for c in self._open[country] if c.first_day >= oldest]
            if kept:
                self._open[country] = kept
            else:
                del self._open[country]
        if mention.country is None:
            candidates = [c for cs in self._open.values() for c in cs]
        else:
            candidates = self._open.get(mention.country, []) + self._open.get(None, [])
        best = min((c for c in candidates if c.accepts(mention, self.rule)),
                   key=lambda c: (abs((mention.day - c.first_day).days),
                                  c.distance(mention) or 0.0), default=None)
        if best is None:
            new = _Cluster(mention)
            self._open[new.country].append(new)
            self.groups.append(new.members)
        else:
            before = best.country
            best.add(mention)
            if best.country != before:  # a place became known: file it under its country
                self._open[before].remove(best)
                self._open[best.country].append(best)


def cluster(mentions: Iterable[Mention], rule: DedupRule = DedupRule(),
            resumed: Iterable[list[Mention]] = ()) -> list[list[Mention]]:
    """The mentions grouped into events, each group in date order.

    `resumed`: clusters made earlier that were still open on the first day of
    `mentions` (each with its members of earlier days), to go on from, as the store
    does when it reclusters only from the first day that changed."""
    by_type: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_type[mention.event].append(mention)
    earlier: dict[str, list[list[Mention]]] = defaultdict(list)
    for members in resumed:
        earlier[members[0].event].append(sorted(members, key=sweep_order))
    groups: list[list[Mention]] = []
    for kind in sorted(set(by_type) | set(earlier)):
        sweep = Sweep(rule)
        for members in sorted(earlier[kind], key=lambda ms: sweep_order(ms[0])):
            sweep.resume(members)
        for mention in sorted(by_type[kind], key=sweep_order):
            sweep.add(mention)
        groups.extend(sweep.groups)
    return groups


def best_mention(members: list[Mention]) -> Mention:
    """The mention whose record stands for the cluster."""
    return max(members, key=lambda m: (m.confidence, m.completeness(),
                                       -(m.reported or dt.date.max).toordinal(), m.id))


def cluster_id(members: list[Mention]) -> str:
    return stable_id("cluster", members[0].id)


def cluster_info(members: list[Mention]) -> ClusterInfo:
    sources = {m.outlet or m.article_id for m in members}
    reported = [m.reported for m in members if m.reported is not None]
    days = [m.day for m in members if m.day is not None]
    return ClusterInfo(
        mentions=len(members), sources=len(sources),
        first_reported=min(reported).isoformat() if reported else None,
        date_first=min(days).isoformat() if days else None,
        date_last=max(days).isoformat() if days else None,
        event_ids=[m.id for m in members])


def cluster_record(members: list[Mention], best: Event) -> Event:
    """The cluster's record: the best mention's, with the cluster's id and ClusterInfo."""
    return dataclasses.replace(best, id=cluster_id(members), cluster=cluster_info(members))
