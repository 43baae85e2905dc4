"""The actor knowledge base: our own files, one base for every language.

    data/actors/countries.tsv        code, iso2, English name
    data/actors/names/<lang>.tsv     code, kind (name|demonym|capital|seat), text[, sector]
    data/actors/organisations.yaml   id, code, sector, names: {<lang>: [...]}
    data/actors/people.yaml          name, aliases, spellings: {<lang>: [...]}, roles: [...]
    data/lang/<lang>/sectors.tsv     text, sector (armée → MIL, forces gouvernementales → MIL)

Lookups are exact on a normalised form (case, accents, apostrophes, hyphens and a
leading article do not matter), so "la Maison-Blanche" finds "Maison Blanche".
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from ..settings import DATA_DIR, read_yaml

ACTORS_DIR = DATA_DIR / "actors"
INTERNATIONAL_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"})
# entries that name a state: its name, its capital, its seat of power ("le Kremlin")
STATE_KINDS = frozenset({"name", "capital", "seat"})
_ARTICLES = ("le ", "la ", "les ", "l ", "the ")
_ARTICLE_WORDS = frozenset(a.strip() for a in _ARTICLES)
_SEPARATORS = re.compile(r"[\s'’`´\-‐‑–—.]+")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes/hyphens/dots as spaces, no leading article.

    Cached: resolution asks for the same few thousand phrases again and again."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SEPARATORS.sub(" ", text).strip()
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            text = text[len(article):]
            break
    return text


def _case_sensitive(text: str) -> bool:
    """Names that are common words once lower-cased: acronyms like WHO, IS, AP, and
    titles that start with an article, like Le Monde (not "le monde", the world)."""
    text = text.strip()
    letters = text.replace(".", "")
    if letters.isalpha() and letters.isupper() and len(letters) <= 4:
        return True
    return text.split(" ", 1)[0] in ("Le", "La", "Les", "The") and " " in text


def _strip_lower_article(text: str) -> str:
    if text[:2] in ("l'", "l’", "L'", "L’") and len(text) > 2:
        return text[2:]
    first, _, rest = text.partition(" ")
    return rest if first in ("le", "la", "les", "the") and rest else text


@dataclass(frozen=True)
class ActorEntry:
    code: str
    sector: str | None
    kind: str                 # name | demonym | capital | seat | organisation | person
    canonical: str
    title: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of one of our TSV files: a header line, '#' comment lines, no quoting."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield {k: (v or "").strip() for k, v in row.items() if k}


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


_MIN_FUZZY = 6  # shorter names are one letter away from too many words (Iran, Iraq)


def _deletions(word: str) -> set[str]:
    """The word and every form of it with one letter dropped: two words one edit apart
    share one of these (symmetric deletion)."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


