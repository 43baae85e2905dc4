"""The embedded backend: one DuckDB file, no server (the default store).

DuckDB lets one process write a file at a time, which suits the ingest command:
its parent process is the only writer, whatever the number of workers. Committed
transactions are in the write-ahead log before COMMIT returns, so a process killed
at any moment leaves every committed article in the file on the next open.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from .sql import SqlStore

_PAGE = 1000


class DuckDBStore(SqlStore):
    dialect = "duckdb"

    def __init__(self, path: str | Path):
        super().__init__(str(path))
        self._conn = duckdb.connect(str(path))

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, list(params) if params else None)

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, [list(row) for row in rows])

    def _stream(self, sql: str, params: Sequence[Any]) -> Iterator[tuple]:
        # A cursor of its own, so that the caller may write while it reads the result.
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql, list(params) if params else None)
            while rows := cursor.fetchmany(_PAGE):
                yield from rows
        finally:
            cursor.close()

    def close(self) -> None:
        self._conn.close()
