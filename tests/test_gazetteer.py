"""The gazetteer: names → ranked GeoNames places, built from registry packages."""

from __future__ import annotations

import csv
import time

import pycountry
import pytest

from eventscribe.places.build import clean_alternate
from eventscribe.places.gazetteer import (
    EXTRAS_DIR, Gazetteer, Place, abbreviation, cache_path, normalize,
)

ALEPPO, DAMASCUS, MOSCOW, WASHINGTON_DC = 170063, 170654, 524901, 4140963


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()  # builds the cache file on first use


def first(gaz: Gazetteer, name: str) -> Place:
    found = gaz.candidates(name)
    assert found, f"no candidate for {name!r}"
    return found[0]


# ---- names people write, French and English

@pytest.mark.parametrize("name", ["Alep", "Aleppo", "ALEP", "alep"])
def test_aleppo_the_city_comes_first(gaz, name):
    assert first(gaz, name).geonameid == ALEPPO


@pytest.mark.parametrize("name", ["Damas", "Damascus"])
def test_damascus(gaz, name):
    place = first(gaz, name)
    assert place.geonameid == DAMASCUS
    assert place.feature_code == "PPLC" and place.resolution == "city"


def test_syrie_is_the_country(gaz):
    place = first(gaz, "Syrie")
    assert place.country_code == "SY"
    assert place.resolution == "country" and place.feature_code == "PCLI"
    assert place == gaz.country("SY")


def test_washington_includes_the_capital(gaz):
    ids = [p.geonameid for p in gaz.candidates("Washington")]
    assert WASHINGTON_DC in ids
    assert ids[0] == WASHINGTON_DC  # before the state and the other Washingtons
    assert first(gaz, "Washington D.C.").geonameid == WASHINGTON_DC


def test_moscou(gaz):
    assert first(gaz, "Moscou").geonameid == MOSCOW


@pytest.mark.parametrize("name", ["Bamako", "Gao", "Tombouctou", "Timbuktu", "Kidal", "Mopti"])
def test_malian_towns_resolve_in_mali(gaz, name):
    place = first(gaz, name)
    assert place.country_code == "ML"
    assert place.resolution == "city"


@pytest.mark.parametrize("name, expected", [
    ("Le Caire", "Cairo"), ("Caire", "Cairo"), ("La Havane", "Havana"),
    ("Pékin", "Beijing"), ("Londres", "London"), ("Saint-Pétersbourg", "Saint Petersburg"),
    ("Nouvelle-Orléans", "New Orleans"), ("Mossoul", "Mosul"), ("N'Djamena", "N'Djamena"),
    ("Royaume-Uni", "United Kingdom"), ("États-Unis", "United States"),
    ("Etats-Unis", "United States"), ("Côte d'Ivoire", "Ivory Coast"),
    ("Bavière", "Bavaria"), ("Californie", "California"), ("Tchétchénie", "Chechnya"),
    ("Afrique", "Africa"), ("Moyen-Orient", "Middle East"), ("Lodz", "Łódź"),
])
def test_exonyms_and_articles(gaz, name, expected):
    assert first(gaz, name).name == expected


def test_countries_rank_before_cities(gaz):
    places = gaz.candidates("Mexico")
    assert places[0].resolution == "country" and places[0].country_code == "MX"
    assert any(p.resolution == "city" for p in places)


def test_big_namesake_city_before_the_region(gaz):
    assert first(gaz, "New York").resolution == "city"
    assert first(gaz, "Oklahoma").resolution == "admin1"
    assert first(gaz, "Ontario").country_code == "CA"


# ---- junk names

@pytest.mark.parametrize("code", ["US", "EU", "UK", "U.S.", "U.K."])
def test_codes_never_hit_villages(gaz, code):
    assert all(p.resolution != "city" for p in gaz.candidates(code))


def test_curated_abbreviations(gaz):
    assert first(gaz, "US").country_code == "US"
    assert first(gaz, "U.S.").country_code == "US"
    assert first(gaz, "UK").country_code == "GB"
    assert gaz.candidates("EU") == []
    assert first(gaz, "RDC").country_code == "CD"
    # the village Us keeps its own name
    assert first(gaz, "Us").country_code == "FR"


@pytest.mark.parametrize("name", ["White House", "Maison Blanche", "Nord", "Centre", "1000"])
def test_generic_words_are_not_places(gaz, name):
    assert not gaz.is_place_name(name)


@pytest.mark.parametrize("raw", ["ALP", "OSAP", "12", "http://x.org", "hlb", "a lei po", "حلب",
                                 "Алеппо", "X"])
def test_clean_alternate_drops_junk(raw):
    assert clean_alternate(raw) is None


