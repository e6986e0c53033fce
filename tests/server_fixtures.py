"""A real `reportkg serve` in a subprocess, on a free loopback port, with a temporary store.

Used by tests/test_server.py and tests/test_browser.py (``pytest_plugins = ["server_fixtures"]``), so
one server is started per session. Limits are lowered through the ``REPORTKG_*`` variables so the
deadline, row-cap and size-cap tests run quickly.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent

LIMITS = {
    "REPORTKG_SPARQL_TIMEOUT": "2",
    "REPORTKG_SPARQL_ROW_LIMIT": "500",
    "REPORTKG_MAX_QUERY_BYTES": "65536",
    "REPORTKG_MAX_UPLOAD_BYTES": "300000",
    "REPORTKG_SPARQL_WORKERS": "2",
    "REPORTKG_ALLOW_UPLOADS": "1",          # the shared server takes uploads; test_attacks starts one that does not
    "REPORTKG_WRITE_TOKEN": "test-write-token",
}


@dataclass
class LiveServer:
    url: str
    store: Path
    proc: subprocess.Popen
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def write_headers(self) -> dict[str, str]:
        """What a write (POST /api/reports) carries: the token the server was started with."""
        return {"X-Reportkg-Token": LIMITS["REPORTKG_WRITE_TOKEN"]}

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def client_at(address: str, **kw) -> httpx.Client:
    """An HTTP client whose requests come from ``address`` (any of 127.0.0.0/8 is this machine's loopback):
    a second client, as the server's per-address fair share of SPARQL workers sees it."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_BUNDLED: list[Path] = []


def bundled_store(base: list[str], env: dict[str, str], timeout: float) -> Path:
    """A store holding the bundled report, built once per test process by `reportkg ingest --bundled` (2-3 s of
    spaCy and ingest) and copied for each server; the copy is closed, so its files are a consistent store."""
    if not _BUNDLED:
        store = Path(tempfile.mkdtemp(prefix="reportkg-bundled-")) / "store"
        r = subprocess.run([*base, "--store", str(store), "ingest", "--bundled", "-q"], cwd=str(ROOT), env=env,
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode:
            raise RuntimeError(f"reportkg ingest --bundled failed: {r.stderr}")
        _BUNDLED.append(store)
        atexit.register(shutil.rmtree, store.parent, True)
    return _BUNDLED[0]


def start_server(tmp: Path, env_extra: dict[str, str] | None = None, timeout: float = 120.0,
                 bundled: bool = True, warm: bool = True) -> LiveServer:
    """`reportkg serve` on a free port over the store ``tmp/store`` (a store named by --store starts empty:
    ``bundled`` gives it the bundled report first). ``warm`` waits for the first answer (the QA parser the
    server builds in the background), for tests that time their questions."""
    port = free_port()
    store = tmp / "store"
    log = tmp / "server.log"
    env = {**os.environ, **LIMITS, **(env_extra or {})}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    env.pop("REPORTKG_STORE", None)
    exe = Path(sys.executable).with_name("reportkg")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "ui.cli"]
    if bundled:
        shutil.copytree(bundled_store(base, env, timeout), store)
    cmd = [*base, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    fh = open(log, "wb")
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=fh, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"reportkg serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                # the first question waits for the QA parser the server builds in the background: asked here,
                # with time to spare, so that a test's own first request is not timed against it
                if warm:
                    httpx.post(url + "/api/ask", json={"question": "2024"},
                               timeout=max(10.0, deadline - time.monotonic()))
                return LiveServer(url, store, proc, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(LiveServer(url, store, proc, log))
    raise RuntimeError(f"reportkg serve did not come up in {timeout:.0f} s:\n{log.read_text(errors='replace')}")


def stop_server(server: LiveServer) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real server, shared by the whole session (tests that change the graph run last)."""
    tmp = tmp_path_factory.mktemp("live-server")
    server = start_server(tmp)
    yield server
    stop_server(server)
    shutil.rmtree(tmp / "store", ignore_errors=True)


PDF_FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
PROSPECTUS = PDF_FIXTURES / "hkex-application-proof-giantec-semiconductor-2026.pdf"


@pytest.fixture(scope="session")
def prospectus() -> Path:
    """The 490-page prospectus (its industry chapter on pages 118-137), or a skip when it is absent."""
    if not PROSPECTUS.exists():
        pytest.skip(f"{PROSPECTUS.name} is not in tests/fixtures/pdf")
    return PROSPECTUS


@pytest.fixture(scope="session")
def pdf_server(tmp_path_factory, prospectus):
    """A second real server that takes uploads of the default size (the shared one caps them at 300 kB, below
    any real PDF): for uploading the corpus PDFs over HTTP and in the browser."""
    tmp = tmp_path_factory.mktemp("pdf-server")
    server = start_server(tmp, {"REPORTKG_MAX_UPLOAD_BYTES": str(5 * 1024 * 1024)})
    yield server
    stop_server(server)
    shutil.rmtree(tmp / "store", ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (the browser test screenshots failures with it)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
