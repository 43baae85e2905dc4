"""The API's request and response shapes, built on schema.py's dataclasses.

Event records, quotes, evidence and cluster information are schema.py's own
dataclasses, which pydantic describes in the OpenAPI document and serialises as
they are: a field added to the record appears in the API with no change here.
The article views are subsets of schema.Article's fields, derived from its
annotations rather than restated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, create_model,
                      field_validator, model_validator)

from ..language import profiles
from ..schema import PLOVER_EVENTS, Article, Event, Quote, TextInfo
from ..store.sql import CURSOR_PATTERN as STORE_CURSOR
from .spans import Span, article_spans

MAX_PAGE = 1000
DEFAULT_PAGE = 100
MAX_POINTS = 10_000
DEFAULT_POINTS = 2000
MAX_BATCH = 100

_ARTICLE_HINTS = typing.get_type_hints(Article)
# The languages that have a pipeline, as an enumeration the OpenAPI document shows.
Language = Literal[tuple(sorted(profiles()))]  # type: ignore[valid-type]


def _article_view(name: str, fields: tuple[str, ...], doc: str, **extra: Any) -> type[BaseModel]:
    """A model with some of schema.Article's fields, typed as the dataclass types them."""
    definitions: dict[str, Any] = {f: (_ARTICLE_HINTS[f], ...) for f in fields}
    definitions.update(extra)
    return create_model(name, __doc__=doc, **definitions)


ArticleSummary = _article_view(
    "ArticleSummary", ("id", "title", "url", "pub_date", "language"),
    "The article an event comes from (no text); `outlet` is its URL's host.",
    outlet=(str | None, None))
ArticleText = _article_view(
    "ArticleText", ("id", "title", "url", "pub_date", "language", "text"),
    "An article with the text every `start`/`end` indexes.")


def article_summary(article: Article, outlet: str | None) -> BaseModel:
    return ArticleSummary(**_fields_of(article, ArticleSummary), outlet=outlet)


def article_text(article: Article) -> BaseModel:
    return ArticleText(**_fields_of(article, ArticleText))


def article_detail(article: Article, events: list[Event], quotes: list[Quote],
                   model: type[ArticleDetail] | None = None, **extra: Any) -> ArticleDetail:
    """The article with its annotations: records, quotes and the spans they make."""
    return (model or ArticleDetail)(article=article_text(article), events=events, quotes=quotes,
                                    spans=article_spans(article.text, events, quotes), **extra)


def _fields_of(article: Article, model: type[BaseModel]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(Article)}
    return {name: getattr(article, name) for name in model.model_fields if name in names}


# -- reading -------------------------------------------------------------------------
# What store.cursor_of gives: the last event's day number (empty when undated), '|', its id.
CURSOR_PATTERN = f"^{STORE_CURSOR}$"

class Error(BaseModel):
    """Every error: a sentence saying what was wrong (validation errors list each problem)."""

    detail: str
    errors: list[dict[str, Any]] | None = None


class Health(BaseModel):
    status: Literal["ok"]
    store: Literal["duckdb", "postgres"]
    articles: int
    events: int
    clusters: int


class Version(BaseModel):
    version: str
    schema_version: int


class EventPage(BaseModel):
    """Event mentions, one record per mention; pass `next_cursor` as `cursor` for more."""

    items: list[Event]
    next_cursor: str | None


class ClusterPage(EventPage):
    """Deduplicated events: each record is its best mention's, with `id` = the cluster's id
    and `cluster` filled in; pass `next_cursor` as `cursor` for more."""


class EventDetail(BaseModel):
    event: Event
    article: ArticleSummary  # type: ignore[valid-type]
    evidence: TextInfo


class ClusterDetail(BaseModel):
    cluster: Event
    mentions: list[Event]


class ArticleDetail(BaseModel):
    article: ArticleText  # type: ignore[valid-type]
    events: list[Event]
    quotes: list[Quote]
    spans: list[Span]


class Count(BaseModel):
    key: str
    count: int


class Counts(BaseModel):
    items: list[Count]


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[lon, lat]")


class PointProperties(BaseModel):
    id: str
    event: str
    quad_class: str
    date: str | None
    actor: str | None = Field(description="the actor's code, else its text")
    recipient: str | None = Field(description="the recipient's code, else its text")
    place: str | None = Field(description="the resolved place, else the place as written")
    sentence: str
    article_id: str


class PointFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: PointProperties


