"""The embedded backend: one DuckDB file, no server (the default store).

DuckDB lets one process write a file at a time, which suits the ingest command:
its parent process is the only writer, whatever the number of workers. Committed
transactions are in the write-ahead log before COMMIT returns, so a process killed
at any moment leaves every committed article in the file on the next open.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .migrations import quote
from .sql import SqlStore

_PAGE = 1000
_BULK_FROM = 3  # rows from which the Arrow path is faster than executemany


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C during a statement: DuckDB turns it into an error; callers expect the interrupt."""
    try:
        yield
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None


class DuckDBStore(SqlStore):
    dialect = "duckdb"

    def __init__(self, path: str | Path):
        super().__init__(str(path))
        self._conn = duckdb.connect(str(path))

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with _interruptible():
            return self._conn.execute(sql, list(params) if params else None)

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with _interruptible():
            self._conn.executemany(sql, [list(row) for row in rows])

    def _insert_rows(self, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        # executemany costs ~2 ms a row here (one statement each); an Arrow table goes in
        # as one statement, which is what keeps storing from slowing ingestion down.
        if len(rows) < _BULK_FROM:
            return super()._insert_rows(table, columns, rows)
        data = pa.table({f"c{i}": pa.array([row[i] for row in rows])
                         for i in range(len(columns))})
        self._conn.register("_eventscribe_rows", data)
        try:
            with _interruptible():
                self._conn.execute(f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "
                                   "SELECT * FROM _eventscribe_rows")
        finally:
            self._conn.unregister("_eventscribe_rows")

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
