"""The pipeline: articles in, articles with PLOVER events and quotes out.

    ingest → language → nlp (spaCy, per paragraph) → our components → records

`Pipeline` loads each language's model once and is meant to be reused; articles
are processed in batches so spaCy's `nlp.pipe` sees many paragraphs at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from .events.assemble import EventMention, event_date
from .ingest import article_from_text
from .ingest.plaintext import parse_plaintext
from .language import UnsupportedLanguage, detect_language, get_profile
from .nlp import load_model, parse_texts
from .nlp.components import add_components
from .places.gazetteer import Gazetteer
from .places.resolve import to_location
from .schema import Article, Entity, Event, Quote, Skipped, TextInfo, stable_id
from .time import find_time_expressions

DEFAULT_LANGUAGE = "fr"
_DATELINE_CHARS = 60
_PRECISION_START = {"week": None, "month": "-01", "year": "-01-01"}


def parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _calendar_date(value: str, precision: str | None) -> str:
    """A resolved value as a calendar day: the first day of its week, month or year."""
    if precision == "week" and "-W" in value:
        year, week = value.split("-W")
        return dt.date.fromisocalendar(int(year), int(week[:2]), 1).isoformat()
    if precision in ("month", "year") and len(value) < 10:
        return (value + _PRECISION_START[precision])[:10]
    return value[:10]


class Pipeline:
    """Reusable extraction pipeline; models load on first use of each language."""

    def __init__(self, lang: str | None = None, batch_size: int = 16):
        self.forced_lang = lang
        self.batch_size = batch_size
        self._nlp: dict[str, Language] = {}
        self._steps: dict[str, list[str]] = {}  # our components per language, in order

    # -- models -------------------------------------------------------------------
    def nlp(self, lang: str) -> Language:
        if lang not in self._nlp:
            profile = get_profile(lang)
            nlp = load_model(profile.spacy_model)
            self._steps[lang] = add_components(nlp, lang, profile.parse_adapter)
            self._nlp[lang] = nlp
        return self._nlp[lang]

    def components(self, lang: str) -> list[str]:
        """Our components for a language, in running order (after the model's own)."""
        self.nlp(lang)
        return list(self._steps[lang])

    # -- public API -----------------------------------------------------------------
    def extract(self, text: str, lang: str | None = None,
                pub_date: str | dt.date | None = None, title: str | None = None,
                url: str | None = None) -> Article:
        """One article from raw text (the first line is a title if a blank line follows)."""
        if title is None:
            title, text = parse_plaintext(text)
        article = article_from_text(text, title=title, url=url, language=lang)
        result = next(self.process([article], pub_date=pub_date, lang=lang))
        if isinstance(result, Skipped):
            raise ValueError(result.reason)
        return result

    def process(self, items: Iterable[Article | Skipped], pub_date=None,
                lang: str | None = None) -> Iterator[Article | Skipped]:
        """Articles with their events, in input order; Skipped items pass through."""
        forced = lang or self.forced_lang
        date = parse_date(pub_date)
        iterator = iter(items)
        while batch := list(islice(iterator, self.batch_size)):
            yield from self._process_batch(batch, date, forced)

    # -- internals ------------------------------------------------------------------
    def _process_batch(self, batch, pub_date, forced_lang):
        ready: dict[str, list[Article]] = {}
        outcome: dict[int, Article | Skipped] = {}
        for index, item in enumerate(batch):
            if isinstance(item, Skipped):
                outcome[index] = item
                continue
            lang = forced_lang or item.language or detect_language(item.text) or DEFAULT_LANGUAGE
            item.language = lang
            try:
                get_profile(lang)
            except UnsupportedLanguage as exc:
                outcome[index] = Skipped(item.source or item.id, str(exc), item.id)
                continue
            self._set_pub_date(item, pub_date)
            ready.setdefault(lang, []).append(item)
            outcome[index] = item
        for lang, articles in ready.items():
            docs = self.annotate(lang, (a.text for a in articles),
                                 [(a.id, parse_date(a.pub_date), a.title) for a in articles])
            for article, doc in zip(articles, docs):
                self._records_into(article, doc)
        return [outcome[i] for i in range(len(batch))]

    def annotate(self, lang: str, texts: Iterable[str],
                 meta: Iterable[tuple[str | None, dt.date | None, str | None]] | None = None,
                 until: str | None = None) -> Iterator[Doc]:
        """Parsed Docs carrying every component's annotations (all steps, or up to and
        including `until`); `meta` gives each text's (article id, publication date, title)."""
        nlp = self.nlp(lang)
        steps = self._steps[lang]
        run = steps[:steps.index(until) + 1] if until in steps else steps
        meta_iter = iter(meta) if meta is not None else None
        for doc in parse_texts(nlp, texts, disable=steps):
            article_id, pub_date, title = next(meta_iter) if meta_iter else (None, None, None)
            doc._.article_id, doc._.lang = article_id, lang
            doc._.pub_date, doc._.title = pub_date, title
            for name in run:
                doc = nlp.get_pipe(name)(doc)
            yield doc

    @staticmethod
    def _set_pub_date(article: Article, option: dt.date | None) -> None:
        if option is not None:
            article.pub_date, article.pub_date_source = option.isoformat(), "option"
            return
        if article.pub_date_source in ("metadata", "input", "url"):
            return
        for expr in find_time_expressions(article.text[:_DATELINE_CHARS], article.language, None):
            if expr.start <= 2 and expr.precision == "day" and expr.value:
                article.pub_date, article.pub_date_source = expr.value, "dateline"
                return

    def _records_into(self, article: Article, doc: Doc) -> None:
        """The annotated Doc's event mentions and quotes as the article's records."""
        article.events = []
        text = article.text  # == doc.text, which spaCy rebuilds on every access
        events_by_trigger: dict[int, list[str]] = {}
        for mention in doc._.event_mentions:
            for event in self._records(article, doc, text, mention):
                article.events.append(event)
                events_by_trigger.setdefault(event.text_info.trigger_start, []).append(event.id)
        article.quotes = []
        for quote in doc._.quotes:
            speaker = doc._.actors.entity(quote.speaker) if quote.speaker is not None else None
            inside = [eid for start, ids in events_by_trigger.items()
                      if quote.start <= start < quote.end for eid in ids]
            article.quotes.append(Quote(quote.text, quote.start, quote.end, speaker, inside))

    def _records(self, article: Article, doc: Doc, text: str,
                 mention: EventMention) -> Iterator[Event]:
        trigger_tokens = sorted(mention.match.tokens, key=lambda t: t.i)
        anchor = mention.match.anchor
        sentence = mention.sentence
        sent_start = sentence.start_char
        sent_end = sentence.end_char
        while sent_end > sent_start and text[sent_end - 1].isspace():
            sent_end -= 1
        text_info = TextInfo(start=sent_start, end=sent_end, sentence=text[sent_start:sent_end],
                             trigger_start=anchor.idx, trigger_end=anchor.idx + len(anchor.text))
        trigger_text = " ".join(t.text for t in trigger_tokens)
        location = None
        if mention.place is not None:
            location = to_location(mention.place, Gazetteer.load(), doc, mention.place_fallback)
        pub = parse_date(article.pub_date)
        date, precision, date_text, date_source = event_date(mention, pub)
        if date is not None:
            date = _calendar_date(date, precision)
        for actor, recipient in dyads(mention):
                yield Event(
                    id=stable_id(article.id, anchor.idx, mention.event,
                                 actor.start if actor else "", recipient.start if recipient else ""),
                    article_id=article.id, event=mention.event, mode=mention.mode,
                    context=mention.context, aux=list(mention.aux), actor=actor,
                    recipient=recipient, claimant=mention.claimant, event_loc=location,
                    date=date, date_precision=precision if date else None, date_text=date_text,
                    date_source=date_source, event_text=trigger_text, text_info=text_info,
                    language=article.language, confidence=mention.confidence,
                )


# Joint acts of coordinated actors with no one else named are acts towards each other:
# "Paris et Berlin ont signé une déclaration" → FRA→DEU and DEU→FRA (CAMEO-style dyads).
MUTUAL_EVENTS = {"AGREE", "CONSULT", "COOPERATE", "SUPPORT"}


def dyads(mention: EventMention) -> Iterator[tuple[Entity | None, Entity | None]]:
    """Actor–recipient pairs for a mention whose roles may be coordinated phrases."""
    actors, recipients = list(mention.actors), list(mention.recipients)
    coded = [a for a in actors if a.code]
    if not recipients and len({a.code for a in coded}) >= 2 and mention.event in MUTUAL_EVENTS:
        for actor in coded:
            for other in coded:
                if other.code != actor.code:
                    yield actor, other
        return
    for actor in actors or [None]:
        for recipient in recipients or [None]:
            # domestic dyads (SRB→SRB) are real events; only a phrase acting on itself is not
            if actor is not None and recipient is not None and actor.start == recipient.start:
                recipient = None
            yield actor, recipient


_DEFAULT: Pipeline | None = None


def extract(text: str, lang: str | None = None, pub_date: str | dt.date | None = None) -> Article:
    """Extract events from one article's text with a shared default Pipeline."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT.extract(text, lang=lang, pub_date=pub_date)
