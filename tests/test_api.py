"""The HTTP API against the real app, the real pipeline and a real store.

Every test runs on a DuckDB file and on a PostgreSQL database (the session's
server, see conftest.py), each holding the French samples ingested by the same
code as `eventscribe ingest`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pgserver import create_database, free_port

from eventscribe import __version__
from eventscribe.api import create_app
from eventscribe.batch import IngestOptions, Ingestion
from eventscribe.progress import Progress
from eventscribe.store import open_store

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "fr"
KEY = "write-key-for-tests"
WRITE = {"X-API-Key": KEY}
MALI = ("Des jihadistes ont attaqué mardi un poste de l'armée malienne à Gao, selon une source "
        "sécuritaire. Le Premier ministre malien s'est rendu jeudi à Mopti pour rencontrer les "
        "chefs traditionnels.")
PROTEST = "La police a dispersé mercredi des manifestants qui protestaient contre la vie chère à Dakar."


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def store_url(request, tmp_path_factory, pipeline) -> str:
    """A store holding the samples, deduplicated, as `eventscribe ingest` leaves it."""
    if request.param == "duckdb":
        url = str(tmp_path_factory.mktemp("api") / "events.duckdb")
    else:
        url = create_database(request.getfixturevalue("postgres_server"))
    with open_store(url) as store, open(os.devnull, "w") as quiet:
        Ingestion(store, IngestOptions(), Progress(quiet, quiet=True), pipeline).run([str(SAMPLES)])
        store.cluster_events()
    return url


@pytest.fixture(scope="module")
def client(store_url, pipeline):
    with TestClient(create_app(store_url, api_key=KEY, pipeline=pipeline)) as client:
        yield client


def _all(client: TestClient, kind: str, **filters) -> list[dict]:
    answer = client.get(f"/api/{kind}", params={**filters, "limit": 1000})
    assert answer.status_code == 200, answer.text
    assert answer.json()["next_cursor"] is None
    return answer.json()["items"]


def _text_of(client: TestClient, article_id: str) -> str:
    return client.get(f"/api/articles/{article_id}").json()["article"]["text"]


# -- service --------------------------------------------------------------------------------
def test_health_and_version(client, store_url):
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["store"] == ("duckdb" if store_url.endswith(".duckdb") else "postgres")
    assert health["articles"] >= len(list(SAMPLES.iterdir()))
    assert health["events"] == len(_all(client, "events")) > 0
    assert health["clusters"] == len(_all(client, "clusters")) > 0
    version = client.get("/api/version").json()
    assert version["version"] == __version__ and version["schema_version"] >= 1
    assert client.get("/openapi.json").json()["info"]["version"] == __version__


# -- submitting -----------------------------------------------------------------------------
def test_writes_need_the_key(client):
    for headers in ({}, {"X-API-Key": "wrong"}):
        answer = client.post("/api/articles", json={"text": MALI}, headers=headers)
        assert answer.status_code == 401 and "X-API-Key" in answer.json()["detail"]
        answer = client.post("/api/articles/batch", json={"articles": [{"text": MALI}]},
                             headers=headers)
        assert answer.status_code == 401


def test_writes_are_refused_without_a_configured_key(store_url, pipeline):
    with TestClient(create_app(store_url, pipeline=pipeline)) as client:
        answer = client.post("/api/articles", json={"text": MALI}, headers=WRITE)
        assert answer.status_code == 403 and "--api-key" in answer.json()["detail"]


def test_extract_stores_nothing(client):
    before = client.get("/api/health").json()
    answer = client.post("/api/extract", content=f"Attaques au Mali\n\n{MALI}".encode(),
                         headers={"Content-Type": "text/plain; charset=utf-8"},
                         params={"pub_date": "2024-03-12"})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["stored"] is False
    assert result["article"]["title"] == "Attaques au Mali"
    assert result["article"]["pub_date"] == "2024-03-12"
    assert {e["event"] for e in result["events"]} >= {"ASSAULT", "CONSULT"}
    assert client.get("/api/health").json() == before
    assert client.get(f"/api/articles/{result['article']['id']}").status_code == 404


def _check_spans(text: str, result: dict) -> None:
    """Every span's text is what the records say is there."""
    events = {e["id"]: e for e in result["events"]}
    quotes = {(q["start"], q["end"]): q for q in result["quotes"]}
    assert result["spans"], "no spans"
    for span in result["spans"]:
        written = text[span["start"]:span["end"]]
        if span["kind"] == "quote":
            assert written == quotes[span["start"], span["end"]]["text"]
            continue
        assert span["event_ids"], span
        for event in (events[i] for i in span["event_ids"]):
            if span["kind"] in ("actor", "recipient", "claimant"):
                assert written == event[span["kind"]]["entity_text"]
            elif span["kind"] == "place":
                assert written == event["event_loc"]["extracted_place"]
            elif span["kind"] == "date":
                assert written.lower() == event["date_text"].lower()
            else:
                assert written in event["event_text"].split()


