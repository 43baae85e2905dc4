"""The PLOVER → ACLED mapping (data/mappings/plover_acled.yaml, output.acled) and the
acled adapter on invented rows in both ACLED formats.

Adapter scores are checked by hand on predictions written by hand (real Event objects);
one test runs the real English pipeline for the shape of the report only.
"""

from pathlib import Path

import pytest
import yaml

from eventscribe import Pipeline
from eventscribe.evaluation import get_adapter
from eventscribe.evaluation.acled import main_event, parse_date
from eventscribe.output.acled import (MAPPING_PATH, acled_actor, acled_type, load_mapping,
                                      parse_mapping)
from eventscribe.schema import PLOVER_EVENTS, PLOVER_MODES, Entity, Event, Location, TextInfo

from predictions import given

FIXTURES = Path(__file__).parent / "data" / "eval-fixtures" / "acled"
OLD_TYPES = {
    "Battle-No change of territory", "Battle-Non-state actor overtakes territory",
    "Battle-Government regains territory", "Remote violence", "Riots/Protests",
    "Strategic development", "Violence against civilians", "Non-violent transfer of territory",
    "Headquarters or base established",
}
NEW_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
             "Riots", "Strategic developments"}


def make_event(event, mode=None, actor=None, recipient=None, context=(), confidence=0.8,
               trigger=0, place=None, date=None, aux=()):
    """An Event built by hand; actor/recipient are (code, sector), place is (lat, lon)."""
    def entity(role):
        return Entity("x", role[0], role[1], 0, 1) if role is not None else None
    location = None
    if place is not None:
        location = Location("x", "x", 1, place[0], place[1], "MLI", "PPL", "city", 0, 1)
    return Event(id=f"{event}-{trigger}", article_id="a", event=event, mode=mode,
                 context=list(context), aux=list(aux), actor=entity(actor),
                 recipient=entity(recipient), claimant=None, event_loc=location, date=date,
                 date_precision="day" if date else None, date_text=None,
                 date_source="text" if date else None, event_text=event.lower(),
                 text_info=TextInfo(0, 10, "sentence", trigger, trigger + 1), language="en",
                 confidence=confidence)


# --- the mapping file ----------------------------------------------------------------

def test_mapping_loads_and_uses_only_plover_and_acled_names():
    with MAPPING_PATH.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    assert set(raw["vocabularies"]["old"]) == OLD_TYPES
    assert set(raw["vocabularies"]["new"]) == NEW_TYPES
    mapping = load_mapping()
    assert mapping.rules and mapping.actors
    for rule in mapping.rules:
        assert rule.when["event"] <= set(PLOVER_EVENTS)
        for mode in rule.when.get("mode", ()):
            assert mode is None or any(mode in PLOVER_MODES[e] for e in rule.when["event"])
        assert rule.result.old in OLD_TYPES
        assert rule.result.new in NEW_TYPES
        assert rule.result.sub_event_type in mapping.new_types[rule.result.new]
    # every PLOVER type ACLED codes has a catch-all rule for ASSAULT and PROTEST at least
    assert acled_type(make_event("ASSAULT")) is not None
    assert acled_type(make_event("PROTEST")) is not None


@pytest.mark.parametrize("broken, message", [
    ({"event": "ATTACK"}, "PLOVER types"),
    ({"event": "ASSAULT", "mode": ["riot"]}, "mode"),
    ({"event": "ASSAULT", "recipient_sector": ["@nobody"]}, "sector group"),
    ({"event": "ASSAULT", "weather": ["rain"]}, "unknown condition"),
])
def test_mapping_typos_fail_at_load(broken, message):
    with MAPPING_PATH.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    raw["rules"] = [{"when": broken, "old": "Remote violence",
                     "new": "Explosions/Remote violence", "sub_event_type": "Grenade"}]
    with pytest.raises(ValueError, match=message):
        parse_mapping(raw)
    raw["rules"] = [{"when": {"event": "ASSAULT"}, "old": "Remote violence",
                     "new": "Battles", "sub_event_type": "Grenade"}]
    with pytest.raises(ValueError, match="sub-event type"):
        parse_mapping(raw)


