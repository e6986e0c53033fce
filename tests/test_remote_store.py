"""Every command through a remote SPARQL 1.1 store: a real `oxigraph serve` started by the test.

The server exposes the union of its named graphs as the default graph (``--union-default-graph``), as
reportkg requires of any endpoint (docs/scale.md). Results must equal the embedded store's.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import FIXTURES, ROOT, SEED


def _oxigraph() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


pytestmark = pytest.mark.skipif(_oxigraph() is None, reason="the oxigraph server binary is not installed")

QUESTIONS = ["2024年全球AI推理芯片市场规模是多少？", "What is the CAGR of the China AI inference chip market from 2024 to 2030?",
             "全球 AI 推理芯片行业的核心驱动因素有哪些？"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A fresh oxigraph server on a free loopback port; stopped (and its data removed) afterwards."""
    port = _free_port()
    data = tmp_path_factory.mktemp("oxigraph-data")
    log = open(data.parent / "oxigraph.log", "wb")
    proc = subprocess.Popen([_oxigraph(), "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.post(url, content="ASK {}", headers={"Content-Type": "application/sparql-query"},
                              timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve did not start: {(data.parent / 'oxigraph.log').read_text()[-500:]}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          input=stdin, timeout=300)


@pytest.fixture(scope="module")
def remote(endpoint):
    """The remote store holding the seed, ingested through the CLI."""
    r = _cli("--store", endpoint, "ingest", str(SEED))
    assert r.returncode == 0, r.stderr
    assert "ingested" in r.stdout
    return endpoint


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    d = tmp_path_factory.mktemp("embedded")
    r = _cli("--store", str(d), "ingest", str(SEED))
    assert r.returncode == 0, r.stderr
    return str(d)


def test_sparql_through_the_remote_store(remote):
    q = "SELECT (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation }"
    r = _cli("--store", remote, "sparql", q, "--format", "json")
    assert r.returncode == 0, r.stderr
    n = int(json.loads(r.stdout)["results"]["bindings"][0]["n"]["value"])
    assert n == 15
    r = _cli("--store", remote, "sparql", "SELECT ?title WHERE { ?r a rk:Report ; dcterms:title ?title }")
    assert r.returncode == 0 and "全球 AI 推理芯片行业报告" in r.stdout


def test_check_through_the_remote_store(remote):
    r = _cli("--store", remote, "check", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [x["conforms"] for x in out["shacl"]] == [True]
    sums = [x for x in out["consistency"] if x["kind"] == "segments vs total" or "segment" in x["kind"]]
    assert any(not x["consistent"] and x["stated"] == 6067 and x["computed"] == 6068 for x in sums), sums


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "jsonld", "csv"])
def test_export_through_the_remote_store_equals_embedded(remote, local, fmt):
    r = _cli("--store", remote, "export", "--format", fmt)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip()
    if fmt in ("nt", "csv"):
        e = _cli("--store", local, "export", "--format", fmt)
        assert sorted(r.stdout.splitlines()) == sorted(e.stdout.splitlines())


def test_ask_through_the_remote_store_equals_embedded(remote, local):
    pytest.importorskip("qa")
    stdin = "\n".join(QUESTIONS) + "\n"
    r = _cli("--store", remote, "ask", "--json", "-", stdin=stdin)
    e = _cli("--store", local, "ask", "--json", "-", stdin=stdin)
    assert r.returncode == 0 and e.returncode == 0, r.stderr + e.stderr
    got = [json.loads(x) for x in r.stdout.splitlines()]
    want = [json.loads(x) for x in e.stdout.splitlines()]
    assert len(got) == len(QUESTIONS)
    assert got[0]["status"] == "answered" and any(v["value"] == 6067 for v in got[0]["values"])
    assert got[0]["citations"] and got[0]["citations"][0]["section"] == "1.3"
    for g, w in zip(got, want):
        assert (g["status"], g["answer"], g["values"], g["citations"]) == (w["status"], w["answer"], w["values"], w["citations"])


def test_chat_follow_up_through_the_remote_store(remote):
    pytest.importorskip("qa")
    r = _cli("--store", remote, "chat", "--json", stdin="2024年全球AI推理芯片市场规模是多少？\n那中国呢？\n")
    assert r.returncode == 0, r.stderr
    turns = [json.loads(x) for x in r.stdout.splitlines()]
    assert [t["status"] for t in turns] == ["answered", "answered"]
    assert any(v["value"] == 1608 for v in turns[1]["values"]), turns[1]


def test_bulk_ingest_and_resume_through_the_remote_store(endpoint, remote):
    n = len(list(FIXTURES.glob("*.md")))
    r = _cli("--store", endpoint, "ingest", str(FIXTURES), str(SEED))
    assert r.returncode == 0, r.stderr
    assert f"ingested {n} reports" in r.stdout and "1 unchanged" in r.stdout, r.stdout
    r = _cli("--store", endpoint, "ingest", str(FIXTURES), str(SEED))
    assert "ingested 0 reports" in r.stdout and f"{n + 1} unchanged" in r.stdout, r.stdout
    r = _cli("--store", endpoint, "sparql", "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a rk:Report }", "--format", "csv")
    assert r.stdout.split()[1] == str(n + 1)


