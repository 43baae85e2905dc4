"""English: the same stages on English constructions (sentences of our own)."""

import pytest

from eventscribe import Pipeline


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline()


def events(pipeline, text, date="2018-03-06"):
    article = pipeline.extract(text, pub_date=date)
    assert article.language == "en"
    return article.events


def test_passive_with_by_agent_and_date(pipeline):
    found = events(pipeline, "Two journalists were arrested on Monday by Turkish police in Istanbul.")
    (event,) = [e for e in found if e.event == "COERCE"]
    assert (event.actor.code, event.actor.sector) == ("TUR", "COP")
    assert event.date == "2018-03-05" and event.event_loc.resolved_place == "Istanbul"


def test_accusation_content_is_not_an_event(pipeline):
    found = events(pipeline, "Russia accused the United States of bombing a convoy near Deir ez-Zor.")
    assert [(e.event, e.actor.code, e.recipient.code) for e in found] == [("ACCUSE", "RUS", "USA")]


def test_nominal_trigger_carried_by_a_verb(pipeline):
    (event,) = [e for e in events(pipeline, "The United States imposed sanctions on Venezuela on Monday.")
                if e.event == "SANCTION"]
    assert (event.actor.code, event.recipient.code) == ("USA", "VEN")


def test_according_to_gives_the_claimant(pipeline):
    text = "Jihadist militants attacked an army post in Gao on Tuesday, according to the UN."
    (event, *_) = [e for e in events(pipeline, text) if e.event == "ASSAULT"]
    assert event.claimant is not None and event.claimant.code == "UNO"
    assert event.event_loc.resolved_place == "Gao"


def test_future_aid_is_a_promise(pipeline):
    (event,) = [e for e in events(pipeline, "Germany will deliver air defence systems to Ukraine.")
                if e.event in ("AID", "AGREE")]
    assert event.event == "AGREE" and "future" in event.aux


def test_offsets_point_at_the_text(pipeline):
    text = "Protesters clashed with police in Algiers on Friday, witnesses said."
    article = pipeline.extract(text, pub_date="2019-03-10")
    assert article.events
    for event in article.events:
        for entity in (event.actor, event.recipient, event.claimant):
            if entity:
                assert article.text[entity.start:entity.end] == entity.entity_text
        if event.event_loc:
            loc = event.event_loc
            assert article.text[loc.start:loc.end] == loc.extracted_place
