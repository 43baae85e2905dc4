"""Actor resolution: a noun phrase in the parse → an Entity with code and sector.

Order of evidence, most specific first: a name in the knowledge base (person,
organisation, country, capital, seat of power), then a sector word whose country
comes from the phrase itself (a demonym, a genitive "de Bachar el-Assad"), then
the country the article is about. Anything else keeps its text and `code: None`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..nlp import sentence_of, text_of
from ..schema import Entity
from .kb import STATE_KINDS, ActorEntry, ActorKB

# Dependents that are not part of an actor's noun phrase.
_CLAUSAL = {"acl", "acl:relcl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "cc",
            "punct", "dep", "csubj", "obl", "obl:mod", "obl:arg", "nsubj", "obj", "cop",
            "aux", "aux:tense", "aux:pass", "mark"}
_NOMINAL_POS = {"NOUN", "PROPN", "PRON", "NUM", "X", "ADJ"}
# Sectors that belong to the country the story is about when nothing else says which.
_DOMESTIC_SECTORS = {"GOV", "MIL", "REB", "COP", "JUD", "LEG", "PTY", "CVL", "MED", "EDU",
                     "LAB", "BUS", "REL", "REF", "JRN", "ELI", "PRM", "UAF", "CRM", "AGR",
                     "SPY", "OTH"}
MAX_NAME_TOKENS = 8
_NOT_ACTORS = {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"}
_CLOSERS = {")": "(", "»": "«", "]": "[", "”": "“"}


# "Saudi-led coalition": led by Saudi Arabia, so its (not "US-backed": backed by the US,
# someone else's forces)
_LED = frozenset({"led"})


@dataclass
class Resolution:
    code: str | None
    sector: str | None
    how: str  # kb | sector | demonym | context | unresolved


def phrase_tokens(head: Token) -> list[Token]:
    """The head's noun phrase: determiners, adjectives, names, genitives, appositions."""
    keep = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in _CLAUSAL or child.is_space:
                continue
            if child.dep_ == "nmod" and not _is_genitive_or_name(child):
                continue
            keep.append(child)
            stack.append(child)
    keep.sort(key=lambda t: t.i)
    # A contiguous, trimmed span: no leading determiner or punctuation, no dangling punctuation.
    while len(keep) > 1 and (keep[0].pos_ in ("DET", "PUNCT", "ADP") or keep[0].is_space
                              or keep[0].dep_ in ("case", "fixed", "mark")):
        keep.pop(0)  # "according to the UN" → "UN"
    while len(keep) > 1 and (keep[-1].pos_ in ("PUNCT", "ADP", "DET", "CCONJ") or keep[-1].is_space):
        if keep[-1].text in _CLOSERS and any(t.text == _CLOSERS[keep[-1].text] for t in keep):
            break  # "l'Observatoire syrien des droits de l'homme (OSDH)" keeps its parenthesis
        keep.pop()
    start, end = keep[0].i, keep[-1].i
    # "John Kerry le secrétaire d'Etat": a name glued before the phrase is its apposition
    # even when the parser hung it elsewhere.
    doc = head.doc
    left = start
    while left > 0 and doc[left - 1].pos_ == "DET":
        left -= 1
    name_end = left
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].ent_type_ in ("PER", "PERSON"):
        left -= 1
    if left < name_end:
        start = left
    return [t for t in doc[start:end + 1]]


def _is_personal_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" and "3" in token.morph.get("Person") and \
        "Rel" not in token.morph.get("PronType") and token.dep_ in ("nsubj", "nsubj:pass")


def _is_genitive_or_name(token: Token) -> bool:
    cases = {c.lower_ for c in token.children if c.dep_ == "case"}
    return not cases or bool(cases & {"de", "du", "des", "d'", "of", "'s", "’s", "'"})


def _entity_span(tokens: list[Token], text: str) -> tuple[int, int, str]:
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    return start, end, text[start:end]


