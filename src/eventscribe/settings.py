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


def read_yaml(path: Path):
    """A data file's YAML, parsed by libyaml when PyYAML has it (ten times faster than
    the pure-Python parser: the actor knowledge base alone took 1.4 s to load)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with Path(path).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 (a safe loader)


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
