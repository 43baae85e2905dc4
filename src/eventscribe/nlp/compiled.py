"""spaCy's two rule-based steps, compiled: the same annotations at a fraction of the cost.

Profiling `eventscribe ingest` showed the English model spending a fifth of its time in
its two rule-based components, not in its networks: `attribute_ruler` (179 Matcher
patterns run over every token to turn the tagger's tags into POS and morphology) takes
15 % and `lemmatizer` 7 %; the French lemmatizer costs 70 µs a token. Both are pure
functions of a few token attributes, so they are replaced here by equivalents that
look each distinct case up once:

* `eventscribe_attribute_table` reads the model's own attribute-ruler patterns and
  finds the rules that match a token from the token's attribute values, remembering
  the answer for each distinct combination. Rules are applied as spaCy applies them
  (all matches found first, then set in rule order, the later rule winning).
* `eventscribe_lemma_cache` calls the model's own lemmatizer once per distinct
  (form, POS, morphology) and reuses its answer, which is what the rule and lookup
  lemmatizers depend on; its twin of the model's tables holds the lemma index as sets
  (spaCy's rule lemmatizers scan it as a list of up to 66,000 words).

A pattern the table cannot compile exactly (quantifiers, comparisons, other
attributes) leaves the model's component in place. `tests/test_compiled_rules.py`
checks that the compiled models annotate real texts exactly as the stock ones do.
"""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, NORM, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups, Table
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# Token attributes a compiled pattern may test (an exact value, IN, NOT_IN or REGEX).
_FIELDS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "POS": POS, "IS_SPACE": IS_SPACE,
           "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM}
# Distinct cases remembered before the memory is cleared (a long ingest meets new words
# for ever); a case costs up to half a kilobyte.
_MEMO_LIMIT = 100_000


class NotCompilable(ValueError):
    """A pattern uses what the compiled table does not reproduce exactly."""


def _value(field: int, value: Any, vocab) -> int:
    """A pattern's value as `Doc.to_array` gives it for the field."""
    if field == POS:
        return POS_IDS[value]
    if field == IS_SPACE:
        return int(bool(value))
    return vocab.strings.add(value)


def _conditions(token_pattern: dict[str, Any], vocab) -> list[tuple[int, str, Any]]:
    """One token's pattern as (field, "IN" | "NOT_IN" | "REGEX", values): an exact value
    is IN a set of one; values answer `in` (a frozenset, or a `_Regex`)."""
    conditions = []
    for key, wanted in token_pattern.items():
        field = _FIELDS.get(key.upper())
        if field is None:
            raise NotCompilable(f"pattern key {key!r}")
        if isinstance(wanted, dict):
            if len(wanted) != 1 or next(iter(wanted)) not in ("IN", "NOT_IN", "REGEX"):
                raise NotCompilable(f"pattern {key!r}: {wanted!r}")
            op, values = next(iter(wanted.items()))
        else:
            op, values = "IN", [wanted]
        if op == "REGEX":
            if field in (POS, IS_SPACE):
                raise NotCompilable(f"pattern {key!r}: {wanted!r}")
            conditions.append((field, op, _Regex(re.compile(values), vocab.strings)))
        else:
            conditions.append((field, op, frozenset(_value(field, v, vocab) for v in values)))
    return conditions


class _Regex:
    """A REGEX condition, tested as the Matcher tests it: re.search on the string."""

    def __init__(self, pattern: re.Pattern[str], strings):
        self.pattern, self.strings = pattern, strings

    def __contains__(self, value: int) -> bool:
        return self.pattern.search(self.strings[value]) is not None


def _holds(conditions, row: tuple[int, ...]) -> bool:
    return all((row[p] in values) == (op != "NOT_IN") for p, op, values in conditions)


class _SpecIndex:
    """Which token patterns a row of attribute values matches: exact and IN conditions
    are looked up by value (patterns grouped by the fields they test), NOT_IN and REGEX
    ones checked on the few candidates found."""

    def __init__(self, position: dict[int, int]):
        self.position = position
        self.groups: dict[tuple[int, ...], dict[tuple[int, ...], list]] = {}
        self.unkeyed: list = []  # patterns with NOT_IN or REGEX conditions only

    def add(self, item, conditions) -> None:
        keyed = sorted(((self.position[f], values) for f, op, values in conditions if op == "IN"),
                       key=lambda c: c[0])
        rest = tuple((self.position[f], op, values) for f, op, values in conditions if op != "IN")
        if not keyed:
            self.unkeyed.append((item, rest))
            return
        table = self.groups.setdefault(tuple(p for p, _ in keyed), {})
        for combination in itertools.product(*(sorted(values) for _, values in keyed)):
            table.setdefault(combination, []).append((item, rest))

    def find(self, row: tuple[int, ...]) -> list:
        candidates = list(self.unkeyed)
        for positions, table in self.groups.items():
            candidates.extend(table.get(tuple(row[p] for p in positions), ()))
        return [item for item, rest in candidates if _holds(rest, row)]


class _Compiled:
    """Keeps the model's own component as `source` and serialises as it, so that
    `nlp.to_disk` and `from_disk` still read and write the model's files."""

    source: Any

    def __init__(self, source: Any):
        self.source = source

    def to_bytes(self, **kwargs) -> bytes:
        return self.source.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs):
        self.source.from_bytes(data, **kwargs)
        self.__init__(self.source)
        return self

    def to_disk(self, path, **kwargs) -> None:
        self.source.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs):
        self.source.from_disk(path, **kwargs)
        self.__init__(self.source)
        return self


