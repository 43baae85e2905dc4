"""Ingestion throughput: `eventscribe ingest` end to end next to bare spaCy `nlp.pipe`
on the same texts, the same cores and in the same run (issue 4).

The corpus is the 75 French Wikinews articles and the 249 English Guardian articles
of $EVENTSCRIBE_SHARED/data (read in place, never copied), replicated to --articles
(default 2,000). Every replica gets its own id, URL and a " [copy N]" suffix:
the store recognises an article by its text too, and would skip exact twins.

* eventscribe: the real command, `eventscribe ingest FILE.jsonl --db NEW.duckdb
  --workers N --quiet`, as a subprocess, so the figure is what a user waits for
  (interpreter start, model loading, language detection, our components, the store's
  writes). Its startup is timed apart on a 2-article run (one per language).
* bare spaCy: the same texts, as the pipeline reads them back from the same file, cut
  by the same `chunk_text`, through each language's own model with `nlp.pipe`
  (the batch size of the pipeline's `parse_texts`) in 1 and in 2 spawned processes
  (interleaved halves), timed from the moment every process has loaded its models.

The figure that counts is the ratio of words per second: eventscribe end to end
(startup included) ÷ bare spaCy parsing (loading excluded), the strictest reading of
"≥ 80% of bare spaCy's throughput". Reports; never fails on a timing.

    python benchmarks/ingest_throughput.py [--articles N] [--json] [--write-docs]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import resource
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from _common import (children_of, cmdline, load_average, logger, machine_lines, proc_status,
                     run_benchmark, self_peak_mib, table, verdict)

GOAL_RATIO = 0.80
GOAL_WORKER_MIB = 1.5 * 1024
POLL_S = 0.2


@dataclass
class Source:
    corpus: str
    key: str
    title: str | None
    text: str
    date: str | None


# -- the corpus ----------------------------------------------------------------------
def wikinews(folder: Path) -> list[Source]:
    from eventscribe.ingest import read_sources
    from eventscribe.schema import Article

    return [Source("wikinews-fr", Path(a.source or a.id).stem, a.title, a.text, a.pub_date)
            for a in read_sources([str(folder)]) if isinstance(a, Article)]


def guardian(archive: Path) -> list[Source]:
    csv.field_size_limit(sys.maxsize)
    found = []
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            if not name.endswith(".csv"):
                continue
            with zipped.open(name) as raw:
                for number, row in enumerate(csv.DictReader(io.TextIOWrapper(raw, "utf-8"))):
                    if (row.get("text") or "").strip():
                        found.append(Source("guardian-sdf-en", row.get("") or str(number), None,
                                            row["text"], (row.get("date") or "")[:10] or None))
    return found


def load_corpus(data: Path) -> tuple[list[Source], list[str]]:
    sources, missing = [], []
    folder = data / "wikinews-fr" / "documents"
    if folder.is_dir():
        sources += wikinews(folder)
    else:
        missing.append(str(folder))
    archives = sorted((data / "guardian-sdf-en").glob("*.zip")) if (
        data / "guardian-sdf-en").is_dir() else []
    if archives:
        for archive in archives:
            sources += guardian(archive)
    else:
        missing.append(str(data / "guardian-sdf-en" / "*.zip"))
    return sources, missing


def replicas(base: list[Source], count: int) -> list[dict]:
    """`count` JSON-lines records cycling over the base articles, each one distinct."""
    records = []
    for index in range(count):
        source, copy = base[index % len(base)], index // len(base)
        records.append({"id": f"bench-{source.corpus}-{source.key}-{copy}",
                        "url": f"https://bench.invalid/{source.corpus}/{source.key}/copy-{copy}",
                        "title": source.title, "date": source.date,
                        "text": f"{source.text} [copy {copy}]"})
    return records


def write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# -- eventscribe, end to end -------------------------------------------------------------
def eventscribe_command() -> list[str]:
    script = Path(sys.executable).with_name("eventscribe")
    return [str(script)] if script.exists() else [sys.executable, "-m", "eventscribe.cli"]


class PeakWatcher(threading.Thread):
    """The high-water mark of resident memory of a process and of its children.

    VmHWM is the kernel's own peak, so sampling only risks missing growth in the
    last POLL_S before a process ends."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.roles: dict[int, str] = {pid: "main"}
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    def find_children(self) -> None:
        for pid in children_of(self.pid):
            if pid not in self.roles:
                # multiprocessing's resource tracker is bookkeeping, not a worker
                self.roles[pid] = "other" if "resource_tracker" in cmdline(pid) else "worker"

    def run(self) -> None:
        rounds = 0
        while not self.done.is_set():
            if rounds % 5 == 0:  # scanning /proc costs more than reading a few status files
                self.find_children()
            for pid in self.roles:
                hwm = proc_status(pid).get("VmHWM")
                if hwm is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)
            rounds += 1
            self.done.wait(POLL_S)

    def mib(self, role: str) -> list[float]:
        return [round(kb / 1024) for pid, kb in self.peaks.items() if self.roles[pid] == role]


