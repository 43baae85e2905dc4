"""Where things live, in one place."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def shared_dir() -> Path:
    """The shared evaluation data (never shipped): $EVENTSCRIBE_SHARED or ../shared."""
    default = Path.cwd().parent / "shared"
    return Path(os.environ.get("EVENTSCRIBE_SHARED", default)).resolve()


def cache_dir() -> Path:
    """Built indexes (the gazetteer) go here: $EVENTSCRIBE_CACHE or ~/.cache/eventscribe."""
    root = os.environ.get("EVENTSCRIBE_CACHE") or Path.home() / ".cache" / "eventscribe"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


# Environment variables the commands read (here, so that reading them imports nothing heavy).
DB_ENV = "EVENTSCRIBE_DB"
API_KEY_ENV = "EVENTSCRIBE_API_KEY"
READ_KEY_ENV = "EVENTSCRIBE_READ_KEY"
