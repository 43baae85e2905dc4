"""Plug-in discovery: languages, dataset adapters… are modules found in a package."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType


def modules_in(package: str, path) -> Iterator[ModuleType]:
    """Import every public module of a package (given its `__name__` and `__path__`)."""
    for info in pkgutil.iter_modules(path):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{package}.{info.name}")
