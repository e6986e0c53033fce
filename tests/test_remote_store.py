"""Every command through a remote SPARQL 1.1 store: real servers started by the test, each engine in turn.

- Oxigraph (``oxigraph serve --union-default-graph``), which parses LATERAL;
- Virtuoso 7 (Debian's ``virtuoso-t``), whose default graph is every graph (its own system graphs too), which
  cannot parse LATERAL, hangs on queries POSTed as ``application/sparql-query`` and writes literals its own way
  (booleans as 1/0, doubles in %g).

The servers are started by ``tests/sparql_servers.py``. Results must equal the embedded store's.
"""
from __future__ import annotations

import contextlib
import http.server
import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from conftest import FIXTURES, ROOT, SEED
from sparql_servers import free_port, oxigraph_binary, oxigraph_server, virtuoso_binaries, virtuoso_server

ENGINES = {
    "oxigraph": (oxigraph_binary, oxigraph_server, "the oxigraph server binary is not installed"),
    "virtuoso": (virtuoso_binaries, virtuoso_server,
                 "virtuoso-t or isql-vt is not installed (Debian: apt-get install virtuoso-opensource)"),
}

QUESTIONS = ["2024年全球AI推理芯片市场规模是多少？", "What is the CAGR of the China AI inference chip market from 2024 to 2030?",
             "全球 AI 推理芯片行业的核心驱动因素有哪些？"]


@pytest.fixture(scope="module", params=list(ENGINES))
def engine(request) -> str:
    """Each engine in turn; one server of it for the module's tests (skipped when it is not installed)."""
    installed, _, why = ENGINES[request.param]
    if installed() is None:
        pytest.skip(why)
    return request.param


@pytest.fixture(scope="module")
def endpoint(engine, tmp_path_factory):
    """The ``--store`` spec of a fresh server of ``engine`` on free loopback ports; stopped (and its data
    removed) afterwards."""
    with ENGINES[engine][1](tmp_path_factory.mktemp(f"{engine}-data")) as spec:
        yield spec


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          input=stdin, timeout=300)


def _together(*calls):
    """The results of independent calls (CLI processes, ~1.3 s of start-up each) run at the same time."""
    with ThreadPoolExecutor(min(len(calls), 4)) as pool:
        return [f.result() for f in [pool.submit(c) for c in calls]]


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


@pytest.fixture(scope="module")
def embedded(local):
    """The CLI through the embedded store holding the seed, each command run once for every engine's tests."""
    done: dict = {}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        if (args, stdin) not in done:
            done[args, stdin] = _cli("--store", local, *args, stdin=stdin)
        return done[args, stdin]
    return run


def test_sparql_through_the_remote_store(remote):
    q = "SELECT (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation }"
    titles = "SELECT ?title WHERE { ?r a rk:Report ; dcterms:title ?title }"
    r, t = _together(lambda: _cli("--store", remote, "sparql", q, "--format", "json"),
                     lambda: _cli("--store", remote, "sparql", titles))
    assert r.returncode == 0, r.stderr
    n = int(json.loads(r.stdout)["results"]["bindings"][0]["n"]["value"])
    assert n == 15
    assert t.returncode == 0 and "全球 AI 推理芯片行业报告" in t.stdout, t.stderr


def test_check_through_the_remote_store(remote):
    r = _cli("--store", remote, "check", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [x["conforms"] for x in out["shacl"]] == [True]
    sums = [x for x in out["consistency"] if x["kind"] == "segments vs total" or "segment" in x["kind"]]
    assert any(not x["consistent"] and x["stated"] == 6067 and x["computed"] == 6068 for x in sums), sums


RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "jsonld": ox.RdfFormat.JSON_LD}
EXPORTS = [*RDF_FORMATS, "csv"]
CLI_EXPORTS = ["nt", "csv"]    # `reportkg export` writes every RDF format as it writes N-Triples: Store.dump's bytes


@pytest.fixture(scope="module")
def exports(remote, embedded):
    """Every format through the remote store (``reportkg export`` for N-Triples and CSV, which takes another path,
    ``RemoteStore.dump`` for the other RDF formats), and what to compare each with: the embedded store's CSV,
    and its quads (its TriG export), whose triples a graph format must hold."""
    from kg.store import open_store
    through_cli, (trig, csv) = _together(
        lambda: _together(*[lambda f=f: _cli("--store", remote, "export", "--format", f) for f in CLI_EXPORTS]),
        lambda: [embedded("export", "--format", f) for f in ("trig", "csv")])   # two opening the directory at once fail
    assert trig.returncode == 0 and csv.returncode == 0, trig.stderr + csv.stderr
    for r in through_cli:
        assert r.returncode == 0 and r.stdout.strip(), r.stderr
    store = open_store(remote)
    written = {f: store.dump(f).decode("utf-8") for f in EXPORTS if f not in CLI_EXPORTS}
    written.update((f, r.stdout) for f, r in zip(CLI_EXPORTS, through_cli))
    quads = list(ox.parse(trig.stdout.encode(), format=ox.RdfFormat.TRIG))
    return written, quads, csv.stdout


