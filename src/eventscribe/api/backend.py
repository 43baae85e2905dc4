"""What the routes share: one store, one pipeline, and the locks that make them safe.

FastAPI runs the routes in a thread pool. A store holds one database connection
whose transactions are not safe to interleave across threads, so every use of it
takes `store_lock` (results are read whole inside the lock). spaCy pipelines are
not documented as thread-safe either, so extraction takes `pipeline_lock`;
extraction and database work do not wait for each other.

The store is closed when the server shuts down and opened again should the same
app serve again (tests start and stop an app's lifespan several times).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import Depends, Request

from ..batch import process_batch
from ..pipeline import Pipeline
from ..schema import Article, Event
from ..store import Store, open_store

log = logging.getLogger("eventscribe.api")

Kind = Literal["events", "clusters"]


class Backend:
    def __init__(self, store_url: str | None, pipeline: Pipeline | None = None):
        self.store_url = store_url
        store = open_store(store_url)  # now: a wrong URL fails at startup, not on a request
        self._store: Store | None = store
        self._store_lock = threading.RLock()
        self._pipeline = pipeline  # built on the first extraction: reading needs no models
        self._pipeline_lock = threading.Lock()
        self.schema_version = store.migrate()  # already migrated: this only reads the version
        self.dialect: Literal["duckdb", "postgres"] = getattr(store, "dialect", "duckdb")

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self._store_lock:
            if self._store is None:
                self._store = open_store(self.store_url)
            yield self._store

    def close(self) -> None:
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # -- reading -----------------------------------------------------------------------
    def page(self, kind: Kind, filters: dict, limit: int, cursor: str | None
             ) -> tuple[list[Event], str | None]:
        """One page of events or clusters, and the cursor of the next (None on the last)."""
        with self.store() as store:
            query: Callable[..., Iterator[Event]] = (
                store.query_events if kind == "events" else store.query_clusters)
            # one more than asked says whether there is a next page without counting
            items = list(query(**filters, after=cursor, limit=limit + 1))
            next_cursor = store.cursor_of(items[limit - 1]) if len(items) > limit else None
        return items[:limit], next_cursor

    # -- extracting and storing --------------------------------------------------------
    def extract(self, articles: list[Article]) -> list[str | None]:
        """Fill in each article's events and quotes; per article, None or why it failed."""
        with self._pipeline_lock:
            if self._pipeline is None:
                self._pipeline = Pipeline()
            outcomes = process_batch(self._pipeline, articles, None)
        for outcome in outcomes:
            if outcome.error is not None:
                log.warning("could not process %s: %s", outcome.article.id, outcome.error)
        return [outcome.error for outcome in outcomes]

    def adopt_stored_ids(self, articles: list[Article]) -> None:
        """An article already stored (same URL or text) keeps its row's id, so that its
        events get the ids a rerun of the ingest command would give them."""
        with self.store() as store:
            for article in articles:
                stored = store.find_article(article)
                if stored is not None:
                    article.id = stored.id

    def save(self, articles: list[Article]) -> None:
        """Store the articles with their events, each atomically, then bring the clusters
        up to date once (from the first day the batch changed)."""
        if not articles:
            return
        with self.store() as store:
            for article in articles:
                with store.transaction():
                    row = store.save_article(article, "ok")
                    store.save_events(row, article.events)
            store.cluster_events()


def _backend(request: Request) -> Backend:
    return request.app.state.backend


# A route's parameter `backend: BackendDep` is the app's Backend.
BackendDep = Annotated[Backend, Depends(_backend)]
