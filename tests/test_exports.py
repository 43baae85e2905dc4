"""Exports: every format written from real pipeline output, then read back.

Three short French articles go through the real pipeline once per session;
each format is written to a file and read back with a plain reader (csv, json,
pyarrow.parquet), and checked against the records and the schema.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import typing
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import eventscribe
from eventscribe.output import BINARY_FORMATS, FORMATS, BinaryTargetError, write_articles
from eventscribe.output.acled import load_mapping
from eventscribe.output.acled_csv import COLUMNS, GEO_PRECISION, actor_label
from eventscribe.output.flatten import EVENT_COLUMNS
from eventscribe.output.geojson import SKIPPED_MEMBER
from eventscribe.output.parquet import arrow_schema, arrow_type
from eventscribe.schema import EVENT_FIELDS, Article, Event

# Title with a comma, quotes and a line break; an evidence sentence with a line break
# inside its paragraph, French quotes and commas; an article with no place at all.
ARTICLES = [
    ("Attaque à Gao", "Des jihadistes ont attaqué lundi un camp de l'armée malienne à Gao, "
     "tuant trois soldats, selon un responsable local.\n\n"
     'Le gouvernement malien a condamné "une attaque lâche", a déclaré le ministre.'),
    ('Manifestation, "colère"\net arrestations', "Des milliers d'agriculteurs ont manifesté "
     "mardi à Lyon contre la réforme, a rapporté l'AFP.\n\n"
     "La police a arrêté dix manifestants,\ndont un syndicaliste, à Lyon."),
    ("Sans lieu", "Le président a accusé l'opposition de « mentir », a indiqué son "
     "porte-parole.\n\nLes syndicats ont appelé à la grève."),
]
SUFFIX = {"acled-csv": "acled.csv", "table": "txt"}


@pytest.fixture(scope="session")
def pipeline() -> eventscribe.Pipeline:
    return eventscribe.Pipeline()


@pytest.fixture(scope="session")
def articles(pipeline: eventscribe.Pipeline) -> list[Article]:
    return [pipeline.extract(text, title=title, pub_date="2024-03-05") for title, text in ARTICLES]


@pytest.fixture(scope="session")
def events(articles: list[Article]) -> list[Event]:
    found = [event for article in articles for event in article.events]
    assert len(found) >= 5, [e.event for e in found]
    return found


@pytest.fixture(scope="session")
def written(articles: list[Article], tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """Every format written to a file: format → (path, count returned by the writer)."""
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in FORMATS:
        path = folder / f"events.{SUFFIX.get(fmt, fmt)}"
        files[fmt] = (path, write_articles(iter(articles), fmt, path))
    return files


def _text_of(articles: list[Article]) -> dict[str, str]:
    return {article.id: article.text for article in articles}


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_the_new_formats_are_registered() -> None:
    assert {"jsonl", "json", "csv", "table", "acled-csv", "geojson", "parquet"} <= set(FORMATS)
    assert BINARY_FORMATS == ("parquet",)
    with pytest.raises(ValueError, match="unknown format"):
        write_articles([], "shapefile", io.StringIO())


def test_the_sample_covers_the_cases(events: list[Event]) -> None:
    assert any(e.event_loc is not None for e in events)
    assert any(e.event_loc is None for e in events)
    assert any("\n" in e.text_info.sentence for e in events)
    assert any('"' in e.text_info.sentence for e in events)


def test_text_formats_keep_every_record(written, events: list[Event]) -> None:
    records = [e.to_dict() for e in events]
    path, count = written["jsonl"]
    assert count == len(events)
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == records
    path, count = written["json"]
    assert [e for a in json.loads(path.read_text(encoding="utf-8"))["articles"]
            for e in a["events"]] == records
    header, rows = _read_csv(written["csv"][0])
    assert header == EVENT_COLUMNS and len(rows) == len(events)
    assert written["table"][1] == len(events) and written["table"][0].stat().st_size > 0


def test_acled_csv(written, articles: list[Article], events: list[Event]) -> None:
    path, count = written["acled-csv"]
    header, rows = _read_csv(path)
    assert header == list(COLUMNS)
    assert header[:13] == ["event_date", "event_type", "sub_event_type", "actor1", "actor2",
                           "country", "admin1", "location", "latitude", "longitude",
                           "geo_precision", "source", "notes"]
    assert header[-2:] == ["id", "article_id"]
    assert count == len(rows) == len(events)
    vocabulary = load_mapping().new_types
    titles = {article.id: article.title for article in articles}
    for row, event in zip(rows, events):
        assert (row["id"], row["article_id"]) == (event.id, event.article_id)
        assert row["event_type"] in vocabulary or row["event_type"] == ""
        if row["sub_event_type"]:
            assert row["sub_event_type"] in vocabulary[row["event_type"]]
        assert row["notes"] == event.text_info.sentence  # quotes, commas, newlines intact
        assert row["source"] == titles[event.article_id]
        assert row["actor1"] == actor_label(event.actor)
        assert row["event_date"] == (event.date or "")
        loc = event.event_loc
        if loc is None:
            assert row["latitude"] == row["country"] == row["geo_precision"] == ""
            continue
        assert (float(row["latitude"]), float(row["longitude"])) == (loc.lat, loc.lon)
        assert int(row["geo_precision"]) == GEO_PRECISION[loc.resolution]
        assert row["country"] and row["country"] != loc.country_code  # a name, not a code
    coded = {row["event_type"] for row in rows} - {""}
    assert coded, "no event mapped to an ACLED type"
    assert any("\n" in row["source"] and "," in row["source"] for row in rows)
    assert any("\n" in row["notes"] for row in rows)
    gao = next(row for row in rows if row["location"] == "Gao")
    assert (gao["country"], gao["admin1"], gao["geo_precision"]) == ("Mali", "Gao", "1")


def test_geojson(written, articles: list[Article], events: list[Event]) -> None:
    path, count = written["geojson"]
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    placed = [e for e in events if e.event_loc is not None and e.event_loc.lat is not None]
    assert count == len(collection["features"]) == len(placed) > 0
    assert collection[SKIPPED_MEMBER] == len(events) - len(placed) > 0
    texts = _text_of(articles)
    for item, event in zip(collection["features"], placed):
        assert item["type"] == "Feature" and item["id"] == event.id
        assert item["geometry"] == {"type": "Point",
                                    "coordinates": [event.event_loc.lon, event.event_loc.lat]}
        props = item["properties"]
        assert list(props) == EVENT_COLUMNS + ["quad_class"]
        assert props["quad_class"] == event.quad_class
        start, end = props["text_info_start"], props["text_info_end"]
        assert texts[event.article_id][start:end] == props["text_info_sentence"]
        start, end = props["event_loc_start"], props["event_loc_end"]
        assert texts[event.article_id][start:end] == event.event_loc.extracted_place


def test_parquet_round_trips_the_nested_record(written, articles, events) -> None:
    path, count = written["parquet"]
    table = pq.read_table(path)
    assert count == table.num_rows == len(events)
    assert table.schema.names == list(EVENT_FIELDS)
    assert table.schema.equals(arrow_schema(), check_metadata=False)
    assert table.to_pylist() == [e.to_dict() for e in events]
    texts = _text_of(articles)
    for row in table.to_pylist():
        info = row["text_info"]
        assert texts[row["article_id"]][info["start"]:info["end"]] == info["sentence"]
        assert info["start"] <= info["trigger_start"] < info["trigger_end"] <= info["end"]


def test_the_arrow_schema_follows_the_dataclasses() -> None:
    schema = arrow_schema()
    hints = typing.get_type_hints(Event)
    for field in dataclasses.fields(Event):
        nested = next((a for a in typing.get_args(hints[field.name]) or (hints[field.name],)
                       if dataclasses.is_dataclass(a)), None)
        if nested is not None:
            struct = schema.field(field.name).type
            assert [struct.field(i).name for i in range(struct.num_fields)] == \
                [f.name for f in dataclasses.fields(nested)]
    assert not schema.field("id").nullable and schema.field("actor").nullable
    assert schema.field("context").type == pa.list_(pa.string())
    assert schema.field("event_loc").type.field("lat").type == pa.float64()

    @dataclasses.dataclass
    class Added:  # a field added to the schema needs no change in parquet.py
        flag: bool
        counts: list[int]
        score: float | None
        kind: Literal["a", "b"]

    assert arrow_type(Added)[0] == pa.struct([
        pa.field("flag", pa.bool_(), nullable=False),
        pa.field("counts", pa.list_(pa.int64()), nullable=False),
        pa.field("score", pa.float64()),
        pa.field("kind", pa.string(), nullable=False),
    ])


def test_parquet_to_a_binary_stream(articles: list[Article], events: list[Event]) -> None:
    buffer = io.BytesIO()
    assert write_articles(articles, "parquet", buffer) == len(events)
    buffer.seek(0)
    assert pq.read_table(buffer).num_rows == len(events)
    empty = io.BytesIO()
    assert write_articles([], "parquet", empty) == 0
    empty.seek(0)
    assert pq.read_table(empty).schema.names == list(EVENT_FIELDS)


class _Terminal(io.BytesIO):
    def isatty(self) -> bool:
        return True


def test_parquet_refuses_a_text_stream_or_a_terminal_before_reading() -> None:
    def never():
        raise AssertionError("the articles were read")
        yield

    for target in (io.StringIO(), _Terminal()):
        with pytest.raises(BinaryTargetError, match="--output PATH"):
            write_articles(never(), "parquet", target)