class ActorResolver:
    """Resolves noun phrases of one parsed article; knows its date and country context."""

    def __init__(self, doc: Doc, kb: ActorKB, pub_date: dt.date | None,
                 context_country: str | None, person_nouns: frozenset[str] = frozenset(),
                 located: dict[int, str] | None = None):
        self.doc = doc
        # head token of each toponym used as a location → its country (ISO alpha-3)
        self.located = located or {}
        self.kb = kb
        self.pub_date = pub_date
        self.context_country = context_country
        self._memo: dict[int, Entity | None] = {}
        self._how: dict[int, str] = {}
        self.person_nouns = person_nouns
        # Doc.text and Doc.ents are rebuilt on every access: read them once.
        self.text = text_of(doc)
        self.lang = doc._.lang
        self.ents = [(e.start, e.end, e.label_, e.text) for e in doc.ents]
        self._ent_of = {i: ent for ent in self.ents for i in range(ent[0], ent[1])}

    # -- public -------------------------------------------------------------
    def entity(self, head: Token) -> Entity | None:
        """The entity headed by this token, or None when it is not a nominal."""
        head = self._antecedent(head)
        if head.i in self._memo:
            return self._memo[head.i]
        if head.pos_ not in _NOMINAL_POS or head.is_punct:
            self._memo[head.i] = None
            return None
        tokens = self._widen_to_name(head, phrase_tokens(head))
        named = self._longest_name(tokens)
        if named is not None:
            tokens, entry = named
            resolution = self._entry_resolution(entry)
        else:
            resolution = self.resolve(head, tokens)
        start, end, text = _entity_span(tokens, self.text)
        if resolution.code is None and _is_personal_pronoun(head):
            antecedent = self._antecedent_subject(head)
            if antecedent is not None:
                resolution = Resolution(antecedent.code, antecedent.sector, "coreference")
        entity = Entity(entity_text=text, code=resolution.code, sector=resolution.sector,
                        start=start, end=end)
        self._memo[head.i] = entity
        self._how[head.i] = resolution.how
        return entity

    def named_by_nationality(self, head: Token) -> bool:
        """Whether the phrase's country comes from a nationality word or a country's name
        inside it ("Palestinian riots", "US Predator attacks"), not from its own head."""
        return self.entity(head) is not None and \
            self._how.get(self._antecedent(head).i) == "demonym"

    def _longest_name(self, tokens: list[Token]) -> tuple[list[Token], ActorEntry] | None:
        """The longest knowledge-base name starting where the phrase starts, read on the
        text rather than the tree: multi-word names are where parsers go wrong."""
        first = tokens[0]
        doc = first.doc
        if not self.kb.may_start_name([t.text for t in doc[first.i:first.i + 2]]):
            return None
        sentence_end = sentence_of(first).end
        limit = min(sentence_end, first.i + MAX_NAME_TOKENS + 4)
        for last in range(limit - 1, tokens[-1].i, -1):
            token = doc[last]
            if token.is_punct and token.text not in _CLOSERS:
                continue
            entry = self.lookup_name(self.text[first.idx:token.idx + len(token.text)])
            if entry is not None and entry.kind != "demonym":
                return list(doc[first.i:last + 1]), entry
        return None

    def _widen_to_name(self, head: Token, tokens: list[Token]) -> list[Token]:
        """A named entity the parse cut in two ("Groupe de soutien à l'islam et aux
        musulmans") is one actor: the phrase grows to cover the whole name."""
        ent = self._ent_of.get(head.i)
        if ent is not None:
            start, end, label, _text = ent
            if label in ("ORG", "PER", "PERSON", "MISC", "NORP") \
                    and (start < tokens[0].i or end - 1 > tokens[-1].i) and end - start <= 12:
                first, last = min(start, tokens[0].i), max(end - 1, tokens[-1].i)
                return list(head.doc[first:last + 1])
        return tokens

    def _ents_within(self, tokens: list[Token]) -> list[tuple[int, int, str, str]]:
        """The named entities wholly inside the phrase, in text order."""
        first, last = tokens[0].i, tokens[-1].i
        found = dict.fromkeys(self._ent_of[i] for i in range(first, last + 1) if i in self._ent_of)
        return [ent for ent in found if ent[0] >= first and ent[1] - 1 <= last]

    def is_actor_like(self, head: Token) -> bool:
        """Whether a phrase can be a recipient: a resolved actor or a proper name."""
        entity = self.entity(head)
        if entity is None:
            return False
        head = self._antecedent(head)
        if head.ent_type_ in _NOT_ACTORS:
            return False  # "on Monday", "$2 million"
        if self._how.get(head.i) == "demonym" and head.pos_ == "NOUN":
            # "la résilience ukrainienne" names no actor; "son allié russe" does
            return head.lemma_.lower() in self.person_nouns or head.lower_ in self.person_nouns \
                or self.kb.demonym(head.text) is not None  # "la Française", "les Russes"
        return entity.code is not None or entity.sector is not None or head.pos_ == "PROPN" \
            or head.ent_type_ in ("PER", "ORG", "PERSON", "NORP", "GPE")

    def lookup_name(self, text: str) -> ActorEntry | None:
        entries = self.kb.lookup(text, on=self.pub_date)
        if entries:
            return entries[0]
        if text[:1].isupper() and text.isalpha():  # a one-word proper name, misspelt
            return self.kb.misspelt_state(text)
        return None

    # -- resolution -----------------------------------------------------------
    def resolve(self, head: Token, tokens: list[Token]) -> Resolution:
        named = self._named(head, tokens)
        if named is not None:
            return named
        sector = self._sector(head, tokens) or self._title_sector(head, tokens)
        if sector is None:
            # "des dizaines de manifestants", "le directeur de l'OSDH": the genitive says who
            owner = self._genitive_owner(head)
            if owner is not None and (owner.code or owner.sector):
                return Resolution(owner.code, owner.sector, "genitive")
        country = self._country_inside(head, tokens) or self._located_in(head)
        if sector is None and country is not None:
            # "les Russes", "Palestinians", "Serbian … Vojislav Kostunica": people of a country
            return Resolution(country, None, "demonym")
        if sector is not None:
            if country is not None:
                return Resolution(country, sector, "sector")
            if sector in _DOMESTIC_SECTORS and self.context_country:
                return Resolution(self.context_country, sector, "context")
            return Resolution(None, sector, "sector")
        return Resolution(None, None, "unresolved")

    def _entry_resolution(self, entry: ActorEntry) -> Resolution:
        sector = entry.sector
        if sector is None and entry.kind in STATE_KINDS:
            sector = "GOV"  # "Moscou a répondu", "la Russie accuse": the state acts
        return Resolution(entry.code, sector, "kb")

    def _named(self, head: Token, tokens: list[Token]) -> Resolution | None:
        for candidate in self._name_candidates(head, tokens):
            entry = self.lookup_name(candidate)
            if entry is not None and entry.kind != "demonym":
                return self._entry_resolution(entry)
        return None

    def _name_candidates(self, head: Token, tokens: list[Token]) -> list[str]:
        text = self.text
        candidates = []
        if len(tokens) <= MAX_NAME_TOKENS:
            candidates.append(text[tokens[0].idx:tokens[-1].idx + len(tokens[-1].text)])
        if head.i in self._ent_of:
            candidates.append(self._ent_of[head.i][3])
        for _start, _end, label, ent_text in self._ents_within(tokens):
            if label in ("PER", "PERSON", "ORG"):  # "John Kerry le secrétaire d'Etat"
                candidates.append(ent_text)
        name = [head] + [c for c in head.children if c.dep_ in ("flat:name", "flat", "compound", "fixed")]
        name.sort(key=lambda t: t.i)
        candidates.append(text[name[0].idx:name[-1].idx + len(name[-1].text)])
        for child in head.children:  # "GATIA men", "Katiba Macina fighters": the group
            if child.dep_ == "compound" and child.pos_ == "PROPN" and child.i < head.i:
                left, right = child.left_edge, child.right_edge
                candidates.append(text[left.idx:right.idx + len(right.text)])
        # Appositions name the same referent: "John Kerry, le secrétaire d'Etat".
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                candidates.append(child.text)
        candidates.append(head.text)
        seen, unique = set(), []
        for c in candidates:
            if c not in seen:
                seen.add(c)
                unique.append(c)
        return unique

    def _sector(self, head: Token, tokens: list[Token]) -> str | None:
        # Longest phrase from the head first: "forces de l'ordre" before "forces".
        text = self.text
        # English puts the words that change a sector before the head: "armed men",
        # "unknown individuals" are not the civilians "men" and "individuals" are.
        end = head.idx + len(head.text)
        for first in (t for t in tokens if t.i < head.i):
            sector = self.kb.sector_of(text[first.idx:end], self.lang)
            if sector:
                return sector
        after = [t for t in tokens if t.i >= head.i]
        for last in reversed(after):
            sector = self.kb.sector_of(text[head.idx:last.idx + len(last.text)], self.lang)
            if sector:
                return sector
        sector = self.kb.sector_of(head.lemma_, self.lang)
        if sector:
            return sector
        # "a civilian vehicle", "an army convoy", "un véhicule militaire": a noun that names
        # no one takes its modifier's sector
        for child in head.children:
            if child.dep_ in ("amod", "compound") and child.pos_ in ("ADJ", "NOUN"):
                sector = self.kb.sector_of(child.text.lower(), self.lang) or \
                    self.kb.sector_of(child.lemma_, self.lang)
                if sector:
                    return sector
        return None

    def _title_sector(self, head: Token, tokens: list[Token]) -> str | None:
        """A proper name's title says its sector: "President Yoweri Museveni" → GOV."""
        if head.pos_ != "PROPN":
            return None
        for token in tokens:
            if token.i < head.i and token.pos_ in ("NOUN", "PROPN") and token.dep_ not in (
                    "flat:name", "flat"):
                sector = self.kb.sector_of(token.text, self.lang) or \
                    self.kb.sector_of(token.lemma_, self.lang)
                if sector:
                    return sector
        return None

    def _country_inside(self, head: Token, tokens: list[Token]) -> str | None:
        """A country named inside the phrase: a nationality word ("forces russes",
        "Palestinians"), a country's name ("Ivory Coast rebels") or a genitive
        ("Sudan's government", "l'armée du Mali")."""
        inside = {t.i for t in tokens}
        for token in tokens:
            if token.pos_ in ("ADJ", "NOUN", "PROPN") and (token.head.i in inside or token.i == head.i):
                code = self.kb.demonym(token.text) or self.kb.demonym(token.lemma_)
                if code:
                    return code
        for start, end, label, text in self._ents_within(tokens):
            if not start <= head.i < end and label in ("GPE", "LOC", "NORP"):
                code = self._state_code(text)
                if code:
                    return code
        for child in head.children:  # "Saudi-led coalition", "Vietnamese-led forces"
            if child.dep_ == "amod" and child.lower_ in _LED:
                for leader in child.children:
                    code = self.kb.demonym(leader.text) or self._state_code(leader.text)
                    if code:
                        return code
        for token in tokens:  # "US Predator attacks", the recogniser's label or not
            if token.i != head.i and token.dep_ == "compound" and token.pos_ == "PROPN":
                code = self._state_code(token.text)
                if code:
                    return code
        owner = self._genitive_owner(head)
        if owner is not None and owner.code:
            return owner.code
        return None

    def _state_code(self, name: str) -> str | None:
        entry = self.lookup_name(name)
        return entry.code if entry is not None and entry.kind in STATE_KINDS else None

    def _located_in(self, head: Token) -> str | None:
        """"Opposition groups in Zimbabwe", "a newspaper based in Beirut": people placed
        in a country or town belong to it, when nothing else says whose they are."""
        for child in head.children:
            if child.dep_ in ("nmod", "obl") and child.i in self.located:
                return self.located[child.i]
            if child.dep_ == "acl" and child.i > head.i:
                for grandchild in child.children:
                    if grandchild.dep_ in ("obl", "nmod") and grandchild.i in self.located:
                        return self.located[grandchild.i]
        return None

    def _genitive_owner(self, head: Token) -> Entity | None:
        for child in head.children:
            if child.dep_ in ("nmod", "appos") and _is_genitive_or_name(child) and child.i != head.i:
                owner = self.entity(child)
                if owner is not None and (owner.code or owner.sector):
                    return owner
        return None

    def _antecedent_subject(self, pronoun: Token) -> Entity | None:
        """'Elle rencontrera son homologue': the nearest earlier subject that resolves
        and agrees in number, within the two previous sentences."""
        number = set(pronoun.morph.get("Number"))
        sentences_back = 0
        for token in reversed(pronoun.doc[:pronoun.i]):
            if token.is_sent_start:
                sentences_back += 1
                if sentences_back > 2:
                    return None
            if token.dep_ not in ("nsubj", "nsubj:pass") or token.pos_ not in ("NOUN", "PROPN"):
                continue
            if number and set(token.morph.get("Number")) and not number & set(token.morph.get("Number")):
                continue
            entity = self.entity(token)
            if entity is not None and entity.code:
                return entity
        return None

    @staticmethod
    def _antecedent(token: Token) -> Token:
        """A relative pronoun stands for the noun its clause modifies."""
        if token.pos_ == "PRON" and "Rel" in token.morph.get("PronType"):
            clause = token.head
            if clause.dep_ in ("acl:relcl", "acl") and clause.head.i != clause.i:
                return clause.head
        return token