class ActorKB:
    def __init__(self) -> None:
        self._names: dict[str, list[ActorEntry]] = defaultdict(list)
        self._exact: dict[str, list[ActorEntry]] = {}   # "WHO", "IS", "Le Monde": as written
        self._demonyms: dict[str, str] = {}
        self._sectors: dict[str, dict[str, str]] = {}  # per language: "militants" differ
        self.countries: dict[str, str] = {}      # code → English name
        self._first_words: set[str] | None = None  # built on first use, once loaded
        self._one_off: dict[str, set[str]] | None = None  # misspelt_state's index, idem

    # -- loading ----------------------------------------------------------------
    @classmethod
    def load(cls, languages: Sequence[str] = ("fr", "en")) -> "ActorKB":
        return _load(tuple(languages))

    def _add(self, text: str, entry: ActorEntry) -> None:
        if _case_sensitive(text):
            bucket = self._exact.setdefault(text.strip(), [])
            if entry not in bucket:
                bucket.append(entry)
            return
        key = normalise(text)
        if not key:
            return
        if entry not in self._names[key]:
            self._names[key].append(entry)

    def _load_countries(self) -> None:
        for row in read_tsv(ACTORS_DIR / "countries.tsv"):
            self.countries[row["code"]] = row["name"]

    def _load_names(self, lang: str) -> None:
        path = ACTORS_DIR / "names" / f"{lang}.tsv"
        if not path.exists():
            return
        for row in read_tsv(path):
            code, kind, text = row["code"], row["kind"], row["text"]
            if kind == "demonym":
                self._demonyms.setdefault(normalise(text), code)
                continue
            self._add(text, ActorEntry(code, row.get("sector") or None, kind,
                                       self.countries.get(code, code)))

    def _load_organisations(self, languages: Sequence[str]) -> None:
        path = ACTORS_DIR / "organisations.yaml"
        if not path.exists():
            return
        for org in read_yaml(path) or ():
            names = org.get("names") or {}
            canonical = (names.get("en") or names.get("fr") or [org["id"]])[0]
            entry = ActorEntry(org["code"], org.get("sector"), "organisation", canonical)
            for lang in languages:
                for name in names.get(lang) or ():
                    self._add(name, entry)

    def _load_people(self, languages: Sequence[str]) -> None:
        path = ACTORS_DIR / "people.yaml"
        if not path.exists():
            return
        for person in read_yaml(path) or ():
            forms = [person["name"], *(person.get("aliases") or ())]
            spellings = person.get("spellings") or {}
            for lang in languages:
                forms.extend(spellings.get(lang) or ())
            for role in person.get("roles") or ():
                titles = role.get("title") or {}
                title = next((titles[l] for l in languages if titles.get(l)), None)
                entry = ActorEntry(role["code"], role.get("sector"), "person", person["name"],
                                   title, _date(role.get("from")), _date(role.get("to")))
                for form in forms:
                    self._add(form, entry)

    def _load_sectors(self, lang: str) -> None:
        path = DATA_DIR / "lang" / lang / "sectors.tsv"
        if not path.exists():
            return
        words = self._sectors.setdefault(lang, {})
        for row in read_tsv(path):
            words.setdefault(normalise(row["text"]), row["sector"])

    # -- lookups -----------------------------------------------------------------
    def may_start_name(self, words: Sequence[str]) -> bool:
        """Whether a name can start at a phrase's first word(s) (its first tokens as
        written: the second one counts when the first is an article). A cheap test that
        spares resolution a dozen lookups for every phrase that starts no name."""
        if self._first_words is None:
            self._first_words = {key.split(" ", 1)[0] for key in self._names} | {
                key.split(" ", 1)[0] for key in self._exact}
        for word in words:
            if word in self._first_words:
                return True
            folded = normalise(word).split(" ", 1)[0]
            if folded in self._first_words:
                return True
            if folded not in _ARTICLE_WORDS and word not in ("l'", "l’", "L'", "L’"):
                return False
        return False

    def lookup(self, phrase: str, on: dt.date | None = None) -> list[ActorEntry]:
        """Entries named by the phrase. People: the role held `on` that day; a role
        that ended before it makes them a former official (ELI) of that country."""
        entries = self._exact.get(_strip_lower_article(phrase.strip())) or \
            self._names.get(normalise(phrase), [])
        if not entries:
            return []
        people = [e for e in entries if e.kind == "person"]
        others = [e for e in entries if e.kind != "person"]
        if people:
            people.sort(key=lambda e: e.valid_from or dt.date.min, reverse=True)
            if on is not None:
                current = [e for e in people if e.valid_on(on)]
                if current:
                    people = current
                else:
                    # Out of office that day: still of their country. A former official
                    # is ELI; before their first known role the sector is unknown.
                    past = [e for e in people if e.valid_to and e.valid_to < on]
                    nearest = past[:1] or people[-1:]
                    people = [ActorEntry(e.code, "ELI" if past else None, "person", e.canonical,
                                         e.title, e.valid_from, e.valid_to) for e in nearest]
        return people + others

    def sector_of(self, phrase: str, lang: str | None = None) -> str | None:
        """The sector a word names in a language ("militants": activists in French,
        fighters in English); without a language, the first language that has it."""
        key = normalise(phrase)
        if lang is not None:
            return self._sectors.get(lang, {}).get(key)
        return next((words[key] for words in self._sectors.values() if key in words), None)

    def demonym(self, word: str) -> str | None:
        return self._demonyms.get(normalise(word))

    def misspelt_state(self, word: str) -> ActorEntry | None:
        """The country a misspelt one-word name stands for ("Ethopia"): one letter added,
        dropped or changed inside exactly one country's name of six letters or more (the
        first and last letters kept). Only for words that name nothing as written."""
        key = normalise(word)
        if len(key) < _MIN_FUZZY or " " in key or key in self._names:
            return None
        if self._one_off is None:
            self._one_off = defaultdict(set)
            for name, entries in self._names.items():
                codes = {e.code for e in entries if e.kind == "name"}
                if len(name) >= _MIN_FUZZY and " " not in name and len(codes) == 1:
                    for variant in _deletions(name):
                        self._one_off[variant].add(name)
        names = {name for v in _deletions(key) for name in self._one_off.get(v, ())
                 if name[0] == key[0] and name[-1] == key[-1]}  # not "Frances" for France
        if len(names) != 1:
            return None
        return next(e for e in self._names[names.pop()] if e.kind == "name")

    def country_name(self, code: str) -> str | None:
        return self.countries.get(code)

    def names_a_state(self, phrase: str) -> bool:
        """"Moscou", "la Russie", "le Kremlin": a phrase that can stand for a state."""
        return any(entry.kind in STATE_KINDS for entry in self.lookup(phrase))


@lru_cache(maxsize=None)
def _load(languages: tuple[str, ...]) -> ActorKB:
    kb = ActorKB()
    kb._load_countries()
    for lang in languages:
        kb._load_names(lang)
        kb._load_sectors(lang)
    kb._load_organisations(languages)
    kb._load_people(languages)
    return kb
