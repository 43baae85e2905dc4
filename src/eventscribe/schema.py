"""The event record, defined once.

Every output format (table, JSON, JSONL, CSV, and later the store and the API)
is generated from these dataclasses, so a field is added here and nowhere else.
Field names follow the PLOVER manual where it has one; our extensions
(`aux`, `claimant`, `date_precision`, `date_source`, `date_text`,
`confidence`) are named in the project's issues.

Every `start`/`end` is a character offset into `Article.text`:
`article.text[start:end]` is exactly the quoted span.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

PLOVER_EVENTS: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
    "MOBILIZE", "COERCE", "ASSAULT",
)

# Modes per event type, from the PLOVER manual (2024) tables.
PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": ("assist", "change", "yield", "meet"),
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": ("assist", "change", "yield", "meet"),
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": ("seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport",
               "withhold", "misinformation", "cyber"),
    "ASSAULT": ("abduct", "beat", "torture", "sexual", "targeted", "destroy",
                "primitive", "firearms", "explosives", "suicide-attack", "aerial",
                "drone", "heavy-weapons", "crowd-control", "unconventional"),
}

QUAD_CLASS: dict[str, str] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), "verbal conflict"),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"),
                    "material conflict"),
}

PLOVER_CONTEXTS: tuple[str, ...] = (
    "military", "intelligence", "executive", "legislative", "election",
    "political_institutions", "pro_democracy", "pro_autocracy", "economic",
    "legal", "reparations", "human_rights", "rights_freedoms", "repression",
    "human_security", "gender", "lgbt", "religion_ethnicity", "inequality",
    "diplomatic", "territory", "peacekeeping", "health", "asylum", "migration",
    "disasters", "natural_resource", "environment", "technology", "terrorism",
    "cbrn", "cyber", "misinformation", "crime", "corruption", "illegal_drugs",
    "trafficking",
)

AUX_FLAGS: tuple[str, ...] = ("negation", "future", "hypothetical", "historical")

SECTORS: tuple[str, ...] = (
    "GOV", "MIL", "REB", "COP", "JUD", "LEG", "PTY", "CVL", "MED", "NGO", "IGO",
    "BUS", "LAB", "REL", "OTH", "SPY", "PRM", "UAF", "UNK", "AGR", "CRM", "EDU",
    "ELI", "JRN", "REF", "ETH",
)

Resolution = Literal["neighbourhood", "city", "admin1", "country"]
DatePrecision = Literal["day", "week", "month", "year"]
DateSource = Literal["text", "publication"]


@dataclass
class Entity:
    """An actor, recipient or claimant as written in the text."""

    entity_text: str
    code: str | None
    sector: str | None
    start: int
    end: int


@dataclass
class Location:
    extracted_place: str
    resolved_place: str | None
    geonameid: int | None
    lat: float | None
    lon: float | None
    country_code: str | None
    feature_code: str | None
    resolution: Resolution
    start: int
    end: int


@dataclass
class TextInfo:
    start: int  # the evidence sentence
    end: int
    sentence: str
    trigger_start: int
    trigger_end: int


@dataclass
class ClusterInfo:
    """What deduplication adds to a cluster's record (see dedup.py).

    A cluster's record is its best mention's record with the cluster's id and this."""

    mentions: int
    sources: int  # distinct outlets (articles, when they have no URL)
    first_reported: str | None  # earliest publication date of a mention
    date_first: str | None
    date_last: str | None
    event_ids: list[str] = field(default_factory=list)


@dataclass
class Event:
    id: str
    article_id: str
    event: str
    mode: str | None
    context: list[str]
    aux: list[str]
    actor: Entity | None
    recipient: Entity | None
    claimant: Entity | None
    event_loc: Location | None
    date: str | None
    date_precision: DatePrecision | None
    date_text: str | None
    date_source: DateSource | None
    event_text: str
    text_info: TextInfo
    language: str
    confidence: float
    cluster: ClusterInfo | None = None  # only on deduplicated (cluster) records

    @property
    def quad_class(self) -> str:
        return QUAD_CLASS[self.event]

    def to_dict(self) -> dict[str, Any]:
        return as_plain(self)


@dataclass
class Quote:
    text: str
    start: int
    end: int
    speaker: Entity | None
    event_ids: list[str] = field(default_factory=list)


@dataclass
class Article:
    """An article as ingested: its clean text is what every offset points into."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    pub_date: str | None = None  # ISO date, or None when nothing says when
    pub_date_source: str | None = None  # option|metadata|dateline|url|input
    language: str | None = None
    source: str | None = None  # the file (and line) it came from
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        record = {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "pub_date": self.pub_date,
            "language": self.language,
            "text": self.text,
            "events": [e.to_dict() for e in self.events],
            "quotes": [as_plain(q) for q in self.quotes],
        }
        if not with_text:
            del record["text"]
        return record


@dataclass
class Skipped:
    """An input that produced no article, and why: reported, never silently lost."""

    source: str
    reason: str
    article_id: str | None = None


EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Event))


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def as_plain(value: Any) -> Any:
    """`dataclasses.asdict` for the record's classes, several times faster: it does not
    deep-copy the leaves (strings, numbers, None), which are immutable anyway."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: as_plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, list):
        return [as_plain(item) for item in value]
    return value


def stable_id(*parts: object, length: int = 16) -> str:
    """A short id that depends only on its parts, so reruns give the same ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:length]
