"""Ingest: formats, encodings, titles, dates, and bad input that must not stop a batch."""

import json

from eventscribe.ingest import read_bytes, read_sources
from eventscribe.ingest.encoding import decode
from eventscribe.ingest.plaintext import date_from_url, parse_plaintext
from eventscribe.schema import Article, Skipped

BODY = "L'armée a repris la ville de Gao mardi, selon des habitants.\n\nLes combats ont duré trois heures."


def test_title_only_when_followed_by_blank_line():
    title, body = parse_plaintext("Mali : l'armée reprend Gao\n\n" + BODY)
    assert title == "Mali : l'armée reprend Gao"
    assert body.startswith("L'armée")
    title, body = parse_plaintext("Une ligne\nqui continue.")
    assert title is None and body == "Une ligne qui continue."


def test_share_buttons_and_menus_are_removed():
    _, body = parse_plaintext("Titre\n\n" + BODY + "\n\nPartager :\n\nLire aussi :")
    assert "Partager" not in body and "Lire aussi" not in body


def test_latin1_and_cp1252_are_decoded():
    text = "Les forces armées ont été déployées à Bamako « hier »."
    for encoding in ("latin-1", "cp1252"):
        decoded, _ = decode(text.encode(encoding))
        assert decoded == text
    assert decode("déjà – “vu”".encode("cp1252"))[0] == "déjà – “vu”"


def test_binary_and_empty_inputs_are_skipped_with_a_reason():
    (binary,) = list(read_bytes(bytes(range(256)) * 20, "x.bin"))
    assert isinstance(binary, Skipped) and "binary" in binary.reason
    (empty,) = list(read_bytes(b"  \n\n ", "empty.txt"))
    assert isinstance(empty, Skipped) and "empty" in empty.reason


def test_jsonl_articles_and_bad_lines(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "url": "https://example.org/2016/10/04/x", "title": "T",
                    "text": BODY, "lang": "fr"}),
        "{not json",
        json.dumps({"id": "a3", "text": ""}),
        json.dumps({"id": "a4", "text": BODY, "date": "2016-10-05T10:00:00Z"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_sources([str(path)]))
    assert [type(i) for i in items] == [Article, Skipped, Skipped, Article]
    assert items[0].id == "a1" and items[0].pub_date == "2016-10-04"
    assert items[0].pub_date_source == "url"
    assert items[3].pub_date == "2016-10-05"
    assert "line 2" in items[1].reason


def test_html_page_gives_title_date_and_clean_text(tmp_path):
    html = f"""<html><head><title>Mali : l'armée reprend Gao</title>
    <meta property="article:published_time" content="2019-11-14"></head>
    <body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
    <article><h1>Mali : l'armée reprend Gao</h1>{''.join(f'<p>{p}</p>' for p in BODY.split(chr(10)*2))}
    <p>Partager :</p></article><footer>Mentions légales</footer></body></html>"""
    (item,) = list(read_bytes(html.encode("utf-8"), "page.html"))
    assert isinstance(item, Article)
    assert item.title.startswith("Mali")
    assert item.pub_date == "2019-11-14" and item.pub_date_source == "metadata"
    assert "Partager" not in item.text and "Accueil" not in item.text
    assert "repris la ville de Gao" in item.text


def test_broken_html_is_reported_not_raised():
    (item,) = list(read_bytes(b"<html><body><div><p></div></html>", "broken.html"))
    assert isinstance(item, Skipped) and "no main text" in item.reason


def test_directory_of_mixed_files_keeps_going(tmp_path):
    (tmp_path / "a.txt").write_text("Titre\n\n" + BODY, encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "c.txt").write_bytes(("Titre\n\n" + BODY).encode("latin-1"))
    (tmp_path / "d.txt").write_text("", encoding="utf-8")
    items = list(read_sources([str(tmp_path)]))
    assert [isinstance(i, Article) for i in items] == [True, False, True, False]
    assert items[0].id == items[2].id  # same text, same id, whatever the encoding


def test_missing_file_is_skipped(tmp_path):
    (item,) = list(read_sources([str(tmp_path / "nope.txt")]))
    assert isinstance(item, Skipped) and "cannot read" in item.reason


def test_url_dates():
    assert date_from_url("https://www.rfi.fr/fr/moyen-orient/20161004-syrie") == "2016-10-04"
    assert date_from_url("https://example.org/article/123456789") is None
    assert date_from_url("https://example.org/2016/10/04/syrie-alep") == "2016-10-04"
