"""Progress of a long ingestion: a live line on a terminal, log lines elsewhere.

Someone watching a terminal wants one line that updates (articles/s, events,
errors, time left); a log file or CI wants a plain line every N articles that it
can grep. Both read the same counters, which also make the closing summary.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO

_REDRAW_SECONDS = 0.2


@dataclass
class Counts:
    stored: int = 0      # articles processed and stored with status ok
    events: int = 0
    failed: int = 0      # articles the pipeline could not process (recorded, retryable)
    skipped: int = 0     # inputs that are no article (empty, binary, unreadable…)
    unchanged: int = 0   # already stored with the same text: not processed again
    held: int = 0        # stored as failed earlier and left alone (no --retry-failed)

    @property
    def processed(self) -> int:
        return self.stored + self.failed

    @property
    def errors(self) -> int:
        return self.failed + self.skipped


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counters plus their display; `total_bytes` (the inputs' size) enables the ETA."""

    def __init__(self, stream: TextIO = sys.stderr, *, total_bytes: int | None = None,
                 log_every: int = 100, interactive: bool | None = None, quiet: bool = False):
        self.counts = Counts()
        self.stream = stream
        self.total_bytes = total_bytes or None
        self.done_bytes = 0
        self.log_every = max(1, log_every)
        self.interactive = stream.isatty() if interactive is None else interactive
        self.quiet = quiet
        self.started = time.perf_counter()
        self._drawn_at = 0.0
        self._line_open = False
        # The ETA is measured from the first article on: loading the models is no rate.
        self._eta_origin: tuple[float, int] | None = None

    # -- events --------------------------------------------------------------------
    def stored(self, events: int, done_bytes: int | None = None) -> None:
        self.counts.stored += 1
        self.counts.events += events
        self._advance(done_bytes)

    def failed(self, source: str, reason: str, done_bytes: int | None = None) -> None:
        self.counts.failed += 1
        self.message(f"failed {source}: {reason}")
        self._advance(done_bytes)

    def skipped(self, source: str, reason: str) -> None:
        self.counts.skipped += 1
        self.message(f"skipped {source}: {reason}")

    def unchanged(self) -> None:
        self.counts.unchanged += 1
        self._draw()

    def held(self) -> None:
        self.counts.held += 1

    # -- display -------------------------------------------------------------------
    def message(self, text: str) -> None:
        """A line that stays (an error), printed above the live line."""
        if self.quiet:
            return
        self._clear()
        print(f"eventscribe: {text}", file=self.stream, flush=True)
        self._drawn_at = 0.0

    def status(self) -> str:
        c = self.counts
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        parts = [f"{c.processed} articles", f"{c.processed / elapsed:.1f}/s", f"{c.events} events",
                 f"{c.errors} errors"]
        if c.unchanged:
            parts.append(f"{c.unchanged} already stored")
        if self.total_bytes and self._eta_origin and self.done_bytes > self._eta_origin[1]:
            since, start_bytes = self._eta_origin
            rate = (self.done_bytes - start_bytes) / max(time.perf_counter() - since, 1e-9)
            parts.append(f"ETA {_duration(max(self.total_bytes - self.done_bytes, 0) / rate)}")
        return ", ".join(parts)

    def finish(self, target: str) -> None:
        if self.quiet:
            return
        self._clear()
        c = self.counts
        line = (f"eventscribe: {c.stored} articles stored ({c.events} events), {c.failed} failed, "
                f"{c.skipped} inputs skipped, {c.unchanged} already stored "
                f"in {time.perf_counter() - self.started:.1f} s → {target}")
        print(line, file=self.stream, flush=True)
        if c.held:
            print(f"eventscribe: {c.held} articles failed in an earlier run and were left alone "
                  "(--retry-failed processes them again)", file=self.stream, flush=True)

    def _advance(self, done_bytes: int | None) -> None:
        if done_bytes is not None:
            self.done_bytes = done_bytes
            if self._eta_origin is None:
                self._eta_origin = (time.perf_counter(), done_bytes)
        if not self.interactive and not self.quiet and self.counts.processed % self.log_every == 0:
            print(f"eventscribe: {self.status()}", file=self.stream, flush=True)
        self._draw()

    def _draw(self) -> None:
        if self.quiet or not self.interactive:
            return
        now = time.perf_counter()
        if now - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = now
        self.stream.write("\r\x1b[K" + self.status()[: 200])
        self.stream.flush()
        self._line_open = True

    def _clear(self) -> None:
        if self._line_open:
            self.stream.write("\r\x1b[K")
            self._line_open = False
