"""The polnear adapter on a hand-written one-article fixture (text + brat .ann).

Gold (annotator a1a1; b2b2's file for the same article must be ignored): five
attributions — Senator Jane Doe / said / that…; the governor / told / the quote;
the county report / According to / turnout…; Officials / believe / the plan is dead
(a belief, which attributes content as a report does); the clerk / said / a
discontinuous quote.
Ours add "The mayor added salt": a spurious cue and source, no content.
  cue     5 of 5 found, 5 of 6 right   → P 0.8333, R 1.0, F1 0.9091
  source  5 of 5 found, 5 of 6 right   → same
  content 5 of 5 found, 5 of 5 right   → 1.0
"""

from pathlib import Path

import pytest

from eventscribe import Pipeline
from eventscribe.evaluation import get_adapter
from eventscribe.evaluation.polnear import load, overlap, parse_ann

FIXTURE = Path(__file__).parent / "data" / "eval-fixtures" / "polnear"


@pytest.fixture(scope="module")
def report():
    return get_adapter("polnear").evaluate(FIXTURE, Pipeline())


def test_reader_takes_one_annotation_per_article_and_discontinuous_spans():
    [article] = load(FIXTURE)
    assert article.n_attributions == 5
    assert {role: len(spans) for role, spans in article.spans.items()} == {
        "Source": 5, "Cue": 5, "Content": 5}
    clerk = article.spans["Content"][-1]
    assert len(clerk) == 2
    assert " ".join(article.text[a:b] for a, b in clerk) == "The count, is final."
    spans, relations = parse_ann("T1\tDiscard 0 5\tBudge\n")
    assert relations == 0 and not any(spans.values())
    assert overlap(((0, 5), (10, 20)), (4, 12)) == 3


def test_metrics_computed_by_hand(report):
    m = report.metrics
    assert (m["n_articles"], m["n_attributions"], m["n_predicted"]) == (1, 5, 6)
    assert (m["cue_precision"], m["cue_recall"], m["cue_f1"]) == (0.8333, 1.0, 0.9091)
    assert (m["source_precision"], m["source_recall"], m["source_f1"]) == (0.8333, 1.0, 0.9091)
    assert (m["content_precision"], m["content_recall"], m["content_f1"]) == (1.0, 1.0, 1.0)


def test_errors(report):
    assert {e["error"] for e in report.errors} == {"spurious cue «added»", "spurious source «mayor»"}


def test_shared_dev_reads_consistently(shared):
    folder = shared / "data" / "polnear" / "dev"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    articles = load(folder, limit=20)
    assert articles
    for article in articles:
        for spans in article.spans.values():
            for fragments in spans:
                assert all(0 <= a < b <= len(article.text) for a, b in fragments)