def _statements(quads, fmt: str) -> set[str]:
    """Quads as N-Quads lines; for a graph format (Turtle, N-Triples) their triples."""
    return {str(q if fmt in ("trig", "jsonld") else q.triple) for q in quads}


@pytest.mark.parametrize("fmt", EXPORTS)
def test_export_through_the_remote_store_equals_embedded(exports, fmt):
    """The embedded store's triples (quads for TriG and JSON-LD: graph names too) or CSV rows, none of an
    engine's own graphs (Virtuoso's virtrdf#)."""
    written, quads, csv = exports
    if fmt == "csv":
        assert sorted(written[fmt].splitlines()) == sorted(csv.splitlines())
    else:
        got = _statements(ox.parse(written[fmt].encode(), format=RDF_FORMATS[fmt]), fmt)
        want = _statements(quads, fmt)
        assert len(want) > 4000 and got == want, (sorted(got - want)[:3], sorted(want - got)[:3])


def test_ask_through_the_remote_store_equals_embedded(remote, embedded):
    pytest.importorskip("qa")
    stdin = "\n".join(QUESTIONS) + "\n"
    r, e = _together(lambda: _cli("--store", remote, "ask", "--json", "-", stdin=stdin),
                     lambda: embedded("ask", "--json", "-", stdin=stdin))
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
    from kg.store import PREFIXES, open_store
    rows = open_store(endpoint).select(PREFIXES + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a rk:Report }")
    assert rows == [{"n": n + 1}]


def test_unreachable_endpoint_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"
    r = _cli("--store", url, "sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot reach" in lines[0], r.stderr


def test_engine_without_lateral_gets_the_plain_join_with_the_same_answers(engine, remote, monkeypatch):
    """An endpoint that cannot parse LATERAL (GraphDB, Virtuoso) is sent the templates as plain joins."""
    from kg.store import RemoteStore, open_store
    from qa import ask
    store = open_store(remote)
    assert isinstance(store, RemoteStore) and store.supports_lateral() is (engine == "oxigraph")   # Virtuoso: SP030
    q = "2024年全球AI推理芯片市场规模是多少？"
    natural = ask(q, store=store)
    assert natural.status == "answered" and any(v.value == 6067 for v in natural.values), natural.answer
    sent = []
    post = store.http.post
    monkeypatch.setattr(store, "_lateral", False)
    monkeypatch.setattr(store.http, "post",
                        lambda url, content, **kw: sent.append(content) or post(url, content=content, **kw))
    plain = ask(q, store=store)
    queries = [parse_qs(c.decode())["query"][0] for c in sent]   # URL-encoded POSTs
    assert queries and not any("LATERAL" in x for x in queries)
    assert (plain.answer, plain.values, plain.citations) == (natural.answer, natural.values, natural.citations)


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
        from ingest.pipeline import ingest_file
        ingest_file(store, SEED)                   # the seed again, for the module's other tests


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


@contextlib.contextmanager
def _fake_endpoint(answer):
    """A local HTTP endpoint whose every POST gets ``answer()``: (status, headers, body). Yields its URL."""
    class Endpoint(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code, headers, body = answer()
            self.send_response(code)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/query"
    finally:
        server.shutdown()


def test_lateral_probe_takes_only_a_syntax_error_for_no():
    """A 401 or 503 to the probe is an error to report, not an engine without LATERAL; a 400 is the answer."""
    from kg.store import RemoteStore, StoreError
    answers = [401, 503, 400]
    texts = {401: b"Unauthorized", 503: b"Service Unavailable", 400: b"Parse error: LATERAL"}

    def answer():
        code = answers.pop(0)
        return code, {"Content-Type": "text/plain"}, texts[code]
    with _fake_endpoint(answer) as url:
        store = RemoteStore(url)
        for code in (401, 503):
            with pytest.raises(StoreError, match=f"answered {code}"):
                store.supports_lateral()
            assert store._lateral is None
        assert store.supports_lateral() is False and not answers
        assert store.supports_lateral() is False                   # asked once: no fourth request


@pytest.mark.parametrize("header, message", [
    ({"X-SPARQL-MaxRows": "10"}, "limit of 10 result rows"),            # Virtuoso's ResultSetMaxRows
    ({"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"}, "part of the result"),
])
def test_a_result_the_endpoint_cut_short_is_an_error_not_an_answer(header, message):
    """Virtuoso answers 200 with the rows it had when it stops at its row cap or an "anytime" time limit."""
    from kg.store import RemoteStore, StoreError
    rows = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": f"urn:x:{i}"}}
                                                               for i in range(10)]}}
    body = json.dumps(rows).encode()
    with _fake_endpoint(lambda: (200, {"Content-Type": "application/sparql-results+json", **header}, body)) as url:
        store = RemoteStore(url)
        for read in (lambda: store.select("SELECT ?s WHERE { ?s ?p ?o }"), lambda: store.dump("nt"),
                     lambda: store.raw_query("SELECT ?s WHERE { ?s ?p ?o }", "application/sparql-results+json")):
            with pytest.raises(StoreError, match=message):
                read()
    with _fake_endpoint(lambda: (200, {"Content-Type": "application/sparql-results+json"}, body)) as url:
        assert len(RemoteStore(url).select("SELECT ?s WHERE { ?s ?p ?o }")) == 10      # no header: the whole result


