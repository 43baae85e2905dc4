"""What DuckDB and PostgreSQL share: every statement and every rule of the store.

A backend only says how to run a statement (`_run`, `_run_many`, `_stream`) and how
to spell its placeholders; the SQL, the identity rules and the transaction
discipline are written once here, so the two databases cannot drift apart.

Statements are written with `?` placeholders, which DuckDB takes as they are and
the PostgreSQL backend turns into `%s`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pycountry

from ..ingest import article_id_for
from ..output.flatten import EVENT_COLUMNS, flatten
from ..pipeline import parse_date
from ..schema import Article, Event, Quote, as_plain, stable_id
from . import AGGREGATES, CHANGED, STATUSES, Failure, StoredArticle
from .clusters import ClusterMaintenance
from .migrations import (EVENT_TABLES, LATEST, MIGRATIONS, SCHEMA_VERSION_TABLE,
                         missing_event_columns, quote, sql_type)
from .records import event_from_dict, from_dict

_EVENT_DATA_COLUMNS = [c for c in EVENT_COLUMNS if c not in ("id", "article_id")]
_EVENT_ROW_COLUMNS = ["id", "article_id", *_EVENT_DATA_COLUMNS, "record"]  # event_row's order
_DATE_COLUMNS = [i for i, c in enumerate(_EVENT_DATA_COLUMNS) if sql_type(c) == "DATE"]
_ARTICLE_FIELDS = ("url", "title", "outlet", "language", "pub_date", "pub_date_source",
                   "source", "text", "content_hash", "status", "error", "updated_at", "quotes")
_AGGREGATE_KEYS = {"day": '"date"', "event": "event", "country": "event_loc_country_code"}
_CHUNK = 500
CURSOR_PATTERN = r"(\d{0,7})\|([0-9a-f]{1,64})"
_CURSOR = re.compile(CURSOR_PATTERN)
_LOOKUP = """SELECT 0 AS rank, id, status, content_hash, error FROM articles WHERE id = ?
UNION ALL SELECT 1, id, status, content_hash, error FROM articles WHERE url = ?
UNION ALL SELECT 2, id, status, content_hash, error FROM articles WHERE content_hash = ?
ORDER BY rank LIMIT 1"""
_EARTH_KM = 6371.0088
_KM_PER_DEGREE = 111.32


def _article_values(article: Article, status: str, error: str | None,
                    now: dt.datetime) -> dict[str, Any]:
    """An article's columns (_ARTICLE_FIELDS, in order) as the store writes them."""
    values = dict(url=article.url, title=article.title, outlet=outlet_of(article.url),
                  language=article.language, pub_date=parse_date(article.pub_date),
                  pub_date_source=article.pub_date_source, source=article.source,
                  text=article.text, content_hash=content_hash(article.text), status=status,
                  error=error, updated_at=now, quotes=json.dumps(
                      [as_plain(q) for q in article.quotes], ensure_ascii=False))
    return {field: values[field] for field in _ARTICLE_FIELDS}


def content_hash(text: str) -> str:
    """The normalised text's hash: the id an article without a URL would get."""
    return article_id_for(text, None)


