"""The events-gold adapter on our own French gold set (no ../shared needed)."""

from pathlib import Path

import pytest

from eventscribe import Pipeline
from eventscribe.evaluation import get_adapter, UnknownDataset
from eventscribe.evaluation.report import format_report

GOLD = Path(__file__).parent / "data" / "events-gold-fr"


@pytest.fixture(scope="module")
def report():
    return get_adapter("events-gold").evaluate(GOLD, Pipeline())


def test_metrics_are_complete_and_in_range(report):
    m = report.metrics
    for key in ("precision", "recall", "f1", "mode_accuracy", "actor_accuracy",
                "recipient_accuracy", "location_50km", "date_accuracy"):
        assert key in m
        assert m[key] is None or 0.0 <= m[key] <= 1.0
    assert m["n_gold"] == 67
    assert set(m["per_type"]) >= {"ASSAULT", "ACCUSE", "PROTEST"}


def test_floor_measured_on_our_gold(report):
    # Floors set from the measured figures (f1 0.366, type-only 0.745) minus a margin.
    assert report.metrics["f1"] >= 0.30
    assert report.metrics["type_only_f1"] >= 0.68


def test_report_renders_and_unknown_dataset_is_clear(report):
    text = format_report(report)
    assert "| f1 |" in text and "most frequent errors" in text
    with pytest.raises(UnknownDataset, match="events-gold"):
        get_adapter("nope")
