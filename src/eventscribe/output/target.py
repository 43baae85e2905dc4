"""Where a writer writes: a text stream, a binary stream or a path.

Text formats take a text stream or a path; binary ones (Parquet) a path or a
binary stream, and refuse a text stream or a terminal *before* any article is
read, so that a command fails at once rather than after the whole pipeline ran.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO, TextIO

Target = TextIO | BinaryIO | str | os.PathLike[str]


class BinaryTargetError(ValueError):
    """A binary format was asked to go to a text stream or a terminal."""


def is_path(target: object) -> bool:
    return isinstance(target, (str, os.PathLike))


def check_binary_target(target: object, fmt: str = "parquet") -> None:
    """Raise BinaryTargetError unless `target` is a path or a binary, non-terminal stream."""
    if is_path(target):
        return
    if isinstance(target, io.TextIOBase) or hasattr(target, "encoding"):
        raise BinaryTargetError(
            f"{fmt} is a binary format and cannot be written to a text stream: "
            "give an output path (--output PATH)")
    isatty = getattr(target, "isatty", None)
    if callable(isatty) and isatty():
        raise BinaryTargetError(
            f"{fmt} is a binary format and will not be written to a terminal: "
            "give an output path (--output PATH) or redirect the output to a file")
    if not callable(getattr(target, "write", None)):
        raise BinaryTargetError(f"cannot write {fmt} to {target!r}: need a path or a binary stream")
