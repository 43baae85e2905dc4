"""Batch ingestion: sources → pipeline (in one or N processes, or on Ray) → store, resumable.

The parent process reads the inputs lazily, asks the store which articles it
already has, and hands the others in batches to an engine: this process
(`InProcess`), worker processes (`ProcessPool`), each of which builds one Pipeline
(the models load once per worker), or a Ray cluster (`scaleout.RayEngine`). Engines
only compute; the parent is the single writer, storing each batch of articles with
their events in one transaction. Hence:

* crash safety: a `kill -9` loses at most the articles not yet committed, and a
  rerun skips the committed ones (stable ids, idempotent saves): nothing twice;
* bounded memory: at most 2 × workers batches are in flight, whatever the input
  size (Pool.imap would read the whole input ahead);
* a worker that dies (out of memory, a crash in a native library) fails its batch,
  which is recorded and retried with `--retry-failed`, and a fresh pool goes on.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Protocol

from .ingest import expand_paths, read_sources
from .pipeline import Pipeline
from .progress import Progress
from .schema import Article, Skipped
from .store import Store, StoredArticle
from .store.sql import content_hash

# Articles read ahead and looked up in the store with one statement.
_LOOKUP_BATCH = 64


@dataclass
class IngestOptions:
    workers: int = 1
    batch_size: int = 16
    retry_failed: bool = False
    reprocess: bool = False  # every stored article again, from the store's text
    lang: str | None = None
    pub_date: str | None = None


@dataclass
class Outcome:
    """A processed article, or the reason it could not be processed."""

    article: Article
    error: str | None = None


# -- worker side ----------------------------------------------------------------------
_PIPELINE: Pipeline | None = None


def _init_worker(lang: str | None) -> None:
    global _PIPELINE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _PIPELINE = Pipeline(lang=lang)


def _work(articles: list[Article], pub_date: str | None) -> list[Outcome]:
    assert _PIPELINE is not None, "worker used without its initializer"
    return process_batch(_PIPELINE, articles, pub_date)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _safely(pipeline: Pipeline, articles: list[Article], pub_date: str | None
            ) -> list[Article | Skipped]:
    """The batch at full speed; when it raises, each article alone, to blame only one."""
    try:
        return list(pipeline.process(articles, pub_date=pub_date))
    except Exception as exc:  # noqa: BLE001 — one bad article must not stop the batch
        if len(articles) == 1:
            article = articles[0]
            return [Skipped(article.source or article.id, _reason(exc), article.id)]
        return [result for article in articles for result in _safely(pipeline, [article], pub_date)]


def process_batch(pipeline: Pipeline, articles: list[Article], pub_date: str | None
                  ) -> list[Outcome]:
    results = _safely(pipeline, articles, pub_date)
    return [Outcome(article, result.reason if isinstance(result, Skipped) else None)
            for article, result in zip(articles, results)]


# -- engines: how batches are processed --------------------------------------------------
Pending = tuple[Article, int | None]  # an article and the input bytes read before its file
Results = Generator[tuple[list[Outcome], list[Pending]], None, None]


class EngineError(RuntimeError):
    """An engine cannot run at all (its message says why, for the user)."""


class Engine(Protocol):
    def run(self, batches: Iterator[list[Pending]]) -> Results:
        """Each batch's outcomes with the batch (or part of it), in any grouping.

        Batches are pulled lazily, so that what is stored meanwhile is skipped."""


class InProcess:
    def __init__(self, options: IngestOptions, pipeline: Pipeline | None = None):
        self.options = options
        self.pipeline = pipeline

    def run(self, batches: Iterator[list[Pending]]) -> Results:
        pipeline = self.pipeline or Pipeline(lang=self.options.lang)
        for batch in batches:
            yield process_batch(pipeline, [a for a, _ in batch], self.options.pub_date), batch


class ProcessPool:
    """Spawned worker processes; a dead worker fails its batch and a fresh pool goes on."""

    def __init__(self, options: IngestOptions):
        self.options = options

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.options.workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.options.lang,))

    def run(self, batches: Iterator[list[Pending]]) -> Results:
        pool = self._new_pool()
        window: deque[tuple[Future, list[Pending]]] = deque()
        try:
            for batch in batches:
                articles = [a for a, _ in batch]
                try:
                    future = pool.submit(_work, articles, self.options.pub_date)
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._new_pool()
                    future = pool.submit(_work, articles, self.options.pub_date)
                window.append((future, batch))
                while len(window) >= 2 * self.options.workers:
                    yield self._collect(*window.popleft())
            while window:
                yield self._collect(*window.popleft())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _collect(future: Future, batch: list[Pending]) -> tuple[list[Outcome], list[Pending]]:
        try:
            outcomes = future.result()
        except BrokenProcessPool as exc:
            reason = f"worker process died while processing this batch ({exc})"
            outcomes = [Outcome(article, reason) for article, _ in batch]
        return outcomes, batch


# -- parent side ----------------------------------------------------------------------
def input_size(paths: Iterable[str]) -> int | None:
    """The inputs' total size, for the ETA; None when one is stdin or unreadable."""
    total = 0
    for path in expand_paths(paths):
        if isinstance(path, str):  # "-": stdin has no size
            return None
        try:
            total += path.stat().st_size
        except OSError:
            return None
    return total