def test_unreachable_endpoint_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}/query"
    r = _cli("--store", url, "sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot reach" in lines[0], r.stderr


def test_engine_without_lateral_gets_the_plain_join_with_the_same_answers(endpoint, remote, monkeypatch):
    """An endpoint that cannot parse LATERAL (GraphDB, Virtuoso) is sent the templates as plain joins."""
    from kg.store import RemoteStore, open_store
    from qa import ask
    store = open_store(remote)
    assert isinstance(store, RemoteStore) and store.supports_lateral()     # Oxigraph server parses it
    with_lateral = ask("2024年全球AI推理芯片市场规模是多少？", store=store)
    sent = []
    post = store.http.post
    monkeypatch.setattr(store, "_lateral", False)
    monkeypatch.setattr(store.http, "post", lambda url, content, **kw: sent.append(content.decode()) or post(url, content=content, **kw))
    plain = ask("2024年全球AI推理芯片市场规模是多少？", store=store)
    assert sent and not any("LATERAL" in q for q in sent)
    assert (plain.answer, plain.values, plain.citations) == (with_lateral.answer, with_lateral.values, with_lateral.citations)


def test_qa_process_sees_a_report_another_process_replaced(remote, tmp_path, monkeypatch):
    """QA processes scaled out over one endpoint: a report re-ingested elsewhere (same report, new text) is
    askable at once; the lexicon watches the store's revision, not the count of reports."""
    import qa.lexicon
    from kg.store import open_store
    from qa import ask
    monkeypatch.setattr(qa.lexicon, "RECHECK_SECONDS", 0.0)
    store = open_store(remote)
    q = "2024年全球AI训练芯片市场规模是多少？"
    assert ask(q, store=store).status != "answered"
    changed = tmp_path / SEED.name                 # the same report IRI, a new content hash
    changed.write_text(SEED.read_text("utf-8").replace("推理芯片", "训练芯片"), encoding="utf-8")
    try:
        r = _cli("--store", remote, "ingest", str(changed))
        assert r.returncode == 0 and "ingested" in r.stdout, r.stdout + r.stderr
        a = ask(q, store=store)
        assert a.status == "answered" and any(v.value == 6067 for v in a.values), a.answer
    finally:
        assert _cli("--store", remote, "ingest", str(SEED)).returncode == 0


def test_engine_without_lateral_pages_reports_and_counts_links_the_same(remote, monkeypatch):
    """The two reads whose LATERAL group is not a plain join in disguise — a report page (a report without a
    publisher must stay listed) and link counts capped per entity — give the same rows without LATERAL."""
    from kg import graphview
    from kg.namespaces import PREFIXES
    from kg.store import open_store
    store = open_store(remote)
    bare, graph = "urn:x:report-without-publisher", "urn:x:graph-of-a-bare-report"
    store.replace_graph_ntriples(graph, (f'<{bare}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                                         f'<{PREFIXES["rk"]}Report> .\n<{bare}> <{PREFIXES["dcterms"]}title> "Bare" .\n').encode())
    try:
        nodes = [r["x"] for r in store.select("SELECT DISTINCT ?x WHERE { ?o <%smarket> ?x } LIMIT 3" % PREFIXES["rk"])]
        assert nodes
        cap = max(graphview._degrees(store, nodes, 1000).values()) - 1       # cuts the most linked one
        assert cap >= 1
        lateral = (store.reports_page(limit=100), store.reports_page(limit=1, offset=1),
                   graphview._degrees(store, nodes, 1000), graphview._degrees(store, nodes, cap))
        assert bare in {r["report"] for r in lateral[0]} and max(lateral[3].values()) == cap
        monkeypatch.setattr(store, "_lateral", False)
        plain = (store.reports_page(limit=100), store.reports_page(limit=1, offset=1),
                 graphview._degrees(store, nodes, 1000), graphview._degrees(store, nodes, cap))
        assert plain == lateral
    finally:
        store.drop_graph(graph)


def test_lateral_probe_takes_only_a_syntax_error_for_no(tmp_path):
    """A 401 or 503 to the probe is an error to report, not an engine without LATERAL; a 400 is the answer."""
    import http.server
    import threading
    from kg.store import RemoteStore, StoreError
    answers = [401, 503, 400]

    class Endpoint(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code = answers.pop(0)
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write({401: b"Unauthorized", 503: b"Service Unavailable", 400: b"Parse error: LATERAL"}[code])

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_port}/query")
        for code in (401, 503):
            with pytest.raises(StoreError, match=f"answered {code}"):
                store.supports_lateral()
            assert store._lateral is None
        assert store.supports_lateral() is False and not answers
        assert store.supports_lateral() is False                   # asked once: no fourth request
    finally:
        server.shutdown()


def test_describe_is_sent_in_bounded_requests_with_the_same_answer(remote, monkeypatch):
    import kg.store
    from kg.store import open_store
    store = open_store(remote)
    pairs = [(r["o"], r["g"]) for r in store.select(
        "SELECT ?o ?g WHERE { GRAPH ?g { ?o a <http://purl.org/linked-data/cube#Observation> } } LIMIT 7")]
    assert len(pairs) == 7
    whole = store.describe(pairs)
    sent = []
    select = store.select
    monkeypatch.setattr(kg.store, "DESCRIBE_CHUNK", 3)
    monkeypatch.setattr(store, "select", lambda q, b=None: sent.append(q) or select(q, b))
    assert store.describe(pairs) == whole and len(sent) == 3
