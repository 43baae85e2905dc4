"""The founding example: the RFI dispatch on Aleppo, 4 October 2016 (issue 2's floor)."""

import pytest

from eventscribe import Pipeline
from eventscribe.ingest import read_sources

SEED = "seeds/000_ea07a390312a6797.txt"
ALEPPO = 170063


@pytest.fixture(scope="module")
def article(shared):
    (item,) = list(read_sources([str(shared / SEED)]))
    return next(Pipeline().process([item], pub_date="2016-10-04"))


def _codes(entity):
    return entity.code if entity else None


def find(article, event, actor=None, recipient=None):
    return [e for e in article.events if e.event == event
            and (actor is None or _codes(e.actor) == actor)
            and (recipient is None or _codes(e.recipient) == recipient)]


def test_army_advance_in_aleppo(article):
    hits = [e for e in find(article, "ASSAULT", actor="SYR")
            if e.event_loc and e.event_loc.geonameid == ALEPPO]
    assert hits, "no ASSAULT by SYR located at Aleppo"


def test_offensive_of_22_september_with_aerial_bombardments(article):
    hits = [e for e in find(article, "ASSAULT") if e.date == "2016-09-22" and e.mode == "aerial"]
    assert hits
    assert {_codes(e.actor) for e in hits} >= {"SYR"}


def test_us_suspends_talks_with_russia(article):
    hits = [e for e in find(article, "SANCTION", actor="USA", recipient="RUS")
            if e.date == "2016-10-03"]
    assert hits


def test_kerry_accuses_russia(article):
    hits = [e for e in find(article, "ACCUSE", actor="USA", recipient="RUS")
            if e.date == "2016-10-04"]
    assert hits
    assert any("Kerry" in e.actor.entity_text for e in hits)


def test_russia_accuses_the_united_states(article):
    assert find(article, "ACCUSE", actor="RUS", recipient="USA")


def test_kerry_accusation_is_not_a_rejection(article):
    assert not [e for e in find(article, "REJECT") if "diplomatie" in e.text_info.sentence]


def test_witnesses_or_osdh_claim_the_advance(article):
    advance = [e for e in find(article, "ASSAULT", actor="SYR")
               if e.claimant is not None]
    texts = " ".join(e.claimant.entity_text for e in advance)
    assert "témoins" in texts or "Observatoire" in texts or "OSDH" in texts


def test_no_event_in_washington_or_moscow(article):
    for event in article.events:
        if event.event_loc:
            assert event.event_loc.resolved_place not in ("Washington", "Moscow", "Moscou")
            assert event.event_loc.geonameid not in (4140963, 524901)


def test_every_offset_points_at_its_text(article):
    text = article.text
    for event in article.events:
        info = event.text_info
        assert text[info.start:info.end] == info.sentence
        assert text[info.trigger_start:info.trigger_end] in event.event_text
        for entity in (event.actor, event.recipient, event.claimant):
            if entity:
                assert text[entity.start:entity.end] == entity.entity_text
        if event.event_loc:
            loc = event.event_loc
            assert text[loc.start:loc.end] == loc.extracted_place


def test_share_button_is_not_in_the_text(article):
    assert "Partager" not in article.text
