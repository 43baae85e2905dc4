"""The command line: `eventscribe extract PATH... [--date] [--lang] [--format]` and
`eventscribe ingest PATH... [--db] [--workers] [--retry-failed] [--batch-size]`.

Exit status: 0 when every input became an article, 1 when some inputs were
skipped or failed (each reported on stderr with its reason), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator

from . import __version__
from .ingest import read_sources
from .output import BINARY_FORMATS, FORMATS, BinaryTargetError, write_articles
from .pipeline import Pipeline, parse_date
from .schema import Article, Skipped

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


def _date(value: str) -> str:
    if parse_date(value) is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}")
    return value


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return number


def _add_ingest(commands) -> None:
    from .store import DEFAULT_DB

    ingest = commands.add_parser("ingest", help="extract events from files, directories or - "
                                 "(stdin) into a database, resumably")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, - (stdin): "
                        "text, HTML, JSON lines, RSS/Atom feeds, sitemaps, .warc.gz")
    ingest.add_argument("--db", default=os.environ.get("EVENTSCRIBE_DB", DEFAULT_DB),
                        help="a DuckDB file or a postgresql:// URL (default: $EVENTSCRIBE_DB "
                        f"or ./{DEFAULT_DB})")
    ingest.add_argument("--workers", type=_positive, default=1,
                        help="worker processes, each loading the models once (default 1)")
    ingest.add_argument("--batch-size", type=_positive, default=16,
                        help="articles sent to a worker at a time (default 16)")
    ingest.add_argument("--retry-failed", action="store_true",
                        help="process again the articles whose processing failed earlier")
    ingest.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) for every input")
    ingest.add_argument("--lang", help="language of every input (default: detect)")
    ingest.add_argument("--log-every", type=_positive, default=100, metavar="N",
                        help="when stderr is not a terminal, a progress line every N articles")
    ingest.add_argument("--quiet", action="store_true", help="errors only, no progress")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventscribe", description=(
        "Turn news articles into PLOVER event records with evidence."))
    parser.add_argument("--version", action="version", version=f"eventscribe {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract events from files, directories or - (stdin)")
    extract.add_argument("paths", nargs="+", metavar="PATH")
    extract.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) for every input")
    extract.add_argument("--lang", help="language of every input (default: detect)")
    extract.add_argument("--format", choices=FORMATS, default=None,
                         help="output format (default: table on a terminal, jsonl otherwise)")
    extract.add_argument("--output", metavar="PATH",
                         help="write to this file (required for parquet on a terminal)")
    extract.add_argument("--quiet", action="store_true", help="no progress summary on stderr")

    _add_ingest(commands)

    evaluate = commands.add_parser("eval", help="measure accuracy against gold data")
    evaluate.add_argument("dataset", help="dataset adapter (events-gold, …)")
    evaluate.add_argument("path", help="the gold data (file or folder)")
    evaluate.add_argument("--json", action="store_true", help="one JSON object with the metrics")
    evaluate.add_argument("--limit", type=int, help="only the first N documents")
    return parser


def _report_skips(items: Iterator[Article | Skipped], skipped: list[Skipped]) -> Iterator[Article]:
    for item in items:
        if isinstance(item, Skipped):
            skipped.append(item)
            print(f"eventscribe: skipped {item.source}: {item.reason}", file=sys.stderr)
        else:
            yield item


def run_extract(args: argparse.Namespace) -> int:
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    pipeline = Pipeline(lang=args.lang)
    skipped: list[Skipped] = []
    started = time.perf_counter()
    articles = _report_skips(pipeline.process(read_sources(args.paths), pub_date=args.date),
                             skipped)
    counted: list[int] = [0]

    def counting(items):
        for item in items:
            counted[0] += 1
            yield item

    out = args.output or (sys.stdout.buffer if fmt in BINARY_FORMATS else sys.stdout)
    try:
        events = write_articles(counting(articles), fmt, out)
    except BinaryTargetError as exc:
        print(f"eventscribe: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(f"eventscribe: {counted[0]} articles, {events} events, {len(skipped)} skipped "
              f"in {elapsed:.1f} s", file=sys.stderr)
    return EXIT_SKIPPED if skipped else EXIT_OK


def run_ingest(args: argparse.Namespace) -> int:
    from .batch import IngestOptions, Ingestion, input_size
    from .progress import Progress
    from .store import display_name, open_store

    if not args.paths and not args.retry_failed:
        print("eventscribe ingest: give at least one PATH (or --retry-failed alone)",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        store = open_store(args.db)
    except Exception as exc:  # noqa: BLE001 — any driver's error: say it, do not trace
        print(f"eventscribe: cannot open the store {display_name(args.db)}: {exc}",
              file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(sys.stderr, total_bytes=input_size(args.paths),
                        log_every=args.log_every, quiet=args.quiet)
    options = IngestOptions(workers=args.workers, batch_size=args.batch_size,
                            retry_failed=args.retry_failed, lang=args.lang, pub_date=args.date)
    try:
        with store:
            Ingestion(store, options, progress).run(args.paths)
    except KeyboardInterrupt:
        progress.message("interrupted: what was stored stays stored; run the same command "
                         "again to go on")
        return 130
    progress.finish(display_name(args.db))
    return EXIT_SKIPPED if progress.counts.errors else EXIT_OK


def run_eval(args: argparse.Namespace) -> int:
    from .evaluation import UnknownDataset, get_adapter
    from .evaluation.report import format_report

    try:
        adapter = get_adapter(args.dataset)
    except UnknownDataset as exc:
        print(f"eventscribe: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = adapter.evaluate(args.path, Pipeline(), limit=args.limit)
    if args.json:
        print(json.dumps({"dataset": report.dataset, **report.metrics}, ensure_ascii=False))
    else:
        print(format_report(report))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `eventscribe extract … | head`: the reader left; stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "extract":
        return run_extract(args)
    if args.command == "ingest":
        return run_ingest(args)
    if args.command == "eval":
        return run_eval(args)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