@pytest.mark.parametrize("event, expected", [
    (make_event("ASSAULT", actor=("MLI", "UAF"), recipient=("MLI", "CVL")),
     ("Violence against civilians", "Violence against civilians", "Attack")),
    (make_event("ASSAULT", "explosives", recipient=("UNO", "MIL")),
     ("Remote violence", "Explosions/Remote violence", "Remote explosive/landmine/IED")),
    # the weapon decides before the victim
    (make_event("ASSAULT", "explosives", actor=("MLI", "REB"), recipient=("MLI", "CVL")),
     ("Remote violence", "Explosions/Remote violence", "Remote explosive/landmine/IED")),
    (make_event("ASSAULT", "aerial", actor=("FRA", "MIL")),
     ("Remote violence", "Explosions/Remote violence", "Air/drone strike")),
    (make_event("ASSAULT", "heavy-weapons", actor=("MLI", "MIL"), recipient=("MLI", "REB")),
     ("Remote violence", "Explosions/Remote violence", "Shelling/artillery/missile attack")),
    (make_event("ASSAULT", actor=("MLI", "MIL"), recipient=("MLI", "REB")),
     ("Battle-No change of territory", "Battles", "Armed clash")),
    # two-sided violence: PLOVER puts both sides in the actor field, no recipient
    (make_event("ASSAULT", "firearms", actor=("MLI", "REB")),
     ("Battle-No change of territory", "Battles", "Armed clash")),
    (make_event("ASSAULT", actor=("MLI", "REB"), context=["territory"]),
     ("Battle-Non-state actor overtakes territory", "Battles",
      "Non-state actor overtakes territory")),
    (make_event("ASSAULT", actor=("MLI", "MIL"), context=["territory"]),
     ("Battle-Government regains territory", "Battles", "Government regains territory")),
    (make_event("ASSAULT", "abduct", actor=("MLI", "UAF"), recipient=("MLI", "MED")),
     ("Violence against civilians", "Violence against civilians",
      "Abduction/forced disappearance")),
    # villagers who lynch are a mob; an ethnic group that attacks is a militia
    (make_event("ASSAULT", "beat", actor=("MLI", "CVL"), recipient=("MLI", "CRM")),
     ("Riots/Protests", "Riots", "Mob violence")),
    (make_event("ASSAULT", actor=("MLI", "ETH"), recipient=("MLI", "CVL")),
     ("Violence against civilians", "Violence against civilians", "Attack")),
    # the method decides before the perpetrator
    (make_event("ASSAULT", "abduct", actor=("MLI", "CVL")),
     ("Violence against civilians", "Violence against civilians",
      "Abduction/forced disappearance")),
    (make_event("ASSAULT", "crowd-control", actor=("MLI", "COP"), recipient=("MLI", "CVL")),
     ("Riots/Protests", "Protests", "Excessive force against protesters")),
    (make_event("PROTEST", "riot", actor=("MLI", "CVL")),
     ("Riots/Protests", "Riots", "Violent demonstration")),
    (make_event("PROTEST", "demo", actor=("MLI", "EDU")),
     ("Riots/Protests", "Protests", "Peaceful protest")),
    (make_event("COERCE", "arrest", actor=("MLI", "MIL"), recipient=("MLI", "REB")),
     ("Strategic development", "Strategic developments", "Arrests")),
    (make_event("RETREAT", "withdraw", actor=("MLI", "REB")),
     ("Non-violent transfer of territory", "Strategic developments",
      "Non-violent transfer of territory")),
    (make_event("AGREE", actor=("MLI", "GOV"), recipient=("MLI", "REB")),
     ("Strategic development", "Strategic developments", "Agreement")),
    (make_event("ACCUSE", "allege", actor=("MLI", "GOV")), None),
    (make_event("THREATEN", "violence", actor=("MLI", "REB")), None),
])
def test_acled_type_on_built_events(event, expected):
    result = acled_type(event)
    assert (tuple(result) if result is not None else None) == expected


@pytest.mark.parametrize("name, expected", [
    ("Military Forces of Mali (2013-2021)", ("MLI", "MIL")),
    ("Military Forces of Mali (2013-) Operational Coordination Mechanism", ("MLI", "MIL")),
    ("Police Forces of Burkina Faso (2015-)", ("BFA", "COP")),
    ("JNIM: Group for Support of Islam and Muslims", ("MLI", "REB")),
    ("Unidentified Armed Group (Mali)", ("MLI", "UAF")),
    ("Civilians (Mali)", ("MLI", "CVL")),
    ("Protesters (Mali)", ("MLI", "CVL")),
    ("Rioters (Niger)", ("NER", "CVL")),
    ("Fulani Ethnic Militia (Mali)", ("MLI", "PRM")),
    ("Civilians (International)", (None, "CVL")),
    ("Some New Group", None),
])
def test_acled_actor_names(name, expected):
    assert acled_actor(name) == expected


def test_main_event_prefers_violence_then_confidence():
    agree = make_event("AGREE", confidence=0.95, trigger=0)
    accuse = make_event("ACCUSE", confidence=0.99, trigger=5)
    weak = make_event("ASSAULT", confidence=0.6, trigger=20)
    strong = make_event("ASSAULT", confidence=0.9, trigger=30)
    negated = make_event("ASSAULT", confidence=0.95, trigger=10, aux=["negation"])
    assert main_event([agree, accuse, weak, strong, negated])[0] is strong
    assert main_event([agree, accuse])[0] is agree
    assert main_event([accuse]) is None
    assert parse_date("22 February 2019") == parse_date("2019-02-22") == "2019-02-22"


