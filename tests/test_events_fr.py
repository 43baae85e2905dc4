"""Role extraction, metonymy, aux flags, dates and offsets on tricky French constructions.

Sentences are our own; each test states the construction it guards.
"""

import pytest

from eventscribe import Pipeline


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(lang="fr")


def events(pipeline, text, date="2016-10-04"):
    return pipeline.extract(text, pub_date=date).events


def events_of(pipeline, event_type, text):
    return [e for e in events(pipeline, text) if e.event == event_type]


def codes(event):
    return (event.event, event.actor and event.actor.code, event.recipient and event.recipient.code)


def test_coordinated_subjects_give_one_event_each(pipeline):
    found = events(pipeline, "Paris et Berlin ont condamné jeudi la Russie pour ses frappes.")
    dyads = {codes(e) for e in found if e.event == "ACCUSE"}
    assert ("ACCUSE", "FRA", "RUS") in dyads and ("ACCUSE", "DEU", "RUS") in dyads


def test_capital_as_subject_is_an_actor_not_a_place(pipeline):
    (event, *_) = events_of(pipeline, "SANCTION",
                            "Washington a suspendu mardi sa coopération avec Moscou.")
    assert event.actor.code == "USA" and event.recipient.code == "RUS"
    assert event.event_loc is None or event.event_loc.geonameid not in (4140963, 524901)


def test_passive_with_agent(pipeline):
    found = events(pipeline, "Le journaliste a été arrêté lundi par la police turque à Istanbul.")
    (event,) = [e for e in found if e.event == "COERCE"]
    assert event.actor.code == "TUR" and event.actor.sector == "COP"
    assert event.date == "2016-10-03"
    assert event.event_loc.resolved_place == "Istanbul"


def test_apposition_resolves_the_person(pipeline):
    text = "John Kerry, le secrétaire d'Etat américain, a accusé la Russie de mentir."
    (event,) = events_of(pipeline, "ACCUSE", text)
    assert event.actor.code == "USA" and event.recipient.code == "RUS"


def test_reported_content_of_an_accusation_is_not_an_event(pipeline):
    text = "Le Mali accuse la France d'avoir bombardé un village près de Gao."
    found = events(pipeline, text)
    assert [e.event for e in found] == ["ACCUSE"]


def test_negation_and_future(pipeline):
    (negated,) = [e for e in events(pipeline, "Le gouvernement n'a pas signé l'accord de paix.")
                  if e.event in ("SUPPORT", "AGREE")]
    assert "negation" in negated.aux
    # PLOVER: a cooperative act announced for the future is an intention, coded AGREE
    (future,) = [e for e in events(pipeline, "Le président russe rencontrera son homologue turc à Ankara.")
                 if e.event in ("CONSULT", "AGREE")]
    assert future.event == "AGREE" and "future" in future.aux


def test_nominal_trigger_takes_its_genitive_as_actor(pipeline):
    text = "Les bombardements de l'armée russe ont repris sur Idleb."
    (event, *_) = events_of(pipeline, "ASSAULT", text)
    assert event.actor.code == "RUS" and event.mode == "aerial"


def test_sector_word_takes_the_article_country(pipeline):
    text = ("Au Mali, la situation reste tendue dans la région de Mopti. "
            "Les soldats ont arrêté trois suspects à Sévaré.")
    (event,) = events_of(pipeline, "COERCE", text)
    assert event.actor.code == "MLI" and event.actor.sector == "MIL"


def test_selon_gives_the_claimant(pipeline):
    text = "Selon l'OSDH, les rebelles ont attaqué une position de l'armée à Hama."
    (event, *_) = events_of(pipeline, "ASSAULT", text)
    assert event.claimant is not None and "OSDH" in event.claimant.entity_text


def test_no_publication_date_means_no_invented_date(pipeline):
    article = pipeline.extract("Les rebelles ont attaqué hier une base de l'armée à Gao.")
    assert article.pub_date is None
    for event in article.events:
        assert event.date is None


def test_offsets_hold_with_odd_spaces_and_quotes(pipeline):
    text = ("Le porte-parole a déclaré : «\u00a0Nous condamnons ces frappes\u00a0».\n\n"
            "L’armée  a  bombardé   Alep le\u00a022\u00a0septembre.")
    article = pipeline.extract(text, pub_date="2016-10-04")
    assert article.events
    for event in article.events:
        assert article.text[event.text_info.trigger_start:event.text_info.trigger_end] \
            in event.event_text
        for entity in (event.actor, event.recipient, event.claimant):
            if entity:
                assert article.text[entity.start:entity.end] == entity.entity_text
    for quote in article.quotes:
        assert article.text[quote.start:quote.end] == quote.text


def test_event_ids_are_stable(pipeline):
    text = "Les rebelles ont attaqué une base de l'armée à Gao."
    first = [e.id for e in events(pipeline, text)]
    second = [e.id for e in events(pipeline, text)]
    assert first and first == second


def test_conditions_refusals_and_readiness(pipeline):
    def one(text):
        (event,) = pipeline.extract(text, pub_date="2024-03-12").events
        return event.event, event.actor.code
    assert one("Le Niger retirera ses troupes du Mali à moins que la junte organise des "
               "élections.") == ("THREATEN", "NER")
    assert one("Le Mali se dit prêt à négocier avec les groupes armés.") == ("AGREE", "MLI")
    assert one("Des hommes armés ont tué trois commerçants à Mopti dimanche.") == (
        "ASSAULT", "MLI")


def test_a_headline_participle_and_a_place_after_pres_de(pipeline):
    (event,) = events(pipeline, "Deux soldats tués dans une embuscade près de Gao.")
    assert event.event == "ASSAULT" and event.actor is None  # not "Gao"
    assert event.recipient.sector == "MIL"
