"""Output formats, all generated from the schema: table, json, jsonl, csv,
ACLED-like CSV, GeoJSON and Parquet."""

from .target import BinaryTargetError
from .writers import ARTICLE_FORMATS, BINARY_FORMATS, FORMATS, write_articles

__all__ = ["ARTICLE_FORMATS", "BINARY_FORMATS", "BinaryTargetError", "FORMATS", "write_articles"]
