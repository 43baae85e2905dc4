"""What the benchmarks share: the machine and run description, /proc memory readings,
percentiles, and docs/PERFORMANCE.md, where each benchmark owns one section."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_MD = ROOT / "docs" / "PERFORMANCE.md"
MIB = 1024 * 1024

_HEADER = """# Performance

Written by `make bench` (`benchmarks/ingest_throughput.py --write-docs` and
`benchmarks/query_latency.py --write-docs`); each section is replaced by the run of its
benchmark, so the two sections may come from different runs: each says its machine,
commit, scale and load. Benchmarks report and never fail on a timing. The goals are
issue 4's. MiB = 2^20 bytes; memory is the kernel's high-water mark of resident memory
(VmHWM) of each process.
"""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _ram_gib() -> float | None:
    try:
        match = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    except OSError:
        return None
    return round(int(match.group(1)) / MIB, 1) if match else None


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    try:
        sha = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{sha}{' + uncommitted changes' if dirty else ''}" if sha else "unknown"


def load_average() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def machine() -> dict:
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "ram_gib": _ram_gib(),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": _commit(), "load_average_at_start": load_average()}


def machine_lines(info: dict, load_at_end: list[float]) -> list[str]:
    return [
        f"* Machine: {info['cores']} cores, {info['cpu']}, {info['ram_gib']} GiB RAM",
        f"* Run: {info['date']}, commit {info['commit']}",
        f"* Load average (1, 5, 15 min) at start {_loads(info['load_average_at_start'])}, "
        f"at end {_loads(load_at_end)} (other work on the machine slows every figure)",
    ]


def _loads(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values) or "unknown"


# -- memory --------------------------------------------------------------------------
def proc_status(pid: int | str) -> dict[str, int]:
    """The kB fields of /proc/PID/status (VmHWM, VmRSS…); empty once the process is gone."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[key] = int(value.split()[0])
    except (OSError, ValueError):
        return {}
    return fields


def children_of(pid: int) -> list[int]:
    """Direct children (scanning /proc: psutil is not a dependency)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # the command name may hold spaces or parentheses: fields start after the last ')'
        fields = text[text.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return ""


def self_peak_mib() -> float:
    return proc_status("self").get("VmHWM", 0) / 1024


# -- figures -------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: with 50 samples, p95 is the 48th smallest (2 are above it)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table, which also reads well on a terminal."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


SECTIONS = {"ingest": "## Ingestion throughput", "query": "## Query latency",
            "dedup": "## Deduplication upkeep"}


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def write_section(name: str, markdown: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace this benchmark's section of PERFORMANCE.md, keeping the others."""
    begin, end = _markers(name)
    block = f"{begin}\n{markdown.strip()}\n{end}"
    if path.exists():
        text = path.read_text()
    else:  # every section in a fixed order, whichever benchmark runs first
        text = _HEADER + "".join(f"\n{_markers(n)[0]}\n{title}\n\nNot measured yet.\n"
                                 f"{_markers(n)[1]}\n" for n, title in SECTIONS.items())
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def logger(name: str):
    """A function printing timestamped progress lines of one benchmark on stderr."""
    import sys
    import time

    def log(message: str) -> None:
        print(f"[{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
    return log


def run_benchmark(section: str, measure, render, as_json: bool = False,
                  write_docs: bool = False) -> int:
    """A benchmark's run around its `measure(workdir) -> report` and `render(report)`:
    a temporary folder, the machine and its load, the wall time, the report printed (as
    JSON or Markdown) and, on request, written into its section of PERFORMANCE.md."""
    import json
    import shutil
    import tempfile
    import time

    info = machine()
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="eventscribe-bench-"))
    try:
        report = measure(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report.update(machine=info, load_average_at_end=load_average(),
                  benchmark_wall_s=round(time.perf_counter() - started, 1))
    text = render(report)
    print(json.dumps(report, ensure_ascii=False, indent=1, default=str) if as_json else text)
    if write_docs:
        write_section(section, text)
    return 0
