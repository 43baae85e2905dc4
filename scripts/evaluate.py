"""`make eval`: every adapter on the dev data, docs/EVALUATION.md, and the regression guard.

Runs each dataset of DATASETS that is present (shared data under $EVENTSCRIBE_SHARED,
default ../shared; our own gold under tests/data), writes docs/EVALUATION.md with the
figures, the anchors' published figures, the date and the commit, and fails when a
guarded figure drops more than MARGIN under its floor in eval/floors.yaml.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

from eventscribe import Pipeline, __version__
from eventscribe.evaluation import get_adapter
from eventscribe.evaluation.report import format_report
from eventscribe.settings import shared_dir

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "eval" / "floors.yaml"
MARGIN = 0.03

# (label, adapter, path relative to the shared folder or to the project, where)
DATASETS = [
    ("PLOVER gold standard (dev)", "plover-gsr", "data/plover-gsr/PLOVER_GSR_CAMEO.dev.json", "shared"),
    ("French TimeBank (dev)", "fr-timebank", "data/fr-timebank/dev", "shared"),
    ("GeoWebNews", "geoparsing", "data/geoparsing/GWN.xml", "shared"),
    ("GeoVirus", "geoparsing", "data/geoparsing/GeoVirus.xml", "shared"),
    ("ACLED Mali 2017–2019 (notes)", "acled", "data/acled-mali/2017-01-01-2019-02-27-Mali.csv", "shared"),
    ("PolNeAR (dev)", "polnear", "data/polnear/dev", "shared"),
    ("Our French events gold", "events-gold", "tests/data/events-gold-fr", "project"),
]

ANCHORS = {
    "GeoWebNews": "Mordecai 3 publishes 90.1% exact-match resolution on GeoWebNews.",
    "French TimeBank (dev)": "HeidelTime publishes F1 86.0 (strict) / 91.0 (relaxed) on the French TimeBank.",
    "PLOVER gold standard (dev)": "GDELT's manual check found the event code right 81.2% of the time.",
    "ACLED Mali 2017–2019 (notes)": "GDELT's manual check found the event code right 81.2% of the time.",
}


SHORTFALLS = ROOT / "eval" / "shortfalls.md"

# Issue 3's goals on the dev data, shown beside the measured figures.
GOALS = [
    ("PLOVER gold standard (dev)", "event_accuracy", 0.80),
    ("PLOVER gold standard (dev)", "actor_accuracy", 0.80),
    ("GeoWebNews", "acc_161km", 0.85),
    ("French TimeBank (dev)", "value_f1", 0.85),
    ("ACLED Mali 2017–2019 (notes)", "event_type_accuracy", 0.75),
    ("ACLED Mali 2017–2019 (notes)", "location_50km", 0.75),
]


def summary(results: dict[str, dict]) -> list[str]:
    lines = ["## Summary: goals", "", "| dataset | metric | measured | goal | met |",
             "|---|---|---|---|---|"]
    for label, key, goal in GOALS:
        value = results.get(label, {}).get(key)
        shown = "–" if value is None else f"{value:.3f}"
        met = "–" if value is None else ("yes" if value >= goal else "no")
        lines.append(f"| {label} | {key} | {shown} | {goal:.2f} | {met} |")
    return lines + [""]


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def check_floors(results: dict[str, dict], floors: dict[str, dict]) -> list[str]:
    failures = []
    for label, guarded in floors.items():
        metrics = results.get(label)
        if metrics is None:
            continue  # dataset absent on this machine
        for key, floor in guarded.items():
            value = metrics.get(key)
            if value is None or value < floor - MARGIN:
                failures.append(f"{label}: {key} = {value} < floor {floor} - {MARGIN}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", default=str(ROOT / "docs" / "EVALUATION.md"))
    parser.add_argument("--limit", type=int, help="first N documents of each dataset (smoke run)")
    parser.add_argument("--no-guard", action="store_true", help="report only, never fail")
    args = parser.parse_args()

    shared = shared_dir()
    pipeline = Pipeline()
    results: dict[str, dict] = {}
    sections = []
    for label, name, relative, where in DATASETS:
        path = (shared if where == "shared" else ROOT) / relative
        if not path.exists():
            print(f"skip {label}: {path} not found", file=sys.stderr)
            continue
        started = time.perf_counter()
        report = get_adapter(name).evaluate(path, pipeline, limit=args.limit)
        seconds = time.perf_counter() - started
        results[label] = report.metrics
        scalars = {k: v for k, v in report.metrics.items() if not isinstance(v, (dict, list))}
        print(f"{label}: {json.dumps(scalars)} ({seconds:.0f} s)", file=sys.stderr)
        body = format_report(report).replace(f"## {report.dataset}", f"## {label} (`{name}`)", 1)
        anchor = ANCHORS.get(label)
        sections.append(body + (f"\n\nAnchor: {anchor}" if anchor else "")
                        + f"\n\nRun time: {seconds:.0f} s.")

    floors = yaml.safe_load(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    header = [
        "# Evaluation",
        "",
        f"Generated by `make eval` on {dt.date.today().isoformat()} at commit `{commit()}` "
        f"(eventscribe {__version__}).",
        "Figures are measured on the dev portions in `../shared/data/` (never copied into",
        "the project) and on our own French gold set in `tests/data/events-gold-fr/`.",
        f"CI fails when a figure guarded in `eval/floors.yaml` drops more than {MARGIN:.2f} under its floor.",
        "",
        *summary(results),
    ]
    if SHORTFALLS.exists():  # the reasons, by hand, beside the generated figures
        header += [SHORTFALLS.read_text(encoding="utf-8").strip(), ""]
    if not args.limit:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text("\n".join(header) + "\n" + "\n\n".join(sections) + "\n",
                                     encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    failures = [] if args.no_guard else check_floors(results, floors or {})
    for failure in failures:
        print(f"REGRESSION {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
