"""eventscribe: French-first, offline event data from news, with evidence.

    >>> import eventscribe
    >>> article = eventscribe.extract(text, pub_date="2016-10-04")
    >>> for event in article.events: print(event.event, event.actor, event.recipient)

For many articles, build one `eventscribe.Pipeline()` and call `process()`.
"""

from .pipeline import Pipeline, extract
from .schema import Article, Entity, Event, Location, Quote, Skipped, TextInfo

__version__ = "0.1.0"
__all__ = ["Pipeline", "extract", "Article", "Event", "Entity", "Location", "Quote",
           "Skipped", "TextInfo", "__version__"]
