"""Time stage: finding date expressions and resolving them against the publication date."""

from __future__ import annotations

import datetime as dt
import re
import time
import tokenize
from pathlib import Path

import pytest

from eventscribe.time import TimeExpression, find_time_expressions, load_lexicon, supported_languages
from eventscribe.time import expressions as engine

PUB = dt.date(2016, 10, 4)  # a Tuesday


def find(text: str, lang: str = "fr", pub: dt.date | None = PUB) -> list[TimeExpression]:
    found = find_time_expressions(text, lang, pub)
    for expr in found:
        assert text[expr.start:expr.end] == expr.text
    return found


def one(text: str, lang: str = "fr", pub: dt.date | None = PUB) -> TimeExpression:
    found = find(text, lang, pub)
    assert len(found) == 1, found
    return found[0]


# -- French ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, value, precision, timex", [
    ("L'offensive lancée le 22 septembre a repris.", "le 22 septembre", "2016-09-22", "day", "2016-09-22"),
    ("Une trêve annoncée lundi soir par Moscou.", "lundi soir", "2016-10-03", "day", "2016-10-03TEV"),
    ("Ce mardi matin, les frappes ont repris.", "Ce mardi matin", "2016-10-04", "day", "2016-10-04TMO"),
    ("Le convoi a été bombardé hier.", "hier", "2016-10-03", "day", "2016-10-03"),
    ("Le ministre s'est rendu à Alep la semaine dernière.", "la semaine dernière", "2016-W39", "week",
     "2016-W39"),
    ("L'hôpital a été touché il y a deux jours.", "il y a deux jours", "2016-10-02", "day", "2016-10-02"),
    ("L'accord avait été signé en 2015.", "2015", "2015", "year", "2015"),
    ("L'accord avait été signé en mai 2012.", "mai 2012", "2012-05", "month", "2012-05"),
    ("Il était arrivé le 1er janvier 2016.", "le 1er janvier 2016", "2016-01-01", "day", "2016-01-01"),
    ("Les combats ont repris mercredi dernier.", "mercredi dernier", "2016-09-28", "day", "2016-09-28"),
    ("Le sommet aura lieu le mois prochain.", "le mois prochain", "2016-11", "month", "2016-11"),
    ("Les ventes ont chuté l'an dernier.", "l'an dernier", "2015", "year", "2015"),
    ("Avant-hier, la ville est tombée.", "Avant-hier", "2016-10-02", "day", "2016-10-02"),
    ("Le vote est prévu demain.", "demain", "2016-10-05", "day", "2016-10-05"),
    ("Le cessez-le-feu expire dans trois jours.", "dans trois jours", "2016-10-07", "day", "2016-10-07"),
    ("La ville est assiégée depuis début juillet.", "début juillet", "2016-07", "month", "2016-07"),
    ("Les pourparlers reprendront mi-octobre.", "mi-octobre", "2016-10", "month", "2016-10"),
    ("Le régime a annoncé aujourd'hui un cessez-le-feu.", "aujourd'hui", "2016-10-04", "day", "2016-10-04"),
    ("Les frappes ont eu lieu dans la nuit de samedi à dimanche.", "la nuit de samedi à dimanche",
     "2016-10-01", "day", "2016-10-01TNI"),
])
def test_french_expressions(text, span, value, precision, timex):
    expr = one(text)
    assert (expr.text, expr.value, expr.precision, expr.timex_value) == (span, value, precision, timex)
    assert expr.timex_type in ("DATE", "TIME")


def test_french_year_is_taken_from_the_publication_date():
    assert one("le 15 mars").value == "2016-03-15"          # past rather than five months ahead
    assert one("le 10 octobre").value == "2016-10-10"       # a few days ahead beats a year ago
    assert one("le 4 octobre dernier").value == "2015-10-04"
    assert one("en juin prochain").value == "2017-06"
    assert one("le 22 septembre").relative is True
    assert one("le 22 septembre 2012").relative is False


