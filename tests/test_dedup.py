"""Deduplication: the rule on hand-made mentions, then clusters and queries in real stores."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from eventscribe.dedup import DedupRule, Mention, best_mention, cluster, party_of
from eventscribe.ingest import article_from_text
from eventscribe.store import open_store
from eventscribe.store.migrations import LATEST

GAO = (16.27, -0.04)
ANSONGO = (15.66, 0.50)  # ~90 km from Gao
BOUREM = (16.95, -0.35)  # ~80 km from Gao


def mention(id, day, actor=None, recipient=None, place=GAO, resolution="city", event="ASSAULT",
            article=None, country="MLI", outlet=None, confidence=0.5):
    lat, lon = place if place else (None, None)
    return Mention(id, article or f"article-{id}", event, actor, recipient,
                   country if place else None, lat, lon, resolution if place else None,
                   dt.date(2024, 3, day), confidence, outlet, dt.date(2024, 3, day))


def ids(groups):
    return sorted(sorted(m.id for m in g) for g in groups)


# -- the rule -----------------------------------------------------------------------------------
def test_two_outlets_telling_one_attack_make_one_event():
    groups = cluster([mention("a", 12, "MLI/REB", "MLI/MIL", outlet="rfi.fr"),
                      mention("b", 13, None, "MLI/MIL", outlet="lemonde.fr")])
    assert ids(groups) == [["a", "b"]]


def test_places_too_far_apart_or_other_types_stay_apart():
    assert ids(cluster([mention("a", 12), mention("b", 12, place=ANSONGO)])) == [["a"], ["b"]]
    assert ids(cluster([mention("a", 12), mention("b", 12, event="PROTEST")])) == [["a"], ["b"]]
    wider = DedupRule(max_km=100)
    assert ids(cluster([mention("a", 12), mention("b", 12, place=ANSONGO)], wider)) == [["a", "b"]]


def test_conflicting_actors_stay_apart_but_the_state_is_one_party():
    assert ids(cluster([mention("a", 12, "MLI/REB"), mention("b", 12, "FRA/MIL")])) == [["a"], ["b"]]
    assert ids(cluster([mention("a", 12, "MLI/CVL"), mention("b", 12, "MLI/REB")])) == [["a"], ["b"]]
    assert ids(cluster([mention("a", 12, "SYR/GOV"), mention("b", 12, "SYR/MIL")])) == [["a", "b"]]
    assert party_of("SYR/COP") == party_of("SYR/GOV") == "SYR/STATE"
    assert party_of("SYR") == "SYR" and party_of(None) is None


def test_mutual_events_match_either_way_round():
    a = mention("a", 12, "FRA/GOV", "MLI/GOV", event="CONSULT", place=None)
    b = mention("b", 12, "MLI/GOV", "FRA/GOV", event="CONSULT", place=None)
    assert ids(cluster([a, b])) == [["a", "b"]]
    c = mention("c", 12, "MLI/GOV", "FRA/GOV", event="ACCUSE", place=None)
    d = mention("d", 12, "FRA/GOV", "MLI/GOV", event="ACCUSE", place=None)
    assert ids(cluster([c, d])) == [["c"], ["d"]]


def test_the_window_counts_from_the_first_mention_so_a_daily_series_does_not_chain():
    series = [mention(f"d{day}", day, "MLI/REB", "MLI/MIL") for day in (10, 11, 12, 13, 14)]
    assert ids(cluster(series)) == [["d10", "d11", "d12"], ["d13", "d14"]]


def test_without_a_precise_place_the_whole_dyad_or_the_same_article_must_tie_them():
    vague = dict(place=(17.57, -3.99), resolution="country")  # Mali's centroid
    # "militants attacked" in two articles, in Mali, the same day: not enough to merge
    assert ids(cluster([mention("a", 12, "MLI/REB", **vague),
                        mention("b", 12, "MLI/REB", **vague)])) == [["a"], ["b"]]
    assert ids(cluster([mention("a", 12, "MLI/REB", "MLI/MIL", **vague),
                        mention("b", 12, "MLI/REB", "MLI/MIL", **vague)])) == [["a", "b"]]
    assert ids(cluster([mention("a", 12, "MLI/REB", article="x", **vague),
                        mention("b", 12, None, article="x", **vague)])) == [["a", "b"]]


def test_the_result_does_not_depend_on_the_input_order_and_undated_mentions_stay_alone():
    ms = [mention("a", 12, "MLI/REB"), mention("b", 13), mention("c", 12, place=BOUREM),
          mention("d", 20, "MLI/REB")]
    undated = Mention("u", "article-u", "ASSAULT", None, None, None, None, None, None, None, 0.5)
    assert ids(cluster(ms + [undated])) == ids(cluster(list(reversed(ms)) + [undated]))
    assert ["u"] in ids(cluster(ms + [undated]))


def test_the_best_mention_is_the_most_confident_then_the_most_complete():
    members = [mention("a", 12, confidence=0.4, actor="MLI/REB", recipient="MLI/MIL"),
               mention("b", 12, confidence=0.6), mention("c", 12, confidence=0.6, actor="MLI/REB")]
    assert best_mention(members).id == "c"


# -- in the store ----------------------------------------------------------------------------
TWO_OUTLETS = [
    ("https://example-one.test/gao", "Attaque à Gao\n\nDes jihadistes ont attaqué mardi un camp "
     "de l'armée malienne à Gao, selon une source sécuritaire."),
    ("https://example-two.test/mali-gao", "Mali : un camp militaire visé\n\nUn camp de l'armée "
     "malienne a été attaqué mardi par des jihadistes à Gao, dans le nord du pays."),
    ("https://example-two.test/bamako", "Manifestation à Bamako\n\nLa police a dispersé mercredi "
     "des manifestants qui protestaient contre la vie chère à Bamako."),
]


@pytest.fixture(scope="module")
def processed(pipeline):
    articles = [article_from_text(text, url=url, pub_date="2024-03-13", date_source="input")
                for url, text in TWO_OUTLETS]
    return list(pipeline.process(articles))


def _store_with(db, articles):
    store = open_store(db)
    for article in articles:
        with store.transaction():
            row = store.save_article(article, "ok")
            store.save_events(row, article.events)
    return store


def test_clusters_are_stored_queried_and_rebuilt_only_when_the_articles_change(db, processed):
    with _store_with(db, processed) as store:
        assert store.cluster_events() < store.counts()["events"]
        attacks = [c for c in store.query_clusters(type="ASSAULT") if c.cluster.mentions > 1]
        assert len(attacks) == 1
        attack = attacks[0]
        assert attack.cluster.sources == 2 and attack.cluster.date_first == "2024-03-12"
        assert attack.cluster.first_reported == "2024-03-13"
        mentions = [store.event(i) for i in attack.cluster.event_ids]
        assert {m.article_id for m in mentions} == {a.id for a in processed[:2]}
        assert store.cluster(attack.id) == attack
        # the cluster's record is one of its mentions', with the cluster's id
        assert attack.text_info in [m.text_info for m in mentions]
        # nothing changed: the clusters are kept as they are
        before = list(store.query_clusters())
        assert store.cluster_events() == len(before)
        assert list(store.query_clusters()) == before
        # filters read the clusters' columns as they read the mentions'
        assert [c.id for c in store.query_clusters(country="ML", since="2024-03-12",
                                                   until="2024-03-12", type="ASSAULT")] == [attack.id]
        assert list(store.query_clusters(near=(12.65, -8.0, 30), type="ASSAULT")) == []


def test_cursor_pages_cover_everything_once_and_aggregates_count(db, processed):
    with _store_with(db, processed) as store:
        store.cluster_events()
        everything = [e.id for e in store.query_events()]
        pages, after = [], None
        while True:
            page = list(store.query_events(limit=2, after=after))
            if not page:
                break
            pages.extend(e.id for e in page)
            after = store.cursor_of(page[-1])
        assert pages == everything
        by_type = dict(store.aggregate("event", clusters=False))
        assert sum(by_type.values()) == len([e for e in everything])
        assert dict(store.aggregate("country"))["MLI"] == store.counts()["event_clusters"] - sum(
            1 for c in store.query_clusters() if c.event_loc is None
            or c.event_loc.country_code != "MLI")
        days = store.aggregate("day", type="ASSAULT")
        assert days and all(len(day) == 10 for day, _ in days)
        with pytest.raises(ValueError):
            store.aggregate("colour")


def test_an_article_keeps_its_quotes_and_its_events_in_text_order(db, pipeline):
    quoted = article_from_text("Déclaration\n\n« Nous ne céderons pas », a déclaré mardi le "
                               "ministre malien de la Défense à Bamako.", pub_date="2024-03-13")
    article = next(iter(pipeline.process([quoted])))
    with _store_with(db, [article]) as store:
        stored = store.article(article.id)
        assert [q.text for q in stored.quotes] == [q.text for q in article.quotes]
        assert stored.quotes and stored.text[stored.quotes[0].start:stored.quotes[0].end] \
            == stored.quotes[0].text
        events = store.events_of(article.id)
        assert [e.text_info.trigger_start for e in events] == sorted(
            e.text_info.trigger_start for e in events)


def test_a_version_1_database_is_upgraded_in_place(tmp_path):
    import duckdb

    from eventscribe.store.migrations import MIGRATIONS, SCHEMA_VERSION_TABLE

    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(SCHEMA_VERSION_TABLE)
    for statement in MIGRATIONS[0].sql("duckdb"):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, 'v1', now())")
    conn.close()
    with open_store(str(path)) as store:
        assert store.schema_version() == LATEST
        assert store.counts()["event_clusters"] == 0
        assert store.article("nothing") is None


# -- the command ------------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventscribe", *args], capture_output=True,
                          text=True, timeout=300)


def test_events_command_reads_clusters_by_default_and_mentions_on_request(tmp_path):
    db = str(tmp_path / "events.duckdb")
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps({"url": url, "text": text.split("\n\n", 1)[1],
                         "title": text.split("\n\n", 1)[0], "date": "2024-03-13"})
             for url, text in TWO_OUTLETS]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest = _cli("ingest", str(folder), "--db", db, "--quiet")
    assert ingest.returncode == 0, ingest.stderr
    clusters = _cli("events", "--db", db, "--format", "jsonl")
    mentions = _cli("events", "--db", db, "--mentions", "--format", "jsonl")
    assert clusters.returncode == mentions.returncode == 0
    cluster_records = [json.loads(line) for line in clusters.stdout.splitlines()]
    mention_records = [json.loads(line) for line in mentions.stdout.splitlines()]
    assert len(cluster_records) < len(mention_records)
    assert all(r["cluster"]["mentions"] >= 1 for r in cluster_records)
    assert all(r["cluster"] is None for r in mention_records)
    assessed = _cli("events", "--db", db, "--type", "assault", "--country", "ML",
                    "--near", "16.27,-0.04,50", "--text", "camp", "--format", "acled-csv")
    assert assessed.returncode == 0, assessed.stderr
    rows = assessed.stdout.splitlines()
    assert rows[0].startswith("event_date,event_type") and len(rows) == 2
    assert "Gao" in rows[1]
    out = tmp_path / "events.parquet"
    parquet = _cli("events", "--db", db, "--format", "parquet", "--output", str(out))
    assert parquet.returncode == 0 and out.stat().st_size > 0
    geojson = _cli("events", "--db", db, "--mentions", "--format", "geojson")
    assert json.loads(geojson.stdout)["type"] == "FeatureCollection"
    bad = _cli("events", "--db", db, "--near", "north")
    assert bad.returncode == 2 and "LAT,LON,KM" in bad.stderr


# -- from the first day changed ------------------------------------------------------------------
def _random_mentions(rng, count, first_id=0):
    places = [GAO, ANSONGO, BOUREM, None]
    return [mention(f"m{first_id + i}", rng.randint(1, 28), actor=rng.choice([None, "MLI", "REB"]),
                    recipient=rng.choice([None, "CVL", "MLI"]), place=rng.choice(places),
                    event=rng.choice(["ASSAULT", "PROTEST"]), article=f"a{rng.randint(0, 40)}")
            for i in range(count)]


@pytest.mark.parametrize("seed", range(12))
def test_resuming_the_sweep_from_a_day_gives_the_full_clustering(seed):
    import random

    rng = random.Random(seed)
    before = _random_mentions(rng, 120)
    added = _random_mentions(rng, 15, first_id=1000)
    rule = DedupRule()
    first = min(m.day for m in added)
    cut = first - dt.timedelta(days=rule.max_days)
    earlier = cluster(before, rule)
    # what the store keeps: clusters open on `first` (members before it) to resume
    resumed = [[m for m in g if m.day < first] for g in earlier if min(m.day for m in g) >= cut]
    resumed = [g for g in resumed if g]
    kept = [g for g in earlier if min(m.day for m in g) < cut]
    swept = [m for m in before + added if m.day >= first]
    assert ids(kept + cluster(swept, rule, resumed=resumed)) == ids(cluster(before + added, rule))


def test_the_store_brings_its_clusters_up_to_date_as_a_rebuild_would(db, pipeline):
    texts = [
        ("https://a.test/1", "2024-03-05", "Des jihadistes ont attaqué lundi un camp de l'armée à Gao."),
        ("https://b.test/1", "2024-03-05", "Un camp militaire a été attaqué lundi par des jihadistes à Gao."),
        ("https://a.test/2", "2024-03-09", "La police a dispersé vendredi des manifestants à Bamako."),
        ("https://b.test/2", "2024-03-12", "Des hommes armés ont tué mardi trois civils près de Mopti."),
        ("https://c.test/1", "2024-03-13", "L'armée malienne a arrêté mercredi dix suspects à Ségou."),
        ("https://c.test/2", "2024-03-06", "Des manifestants ont bloqué mardi les routes de Kayes."),
        ("https://d.test/1", "2024-03-12", "Trois civils ont été tués mardi par des hommes armés à Mopti."),
    ]
    articles = [article_from_text(t, url=u, pub_date=d, date_source="input") for u, d, t in texts]
    processed = list(pipeline.process(articles))
    changed = next(pipeline.process([article_from_text(
        "Des jihadistes ont attaqué mercredi un poste de police à Gao.", url="https://a.test/1",
        pub_date="2024-03-07", date_source="input")]))

    def members(store):
        return sorted(sorted(c.cluster.event_ids) for c in store.query_clusters())

    with open_store(db) as store:
        for step in (processed[:3], processed[3:5], processed[5:]):  # an older article last
            for article in step:
                with store.transaction():
                    store.save_events(store.save_article(article, "ok"), article.events)
            store.cluster_events()
            store._recluster_all = None  # built once in full, then only brought up to date
        with store.transaction():  # a story replaced at the same URL, an article emptied
            store.save_events(store.save_article(changed, "ok"), changed.events)
            store.save_events(processed[3].id, [])
        store.cluster_events()
        incremental = members(store)
        assert store._run("SELECT count(*) FROM cluster_members").fetchone()[0] == \
            store.counts()["events"]
        del store._recluster_all
        store.cluster_events(force=True)
        assert members(store) == incremental
        assert sum(len(m) for m in incremental) == store.counts()["events"]