def outlet_of(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _json(value: Any) -> Any:
    """A JSON column's value: DuckDB returns text, PostgreSQL (JSONB) the parsed value."""
    return json.loads(value) if isinstance(value, str) else value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _country(code: str) -> str:
    """Places carry ISO alpha-3 codes; analysts type alpha-2 as often ('SY' or 'SYR')."""
    code = code.strip().upper()
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            return country.alpha_3
    return code


def event_row(article_id: str, event: Event) -> list[Any]:
    """The row for one event mention: the flat columns, then the whole record as JSON."""
    record = event.to_dict()
    record["article_id"] = article_id  # the row's id, should the event have come with another
    flat = flatten(record)
    values = [flat.get(c) for c in _EVENT_DATA_COLUMNS]
    for index in _DATE_COLUMNS:
        values[index] = parse_date(values[index])
    return [event.id, article_id, *values, json.dumps(record, ensure_ascii=False)]


def event_filters(type: str | None = None, actor: str | None = None, country: str | None = None,
                  since: str | dt.date | None = None, until: str | dt.date | None = None,
                  near: tuple[float, float, float] | None = None, text: str | None = None,
                  after: str | None = None) -> tuple[str, list[Any]]:
    """A WHERE clause and its parameters; every filter narrows (they are ANDed).

    `after` is a cursor (cursor_of): only the events after it in the query order."""
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    if type:
        add("event = ?", type.strip().upper())
    if actor:
        add("actor_code = ?", actor.strip().upper())
    if country:
        add("event_loc_country_code = ?", _country(country))
    for bound, op in ((since, ">="), (until, "<=")):
        if bound is not None:
            day = parse_date(bound)
            if day is None:
                raise ValueError(f"not a date (YYYY-MM-DD): {bound!r}")
            add(f'"date" {op} ?', day)
    if near is not None:
        lat, lon, km = (float(v) for v in near)
        # A bounding box the indexes and zone maps can use, then the exact distance.
        dlat = km / _KM_PER_DEGREE
        add("event_loc_lat BETWEEN ? AND ?", lat - dlat, lat + dlat)
        cos_lat = math.cos(math.radians(lat))
        if cos_lat > 0.01:
            dlon = km / (_KM_PER_DEGREE * cos_lat)
            if dlon < 180:
                add("event_loc_lon BETWEEN ? AND ?", lon - dlon, lon + dlon)
        add("2 * ? * asin(sqrt(power(sin(radians(event_loc_lat - ?) / 2), 2) + "
            "cos(radians(?)) * cos(radians(event_loc_lat)) * "
            "power(sin(radians(event_loc_lon - ?) / 2), 2))) <= ?",
            _EARTH_KM, lat, lat, lon, km)
    for word in (text or "").split():
        add("strpos(lower(text_info_sentence), ?) > 0", word.lower())
    if after is not None:
        day, last_id = _read_cursor(after)
        if day is not None:
            add('("date" > ? OR ("date" = ? AND id > ?) OR "date" IS NULL)', day, day, last_id)
        else:
            add('("date" IS NULL AND id > ?)', last_id)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def cursor_of(event: Event) -> str:
    """The cursor after this event in the store's order (date, nulls last, then id):
    its day as a day number (empty when undated), '|', its id."""
    day = parse_date(event.date)
    return f"{day.toordinal() if day else ''}|{event.id}"


def _read_cursor(cursor: str) -> tuple[dt.date | None, str]:
    # Any day number reads as a day (clamped to the calendar), so that every string of
    # the documented shape is a cursor; anything else is refused.
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise ValueError(f"not a cursor from this store: {cursor[:80]!r}")
    number, last_id = match.groups()
    if not number:
        return None, last_id
    ordinal = min(max(int(number), 1), dt.date.max.toordinal())
    return dt.date.fromordinal(ordinal), last_id


class SqlStore(ClusterMaintenance):
    """The store's logic over a DB-API-like connection; subclasses run the statements."""

    dialect = "duckdb"

    def __init__(self, url: str):
        self.url = url
        self._depth = 0  # nesting of transaction() blocks; only the outermost commits

    # -- what a backend provides ---------------------------------------------------
    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Execute one statement; return an object with fetchone()/fetchall()."""
        raise NotImplementedError

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _stream(self, sql: str, params: Sequence[Any]) -> Iterator[tuple]:
        """Rows of a query, fetched in pages, while other statements may run."""
        raise NotImplementedError

    def _lock_schema(self) -> None:
        """Keep two processes from migrating the same database at once."""

    def close(self) -> None:
        raise NotImplementedError

    # -- transactions --------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._run("BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._run("ROLLBACK")
            raise
        self._depth = 0
        self._run("COMMIT")

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------------
    def schema_version(self) -> int:
        self._run(SCHEMA_VERSION_TABLE)
        row = self._run("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> int:
        for migration in MIGRATIONS:
            with self.transaction():
                self._lock_schema()
                if self.schema_version() >= migration.version:
                    continue
                for statement in migration.sql(self.dialect):
                    self._run(statement)
                self._run("INSERT INTO schema_version VALUES (?, ?, ?)",
                          (migration.version, migration.description, _now()))
        with self.transaction():
            self._lock_schema()
            for table in EVENT_TABLES:
                existing = {row[0] for row in self._run(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "AND table_schema = current_schema()", (table,)).fetchall()}
                for statement in missing_event_columns(table, existing):
                    self._run(statement)
        return max(LATEST, self.schema_version())

    # -- articles ------------------------------------------------------------------
    def _lookup(self, article_id: str | None, url: str | None, digest: str | None
                ) -> StoredArticle | None:
        row = self._run(_LOOKUP, (article_id, url, digest)).fetchone()
        return StoredArticle(*row[1:]) if row else None

    def find_article(self, article: Article) -> StoredArticle | None:
        return self.find_articles([article])[0]

    def find_articles(self, articles: Sequence[Article]) -> list[StoredArticle | None]:
        found: list[StoredArticle | None] = []
        for start in range(0, len(articles), _CHUNK):
            keys = [(a.id, a.url, content_hash(a.text)) for a in articles[start:start + _CHUNK]]
            ids, urls, digests = ([k[i] for k in keys if k[i]] for i in range(3))
            where = [f"{column} IN ({', '.join('?' * len(values))})"
                     for column, values in (("id", ids), ("url", urls), ("content_hash", digests))
                     if values]
            rows = self._run("SELECT id, url, content_hash, status, error FROM articles WHERE "
                             + " OR ".join(where), [*ids, *urls, *digests]).fetchall()
            by = ({}, {}, {})  # id, url, text → row, with find_article's order of precedence
            for row in rows:
                for index in range(3):
                    by[index].setdefault(row[index], row)
            for key in keys:
                row = next((by[i][key[i]] for i in range(3) if key[i] and key[i] in by[i]), None)
                found.append(StoredArticle(row[0], row[3], row[2], row[4]) if row else None)
        return found

    def article_status(self, article_key: Article | str) -> str | None:
        if isinstance(article_key, Article):
            stored = self.find_article(article_key)
            if stored is not None and stored.content_hash != content_hash(article_key.text):
                return CHANGED
        else:
            stored = self._lookup(article_key, article_key, article_key)
        return stored.status if stored else None

    def article_ids(self, status: str | None = None) -> list[str]:
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        return [row[0] for row in self._run(
            f"SELECT id FROM articles {where} ORDER BY updated_at, id", params).fetchall()]

    def article(self, article_id: str) -> Article | None:
        row = self._run("SELECT id, text, title, url, pub_date, pub_date_source, language, "
                        "source, quotes FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        pub_date = row[4].isoformat() if row[4] is not None else None
        quotes = [from_dict(Quote, q) for q in _json(row[8]) or []]
        return Article(id=row[0], text=row[1], title=row[2], url=row[3], pub_date=pub_date,
                       pub_date_source=row[5], language=row[6], source=row[7], quotes=quotes)

    def save_article(self, article: Article, status: str, error: str | None = None) -> str:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        digest = content_hash(article.text)
        values = _article_values(article, status, error, _now())
        with self.transaction():
            stored = self.find_article(article)
            if stored is None:
                article_id = article.id
                self._run(f"INSERT INTO articles (id, {', '.join(_ARTICLE_FIELDS)}) VALUES "
                          f"(?{', ?' * len(_ARTICLE_FIELDS)})",
                          (article_id, *(values[f] for f in _ARTICLE_FIELDS)))
            else:
                article_id = stored.id
                unchanged = stored.content_hash == digest
                if unchanged and (stored.status, stored.error) == (status, error):
                    return article_id  # the same article again: nothing changes
                # The URL (the row's identity) stays; everything the text gives is replaced.
                fields = [f for f in _ARTICLE_FIELDS if f != "url"]
                self._run(f"UPDATE articles SET {', '.join(f + ' = ?' for f in fields)} "
                          "WHERE id = ?", (*(values[f] for f in fields), article_id))
                if not unchanged or status != "ok":
                    self._run("DELETE FROM events WHERE article_id = ?", (article_id,))
            if status == "ok":
                self._clear_failures([article_id], [article.source] if article.source else [])
            else:
                self.record_failure(article.source or article_id, error or "failed", article_id)
        return article_id

    def save_processed(self, results: Sequence[tuple[Article, str | None]]
                       ) -> list[tuple[str, int | None]]:
        # New articles, the bulk of any ingestion, go in with one insert for their rows and
        # one for all their events; the others (known, changed, failed, or sharing a URL
        # with another of the batch) take save_article's path, one by one, afterwards.
        written: list[tuple[str, int | None] | None] = [None] * len(results)
        stored = self.find_articles([article for article, _ in results])
        new, event_rows, one_by_one, taken = [], [], [], set()
        for index, ((article, error), known) in enumerate(zip(results, stored)):
            keys = {article.id, article.url, content_hash(article.text)} - {None}
            if error is None and known is None and not keys & taken:
                taken |= keys
                new.append(article)
                event_rows.extend(event_row(article.id, event) for event in article.events)
                written[index] = (article.id, len(article.events))
            else:
                one_by_one.append(index)
        with self.transaction():
            if new:
                now = _now()
                self._insert_rows("articles", ["id", *_ARTICLE_FIELDS],
                                  [[a.id, *_article_values(a, "ok", None, now).values()]
                                   for a in new])
                self._clear_failures([a.id for a in new], [a.source for a in new if a.source])
                self._insert_events("events", event_rows)
            for index in one_by_one:
                article, error = results[index]
                if error is None:
                    row_id = self.save_article(article, "ok")
                    written[index] = (row_id, self.save_events(row_id, article.events))
                else:
                    written[index] = (self.save_article(article, "failed", error), None)
        return written  # type: ignore[return-value]

    def _clear_failures(self, article_ids: list[str], sources: list[str]) -> None:
        """Stored now: the failures recorded for these articles, or for their sources
        before they had an id, are over."""
        self._run(f"DELETE FROM failures WHERE article_id IN ({', '.join('?' * len(article_ids))})"
                  + (f" OR (article_id IS NULL AND source IN ({', '.join('?' * len(sources))}))"
                     if sources else ""), [*article_ids, *sources])

    def save_events(self, article_id: str, events: Iterable[Event]) -> int:
        rows = [event_row(article_id, event) for event in events]
        with self.transaction():
            self._run("DELETE FROM events WHERE article_id = ?", (article_id,))
            self._insert_events("events", rows)
            # new events, even for the same text, make the clusters stale (their fingerprint)
            self._run("UPDATE articles SET updated_at = ? WHERE id = ?", (_now(), article_id))
        return len(rows)

    def _insert_events(self, table: str, rows: list[list[Any]]) -> None:
        if rows:
            self._insert_rows(table, _EVENT_ROW_COLUMNS, rows)

    def _insert_rows(self, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        """Insert many rows at once (a backend may have a faster path than _run_many)."""
        self._run_many(f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES "
                       f"({', '.join('?' * len(columns))})", rows)

    # -- failures ------------------------------------------------------------------
    def record_failure(self, source: str, reason: str, article_id: str | None = None) -> None:
        key = stable_id("failure", article_id or source)
        with self.transaction():
            self._run("INSERT INTO failures (id, source, article_id, reason, attempts, updated_at) "
                      "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (id) DO UPDATE SET "
                      "source = excluded.source, reason = excluded.reason, "
                      "attempts = failures.attempts + 1, updated_at = excluded.updated_at",
                      (key, source, article_id, reason, _now()))

    def failed(self) -> list[Failure]:
        rows = self._run("SELECT source, reason, article_id, attempts, updated_at FROM failures "
                         "ORDER BY updated_at, id").fetchall()
        return [Failure(*row) for row in rows]

    # -- queries -------------------------------------------------------------------
    def query_events(self, type: str | None = None, actor: str | None = None,
                     country: str | None = None, since: str | dt.date | None = None,
                     until: str | dt.date | None = None,
                     near: tuple[float, float, float] | None = None,
                     text: str | None = None, limit: int | None = None,
                     after: str | None = None) -> Iterator[Event]:
        return self._query("events", limit, after, type=type, actor=actor, country=country,
                           since=since, until=until, near=near, text=text)

    def query_clusters(self, type: str | None = None, actor: str | None = None,
                       country: str | None = None, since: str | dt.date | None = None,
                       until: str | dt.date | None = None,
                       near: tuple[float, float, float] | None = None,
                       text: str | None = None, limit: int | None = None,
                       after: str | None = None) -> Iterator[Event]:
        return self._query("event_clusters", limit, after, type=type, actor=actor,
                           country=country, since=since, until=until, near=near, text=text)

    def _query(self, table: str, limit: int | None, after: str | None, **filters: Any
               ) -> Iterator[Event]:
        where, params = event_filters(**filters, after=after)
        sql = f'SELECT record FROM {table}{where} ORDER BY "date" NULLS LAST, id'
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        for (record,) in self._stream(sql, params):
            yield event_from_dict(_json(record))

    def cursor_of(self, event: Event) -> str:
        return cursor_of(event)

    def _records(self, table: str, column: str, value: str) -> list[Event]:
        rows = self._run(f'SELECT record FROM {table} WHERE {column} = ? '
                         'ORDER BY "date" NULLS LAST, id', (value,)).fetchall()
        return [event_from_dict(_json(record)) for (record,) in rows]

    def event(self, event_id: str) -> Event | None:
        found = self._records("events", "id", event_id)
        return found[0] if found else None

    def cluster(self, cluster_id: str) -> Event | None:
        found = self._records("event_clusters", "id", cluster_id)
        return found[0] if found else None

    def events_of(self, article_id: str) -> list[Event]:
        return sorted(self._records("events", "article_id", article_id),
                      key=lambda e: (e.text_info.trigger_start, e.id))

    def aggregate(self, by: str, clusters: bool = True, **filters: Any) -> list[tuple[str, int]]:
        if by not in _AGGREGATE_KEYS:
            raise ValueError(f"cannot count by {by!r} (one of {', '.join(AGGREGATES)})")
        key = _AGGREGATE_KEYS[by]
        where, params = event_filters(**filters)
        where = (where + " AND " if where else " WHERE ") + f"{key} IS NOT NULL"
        table = "event_clusters" if clusters else "events"
        rows = self._run(f"SELECT {key}, count(*) FROM {table}{where} GROUP BY {key} "
                         f"ORDER BY {key}", params).fetchall()
        return [(k.isoformat() if isinstance(k, dt.date) else str(k), int(n)) for k, n in rows]

    def counts(self) -> dict[str, int]:
        tables = ("articles", "events", "failures", "event_clusters")
        return {t: int(self._run(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
