"""Output formats, all generated from the schema: table, json, jsonl, csv."""

from .writers import FORMATS, write_articles

__all__ = ["FORMATS", "write_articles"]
