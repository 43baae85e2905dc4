"""A throwaway PostgreSQL server from Debian's binaries, in a temporary folder on a
free port: for the store's tests and for benchmarks/query_latency.py.

No system service is used or needed (.ci/install-postgres.sh only installs the
binaries), so concurrent test sessions and benchmarks each get a server of their own.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# fsync off: these servers are never what a test kills, and loading is faster. Reads,
# which the benchmark times, do not depend on it.
FAST_UNSAFE = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresUnavailable(RuntimeError):
    """No server can be started here; the message says why (callers skip with it)."""


def postgres_bin() -> Path:
    """The folder with initdb and pg_ctl, the newest Debian version first."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    raise PostgresUnavailable("PostgreSQL is not installed (no initdb and pg_ctl under "
                              "/usr/lib/postgresql/*/bin): run .ci/install-postgres.sh")


def _server_account() -> dict:
    """subprocess arguments to run the server as 'postgres' when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root and there is no 'postgres' user to run "
                                  "the server") from None
    return dict(user=account.pw_uid, group=account.pw_gid, extra_groups=[])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def temporary_server(options: str = FAST_UNSAFE) -> Iterator[str]:
    """A running server's URL (user eventscribe, database postgres), removed on exit.

    Raises PostgresUnavailable before starting anything when it cannot be done."""
    bindir = postgres_bin()
    as_user = _server_account()
    root = Path(tempfile.mkdtemp(prefix="eventscribe-pg-"))
    if as_user:  # PostgreSQL refuses to run as root
        os.chown(root, as_user["user"], as_user["group"])
    port = free_port()
    data = root / "data"

    def run(*command: str) -> None:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, **as_user)
        if done.returncode:
            log = (root / "log").read_text() if (root / "log").exists() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stderr}{done.stdout}{log}")

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "eventscribe", "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-sync")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
            "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 {options}", "start")
        try:
            yield f"postgresql://eventscribe@127.0.0.1:{port}/postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: str, prefix: str = "test") -> str:
    """A new, empty database on the server; its URL."""
    import uuid

    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name
