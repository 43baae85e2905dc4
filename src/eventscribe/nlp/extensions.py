"""Doc extensions: how the pipeline's components hand results to each other."""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS: dict[str, object] = {
    "article_id": None,          # set by the pipeline before the components run
    "lang": None,
    "pub_date": None,            # datetime.date | None
    "title": None,               # the article's title (not part of doc.text)
    "time_expressions": None,    # list[time.TimeExpression]
    "place_mentions": None,      # list[places.PlaceMention]
    "country_context": None,     # places.CountryContext
    "attributions": None,        # list[quotes.Attribution]
    "quotes": None,              # list[quotes.QuoteSpan]
    "event_mentions": None,      # list[events.EventMention]
    "actors": None,              # actors.ActorResolver for this article
}


def register_extensions() -> None:
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
