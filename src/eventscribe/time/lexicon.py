"""A language's time lexicon: data/lang/<lang>/time.yaml, compiled once.

The YAML holds every word (vocabularies: surface form -> value) and every
pattern (a regular expression over placeholders).  This module knows no
language; it only knows what the placeholders mean:

``{slot}``        a capturing group named after the slot, over its vocabulary
                  (``{month}``, ``{weekday}``, ``{unit}``…) or a built-in number
                  (``{day}``, ``{year}``, ``{yy}``, ``{hour}``, ``{minute}``, ``{num}``);
``{slot!}``       the same words, not captured (a slot used twice in a pattern);
``{slot:safe}``   the vocabulary without the words listed as ``ambiguous``;
``{slot:cue}``    all of it, but the ambiguous words only exactly as written
                  (so "mars" after a cue, never "Mars");
``{@name}``       a fragment: a piece of regex defined under ``fragments``.

In patterns and fragments a space stands for any run of whitespace and an
apostrophe for either apostrophe.  A group named ``core`` delimits the span to
report when the pattern also matches context that is not part of it
("en (?P<core>{month})": the TimeML span of "en juillet" is "juillet").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


from eventscribe.settings import DATA_DIR, read_yaml

KINDS = ("date", "period", "offset", "duration", "set", "fixed", "anchor", "block")

# YAML vocabulary name -> slot name
VOCABULARIES: dict[str, str] = {
    "months": "month", "weekdays": "weekday", "relative_days": "relday",
    "dayparts": "daypart", "period_units": "punit", "clock_words": "clockword", "directions": "dir",
    "deictics": "this", "parts": "part", "units": "unit", "seasons": "season",
    "vague_quantities": "vague", "approx_numbers": "approxnum", "modifiers": "mod",
    "halves": "half", "ampm": "ampm", "day_words": "dayword",
}
NUMERIC_SLOTS = ("day", "year", "yy", "hour", "minute", "num")
# slots whose words are too common to announce a time expression by themselves
WEAK_SLOTS = frozenset({"this", "dir", "part", "mod", "vague", "half", "num", "dayword", "ampm"})
DIGIT = "#digit"
TOP_KEYS = frozenset(VOCABULARIES) | {"language", "numbers", "number_joiners", "ambiguous",
                                     "case_sensitive", "fragments", "patterns"}
# what a pattern may say besides its regex: see expressions.py for their meaning
PATTERN_KEYS = frozenset({"re", "kind", "example", "offset", "daypart", "sign", "type", "timex",
                          "mod", "unit", "num", "dir", "vague", "decade"})
_PLACEHOLDER = re.compile(r"\{(@?\w+)(?::(safe|cue))?(!)?\}")
_SPACE = re.compile(r"[\s\-\u2010\u2011\u2013]+")


def normalise(surface: str) -> str:
    """The lookup key of a surface form: lower case, one apostrophe, spaces for hyphens."""
    return _SPACE.sub(" ", surface.lower().replace("\u2019", "'")).strip()


def _literal(word: str) -> str:
    """Regex for a vocabulary word: hyphens and spaces interchangeable, both apostrophes."""
    parts = []
    for ch in word:
        if ch.isspace() or ch in "-\u2010\u2011":
            parts.append(r"(?:\s*[-\u2010\u2011]\s*|\s+)")
        elif ch in "'\u2019":
            parts.append("['\u2019]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _trie(words: list[str]) -> str:
    """One alternation for many words, factored by prefix (much faster to scan)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            key = " " if ch.isspace() or ch in "-\u2010\u2011" else "'" if ch in "'\u2019" else ch
            node = node.setdefault(key, {})
        node[""] = {}

    def render(node: dict) -> str:
        end = "" in node
        alts = [_literal(ch) + render(child) for ch, child in node.items() if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return body + "?" if len(alts) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return render(root)


def _template(text: str) -> str:
    """A pattern or fragment: a space is any whitespace, "'" either apostrophe."""
    return text.replace(" ", r"\s+").replace("'", "['\u2019]")


@dataclass
class Pattern:
    kind: str
    regex: re.Pattern[str]
    params: dict[str, Any]
    example: str | None
    source: str
    order: int
    triggers: frozenset[str] = frozenset()  # tokens one of which every match contains


Cover = tuple[bool, frozenset[str]]  # (made of slots only, trigger keys)


def _rank(cover: Cover) -> tuple[bool, bool, bool, int]:
    """Slots before words, words before digits, no short key, then few keys."""
    strong, keys = cover
    return strong, DIGIT not in keys, min(map(len, keys), default=0) >= 4, -len(keys)


def _cover(src: str, rate) -> Cover | None:
    """Trigger keys one of which every match of a pattern source must contain.

    ``rate`` turns an item ("{slot", "{slot:variant", DIGIT, or a literal word)
    into a Cover, or None when it is too common to announce anything.  The best
    mandatory element of a sequence is chosen; a group of alternatives needs a
    cover in each branch.  None if no mandatory element will do.
    """
    pos = 0

    def optional() -> bool:
        nonlocal pos
        if pos < len(src) and src[pos] in "?*":
            pos += 1
            if pos < len(src) and src[pos] in "?+":
                pos += 1
            return True
        if src.startswith("{0", pos):
            pos = src.index("}", pos) + 1
            return True
        if pos < len(src) and src[pos] == "+":
            pos += 1
        return False

    def best(cands: list[Cover]) -> Cover | None:
        return max(cands, key=_rank) if cands else None

    def seq() -> Cover | None:
        nonlocal pos
        branches: list[list[Cover]] = [[]]

        def add(item: str) -> None:
            if (c := rate(item)) is not None:
                branches[-1].append(c)

        word, word_ok = "", True
        while pos < len(src) and src[pos] != ")":
            c = src[pos]
            if c.isalpha():
                if not word and pos and src[pos - 1] == "}":
                    word_ok = False          # the end of a slot's word: "{weekday}s"
                word += c
                pos += 1
                if optional():
                    word = word[:-1]
                continue
            if word and word_ok:
                add(word.lower())
            word, word_ok = "", True
            if c == "\\":
                digit = src[pos + 1:pos + 2] == "d"
                pos += 2
                if not optional() and digit:
                    add(DIGIT)
            elif c == "[":
                end = src.index("]", pos + 2) + 1
                digit = re.search(r"\d-9", src[pos:end]) is not None
                pos = end
                if not optional() and digit:
                    add(DIGIT)
            elif c == "{":
                end = src.index("}", pos)
                name = src[pos + 1:end].rstrip("!")
                pos = end + 1
                if not optional() and not name.isdigit():
                    add("{" + name)
            elif c == "(":
                negative = src.startswith(("(?!", "(?<!"), pos)
                pos += 1
                if src.startswith("?P<", pos):
                    pos = src.index(">", pos) + 1
                elif src.startswith("?-i:", pos):
                    pos += 4
                elif src.startswith("?<", pos):
                    pos += 3
                elif src.startswith("?", pos):
                    pos += 2
                inner = seq()
                pos += 1
                if not optional() and not negative and inner is not None:
                    branches[-1].append(inner)
            elif c == "|":
                branches.append([])
                pos += 1
            else:
                pos += 1
        if word and word_ok:
            add(word.lower())
        chosen = [best(b) for b in branches]
        if any(c is None for c in chosen):
            return None
        if len(chosen) == 1:
            return chosen[0]
        return (all(c[0] for c in chosen),             # type: ignore[index]
                frozenset().union(*(c[1] for c in chosen)))  # type: ignore[index]

    return seq()


@dataclass
class Lexicon:
    lang: str
    vocab: dict[str, dict[str, Any]]            # slot -> normalised word -> value
    ambiguous: dict[str, set[str]]
    case_sensitive: set[str]
    fragments: dict[str, str]
    surfaces: dict[str, list[str]]               # slot -> words as written in the YAML
    patterns: list[Pattern] = field(default_factory=list)
    by_trigger: dict[str, list[int]] = field(default_factory=dict)  # token key -> patterns
    trigger_regex: re.Pattern[str] | None = None  # the words of the text worth a look-up

    # -- compiling ----------------------------------------------------------------
    def _alternation(self, slot: str, variant: str | None) -> str:
        words = self.vocab.get(slot, {})
        alts_ci, alts_cs = [], []
        for word in self.surfaces[slot]:
            key = normalise(word)
            if key not in words:
                continue
            amb = key in self.ambiguous.get(slot, set())
            if variant == "safe" and amb:
                continue
            if slot in self.case_sensitive or (variant == "cue" and amb):
                alts_cs.append(word)
            else:
                alts_ci.append(word)
        alts = []
        if alts_ci:
            alts.append(_trie(alts_ci))
        if alts_cs:
            alts.append("(?-i:" + _trie(alts_cs) + ")")
        if not alts:
            raise ValueError(f"time lexicon {self.lang}: slot {slot!r} has no words")
        return "(?:" + "|".join(alts) + ")"

    def _slot_regex(self, slot: str, variant: str | None) -> str:
        if slot == "day":
            words = "|" + self._alternation("dayword", None) if "dayword" in self.vocab else ""
            suffix = self.fragments.get("day_suffix", "")
            return rf"(?:(?:0?[1-9]|[12]\d|3[01])(?:{suffix})?(?!\d){words})"
        if slot == "year":
            return r"(?:1[5-9]\d\d|20\d\d)(?![.,]?\d)(?!\s*[%\u20ac$\u00a3])"
        if slot == "yy":
            return r"(?:['\u2019]?\d\d)(?=\s*(?:[,.;:!?)\]\u00bb\"]|$))"
        if slot == "hour":
            return r"(?:[01]?\d|2[0-4])(?!\d)"
        if slot == "minute":
            return r"(?:[0-5]\d)(?!\d)"
        if slot == "num":
            return (r"(?:(?<!\d[\s\u00a0\u202f])\d+(?:[.,]\d+)?(?![.,]?\d)|"
                    + self._alternation("num", None) + ")")
        if slot not in self.vocab:
            raise ValueError(f"time lexicon {self.lang}: unknown slot {{{slot}}}")
        return self._alternation(slot, variant)

    def _expand(self, text: str, depth: int = 0) -> str:
        if depth > 5:
            raise ValueError(f"time lexicon {self.lang}: fragments nest too deeply")

        def sub(m: re.Match[str]) -> str:
            name, variant, silent = m.group(1), m.group(2), m.group(3)
            if name.startswith("@"):
                if name[1:] not in self.fragments:
                    raise ValueError(f"time lexicon {self.lang}: no fragment {name}")
                return self._expand(_template(self.fragments[name[1:]]), depth + 1)
            body = self._slot_regex(name, variant)
            return f"(?:{body})" if silent else f"(?P<{name}>{body})"

        return _PLACEHOLDER.sub(sub, text)

    def compile_pattern(self, spec: dict[str, Any], order: int) -> Pattern:
        spec = dict(spec)
        source = spec.pop("re")
        kind = spec.pop("kind", "date")
        if kind not in KINDS:
            raise ValueError(f"time lexicon {self.lang}: unknown kind {kind!r} in {source!r}")
        example = spec.pop("example", None)
        body = self._expand(_template(source))
        try:
            # never starting or ending inside a word
            regex = re.compile(rf"(?:(?<!\w)|(?!\w))(?:{body})(?:(?!\w)|(?<!\w))",
                               re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"time lexicon {self.lang}: bad pattern {source!r}: {exc}") from exc
        return Pattern(kind, regex, spec, example, source, order, self._triggers(source))

    def _triggers(self, source: str) -> frozenset[str]:
        """The trigger tokens of a pattern: a pattern is only tried near one of them."""
        def rate(item: str) -> Cover | None:
            if item == DIGIT:
                return True, frozenset({DIGIT})
            if item.startswith("{"):
                slot, _, variant = item[1:].partition(":")
                if slot.startswith("@") or slot in WEAK_SLOTS:
                    return None
                if slot in NUMERIC_SLOTS:
                    return True, frozenset({DIGIT})
                return True, frozenset(self._slot_keys(slot, variant))
            return (False, frozenset({item[:4]})) if len(item) > 2 else None

        cover = _cover(self._fragments_only(source), rate)
        if cover is None:
            raise ValueError(f"time lexicon {self.lang}: pattern {source!r} needs a word, "
                             "a number or a non-optional slot that announces it")
        return cover[1]

    def _fragments_only(self, source: str, depth: int = 0) -> str:
        if depth > 5:
            raise ValueError(f"time lexicon {self.lang}: fragments nest too deeply")
        return re.sub(r"\{@(\w+)\}", lambda m: "(?:" + self._fragments_only(
            self.fragments.get(m.group(1), ""), depth + 1) + ")", source)

    def _slot_keys(self, slot: str, variant: str = "") -> set[str]:
        out = set()
        for word in self.surfaces.get(slot, []):
            if variant == "safe" and normalise(word) in self.ambiguous.get(slot, set()):
                continue
            tokens = re.findall(r"\w+", normalise(word))
            if tokens:  # the longest word of the entry: the rarest, most likely
                out.add(max(tokens, key=len)[:4])
            if word[:1].isdigit():
                out.add(DIGIT)
        return out

    # -- reading a match ----------------------------------------------------------
    def read(self, m: re.Match[str]) -> dict[str, Any] | None:
        """The slots of a match, parsed; None if a value is impossible."""
        out: dict[str, Any] = {}
        for name, surface in m.groupdict().items():
            if surface is None or name == "core":
                continue
            if name in ("day", "hour", "minute"):  # digits, or a number word
                digits = re.match(r"\d+", surface)
                words = self.vocab.get("dayword" if name == "day" else "num", {})
                value = int(digits.group()) if digits else words.get(normalise(surface))
            elif name == "year":
                value = int(surface)
            elif name == "yy":
                value = int(surface.lstrip("'\u2019"))
            elif name == "num":
                if surface[0].isdigit():
                    value = float(surface.replace(",", "."))
                else:
                    value = self.vocab["num"].get(normalise(surface))
            else:
                value = self.vocab[name].get(normalise(surface))
            if value is None:
                return None
            out[name] = value
        return out


def trigger_key(token: str) -> str:
    """The key under which a word of the text looks for patterns."""
    return DIGIT if token[:1].isdigit() else token[:4].lower()


def _number_words(data: dict[str, Any]) -> dict[str, Any]:
    """Number words, plus the compounds of tens and units ('vingt-deux', 'twenty-two')."""
    numbers = {str(k): v for k, v in (data.get("numbers") or {}).items()}
    joiners = data.get("number_joiners") or []
    tens = {w: v for w, v in numbers.items() if 20 <= v < 100 and v % 10 == 0}
    units = {w: v for w, v in numbers.items() if 1 <= v <= 9}
    for tw, tv in tens.items():
        for uw, uv in units.items():
            for j in joiners:
                numbers.setdefault(f"{tw}{j}{uw}", tv + uv)
    return numbers


def _check(lang: str, data: dict[str, Any]) -> None:
    """Typos in a lexicon fail loudly instead of silently matching nothing."""
    if unknown := set(data) - TOP_KEYS:
        raise ValueError(f"time lexicon {lang}: unknown sections {sorted(unknown)}")
    for spec in data.get("patterns") or []:
        if "re" not in spec or (unknown := set(spec) - PATTERN_KEYS):
            raise ValueError(f"time lexicon {lang}: bad pattern entry {spec}")
    for key, words in (data.get("ambiguous") or {}).items():
        known = {normalise(str(w)) for w in data.get(key) or {}}
        if key not in VOCABULARIES or not {normalise(str(w)) for w in words} <= known:
            raise ValueError(f"time lexicon {lang}: ambiguous {key} not in its vocabulary")
    if unknown := set(data.get("case_sensitive") or []) - set(VOCABULARIES):
        raise ValueError(f"time lexicon {lang}: case_sensitive names no vocabulary: {unknown}")


def build(lang: str, data: dict[str, Any]) -> Lexicon:
    _check(lang, data)
    vocab: dict[str, dict[str, Any]] = {}
    surfaces: dict[str, list[str]] = {}
    for key, slot in VOCABULARIES.items():
        if data.get(key):
            surfaces[slot] = [str(w) for w in data[key]]
            vocab[slot] = {normalise(str(w)): v for w, v in data[key].items()}
    if data.get("numbers"):
        nums = _number_words(data)
        surfaces["num"] = list(nums)
        vocab["num"] = {normalise(w): v for w, v in nums.items()}
    ambiguous = {VOCABULARIES.get(k, k): {normalise(str(w)) for w in ws}
                 for k, ws in (data.get("ambiguous") or {}).items()}
    case_sensitive = {VOCABULARIES.get(k, k) for k in data.get("case_sensitive") or []}
    lex = Lexicon(lang, vocab, ambiguous, case_sensitive,
                  dict(data.get("fragments") or {}), surfaces)
    lex.patterns = [lex.compile_pattern(spec, i) for i, spec in enumerate(data.get("patterns") or [])]
    for pat in lex.patterns:
        for key in pat.triggers:
            lex.by_trigger.setdefault(key, []).append(pat.order)
    words = [k for k in lex.by_trigger if k != DIGIT]
    lex.trigger_regex = re.compile(r"(?<!\w)(?:\d|" + _trie(words) + r")\w*", re.IGNORECASE)
    return lex


def lexicon_path(lang: str) -> Path:
    return DATA_DIR / "lang" / lang / "time.yaml"


def supported_languages() -> list[str]:
    return sorted(p.parent.name for p in (DATA_DIR / "lang").glob("*/time.yaml"))


@lru_cache(maxsize=None)
def load_lexicon(lang: str) -> Lexicon:
    code = lang.split("-")[0].split("_")[0].lower()
    path = lexicon_path(code)
    if not path.is_file():
        raise ValueError(f"no time lexicon for language {lang!r} (have: {supported_languages()})")
    data = read_yaml(path) or {}
    return build(code, data)
