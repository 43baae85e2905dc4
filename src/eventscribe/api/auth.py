"""API keys: writes always need the write key; reads need a key only when one is set.

Keys travel in the `X-API-Key` header. The write key also opens reads, so a client
that writes needs one key. Keys are compared in constant time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader

HEADER = "X-API-Key"
from ..settings import API_KEY_ENV as WRITE_KEY_ENV
WRITES_DISABLED = (f"writes are disabled on this server: start it with --api-key or "
                   f"{WRITE_KEY_ENV} set")

_header = APIKeyHeader(name=HEADER, auto_error=False,
                       description="the write key (or, when reads are keyed, the read key)")


@dataclass(frozen=True)
class Keys:
    write: str | None = None
    read: str | None = None  # None: reads are open


def _matches(given: str | None, expected: str | None) -> bool:
    return given is not None and expected is not None and \
        secrets.compare_digest(given.encode(), expected.encode())


def _missing_or_wrong(given: str | None) -> HTTPException:
    detail = f"missing {HEADER} header" if given is None else f"wrong {HEADER}"
    return HTTPException(401, detail)


def require_read(request: Request, key: str | None = Security(_header)) -> None:
    keys: Keys = request.app.state.keys
    if keys.read is not None and not (_matches(key, keys.read) or _matches(key, keys.write)):
        raise _missing_or_wrong(key)


def require_write(request: Request, key: str | None = Security(_header)) -> None:
    keys: Keys = request.app.state.keys
    if keys.write is None:
        raise HTTPException(403, WRITES_DISABLED)
    if not _matches(key, keys.write):
        raise _missing_or_wrong(key)