def children_cpu_s() -> float:
    """CPU seconds of every ended, waited-for descendant (workers included: their
    parent waits for them). Less sensitive than wall time to other work on the machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ingest(jsonl: Path, db: Path, workers: int) -> dict:
    command = [*eventscribe_command(), "ingest", str(jsonl), "--db", str(db),
               "--workers", str(workers), "--quiet"]
    cpu, load = children_cpu_s(), load_average()[:1]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    watcher = PeakWatcher(process.pid)
    watcher.start()
    _out, err = process.communicate()
    wall = time.perf_counter() - started
    watcher.done.set()
    watcher.join()
    result = {"workers": workers, "wall_s": round(wall, 2),
              "cpu_s": round(children_cpu_s() - cpu, 2), "exit_code": process.returncode,
              "main_peak_mib": max(watcher.mib("main"), default=None),
              "worker_peaks_mib": watcher.mib("worker"), "load": load + load_average()[:1]}
    if process.returncode:
        result["stderr_tail"] = err.strip()[-500:]
    result.update(stored(db))
    return result


def stored(db: Path) -> dict:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        articles, ok = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'ok') FROM articles").fetchone()
        events, record_bytes = conn.execute(
            "SELECT count(*), avg(strlen(record::VARCHAR)) FROM events").fetchone()
    return {"articles_stored": articles, "articles_ok": ok, "events_stored": events,
            "mean_record_bytes": round(record_bytes) if record_bytes else None}


# -- bare spaCy ---------------------------------------------------------------------------
def _bare_worker(texts_by_lang: dict[str, list[str]], barrier, results, compiled: bool) -> None:
    # Runs in a spawned process; imports here keep the parent free of models.
    import inspect

    import spacy

    from eventscribe.language import get_profile
    from eventscribe.nlp import chunk_text, parse_texts
    from eventscribe.nlp.compiled import compile_rules

    # the pipeline's own batch size, so that the twin follows it if it changes
    batch_size = inspect.signature(parse_texts).parameters["batch_size"].default
    models = {lang: spacy.load(get_profile(lang).spacy_model) for lang in texts_by_lang}
    if compiled:  # the models as eventscribe runs them: the same annotations, faster
        for nlp in models.values():
            compile_rules(nlp)
    barrier.wait()
    started, cpu = time.perf_counter(), time.process_time()
    paragraphs = 0
    for lang, texts in texts_by_lang.items():
        chunks = [chunk for text in texts for chunk in chunk_text(text)]
        paragraphs += len(chunks)
        for _doc in models[lang].pipe(chunks, batch_size=batch_size):
            pass
    results.put({"parse_s": time.perf_counter() - started,
                 "parse_cpu_s": time.process_time() - cpu, "paragraphs": paragraphs,
                 "batch_size": batch_size,
                 "peak_mib": round(self_peak_mib())})


def run_bare(texts: list[tuple[str, str]], processes: int, compiled: bool = False) -> dict:
    """nlp.pipe over the texts split in `processes` interleaved shares, in parallel
    (`compiled`: with the rule-based steps compiled, as eventscribe runs the models)."""
    context = multiprocessing.get_context("spawn")  # as eventscribe's workers
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    shares = []
    for share in range(processes):
        by_lang: dict[str, list[str]] = {}
        for lang, text in texts[share::processes]:
            by_lang.setdefault(lang, []).append(text)
        shares.append(by_lang)
    cpu, load = children_cpu_s(), load_average()[:1]
    started = time.perf_counter()
    workers = [context.Process(target=_bare_worker, args=(share, barrier, results, compiled))
               for share in shares]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=900)  # every model loaded: parsing starts now everywhere
    ready = time.perf_counter()
    outcomes = [results.get(timeout=7200) for _ in workers]
    finished = time.perf_counter()
    for worker in workers:
        worker.join()
    return {"processes": processes, "startup_s": round(ready - started, 2),
            "parse_s": round(finished - ready, 2), "wall_s": round(finished - started, 2),
            "parse_cpu_s": round(sum(o["parse_cpu_s"] for o in outcomes), 2),
            "cpu_s": round(children_cpu_s() - cpu, 2),
            "paragraphs": sum(o["paragraphs"] for o in outcomes),
            "batch_size": outcomes[0]["batch_size"],
            "load": load + load_average()[:1],
            "peaks_mib": [o["peak_mib"] for o in outcomes]}


# -- the run ------------------------------------------------------------------------------
def measure(count: int, data: Path, workdir: Path, log) -> dict:
    from eventscribe.ingest import read_sources
    from eventscribe.language import detect_language
    from eventscribe.pipeline import DEFAULT_LANGUAGE
    from eventscribe.schema import Article
    from eventscribe.store.sql import content_hash

    base, missing = load_corpus(data)
    if not base:
        return {"skipped": f"no corpus found ({', '.join(missing)}; set EVENTSCRIBE_SHARED)"}
    records = replicas(base, count)
    jsonl = workdir / "articles.jsonl"
    write_jsonl(jsonl, records)
    # The texts exactly as eventscribe reads them back (normalised), in its language choice.
    articles = [a for a in read_sources([str(jsonl)]) if isinstance(a, Article)]
    texts = [(a.language or detect_language(a.text) or DEFAULT_LANGUAGE, a.text)
             for a in articles]
    words = sum(len(text.split()) for _, text in texts)
    langs = sorted({lang for lang, _ in texts})
    corpus = {
        "base_articles": {c: sum(s.corpus == c for s in base) for c in
                          sorted({s.corpus for s in base})},
        "missing": missing, "articles": len(articles), "words": words,
        "articles_by_language": {lang: sum(t[0] == lang for t in texts) for lang in langs},
        "words_by_language": {lang: sum(len(text.split()) for of, text in texts if of == lang)
                              for lang in langs},
        "distinct_texts": len({content_hash(a.text) for a in articles}),
    }
    log(f"corpus: {len(articles)} articles, {words:,} words, "
        f"{corpus['articles_by_language']}")

    by_id = {record["id"]: record for record in records}
    first_of = {}
    for article, (lang, _) in zip(articles, texts):
        record = by_id[article.id]
        first_of.setdefault(lang, dict(record, id=record["id"] + "-startup",
                                       url=record["url"] + "-startup"))
    startup_file = workdir / "startup.jsonl"
    write_jsonl(startup_file, list(first_of.values()))
    log("eventscribe startup (one article per language)…")
    startup = run_ingest(startup_file, workdir / "startup.duckdb", 1)

    report = {"corpus": corpus, "startup": startup, "eventscribe": [], "bare_spacy": [],
              "bare_compiled": []}
    for n in (1, 2):  # each eventscribe figure next to its twins, so load drifts hit all
        log(f"eventscribe ingest --workers {n}…")
        report["eventscribe"].append(run_ingest(jsonl, workdir / f"workers{n}.duckdb", n))
        log(f"bare spaCy, {n} process(es)…")
        report["bare_spacy"].append(run_bare(texts, n))
        log(f"bare spaCy with compiled rules, {n} process(es)…")
        report["bare_compiled"].append(run_bare(texts, n, compiled=True))
    return report


def derive(report: dict) -> None:
    """Rates, ratios and goal verdicts from the timings."""
    articles, words = report["corpus"]["articles"], report["corpus"]["words"]
    startup = report["startup"]["wall_s"]
    for bare in report["bare_spacy"] + report["bare_compiled"]:
        bare["articles_per_s"] = round(articles / bare["parse_s"], 2)
        bare["words_per_s"] = round(words / bare["parse_s"])
        bare["words_per_s_with_startup"] = round(words / bare["wall_s"])
    for ours, bare in zip(report["eventscribe"], report["bare_spacy"]):
        ours["articles_per_s"] = round(articles / ours["wall_s"], 2)
        ours["words_per_s"] = round(words / ours["wall_s"])
        steady = ours["wall_s"] - startup
        # meaningless when the run is hardly longer than the startup it subtracts
        ours["words_per_s_after_startup"] = round(words / steady) if steady > startup else None
        ours["ratio"] = round(ours["words_per_s"] / bare["words_per_s"], 3)
        ours["ratio_after_startup"] = (None if ours["words_per_s_after_startup"] is None else
                                       round(ours["words_per_s_after_startup"]
                                             / bare["words_per_s"], 3))
        ours["ratio_both_with_startup"] = round(ours["words_per_s"]
                                                / bare["words_per_s_with_startup"], 3)
        ours["cpu_ratio"] = round(bare["parse_cpu_s"] / ours["cpu_s"], 3)
        peaks = ours["worker_peaks_mib"] or ([ours["main_peak_mib"]] if ours["workers"] == 1
                                             else [])
        ours["peak_per_worker_mib"] = max(peaks, default=None)
        ours["goal_ratio_met"] = ours["ratio"] >= GOAL_RATIO
        ours["goal_memory_met"] = (None if ours["peak_per_worker_mib"] is None
                                   else ours["peak_per_worker_mib"] <= GOAL_WORKER_MIB)
        ours["complete"] = ours["exit_code"] == 0 and ours["articles_ok"] == articles
    for ours, compiled in zip(report["eventscribe"], report["bare_compiled"]):
        # our own work's cost: against spaCy running the same (compiled) models
        ours["ratio_to_compiled"] = round(ours["words_per_s"] / compiled["words_per_s"], 3)


def _load(run: dict) -> str:
    return " → ".join(f"{v:.2f}" for v in run.get("load", [])) or "?"


def _ratio(value: float | None) -> str:
    return "n/a (run too short)" if value is None else f"{value:.2f}"


def _bare_row(label: str, bare: dict) -> list[str]:
    return [label, f"{bare['parse_s']:.1f}", f"{bare['articles_per_s']:.2f}",
            f"{bare['words_per_s']:,}", f"{bare['parse_cpu_s']:.0f}",
            f"{max(bare['peaks_mib'])}", "", "", _load(bare)]


def render(report: dict) -> str:
    corpus = report["corpus"]
    lines = ["## Ingestion throughput", ""]
    if "skipped" in report:
        return "\n".join(lines + [f"Skipped: {report['skipped']}"])
    lines += machine_lines(report["machine"], report["load_average_at_end"])
    full = corpus["articles"] >= 2000
    base = " + ".join(f"{n} {name}" for name, n in corpus["base_articles"].items())
    by_lang = ", ".join(f"{n:,} {lang} ({corpus['words_by_language'][lang]:,} words)"
                        for lang, n in corpus["articles_by_language"].items())
    lines += [
        f"* Scale: {corpus['articles']:,} articles, {corpus['words']:,} words"
        f"{'' if full else ' (scaled down: issue 4 asks ≥ 2,000 articles)'}: the {base} "
        f"articles replicated; {by_lang}; {corpus['distinct_texts']:,} distinct texts"
        + (f"; missing: {', '.join(corpus['missing'])}" if corpus["missing"] else ""),
        f"* Wall time of the whole benchmark: {report['benchmark_wall_s']:.0f} s",
        "",
        "eventscribe = `eventscribe ingest FILE.jsonl --db NEW.duckdb --workers N --quiet`, timed "
        "from the command's start to its exit (startup, models, pipeline, store writes). "
        "Bare spaCy = each language's model, `nlp.pipe` over the same paragraphs (batch "
        f"{report['bare_spacy'][0].get('batch_size', '?')}, the pipeline's), in N spawned "
        "processes, timed once every process has loaded its models: the stock models, "
        "as `spacy.load` gives them. Ratio = eventscribe words/s ÷ bare spaCy words/s. "
        "eventscribe runs the same models with their attribute ruler and lemmatizer "
        "compiled (`eventscribe.nlp.compiled`: the same annotations, checked token by "
        "token in the tests); the third line of each pair times bare spaCy with those "
        "compiled models, so that the two effects can be told apart.",
        "",
    ]
    rows = []
    for ours, bare, compiled in zip(report["eventscribe"], report["bare_spacy"],
                                    report["bare_compiled"]):
        n = ours["workers"]
        rows.append([f"eventscribe, {n} worker{'s' * (n > 1)}", f"{ours['wall_s']:.1f}",
                     f"{ours['articles_per_s']:.2f}", f"{ours['words_per_s']:,}",
                     f"{ours['cpu_s']:.0f}",
                     f"{ours['peak_per_worker_mib']}" + (
                         f" (main {ours['main_peak_mib']})" if n > 1 else ""),
                     f"**{ours['ratio']:.2f}**", f"{ours['cpu_ratio']:.2f}", _load(ours)])
        processes = f"{n} process{'es' * (n > 1)}"
        rows.append(_bare_row(f"bare spaCy, {processes}", bare))
        rows.append(_bare_row(f"bare spaCy with compiled rules, {processes}", compiled))
    lines += [table(["run", "time (s)", "articles/s", "words/s", "CPU s",
                     "peak MiB per worker", "ratio", "CPU ratio", "load before → after"],
                    rows), ""]
    lines += ["CPU ratio = bare spaCy's CPU seconds ÷ eventscribe's (all its processes, "
              "startup included): the share of eventscribe's work that is spaCy's parsing, "
              "which other work on the machine disturbs less than wall time. Load = the "
              "1-minute load average before and after each run; the run's own busy processes "
              "count in the second figure (about 1 per process), anything above is other work.",
              ""]
    startup = report["startup"]
    lines += [
        f"* eventscribe startup (a 2-article run, one per language: interpreter, imports, "
        f"both models, gazetteer and knowledge base, store): {startup['wall_s']:.1f} s; "
        f"bare spaCy model loading: {report['bare_spacy'][0]['startup_s']:.1f} s "
        f"(1 process), {report['bare_spacy'][1]['startup_s']:.1f} s (2 processes).",
    ]
    for ours, bare in zip(report["eventscribe"], report["bare_spacy"]):
        lines.append(
            f"* {ours['workers']} worker{'s' * (ours['workers'] > 1)}: ratio "
            f"{ours['ratio']:.2f} end to end; "
            f"{_ratio(ours['ratio_after_startup'])} with eventscribe's startup taken out; "
            f"{ours['ratio_both_with_startup']:.2f} with both sides' startup counted"
            f"; {ours['ratio_to_compiled']:.2f} against spaCy running the compiled models "
            f"(the cost of eventscribe's own work). "
            f"{ours['articles_ok']:,}/{corpus['articles']:,} articles stored, "
            f"{ours['events_stored']:,} events (mean record {ours['mean_record_bytes']} bytes)"
            f"{'' if ours['complete'] else ' — INCOMPLETE, exit ' + str(ours['exit_code'])}.")
    lines += ["", "Goals (issue 4):", ""]
    goal_rows = []
    for ours in report["eventscribe"]:
        n = ours["workers"]
        workers = f"{n} worker{'s' * (n > 1)}"
        goal_rows.append([f"end-to-end throughput ≥ 80% of bare spaCy ({workers})",
                          f"{ours['ratio'] * 100:.0f}%", verdict(ours["goal_ratio_met"])])
        goal_rows.append([f"≤ 1.5 GiB peak memory per worker ({workers})",
                          f"{ours['peak_per_worker_mib']} MiB", verdict(ours["goal_memory_met"])])
    lines.append(table(["goal", "measured", "met"], goal_rows))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000,
                        help="articles to ingest, replicating the corpus (default 2000)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--write-docs", action="store_true",
                        help="replace the ingestion section of docs/PERFORMANCE.md")
    args = parser.parse_args()

    from eventscribe.settings import shared_dir

    log = logger("ingest bench")
    load = load_average()
    if load and load[0] >= 1.0:
        log(f"load average {load[0]:.2f}: other work will slow every figure")

    def run(workdir: Path) -> dict:
        report = measure(max(1, args.articles), shared_dir() / "data", workdir, log)
        if "skipped" not in report:
            derive(report)
        return report

    return run_benchmark("ingest", run, render, args.json, args.write_docs)

if __name__ == "__main__":
    sys.exit(main())
