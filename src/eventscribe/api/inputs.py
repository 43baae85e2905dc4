"""Submitted bodies → Articles, through the same readers as `eventscribe extract`.

A body is plain text, an HTML page, or JSON (`ArticleIn`, or `BatchIn` for a
batch). Text and HTML are decoded, cleaned and split exactly as files are (the
ingest package's encoding detection, title rule and trafilatura extraction), so
an article submitted here gets the same id and the same events as the same file
ingested from the command line.
"""

from __future__ import annotations

import datetime as dt

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from ..ingest import IngestError, article_from_text
from ..ingest.encoding import clean_text, decode
from ..ingest.htmlpage import parse_html
from ..ingest.plaintext import normalise_body, parse_plaintext
from ..schema import Article
from .models import ArticleIn, SubmitOptions

SOURCE = "api"
TEXT_TYPES = ("text/plain", "text/html")
JSON_TYPE = "application/json"


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_json(model: type[BaseModel], body: bytes) -> BaseModel:
    """The body as `model`, or a 422 naming each problem (as for query parameters)."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])}
                  for error in exc.errors(include_url=False, include_context=False,
                                          include_input=False)]
        raise RequestValidationError(errors) from None


def article_from_submission(submitted: ArticleIn) -> Article:
    try:
        if submitted.html is not None:
            return _from_html(clean_text(submitted.html), submitted)
        return _from_text(clean_text(submitted.text), submitted)
    except IngestError as exc:
        raise HTTPException(422, str(exc)) from None


def article_from_body(body: bytes, content_type: str | None, options: SubmitOptions) -> Article:
    """An article from a text/plain or text/html body, with the query's options."""
    try:
        raw = decode(body)[0]
    except IngestError as exc:
        raise HTTPException(422, str(exc)) from None
    if not raw.strip():
        raise HTTPException(422, "empty body")
    field = "html" if media_type(content_type) == "text/html" else "text"
    return article_from_submission(ArticleIn(**options.model_dump(), **{field: raw}))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _from_text(raw: str, submitted: SubmitOptions) -> Article:
    if submitted.title is None:
        title, body = parse_plaintext(raw)
    else:
        title, body = submitted.title, normalise_body(raw)
    if not body.strip():
        raise IngestError("empty: no text after cleaning")
    return article_from_text(body, title=title, url=submitted.url,
                             pub_date=_iso(submitted.pub_date), date_source="input",
                             language=submitted.language, source=SOURCE)


def _from_html(raw: str, submitted: SubmitOptions) -> Article:
    title, body, page_date = parse_html(raw, url=submitted.url)
    if not body.strip():
        raise IngestError("empty: no text after cleaning")
    given_date = _iso(submitted.pub_date)
    return article_from_text(body, title=submitted.title or title, url=submitted.url,
                             pub_date=given_date or page_date,
                             date_source="input" if given_date else "metadata",
                             language=submitted.language, source=SOURCE)
