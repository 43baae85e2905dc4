"""The actor knowledge base (organisations.yaml, people.yaml) loads and is consistent
with the country codes and the country names we already ship."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from eventscribe.actors.kb import read_tsv
import yaml

from eventscribe.schema import SECTORS
from eventscribe.settings import DATA_DIR

ACTORS = DATA_DIR / "actors"
SUPRA_CODES = {"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"}
LANGS = ("fr", "en")




@pytest.fixture(scope="module")
def country_codes():
    return {row["code"] for row in list(read_tsv(ACTORS / "countries.tsv"))}


@pytest.fixture(scope="module")
def country_texts():
    """Every country name, demonym, capital and seat, lower-cased, per language."""
    texts = {}
    for lang in LANGS:
        texts[lang] = {row["text"].strip().lower()
                       for row in list(read_tsv(ACTORS / "names" / f"{lang}.tsv"))}
    return texts


@pytest.fixture(scope="module")
def organisations():
    data = yaml.safe_load((ACTORS / "organisations.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    return data


@pytest.fixture(scope="module")
def people():
    data = yaml.safe_load((ACTORS / "people.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    return data


def _as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"not a date: {value!r}")


def _check_code(code, country_codes):
    assert code in country_codes or code in SUPRA_CODES, f"unknown code {code!r}"


# --- organisations -----------------------------------------------------------

def test_organisation_fields(organisations, country_codes):
    for org in organisations:
        assert set(org) <= {"id", "code", "sector", "names"}, org
        assert isinstance(org["id"], str) and org["id"], org
        _check_code(org["code"], country_codes)
        assert org["sector"] in SECTORS, org
        names = org.get("names") or {}
        assert set(names) <= set(LANGS), org["id"]
        all_names = [n for lang in names for n in names[lang] or []]
        assert all_names, f"{org['id']} has no name"
        for name in all_names:
            assert isinstance(name, str) and name.strip() == name and name, (org["id"], name)


def test_organisation_ids_unique(organisations):
    ids = [org["id"] for org in organisations]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates


def test_organisation_names_unambiguous(organisations):
    for lang in LANGS:
        owners = defaultdict(set)
        for org in organisations:
            for name in (org.get("names") or {}).get(lang) or []:
                owners[name.lower()].add(org["id"])
        shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
        assert not shared, f"{lang}: names shared by several organisations: {shared}"


def test_organisation_names_are_not_country_names(organisations, country_texts):
    for lang in LANGS:
        for org in organisations:
            for name in (org.get("names") or {}).get(lang) or []:
                assert name.lower() not in country_texts[lang], (org["id"], name)


# --- people ------------------------------------------------------------------

def _forms(person):
    forms = [person["name"], *(person.get("aliases") or [])]
    for lang_forms in (person.get("spellings") or {}).values():
        forms.extend(lang_forms or [])
    return forms


def test_people_fields(people, country_codes):
    for person in people:
        assert set(person) <= {"name", "aliases", "spellings", "roles"}, person
        assert isinstance(person["name"], str) and person["name"]
        for form in _forms(person):
            assert isinstance(form, str) and form.strip() == form and form, person["name"]
        assert set(person.get("spellings") or {}) <= set(LANGS), person["name"]
        roles = person.get("roles") or []
        assert roles, f"{person['name']} has no role"
        for role in roles:
            assert set(role) <= {"code", "sector", "title", "from", "to"}, (person["name"], role)
            for key in ("code", "sector", "from"):
                assert role.get(key), (person["name"], key, role)
            _check_code(role["code"], country_codes)
            assert role["sector"] in SECTORS, (person["name"], role)
            title = role.get("title") or {}
            assert set(title) <= set(LANGS), (person["name"], role)
            assert all(isinstance(t, str) and t for t in title.values()), (person["name"], role)
            start = _as_date(role["from"])
            if role.get("to") is not None:
                end = _as_date(role["to"])
                assert start <= end, (person["name"], role)


def _periods(person):
    far = dt.date(9999, 12, 31)
    return [(_as_date(r["from"]), _as_date(r["to"]) if r.get("to") else far)
            for r in person["roles"]]


def test_people_names_unique(people):
    """A form names one person, or people never in office at the same time ("Assad":
    Hafez then Bashar), whom the knowledge base tells apart by the article's date."""
    owners = defaultdict(list)
    for person in people:
        for form in set(f.lower() for f in _forms(person)):
            owners[form].append(person)
    for form, persons in owners.items():
        names = [p["name"] for p in persons]
        assert len(set(names)) == len(names), f"{form!r}: a person listed twice: {names}"
        periods = [(p["name"], start, end) for p in persons for start, end in _periods(p)]
        for i, (a, start_a, end_a) in enumerate(periods):
            for b, start_b, end_b in periods[i + 1:]:
                assert a == b or end_a <= start_b or end_b <= start_a, \
                    f"{form!r} names {a} and {b}, both in office at once"


def test_people_aliases_are_not_country_names(people, country_texts):
    every_country_text = set().union(*country_texts.values())
    for person in people:
        for form in _forms(person):
            assert form.lower() not in every_country_text, (person["name"], form)

