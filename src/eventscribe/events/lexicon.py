"""The trigger lexicon: our TSV files, loaded and matched against a parsed Doc.

A pattern is an anchor lemma (the trigger token) plus companion lemmas that must
sit near it in the dependency tree; see DEVELOPERS.md for the file format. Matching
is by lemma with the lower-cased form as fallback, because the statistical
lemmatiser misses rare forms ("pourparlers" → "pourparler", "Etats-Unis" → "etats-unis").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from ..schema import PLOVER_CONTEXTS, PLOVER_EVENTS, PLOVER_MODES
from ..settings import DATA_DIR

FLAGS = frozenset({"embeds", "recipient_subject", "weak"})
COMPANION_WINDOW = 8


class LexiconError(ValueError):
    """A lexicon line that cannot be used, with its file and line number."""


@dataclass(frozen=True)
class TriggerEntry:
    event: str
    mode: str | None
    anchor: str
    pos: str | None
    companions: tuple[str, ...]
    exclusions: tuple[str, ...]
    context: tuple[str, ...]
    flags: frozenset[str]
    example: str
    line: int

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Companions first, then a part of speech, then exclusions break ties."""
        return (len(self.companions), self.pos is not None, len(self.exclusions))


@dataclass(frozen=True)
class TriggerMatch:
    entry: TriggerEntry
    anchor: Token
    companions: tuple[Token, ...]

    @property
    def tokens(self) -> tuple[Token, ...]:
        return (self.anchor, *self.companions)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def parse_line(row: dict[str, str], where: str) -> TriggerEntry:
    event = row["event"].strip()
    if event not in PLOVER_EVENTS:
        raise LexiconError(f"{where}: unknown event {event!r}")
    mode = (row.get("mode") or "").strip() or None
    if mode and mode not in PLOVER_MODES[event]:
        raise LexiconError(f"{where}: mode {mode!r} is not a mode of {event}")
    items = (row.get("pattern") or "").split()
    if not items:
        raise LexiconError(f"{where}: empty pattern")
    anchor, _, pos = items[0].partition("/")
    companions = tuple(i.lower() for i in items[1:] if not i.startswith("!"))
    exclusions = tuple(i[1:].lower() for i in items[1:] if i.startswith("!"))
    context = tuple(_split(row.get("context") or ""))
    unknown_context = set(context) - set(PLOVER_CONTEXTS)
    if unknown_context:
        raise LexiconError(f"{where}: unknown context {sorted(unknown_context)}")
    flags = frozenset(_split(row.get("flags") or ""))
    if flags - FLAGS:
        raise LexiconError(f"{where}: unknown flags {sorted(flags - FLAGS)}")
    return TriggerEntry(
        event=event, mode=mode, anchor=anchor.lower(), pos=pos.upper() or None,
        companions=companions, exclusions=exclusions, context=context, flags=flags,
        example=(row.get("example") or "").strip(), line=int(where.rsplit(":", 1)[1]),
    )


class Lexicon:
    def __init__(self, entries: list[TriggerEntry]):
        self.entries = entries
        self._by_anchor: dict[str, list[TriggerEntry]] = defaultdict(list)
        for entry in entries:
            self._by_anchor[entry.anchor].append(entry)
        for bucket in self._by_anchor.values():
            bucket.sort(key=lambda e: e.specificity, reverse=True)

    @classmethod
    def from_file(cls, path: Path) -> "Lexicon":
        entries = []
        header: list[str] | None = None
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.rstrip("\n").split("\t")
                if header is None:
                    header = cells
                    continue
                row = dict(zip(header, cells))
                entries.append(parse_line(row, f"{path.name}:{number}"))
        return cls(entries)

    def match_token(self, token: Token) -> TriggerMatch | None:
        """The most specific entry whose anchor is this token, if any."""
        keys = (token.lemma_.lower(), token.lower_)
        candidates = [e for key in dict.fromkeys(keys) for e in self._by_anchor.get(key, ())]
        candidates.sort(key=lambda e: (e.specificity, -e.line), reverse=True)
        near: list[tuple[Token, str, str]] | None = None  # read once, for every candidate
        for entry in candidates:
            if entry.pos and token.pos_ != entry.pos and not (
                entry.pos == "VERB" and token.pos_ == "AUX" and token.dep_ != "aux:tense"
            ):
                continue
            if near is None and (entry.companions or entry.exclusions):
                near = [(t, t.lemma_.lower(), t.lower_) for t in _neighbourhood(token)]
            found = _companions(near or [], entry)
            if found is not None:
                return TriggerMatch(entry, token, found)
        return None

    def matches(self, doc: Doc) -> list[TriggerMatch]:
        found = []
        for token in doc:
            if token.is_space or token.is_punct:
                continue
            match = self.match_token(token)
            if match is not None:
                found.append(match)
        return found


def _neighbourhood(anchor: Token) -> list[Token]:
    near = []
    modals = []  # "said that the government must resign": however long the subject
    for child in anchor.children:
        near.append(child)
        if child.dep_ in ("nsubj", "nsubj:pass", "csubj"):
            # the subject itself may be a companion ("le tribunal a condamné"), not its
            # dependents ("la ministre des Armées se rendra" is no surrender to an army)
            continue
        for grandchild in child.children:
            near.append(grandchild)
            if child.dep_ == "ccomp" and grandchild.dep_ == "aux":
                modals.append(grandchild)
            # a preposition three levels down: "appelé les parties à la retenue"
            near.extend(t for t in grandchild.children if t.pos_ == "ADP")
    if anchor.dep_ in ("xcomp", "acl", "acl:relcl", "obj", "nsubj:pass") or anchor.pos_ == "NOUN":
        near.append(anchor.head)
    return [t for t in near if abs(t.i - anchor.i) <= COMPANION_WINDOW and t.i != anchor.i] + [
        t for t in modals if abs(t.i - anchor.i) > COMPANION_WINDOW]


def _companions(near: list[tuple[Token, str, str]], entry: TriggerEntry
                ) -> tuple[Token, ...] | None:
    """The entry's companion words among the anchor's neighbourhood (token, lemma, form),
    or None when one is missing or an excluded word is there."""
    if not entry.companions and not entry.exclusions:
        return ()
    if any(word in (lemma, form) for word in entry.exclusions for _, lemma, form in near):
        return None
    found: list[Token] = []
    for word in entry.companions:
        hit = next((t for t, lemma, form in near if word in (lemma, form) and t not in found),
                   None)
        if hit is None:
            return None
        found.append(hit)
    return tuple(found)


@lru_cache(maxsize=None)
def load_lexicon(lang: str) -> Lexicon:
    path = DATA_DIR / "lexicons" / lang / "triggers.tsv"
    if not path.exists():
        raise LexiconError(f"no trigger lexicon for language {lang!r} ({path})")
    return Lexicon.from_file(path)
