"""Throughput: eventscribe end to end next to bare spaCy `nlp.pipe`, same texts, one run.

Reads the French Wikinews articles from $EVENTSCRIBE_SHARED (default ../shared).
Reports numbers; never fails on a timing.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time

from eventscribe import Pipeline
from eventscribe.ingest import read_sources
from eventscribe.nlp import chunk_text
from eventscribe.schema import Article
from eventscribe.settings import shared_dir


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = shared_dir() / "data" / "wikinews-fr" / "documents"
    if not folder.is_dir():
        print(f"benchmark skipped: {folder} not found (set EVENTSCRIBE_SHARED)")
        return 0
    articles = [a for a in read_sources([str(folder)]) if isinstance(a, Article)]
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)

    started = time.perf_counter()
    pipeline = Pipeline(lang="fr")
    pipeline.nlp("fr")
    load_s = time.perf_counter() - started

    bare, ours, events = [], [], 0
    nlp = pipeline.nlp("fr")
    for _ in range(args.repeat):
        started = time.perf_counter()
        paragraphs = [c for t in texts for c in chunk_text(t)]
        for _doc in nlp.pipe(paragraphs, disable=pipeline.components("fr"), batch_size=64):
            pass
        bare.append(time.perf_counter() - started)

        fresh = [a for a in read_sources([str(folder)]) if isinstance(a, Article)]
        started = time.perf_counter()
        events = sum(len(a.events) for a in pipeline.process(fresh) if isinstance(a, Article))
        ours.append(time.perf_counter() - started)

    bare_s, ours_s = statistics.median(bare), statistics.median(ours)
    report = {
        "articles": len(texts), "words": words, "events": events,
        "model_and_index_load_s": round(load_s, 2),
        "bare_spacy_words_per_s": round(words / bare_s),
        "eventscribe_words_per_s": round(words / ours_s),
        "eventscribe_articles_per_s": round(len(texts) / ours_s, 1),
        "ratio_to_bare_spacy": round(bare_s / ours_s, 3),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:32s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
