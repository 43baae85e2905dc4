"""`eventscribe ingest --engine ray`: the same ingestion, its batches processed on Ray.

Only the processing moves; everything else is batch.Ingestion's, unchanged: the
driver (the `eventscribe` process) reads the inputs, skips the articles the store
already has, and stores each result in its own transaction. `RayEngine` is one more
batch.Engine: a Ray Data `map_batches` over the pending articles, on a pool of
actors that each build one Pipeline, so the models load once per actor.

How results come back depends on the store:

* DuckDB (one writing process per file): each actor writes its batch's results as
  a Parquet shard into `<db>.ray-shards/` next to the database file and returns
  only the shard's path; the driver merges the shard through the Store (one
  transaction per article) and deletes it. A shard is renamed into place only
  once complete, and deleted only once merged, so a run killed in between leaves
  shards that the next run merges before reading any input: no work is lost, and
  merging twice stores nothing twice. On a cluster, that folder must be shared by
  every node (else the driver says so); PostgreSQL needs no shared folder.
* PostgreSQL: the results travel back through Ray's object store and the driver
  writes them. Workers could write to the server themselves, but one writer keeps
  the store's identity rules race-free (the same text reached through two URLs in
  two workers at once is still one article), keeps the password on the driver,
  and is no bottleneck: a write takes milliseconds, an article ~0.1 s of a CPU.

The pending articles go to Ray in rounds of `BATCHES_PER_ACTOR` batches per actor,
so the driver's memory stays bounded whatever the input size (a Dataset is built
from a list); each round is one Ray Data run whose actors load the models afresh,
a few seconds against minutes of work. Results come back in input order, so the
outcome matches `--engine local` exactly. An actor that dies (out of memory, a
crash in a native library) is restarted and its batch tried once more; a batch
that still fails is recorded as failed (`--retry-failed` tries it again).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import socket
import sys
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout, suppress
from itertools import chain, islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .batch import EngineError, IngestOptions, Outcome, Pending, Results, process_batch
from .pipeline import Pipeline
from .schema import Article, Quote, as_plain
from .store import is_postgres_url
from .store.records import event_from_dict, from_dict

BATCHES_PER_ACTOR = 64
_LOST = "Ray lost this batch twice (its worker died, or could not return it: see Ray's logs)"


# -- articles as rows --------------------------------------------------------------------
def to_record(article: Article) -> str:
    """Everything the store and the pipeline read, as JSON: Arrow needs no schema for it."""
    return json.dumps(as_plain(article), ensure_ascii=False)


def from_record(record: str) -> Article:
    data = json.loads(record)
    events, quotes = data.pop("events", []), data.pop("quotes", [])
    article = from_dict(Article, data)
    article.events = [event_from_dict(e) for e in events]
    article.quotes = [from_dict(Quote, q) for q in quotes]
    return article


def _table(keys: list[int], outcomes: list[Outcome]) -> pa.Table:
    schema = pa.schema([("key", pa.int64()), ("article", pa.string()), ("error", pa.string())])
    return pa.table({"key": keys, "article": [to_record(o.article) for o in outcomes],
                     "error": [o.error for o in outcomes]}, schema=schema)


def shard_dir_for(db: str) -> Path | None:
    """Where actors leave results for a DuckDB file; None for PostgreSQL."""
    if is_postgres_url(db):
        return None
    path = Path(db).resolve()  # absolute: Ray workers do not run in the driver's folder
    return path.with_name(path.name + ".ray-shards")


# -- actor side --------------------------------------------------------------------------
class Worker:
    """One per Ray actor: one Pipeline, so the models load once per actor."""

    def __init__(self, options: IngestOptions, shard_dir: str | None, version: str) -> None:
        if version != __version__:
            raise RuntimeError(f"this node has eventscribe {__version__}, the driver "
                               f"{version}: install the same version on every node")
        self.options, self.shard_dir = options, shard_dir
        self.pipeline = Pipeline(lang=options.lang)

    def __call__(self, batch: pa.Table) -> pa.Table:
        keys = batch.column("key").to_pylist()
        articles = [from_record(r) for r in batch.column("article").to_pylist()]
        table = _table(keys, process_batch(self.pipeline, articles, self.options.pub_date))
        if self.shard_dir is None:
            return table
        path = Path(self.shard_dir, f"{uuid.uuid4().hex}.parquet")
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial)
        os.replace(partial, path)  # a shard is whole or absent, whenever the run is killed
        return pa.table({"shard": [str(path)]})


# -- driver side -------------------------------------------------------------------------
def _reason(exc: BaseException) -> str:
    """What went wrong, in one line. Ray wraps a worker's error in layers whose text is
    a traceback ending with the original error's line; its own errors are one line."""
    layers: list[BaseException] = []
    while isinstance(exc, BaseException) and exc not in layers:
        layers.append(exc)
        exc = exc.__cause__ or getattr(exc, "cause", None)
    for layer in reversed(layers):  # the innermost with a text (Ray Data adds empty ones)
        lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", str(layer)).splitlines()
                 if line.strip(" ^~")]
        if len(lines) == 1:
            return f"{type(layer).__name__}: {lines[0]}"
        if lines:
            return lines[-1]
    return type(layers[0]).__name__