def test_submit_json_text_and_html(client):
    answer = client.post("/api/articles", headers=WRITE,
                         json={"text": PROTEST, "title": "Dakar", "pub_date": "2024-03-13",
                               "url": "https://example.org/2024/03/13/dakar"})
    assert answer.status_code == 201, answer.text
    stored = answer.json()
    assert stored["stored"] is True and stored["events"]
    _check_spans(stored["article"]["text"], stored)
    again = client.get(f"/api/articles/{stored['article']['id']}").json()
    assert {e["id"] for e in again["events"]} == {e["id"] for e in stored["events"]}
    assert client.post("/api/articles", headers=WRITE, json={
        "text": PROTEST, "title": "Dakar", "pub_date": "2024-03-13",
        "url": "https://example.org/2024/03/13/dakar"}).json()["article"]["id"] == \
        stored["article"]["id"], "the same URL is the same article"

    html = (f"<html><head><title>Gao</title></head><body><nav>Accueil | Monde</nav>"
            f"<article><h1>Attaque à Gao</h1><p>{MALI}</p></article></body></html>")
    answer = client.post("/api/articles", content=html.encode(), headers={
        **WRITE, "Content-Type": "text/html"}, params={"pub_date": "2024-03-12"})
    assert answer.status_code == 201, answer.text
    page = answer.json()
    assert "Accueil" not in page["article"]["text"] and "jihadistes" in page["article"]["text"]
    assert any(e["event"] == "ASSAULT" for e in page["events"])
    event_ids = {e["id"] for e in _all(client, "events")}
    assert {e["id"] for e in page["events"]} <= event_ids
    clustered = {i for c in _all(client, "clusters") for i in c["cluster"]["event_ids"]}
    assert event_ids == clustered, "clusters are recomputed after a write"


def test_batch_gives_one_result_per_article_in_order(client):
    answer = client.post("/api/articles/batch", headers=WRITE, json={"articles": [
        {"text": PROTEST, "pub_date": "2024-03-14"},
        {"html": "<html><body><nav>menu</nav></body></html>"},
        {"text": MALI, "language": "fr"},
    ]})
    assert answer.status_code == 200, answer.text
    first, broken, last = answer.json()["results"]
    assert first["stored"] and first["events"] and last["stored"] and last["events"]
    assert set(broken) == {"error"} and "text" in broken["error"]


@pytest.mark.parametrize("body, problem", [
    ({"text": "   "}, "blank"),
    ({"text": MALI, "html": "<p>x</p>"}, "exactly one"),
    ({"title": "no body"}, "exactly one"),
    ({"text": MALI, "language": "xx"}, "language"),
    ({"text": MALI, "pub_date": "13/03/2024"}, "pub_date"),
    ({"text": MALI, "lang": "fr"}, "lang"),
])
def test_bad_submissions_are_422_with_the_reason(client, body, problem):
    answer = client.post("/api/extract", json=body)
    assert answer.status_code == 422
    assert problem in answer.json()["detail"]


