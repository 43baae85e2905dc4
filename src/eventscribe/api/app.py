"""The FastAPI app: the HTTP API of docs/API.md and the dashboard's static files.

    app = create_app("events.duckdb", api_key="…")     # uvicorn.run(app) or `eventscribe serve`

The app opens the store when it is created (so a wrong URL fails at once, not on
the first request) and closes it when the server shuts down.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..pipeline import Pipeline
from . import reads, writes
from .auth import Keys, require_read, require_write
from .backend import Backend
from .middleware import DEFAULT_MAX_BODY, BodySizeLimit, InternalErrors
from .models import Error

log = logging.getLogger("eventscribe.api")

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Error, "description": "bad request (400, 422), missing or wrong key "
            "(401), writes disabled (403), unknown id (404), body too large (413), "
            "unsupported media type (415)"},
    500: {"model": Error, "description": "internal error (the details are in the server's log)"},
}
_POINTER = """<!doctype html><meta charset="utf-8"><title>eventscribe</title>
<h1>eventscribe</h1><p>The API is under <code>/api</code>: see <a href="/docs">/docs</a>
(OpenAPI: <a href="/openapi.json">/openapi.json</a>).</p>"""


def create_app(store_url: str | None, api_key: str | None = None, read_key: str | None = None,
               pipeline: Pipeline | None = None, max_body_bytes: int = DEFAULT_MAX_BODY,
               static_dir: Path | None = STATIC_DIR) -> FastAPI:
    """The app over the store at `store_url` (a DuckDB path or a postgresql:// URL).

    `api_key` opens writes (none: writes are refused); `read_key` closes reads to
    requests without it or the write key. `pipeline` is built on the first extraction
    when not given."""
    backend = Backend(store_url, pipeline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        backend.close()

    app = FastAPI(title="eventscribe", version=__version__, lifespan=lifespan,
                  responses=_ERRORS,
                  description="PLOVER event records extracted from news articles, with the "
                  "characters that prove each field. See docs/API.md.")
    app.state.backend = backend
    app.state.keys = Keys(write=api_key or None, read=read_key or None)
    # Reads declare the key in the OpenAPI document only when they need one.
    read_guard = [Security(require_read)] if app.state.keys.read else []
    app.include_router(reads.service)
    # Writes first: /api/articles/batch must not be taken for the article "batch".
    app.include_router(writes.extract_router, dependencies=read_guard)
    app.include_router(writes.store_router, dependencies=[Security(require_write)])
    app.include_router(reads.router, dependencies=read_guard)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(InternalErrors)  # added last: outermost, so it sees every failure
    _add_front_page(app, static_dir)
    return app


def describe(errors: list[dict[str, Any]]) -> str:
    """'query limit: Input should be less than or equal to 1000; body text: …'."""
    parts = []
    for error in errors:
        where, *path = [str(part) for part in error.get("loc", ())] or ["request"]
        name = ".".join(path)
        parts.append(f"{where} {name}: {error['msg']}" if name else f"{where}: {error['msg']}")
    return "; ".join(parts)


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e["msg"], "type": e["type"]}
              for e in exc.errors()]
    return JSONResponse({"detail": describe(errors), "errors": errors}, status_code=422)


def _add_front_page(app: FastAPI, static_dir: Path | None) -> None:
    """The dashboard at / when it is built; else a pointer to the API's documentation.

    Its folders and files get routes of their own rather than one catch-all mount at
    /, which would answer for /api paths too (a 405 from it would list the wrong
    methods)."""
    index = static_dir / "index.html" if static_dir is not None else None
    if index is None or not index.is_file():
        @app.get("/", include_in_schema=False)
        def pointer() -> HTMLResponse:
            return HTMLResponse(_POINTER)
        return
    files = {path.name: path for path in index.parent.iterdir()
             if path.is_file() and not path.name.startswith(".")}
    for folder in sorted(p for p in index.parent.iterdir() if p.is_dir() and p.name != "api"):
        app.mount(f"/{folder.name}", StaticFiles(directory=folder), name=f"static-{folder.name}")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(index)

    @app.get("/{name}", include_in_schema=False)
    def dashboard_file(name: str) -> FileResponse:
        if name not in files:
            raise HTTPException(404, f"no file {name!r}")
        return FileResponse(files[name])
