"""`ingest --engine ray` on a real local Ray (2 CPUs): the same store as `--engine local`.

Each Ray run starts a local Ray instance in the `eventscribe` process (10-20 s), so
these tests run the command line itself, as a user would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventscribe import __version__
from eventscribe.batch import IngestOptions, Ingestion
from eventscribe.ingest import read_sources
from eventscribe.progress import Progress
from eventscribe.scaleout import Worker, from_record, shard_dir_for, to_record
from eventscribe.schema import Article
from eventscribe.store import open_store

PUB_DATE = "2024-03-12"
SAMPLES = sorted((Path(__file__).parents[1] / "samples" / "fr").glob("*.txt"))[:4]
RAY = ["--engine", "ray", "--workers", "2", "--batch-size", "2"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Four articles and two inputs that are no article."""
    folder = tmp_path_factory.mktemp("in")
    for path in SAMPLES:
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "noise.bin").write_bytes(bytes(range(256)) * 20)
    return folder


def _contents(db: str) -> dict:
    """Everything a run stores, in a form that does not depend on the backend."""
    with open_store(db) as store:
        ids = [row[0] for row in store._run("SELECT id FROM articles ORDER BY id").fetchall()]
        return {"articles": {i: (store.article(i), store.article_status(i)) for i in ids},
                "events": {e.id: e for e in store.query_events()},
                "failures": sorted((Path(f.source).name, f.reason, f.article_id)
                                   for f in store.failed())}


@pytest.fixture(scope="module")
def reference(inputs, pipeline, tmp_path_factory) -> dict:
    """What the local engine stores for the same inputs."""
    db = str(tmp_path_factory.mktemp("local") / "events.duckdb")
    with open(os.devnull, "w") as devnull, open_store(db) as store:
        options = IngestOptions(batch_size=2, pub_date=PUB_DATE)
        Ingestion(store, options, Progress(devnull, quiet=True), pipeline=pipeline).run(
            [str(inputs)])
    contents = _contents(db)
    assert len(contents["articles"]) == len(SAMPLES) and contents["events"]
    return contents


def _ingest(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "eventscribe", "ingest", *args],
                          capture_output=True, text=True, timeout=600)
    return done, time.perf_counter() - started


def test_ray_stores_what_the_local_engine_stores_and_a_rerun_adds_nothing(
        db, inputs, reference):
    first, seconds = _ingest(str(inputs), "--db", db, *RAY, "--date", PUB_DATE)
    if "cannot start or reach a local Ray" in first.stderr:
        pytest.skip(f"Ray cannot start here: {first.stderr.strip()}")
    assert first.returncode == 1, first.stderr  # two inputs skipped, each said with its reason
    assert "empty.txt: empty file" in first.stderr and "noise.bin" in first.stderr
    assert f"{len(SAMPLES)} articles stored" in first.stderr
    assert "Traceback" not in first.stderr and first.stdout == ""
    assert _contents(db) == reference  # the same rows and the same event ids
    shards = shard_dir_for(db)
    assert shards is None or not shards.exists()  # every shard merged, the folder gone

    again, rerun_seconds = _ingest(str(inputs), "--db", db, *RAY, "--date", PUB_DATE)
    assert again.returncode == 1, again.stderr
    assert "0 articles stored" in again.stderr
    assert f"{len(SAMPLES)} already stored" in again.stderr
    assert _contents(db) == reference
    backend = "postgres" if db.startswith("postgresql") else "duckdb"
    print(f"--engine ray ({backend}): {seconds:.1f} s, rerun {rerun_seconds:.1f} s")


def test_results_left_by_a_killed_run_are_merged_not_computed_again(inputs, tmp_path):
    db = str(tmp_path / "events.duckdb")
    articles = [a for a in read_sources([str(inputs)]) if isinstance(a, Article)]
    # The shard a Ray worker writes, made by the worker class itself, with another
    # date than the run's: its articles must be stored with that date, untouched.
    shards = shard_dir_for(db)
    shards.mkdir()
    worker = Worker(IngestOptions(pub_date="2024-01-01"), str(shards), __version__)
    worker(pa.table({"key": list(range(len(articles))),
                     "article": [to_record(a) for a in articles]}))
    (shard,) = shards.glob("*.parquet")
    computed = {e.id for r in pq.read_table(shard).column("article").to_pylist()
                for e in from_record(r).events}
    (shards / "cut-short.partial").write_bytes(b"PAR1")  # a shard the kill interrupted

    done, seconds = _ingest(str(inputs), "--db", db, *RAY, "--date", PUB_DATE)
    assert done.returncode == 1, done.stderr
    assert f"{len(SAMPLES)} articles stored" in done.stderr
    assert f"{len(SAMPLES)} already stored" in done.stderr  # read again: nothing left to do
    assert not shards.exists()
    with open_store(db) as store:
        assert {store.article(a.id).pub_date for a in articles} == {"2024-01-01"}
        assert {e.id for e in store.query_events()} == computed != set()
    assert seconds < 30  # nothing was pending, so Ray was not even started


def test_an_unreachable_cluster_is_said_in_one_line(inputs, tmp_path):
    db = str(tmp_path / "events.duckdb")
    done, seconds = _ingest(str(inputs), "--db", db, "--engine", "ray",
                            "--address", "127.0.0.1:1")
    assert done.returncode == 2
    assert "cannot reach the Ray cluster at 127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr
    assert seconds < 60  # not ray.init's quarter of an hour of retries
    done, _ = _ingest(str(inputs), "--db", db, "--address", "auto")
    assert done.returncode == 2 and "--address needs --engine ray" in done.stderr
