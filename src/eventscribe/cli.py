"""The command line: `eventscribe extract PATH... [--date] [--lang] [--format]`,
`eventscribe ingest PATH... [--db] [--workers] [--retry-failed] [--reprocess] [--batch-size]`,
`eventscribe events [--db] [--type] [--actor] [--country] [--since] [--until]
[--near] [--text] [--mentions] [--format] [--output]`, `eventscribe serve [--db]
[--host] [--port] [--api-key] [--read-key]` and `eventscribe eval`.

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
from .output import (ARTICLE_FORMATS, BINARY_FORMATS, FORMATS, BinaryTargetError,
                     write_articles)
from .pipeline import Pipeline, parse_date
from .schema import Article, Skipped
from .settings import API_KEY_ENV, DB_ENV, READ_KEY_ENV

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


def _add_db(command: argparse.ArgumentParser, more_help: str = "") -> None:
    from .store import DEFAULT_DB

    command.add_argument("--db", default=os.environ.get(DB_ENV, DEFAULT_DB),
                         help=f"a DuckDB file or a postgresql:// URL (default: ${DB_ENV} or "
                         f"./{DEFAULT_DB}){more_help}")


def _cannot_open(db: str, exc: Exception) -> int:
    from .store import display_name

    print(f"eventscribe: cannot open the store {display_name(db)}: {exc}", file=sys.stderr)
    return EXIT_USAGE


def _open_store(db: str):
    """The store, or None once the reason it cannot be opened is on stderr."""
    from .store import open_store

    try:
        return open_store(db)
    except Exception as exc:  # noqa: BLE001 — any driver's error: say it, do not trace
        _cannot_open(db, exc)
        return None


def _add_ingest(commands) -> None:
    ingest = commands.add_parser("ingest", help="extract events from files, directories or - "
                                 "(stdin) into a database, resumably")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, - (stdin): "
                        "text, HTML, JSON lines, RSS/Atom feeds, sitemaps, .warc.gz")
    _add_db(ingest)
    ingest.add_argument("--workers", type=_positive, default=None,
                        help="worker processes (Ray actors with --engine ray), each loading "
                        "the models once (default 1; with --engine ray, one per CPU)")
    ingest.add_argument("--batch-size", type=_positive, default=16,
                        help="articles sent to a worker at a time (default 16)")
    ingest.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="where articles are processed: this machine, or Ray (default local)")
    ingest.add_argument("--address", metavar="ADDR", help="with --engine ray, the cluster to "
                        "join (auto on a node of it, or HEAD:6379; default: start a local Ray)")
    ingest.add_argument("--retry-failed", action="store_true",
                        help="process again the articles whose processing failed earlier")
    ingest.add_argument("--reprocess", action="store_true",
                        help="process again every article stored (from the store's own text), "
                        "replacing its events: after upgrading eventscribe, its models or "
                        "lexicons")
    ingest.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) for every input")
    ingest.add_argument("--lang", help="language of every input (default: detect)")
    ingest.add_argument("--log-every", type=_positive, default=100, metavar="N",
                        help="when stderr is not a terminal, a progress line every N articles")
    ingest.add_argument("--quiet", action="store_true", help="errors only, no progress")
    ingest.add_argument("--cluster-km", type=float, default=50.0, metavar="KM",
                        help="deduplication: mentions of one event are at most KM apart "
                        "(default 50)")
    ingest.add_argument("--cluster-days", type=int, default=2, metavar="DAYS",
                        help="deduplication: … and at most DAYS apart (default 2)")


def _near(value: str) -> tuple[float, float, float]:
    try:
        lat, lon, km = (float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not LAT,LON,KM: {value!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise argparse.ArgumentTypeError(f"out of range (LAT,LON,KM): {value!r}")
    return lat, lon, km


def _add_events(commands) -> None:
    events = commands.add_parser("events", help="query the stored events (deduplicated by "
                                 "default, every mention with --mentions)")
    _add_db(events)
    events.add_argument("--type", help="PLOVER event type, e.g. ASSAULT")
    events.add_argument("--actor", help="actor code, e.g. SYR or SYR/MIL")
    events.add_argument("--country", help="country of the place, ISO alpha-2 or alpha-3 (SY, SYR)")
    events.add_argument("--since", type=_date, help="from this date (YYYY-MM-DD, inclusive)")
    events.add_argument("--until", type=_date, help="to this date (YYYY-MM-DD, inclusive)")
    events.add_argument("--near", type=_near, metavar="LAT,LON,KM",
                        help="places within KM of LAT,LON")
    events.add_argument("--text", metavar="WORDS", help="words all found in the evidence sentence")
    events.add_argument("--mentions", action="store_true",
                        help="every event mention, not the deduplicated events")
    events.add_argument("--limit", type=_positive, help="at most N events")
    events.add_argument("--format", choices=FORMATS, default=None,
                        help="output format (default: table on a terminal, jsonl otherwise)")
    events.add_argument("--output", metavar="PATH", help="write to this file")


def _add_serve(commands) -> None:
    serve = commands.add_parser("serve", help="serve the HTTP API and the dashboard over a store")
    _add_db(serve, "; the server holds a DuckDB file: stop it before ingesting into the "
            "same file, or use PostgreSQL")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                       "127.0.0.1, this machine only; 0.0.0.0 for every interface)")
    serve.add_argument("--port", type=_positive, default=8000, help="port (default 8000)")
    serve.add_argument("--api-key", default=os.environ.get(API_KEY_ENV), metavar="KEY",
                       help=f"key that submitting articles needs (default: ${API_KEY_ENV}, "
                       "which other users cannot see in the process list; none: no writes)")
    serve.add_argument("--read-key", default=os.environ.get(READ_KEY_ENV), metavar="KEY",
                       help=f"key that reading needs (default: ${READ_KEY_ENV}; none: open reads)")


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
    _add_events(commands)
    _add_serve(commands)

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
    from .batch import EngineError, IngestOptions, Ingestion, input_size
    from .dedup import DedupRule
    from .progress import Progress
    from .store import display_name

    if not args.paths and not args.retry_failed and not args.reprocess:
        print("eventscribe ingest: give at least one PATH (or --retry-failed or --reprocess "
              "alone)", file=sys.stderr)
        return EXIT_USAGE
    if args.address and args.engine != "ray":
        print("eventscribe ingest: --address needs --engine ray", file=sys.stderr)
        return EXIT_USAGE
    store = _open_store(args.db)
    if store is None:
        return EXIT_USAGE
    progress = Progress(sys.stderr, total_bytes=input_size(args.paths),
                        log_every=args.log_every, quiet=args.quiet)
    options = IngestOptions(workers=args.workers or 1, batch_size=args.batch_size,
                            retry_failed=args.retry_failed, reprocess=args.reprocess,
                            lang=args.lang, pub_date=args.date)
    engine = None
    if args.engine == "ray":
        from .scaleout import RayEngine, shard_dir_for  # Ray loads only when asked for

        engine = RayEngine(options, address=args.address, actors=args.workers,
                           shard_dir=shard_dir_for(args.db))
    try:
        with store:
            Ingestion(store, options, progress, engine=engine).run(args.paths)
            clusters = store.cluster_events(DedupRule(args.cluster_km, args.cluster_days))
    except KeyboardInterrupt:
        progress.message("interrupted: what was stored stays stored; run the same command "
                         "again to go on")
        return 130
    except EngineError as exc:
        progress.quiet = False  # --quiet silences progress, not the reason a run stopped
        progress.message(f"{exc} (what was stored stays stored)")
        return EXIT_USAGE
    progress.finish(display_name(args.db))
    progress.message(f"{clusters} distinct events after deduplication "
                     f"(within {args.cluster_km:g} km and {args.cluster_days} days)")
    return EXIT_SKIPPED if progress.counts.errors else EXIT_OK


def run_events(args: argparse.Namespace) -> int:
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    out = args.output or (sys.stdout.buffer if fmt in BINARY_FORMATS else sys.stdout)
    store = _open_store(args.db)
    if store is None:
        return EXIT_USAGE
    with store:
        query = store.query_events if args.mentions else store.query_clusters
        events = query(type=args.type, actor=args.actor, country=args.country, since=args.since,
                       until=args.until, near=args.near, text=args.text, limit=args.limit)
        titles: dict[str, Article | None] = {}

        def one_event_articles():
            # Writers take articles; a query's neighbours come from different articles, so
            # each event goes in its own, carrying the title and URL the CSV's `source` shows.
            for event in events:
                if event.article_id not in titles:
                    # the stored text is only read for the formats that show the article
                    titles[event.article_id] = (store.article(event.article_id)
                                                if fmt in ARTICLE_FORMATS else None)
                    if len(titles) > 10_000:
                        titles.pop(next(iter(titles)))
                stored = titles[event.article_id]
                yield Article(id=event.article_id, text="", events=[event],
                              title=stored.title if stored else None,
                              url=stored.url if stored else None,
                              pub_date=stored.pub_date if stored else None,
                              language=event.language)
        try:
            count = write_articles(one_event_articles(), fmt, out, by_article=False)
        except BinaryTargetError as exc:
            print(f"eventscribe: {exc}", file=sys.stderr)
            return EXIT_USAGE
    kind = "mentions" if args.mentions else "events (deduplicated)"
    if args.output or not sys.stdout.isatty():
        print(f"eventscribe: {count} {kind}", file=sys.stderr)
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from .api import create_app
    from .api.auth import HEADER
    from .store import display_name

    try:
        app = create_app(args.db, api_key=args.api_key, read_key=args.read_key)
    except Exception as exc:  # noqa: BLE001 — any driver's error: say it, do not trace
        return _cannot_open(args.db, exc)
    # our warnings and errors (an internal error's traceback) beside uvicorn's lines
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    url = f"http://{args.host}:{args.port}/"
    print(f"eventscribe: serving {display_name(args.db)} at {url} (API: {url}docs)",
          file=sys.stderr)
    if not args.api_key:
        print(f"eventscribe: writes are disabled; to submit articles, start with --api-key KEY "
              f"or {API_KEY_ENV} set, and send the key in the {HEADER} header",
              file=sys.stderr)
    if args.read_key:
        print(f"eventscribe: reads need the read key (or the write key) in {HEADER}",
              file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return EXIT_OK


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
    if args.command == "events":
        return run_events(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "eval":
        return run_eval(args)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
