"""Our per-language word lists and the country-name tables load and hang together."""


import pytest

from eventscribe.actors.kb import read_tsv

from eventscribe.actors.kb import ActorKB, normalise
from eventscribe.language import profiles
from eventscribe.language.resources import attribution, grammar
from eventscribe.schema import SECTORS
from eventscribe.settings import DATA_DIR

LANGS = sorted(profiles())
KINDS = {"name", "demonym", "capital", "seat"}




@pytest.fixture(scope="module")
def country_codes():
    return {r["code"] for r in list(read_tsv(DATA_DIR / "actors" / "countries.tsv"))}


def test_countries_table(country_codes):
    table = list(read_tsv(DATA_DIR / "actors" / "countries.tsv"))
    assert len(table) >= 195
    assert len({r["iso2"] for r in table}) == len(table) == len(country_codes)
    assert all(len(r["code"]) == 3 and len(r["iso2"]) == 2 for r in table)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_country_names_cover_every_country(lang, country_codes):
    table = list(read_tsv(DATA_DIR / "actors" / "names" / f"{lang}.tsv"))
    assert {r["kind"] for r in table} <= KINDS
    assert {r["code"] for r in table} <= country_codes
    for kind in ("name", "demonym", "capital"):
        covered = {r["code"] for r in table if r["kind"] == kind}
        missing = country_codes - covered - {"ATA"}
        assert len(missing) <= 5, f"{lang} {kind} missing for {sorted(missing)}"
    assert all((r.get("sector") or "GOV") in SECTORS for r in table)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sector_words(lang):
    table = list(read_tsv(DATA_DIR / "lang" / lang / "sectors.tsv"))
    assert len(table) > 200
    assert {r["sector"] for r in table} <= set(SECTORS)
    seen = {}
    for row in table:
        key = normalise(row["text"])
        assert seen.get(key, row["sector"]) == row["sector"], f"{row['text']} has two sectors"
        seen[key] = row["sector"]


@pytest.mark.parametrize("lang", LANGS)
def test_grammar_and_attribution_lists(lang):
    g = grammar(lang)
    for field in ("agent", "genitive", "recipient", "locative", "negation", "complementisers"):
        assert getattr(g, field), f"{lang} grammar.yaml: {field} is empty"
    a = attribution(lang)
    assert a.reporting_verbs and a.source_markers and a.quotes
    assert all(len(pair) == 2 for pair in a.quotes)


def test_kb_lookups():
    kb = ActorKB.load()
    assert kb.lookup("Moscou")[0].code == "RUS"
    assert kb.lookup("le Kremlin")[0].code == "RUS"
    assert kb.lookup("la Maison-Blanche")[0].code == kb.lookup("Maison Blanche")[0].code == "USA"
    assert kb.demonym("syriens") == "SYR"
    assert kb.sector_of("forces gouvernementales") == "MIL"
    assert kb.sector_of("forces de l'ordre") == "COP"
    assert kb.lookup("l'OSDH")[0].sector == "NGO"
    assert kb.lookup("WHO")[0].code == "UNO" and not kb.lookup("who")
    assert not kb.lookup("le monde")  # the world, not the newspaper


def test_people_roles_depend_on_the_date():
    import datetime as dt
    kb = ActorKB.load()
    (kerry,) = kb.lookup("John Kerry", on=dt.date(2016, 10, 4))[:1]
    assert (kerry.code, kerry.sector) == ("USA", "GOV")
    later = kb.lookup("Kerry", on=dt.date(2030, 1, 1))
    assert later and later[0].sector == "ELI"  # a former official

