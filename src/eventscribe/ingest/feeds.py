"""RSS (2.0 and 1.0), Atom feeds and sitemaps saved on disk → article records.

A newsroom's feed often carries only a summary; we take the item's full content
when it has one, else its description, else its headline, because the summary of
a wire story names who did what as well as the story does. Records have the keys
of a JSON line (title, url, text, date), so ingest turns both into articles alike.

A plain sitemap lists URLs without text: eventscribe never fetches anything, so
such entries are reported once per file (fetch the pages, then ingest them). A
news sitemap (`<news:title>`) gives a headline per URL, which becomes the text.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator

from lxml import etree, html

from .encoding import IngestError
from .plaintext import normalise_body

_ROOT = re.compile(r"<(?:[\w-]+:)?(rss|feed|RDF|urlset|sitemapindex)[\s>]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
           "section", "article", "figure", "ul", "ol", "table", "pre")
# Untrusted files: no entity expansion (billion laughs), no DTD or network fetches.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                          remove_comments=True, huge_tree=False)


def looks_like_feed(text: str) -> bool:
    head = text[:3000]
    match = _ROOT.search(head)
    return match is not None and "<html" not in head[:match.start()].lower()


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) in names]


def _first_text(element: etree._Element, *names: str) -> str | None:
    for child in _children(element, *names):
        value = _inner(child).strip()
        if value:
            return value
    return None


def _inner(element: etree._Element) -> str:
    """The element's content: its text, or its markup when it holds XHTML elements."""
    if len(element):
        parts = [element.text or ""]
        parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in element]
        return "".join(parts)
    return element.text or ""


def html_to_text(fragment: str) -> str:
    """Plain paragraphs from an HTML fragment (feeds put escaped HTML in their items)."""
    if "<" not in fragment:
        return normalise_body(fragment)
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:
        return ""
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    return normalise_body(root.text_content())


def feed_date(value: str | None) -> str | None:
    """An ISO day from RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) dates; None if neither."""
    if not value:
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _link(item: etree._Element) -> str | None:
    for link in _children(item, "link"):
        href = (link.get("href") or link.text or "").strip()
        if href and link.get("rel", "alternate") == "alternate":
            return href
    for guid in _children(item, "guid"):
        value = (guid.text or "").strip()
        if guid.get("isPermaLink", "true") != "false" and value.startswith("http"):
            return value
    return None


def _item_record(item: etree._Element) -> dict | IngestError:
    title = _first_text(item, "title")
    body = _first_text(item, "encoded", "content") or _first_text(item, "description", "summary")
    text = html_to_text(body) if body else ""
    if title is not None:
        title = html_to_text(title) or None
    if not text and title:
        text = title  # a headline-only item still says who did what
    if not text:
        return IngestError("feed item without text (no content, description or title)")
    date = feed_date(_first_text(item, "pubDate", "published", "date", "issued", "updated"))
    return {"title": title, "url": _link(item), "text": text, "date": date}


def _sitemap_records(root: etree._Element) -> Iterator[tuple[int, dict | IngestError]]:
    if _local(root.tag) == "sitemapindex":
        yield 1, IngestError("sitemap index: it lists other sitemaps, not articles")
        return
    without_text = 0
    entries = _children(root, "url")
    for number, entry in enumerate(entries, start=1):
        news = next(iter(_children(entry, "news")), None)
        title = _first_text(news, "title") if news is not None else None
        if not title:
            without_text += 1
            continue
        yield number, {"title": title, "url": _first_text(entry, "loc"), "text": title,
                       "date": feed_date(_first_text(news, "publication_date"))}
    if without_text:
        yield len(entries) + 1, IngestError(
            f"{without_text} of {len(entries)} sitemap entries have only a URL, no text: "
            "fetch the pages, then ingest them (HTML files or a WARC archive)")


def iter_feed_records(text: str) -> Iterator[tuple[int, dict | IngestError]]:
    """(item number, record or the reason it has none) for each item of a feed file."""
    try:
        root = etree.fromstring(_DECLARATION.sub("", text, count=1), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"unreadable feed: {exc}") from None
    if root is None:
        raise IngestError("unreadable feed: no XML element")
    if _local(root.tag) in ("urlset", "sitemapindex"):
        yield from _sitemap_records(root)
        return
    items = [e for e in root.iter() if _local(e.tag) in ("item", "entry")]
    if not items:
        raise IngestError("feed without items")
    for number, item in enumerate(items, start=1):
        yield number, _item_record(item)
