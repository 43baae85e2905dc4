"""Our pipeline steps as spaCy components, registered by name and configured.

They run on the article Doc after the statistical model has parsed it (see
`eventscribe.pipeline`), in this order:

    eventscribe_time    date expressions resolved against doc._.pub_date
    eventscribe_places  toponyms, metonymy, gazetteer resolution, country context
    eventscribe_quotes  quotes and their speakers
    eventscribe_events  triggers, roles, claimants, places, dates → doc._.event_mentions
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..actors.kb import ActorKB
from ..actors.resolve import ActorResolver
from ..events.assemble import EventAssembler
from ..events.lexicon import load_lexicon
from ..language.resources import attribution, grammar
from ..places.gazetteer import Gazetteer
from ..places.resolve import PlaceFinder, iso3
from ..quotes import AttributionFinder
from ..time import find_time_expressions
from . import text_of

COMPONENTS = ("eventscribe_time", "eventscribe_places", "eventscribe_quotes",
              "eventscribe_events")


class TimeTagger:
    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        doc._.time_expressions = find_time_expressions(text_of(doc), self.lang, doc._.pub_date)
        return doc


class PlaceTagger:
    def __init__(self, lang: str, kb_languages: list[str]):
        kb = ActorKB.load(tuple(kb_languages))
        self.finder = PlaceFinder(
            Gazetteer.load(), grammar(lang),
            kb.names_a_state,
            kb.demonym,
        )

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.finder.mentions(doc)
        doc._.country_context = self.finder.resolve(mentions, doc._.title)
        doc._.place_mentions = mentions
        return doc


class QuoteTagger:
    def __init__(self, lang: str):
        self.finder = AttributionFinder(attribution(lang))

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = self.finder.quotes(doc)
        return doc


class EventTagger:
    def __init__(self, lang: str, kb_languages: list[str]):
        self.kb = ActorKB.load(tuple(kb_languages))
        self.person_nouns = grammar(lang).person_nouns
        self.assemble = EventAssembler(load_lexicon(lang), grammar(lang),
                                       AttributionFinder(attribution(lang)))

    def __call__(self, doc: Doc) -> Doc:
        context = doc._.country_context
        located = {m.head: iso3(m.place.country_code) for m in doc._.place_mentions
                   if m.is_place and m.locative and m.place.country_code}
        resolver = ActorResolver(doc, self.kb, doc._.pub_date, context.country,
                                 self.person_nouns, located)
        doc._.actors = resolver
        doc._.event_mentions = self.assemble(
            doc, resolver, context, doc._.place_mentions, doc._.time_expressions,
            doc._.quotes)
        return doc


@Language.factory("eventscribe_time", default_config={"lang": "fr"})
def make_time(nlp: Language, name: str, lang: str) -> TimeTagger:
    return TimeTagger(lang)


@Language.factory("eventscribe_places", default_config={"lang": "fr", "kb_languages": ["fr", "en"]})
def make_places(nlp: Language, name: str, lang: str, kb_languages: list[str]) -> PlaceTagger:
    return PlaceTagger(lang, kb_languages)


@Language.factory("eventscribe_quotes", default_config={"lang": "fr"})
def make_quotes(nlp: Language, name: str, lang: str) -> QuoteTagger:
    return QuoteTagger(lang)


@Language.factory("eventscribe_events", default_config={"lang": "fr", "kb_languages": ["fr", "en"]})
def make_events(nlp: Language, name: str, lang: str, kb_languages: list[str]) -> EventTagger:
    return EventTagger(lang, kb_languages)


def add_components(nlp: Language, lang: str, parse_adapter: str | None = None) -> list[str]:
    """Add our components after the model's; returns their names in running order."""
    names = []
    if parse_adapter:
        if parse_adapter not in nlp.pipe_names:
            nlp.add_pipe(parse_adapter)
        names.append(parse_adapter)
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config={"lang": lang})
        names.append(name)
    return names