def _check_reachable(address: str) -> None:
    """ray.init retries an unreachable cluster for a quarter of an hour: fail in seconds."""
    target = address.removeprefix("ray://")
    if target == address:
        try:  # how Ray itself turns "auto" into HOST:PORT ($RAY_ADDRESS, the last `ray start`)
            from ray._private.services import canonicalize_bootstrap_address

            target = canonicalize_bootstrap_address(address) or address
        except Exception:  # noqa: BLE001 — no cluster to find, or the helper moved: Ray says
            return
    host, _, port = target.rpartition(":")
    if not port.isdigit():
        return  # not HOST:PORT: ray.init says what is wrong with it
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise EngineError(f"cannot reach the Ray cluster at {address} ({target}): "
                          f"{exc.strerror or exc}") from exc


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Creating Ray Data's actors makes Ray's C++ core log an error line on stderr
    (constructor arguments in the object store, ray#53727) on every run; it concerns
    Ray Data's own arguments and no setting turns it off. Our own messages wait for
    Ray anyway, and what fails reaches us as an exception."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class RayEngine:
    """batch.Engine on a local Ray instance (`address` None) or a cluster's."""

    def __init__(self, options: IngestOptions, address: str | None = None,
                 actors: int | None = None, shard_dir: Path | None = None):
        self.options = options
        self.address = address
        self.actors = actors or (None if address else os.cpu_count() or 1)
        self.shard_dir = shard_dir
        self._started_ray = False

    def run(self, batches: Iterator[list[Pending]]) -> Results:
        try:
            yield from self._leftovers()
            first = next(batches, None)
            if first is None:
                return  # nothing to process: no Ray start-up to wait for
            self._connect()
            # Ray's driver prints workers' errors and retries on stdout from a thread of
            # its own, log_to_driver or not; they reach us as exceptions or lost batches,
            # said in one line, and stay in Ray's logs (/tmp/ray/session_latest/logs).
            with open(os.devnull, "w") as devnull, redirect_stdout(devnull):
                pending = chain([first], batches)
                while batches_ := list(islice(pending, BATCHES_PER_ACTOR * self.actors)):
                    yield from self._round([item for batch in batches_ for item in batch])
        finally:
            self._disconnect()

    # -- Ray ---------------------------------------------------------------------------
    def _connect(self) -> None:
        try:
            import ray
            import ray.data
        except ImportError as exc:
            raise EngineError(f"--engine ray needs Ray: pip install 'ray[data]' ({exc})") from exc
        if not ray.is_initialized():
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            if self.address:
                _check_reachable(self.address)
            try:
                # "local" rather than None: never join a cluster that RAY_ADDRESS or an
                # earlier `ray start` points at without being asked to.
                ray.init(address=self.address or "local",
                         num_cpus=None if self.address else self.actors,
                         include_dashboard=False, log_to_driver=False,
                         logging_level=logging.ERROR)
            except Exception as exc:  # noqa: BLE001 — whatever Ray raises, say it plainly
                raise EngineError(f"cannot start or reach {where}: {_reason(exc)}") from exc
            self._started_ray = True
        if self.actors is None:
            self.actors = max(1, int(ray.cluster_resources().get("CPU", 1)))
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        context.execution_options.preserve_order = True  # twins resolve as with --engine local
        context.max_errored_blocks = -1  # a lost batch is recorded as failed, the run goes on
        logging.getLogger("ray.data").setLevel(logging.CRITICAL)  # errors reach us as results

    def _disconnect(self) -> None:
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False
        if self.shard_dir is not None:
            with suppress(OSError):
                self.shard_dir.rmdir()  # kept when a shard is left to merge next time

    def _round(self, pending: list[Pending]) -> Results:
        import ray.data

        if self.shard_dir is not None:
            self.shard_dir.mkdir(exist_ok=True)
        size = self.options.batch_size
        items = [{"key": key, "article": to_record(a)} for key, (a, _) in enumerate(pending)]
        with warnings.catch_warnings():
            # The retry settings exist only as `ray_remote_args`, deprecated in 2.60 for
            # named parameters that do not cover them yet.
            warnings.simplefilter("ignore")
            dataset = ray.data.from_items(items, override_num_blocks=math.ceil(len(items) / size))
            dataset = dataset.map_batches(
                Worker, fn_constructor_kwargs=dict(
                    options=self.options, version=__version__,
                    shard_dir=str(self.shard_dir) if self.shard_dir else None),
                batch_size=size, batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=self.actors),
                num_cpus=1, max_restarts=-1, max_task_retries=1)
        seen: set[int] = set()
        for record in self._records(dataset):
            key = record["key"]
            seen.add(key)
            yield [Outcome(from_record(record["article"]), record["error"])], [pending[key]]
        lost = [item for key, item in enumerate(pending) if key not in seen]
        if lost:
            yield [Outcome(article, _LOST) for article, _ in lost], lost

    def _records(self, dataset) -> Iterator[dict]:
        try:
            blocks = iter(dataset.iter_batches(batch_size=None, batch_format="pyarrow"))
            with _stderr_silenced():  # while the actors start
                first = next(blocks, None)
            for block in chain([first] if first is not None else [], blocks):
                if "shard" not in block.column_names:
                    yield from block.to_pylist()
                    continue
                for shard in block.column("shard").to_pylist():
                    yield from self._read_shard(Path(shard))
                    Path(shard).unlink()  # once its last article is committed
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 — a Ray failure is reported, not traced
            raise EngineError(f"the Ray run failed: {_reason(exc)}") from exc

    @staticmethod
    def _read_shard(path: Path) -> list[dict]:
        if not path.exists():
            raise EngineError(f"a Ray worker wrote {path} on another machine: on a cluster, "
                              "put the DuckDB file in a folder every node shares, or use "
                              "--db postgresql://…")
        try:
            return pq.read_table(path).to_pylist()
        except (OSError, pa.ArrowException) as exc:
            raise EngineError(f"cannot read the results in {path} ({exc}); delete that file "
                              "and its articles will be processed again") from exc

    def _leftovers(self) -> Results:
        """Results of an earlier run killed before it merged them."""
        if self.shard_dir is None or not self.shard_dir.is_dir():
            return
        for partial in self.shard_dir.glob("*.partial"):
            partial.unlink()  # cut short by the kill: those articles are processed again
        for path in sorted(self.shard_dir.glob("*.parquet")):
            for record in self._read_shard(path):
                article = from_record(record["article"])
                yield [Outcome(article, record["error"])], [(article, None)]
            path.unlink()
