"""PLOVER events as ACLED event types, in both ACLED vocabularies.

The mapping is data (`data/mappings/plover_acled.yaml`): an ordered list of rules
whose conditions look at the event type, its mode, its contexts and the sectors of
its actor and recipient, because the type alone does not decide (an ASSAULT on
civilians is "Violence against civilians", one with an IED is "Remote violence", one
between armed groups is a "Battle"). The same file turns ACLED actor names
("Military Forces of Mali (2013-2021)") into our codes and sectors (MLI, MIL).

    >>> acled_type(event)             # AcledType(old=…, new=…, sub_event_type=…) or None
    >>> acled_actor("Civilians (Mali)")  # ("MLI", "CVL")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import pycountry

from ..schema import PLOVER_CONTEXTS, PLOVER_EVENTS, PLOVER_MODES, SECTORS, Entity, Event
from ..settings import DATA_DIR, read_yaml

MAPPING_PATH = DATA_DIR / "mappings" / "plover_acled.yaml"
CONDITION_KEYS = ("event", "mode", "context", "actor_sector", "recipient_sector")
_COUNTRY_FIELD = "{country}"


class AcledType(NamedTuple):
    """An ACLED type in the pre-2019 vocabulary, the current one, and its sub-type."""

    old: str
    new: str
    sub_event_type: str | None


@dataclass(frozen=True)
class Rule:
    """Conditions (key → allowed values, already expanded) and the ACLED type they give."""

    when: dict[str, frozenset[str | None]]
    result: AcledType

    def matches(self, event: Event) -> bool:
        for key, allowed in self.when.items():
            if key == "event" and event.event not in allowed:
                return False
            if key == "mode" and event.mode not in allowed:
                return False
            if key == "context" and not allowed.intersection(event.context):
                return False
            if key == "actor_sector" and _sector(event.actor) not in allowed:
                return False
            if key == "recipient_sector" and _sector(event.recipient) not in allowed:
                return False
        return True


@dataclass(frozen=True)
class ActorRule:
    """An ACLED actor name pattern and the code/sector it stands for."""

    pattern: re.Pattern[str]
    code: str | None  # a code, or "{country}" for the pattern's country group
    sector: str | None


@dataclass(frozen=True)
class AcledMapping:
    """The parsed mapping file: both vocabularies, the event rules, the actor rules."""

    old_types: tuple[str, ...]
    new_types: dict[str, tuple[str, ...]]  # event type → its sub-event types
    sector_groups: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    actors: tuple[ActorRule, ...]


def _sector(entity: Entity | None) -> str | None:
    return entity.sector if entity is not None else None


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _expand(values: list[Any], groups: dict[str, tuple[str, ...]], where: str) -> set[str | None]:
    expanded: set[str | None] = set()
    for value in values:
        if isinstance(value, str) and value.startswith("@"):
            if value[1:] not in groups:
                raise ValueError(f"{where}: unknown sector group {value!r}")
            expanded.update(groups[value[1:]])
        else:
            expanded.add(value)
    return expanded


def _check_rule(rule: Rule, mapping_old: tuple[str, ...],
                mapping_new: dict[str, tuple[str, ...]], where: str) -> None:
    """Every name in a rule must be a PLOVER or ACLED name: typos fail at load time."""
    events = rule.when.get("event")
    if not events or not events <= set(PLOVER_EVENTS):
        got = sorted(map(str, events or []))
        raise ValueError(f"{where}: event must be PLOVER types, got {got}")
    modes = {m for e in events for m in PLOVER_MODES[e]} | {None}
    if not rule.when.get("mode", frozenset()) <= modes:
        got = sorted(map(str, rule.when["mode"]))
        raise ValueError(f"{where}: mode not of {sorted(map(str, events))}: {got}")
    if not rule.when.get("context", frozenset()) <= set(PLOVER_CONTEXTS):
        raise ValueError(f"{where}: unknown context in {sorted(map(str, rule.when['context']))}")
    for key in ("actor_sector", "recipient_sector"):
        if not rule.when.get(key, frozenset()) <= set(SECTORS) | {None}:
            raise ValueError(f"{where}: unknown sector in {key}")
    old, new, sub = rule.result
    if old not in mapping_old:
        raise ValueError(f"{where}: {old!r} is not an old ACLED event type")
    if new not in mapping_new:
        raise ValueError(f"{where}: {new!r} is not a current ACLED event type")
    if sub is not None and sub not in mapping_new[new]:
        raise ValueError(f"{where}: {sub!r} is not a sub-event type of {new!r}")


def parse_mapping(data: dict[str, Any]) -> AcledMapping:
    """Build and check the mapping from the YAML's content (raises ValueError)."""
    vocab = data["vocabularies"]
    old_types = tuple(vocab["old"])
    new_types = {name: tuple(subs) for name, subs in vocab["new"].items()}
    groups = {name: tuple(values) for name, values in (data.get("sector_groups") or {}).items()}
    for name, values in groups.items():
        if not set(values) <= set(SECTORS):
            raise ValueError(f"sector group {name}: unknown sector in {values}")
    rules = []
    for number, raw in enumerate(data["rules"], 1):
        where = f"rule {number}"
        unknown = set(raw.get("when") or {}) - set(CONDITION_KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown condition {sorted(unknown)}")
        when = {key: frozenset(_expand(_as_list(value), groups, where))
                for key, value in raw["when"].items()}
        rule = Rule(when, AcledType(raw["old"], raw["new"], raw.get("sub_event_type")))
        _check_rule(rule, old_types, new_types, where)
        rules.append(rule)
    actors = []
    for number, raw in enumerate(data.get("actors") or [], 1):
        pattern = re.compile(raw["pattern"])
        code = raw.get("code")
        if code == _COUNTRY_FIELD and "country" not in pattern.groupindex:
            raise ValueError(f"actor rule {number}: {{country}} needs a (?P<country>…) group")
        if raw.get("sector") is not None and raw["sector"] not in SECTORS:
            raise ValueError(f"actor rule {number}: unknown sector {raw['sector']!r}")
        actors.append(ActorRule(pattern, code, raw.get("sector")))
    return AcledMapping(old_types, new_types, groups, tuple(rules), tuple(actors))


@lru_cache(maxsize=4)
def load_mapping(path: Path = MAPPING_PATH) -> AcledMapping:
    """The mapping file, parsed and checked once."""
    return parse_mapping(read_yaml(Path(path)))


def acled_type(event: Event, mapping: AcledMapping | None = None) -> AcledType | None:
    """(old_type, new_type, sub_event_type) of an event, or None when ACLED would not code it."""
    for rule in (mapping or load_mapping()).rules:
        if rule.matches(event):
            return rule.result
    return None


@lru_cache(maxsize=1024)
def country_code(name: str) -> str | None:
    """ISO alpha-3 of a country name or code ("Mali", "ML", "MLI"); None when not a country.

    pycountry's exact lookup first (names, official names, codes), then our own
    country names (data/actors/names/en.tsv), so "Ivory Coast" and "Russia" work.
    Nothing fuzzy: "International" or "Aid Workers" give None.
    """
    name = name.strip()
    if not name:
        return None
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        pass
    return _country_names().get(name.casefold())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from ..actors.kb import ACTORS_DIR, read_tsv

    names: dict[str, str] = {}
    for row in read_tsv(ACTORS_DIR / "names" / "en.tsv"):
        if row.get("kind") == "name" and row.get("text"):
            names.setdefault(row["text"].casefold(), row["code"])
    return names


def acled_actor(name: str, mapping: AcledMapping | None = None
                ) -> tuple[str | None, str | None] | None:
    """(code, sector) of an ACLED actor name, None when no rule knows it.

    Either part may be None: an unknown country ("Civilians (International)") or an
    unknown sector (a movement whose nature the mapping does not decide).
    """
    for rule in (mapping or load_mapping()).actors:
        found = rule.pattern.search(name)
        if found is None:
            continue
        code = rule.code
        if code == _COUNTRY_FIELD:
            code = country_code(found.group("country"))
        return code, rule.sector
    return None
