"""The English trigger lexicon loads, is consistent, and every example matches."""

import pytest

from eventscribe.events.lexicon import load_lexicon
from eventscribe.schema import PLOVER_EVENTS


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon("en")


def test_covers_every_plover_type(lexicon):
    covered = {entry.event for entry in lexicon.entries}
    assert covered == set(PLOVER_EVENTS)


def test_no_duplicate_patterns(lexicon):
    seen = {}
    for entry in lexicon.entries:
        key = (entry.anchor, entry.pos, entry.companions, entry.exclusions)
        assert key not in seen, f"line {entry.line} repeats line {seen[key]}"
        seen[key] = entry.line


def test_every_example_matches_its_own_pattern(lexicon, nlp_en):
    failures = []
    entries = [e for e in lexicon.entries if e.example]
    docs = nlp_en.pipe([e.example for e in entries], batch_size=256)
    for entry, doc in zip(entries, docs):
        hits = [lexicon.match_token(t) for t in doc]
        if not any(h and h.entry.event == entry.event for h in hits):
            failures.append(f"line {entry.line}: {entry.anchor} {entry.companions} ✗ {entry.example}")
    assert not failures, "\n".join(failures)