XSD = "http://www.w3.org/2001/XMLSchema#"
VIRTUOSO_FORMS = [          # as Virtuoso 7.2 wrote them in SPARQL JSON results (and a few written otherwise)
    ("double", ["1.1664e+12", "1e+300", "1e-07", "100.0", "-0.0", "0.1", "39.1", "1.23457e+20", "1e+16", "NaN",
                "INF", "-INF", "1166400000000", "3.0E0"]),
    ("float", ["1e+10", "1.5"]),
    ("decimal", ["1.50", "6067.0", "6067", "-3.10", "+5", "0.0", "-0", "0.000001", "12345678901234567890.123456789"]),
    ("integer", ["+5", "007", "-0", "15"]),
    ("boolean", ["1", "0", "true", "false"]),
]


def test_literals_are_read_in_the_embedded_stores_forms():
    """Whatever form an engine writes a value in, RemoteStore gives the form the embedded store gives for it
    (Oxigraph is the oracle: it stores the value and writes it back canonically); language tags lower-cased."""
    from kg.store import _canonical
    db = ox.Store()
    for kind, forms in VIRTUOSO_FORMS:
        for form in forms:
            lit = ox.Literal(form, datatype=ox.NamedNode(XSD + kind))
            db.update(f"DELETE WHERE {{ ?s ?p ?o }} ; INSERT DATA {{ <urn:x:s> <urn:x:p> {lit} }}")
            want = next(iter(db.quads_for_pattern(None, None, None))).object
            assert _canonical(lit) == want, (kind, form, _canonical(lit).value, want.value)
            assert _canonical(want) == want                                  # Oxigraph's own forms are kept
    for tag in ("zh-Hans", "EN-us", "zh-hant"):
        assert _canonical(ox.Literal("x", language=tag)) == ox.Literal("x", language=tag.lower())
    plain = ox.Literal("1.50")                                               # a string is no number
    assert _canonical(plain) is plain


def test_describe_is_sent_in_bounded_requests_with_the_same_answer(remote, exports, monkeypatch):
    """Each observation's properties as the embedded store gives them (values in its forms), in requests of
    at most DESCRIBE_CHUNK subjects."""
    import kg.store
    from ingest.to_rdf import report_iri
    from kg.store import OxigraphStore, open_store
    embedded = OxigraphStore(None)
    embedded.db.extend(exports[1])                        # the embedded store's quads, from its TriG export
    store = open_store(remote)
    pairs = [(r["o"], r["g"]) for r in store.select(
        "SELECT ?o ?g WHERE { GRAPH ?g { ?o a <http://purl.org/linked-data/cube#Observation> } } ORDER BY ?o",
        {"g": ox.NamedNode(report_iri(SEED))})]
    assert len(pairs) == 15
    whole = store.describe(pairs)
    assert whole == embedded.describe(pairs)
    sent = []
    select = store.select
    monkeypatch.setattr(kg.store, "DESCRIBE_CHUNK", 7)
    monkeypatch.setattr(store, "select", lambda q, b=None: sent.append(q) or select(q, b))
    assert store.describe(pairs) == whole and len(sent) == 3