class Ingestion:
    """One run of `eventscribe ingest` over a store."""

    def __init__(self, store: Store, options: IngestOptions, progress: Progress,
                 pipeline: Pipeline | None = None, engine: Engine | None = None):
        self.store = store
        self.options = options
        self.progress = progress
        if engine is None:
            engine = (ProcessPool(options) if options.workers > 1
                      else InProcess(options, pipeline))
        self.engine = engine
        self._retried: set[str] = set()
        # Texts read and sent for processing but not stored yet: a twin read meanwhile
        # (the same text under another URL) is skipped here, not stored twice. Bounded
        # by the batches in flight.
        self._in_flight: set[str] = set()

    def run(self, paths: Iterable[str]) -> None:
        results = self.engine.run(self._batches(self._pending(list(paths))))
        try:
            for outcomes, batch in results:
                self._write(outcomes, batch)
        finally:
            results.close()  # now, not when the traceback dies: workers stop with the run

    # -- reading -------------------------------------------------------------------
    def _pending(self, paths: list[str]) -> Iterator[Pending]:
        """Articles to process: failed ones first with --retry-failed, every stored one with
        --reprocess, then new or changed."""
        again: list[str] = []
        if self.options.retry_failed:  # oldest failure first
            again.extend(f.article_id for f in self.store.failed() if f.article_id)
        if self.options.reprocess:
            again.extend(self.store.article_ids("ok"))
        for article_id in dict.fromkeys(again):
            article = self.store.article(article_id)
            if article is not None:
                self._retried.add(article.id)
                yield article, None
        done_bytes = 0
        for path in expand_paths(paths):
            read: list[Article] = []  # looked up in the store together, not one by one
            for item in read_sources([str(path)]):
                if isinstance(item, Skipped):
                    self.store.record_failure(item.source, item.reason, item.article_id)
                    self.progress.skipped(item.source, item.reason)
                    continue
                read.append(item)
                if len(read) >= _LOOKUP_BATCH:
                    yield from ((article, done_bytes) for article in self._wanted(read))
                    read = []
            yield from ((article, done_bytes) for article in self._wanted(read))
            if isinstance(path, Path) and path.is_file():
                done_bytes += path.stat().st_size

    def _wanted(self, articles: list[Article]) -> Iterator[Article]:
        for article, stored in zip(articles, self.store.find_articles(articles)):
            digest = content_hash(article.text)
            if digest in self._in_flight:
                self.progress.unchanged()  # its twin (same text, another input) is on its way
            elif self._wanted_by_store(article, digest, stored):
                self._in_flight.add(digest)
                yield article

    def _wanted_by_store(self, article: Article, digest: str, stored: StoredArticle | None) -> bool:
        if stored is None:
            return True
        article.id = stored.id  # matched by URL or text: events must carry the row's id
        if stored.content_hash != digest:
            return True  # the article changed: its events will be replaced
        if article.id in self._retried:
            return False  # processed again from the store already in this run
        if stored.status == "ok":
            self.progress.unchanged()
            return False
        if not self.options.retry_failed:
            self.progress.held()
            return False
        return True

    def _batches(self, pending: Iterator[Pending]) -> Iterator[list[Pending]]:
        while batch := list(islice(pending, self.options.batch_size)):
            yield batch

    # -- writing (the parent is the only writer) ---------------------------------------
    def _write(self, outcomes: list[Outcome], batch: list[Pending]) -> None:
        # One transaction per batch: a commit costs more than an article's rows, and a
        # batch lost to a kill is simply processed again by the next run.
        written = self.store.save_processed([(o.article, o.error) for o in outcomes])
        done = [(outcome, events, done_bytes) for outcome, (_, events), (_, done_bytes)
                in zip(outcomes, written, batch)]
        # Stored: from now on the store, not this set, knows these texts.
        self._in_flight.difference_update(content_hash(a.text) for a, _ in batch)
        for outcome, events, done_bytes in done:  # counted once committed
            if outcome.error is None:
                self.progress.stored(events, done_bytes)
            else:
                article = outcome.article
                self.progress.failed(article.source or article.id, outcome.error, done_bytes)
