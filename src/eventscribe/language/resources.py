"""A language's word lists (data/lang/<code>/*.yaml), loaded once and typed."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache


from ..settings import DATA_DIR, read_yaml


class MissingResource(FileNotFoundError):
    pass


def _load_yaml(lang: str, name: str) -> dict:
    path = DATA_DIR / "lang" / lang / name
    if not path.exists():
        raise MissingResource(f"{path} is missing: language {lang!r} is incomplete")
    return read_yaml(path) or {}


def _words(values: list) -> frozenset[str]:
    # YAML 1.1 reads a bare on/off/no/yes as a boolean: those words must be quoted
    for value in values or ():
        if not isinstance(value, str):
            raise ValueError(f"word list entry {value!r} is not a string (quote it in the YAML)")
    return frozenset(v.lower() for v in values or ())


@dataclass(frozen=True)
class Grammar:
    agent: frozenset[str]
    genitive: frozenset[str]
    patient_genitive: frozenset[str]
    recipient: frozenset[str]
    reciprocal: frozenset[str]
    locative: frozenset[str]
    hypothetical_marks: frozenset[str]
    threat_marks: frozenset[str]
    negation: frozenset[str]
    failure_verbs: frozenset[str]
    future_auxiliaries: frozenset[str]
    historical_markers: frozenset[str]
    neighbourhood_nouns: frozenset[str]
    place_nouns: frozenset[str]
    complementisers: frozenset[str]
    support_verbs: frozenset[str]
    person_nouns: frozenset[str]
    hypothetical_auxiliaries: frozenset[str]


@dataclass(frozen=True)
class Attribution:
    reporting_verbs: frozenset[str]
    source_markers: tuple[str, ...]
    speech_nouns: frozenset[str]
    quotes: tuple[tuple[str, str], ...]


@lru_cache(maxsize=None)
def grammar(lang: str) -> Grammar:
    raw = _load_yaml(lang, "grammar.yaml")
    return Grammar(**{f.name: _words(raw.get(f.name)) for f in fields(Grammar)})


@lru_cache(maxsize=None)
def attribution(lang: str) -> Attribution:
    raw = _load_yaml(lang, "attribution.yaml")
    return Attribution(
        reporting_verbs=_words(raw.get("reporting_verbs")),
        source_markers=tuple(str(m).lower() for m in raw.get("source_markers") or ()),
        speech_nouns=_words(raw.get("speech_nouns")),
        quotes=tuple((str(o), str(c)) for o, c in (raw.get("quotes") or {}).items()),
    )