class AttributeTable(_Compiled):
    """The attribute ruler's patterns as lookups on each token's attribute values."""

    def __init__(self, ruler: AttributeRuler):
        super().__init__(ruler)
        vocab = ruler.vocab
        patterns = [[[_conditions(token, vocab) for token in pattern] for pattern in rule["patterns"]]
                    for rule in ruler.patterns]
        self.fields = sorted({f for rule in patterns for pattern in rule for token in pattern
                              for f, _, _ in token})
        position = {field: i for i, field in enumerate(self.fields)}
        self.attrs = [ruler.attrs[number] for number in range(len(patterns))]
        self._single = _SpecIndex(position)  # rule numbers
        self._first = _SpecIndex(position)   # (rule, its other tokens, index) by first token
        for number, rule in enumerate(patterns):
            index = ruler.indices[number]
            for pattern in rule:
                if len(pattern) == 1:
                    self._single.add(number, pattern[0])
                else:
                    rest = [[(position[f], op, values) for f, op, values in token]
                            for token in pattern[1:]]
                    self._first.add((number, rest, index), pattern[0])
        # a row of values → (the merged attrs of its single-token rules, its rule numbers,
        # the multi-token patterns that may start on it)
        self._memo: dict[tuple[int, ...], tuple[dict | None, list[int], list]] = {}

    def _case(self, row: tuple[int, ...]):
        case = self._memo.get(row)
        if case is None:
            numbers = sorted(set(self._single.find(row)))
            merged: dict = {}
            for number in numbers:  # spaCy sets them in rule order: later rules win
                merged.update(self.attrs[number])
            case = self._memo[row] = (merged or None, numbers, self._first.find(row))
        return case

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.fields:
            return doc
        if len(self._memo) > _MEMO_LIMIT:
            self._memo.clear()
        rows = [tuple(r) for r in doc.to_array(self.fields).tolist()]
        cases = [self._case(row) for row in rows]
        sequence_writes: dict[int, list[int]] = {}  # token → numbers of multi-token rules
        for start, (_, _, starting) in enumerate(cases):
            for number, rest, index in starting:
                end = start + 1 + len(rest)
                if end <= len(rows) and all(
                        _holds(token, rows[start + 1 + k]) for k, token in enumerate(rest)):
                    target = start + (index if index >= 0 else end - start + index)
                    sequence_writes.setdefault(target, []).append(number)
        for i, (merged, numbers, _) in enumerate(cases):
            if i in sequence_writes:  # every write in spaCy's order
                for number in sorted(numbers + sequence_writes[i]):
                    set_token_attrs(doc[i], self.attrs[number])
            elif merged:
                set_token_attrs(doc[i], merged)
        return doc


def _with_index_sets(lemmatizer: Lemmatizer) -> Lemmatizer:
    """A twin of the lemmatizer whose `lemma_index` holds sets, not lists: the rule
    lemmatizers only ask whether a form is in it, which is a scan of up to 66,000 words
    in a list. The model's own lemmatizer keeps its tables (and its serialisation)."""
    twin = copy.copy(lemmatizer)
    twin.lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        table = lemmatizer.lookups.get_table(name)
        if name == "lemma_index":
            table = Table(name, {key: frozenset(words) for key, words in table.items()})
        twin.lookups.set_table(name, table)
    twin.cache = {}
    twin.lemmatize = getattr(twin, f"{twin.mode}_lemmatize")  # bound to the twin, not the model's
    return twin


class LemmaCache(_Compiled):
    """The model's lemmatizer asked once per distinct (form, POS, morphology)."""

    def __init__(self, lemmatizer: Lemmatizer):
        if lemmatizer.mode not in ("rule", "lookup"):
            raise NotCompilable(f"lemmatizer mode {lemmatizer.mode!r}")
        super().__init__(lemmatizer)
        self._twin = _with_index_sets(lemmatizer)
        self._memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self._twin
        memo, strings = self._memo, doc.vocab.strings
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        overwrite = lemmatizer.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(
                doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma and not overwrite:
                continue  # set by an earlier rule, as the model's lemmatizer leaves it
            key = (orth, pos, morph)
            lemma = memo.get(key)
            if lemma is None:
                lemma = memo[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
            doc[i].lemma = lemma
        return doc


_COMPILED: dict[str, type] = {
    "eventscribe_attribute_table": AttributeRuler,
    "eventscribe_lemma_cache": Lemmatizer,
}


@Language.factory("eventscribe_attribute_table", default_config={"source": "attribute_ruler"})
def make_attribute_table(nlp: Language, name: str, source: str) -> AttributeTable:
    return AttributeTable(nlp.get_pipe(source))


@Language.factory("eventscribe_lemma_cache", default_config={"source": "lemmatizer"})
def make_lemma_cache(nlp: Language, name: str, source: str) -> LemmaCache:
    return LemmaCache(nlp.get_pipe(source))


def compile_rules(nlp: Language) -> list[str]:
    """Put the compiled steps in place of the model's rule-based ones that they reproduce;
    returns the names of the components replaced."""
    replaced = []
    for factory, kind in _COMPILED.items():
        for name in list(nlp.pipe_names):
            if not isinstance(nlp.get_pipe(name), kind):
                continue
            try:
                nlp.add_pipe(factory, name=f"compiled_{name}", before=name,
                             config={"source": name})
            except (NotCompilable, KeyError):
                continue  # the model's component stays
            nlp.remove_pipe(name)
            replaced.append(name)
    return replaced