def test_a_killing_outranks_the_arrest_or_seizure_of_the_same_note():
    sentence = "Soldiers arrested and executed ten men."
    arrest = make_event("COERCE", "arrest", confidence=0.9)
    arrest.text_info = TextInfo(0, len(sentence), sentence, 9, 17)
    execution = make_event("ASSAULT", "targeted", confidence=0.6, trigger=22)
    execution.text_info = TextInfo(0, len(sentence), sentence, 22, 30)
    assert main_event([arrest, execution])[0] is execution
    beating = make_event("ASSAULT", "beat", confidence=0.6, trigger=22)  # no one died
    assert main_event([arrest, beating])[0] is arrest


# --- the adapter -----------------------------------------------------------------------

OLD_PREDICTIONS = given({
    # right type, actor, place (10 km off) and date; the unmapped ACCUSE is ignored
    "On March 3, unknown gunmen killed two herders near Douentza.": [
        make_event("ACCUSE", confidence=0.95),
        make_event("ASSAULT", actor=("MLI", "UAF"), recipient=("MLI", "AGR"),
                   place=(15.09, -2.95), date="2017-03-03", trigger=20)],
    # ASSAULT chosen over a more confident AGREE; place 40 km off; no date
    "On March 4, Malian soldiers clashed with JNIM militants near Boni, and the two sides "
    "later agreed to a local truce.": [
        make_event("AGREE", actor=("MLI", "MIL"), confidence=0.9, trigger=80),
        make_event("ASSAULT", actor=("MLI", "MIL"), recipient=("MLI", "REB"),
                   place=(15.44, -2.2), trigger=30)],
    # right type, no actor (actor1 JNIM missed), no place
    "On March 5, an IED struck a MINUSMA convoy near Aguelhok.": [
        make_event("ASSAULT", "explosives", recipient=("UNO", "MIL"), date="2017-03-05")],
    # right type and actor, place 100 km off
    "On March 6, hundreds of people protested in Sevare against insecurity.": [
        make_event("PROTEST", "demo", actor=("MLI", "CVL"), place=(15.39, -4.18),
                   date="2017-03-06")],
    # "On March 7, French forces arrested …": no event at all
    # only an event ACLED does not code; actor1 "Militia (Students)" has no country
    "On March 8, students threatened to burn the offices of the rector in Bamako.": [
        make_event("THREATEN", "violence", actor=("MLI", "EDU"), date="2017-03-08")],
})


@pytest.fixture(scope="module")
def old_report():
    return get_adapter("acled").score(FIXTURES / "acled_old_fixture.csv", OLD_PREDICTIONS)


def test_hand_computed_metrics_old_vocabulary(old_report):
    m = old_report.metrics
    assert m["n"] == 6  # the row without notes is left out
    assert m["vocabulary"] == "old"
    assert m["event_type_accuracy"] == round(4 / 6, 4)
    assert m["n_actor1"] == 5 and m["actor1_match"] == 0.6
    assert m["location_25km"] == round(1 / 6, 4)
    assert m["location_50km"] == round(2 / 6, 4)
    assert m["date_accuracy"] == 0.5
    assert m["no_event_rate"] == round(1 / 6, 4)
    assert m["unmapped_rate"] == round(1 / 6, 4)
    assert "sub_event_type_accuracy" not in m
    errors = {e["error"]: e for e in old_report.errors}
    assert set(errors) == {"Strategic development → none", "Violence against civilians → none"}
    assert errors["Strategic development → none"]["example"].startswith("On March 7, French")
    assert any("without notes" in note for note in old_report.notes)
    assert any("Militia (Students)" in note for note in old_report.notes)


def test_new_vocabulary_is_detected_and_sub_types_scored():
    predictions = given({
        "On 1 June 2021, Malian soldiers clashed with militants near Boni.": [
            make_event("ASSAULT", actor=("MLI", "MIL"), recipient=("MLI", "REB"),
                       date="2021-06-01")],
        "On 2 June 2021, a landmine killed three civilians near Douentza.": [
            make_event("ASSAULT", recipient=("MLI", "CVL"), date="2021-06-02")],
    })
    m = get_adapter("acled").score(FIXTURES / "acled_new_fixture.csv", predictions).metrics
    assert m["vocabulary"] == "new" and m["n"] == 2
    assert m["event_type_accuracy"] == 0.5
    assert m["sub_event_type_accuracy"] == 0.5
    assert m["date_accuracy"] == 1.0


def test_real_pipeline_gives_a_complete_report():
    report = get_adapter("acled").evaluate(FIXTURES / "acled_old_fixture.csv", Pipeline(),
                                           limit=3)
    m = report.metrics
    assert m["n"] == 3
    for key in ("event_type_accuracy", "actor1_match", "location_25km", "location_50km",
                "date_accuracy", "no_event_rate"):
        assert m[key] is None or 0.0 <= m[key] <= 1.0
    assert len(report.errors) <= 20
