"""The store: articles, their PLOVER events and failures in DuckDB or PostgreSQL.

Analysts code thousands of articles a day and query the result, so ingestion
writes to a database instead of a stream. One narrow interface, `Store`, has two
backends sharing their SQL (`store/sql.py`): a DuckDB file, the embedded default
that needs no server, and PostgreSQL for a shared server or a cluster.

    store = open_store("events.duckdb")          # or "postgresql://user@host/db"
    with store.transaction():                    # an article and its events, atomically
        article_id = store.save_article(article, "ok")
        store.save_events(article_id, article.events)
    for event in store.query_events(type="ASSAULT", country="ML", since="2024-01-01"):
        ...

Identity is what makes reruns safe: an article is the same row when it has the
same id (ingest.article_id_for: its URL's hash, or its text's), the same URL or
the same normalised text; saving it again changes nothing, and a changed text for
the same URL replaces its events. Event ids are schema.stable_id values, so
re-extracting an article gives the same ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

from ..dedup import DedupRule
from ..schema import Article, Event

__all__ = ["AGGREGATES", "DEFAULT_DB", "STATUSES", "Failure", "Store", "StoredArticle", "display_name",
           "is_postgres_url", "open_store"]

DEFAULT_DB = "eventscribe.duckdb"
# "ok": processed, its events stored; "failed": the pipeline could not process it (the
# reason is in `error` and in the failures table; `--retry-failed` processes it again).
STATUSES = ("ok", "failed")
# What aggregate() counts by: the event's day, its PLOVER type, its place's country.
AGGREGATES = ("day", "event", "country")
# What article_status() says of an article whose URL is stored with another text.
CHANGED = "changed"


@dataclass(frozen=True)
class StoredArticle:
    """What the store knows of an article before processing it again."""

    id: str
    status: str
    content_hash: str
    error: str | None


@dataclass(frozen=True)
class Failure:
    """An input or an article that could not be processed, and why."""

    source: str
    reason: str
    article_id: str | None
    attempts: int
    updated_at: dt.datetime


@runtime_checkable
class Store(Protocol):
    """Everything the rest of eventscribe may ask of a database, and nothing more."""

    url: str

    def migrate(self) -> int:
        """Apply the numbered migrations not applied yet; return the schema version."""

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them are committed, or none (nested calls join the outer one)."""

    def find_article(self, article: Article) -> StoredArticle | None:
        """The stored row for this article: same id, else same URL, else same text."""

    def find_articles(self, articles: Sequence[Article]) -> list[StoredArticle | None]:
        """find_article for many articles at once, in their order (one lookup, not one each)."""

    def article_status(self, article_key: Article | str) -> str | None:
        """'ok', 'failed', None (unknown), or 'changed' for an Article whose stored text differs.

        A string is looked up as an article id, a URL or a content hash."""

    def article_ids(self, status: str | None = None) -> list[str]:
        """The ids of the stored articles (with this status), oldest first."""

    def article(self, article_id: str) -> Article | None:
        """A stored article (text, title, URL, date…) without its events."""

    def save_article(self, article: Article, status: str, error: str | None = None) -> str:
        """Insert or update the article; return its row id (which events must carry)."""

    def save_events(self, article_id: str, events: Iterable[Event]) -> int:
        """Replace the article's events with these; return how many were written."""

    def save_processed(self, results: Sequence[tuple[Article, str | None]]) -> list[tuple[str, int | None]]:
        """Store a batch of processed articles in one transaction: each (article, error)
        is saved as 'ok' with its events when error is None, else as 'failed'. Returns
        each article's (row id, events written, None when failed), in order."""

    def record_failure(self, source: str, reason: str, article_id: str | None = None) -> None:
        """Record (or count again) a failure for a source or an article."""

    def failed(self) -> list[Failure]:
        """Every recorded failure, oldest first."""

    def query_events(self, type: str | None = None, actor: str | None = None,
                     country: str | None = None, since: str | dt.date | None = None,
                     until: str | dt.date | None = None,
                     near: tuple[float, float, float] | None = None,
                     text: str | None = None, limit: int | None = None,
                     after: str | None = None) -> Iterator[Event]:
        """Committed event mentions matching every given filter, by date then id.

        `type` is a PLOVER type, `actor` the actor's code, `country` ISO alpha-2 or
        alpha-3 of the event's place, `since`/`until` inclusive dates, `near`
        (lat, lon, km), `text` words that must all be in the evidence sentence;
        `after` a cursor (cursor_of) to read the next page from."""

    def query_clusters(self, type: str | None = None, actor: str | None = None,
                       country: str | None = None, since: str | dt.date | None = None,
                       until: str | dt.date | None = None,
                       near: tuple[float, float, float] | None = None,
                       text: str | None = None, limit: int | None = None,
                       after: str | None = None) -> Iterator[Event]:
        """Deduplicated events (cluster records, see dedup.py), with the same filters."""

    def cursor_of(self, event: Event) -> str:
        """The cursor to pass as `after` to read what follows this event."""

    def event(self, event_id: str) -> Event | None:
        """One event mention."""

    def cluster(self, cluster_id: str) -> Event | None:
        """One cluster record."""

    def events_of(self, article_id: str) -> list[Event]:
        """An article's event mentions, in text order."""

    def aggregate(self, by: str, clusters: bool = True, **filters: object
                  ) -> list[tuple[str, int]]:
        """Counts of clusters (or mentions) by one of AGGREGATES, with query filters."""

    def cluster_events(self, rule: DedupRule | None = None, force: bool = False) -> int:
        """Rebuild the clusters from the mentions (unless nothing changed); their number."""

    def counts(self) -> dict[str, int]:
        """Rows per table: articles, events, failures, event_clusters."""

    def close(self) -> None:
        """Release the database (an open transaction is rolled back, not committed)."""

    def __enter__(self) -> Store:
        """`with open_store(…) as store:` closes it however the block ends."""

    def __exit__(self, *exc: object) -> None: ...


def is_postgres_url(url_or_path: str) -> bool:
    return url_or_path.startswith(("postgresql://", "postgres://"))


def display_name(url_or_path: str) -> str:
    """The store's name for messages and logs: a URL's password is never printed."""
    if not is_postgres_url(url_or_path):
        return url_or_path
    parts = urlsplit(url_or_path)
    if parts.password is None:
        return url_or_path
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def open_store(url_or_path: str | None = None, *, migrate: bool = True) -> Store:
    """A DuckDB store for a path (default ./eventscribe.duckdb), PostgreSQL for a URL.

    The schema is brought up to date unless `migrate` is False, so that every
    command can just open the store it is given."""
    target = str(url_or_path or DEFAULT_DB)
    store: Store
    if is_postgres_url(target):
        from .postgres import PostgresStore

        store = PostgresStore(target)
    else:
        from .duckdb import DuckDBStore

        store = DuckDBStore(target)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store
