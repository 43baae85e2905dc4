"""The command line on good and bad input: clear messages, nothing lost, honest exit codes."""

import json
import subprocess
import sys
import time

import pytest

ARTICLE = ("Mali : attaque contre un poste de l'armée\n\n"
           "Des jihadistes ont attaqué mardi un poste de l'armée malienne à Ménaka, "
           "selon une source sécuritaire.\n\nLe gouvernement a condamné l'attaque.")
GERMAN = ("Armee nimmt Stadt ein\n\nDie Armee hat am Dienstag nach schweren Kämpfen mit den "
          "Rebellen die Stadt Gao eingenommen, teilten Beamte mit. Die Regierung verurteilte "
          "den Angriff auf Zivilisten.")


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "eventscribe", *args], input=stdin,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "a_article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b_empty.txt").write_text("", encoding="utf-8")
    (folder / "c_binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "d_latin1.txt").write_bytes(ARTICLE.replace("Ménaka", "Gao").encode("latin-1"))
    (folder / "e_german.txt").write_text(GERMAN, encoding="utf-8")
    paragraph = "<p>" + "Les soldats ont patrouillé dans la ville de Mopti sans incident. " * 8 + "</p>\n"
    big = "<html><head><title>Gros</title></head><body><article>" + paragraph * (20_000_000 // len(paragraph)) + "</article></body></html>"
    (folder / "f_huge.html").write_text(big, encoding="utf-8")
    return folder


def test_mixed_directory(inputs):
    started = time.perf_counter()
    result = run("extract", str(inputs), "--date", "2019-11-14", "--format", "jsonl")
    elapsed = time.perf_counter() - started
    assert result.returncode == 1, result.stderr  # some inputs were skipped, and it says so
    err = result.stderr
    assert "b_empty.txt: empty" in err
    assert "c_binary.txt: binary" in err
    assert "e_german.txt: language 'de' has no pipeline yet" in err
    events = [json.loads(line) for line in result.stdout.splitlines()]
    articles = {e["article_id"] for e in events}
    assert len(articles) >= 2  # the article and its Latin-1 twin (different place → different text)
    assert any(e["event"] == "ASSAULT" for e in events)
    print(f"mixed directory with a 20 MB page: {elapsed:.1f} s")


def test_json_output_carries_text_and_offsets(inputs):
    result = run("extract", str(inputs / "a_article.txt"), "--date", "2019-11-14",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    (article,) = json.loads(result.stdout)["articles"]
    assert article["title"].startswith("Mali")
    text = article["text"]
    for event in article["events"]:
        info = event["text_info"]
        assert text[info["start"]:info["end"]] == info["sentence"]
        if event["event_loc"]:
            loc = event["event_loc"]
            assert text[loc["start"]:loc["end"]] == loc["extracted_place"]


def test_stdin_csv_and_table(inputs):
    result = run("extract", "-", "--date", "2019-11-14", "--format", "csv", stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    assert header[:3] == ["id", "article_id", "event"] and "actor_code" in header
    table = run("extract", "-", "--date", "2019-11-14", "--format", "table", stdin=ARTICLE)
    assert "ASSAULT" in table.stdout and "EVENT" in table.stdout


def test_usage_errors_exit_2():
    assert run("extract", "x.txt", "--date", "mardi").returncode == 2
    assert run("frobnicate").returncode == 2