class PointCollection(BaseModel):
    """GeoJSON (RFC 7946); events without coordinates are left out."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[PointFeature]
    next_cursor: str | None


# -- writing -------------------------------------------------------------------------
def _iso_day(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would read 0 or 1.7e9 as a timestamp."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[dt.date, BeforeValidator(_iso_day)]
_NOT_BLANK = r"\S"  # JSON Schema patterns search: some character that is not a space


class SubmitOptions(BaseModel):
    """An article's metadata: in a JSON body, or as query parameters with a text or HTML
    body."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2048)
    pub_date: IsoDate | None = Field(None, description="publication date (YYYY-MM-DD)")
    language: Language | None = Field(None, description="ISO 639-1 code (default: detected)")


class ArticleIn(SubmitOptions):
    """An article to extract events from: its plain `text` or its `html` page (one of them)."""

    # The document says "exactly one of text and html, not blank"; the validator below
    # says it again with a clearer message than a schema violation would get.
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [{"required": ["text"]}, {"required": ["html"]}]})

    text: str = Field(None, json_schema_extra={"pattern": _NOT_BLANK},  # type: ignore[assignment]
                      description="plain text; the first line is the title when a blank line "
                      "follows it and no `title` is given")
    html: str = Field(None, json_schema_extra={"pattern": _NOT_BLANK},  # type: ignore[assignment]
                      description="an HTML page: its main text, title and date are found in it")

    @model_validator(mode="after")
    def _one_body(self) -> ArticleIn:
        given = [name for name in ("text", "html") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError('give exactly one of "text" (plain text) and "html" (a page)')
        if not getattr(self, given[0]).strip():
            raise ValueError(f'"{given[0]}" is blank')
        return self


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_BATCH)


class Extracted(ArticleDetail):
    stored: bool = Field(description="whether the article and its events were stored")


class BatchError(BaseModel):
    error: str = Field(description="why this article gave no events")


class BatchResult(BaseModel):
    """One result per submitted article, in order."""

    results: list[Extracted | BatchError]


# -- query parameters -------------------------------------------------------------------
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_NEAR = re.compile(rf" *{_NUMBER} *, *{_NUMBER} *, *{_NUMBER} *")
# The same, with the ranges spelt out, for the document (JSON Schema has no number ranges
# inside a string); the validator checks them with a clearer message.
_NEAR_DOCUMENTED = (r"^ *-?(90(\.0+)?|[1-8]?\d(\.\d+)?) *, *"
                    r"-?(180(\.0+)?|(1[0-7]\d|[1-9]?\d)(\.\d+)?) *, *\d+(\.\d+)? *$")
EventType = Literal[PLOVER_EVENTS]  # type: ignore[valid-type]


class Filters(BaseModel):
    """The filters of `eventscribe events`; every one given narrows the result."""

    type: EventType | None = Field(None, description="PLOVER event type")
    actor: str | None = Field(None, max_length=40, description="the actor's code (e.g. SYR)")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2,3}$",
                                description="ISO 3166 alpha-2 or alpha-3 of the event's place")
    since: IsoDate | None = Field(None, description="first day (inclusive)")
    until: IsoDate | None = Field(None, description="last day (inclusive)")
    near: str | None = Field(None, json_schema_extra={"pattern": _NEAR_DOCUMENTED},
                             description="`lat,lon,km`: events within km kilometres of the point")
    text: str | None = Field(None, max_length=200,
                             description="words that must all be in the evidence sentence")

    @field_validator("near")
    @classmethod
    def _on_earth(cls, value: str | None) -> str | None:
        if value is not None:
            lat, lon, km = near_point(value)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km >= 0):
                raise ValueError("lat must be within [-90, 90], lon within [-180, 180] and "
                                 "km not negative")
        return value

    def for_store(self) -> dict[str, Any]:
        """The keyword arguments of the store's queries."""
        values = self.model_dump(include=set(Filters.model_fields))
        values["near"] = near_point(self.near) if self.near else None
        return values


def near_point(value: str) -> tuple[float, float, float]:
    match = _NEAR.fullmatch(value)
    if match is None:
        raise ValueError("expected lat,lon,km in decimal degrees and kilometres, e.g. "
                         "36.75,3.06,30")
    lat, lon, km = (float(group) for group in match.groups())
    return lat, lon, km


class ListQuery(Filters):
    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="records per page")
    cursor: str | None = Field(None, max_length=512, pattern=CURSOR_PATTERN,
                               description="the previous page's `next_cursor`")


class StatsQuery(Filters):
    mentions: bool = Field(False, description="count event mentions instead of clusters")


class PointsQuery(StatsQuery):
    limit: int = Field(DEFAULT_POINTS, ge=1, le=MAX_POINTS, description="points per page")
    cursor: str | None = Field(None, max_length=512, pattern=CURSOR_PATTERN,
                               description="the previous page's `next_cursor`")
