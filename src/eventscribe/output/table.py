"""A readable table for the terminal: one line per event, evidence underneath."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..schema import Article, Entity, Event

_COLUMNS = (("event", 9), ("mode", 9), ("aux", 5), ("actor", 22), ("recipient", 22),
            ("where", 16), ("date", 11), ("trigger", 20), ("claimant", 18))
_AUX_LETTERS = {"negation": "N", "future": "F", "hypothetical": "H", "historical": "P"}


def _entity(entity: Entity | None) -> str:
    if entity is None:
        return "-"
    code = "/".join(p for p in (entity.code, entity.sector) if p) or "?"
    return f"{code} {entity.entity_text}"


def _cells(event: Event) -> list[str]:
    where = "-"
    if event.event_loc is not None:
        loc = event.event_loc
        where = (loc.resolved_place or loc.extracted_place) + ("*" if loc.resolution == "country" else "")
    date = event.date or "-"
    if event.date_source == "publication":
        date += "~"
    aux = "".join(_AUX_LETTERS.get(flag, "?") for flag in event.aux) or "-"
    return [event.event, event.mode or "-", aux, _entity(event.actor), _entity(event.recipient),
            where, date, event.event_text, _entity(event.claimant)]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_table(articles: Iterable[Article], out: TextIO, by_article: bool = True) -> int:
    """One block per article with its title, or (by_article=False) one table for all,
    as for a query's results, whose neighbours come from different articles."""
    count = 0
    header = "  ".join(name.upper().ljust(width) for name, width in _COLUMNS)
    if not by_article:
        out.write(header + "\n")
    for article in articles:
        if by_article:
            title = article.title or article.source or article.id
            out.write(f"\n{title}  [{article.language}, {article.pub_date or 'no date'}, "
                      f"{len(article.events)} events]\n")
            if not article.events:
                continue
            out.write(header + "\n")
        for event in article.events:
            cells = _cells(event)
            out.write("  ".join(_fit(c, w).ljust(w) for c, (_, w) in zip(cells, _COLUMNS)).rstrip() + "\n")
            count += 1
    out.write("\n* place is the article's main country   ~ date is the publication date\n"
              "aux: N negation, F future, H hypothetical, P historical (past)\n")
    return count
