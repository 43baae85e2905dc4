"""The dashboard in a real browser: Debian's Chromium, driven by playwright-core
(tests/browser/dashboard.test.mjs), on the real server over a store of the demo articles;
and the unit tests of its span nesting (tests/browser/highlight.test.mjs).

Screenshots land in test-artifacts/screenshots/. Skips only when node, Chromium or
web/node_modules is missing (`bash .ci/install-browser.sh` installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pgserver import free_port

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "browser" / "dashboard.test.mjs"
UNIT = ROOT / "tests" / "browser" / "highlight.test.mjs"
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EVENTSCRIBE = [sys.executable, "-m", "eventscribe"]
API_KEY = "test-key"  # lets the browser test store a hostile article through the API


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if not (ROOT / "web" / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (cd web && npm ci)"
    return None


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the server did not answer {url}/api/health in {timeout:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("dashboard")
    db = folder / "demo.duckdb"
    ingest = subprocess.run([*EVENTSCRIBE, "ingest", str(ROOT / "samples" / "fr"), "--db", str(db),
                             "--quiet"], capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("w")
    process = subprocess.Popen([*EVENTSCRIBE, "serve", "--db", str(db), "--host", "127.0.0.1",
                                "--port", str(port), "--api-key", API_KEY],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        health = _wait_healthy(url, process)
        assert health["events"] > 0, health
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print((folder / "server.log").read_text()[-3000:])


def test_dashboard_in_chromium(server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = subprocess.run(["node", str(SCRIPT), server, str(SHOTS)], capture_output=True,
                            text=True, timeout=600, env={**os.environ, "CHROMIUM": CHROMIUM,
                                 "EVENTSCRIBE_API_KEY": API_KEY})
    print(result.stdout)
    print(f"browser test: {time.perf_counter() - started:.1f} s; screenshots in {SHOTS}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not ok" not in result.stdout
    assert (SHOTS / "06-stored-html-inert.png").is_file()


def test_span_nesting():
    """The article view's span nesting (web/src/highlight.js): needs node only."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    result = subprocess.run(["node", "--test", str(UNIT)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
