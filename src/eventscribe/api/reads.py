"""Reading: events, clusters, one event or cluster or article, aggregates, map points."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from .. import __version__
from ..output.geojson import point
from ..schema import Entity, Event
from ..store.sql import outlet_of
from .backend import Backend, BackendDep, Kind
from .models import (ArticleDetail, ClusterDetail, ClusterPage, Count, Counts, EventDetail,
                     EventPage, Health, ListQuery, PointCollection, PointFeature,
                     PointGeometry, PointProperties, PointsQuery, StatsQuery, Version,
                     article_detail, article_summary)

router = APIRouter(prefix="/api")
service = APIRouter(prefix="/api", tags=["service"])  # always open: monitoring needs no key
# Ids are our short hex digests; the bound keeps absurd paths out of the database.
Id = Annotated[str, Path(min_length=1, max_length=128)]


def _unknown(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} with id {key!r}")


def _page(backend: Backend, kind: Kind, query: ListQuery | PointsQuery
          ) -> tuple[list[Event], str | None]:
    try:
        return backend.page(kind, query.for_store(), query.limit, query.cursor)
    except ValueError as exc:  # the store's word on a filter or cursor it cannot read
        raise HTTPException(422, str(exc)) from None


@service.get("/health", response_model=Health)
def health(backend: BackendDep) -> Health:
    with backend.store() as store:
        counts = store.counts()
    return Health(status="ok", store=backend.dialect, articles=counts["articles"],
                  events=counts["events"], clusters=counts["event_clusters"])


@service.get("/version", response_model=Version)
def version(backend: BackendDep) -> Version:
    return Version(version=__version__, schema_version=backend.schema_version)


@router.get("/events", response_model=EventPage, tags=["events"])
def list_events(backend: BackendDep, query: Annotated[ListQuery, Query()]) -> EventPage:
    """Event mentions matching every filter, by date then id."""
    items, next_cursor = _page(backend, "events", query)
    return EventPage(items=items, next_cursor=next_cursor)


@router.get("/clusters", response_model=ClusterPage, tags=["events"])
def list_clusters(backend: BackendDep, query: Annotated[ListQuery, Query()]) -> ClusterPage:
    """Deduplicated events matching every filter, by date then id."""
    items, next_cursor = _page(backend, "clusters", query)
    return ClusterPage(items=items, next_cursor=next_cursor)


@router.get("/events/{event_id}", response_model=EventDetail, tags=["events"])
def get_event(backend: BackendDep, event_id: Id) -> EventDetail:
    """One event mention, its article and its evidence sentence."""
    with backend.store() as store:
        event = store.event(event_id)
        article = store.article(event.article_id) if event is not None else None
    if event is None or article is None:
        raise _unknown("event", event_id)
    return EventDetail(event=event, article=article_summary(article, outlet_of(article.url)),
                       evidence=event.text_info)


@router.get("/clusters/{cluster_id}", response_model=ClusterDetail, tags=["events"])
def get_cluster(backend: BackendDep, cluster_id: Id) -> ClusterDetail:
    """One deduplicated event and the mentions it groups."""
    with backend.store() as store:
        cluster = store.cluster(cluster_id)
        if cluster is None:
            raise _unknown("cluster", cluster_id)
        member_ids = cluster.cluster.event_ids if cluster.cluster else []
        mentions = [event for event in map(store.event, member_ids) if event is not None]
    return ClusterDetail(cluster=cluster, mentions=mentions)


@router.get("/articles/{article_id}", response_model=ArticleDetail, tags=["articles"])
def get_article(backend: BackendDep, article_id: Id) -> ArticleDetail:
    """One article's text with its events, quotes, and every annotation as a span."""
    with backend.store() as store:
        article = store.article(article_id)
        events = store.events_of(article_id) if article is not None else []
    if article is None:
        raise _unknown("article", article_id)
    return article_detail(article, events, article.quotes)


def _counts(backend: Backend, by: str, query: StatsQuery) -> Counts:
    try:
        with backend.store() as store:
            rows = store.aggregate(by, clusters=not query.mentions, **query.for_store())
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return Counts(items=[Count(key=str(key), count=count) for key, count in rows
                         if key is not None])


@router.get("/stats/daily", response_model=Counts, tags=["stats"])
def daily(backend: BackendDep, query: Annotated[StatsQuery, Query()]) -> Counts:
    """Events per day (dated events only), oldest first."""
    return _counts(backend, "day", query)


@router.get("/stats/types", response_model=Counts, tags=["stats"])
def types(backend: BackendDep, query: Annotated[StatsQuery, Query()]) -> Counts:
    """Events per PLOVER type."""
    return _counts(backend, "event", query)


@router.get("/stats/countries", response_model=Counts, tags=["stats"])
def countries(backend: BackendDep, query: Annotated[StatsQuery, Query()]) -> Counts:
    """Events per country of the event's place (ISO alpha-3; placed events only)."""
    return _counts(backend, "country", query)


def _name(entity: Entity | None) -> str | None:
    return (entity.code or entity.entity_text) if entity else None


def _feature(event: Event) -> PointFeature | None:
    coordinates = point(event)
    if coordinates is None or event.event_loc is None:
        return None
    place = event.event_loc
    return PointFeature(
        id=event.id, geometry=PointGeometry(coordinates=coordinates),
        properties=PointProperties(
            id=event.id, event=event.event, quad_class=event.quad_class, date=event.date,
            actor=_name(event.actor), recipient=_name(event.recipient),
            place=place.resolved_place or place.extracted_place,
            sentence=event.text_info.sentence, article_id=event.article_id))


@router.get("/points", response_model=PointCollection, tags=["stats"])
def points(backend: BackendDep, query: Annotated[PointsQuery, Query()]) -> PointCollection:
    """Events with coordinates as GeoJSON points, for the map."""
    items, next_cursor = _page(backend, "events" if query.mentions else "clusters", query)
    features = [f for f in map(_feature, items) if f is not None]
    return PointCollection(features=features, next_cursor=next_cursor)
