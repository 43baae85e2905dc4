"""The compiled attribute ruler and lemmatizer annotate exactly as spaCy's own.

Checked twice: on the real models over real texts of both languages (every token
attribute the pipeline reads), and on a blank pipeline whose attribute ruler has
patterns written to hit the corner cases (rule order, IN / NOT_IN / REGEX, a
two-token pattern setting the same token as a one-token one)."""

import csv
import json
from pathlib import Path

import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, NORM, POS, TAG

from eventscribe.language import get_profile
from eventscribe.nlp import chunk_text, load_model
from eventscribe.nlp.compiled import AttributeTable, LemmaCache, compile_rules

DATA = Path(__file__).parent / "data"
ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, NORM]


def _texts(lang):
    if lang == "fr":
        with (DATA / "events-gold-fr" / "articles.jsonl").open(encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle]
    records = json.loads((DATA / "eval-fixtures" / "plover-gsr" / "gsr_fixture.json").read_text())
    with (DATA / "eval-fixtures" / "acled" / "acled_old_fixture.csv").open(encoding="utf-8") as handle:
        notes = [row["notes"] for row in csv.DictReader(handle)]
    return [r["text"] for r in records if r.get("text")] + notes


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compiled_models_annotate_as_the_stock_ones(lang):
    package = get_profile(lang).spacy_model
    stock, compiled = spacy.load(package), spacy.load(package)
    assert sorted(compile_rules(compiled)) == ["attribute_ruler", "lemmatizer"]
    assert "compiled_attribute_ruler" in compiled.pipe_names
    chunks = [chunk for text in _texts(lang) for chunk in chunk_text(text)]
    assert len(chunks) >= 10
    for expected, got in zip(stock.pipe(chunks), compiled.pipe(chunks)):
        assert [t.text for t in got] == [t.text for t in expected]
        assert (got.to_array(ATTRS) == expected.to_array(ATTRS)).all(), expected.text
    # the pipeline's own models are the compiled ones
    assert "compiled_lemmatizer" in load_model(package).pipe_names


RULES = [
    # later rules win on the same attribute, earlier ones keep the others
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"LOWER": "attack", "TAG": "NN"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"LOWER": {"IN": ["strike", "raid"]}}]], "attrs": {"LEMMA": "attack"}},
    {"patterns": [[{"TAG": {"NOT_IN": ["NN", "DT"]}}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"LEMMA": "not", "POS": "PART"}},
    # a two-token pattern setting its last token, which one-token rules also set
    {"patterns": [[{"LOWER": "air"}, {"LOWER": "strike"}]], "attrs": {"LEMMA": "airstrike"},
     "index": -1},
    {"patterns": [[{"LOWER": "the"}, {"TAG": "NN"}]], "attrs": {"MORPH": "Definite=Def"},
     "index": 1},
]


def _tagged(nlp, words, tags):
    doc = spacy.tokens.Doc(nlp.vocab, words=words)
    for token, tag in zip(doc, tags):
        token.tag_ = tag
    return doc


def test_the_table_applies_rules_as_the_matcher_does():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(RULES)
    table = AttributeTable(ruler)
    words = ["The", "air", "strike", "did", "n't", "hit", "the", "attack", "raid", "."]
    tags = ["DT", "NN", "NN", "VBD", "RB", "VBD", "DT", "NN", "NN", "."]
    for _ in range(2):  # the second time from the remembered cases
        expected = ruler(_tagged(nlp, words, tags))
        got = table(_tagged(nlp, words, tags))
        assert [(t.pos_, str(t.morph), t.lemma_) for t in got] == \
            [(t.pos_, str(t.morph), t.lemma_) for t in expected]
    assert got[2].lemma_ == "airstrike" and got[7].pos_ == "PROPN" and got[4].lemma_ == "not"


def test_what_the_table_cannot_reproduce_stays_with_spacy():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns([{"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "NOUN"}}])
    assert compile_rules(nlp) == []
    assert nlp.pipe_names == ["attribute_ruler"]


def test_the_lemma_cache_keeps_the_model_serialisable():
    nlp = spacy.load(get_profile("fr").spacy_model)
    compile_rules(nlp)
    cache = nlp.get_pipe("compiled_lemmatizer")
    assert isinstance(cache, LemmaCache)
    data = cache.to_bytes()
    assert cache.from_bytes(data) is cache
    doc = nlp("Les soldats ont attaqué les villages.")
    assert [t.lemma_ for t in doc][:4] == ["le", "soldat", "avoir", "attaquer"]
