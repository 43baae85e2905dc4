"""The store, on a real DuckDB file and a real PostgreSQL server: the same behaviour.

Every behavioural test runs on both backends. The PostgreSQL server is the Debian
package's, started for the session in a temporary folder on a free port
(.ci/install-postgres.sh installs it); set EVENTSCRIBE_TEST_POSTGRES to a
postgresql:// URL (a role that may create databases) to use a server of your own.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventscribe.batch import IngestOptions, Ingestion
from eventscribe.ingest import article_from_text, read_sources
from eventscribe.pipeline import Pipeline
from eventscribe.progress import Progress
from eventscribe.schema import Article
from eventscribe.store import Store, open_store
from eventscribe.store.migrations import LATEST, MIGRATIONS

PUB_DATE = "2024-03-12"
CITIES = ["Gao", "Mopti", "Kidal", "Niamey", "Tombouctou", "Ségou", "Sikasso", "Kayes",
          "Tessalit", "Dori"]
TEMPLATES = [
    "Attaque à {city}\n\nDes jihadistes ont attaqué mardi un poste de l'armée malienne à "
    "{city}, selon une source sécuritaire.",
    "Manifestation à {city}\n\nLa police a dispersé mercredi des manifestants qui protestaient "
    "contre la vie chère à {city}.",
    "Visite à {city}\n\nLe Premier ministre malien s'est rendu jeudi à {city} pour rencontrer "
    "les chefs traditionnels.",
]


def _texts() -> list[str]:
    return [t.format(city=c) for c in CITIES for t in TEMPLATES]


def _processed(pipeline: Pipeline, text: str, url: str | None = None) -> Article:
    title, _, body = text.partition("\n\n")
    article = article_from_text(body, title=title, url=url, source="test")
    (result,) = pipeline.process([article], pub_date=PUB_DATE)
    assert isinstance(result, Article) and result.events, text
    return result


def _save(store, article: Article) -> str:
    with store.transaction():
        row = store.save_article(article, "ok")
        store.save_events(row, article.events)
    return row


def _event_ids(store) -> list[str]:
    return [e.id for e in store.query_events()]


# -- the store ------------------------------------------------------------------------------
def test_schema_is_versioned_and_migrating_twice_changes_nothing(db):
    with open_store(db) as store:
        assert isinstance(store, Store)
        assert store.migrate() == LATEST
        assert store.counts() == {"articles": 0, "events": 0, "failures": 0, "event_clusters": 0}
        names = ("SELECT index_name FROM duckdb_indexes()" if store.dialect == "duckdb"
                 else "SELECT indexname FROM pg_indexes")
        indexes = {row[0] for row in store._run(names).fetchall()}
    assert {"events_event", "events_date", "events_actor", "events_country",
            "articles_url"} <= indexes
    with open_store(db) as store:
        assert store.migrate() == LATEST
        assert store._run("SELECT version FROM schema_version ORDER BY version").fetchall() == [
            (m.version,) for m in MIGRATIONS]


def test_saving_twice_changes_nothing(db, pipeline):
    articles = [_processed(pipeline, text) for text in _texts()[:3]]
    with open_store(db) as store:
        for article in articles:
            _save(store, article)
        first = store.counts()
        for article in articles:
            _save(store, article)
            assert store.article_status(article) == "ok"
        assert store.counts() == first
        assert first["articles"] == 3 and first["events"] == sum(len(a.events) for a in articles)
        # The same text, spaced differently, found at a URL: the same row, unchanged.
        again = article_from_text(articles[0].text.replace(" ", "  "),
                                  url="https://example.org/copie")
        assert again.id != articles[0].id and store.article_status(again) == "ok"
        assert store.save_article(again, "ok") == articles[0].id
        assert store.counts() == first and store.article(articles[0].id).url is None
        assert store.article_status(articles[0].id) == "ok"
        assert store.article_status("https://example.org/copie") is None
    with open_store(db) as store:  # and it is all still there once reopened
        assert store.counts() == first
        stored = store.article(articles[1].id)
        assert stored.text == articles[1].text and stored.pub_date == PUB_DATE


def test_a_batch_is_stored_as_article_by_article(db, pipeline):
    """save_processed (new articles in bulk, the rest one by one) leaves the store as
    save_article + save_events would, and find_articles finds what find_article finds."""
    articles = [_processed(pipeline, text) for text in _texts()[:6]]
    changed = _processed(pipeline, _texts()[7], url="https://example.org/changed")
    with open_store(db) as store:
        _save(store, articles[0])  # known already
        store.record_failure("test", "was broken", articles[1].id)  # failed before
        _save(store, _processed(pipeline, _texts()[6], url="https://example.org/changed"))
        same_url = article_from_text(articles[3].text + " Suite.", url="https://x.example/dup")
        articles[2].url = "https://x.example/dup"  # two new articles sharing a URL
        batch = [(a, None) for a in articles] + [(changed, None), (same_url, "no text")]
        before = store.find_articles([a for a, _ in batch])
        assert before == [store.find_article(a) for a, _ in batch]
        assert before[0] is not None and before[1] is None and before[6] is not None
        written = store.save_processed(batch)
        assert [w[1] for w in written[:7]] == [len(a.events) for a in articles] + [
            len(changed.events)]
        assert written[7] == (articles[2].id, None)  # the second of the URL: an update
        assert store.counts()["articles"] == 7 and not [
            f for f in store.failed() if f.article_id == articles[1].id]
        assert store.find_articles([a for a, _ in batch]) == [
            store.find_article(a) for a, _ in batch]
        stored_ids = set(_event_ids(store))
        assert stored_ids == {e.id for a in articles if a is not articles[2] for e in a.events} \
            | {e.id for e in changed.events}
        assert store.article_status(articles[2]) == "changed"  # overwritten as failed text
        assert store.save_processed([]) == []


def test_one_text_under_two_urls_in_one_run_is_stored_once(db, pipeline, tmp_path):
    texts = _texts()[:2]
    lines = [{"url": "https://one.example/a", "text": texts[0], "date": PUB_DATE},
             {"url": "https://two.example/a-copy", "text": texts[0], "date": PUB_DATE},
             {"url": "https://one.example/b", "text": texts[1], "date": PUB_DATE}]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    progress = Progress(io.StringIO(), quiet=True)
    with open_store(db) as store:
        Ingestion(store, IngestOptions(batch_size=16), progress, pipeline).run([str(feed)])
        assert store.counts()["articles"] == 2
        assert progress.counts.stored == 2 and progress.counts.unchanged == 1


def test_reprocess_replaces_every_stored_articles_events(db, pipeline, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"text": t, "date": PUB_DATE}) for t in _texts()[:3])
                    + "\n", encoding="utf-8")
    with open_store(db) as store:
        Ingestion(store, IngestOptions(), Progress(io.StringIO(), quiet=True), pipeline).run(
            [str(feed)])
        clusters, ids = store.cluster_events(), set(_event_ids(store))
        first = store.counts()
        stale = store.article_ids("ok")[0]
        store.save_events(stale, [])  # as if an older version had found nothing there
        assert store.cluster_events() < clusters  # the clusters follow the events
        progress = Progress(io.StringIO(), quiet=True)
        Ingestion(store, IngestOptions(reprocess=True), progress, pipeline).run([str(feed)])
        assert progress.counts.stored == 3 and progress.counts.unchanged == 0
        assert store.cluster_events() == clusters
        assert store.counts() == first and set(_event_ids(store)) == ids


def test_changed_text_replaces_the_events(db, pipeline):
    url = "https://example.org/2024/03/12/mali-gao"
    before = _processed(pipeline, _texts()[0], url=url)
    after = _processed(pipeline, _texts()[4], url=url)  # another story at the same URL
    assert before.id == after.id
    with open_store(db) as store:
        _save(store, before)
        old_ids = set(_event_ids(store))
        assert store.article_status(after) == "changed"
        _save(store, after)
        assert store.counts()["articles"] == 1
        assert set(_event_ids(store)) == {e.id for e in after.events}
        assert not old_ids & {e.id for e in after.events}
        assert store.article(after.id).text == after.text
        assert store.article_status(after) == "ok"


def test_queries_rebuild_the_records(db, pipeline):
    articles = [_processed(pipeline, text) for text in _texts()[:12]]
    events = {e.id: e for a in articles for e in a.events}
    with open_store(db) as store:
        for article in articles:
            _save(store, article)
        assert {e.id: e for e in store.query_events()} == events  # the same dataclasses

        def ids(**filters):
            return {e.id for e in store.query_events(**filters)}

        assert ids(type="assault") == {i for i, e in events.items() if e.event == "ASSAULT"}
        niger = {i for i, e in events.items() if e.event_loc and e.event_loc.country_code == "NER"}
        assert niger and ids(country="NE") == niger == ids(country="NER")
        assert ids(actor="NER") == {i for i, e in events.items()
                                    if e.actor and e.actor.code == "NER"}
        assert ids(since="2024-03-12") == {i for i, e in events.items()
                                           if e.date and e.date >= "2024-03-12"}
        assert ids(until="2024-03-06") == {i for i, e in events.items()
                                           if e.date and e.date <= "2024-03-06"}
        near_gao = ids(near=(16.27, -0.04, 50))
        assert near_gao and all(events[i].event_loc.resolved_place == "Gao" for i in near_gao)
        assert ids(text="vie CHÈRE", type="PROTEST") == {
            i for i, e in events.items() if e.event == "PROTEST" and "vie chère" in e.text_info.sentence}
        assert ids(type="ASSAULT", country="ML", since="2024-03-01", until="2024-03-31")
        assert len(list(store.query_events(limit=3))) == 3
        with pytest.raises(ValueError):
            list(store.query_events(since="mardi"))


class FlakyPipeline:
    """The real pipeline, except that it breaks on articles that mention a 'panne'."""

    def __init__(self, real: Pipeline):
        self.real, self.broken = real, True

    def process(self, articles, pub_date=None):
        if self.broken and any("panne" in a.text for a in articles):
            raise RuntimeError("panne simulée")
        return self.real.process(articles, pub_date=pub_date)


def test_failures_are_recorded_and_retried(db, pipeline, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for number, text in enumerate(_texts()[:3]):
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    (folder / "3.txt").write_text("Panne à Gao\n\nUne panne a privé Gao d'électricité mardi "
                                  "et la police a arrêté deux voleurs de câbles.", encoding="utf-8")
    (folder / "4.txt").write_text("", encoding="utf-8")
    flaky = FlakyPipeline(pipeline)

    def ingest(retry: bool) -> Progress:
        progress = Progress(open(os.devnull, "w"), quiet=True)
        options = IngestOptions(batch_size=4, retry_failed=retry, pub_date=PUB_DATE)
        with open_store(db) as store:
            Ingestion(store, options, progress, pipeline=flaky).run([str(folder)])
        return progress

    first = ingest(retry=False).counts
    assert (first.stored, first.failed, first.skipped) == (3, 1, 1)
    with open_store(db) as store:
        failures = {Path(f.source).name: f for f in store.failed()}
        assert set(failures) == {"3.txt", "4.txt"}
        assert "panne simulée" in failures["3.txt"].reason and failures["3.txt"].article_id
        assert "empty" in failures["4.txt"].reason and failures["4.txt"].article_id is None
        assert store.article_status(failures["3.txt"].article_id) == "failed"
    again = ingest(retry=False).counts  # failed articles are left alone unless asked
    assert (again.stored, again.failed, again.unchanged, again.held) == (0, 0, 3, 1)
    flaky.broken = False
    retried = ingest(retry=True).counts
    assert (retried.stored, retried.failed, retried.unchanged) == (1, 0, 3)
    with open_store(db) as store:
        assert store.article_status(failures["3.txt"].article_id) == "ok"
        assert [Path(f.source).name for f in store.failed()] == ["4.txt"]
        assert store.failed()[0].attempts == 3
        assert any(e.event == "COERCE" for e in store.query_events(text="voleurs"))


# -- the command line -------------------------------------------------------------------------
def _cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "eventscribe", "ingest", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_kill_9_then_rerun_loses_nothing_and_duplicates_nothing(db, pipeline, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for number, text in enumerate(_texts()):
        (folder / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    expected = {e.id for a in pipeline.process(read_sources([str(folder)]), pub_date=PUB_DATE)
                for e in a.events}
    args = [str(folder), "--db", db, "--workers", "2", "--batch-size", "2", "--log-every", "1",
            "--date", PUB_DATE]
    started = time.perf_counter()
    first = _cli(*args, start_new_session=True)
    committed = 0
    for line in first.stderr:  # a progress line is printed once an article is committed
        if " articles, " in line:
            committed = int(line.split("eventscribe: ")[1].split(" ")[0])
            if committed >= 3:
                break
    first.kill()  # SIGKILL to the writer, whatever it is doing
    first.wait()
    time.sleep(0.5)
    try:
        os.killpg(first.pid, signal.SIGKILL)  # and its workers, if any is left
    except ProcessLookupError:
        pass
    assert committed >= 3, "the first run committed nothing before it was killed"
    with open_store(db) as store:
        survived = store.counts()
    assert committed <= survived["articles"] < 30

    second = _cli(*args)
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert f"{survived['articles']} already stored" in err
    with open_store(db) as store:
        counts = store.counts()
        ids = _event_ids(store)
        rows = store._run("SELECT count(*), count(DISTINCT id), count(DISTINCT content_hash) "
                          "FROM articles").fetchone()
    assert counts["articles"] == 30 and tuple(rows) == (30, 30, 30)
    assert len(ids) == len(set(ids)) == counts["events"]
    assert set(ids) == expected
    backend = "postgres" if db.startswith("postgresql") else "duckdb"
    print(f"kill -9 and rerun ({backend}): {time.perf_counter() - started:.1f} s")


def test_cli_exit_codes(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(_texts()[0], encoding="utf-8")
    (folder / "b.txt").write_text("", encoding="utf-8")
    done = _cli(str(folder), "--db", db, "--date", PUB_DATE)
    _, err = done.communicate(timeout=600)
    assert done.returncode == 1, err  # an input was skipped, and it says which and why
    assert "b.txt: empty file" in err and "1 articles stored" in err
    assert _cli("--db", db).wait(timeout=60) == 2  # no PATH
    assert _cli(str(folder), "--workers", "0").wait(timeout=60) == 2
    with open_store(db) as store:
        assert store.counts()["articles"] == 1
        assert [f.reason for f in store.failed()] == ["empty file"]


# -- pieces ------------------------------------------------------------------------------------
def test_record_fields_added_later_become_columns():
    from eventscribe.output.flatten import EVENT_COLUMNS
    from eventscribe.store.migrations import missing_event_columns, sql_type

    assert [sql_type(c) for c in ("date", "event_loc_lat", "actor_start", "context", "mode")] == [
        "DATE", "DOUBLE PRECISION", "BIGINT", "TEXT", "TEXT"]
    assert missing_event_columns("events", set(EVENT_COLUMNS)) == []
    assert missing_event_columns("event_clusters", set(EVENT_COLUMNS) - {"confidence"}) == [
        'ALTER TABLE event_clusters ADD COLUMN "confidence" DOUBLE PRECISION']


def test_progress_is_a_live_line_on_a_terminal_and_log_lines_elsewhere():
    live = io.StringIO()
    progress = Progress(live, total_bytes=1000, interactive=True)
    progress.stored(3, done_bytes=0)
    time.sleep(0.25)
    progress.stored(2, done_bytes=500)
    progress.failed("x.txt", "panne")
    progress.finish("events.duckdb")
    text = live.getvalue()
    assert text.startswith("\r\x1b[K1 articles, ") and "5 events, 0 errors" in text
    assert "ETA 0:00" in text and "\r\x1b[Keventscribe: failed x.txt: panne\n" in text
    assert text.endswith("2 articles stored (5 events), 1 failed, 0 inputs skipped, "
                         f"0 already stored in {text.rsplit(' in ', 1)[1].split(' ')[0]} s "
                         "→ events.duckdb\n")
    logged = io.StringIO()
    progress = Progress(logged, log_every=2, interactive=False)
    for _ in range(5):
        progress.stored(1)
    lines = logged.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("eventscribe: 4 articles, ")
    assert "\r" not in logged.getvalue()
