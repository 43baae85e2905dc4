"""Deduplication upkeep: how long the store takes to cluster N events in full, then to
bring its clusters up to date after a few new mentions (store/clusters.py).

The events are query_latency.py's synthetic ones (same generator), loaded into a
DuckDB file with one article row per synthetic article. Then, each timed apart:

* a full build (`cluster_events(force=True)`): every mention read and swept;
* 20 new mentions of the latest days (a feed's new articles): the sweep resumes
  from the clusters still open on their first day;
* 20 new mentions dated a year before the end (a backfill): the sweep resumes from
  there, so the cost grows with the events dated after it.

Reports; never fails on a timing.

    python benchmarks/cluster_update.py [--events N] [--json] [--write-docs]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import duckdb

from _common import logger, machine_lines, run_benchmark, table
from query_latency import World, load_duckdb, write_parquet

NEW_MENTIONS = 20
_ARTICLES = """INSERT INTO articles (id, url, outlet, text, content_hash, status, updated_at, pub_date)
SELECT article_id, 'https://bench.test/' || article_id, 'outlet-' || (hash(article_id) % 50),
       '', article_id, 'ok', now(), min("date")
FROM events GROUP BY article_id"""


def _add_mentions(db: Path, tag: str, order: str) -> None:
    """NEW_MENTIONS copies of existing events under a new article, as an ingestion adds them."""
    with duckdb.connect(str(db)) as conn:
        conn.execute("INSERT INTO articles (id, url, outlet, text, content_hash, status, updated_at)"
                     " VALUES (?, ?, 'outlet-new', '', ?, 'ok', now())",
                     [f"new-{tag}", f"https://bench.test/new-{tag}", f"new-{tag}"])
        conn.execute(f"INSERT INTO events SELECT * REPLACE ('{tag}-' || id AS id, "
                     f"'new-{tag}' AS article_id) FROM (SELECT * FROM events "
                     f'WHERE "date" IS NOT NULL {order} LIMIT {NEW_MENTIONS})')


def _timed_clustering(db: Path, force: bool = False) -> dict:
    from eventscribe.store import open_store

    with open_store(str(db)) as store:
        started = time.perf_counter()
        clusters = store.cluster_events(force=force)
        return {"seconds": round(time.perf_counter() - started, 2), "clusters": clusters,
                "mentions": store.counts()["events"]}


def measure(count: int, workdir: Path, log) -> dict:
    parquet, db = workdir / "events.parquet", workdir / "events.duckdb"
    log(f"generating {count:,} events…")
    write_parquet(World(random.Random(4)), count, parquet, 4)
    load_duckdb(parquet, db)
    with duckdb.connect(str(db)) as conn:
        conn.execute(_ARTICLES)
        (days,) = conn.execute('SELECT max("date") - min("date") FROM events').fetchone()
    log("clustering in full…")
    report = {"events": count, "span_days": days, "full": _timed_clustering(db, force=True)}
    log("20 new mentions of the latest days…")
    _add_mentions(db, "latest", 'ORDER BY "date" DESC')
    report["latest"] = _timed_clustering(db)
    log("20 new mentions a year back…")
    with duckdb.connect(str(db)) as conn:
        (year_back,) = conn.execute(
            """SELECT max("date") - INTERVAL 365 DAY FROM events""").fetchone()
    _add_mentions(db, "backfill", f"AND \"date\" >= DATE '{year_back:%Y-%m-%d}' ORDER BY \"date\"")
    report["backfill"] = _timed_clustering(db)
    report["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return report


def render(report: dict) -> str:
    rows = [
        ["full build (`cluster_events(force=True)`)", report["full"]["mentions"],
         report["full"]["clusters"], report["full"]["seconds"]],
        [f"{NEW_MENTIONS} new mentions of the latest days", report["latest"]["mentions"],
         report["latest"]["clusters"], report["latest"]["seconds"]],
        [f"{NEW_MENTIONS} new mentions dated a year before the end", report["backfill"]["mentions"],
         report["backfill"]["clusters"], report["backfill"]["seconds"]],
    ]
    lines = ["## Deduplication upkeep", "",
             *machine_lines(report["machine"], report["load_average_at_end"]),
             f"* Scale: {report['events']:,} synthetic events (query benchmark's generator) "
             f"over {report['span_days']} days; peak memory {report['peak_mib']} MiB",
             f"* Wall time of the whole benchmark: {report['benchmark_wall_s']:.0f} s", "",
             table(["clustering", "mentions", "clusters", "seconds"], rows), "",
             "After a full build the store resumes the sweep from the first day that changed "
             "(docs/DEDUPLICATION.md): new articles of the latest days cost little; an old "
             "article costs as much as the events dated after it."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--write-docs", action="store_true",
                        help="replace the deduplication section of docs/PERFORMANCE.md")
    args = parser.parse_args()
    log = logger("cluster bench")
    return run_benchmark("dedup", lambda workdir: measure(args.events, workdir, log), render,
                         args.json, args.write_docs)

if __name__ == "__main__":
    sys.exit(main())
