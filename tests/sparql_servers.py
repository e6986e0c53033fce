"""Real SPARQL servers for the remote-store tests, each started fresh on free loopback ports with its data in a
temporary directory, waited for on state (the endpoint answers), and stopped and removed afterwards.

- Oxigraph: ``oxigraph serve --union-default-graph`` (the Python package's ``oxigraph`` binary, else PATH).
- Virtuoso: Debian's ``virtuoso-t`` (package ``virtuoso-opensource``) with a minimal ini; the SPARQL user is
  granted updates through ``isql-vt``. Its default graph is the union of every graph (its own included).

Each ``*_server`` context manager yields the ``--store`` spec: ``QUERY_URL`` or ``"QUERY_URL UPDATE_URL"``.
"""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import httpx

START_SECONDS = 60          # a bound on waiting for a server to answer, not a wait: polling stops when it does


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def virtuoso_binaries() -> tuple[str, str] | None:
    """``(virtuoso-t, isql-vt)``, or None when Virtuoso is not installed."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql-v")
    return (server, isql) if server and isql else None


def answers_ask(url: str) -> bool:
    """Whether the endpoint answers ``ASK {}`` (a URL-encoded POST, which every engine accepts)."""
    try:
        return httpx.post(url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                          timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def wait_for(ready: Callable[[], bool], proc: subprocess.Popen, log: Path, what: str) -> None:
    """Poll ``ready`` until it holds; fail at once if the server exits, or after START_SECONDS."""
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            state = f"exited with {proc.returncode}" if proc.poll() is not None else f"not up after {START_SECONDS} s"
            raise RuntimeError(f"{what} {state}: {log.read_text(errors='replace')[-800:]}")
        time.sleep(0.1)


@contextlib.contextmanager
def _running(argv: list[str], data: Path, name: str) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Run ``argv`` with its output in ``data/../NAME.log``; terminate it (kill if it hangs) and remove ``data``."""
    data.mkdir(parents=True, exist_ok=True)
    log_path = data.parent / f"{name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=data)
        try:
            yield proc, log_path
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def oxigraph_server(data: Path) -> Iterator[str]:
    port = free_port()
    with _running([oxigraph_binary(), "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"], data, "oxigraph") as (proc, log):
        url = f"http://127.0.0.1:{port}/query"
        wait_for(lambda: answers_ask(url), proc, log, "oxigraph serve")
        yield url


# A small configuration that serves SPARQL: 2,000 buffers of 8 KB (~16 MB; Debian's virtuoso.ini has 10,000),
# no plugins or VAD packages, one thread per query, no periodic checkpoint (the database is thrown away).
# The [SPARQL] limits are Debian's (RemoteStore refuses a result cut at ResultSetMaxRows); the optimizer's are
# Virtuoso's defaults, as a deployment has them.
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 2000
MaxDirtyBuffers = 1200
MaxQueryMem = 100M
ThreadsPerQuery = 1
CheckpointInterval = 0
DirsAllowed = {d}
[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""

# The SPARQL endpoint runs as the SQL user "SPARQL" (as "nobody" for graph permissions): let it update.
VIRTUOSO_GRANTS = ('GRANT SPARQL_UPDATE TO "SPARQL"; '
                   "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);")


def _isql(isql: str, port: int, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run([isql, str(port), "dba", "dba", f"exec={sql}"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30)


@contextlib.contextmanager
def virtuoso_server(data: Path) -> Iterator[str]:
    server, isql = virtuoso_binaries()
    sql_port, http_port = free_port(), free_port()
    ini = data / "virtuoso.ini"
    data.mkdir(parents=True, exist_ok=True)
    ini.write_text(_VIRTUOSO_INI.format(d=data, sql_port=sql_port, http_port=http_port))
    with _running([server, "+foreground", "+configfile", str(ini)], data, "virtuoso") as (proc, log):
        url = f"http://127.0.0.1:{http_port}/sparql"
        # isql-vt exits 0 once connected (an SQL error is only printed): grant as soon as the SQL port answers
        granted: list[subprocess.CompletedProcess] = []
        wait_for(lambda: granted.append(_isql(isql, sql_port, VIRTUOSO_GRANTS)) or granted[-1].returncode == 0,
                 proc, log, "virtuoso-t (isql)")
        if "*** Error" in granted[-1].stderr + granted[-1].stdout:
            raise RuntimeError(f"granting SPARQL updates failed: {granted[-1].stderr.strip()[:500]}")
        wait_for(lambda: answers_ask(url), proc, log, "virtuoso-t (HTTP)")
        yield f"{url} {url}"
