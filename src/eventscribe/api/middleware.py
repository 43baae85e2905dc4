"""Two guards around the whole app: a cap on request bodies, and no traceback ever sent.

Both are plain ASGI middleware so that they see the raw request: the size cap
must act before a body is read into memory, and the error guard must catch what
escapes every exception handler.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import HTTPException

log = logging.getLogger("eventscribe.api")

DEFAULT_MAX_BODY = 2 * 1024 * 1024


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body larger than {limit:,} bytes")


async def send_json(send: Any, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


class BodySizeLimit:
    """413 for a body over the limit: at once when Content-Length says so, else as soon
    as the bytes received pass it (chunked uploads declare no length)."""

    def __init__(self, app: Any, max_bytes: int = DEFAULT_MAX_BODY):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                await send_json(send, 400, {"detail": "Content-Length is not a number"})
                return
            if too_large:
                await send_json(send, 413, {"detail": _too_large(self.max_bytes).detail})
                return
        received = 0

        async def counting_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # raised inside the route, where the exception handlers turn it into a 413
                    raise _too_large(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


class InternalErrors:
    """An unexpected exception becomes `500 {"detail": "internal error"}`; the traceback
    goes to the server's log, never to the client."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # noqa: BLE001 — the point is to catch everything
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if not started:  # else the response is half sent: the client sees it cut short
                await send_json(send, 500, {"detail": "internal error"})