def test_french_dateline_is_absolute():
    text = "22 mai 2012. - Le lancement a été reporté samedi dernier."
    first = find(text, pub=None)[0]
    assert (first.start, first.text, first.value, first.precision) == (0, "22 mai 2012", "2012-05-22", "day")
    assert first.relative is False


def test_without_publication_date_relative_expressions_have_no_value():
    found = find("Lancée le 22 septembre, annoncée lundi soir, hier et il y a deux jours.", pub=None)
    assert [e.text for e in found] == ["le 22 septembre", "lundi soir", "hier", "il y a deux jours"]
    assert all(e.value is None and e.precision is None and e.relative for e in found)
    assert found[0].timex_value == "XXXX-09-22"


def test_french_durations_and_sets():
    expr = one("Les combats ont duré pendant trois jours.")
    assert (expr.text, expr.timex_type, expr.timex_value, expr.value) == ("trois jours", "DURATION", "P3D", None)
    assert one("Il est détenu depuis deux ans.").timex_value == "P2Y"
    assert one("depuis plusieurs mois").timex_value == "PXM"
    assert one("environ deux mois").mod == "APPROX"
    assert one("Les manifestations ont lieu tous les vendredis.").timex_value == "XXXX-WXX-5"
    assert one("Ils passent chaque jour.").timex_type == "SET"


def test_french_times_hang_on_the_day_they_follow():
    found = find("Il a été blessé mardi vers 21 h 45. Il est décédé hier matin.")
    assert [(e.text, e.timex_type, e.timex_value) for e in found] == [
        ("mardi", "DATE", "2016-10-04"), ("21 h 45", "TIME", "2016-10-04T21:45"),
        ("hier matin", "TIME", "2016-10-03TMO")]
    later = find("Les faits remontent au 27 mai 1998. Le lendemain, il a été arrêté.")
    assert later[1].text == "Le lendemain" and later[1].value == "1998-05-28"


@pytest.mark.parametrize("text", [
    "La sonde a atterri sur Mars après un long voyage.",
    "Mars est la quatrième planète.",
    "Mai Thi Hoa a été libérée.",
    "La Maison Blanche, à Washington, a réagi.",
    "L'attaque a fait 22 morts et 3 blessés.",
    "Plus de 2000 manifestants ont défilé.",
    "Une fillette de 6 ans a été blessée.",
    "Alain Parmentier, 53 ans, employé de la société.",
    "Le bilan a été révisé à la hausse.",
    "Il a été arrêté.",
])
def test_french_no_false_positives(text):
    assert find(text) == []


def test_ambiguous_months_need_a_day_a_year_or_a_cue():
    assert one("le 3 mars").value == "2016-03-03"
    assert one("en mai").value == "2016-05"
    assert one("mars 2014").value == "2014-03"
    assert find("Mars") == [] and find("mai") == []


# -- English --------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, value, precision, timex", [
    ("The offensive launched on September 22 continues.", "September 22", "2016-09-22", "day", "2016-09-22"),
    ("The truce was announced on Monday night.", "Monday night", "2016-10-03", "day", "2016-10-03TNI"),
    ("Rebels attacked the town last Tuesday.", "last Tuesday", "2016-09-27", "day", "2016-09-27"),
    ("The hospital was hit two days ago.", "two days ago", "2016-10-02", "day", "2016-10-02"),
    ("This morning the minister resigned.", "This morning", "2016-10-04", "day", "2016-10-04TMO"),
    ("The talks held earlier this month failed.", "earlier this month", "2016-10", "month", "2016-10"),
    ("The convoy was bombed yesterday.", "yesterday", "2016-10-03", "day", "2016-10-03"),
    ("The minister visited Aleppo last week.", "last week", "2016-W39", "week", "2016-W39"),
    ("Troops withdrew on Sept. 22, 2012.", "Sept. 22, 2012", "2012-09-22", "day", "2012-09-22"),
    ("The deal was signed in 2015.", "2015", "2015", "year", "2015"),
    ("The deal was signed in May 2012.", "May 2012", "2012-05", "month", "2012-05"),
])
def test_english_expressions(text, span, value, precision, timex):
    expr = one(text, "en")
    assert (expr.text, expr.value, expr.precision, expr.timex_value) == (span, value, precision, timex)


