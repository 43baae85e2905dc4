"""The polnear adapter on a hand-written one-article fixture (text + brat .ann).

Gold (annotator a1a1; b2b2's file for the same article must be ignored): five
attributions — Senator Jane Doe / said / that…; the governor / told / the quote;
the county report / According to / turnout…; Officials / believe / the plan is dead
(a belief: "believe" is no reporting verb of ours, so its cue, source and content are
all missed); the clerk / said / a discontinuous quote.
Ours add "The mayor added salt": a spurious cue and source, no content.
  cue     4 of 5 found, 4 of 5 right   → P R F1 0.8
  source  4 of 5 found, 4 of 5 right   → 0.8
  content 4 of 5 found, 4 of 4 right   → P 1.0, R 0.8, F1 0.8889
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
    assert (m["n_articles"], m["n_attributions"], m["n_predicted"]) == (1, 5, 5)
    assert m["cue_precision"] == m["cue_recall"] == m["cue_f1"] == 0.8
    assert m["source_precision"] == m["source_recall"] == m["source_f1"] == 0.8
    assert (m["content_precision"], m["content_recall"], m["content_f1"]) == (1.0, 0.8, 0.8889)


def test_errors(report):
    assert {e["error"] for e in report.errors} == {
        "missed cue «believe»", "spurious cue «added»",
        "missed source «officials»", "spurious source «mayor»"}


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
