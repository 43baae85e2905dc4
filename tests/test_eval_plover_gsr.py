"""The plover-gsr adapter on invented records in the GSR format.

The scores are checked by hand on predictions written by hand (real Event objects)
(so they do not move with the lexicon); one test runs the real English pipeline
for the shape of the report only.
"""

from pathlib import Path

import pytest

from eventscribe import Pipeline
from eventscribe.evaluation import get_adapter
from eventscribe.evaluation.plover_gsr import (gold_event, load, macro_f1, normalise_code,
                                               top_event)
from eventscribe.evaluation.report import format_report
from eventscribe.schema import Entity, Event, TextInfo

from predictions import given

FIXTURE = Path(__file__).parent / "data" / "eval-fixtures" / "plover-gsr" / "gsr_fixture.json"


def make_event(event, actor=None, recipient=None, confidence=0.8, trigger=0, mode=None):
    def entity(code):
        return Entity(code or "x", code, None, 0, 1) if code is not None else None
    return Event(id=f"{event}-{trigger}", article_id="a", event=event, mode=mode, context=[],
                 aux=[], actor=entity(actor), recipient=entity(recipient), claimant=None,
                 event_loc=None, date=None, date_precision=None, date_text=None,
                 date_source=None, event_text=event.lower(),
                 text_info=TextInfo(0, 10, "sentence", trigger, trigger + 1), language="en",
                 confidence=confidence)


PREDICTIONS = given(key=lambda article: article.id, events={
    # top = AGREE: same confidence as CONSULT, earlier trigger
    "TEST-GSR-AGREE-0001": [make_event("CONSULT", "CHL", "PER", 0.8, trigger=20),
                            make_event("AGREE", "CHL", "PER", 0.8, trigger=6)],
    # top = REQUEST (higher confidence, although later); recipient missed
    "TEST-GSR-DEMAND-0001": [make_event("ACCUSE", "KEN", "UGA", 0.7, trigger=3),
                             make_event("REQUEST", "KEN", None, 0.9, trigger=17)],
    "TEST-GSR-FIGHT-0001": [make_event("ASSAULT", "ETH", "ERI", 0.85, mode="heavy-weapons")],
    # our UNO is the GSR's IGO; the record has no target
    "TEST-GSR-DISAPPROVE-0001": [make_event("ACCUSE", "UNO", None, 0.8)],
    # TEST-GSR-PROTEST-0001: no event at all
    # gold INVESTIGATE → ACCUSE, we say SANCTION; the gold writes Japan "JAP"
    "TEST-GSR-INVESTIGATE-0001": [make_event("SANCTION", "JPN", "KOR", 0.6)],
})


@pytest.fixture(scope="module")
def report():
    return get_adapter("plover-gsr").score(FIXTURE, PREDICTIONS)


def test_load_skips_the_document_header():
    records = load(FIXTURE)
    assert len(records) == 6 and all(r["event"] != "DOCUMENT" for r in records)
    assert len(load(FIXTURE, limit=2)) == 2


def test_v05_names_and_codes_are_normalised():
    assert [gold_event(e) for e in ("DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "AGREE")] == \
        ["REQUEST", "ACCUSE", "ACCUSE", "ASSAULT", "AGREE"]
    assert normalise_code("Uganda") == "UGA"
    assert normalise_code("United States") == "USA"
    assert normalise_code("CH") == "CHE"
    assert normalise_code("JAP") == "JPN"
    assert normalise_code("UNO") == normalise_code("IGO") == "IGO"
    assert normalise_code("") is None and normalise_code(None) is None


def test_top_event_is_highest_confidence_then_earliest():
    a = make_event("AGREE", confidence=0.8, trigger=10)
    b = make_event("CONSULT", confidence=0.8, trigger=2)
    c = make_event("ASSAULT", confidence=0.9, trigger=30)
    assert top_event([a, b]) is b
    assert top_event([a, b, c]) is c
    assert top_event([]) is None


def test_hand_computed_metrics(report):
    m = report.metrics
    assert m["n"] == 6
    assert m["event_accuracy"] == round(4 / 6, 4)
    # AGREE, REQUEST, ASSAULT 1.0; ACCUSE p=1 r=.5 → .6667; PROTEST 0 (none); SANCTION 0 (fp)
    assert m["event_f1_macro"] == round((3 + 0.6667) / 6, 4)
    assert set(m["per_type"]) == {"AGREE", "REQUEST", "ASSAULT", "ACCUSE", "PROTEST", "SANCTION"}
    assert m["actor_accuracy"] == round(5 / 6, 4)  # only the eventless PROTEST sentence
    assert m["n_recipient"] == 4 and m["recipient_accuracy"] == 0.75  # Uganda missed
    assert m["no_event_rate"] == round(1 / 6, 4)
    assert m["confusion"] == {"PROTEST→none": 1, "ACCUSE→SANCTION": 1}


def test_errors_have_short_examples(report):
    kinds = {e["error"]: e for e in report.errors}
    assert set(kinds) == {"event PROTEST → none", "actor BOL → none", "recipient UGA → none",
                          "event ACCUSE → SANCTION"}
    example = kinds["event PROTEST → none"]["example"]
    assert len(example) == 120 and example.endswith("…")
    assert example.startswith("Several thousand Bolivian miners")
    assert kinds["recipient UGA → none"]["example"].startswith("Kenyan officials demanded")
    text = format_report(report)
    assert "| event_accuracy |" in text and "| PROTEST→none | 1 |" in text


def test_macro_f1_counts_none_as_wrong():
    f1, per_type = macro_f1([("AGREE", "none"), ("AGREE", "AGREE")])
    assert per_type == {"AGREE": {"precision": 1.0, "recall": 0.5, "f1": 0.6667}}
    assert f1 == 0.6667


def test_real_pipeline_gives_a_complete_report():
    report = get_adapter("plover-gsr").evaluate(FIXTURE, Pipeline())
    m = report.metrics
    assert m["n"] == 6
    for key in ("event_accuracy", "event_f1_macro", "actor_accuracy", "recipient_accuracy"):
        assert 0.0 <= m[key] <= 1.0
    assert isinstance(m["confusion"], dict) and len(m["confusion"]) <= 30
    assert len(report.errors) <= 20