@pytest.mark.parametrize("text", [
    "NASA said Mars will be visible.",
    "Protesters may march to the capital.",
    "Theresa May spoke in Washington.",
    "The attack left 22 dead.",
    "More than 2000 protesters gathered.",
    "A 10-year-old boy was injured.",
])
def test_english_no_false_positives(text):
    assert find(text, "en") == []


def test_english_without_publication_date():
    found = find("It happened last Tuesday, two days ago, on September 22.", "en", None)
    assert [e.text for e in found] == ["last Tuesday", "two days ago", "September 22"]
    assert all(e.value is None and e.relative for e in found)


# -- the whole article ----------------------------------------------------------------

ARTICLE = """22 mai 2012. - Le lancement, prévu initialement pour samedi dernier, a été reporté.
Hier soir, vers 21 h 30, la capsule a décollé ; elle restera 18 jours accrochée à la station.
Les tirs ont repris le 3 juin et les 6 et 7 juin, puis début juillet, avant la trêve de l'an dernier.
Il y a quelques mois, le ministre avait promis un accord « d'ici à 2014 ». Désormais, chaque semaine compte.
"""


def test_offsets_and_order_on_an_article():
    found = find(ARTICLE * 3)
    assert found == sorted(found, key=lambda e: e.start)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    texts = [e.text for e in found[:len(found) // 3]]
    assert texts[:4] == ["22 mai 2012", "samedi dernier", "Hier soir", "21 h 30"]
    assert "les 6" in texts and "7 juin" in texts


def test_trigger_windows_lose_nothing(monkeypatch):
    text = ARTICLE + " Lancée le 22 septembre, annoncée lundi soir. Ce mardi matin, la semaine dernière."
    gated = find(text)
    monkeypatch.setattr(engine, "_windows", lambda text, spans: iter([(0, len(text))]))
    assert find(text) == gated


def test_speed():
    text = " ".join([ARTICLE.replace("\n", " ")] * 80)        # about 5,000 words
    find_time_expressions(text, "fr", PUB)
    start = time.perf_counter()
    for _ in range(5):
        find_time_expressions(text, "fr", PUB)
    assert (time.perf_counter() - start) / 5 < 0.1            # ~15 ms on a laptop


# -- data -----------------------------------------------------------------------------

def test_languages():
    assert {"fr", "en"} <= set(supported_languages())
    with pytest.raises(ValueError):
        find_time_expressions("hier", "xx", PUB)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lexicon_is_complete(lang):
    lex = load_lexicon(lang)
    assert set(lex.vocab["month"].values()) == set(range(1, 13))
    assert set(lex.vocab["weekday"].values()) == set(range(1, 8))
    assert all(p.triggers for p in lex.patterns)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_pattern_example(lang):
    for pat in load_lexicon(lang).patterns:
        assert pat.example, f"{lang}: pattern without example: {pat.source}"
        assert pat.regex.search(pat.example), f"{lang}: {pat.source!r} misses {pat.example!r}"
        found = find(pat.example, lang)
        if pat.kind == "block":
            assert not any(e.timex_type == "DURATION" for e in found), (pat.example, found)
        else:
            assert found, f"{lang}: nothing found in {pat.example!r}"


def _code_without_docs(path: Path) -> str:
    """A module's names and string literals, without its comments and docstrings."""
    with path.open(encoding="utf-8") as f:
        tokens = tokenize.generate_tokens(f.readline)
        return " ".join(t.string.lower() for t in tokens
                        if t.type == tokenize.NAME
                        or (t.type == tokenize.STRING and not t.string.startswith('"""')))


def test_engine_names_no_language():
    code = " ".join(_code_without_docs(p) for p in Path(engine.__file__).parent.glob("*.py"))
    for lang in supported_languages():
        lex = load_lexicon(lang)
        for slot in ("month", "weekday", "relday"):
            for word in lex.vocab[slot]:
                if len(word) >= 4:
                    assert not re.search(rf"\b{re.escape(word)}\b", code), (lang, word)
