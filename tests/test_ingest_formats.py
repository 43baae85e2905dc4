"""Feeds, sitemaps and web archives become articles with their URL, title and date."""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventscribe.ingest import read_bytes, read_sources
from eventscribe.ingest.feeds import feed_date
from eventscribe.schema import Article, Skipped, stable_id

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Le Journal du Sahel</title><link>https://sahel.example/</link>
<item>
  <title>Attaque contre un poste à Gao</title>
  <link>https://sahel.example/2024/03/12/gao</link>
  <description>Un résumé trop court.</description>
  <content:encoded><![CDATA[<p>Des jihadistes ont attaqué mardi un poste de l'armée
  malienne à Gao, selon une source sécuritaire.</p><p>Le gouvernement a condamné
  l'attaque.</p><script>track()</script>]]></content:encoded>
  <pubDate>Tue, 12 Mar 2024 08:00:00 +0000</pubDate>
</item>
<item>
  <title>Manifestation à Mopti</title>
  <guid isPermaLink="true">https://sahel.example/mopti</guid>
  <description>&lt;p&gt;La police a dispersé mercredi des manifestants à Mopti.&lt;/p&gt;</description>
  <pubDate>Wed, 13 Mar 2024 10:30:00 GMT</pubDate>
</item>
<item><title></title><description></description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Nouvelles du Niger</title>
<entry>
  <title type="html">Visite à Niamey</title>
  <link rel="enclosure" href="https://niger.example/photo.jpg"/>
  <link rel="alternate" href="https://niger.example/visite"/>
  <published>2024-03-14T09:00:00Z</published><updated>2024-03-15T00:00:00Z</updated>
  <summary>Le Premier ministre malien s'est rendu à Niamey.</summary>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Le Premier ministre
  malien s'est rendu jeudi à Niamey pour rencontrer les autorités.</p>
  <p>Les deux pays ont signé un accord.</p></div></content>
</entry>
<entry>
  <title>L'armée nigérienne a repris le contrôle de Tillabéri</title>
  <link href="https://niger.example/tillaberi"/>
  <updated>2024-03-16T00:00:00Z</updated>
</entry>
</feed>
"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://sahel.example/2024/03/12/lere</loc>
  <news:news><news:publication><news:name>Sahel</news:name><news:language>fr</news:language>
  </news:publication><news:publication_date>2024-03-12T08:00:00+00:00</news:publication_date>
  <news:title>L'armée malienne a repris le contrôle de Léré</news:title></news:news></url>
<url><loc>https://sahel.example/a-propos</loc><lastmod>2024-01-01</lastmod></url>
</urlset>
"""

PAGE = """<!DOCTYPE html><html><head><title>Frappes sur Kidal | Le Journal</title>
<meta property="article:published_time" content="2024-03-10T07:00:00Z"></head><body>
<nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article><h1>Frappes sur Kidal</h1>
<p>L'armée malienne a bombardé dimanche des positions rebelles à Kidal, dans le nord du pays,
selon plusieurs sources locales jointes par téléphone.</p>
<p>Les rebelles ont accusé Bamako d'avoir visé des civils, ce que le gouvernement dément
fermement dans un communiqué publié lundi matin.</p>
<p>Les frappes se sont poursuivies dans la nuit autour de l'aéroport de la ville.</p>
</article><footer>Partager</footer></body></html>"""


def _items(text: str, name: str = "feed.xml"):
    return list(read_bytes(text.encode("utf-8"), name))


def test_rss_items_become_articles_from_their_fullest_text():
    first, second, empty = _items(RSS)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.title == "Attaque contre un poste à Gao"
    assert first.url == "https://sahel.example/2024/03/12/gao"
    assert first.id == stable_id("url", first.url)
    assert first.text.startswith("Des jihadistes ont attaqué mardi")
    assert "\n\nLe gouvernement a condamné l'attaque." in first.text  # paragraphs kept
    assert "résumé" not in first.text and "track()" not in first.text and "<" not in first.text
    assert (first.pub_date, first.pub_date_source, first.source) == ("2024-03-12", "metadata",
                                                                    "feed.xml:1")
    # No full content: the (escaped HTML) description is the text; a permalink guid the URL.
    assert second.text == "La police a dispersé mercredi des manifestants à Mopti."
    assert (second.url, second.pub_date) == ("https://sahel.example/mopti", "2024-03-13")
    assert isinstance(empty, Skipped) and "without text" in empty.reason
    assert empty.source == "feed.xml:3"


def test_atom_entries_and_headline_only_entries():
    visit, headline = _items(ATOM, "niger.atom")
    assert visit.url == "https://niger.example/visite"  # the alternate link, not the photo
    assert visit.title == "Visite à Niamey" and visit.pub_date == "2024-03-14"
    assert visit.text.split("\n\n") == [
        "Le Premier ministre malien s'est rendu jeudi à Niamey pour rencontrer les autorités.",
        "Les deux pays ont signé un accord."]
    assert headline.text == headline.title == "L'armée nigérienne a repris le contrôle de Tillabéri"
    assert headline.pub_date == "2024-03-16"


def test_sitemaps_give_headlines_and_report_bare_urls_once():
    lere, bare = _items(NEWS_SITEMAP, "sitemap.xml")
    assert lere.text == "L'armée malienne a repris le contrôle de Léré"
    assert (lere.url, lere.pub_date) == ("https://sahel.example/2024/03/12/lere", "2024-03-12")
    assert isinstance(bare, Skipped) and "1 of 2 sitemap entries have only a URL" in bare.reason
    index = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>' \
            "<loc>https://sahel.example/s1.xml</loc></sitemap></sitemapindex>"
    (skipped,) = _items(index)
    assert isinstance(skipped, Skipped) and "sitemap index" in skipped.reason


def test_latin1_and_broken_feeds():
    latin = RSS.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    first = next(iter(read_bytes(latin, "latin.xml")))
    assert first.title == "Attaque contre un poste à Gao"
    broken = list(read_bytes(RSS[: RSS.index("<item><title></title>")].encode(), "cut.xml"))
    assert [type(i) for i in broken] == [Article, Article]  # what was whole is kept
    (nothing,) = _items("<rss><channel><title>Vide</title></channel></rss>")
    assert isinstance(nothing, Skipped) and "without items" in nothing.reason


def test_feed_dates():
    assert feed_date("Tue, 12 Mar 2024 23:30:00 -0500") == "2024-03-12"
    assert feed_date("2024-03-12T08:00:00+02:00") == "2024-03-12"
    assert feed_date("hier") is None and feed_date(None) is None


def _warc(path) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))

        def response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                     status: str = "200 OK") -> None:
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http))

        response("https://sahel.example/2024/03/10/kidal", PAGE.encode("utf-8"))
        response("https://sahel.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
        response("https://sahel.example/absent", b"<html><body><p>Introuvable</p></body></html>",
                 status="404 Not Found")
        response("https://sahel.example/vide", b"<html><body><nav>Menu</nav></body></html>")
        response("https://sahel.example/latin", PAGE.replace("Kidal", "Ménaka").encode("cp1252"),
                 "text/html; charset=windows-1252")


def test_warc_html_responses_become_articles_with_their_url(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    _warc(folder / "crawl.warc.gz")
    (folder / "other.tar.gz").write_bytes(b"\x1f\x8b" + bytes(100))  # not a WARC: left out
    items = list(read_sources([str(folder)]))
    articles = [i for i in items if isinstance(i, Article)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [a.url for a in articles] == ["https://sahel.example/2024/03/10/kidal",
                                         "https://sahel.example/latin"]
    kidal, latin = articles
    assert kidal.id == stable_id("url", kidal.url)
    assert kidal.title.startswith("Frappes sur Kidal")
    assert "L'armée malienne a bombardé dimanche des positions rebelles" in kidal.text
    assert "Accueil" not in kidal.text and kidal.pub_date == "2024-03-10"
    assert kidal.source == f"{folder / 'crawl.warc.gz'}:{kidal.url}"
    assert "Ménaka" in latin.text  # the page's own encoding
    # The page without text is reported; the image, the 404 and the warcinfo are not pages.
    assert [s.source.rsplit(":", 2)[-2:] for s in skipped] == [["https", "//sahel.example/vide"]]
    # Piped in, an archive is recognised by its content.
    piped = list(read_bytes((folder / "crawl.warc.gz").read_bytes(), "<stdin>"))
    assert [a.url for a in piped if isinstance(a, Article)] == [a.url for a in articles]


def test_a_truncated_warc_keeps_its_whole_records(tmp_path):
    path = tmp_path / "cut.warc.gz"
    _warc(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])
    items = list(read_sources([str(path)]))
    assert isinstance(items[0], Article) and items[0].url.endswith("/kidal")


@pytest.fixture(scope="module")
def pipeline():
    from eventscribe.pipeline import Pipeline

    return Pipeline()


def test_feed_articles_go_through_the_pipeline(pipeline, tmp_path):
    (tmp_path / "sahel.rss").write_text(RSS, encoding="utf-8")
    results = list(pipeline.process(read_sources([str(tmp_path)])))
    gao = results[0]
    assert isinstance(gao, Article) and gao.pub_date == "2024-03-12"
    assault = next(e for e in gao.events if e.event == "ASSAULT")
    assert assault.event_loc.resolved_place == "Gao" and assault.date == "2024-03-12"
    assert gao.text[assault.text_info.start:assault.text_info.end] == assault.text_info.sentence