# -- reading ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["events", "clusters"])
def test_cursor_pages_neither_overlap_nor_miss(client, kind):
    everything = [e["id"] for e in _all(client, kind)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/api/{kind}", params=params).json()
        assert len(page["items"]) <= 7
        seen += [e["id"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages > 1
    assert seen == everything and len(set(seen)) == len(seen)


@pytest.mark.parametrize("kind", ["events", "clusters"])
def test_filters(client, kind):
    everything = _all(client, kind)
    kinds = {e["event"] for e in everything}
    for event_type in kinds:
        found = _all(client, kind, type=event_type)
        assert found and all(e["event"] == event_type for e in found)
    assert len(everything) == sum(len(_all(client, kind, type=t)) for t in kinds)
    countries = {e["event_loc"]["country_code"] for e in everything if e["event_loc"]}
    assert "MLI" in countries
    assert {e["id"] for e in _all(client, kind, country="ML")} == \
        {e["id"] for e in _all(client, kind, country="mli")} == \
        {e["id"] for e in everything if e["event_loc"] and e["event_loc"]["country_code"] == "MLI"}
    in_2021 = _all(client, kind, since="2021-01-01", until="2021-12-31")
    assert in_2021 and all("2021-01-01" <= e["date"] <= "2021-12-31" for e in in_2021)
    algiers = _all(client, kind, near="36.75,3.06,30")
    assert algiers and all(e["event_loc"]["resolved_place"] == "Algiers" for e in algiers)
    worded = _all(client, kind, text="armée malienne")
    assert worded and all("armée" in e["text_info"]["sentence"].lower() for e in worded)
    assert all(e["cluster"] is not None for e in everything) == (kind == "clusters")


def test_event_with_its_evidence(client):
    for listed in _all(client, "events")[:25]:
        answer = client.get(f"/api/events/{listed['id']}")
        assert answer.status_code == 200
        detail = answer.json()
        assert detail["event"] == listed
        assert detail["article"]["id"] == listed["article_id"]
        evidence = detail["evidence"]
        text = _text_of(client, listed["article_id"])
        assert evidence["sentence"] == text[evidence["start"]:evidence["end"]]
        assert evidence["start"] <= evidence["trigger_start"] < evidence["trigger_end"] \
            <= evidence["end"]


def test_cluster_with_its_mentions(client):
    merged = [c for c in _all(client, "clusters") if c["cluster"]["mentions"] > 1]
    for cluster in merged or _all(client, "clusters")[:3]:
        detail = client.get(f"/api/clusters/{cluster['id']}").json()
        assert detail["cluster"] == cluster
        assert [m["id"] for m in detail["mentions"]] == cluster["cluster"]["event_ids"]


def test_article_with_every_annotation_as_spans(client):
    article_ids = {e["article_id"] for e in _all(client, "events")}
    kinds = set()
    for article_id in article_ids:
        detail = client.get(f"/api/articles/{article_id}").json()
        assert {e["article_id"] for e in detail["events"]} == {article_id}
        _check_spans(detail["article"]["text"], detail)
        kinds |= {span["kind"] for span in detail["spans"]}
    assert kinds == {"actor", "recipient", "claimant", "trigger", "place", "date", "quote"}


def test_stats(client):
    clusters, events = _all(client, "clusters"), _all(client, "events")
    for mentions, records in ((False, clusters), (True, events)):
        params = {"mentions": str(mentions).lower()}
        types = client.get("/api/stats/types", params=params).json()["items"]
        assert {t["key"]: t["count"] for t in types} == {
            kind: sum(e["event"] == kind for e in records) for kind in {e["event"] for e in records}}
        days = client.get("/api/stats/daily", params=params).json()["items"]
        assert [d["key"] for d in days] == sorted({e["date"] for e in records if e["date"]})
        assert sum(d["count"] for d in days) == sum(1 for e in records if e["date"])
        countries = client.get("/api/stats/countries", params=params).json()["items"]
        assert sum(c["count"] for c in countries) == sum(
            1 for e in records if e["event_loc"] and e["event_loc"]["country_code"])
    assured = client.get("/api/stats/types", params={"type": "ASSAULT"}).json()["items"]
    assert [t["key"] for t in assured] in ([], ["ASSAULT"])


def test_points_are_geojson(client):
    collection = client.get("/api/points").json()
    assert collection["type"] == "FeatureCollection" and collection["features"]
    clusters = {c["id"]: c for c in _all(client, "clusters")}
    for feature in collection["features"]:
        cluster = clusters[feature["id"]]
        place = cluster["event_loc"]
        assert feature["geometry"] == {"type": "Point", "coordinates": [place["lon"], place["lat"]]}
        assert feature["properties"]["event"] == cluster["event"]
        assert feature["properties"]["sentence"] == cluster["text_info"]["sentence"]
    placed = sum(1 for c in clusters.values() if c["event_loc"] and c["event_loc"]["lat"] is not None)
    assert len(collection["features"]) == placed
    mentions = client.get("/api/points", params={"mentions": "true", "type": "ASSAULT"}).json()
    assert all(f["properties"]["event"] == "ASSAULT" for f in mentions["features"])


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path, status, words", [
    ("/api/events/0000000000000000", 404, "no event"),
    ("/api/clusters/0000000000000000", 404, "no cluster"),
    ("/api/articles/0000000000000000", 404, "no article"),
    ("/api/events?limit=0", 422, "limit"),
    ("/api/events?limit=1001", 422, "limit"),
    ("/api/clusters?since=yesterday", 422, "since"),
    ("/api/events?type=BOMBING", 422, "type"),
    ("/api/events?near=48.8,2.3", 422, "near"),
    ("/api/points?near=91,0,10", 422, "lat"),
    ("/api/stats/daily?mentions=perhaps", 422, "mentions"),
])
def test_errors_say_what_is_wrong(client, path, status, words):
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    assert words in answer.json()["detail"]


def test_bodies_too_large_or_of_another_type(client):
    too_large = b"a" * (2 * 1024 * 1024 + 1)
    answer = client.post("/api/extract", content=too_large, headers={"Content-Type": "text/plain"})
    assert answer.status_code == 413 and "larger than" in answer.json()["detail"]

    def chunks():  # no Content-Length: the limit holds on the bytes received
        for _ in range(3):
            yield b"a" * (1024 * 1024)

    answer = client.post("/api/articles", content=chunks(),
                         headers={**WRITE, "Content-Type": "text/plain"})
    assert answer.status_code == 413
    answer = client.post("/api/extract", content=b"<a/>", headers={"Content-Type": "application/xml"})
    assert answer.status_code == 415 and "text/html" in answer.json()["detail"]
    answer = client.post("/api/extract", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and "JSON" in answer.json()["detail"]


def test_reads_can_be_keyed(store_url, pipeline):
    app = create_app(store_url, api_key=KEY, read_key="reader", pipeline=pipeline)
    with TestClient(app) as client:
        assert client.get("/api/events").status_code == 401
        assert client.get("/api/events", headers={"X-API-Key": "reader"}).status_code == 200
        assert client.get("/api/events", headers=WRITE).status_code == 200
        assert client.post("/api/articles", json={"text": MALI},
                           headers={"X-API-Key": "reader"}).status_code == 401
        assert client.get("/api/health").status_code == 200  # monitoring needs no key


def test_a_failing_store_gives_500_without_a_traceback(store_url, pipeline, caplog):
    app = create_app(store_url, pipeline=pipeline)
    with TestClient(app) as client:
        with app.state.backend.store() as store:
            store.close()  # the database connection goes away under the running app
        answer = client.get("/api/health")
    assert answer.status_code == 500
    assert answer.json() == {"detail": "internal error"}
    assert "Traceback" in caplog.text, "the traceback goes to the server's log"


def test_front_page(client):
    answer = client.get("/")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")


# -- the command ------------------------------------------------------------------------------
def test_eventscribe_serve_answers_on_its_port(tmp_path):

    port = free_port()
    env = {**os.environ, "EVENTSCRIBE_API_KEY": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "eventscribe", "serve", "--db", str(tmp_path / "served.duckdb"),
         "--port", str(port)], stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not start in 60 s"
                time.sleep(0.2)
        assert answer.json() == {"status": "ok", "store": "duckdb", "articles": 0, "events": 0,
                                 "clusters": 0}
    finally:
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in err
    assert "writes are disabled" in err
    assert server.returncode == 0