@pytest.mark.parametrize("raw", ["Alep", "Halab", "Ḩalab", "Aleppó"])
def test_clean_alternate_keeps_latin_names(raw):
    assert clean_alternate(raw) == raw


# ---- normalisation

@pytest.mark.parametrize("raw, key", [
    ("L'Aquila", "aquila"), ("l’Aquila", "aquila"), ("Saint-Pétersbourg", "saint petersbourg"),
    ("N'Djamena", "ndjamena"), ("Washington D.C.", "washington dc"), ("The Hague", "hague"),
    ("les Mureaux", "mureaux"), ("  Le  Caire ", "caire"), ("Köln", "koln"), ("Straße", "strasse"),
    ("Łódź", "lodz"), ("Diyarbakır", "diyarbakir"), ("Œuilly", "oeuilly"),
])
def test_normalize(raw, key):
    assert normalize(raw) == key


def test_abbreviation():
    assert abbreviation("U.S.") == "US"
    assert abbreviation("RDC") == "RDC"
    assert abbreviation("Us") is None and abbreviation("Paris") is None


# ---- the rest of the interface

def test_country_by_iso2_and_iso3(gaz):
    assert gaz.country("SY") == gaz.country("SYR") == gaz.country("sy")
    assert gaz.country("XX") is None
    us = gaz.country("US")
    assert us.feature_code == "PCLI" and us.geonameid == 6252001
    # a centroid, not the capital
    assert Gazetteer.distance_km(us, gaz.get(WASHINGTON_DC)) > 1000


def test_every_iso_country_is_there(gaz):
    missing = [c.alpha_2 for c in pycountry.countries if gaz.country(c.alpha_2) is None]
    assert missing == []


def test_get_and_admin1(gaz):
    aleppo = gaz.get(ALEPPO)
    assert aleppo.name == "Aleppo" and aleppo.country_code == "SY"
    region = gaz.admin1_of(aleppo)
    assert region is not None and region.feature_code == "ADM1" and region.country_code == "SY"
    assert region.resolution == "admin1"
    assert gaz.get(-1) is None


def test_continents(gaz):
    europe = first(gaz, "Europe")
    assert europe.resolution == "continent" and europe.country_code == ""


def test_distance_km():
    paris = Place(1, "Paris", 48.8566, 2.3522, "FR", "PPLC", 0, None)
    london = Place(2, "London", 51.5074, -0.1278, "GB", "PPLC", 0, None)
    assert 340 < Gazetteer.distance_km(paris, london) < 350
    assert Gazetteer.distance_km(paris, paris) == 0


def test_every_place_has_valid_coordinates(gaz):
    assert len(gaz) > 150_000
    assert -90 <= min(gaz._lat) and max(gaz._lat) <= 90
    assert -180 <= min(gaz._lon) and max(gaz._lon) <= 180
    assert all(gaz._name) and len(set(gaz._gid)) == len(gaz)


def test_lookups_are_hash_based(gaz):
    assert type(gaz._keys) is dict and type(gaz._by_gid) is dict
    assert type(gaz._countries) is dict and type(gaz._abbr) is dict
    sample = next(iter(gaz._keys.values()))
    assert isinstance(sample, (int, tuple))
    started = time.perf_counter()
    for _ in range(2000):
        gaz.candidates("Alep")
        gaz.candidates("nowhere at all")
    assert time.perf_counter() - started < 1.0


def test_singleton(gaz):
    assert Gazetteer.load() is gaz


def test_load_time_from_cache(gaz):
    path = cache_path()
    assert path.exists()
    started = time.perf_counter()
    fresh = Gazetteer._load_or_build(path)
    elapsed = time.perf_counter() - started
    print(f"gazetteer load from {path.name}: {elapsed:.2f} s, {len(fresh)} places")
    assert elapsed < 5.0
    assert fresh.candidates("Alep")[0].geonameid == ALEPPO


# ---- our data files

def _rows(name: str) -> list[dict[str, str]]:
    with open(EXTRAS_DIR / name, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_data_files_are_consistent(gaz):
    for row in _rows("names.tsv"):
        assert row["kind"] in ("name", "abbr"), row
        assert gaz.candidates(row["name"]), row  # every curated name is found
    for row in _rows("regions.tsv"):
        place = gaz.get(int(row["geonameid"]))
        assert place is not None and place.resolution == "continent", row
        assert all(gaz.is_place_name(n) for n in row["names"].split("|")), row
    for row in _rows("country_centroids.tsv"):
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row
        assert gaz.country(row["iso2"]).lat == float(row["lat"]), row
    for row in _rows("stopnames.tsv"):
        assert row["name"] == normalize(row["name"]), row
