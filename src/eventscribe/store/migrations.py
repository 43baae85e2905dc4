"""The database schema, as numbered migrations shared by DuckDB and PostgreSQL.

A database records the migrations it has applied in `schema_version`; opening it
applies the missing ones in order, each in its own transaction, so a database
made by an older eventscribe is upgraded in place and never rebuilt. A migration,
once released, is never edited: a change is a new migration appended to
MIGRATIONS.

The event columns are not written here: they are derived from schema.Event (the
record is defined once) through output.flatten. A field added to the record later
becomes a column (in both event tables) through `missing_event_columns`, which
migrate() adds after the numbered migrations; the full record is always in the
JSON column `record`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..output.flatten import EVENT_COLUMNS, dataclass_of
from ..schema import Event

# The two dialects differ only in the name of the JSON type; everything else is
# standard SQL both accept (IF NOT EXISTS, ON CONFLICT, DOUBLE PRECISION…).
JSON_TYPES = {"duckdb": "JSON", "postgres": "JSONB"}

# Columns whose Python type (str) is not the SQL type we want to filter on.
_TYPE_OVERRIDES = {"date": "DATE"}
_SQL_TYPES: dict[type, str] = {str: "TEXT", int: "BIGINT", float: "DOUBLE PRECISION",
                               bool: "BOOLEAN"}
# The columns every query filters on (issue 4: type, actor, country, date range).
EVENT_INDEXES = {
    "events_event": ("event",),
    "events_date": ("date",),
    "events_actor": ("actor_code",),
    "events_country": ("event_loc_country_code",),
    "events_type_country_date": ("event", "event_loc_country_code", "date"),
    "events_article": ("article_id",),
}


def _leaf_annotation(cls: type, column: str) -> object:
    """The annotation behind a flat column name: 'event_loc_lat' → Location.lat's."""
    hints = typing.get_type_hints(cls)
    if column in hints:
        return hints[column]
    for f in dataclasses.fields(cls):
        nested = dataclass_of(hints[f.name])
        if nested is not None and column.startswith(f.name + "_"):
            return _leaf_annotation(nested, column[len(f.name) + 1:])
    raise KeyError(column)


def sql_type(column: str) -> str:
    """The SQL type of a flat event column (lists are stored joined by ';', as in CSV)."""
    if column in _TYPE_OVERRIDES:
        return _TYPE_OVERRIDES[column]
    annotation = _leaf_annotation(Event, column)
    for candidate in typing.get_args(annotation) or (annotation,):
        if candidate is type(None):
            continue
        if typing.get_origin(candidate) is Literal:
            return "TEXT"
        return _SQL_TYPES.get(typing.get_origin(candidate) or candidate, "TEXT")
    return "TEXT"


def quote(name: str) -> str:
    """A quoted identifier: 'date', 'mode' or 'end' must never clash with SQL words."""
    return '"' + name.replace('"', '""') + '"'


# Tables holding event records as flat columns: the mentions, and the clusters, whose
# record is the best mention's with the cluster's id (so one set of filters reads both).
EVENT_TABLES = ("events", "event_clusters")


def _event_column_defs() -> str:
    defs = ["id TEXT PRIMARY KEY", "article_id TEXT NOT NULL"]
    defs += [f"{quote(c)} {sql_type(c)}" for c in EVENT_COLUMNS if c not in ("id", "article_id")]
    return ",\n  ".join(defs + ["record {json} NOT NULL"])


def _v1() -> list[str]:
    statements = [
        """CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY,
  url TEXT,
  title TEXT,
  outlet TEXT,
  language TEXT,
  pub_date DATE,
  pub_date_source TEXT,
  source TEXT,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  updated_at TIMESTAMP NOT NULL)""",
        "CREATE UNIQUE INDEX IF NOT EXISTS articles_url ON articles (url)",
        "CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash)",
        "CREATE INDEX IF NOT EXISTS articles_status ON articles (status)",
        f"CREATE TABLE IF NOT EXISTS events (\n  {_event_column_defs()})",
        """CREATE TABLE IF NOT EXISTS failures (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  article_id TEXT,
  reason TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  updated_at TIMESTAMP NOT NULL)""",
        # Deduplicated events (filled by the deduplication step, issue 4): one row per
        # real-world event, with its evidence and how many mentions and outlets report it.
        """CREATE TABLE IF NOT EXISTS event_clusters (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  mode TEXT,
  actor_code TEXT,
  recipient_code TEXT,
  country_code TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  date_first DATE,
  date_last DATE,
  first_reported TIMESTAMP,
  mention_count INTEGER NOT NULL,
  source_count INTEGER NOT NULL,
  best_event_id TEXT,
  record {json},
  updated_at TIMESTAMP NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS event_clusters_event ON event_clusters (event)",
        "CREATE INDEX IF NOT EXISTS event_clusters_date ON event_clusters (date_first)",
    ]
    statements += [f"CREATE INDEX IF NOT EXISTS {name} ON events ({', '.join(map(quote, cols))})"
                   for name, cols in EVENT_INDEXES.items()]
    return statements


def _v2() -> list[str]:
    # The v1 cluster table had columns of its own; nothing ever filled it, so it is
    # rebuilt with the events' columns. Articles keep their quotes (for the article view).
    statements = [
        "DROP TABLE IF EXISTS event_clusters",
        f"CREATE TABLE event_clusters (\n  {_event_column_defs()})",
        "ALTER TABLE articles ADD COLUMN IF NOT EXISTS quotes {json}",
        # Small facts about the store's derived data, e.g. what the clusters were built from.
        "CREATE TABLE IF NOT EXISTS store_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]
    statements += [f"CREATE INDEX IF NOT EXISTS {name.replace('events_', 'clusters_', 1)} "
                   f"ON event_clusters ({', '.join(map(quote, cols))})"
                   for name, cols in EVENT_INDEXES.items()]
    return statements


def _v3() -> list[str]:
    # Which cluster each mention is in, so that clusters are brought up to date from the
    # first day that changed instead of rebuilt (store/clusters.py); the next
    # clustering, finding no state, rebuilds them in full and fills it.
    return [
        """CREATE TABLE IF NOT EXISTS cluster_members (
  event_id TEXT PRIMARY KEY,
  cluster_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  day DATE)""",
        "CREATE INDEX IF NOT EXISTS cluster_members_cluster ON cluster_members (cluster_id)",
        "CREATE INDEX IF NOT EXISTS cluster_members_article ON cluster_members (article_id)",
        "CREATE INDEX IF NOT EXISTS cluster_members_day ON cluster_members (day)",
        "DELETE FROM store_state WHERE key = 'clusters'",
    ]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: Callable[[], list[str]]

    def sql(self, dialect: str) -> list[str]:
        return [s.replace("{json}", JSON_TYPES[dialect]) for s in self.statements()]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, events, failures and event clusters", _v1),
    Migration(2, "event clusters as event records; article quotes", _v2),
    Migration(3, "cluster members, for clustering from the first day changed", _v3),
)
LATEST = MIGRATIONS[-1].version

SCHEMA_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TIMESTAMP NOT NULL)"""


def missing_event_columns(table: str, existing: set[str]) -> list[str]:
    """ALTER statements for record fields that have no column yet in an EVENT_TABLES table."""
    return [f"ALTER TABLE {table} ADD COLUMN {quote(c)} {sql_type(c)}"
            for c in EVENT_COLUMNS if c not in existing]
