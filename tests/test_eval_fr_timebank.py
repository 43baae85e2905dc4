"""The fr-timebank adapter on a hand-written two-document fixture (ISO-TimeML layout).

Hand count (DCTs excluded): 8 gold TIMEX3, 8 predictions.
  exact spans  hier, la semaine prochaine, mardi, le 3 mars 2001, tous les samedis,
               deux heures                                             → strict tp 6
  overlapping  + «22 septembre» (gold) / «le 22 septembre» (ours)      → relaxed tp 7
  missed       «l'époque des moissons»; spurious «lundi» (not annotated)
  values       all right but «mardi»: gold 2016-10-11, ours 2016-10-04 → 6 of 7
"""

from pathlib import Path

import pytest

from eventscribe.evaluation import get_adapter
from eventscribe.evaluation.fr_timebank import load, load_document
from eventscribe.evaluation.report import format_report

FIXTURE = Path(__file__).parent / "data" / "eval-fixtures" / "fr-timebank"


@pytest.fixture(scope="module")
def report():
    return get_adapter("fr-timebank").evaluate(FIXTURE, None)


def test_reader_strips_tags_and_keeps_offsets():
    doc = load_document(FIXTURE / "2016-10-04-frappes.tml")
    assert str(doc.dct) == "2016-10-04"
    assert [t.text for t in doc.timexes] == [
        "hier", "22 septembre", "la semaine prochaine", "mardi", "l'époque des moissons"]
    for timex in doc.timexes:
        assert doc.text[timex.start:timex.end] == timex.text
    assert "<" not in doc.text and "signé le 22 septembre" in doc.text
    assert doc.timexes[0].value == "2016-10-03" and doc.timexes[4].timex_type == "TIME"


def test_metrics_computed_by_hand(report):
    m = report.metrics
    assert (m["n"], m["n_documents"], m["n_predicted"]) == (8, 2, 8)
    assert m["strict_precision"] == m["strict_recall"] == m["strict_f1"] == 0.75
    assert m["relaxed_f1"] == 0.875
    assert m["value_accuracy"] == pytest.approx(6 / 7, abs=1e-4)
    assert m["value_f1"] == 0.75


def test_errors_name_each_kind_of_mistake(report):
    errors = {e["error"] for e in report.errors}
    assert errors == {"wrong value DATE 9999-99-99 → 9999-99-99",
                      "missed TIME «l'époque des moissons»", "spurious DATE «lundi»"}
    assert any("HeidelTime" in note for note in report.notes)
    assert "| strict_f1 | 0.750 |" in format_report(report)


def test_shared_dev_reads_consistently(shared):
    folder = shared / "data" / "fr-timebank" / "dev"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    documents = load(folder)
    assert documents and all(d.dct is not None for d in documents)
    for doc in documents:
        for timex in doc.timexes:
            assert doc.text[timex.start:timex.end] == timex.text
