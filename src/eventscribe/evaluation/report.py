"""Readable tables for evaluation reports (terminal and Markdown share one layout)."""

from __future__ import annotations

from typing import Any

from . import Report


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "–" if value is None else str(value)


def format_report(report: Report) -> str:
    scalars = {k: v for k, v in report.metrics.items() if not isinstance(v, (dict, list))}
    lines = [f"## {report.dataset}", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_cell(v)} |" for k, v in scalars.items()]
    per_type = report.metrics.get("per_type")
    if per_type:
        lines += ["", "| type | precision | recall | F1 |", "|---|---|---|---|"]
        lines += [f"| {t} | {_cell(m['precision'])} | {_cell(m['recall'])} | {_cell(m['f1'])} |"
                  for t, m in per_type.items()]
    confusion = report.metrics.get("confusion")
    if confusion:
        lines += ["", "| gold → predicted | count |", "|---|---|"]
        lines += [f"| {pair} | {count} |" for pair, count in confusion.items()]
    if report.errors:
        lines += ["", "| most frequent errors | count |", "|---|---|"]
        lines += [f"| {e['error']} | {e['count']} |" for e in report.errors]
    lines += [f"\n{note}" for note in report.notes]
    return "\n".join(lines)
