"""Submitting articles: extract their events (and store them, with the write key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from ..schema import Article
from .backend import Backend, BackendDep
from .inputs import JSON_TYPE, TEXT_TYPES, article_from_body, article_from_submission, \
    media_type, parse_json
from .models import ArticleIn, BatchError, BatchIn, BatchResult, Extracted, SubmitOptions, \
    article_detail

# Open to reads' key (extraction alone changes nothing) and to the write key.
extract_router = APIRouter(prefix="/api", tags=["articles"])
# Only with the write key.
store_router = APIRouter(prefix="/api", tags=["articles"])

# These routes read their body themselves (three media types), so the document is given
# here; ArticleIn is among the components because BatchIn, a declared body, refers to it.
_BODY_DOC = {"requestBody": {"required": True, "content": {
    JSON_TYPE: {"schema": {"$ref": "#/components/schemas/ArticleIn"}},
    **{kind: {"schema": {"type": "string", "pattern": r"\S"}} for kind in TEXT_TYPES},
}}}


def _process(backend: Backend, articles: list[Article], store: bool) -> list[Extracted | str]:
    """Each article extracted (and stored when asked), or why it could not be."""
    if store:
        backend.adopt_stored_ids(articles)
    errors = backend.extract(articles)
    if store:
        backend.save([article for article, error in zip(articles, errors) if error is None])
    return [error or article_detail(article, article.events, article.quotes, Extracted,
                                     stored=store)
            for article, error in zip(articles, errors)]


def _one(backend: Backend, body: bytes, content_type: str | None, options: SubmitOptions,
         store: bool) -> Extracted:
    kind = media_type(content_type)
    if kind == JSON_TYPE:
        article = article_from_submission(parse_json(ArticleIn, body))  # type: ignore[arg-type]
    elif kind in TEXT_TYPES:
        article = article_from_body(body, kind, options)
    else:
        raise HTTPException(415, f"send {JSON_TYPE}, text/plain or text/html, not "
                            f"{kind or 'a body without Content-Type'}")
    (result,) = _process(backend, [article], store)
    if isinstance(result, str):
        raise HTTPException(422, f"could not process the article: {result}")
    return result


async def _submit(request: Request, backend: Backend, options: SubmitOptions,
                  store: bool) -> Extracted:
    body = await request.body()
    # decoding, HTML extraction and parsing are CPU work: off the event loop
    return await run_in_threadpool(_one, backend, body, request.headers.get("content-type"),
                                   options, store)


@extract_router.post("/extract", response_model=Extracted, openapi_extra=_BODY_DOC)
async def extract(request: Request, backend: BackendDep,
                  options: Annotated[SubmitOptions, Query()]) -> Extracted:
    """Extract one article's events without storing anything. The query parameters apply
    to text and HTML bodies (a JSON body carries them itself)."""
    return await _submit(request, backend, options, store=False)


@store_router.post("/articles", response_model=Extracted, status_code=201,
                   openapi_extra=_BODY_DOC)
async def submit_article(request: Request, backend: BackendDep,
                         options: Annotated[SubmitOptions, Query()]) -> Extracted:
    """Extract one article's events and store both (the same article again replaces its
    events); clusters are recomputed. The query parameters apply to text and HTML bodies."""
    return await _submit(request, backend, options, store=True)


def _readable(item: ArticleIn) -> Article | str:
    try:
        return article_from_submission(item)
    except HTTPException as exc:
        return str(exc.detail)


@store_router.post("/articles/batch", response_model=BatchResult)
def submit_batch(backend: BackendDep, batch: BatchIn) -> BatchResult:
    """Extract and store several articles; each result is the article's, or its error."""
    read = [_readable(item) for item in batch.articles]
    processed = iter(_process(backend, [a for a in read if isinstance(a, Article)], store=True))
    results = [item if isinstance(item, str) else next(processed) for item in read]
    return BatchResult(results=[BatchError(error=r) if isinstance(r, str) else r
                                for r in results])
