"""CSV with ACLED-like columns, one row per event.

The ACLED columns come first, in ACLED's order, then our own `id` and
`article_id` so that a row can be joined back to the full PLOVER record:

    event_date, event_type, sub_event_type, actor1, actor2, country, admin1,
    location, latitude, longitude, geo_precision, source, notes, id, article_id

- event_type / sub_event_type: the current ACLED vocabulary, from the mapping in
  `output/acled.py`; empty for an event ACLED would not code (accusations,
  requests, threats…), which is still written so that no event is lost.
- actor1 / actor2: the actor and the recipient, as "<entity_text> (<code> <sector>)".
- country: the English name of event_loc's country (the actor KB's countries table).
- admin1: the first-level region of the resolved place (the gazetteer).
- geo_precision: ACLED's 1 (a town is named), 2 (near a town, or part of a
  region), 3 (a region or only the country): see GEO_PRECISION.
- source: the article's title, else its URL; notes: the evidence sentence.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from ..actors.kb import ActorKB
from ..places.gazetteer import Gazetteer
from ..schema import Article, Entity, Event, Location
from .acled import acled_type

ACLED_COLUMNS: tuple[str, ...] = (
    "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country",
    "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
)
OWN_COLUMNS: tuple[str, ...] = ("id", "article_id")
COLUMNS: tuple[str, ...] = ACLED_COLUMNS + OWN_COLUMNS

# Our place resolution → ACLED's geo_precision. A neighbourhood lies in a named
# town (1); a first-level region or a country alone is ACLED's 3. We never know
# that an event was only "near" a town, so 2 is not produced.
GEO_PRECISION: dict[str, int] = {"neighbourhood": 1, "city": 1, "admin1": 3, "country": 3}


def actor_label(entity: Entity | None) -> str:
    """"jihadistes (MLI REB)": the text as written, then its code and sector when known."""
    if entity is None:
        return ""
    coded = " ".join(part for part in (entity.code, entity.sector) if part)
    return f"{entity.entity_text} ({coded})" if coded else entity.entity_text


def country_name(code: str | None) -> str:
    """The country's English name for an alpha-3 code; the code itself if unnamed."""
    if not code:
        return ""
    return ActorKB.load().country_name(code) or code


def admin1_name(location: Location) -> str:
    """The first-level region the resolved place lies in (itself for a region)."""
    if location.geonameid is None:
        return ""
    gazetteer = Gazetteer.load()
    place = gazetteer.get(location.geonameid)
    region = gazetteer.admin1_of(place) if place is not None else None
    return region.name if region is not None else ""


def _place_columns(location: Location | None) -> dict[str, Any]:
    if location is None:
        return dict.fromkeys(("country", "admin1", "location", "latitude", "longitude",
                              "geo_precision"), "")
    return {
        "country": country_name(location.country_code),
        "admin1": admin1_name(location),
        "location": location.resolved_place or location.extracted_place,
        "latitude": "" if location.lat is None else location.lat,
        "longitude": "" if location.lon is None else location.lon,
        "geo_precision": GEO_PRECISION.get(location.resolution, ""),
    }


def acled_row(event: Event, article: Article | None = None) -> dict[str, Any]:
    """One event as a row of COLUMNS (empty strings where nothing is known)."""
    coded = acled_type(event)
    row: dict[str, Any] = {
        "event_date": event.date or "",
        "event_type": coded.new if coded else "",
        "sub_event_type": (coded.sub_event_type or "") if coded else "",
        "actor1": actor_label(event.actor),
        "actor2": actor_label(event.recipient),
        **_place_columns(event.event_loc),
        "source": (article.title or article.url or "") if article is not None else "",
        "notes": event.text_info.sentence,
    }
    row.update({name: getattr(event, name) for name in OWN_COLUMNS})
    return row


def write_acled_csv(articles: Iterable[Article], out: TextIO) -> int:
    """Write every event of the articles as an ACLED-like CSV row; returns the count."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for article in articles:
        for event in article.events:
            writer.writerow(acled_row(event, article))
            count += 1
    return count
