"""Each language's trigger lexicon loads, is consistent, and every example matches."""

import pytest

from eventscribe.events.lexicon import load_lexicon
from eventscribe.language import profiles
from eventscribe.schema import PLOVER_EVENTS

LANGS = sorted(profiles())


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


def test_covers_every_plover_type(lang):
    covered = {entry.event for entry in load_lexicon(lang).entries}
    assert covered == set(PLOVER_EVENTS)


def test_no_duplicate_patterns(lang):
    seen = {}
    for entry in load_lexicon(lang).entries:
        key = (entry.anchor, entry.pos, entry.companions, entry.exclusions)
        assert key not in seen, f"{lang} line {entry.line} repeats line {seen[key]}"
        seen[key] = entry.line


def test_every_example_matches_its_own_pattern(lang, request):
    lexicon = load_lexicon(lang)
    nlp = request.getfixturevalue(f"nlp_{lang}")  # the model as the pipeline parses with it
    failures = []
    entries = [e for e in lexicon.entries if e.example]
    docs = nlp.pipe([e.example for e in entries], batch_size=256)
    for entry, doc in zip(entries, docs):
        hits = [lexicon.match_token(t) for t in doc]
        if not any(h and h.entry.event == entry.event for h in hits):
            failures.append(f"line {entry.line}: {entry.anchor} {entry.companions} ✗ {entry.example}")
    assert not failures, f"{lang}:\n" + "\n".join(failures)
