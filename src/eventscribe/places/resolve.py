"""Toponyms in a parsed article: find them, tell places from actors, resolve them.

A capital or country that acts ("Washington a suspendu…", "entre Washington et
Moscou") is an actor by metonymy, not a place; a toponym introduced by a locative
preposition ("à Alep", "dans les quartiers Est d'Alep") is a place. Candidates come
from the gazetteer and are ranked by the country the article is about, then by prior.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pycountry
from spacy.tokens import Doc, Span, Token

from ..language.resources import Grammar
from ..nlp import text_of
from ..schema import Location
from .gazetteer import Gazetteer, Place, normalize

_PLACE_LABELS = {"LOC", "GPE", "FAC"}
# labels the recogniser often gives to small places; kept only with locative evidence
_MISLABELS = {"PER", "PERSON", "ORG", "MISC", "NORP"}
_ACTING_DEPS = {"nsubj", "nsubj:pass", "obj", "iobj", "obl:agent", "csubj", "ROOT", "dep"}
_ISO3_EXCEPTIONS = {"XK": "KOS"}
_TITLE_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_TITLE_WEIGHT = 3


def iso3(iso2: str | None) -> str | None:
    if not iso2:
        return None
    if iso2 in _ISO3_EXCEPTIONS:
        return _ISO3_EXCEPTIONS[iso2]
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country else None


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str
    head: int                 # token index of the toponym's head
    candidates: list[Place]
    locative: bool            # used as a location
    metonym: bool             # a state or capital used as an actor
    neighbourhood: bool = False
    modifier: bool = False      # a nationality adjective: says which country, not where
    holder: int | None = None   # token index of "quartiers" in "les quartiers Est d'Alep"
    place: Place | None = None

    @property
    def is_place(self) -> bool:
        return self.place is not None and not self.metonym


@dataclass
class CountryContext:
    country: str | None                      # ISO 3166 alpha-3 the article is about
    dominant: PlaceMention | None            # most mentioned place
    counts: Counter = field(default_factory=Counter)
    distinct_places: int = 0                 # how many places the text locates anything in


def _span_for(doc: Doc, ent: Span) -> Span:
    # NER spans sometimes swallow a leading article or trailing punctuation.
    start, end = ent.start, ent.end
    while start < end and (doc[start].pos_ in ("DET", "ADP", "PUNCT") or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def _case_words(token: Token) -> set[str]:
    words = set()
    for child in token.children:
        if child.dep_ in ("case", "fixed", "mark") or (child.dep_ == "det" and child.pos_ == "ADP"):
            words.add(child.lower_)
            words.update(c.lower_ for c in child.children if c.dep_ == "fixed")
    return words


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer, grammar: Grammar, is_metonym_name,
                 demonym=lambda word: None):
        self.gazetteer = gazetteer
        self.grammar = grammar
        # callable(text) -> bool: the actor KB knows this as a country, capital or seat
        self.is_metonym_name = is_metonym_name
        # callable(word) -> ISO alpha-3 | None: "Russian", "syrien"
        self.demonym = demonym

    def mentions(self, doc: Doc) -> list[PlaceMention]:
        found: dict[int, PlaceMention] = {}
        for ent in doc.ents:
            if ent.label_ not in _PLACE_LABELS and ent.label_ not in _MISLABELS:
                continue
            if ent.label_ in _MISLABELS and not self._looks_located(ent.root):
                continue
            span = _span_for(doc, ent)
            if not len(span):
                continue
            mention = self._mention(span)
            if mention is not None:
                found[span.start] = mention
        covered = {t.i for m in found.values() for t in doc.char_span(
            m.start, m.end, alignment_mode="expand") or ()}
        for token in doc:
            if token.i in covered:
                continue
            if token.pos_ == "PROPN" and token.ent_type_ in ("", *_MISLABELS) and token.dep_ not in (
                    "flat:name", "flat") and self._looks_located(token):
                # toponyms the NER missed, when a preposition says "where"
                mention = self._mention(doc[token.i:token.i + 1])
                if mention is not None:
                    found[token.i] = mention
            elif token.pos_ in ("ADJ", "PROPN", "NOUN") and token.dep_ in ("amod", "nmod", "compound"):
                modifier = self._modifier(token)  # "Russian troops", "le ciel syrien"
                if modifier is not None:
                    found[token.i] = modifier
        return [found[k] for k in sorted(found)]

    def _modifier(self, token: Token) -> PlaceMention | None:
        code = self.demonym(token.text)
        country = self.gazetteer.country(code) if code else None
        if country is None:
            return None
        return PlaceMention(start=token.idx, end=token.idx + len(token.text), text=token.text,
                            head=token.i, candidates=[country], locative=False, metonym=False,
                            modifier=True)

    def _looks_located(self, token: Token) -> bool:
        """A proper name that a preposition or a place noun says is a place ("in Bankass",
        "the village of Boni"), whatever label the name recogniser gave it."""
        if token.pos_ != "PROPN":
            return False
        cases = _case_words(token)
        if cases & self.grammar.locative:
            return True
        return bool(cases & self.grammar.genitive) and \
            self._place_noun_before(token.doc[token.i:token.i + 1]) is not None

    def _mention(self, span: Span) -> PlaceMention | None:
        candidates = self.gazetteer.candidates(span.text)
        if not candidates:
            return None
        head = span.root
        cases = _case_words(head)
        holder = self._place_noun_before(span)
        genitive = bool(cases & self.grammar.genitive)
        locative = bool(cases & self.grammar.locative) or (genitive and (
            holder is not None or head.dep_.startswith("obl")))
        acting = not locative and (
            head.dep_ in _ACTING_DEPS or bool(cases & (self.grammar.agent | self.grammar.reciprocal))
            or (head.dep_ == "conj" and head.head.dep_ in _ACTING_DEPS)
            or head.dep_ == "fixed"
        )
        metonym = acting and self.is_metonym_name(span.text)
        neighbourhood = genitive and holder is not None and \
            holder.lower_ in self.grammar.neighbourhood_nouns
        return PlaceMention(
            start=span.start_char, end=span.end_char, text=span.text, head=head.i,
            candidates=candidates, locative=locative and not metonym, metonym=metonym,
            neighbourhood=neighbourhood, holder=holder.i if holder is not None else None,
        )

    def _place_noun_before(self, span: Span) -> Token | None:
        """'la ville d'Alep', 'les quartiers Est d'Alep': the place noun just before
        "de X", read linearly because parsers often attach X to the verb instead."""
        doc = span.doc
        window = doc[max(0, span.start - 4):span.start]
        for token in reversed(window):
            if token.lemma_.lower() in self.grammar.place_nouns or token.lower_ in self.grammar.place_nouns:
                return token
        return None

    def title_countries(self, title: str | None) -> Counter:
        """Countries a headline names ("Mali : …", "Syrie: l'armée…"): strong evidence
        of what the article is about. Cities are left out: a headline gives no context
        to tell Paris, France from Paris, Texas."""
        counts: Counter = Counter()
        if not title:
            return counts
        words = _TITLE_WORDS.findall(title)
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                phrase = " ".join(words[i:i + size])
                if not phrase[0].isupper():
                    continue
                candidates = self.gazetteer.candidates(phrase)
                if candidates and candidates[0].feature_code.startswith("PCL"):
                    counts[candidates[0].country_code] += _TITLE_WEIGHT
        return counts

    def resolve(self, mentions: list[PlaceMention], title: str | None = None) -> CountryContext:
        """Pick each mention's place, using the article's country to break ties."""
        first_pass = self.title_countries(title)
        for mention in mentions:
            if mention.metonym:
                continue
            top = mention.candidates[0]
            weight = 2 if len({c.country_code for c in mention.candidates}) == 1 else 1
            first_pass[top.country_code] += weight
        context_iso2 = first_pass.most_common(1)[0][0] if first_pass else None
        for mention in mentions:
            candidates = [c for c in mention.candidates
                          if not _far_fetched(c, mention.text, context_iso2)]
            mention.place = max(candidates, key=lambda c: _score(c, candidates, context_iso2)) \
                if candidates else None
        located = [m for m in mentions if m.is_place and m.locative and m.place.country_code]
        counts = Counter(m.place.country_code for m in located)
        counts.update(m.place.country_code for m in mentions if m.modifier)
        counts.update(self.title_countries(title))
        if not counts:
            # nothing located: the countries the text names at all ("boycott Algeria's
            # elections") say what it is about, though not where
            counts.update(m.place.country_code for m in mentions
                          if m.place is not None and m.place.country_code)
        if not counts:
            return CountryContext(country=None, dominant=None, counts=counts)
        iso2 = counts.most_common(1)[0][0]
        # The main place: the most mentioned one in the main country, first one on ties.
        in_country = [m for m in located if m.place.country_code == iso2]
        by_place = Counter(m.place.geonameid for m in in_country)
        dominant = None
        if by_place:
            best = max(by_place.values())
            dominant = next(m for m in in_country if by_place[m.place.geonameid] == best)
        return CountryContext(country=iso3(iso2), dominant=dominant, counts=counts,
                              distinct_places=len({m.place.geonameid for m in located}))


_FIRM_FEATURES = ("PCL", "PPLC", "CONT", "RGN", "OCN", "SEA", "ADM1")
_FAR_FETCHED_POPULATION = 500_000


def _far_fetched(place: Place, text: str, context_iso2: str | None) -> bool:
    """A town abroad reached only through one of its alternate names ("Boni", a Malian
    village, is also an old name of Bonn): not what a story set elsewhere means."""
    if context_iso2 is None or place.country_code == context_iso2:
        return False
    if place.feature_code.startswith(_FIRM_FEATURES) or place.population >= _FAR_FETCHED_POPULATION:
        return False
    return normalize(place.name) != normalize(text)


def _score(place: Place, candidates: list[Place], context_iso2: str | None) -> float:
    """The gazetteer's order is its prior (name weight × population, countries first);
    the article's country moves a candidate up a few ranks, no more, and never past a
    first candidate that is a country, a capital or a region ("Canada" is not
    La Cañada, California, whatever the article is about)."""
    rank = candidates.index(place)
    if candidates[0].feature_code.startswith(_FIRM_FEATURES):
        return -rank
    score = -0.5 * rank
    if context_iso2 and place.country_code == context_iso2:
        score += 2.0
    return score


def to_location(mention: PlaceMention, gazetteer: Gazetteer, doc: Doc,
                fallback: bool) -> Location | None:
    """The schema's event_loc for a mention; a fallback is reported one level coarser."""
    place = mention.place
    if place is None:
        return None
    start, end, extracted = mention.start, mention.end, mention.text
    resolution = place.resolution if place.resolution != "continent" else "country"
    if fallback and resolution in ("city", "neighbourhood", "admin1"):
        country = gazetteer.country(place.country_code)
        if country is not None:
            place, resolution = country, "country"
    elif mention.neighbourhood and mention.holder is not None and not fallback:
        start = min(doc[mention.holder].idx, start)
        extracted = text_of(doc)[start:end]
        resolution = "neighbourhood"
    if resolution not in ("neighbourhood", "city", "admin1", "country"):
        resolution = "city"
    return Location(
        extracted_place=extracted, resolved_place=place.name, geonameid=place.geonameid,
        lat=round(place.lat, 5), lon=round(place.lon, 5), country_code=iso3(place.country_code),
        feature_code=place.feature_code, resolution=resolution, start=start, end=end,
    )
