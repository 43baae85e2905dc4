"""GeoJSON (RFC 7946): a FeatureCollection with one Point Feature per placed event.

Each Feature's geometry is the event_loc's point, `[lon, lat]` as GeoJSON
orders them; its `id` is the event id and its properties are the flat record
(`flatten.flat_record`: the same columns as the CSV, lists joined by ';', which
GIS tools read as plain attributes) plus `quad_class`. An event without
coordinates cannot be a Feature: it is left out and counted in the collection's
`skipped_without_location` member, never silently lost.

The collection is streamed, feature by feature, so a large batch is not held in
memory; the count is written after the features (member order does not matter
in JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from ..schema import Article, Event
from .flatten import flat_record

SKIPPED_MEMBER = "skipped_without_location"


def point(event: Event) -> list[float] | None:
    """The event's `[lon, lat]`, or None when it has no coordinates."""
    loc = event.event_loc
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    return [loc.lon, loc.lat]


def feature(event: Event) -> dict[str, Any] | None:
    """The event as a GeoJSON Feature, or None when it has no coordinates."""
    coordinates = point(event)
    if coordinates is None:
        return None
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": {**flat_record(event), "quad_class": event.quad_class},
    }


def write_geojson(articles: Iterable[Article], out: TextIO) -> int:
    """Write the articles' placed events as a FeatureCollection; returns the features written."""
    out.write('{"type": "FeatureCollection", "features": [')
    written = skipped = 0
    for article in articles:
        for event in article.events:
            item = feature(event)
            if item is None:
                skipped += 1
                continue
            out.write(",\n" if written else "\n")
            out.write(json.dumps(item, ensure_ascii=False))
            written += 1
    out.write(f'\n], "{SKIPPED_MEMBER}": {skipped}}}\n')
    return written
