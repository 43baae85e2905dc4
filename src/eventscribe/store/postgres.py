"""The server backend: PostgreSQL, for a store shared by several machines or users.

Same tables, same statements as DuckDB (store/sql.py); only the placeholders
(`%s`), the JSON type (JSONB) and the streaming of large results differ.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import psycopg

from .sql import SqlStore

_PAGE = 1000
# Any constant will do: it names the lock that serialises migrations across processes.
_MIGRATION_LOCK = 4_726_173_901
_cursor_names = itertools.count()


@lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """Our `?` placeholders in psycopg's style (a literal % must then be doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(SqlStore):
    dialect = "postgres"

    def __init__(self, url: str):
        super().__init__(url)
        # Autocommit: transactions are the explicit BEGIN/COMMIT of SqlStore.transaction().
        self._conn = psycopg.connect(url, autocommit=True)
        self._reader: psycopg.Connection | None = None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(_placeholders(sql), tuple(params))

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), [tuple(row) for row in rows])

    def _lock_schema(self) -> None:
        self._run("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def _stream(self, sql: str, params: Sequence[Any]) -> Iterator[tuple]:
        # A server-side cursor on a second connection: a million rows are never all in
        # memory, and the caller may write on the main connection meanwhile.
        if self._reader is None:
            self._reader = psycopg.connect(self.url)
        with self._reader.transaction():
            with self._reader.cursor(name=f"eventscribe_{next(_cursor_names)}") as cursor:
                cursor.execute(_placeholders(sql), tuple(params))
                while rows := cursor.fetchmany(_PAGE):
                    yield from rows

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._conn.close()
