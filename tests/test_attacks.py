"""#12: the attacks an attack run found on `reportkg serve`, as regression tests (a real server on a free
127.0.0.1 port, bounded loops), plus property-based fuzzing of SPARQL text and of what the HTTP routes
accept. Question and document fuzzing are in tests/test_fuzz.py.

Other clients are other loopback addresses (127.0.0.2 …): the SPARQL pool shares its workers per address.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytest_plugins = ["server_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "reports" / "cic-global-ai-inference-chips-2026.md"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
QUESTION = "2024年全球AI推理芯片市场规模是多少？"
LEAK = ("Traceback", 'File "', "site-packages")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's own server (uploads on, like the shared one): its attacks add reports, which the
    shared server's tests must not see."""
    from server_fixtures import start_server, stop_server
    server = start_server(tmp_path_factory.mktemp("attacks"))
    yield server
    stop_server(server)


def count_triples(url: str) -> int:
    r = httpx.get(url + "/sparql", params={"query": COUNT}, timeout=10)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


class HealthWatch:
    """Polls /health from another thread while an attack runs; records the slowest answer."""

    def __init__(self, url: str):
        self.url = url + "/health"
        self.worst = 0.0
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with httpx.Client(timeout=5) as c:
            while not self._stop.is_set():
                t0 = time.monotonic()
                try:
                    ok = c.get(self.url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.worst = max(self.worst, time.monotonic() - t0)
                self.failures += not ok
                self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)


# ------------------------------------------------------------------------------------------- writes

def test_cross_site_upload_refused_and_answer_unchanged(live_server):
    """A cross-site multipart POST of a doctored copy of the bundled report (the attack: 201 and '1亿元')."""
    url = live_server.url + "/api/reports"
    before = count_triples(live_server.url)
    answer = httpx.post(live_server.url + "/api/ask", json={"question": QUESTION}).json()["answer"]
    doctored = SEED.read_bytes().replace("6,067".encode(), b"1")
    files = {"file": (SEED.name, doctored, "text/markdown")}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "http://localhost:9999"},
                    {"Origin": "null"}, {"Referer": "http://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}):
        r = httpx.post(url, files=files, headers={**live_server.write_headers, **headers})
        assert r.status_code == 403 and "cross-site" in r.json()["error"], (headers, r.text)
    r = httpx.post(url, files=files)                                            # no token
    assert r.status_code == 403 and "token" in r.json()["error"]
    r = httpx.post(url, files=files, headers={"X-Reportkg-Token": "guess"})     # wrong token
    assert r.status_code == 403
    r = httpx.post(live_server.url + "/gradio_api/upload", files={"files": ("x.md", doctored, "text/markdown")},
                   headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    assert count_triples(live_server.url) == before
    assert httpx.post(live_server.url + "/api/ask", json={"question": QUESTION}).json()["answer"] == answer


def test_app_headers_csp_and_frames(live_server):
    r = httpx.get(live_server.url + "/")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert not any(k.startswith("access-control-") for k in r.headers)


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory):
    """A server started as the operator would without --allow-uploads, with its own temp folder."""
    from server_fixtures import start_server, stop_server
    tmp = tmp_path_factory.mktemp("closed")
    (tmp / "tmp").mkdir()
    server = start_server(tmp, {"REPORTKG_ALLOW_UPLOADS": "", "REPORTKG_WRITE_TOKEN": "", "TMPDIR": str(tmp / "tmp")})
    yield server, tmp / "tmp"
    stop_server(server)


def test_uploads_off_unless_turned_on(closed_server):
    server, _ = closed_server
    assert httpx.get(server.url + "/health").json()["uploads"] is False
    before = count_triples(server.url)
    r = httpx.post(server.url + "/api/reports", files={"file": ("r.md", SEED.read_bytes(), "text/markdown")},
                   headers={"X-Reportkg-Token": "test-write-token"})
    assert r.status_code == 403 and "--allow-uploads" in r.json()["error"]
    r = httpx.post(server.url + "/gradio_api/upload", files={"files": ("r.md", b"# 1. x", "text/markdown")})
    assert r.status_code == 403
    assert count_triples(server.url) == before
    assert "uploads are off" in server.log_text()


def test_gradio_uploads_do_not_outlive_the_server(tmp_path):
    from server_fixtures import start_server, stop_server
    (tmp_path / "tmp").mkdir()
    server = start_server(tmp_path, {"TMPDIR": str(tmp_path / "tmp")}, bundled=False, warm=False)
    try:
        r = httpx.post(server.url + "/gradio_api/upload", files={"files": ("notes.md", b"# 1. x\n", "text/markdown")})
        assert r.status_code == 200, r.text
        assert list((tmp_path / "tmp").glob("reportkg-gradio-*/**/notes.md"))
    finally:
        stop_server(server)
    assert not list((tmp_path / "tmp").glob("reportkg-gradio-*")), list((tmp_path / "tmp").iterdir())


# ------------------------------------------------------------------------------------------- uploads

@pytest.mark.slow
def test_pathological_uploads_never_freeze_the_server(live_server, tmp_path):
    """Each is refused or ingested while /health keeps answering within 1 s (the attack: 27 s frozen)."""
    seed = SEED.read_text(encoding="utf-8")
    en = (ROOT / "tests" / "fixtures" / "reports" / "en-optical-interconnect.md").read_text(encoding="utf-8")
    cases = {
        "angles.md": en[:2000] + "\nThe market reached " + ">" * 20_000 + " end.\n" + en[2000:],
        "percent.md": en + "\n" + "%" * 250_000,
        "quotes.md": seed + "\n" + "> " * 100_000,
        "headings.md": seed + "".join(f"\n## {i}. 标题{i}" for i in range(20_000)),
        "longline.md": en + "a" * 250_000,
        "figures.md": seed + "".join(f"\n{2000 + i % 40}年全球AI推理芯片市场规模为{i}亿元。" for i in range(9_000)),
    }
    with HealthWatch(live_server.url) as watch:
        for name, text in cases.items():
            before = count_triples(live_server.url)
            t0 = time.monotonic()
            r = httpx.post(live_server.url + "/api/reports", files={"file": (name, text.encode(), "text/markdown")},
                           headers=live_server.write_headers, timeout=120)
            assert r.status_code in (201, 413, 422), (name, r.status_code, r.text)
            assert time.monotonic() - t0 < 60, name
            if r.status_code != 201:           # refused: one line, and the graph as it was
                assert "\n" not in r.json()["error"] and not any(x in r.text for x in LEAK), r.text
                assert count_triples(live_server.url) == before, name
    assert watch.worst < 1.0 and watch.failures == 0, (watch.worst, watch.failures)
    assert not any(x in live_server.log_text() for x in LEAK)


def test_budget_refuses_outsized_text_at_once(tmp_path):
    """100,000 headings in 2.2 MB (the attack: 900,044 triples for one claim) and text made of figures are
    refused before any tokenising."""
    from ingest.errors import IngestError
    from ingest.pipeline import build_report
    seed = SEED.read_text(encoding="utf-8")
    for name, text in (("headings.md", seed + "".join(f"\n## {i}. 标题{i}" for i in range(100_000))),
                       ("figures.md", seed + "".join(f"\n2024年规模为{i}亿元，增长{i % 90}%。" for i in range(60_000)))):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        t0 = time.monotonic()
        with pytest.raises(IngestError) as e:
            build_report(p)
        assert time.monotonic() - t0 < 10 and "more than" in str(e.value), (name, str(e.value))


def test_worker_time_and_memory_limits(tmp_path):
    from ingest.errors import IngestError
    from ingest.worker import WorkerLimits, build_isolated
    p = tmp_path / "r.md"
    p.write_text(SEED.read_text(encoding="utf-8") * 40, encoding="utf-8")
    with pytest.raises(IngestError) as e:
        build_isolated(p, limits=WorkerLimits(seconds=1.0))
    assert "longer than 1 s" in str(e.value)
    with pytest.raises(IngestError) as e:
        build_isolated(p, limits=WorkerLimits(memory_mb=120))
    assert "MB" in str(e.value) or "failed" in str(e.value)
    b = build_isolated(SEED)
    assert b.figures == 15 and b.ntriples


# ------------------------------------------------------------------------------------------- SPARQL

def test_parse_inside_the_deadline_and_health_free(live_server):
    """'# from' forces a parse; with a 20,000-row VALUES it took 18 s outside the deadline (the attack)."""
    values = " ".join(f'"v{i}"' for i in range(20_000))
    q = f"# from\nSELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
    with HealthWatch(live_server.url) as watch:
        t0 = time.monotonic()
        r = httpx.post(live_server.sparql, content=q[:60_000], headers={"Content-Type": "application/sparql-query"},
                       timeout=30)
        took = time.monotonic() - t0
    assert r.status_code in (200, 400, 503), r.text
    assert took < 2 * 1.1 + 0.5, took                      # the test server's deadline is 2 s
    assert watch.worst < 1.0 and watch.failures == 0


@pytest.mark.slow
def test_twenty_concurrent_slow_queries_end_at_the_deadline(live_server):
    """The attack: 20 slow queries ended after 12-13 s with a 10 s deadline. Here the deadline is 2 s."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    times, codes = [], []

    def one(i):
        from server_fixtures import client_at
        with client_at(f"127.0.0.{10 + i}", timeout=30) as c:
            t0 = time.monotonic()
            r = c.get(live_server.sparql, params={"query": slow if i % 2 else "# from\n" + slow})
            times.append(time.monotonic() - t0)
            codes.append(r.status_code)

    with HealthWatch(live_server.url) as watch:
        ths = [threading.Thread(target=one, args=(i,)) for i in range(20)]
        for t in ths:
            t.start()
        for t in ths:
            t.join(60)
    assert len(codes) == 20 and set(codes) == {503}, codes
    assert max(times) <= 2 * 1.1 + 0.3, sorted(times)[-3:]
    assert watch.worst < 1.0


@pytest.mark.slow
def test_one_address_looping_slow_queries_does_not_starve_another(live_server):
    from server_fixtures import client_at
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    stop = threading.Event()
    refused = []

    def loop():
        with client_at("127.0.0.3", timeout=30) as c:
            while not stop.is_set():
                refused.append(c.get(live_server.sparql, params={"query": slow}).status_code)

    ths = [threading.Thread(target=loop) for _ in range(4)]         # four loops from one address
    for t in ths:
        t.start()
    try:
        with client_at("127.0.0.4", timeout=10) as other:
            for _ in range(5):
                t0 = time.monotonic()
                r = other.get(live_server.sparql, params={"query": "SELECT ?t WHERE { ?r a rk:Report ; dcterms:title ?t }"})
                assert r.status_code == 200 and time.monotonic() - t0 < 1.0, (r.status_code, time.monotonic() - t0)
    finally:
        stop.set()
        for t in ths:
            t.join(30)
    assert 429 in refused or 503 in refused


def test_abandoned_parse_heavy_requests_do_not_take_the_app_down(live_server):
    """80 6 KB requests with 'from', abandoned after a short client timeout (the attack: ~75 s down)."""
    body = "# from service\nSELECT * WHERE { ?s ?p ?o . " + " ".join(f"?s <http://x/p{i}> ?o{i} ." for i in range(150)) + " }"
    done = []

    def fire(i):
        try:
            httpx.post(live_server.sparql, content=body, headers={"Content-Type": "application/sparql-query"},
                       timeout=0.3)
        except httpx.HTTPError:
            pass
        done.append(i)

    ths = [threading.Thread(target=fire, args=(i,)) for i in range(80)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(30)
    t0 = time.monotonic()
    assert httpx.get(live_server.url + "/health", timeout=5).status_code == 200
    assert httpx.post(live_server.url + "/api/ask", json={"question": QUESTION}, timeout=5).status_code == 200
    assert time.monotonic() - t0 < 1.5


# ------------------------------------------------------------------------------------------- malformed input

def test_surrogates_and_wrong_types_are_400s(live_server):
    url = live_server.url + "/api/ask"
    cases = [b'{"question": "\\ud800"}', b'{"question": "ok", "conversation_id": "\\udfff"}',
             b'{"question": 123}', b'{"question": ["a"]}', b'{"question": null}', b'[]', b'{', b'"x"',
             b'{"question": "a", "conversation_id": 5}', '{"question": "\u4e2d\\ud83d"}'.encode()]
    for body in cases:
        r = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
        assert not any(x in r.text for x in LEAK)
    assert httpx.get(live_server.url + "/health").status_code == 200
    assert not any(x in live_server.log_text() for x in LEAK)


# ------------------------------------------------------------------------------------------- fuzzing

SPARQL_WORDS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", "FROM", "NAMED",
                "SERVICE", "INSERT", "DATA", "DELETE", "LOAD", "DROP", "CLEAR", "GRAPH", "OPTIONAL", "UNION", "FILTER",
                "VALUES", "LIMIT", "10", "PREFIX", "rk:", "<http://x/y>", '"a"', "'b'", "#", "\n", ".", ";", ",",
                "(", ")", "COUNT(*)", "AS", "?n", "BIND", "\\u0053ERVICE", "a", "rk:Report", "<>", "\"\"\"", "*"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from ingest.pipeline import ingest_file
    from kg.endpoint import Endpoint, Limits
    from kg.store import open_store
    store = open_store(str(tmp_path_factory.mktemp("fuzz-store")))
    ingest_file(store, SEED)
    ep = Endpoint(store, Limits(deadline=5.0, row_limit=50, workers=2))
    ep.start()
    yield ep, store
    ep.close()


def _n(store) -> int:
    return int(store.select(COUNT)[0]["n"])


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(st.sampled_from(SPARQL_WORDS), max_size=25).map(" ".join), st.text(max_size=300)),
       st.sampled_from([None, "json", "csv", "xml", "turtle", "tsv", "pdf"]))
def test_fuzz_sparql_text(endpoint, text, fmt):
    """Any text: a Result or a one-line EndpointError (4xx, or 503), never another exception; nothing written."""
    from kg.endpoint import EndpointError
    ep, store = endpoint
    before = store.generation
    try:
        res = ep.query(text, fmt=fmt)
        assert res.body is not None
    except EndpointError as e:
        assert e.status in (400, 403, 413, 429, 503) and "\n" not in e.message, (text, e.status, e.message)
    assert store.generation == before


def test_fuzz_sparql_leaves_graph_unchanged(endpoint):
    ep, store = endpoint
    assert _n(store) > 0
    n = _n(store)
    for text in ("INSERT DATA { <http://a> <http://b> <http://c> }", "DROP ALL", "CLEAR DEFAULT",
                 "LOAD <http://example.org/x>", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        from kg.endpoint import EndpointError
        with pytest.raises(EndpointError) as e:
            ep.query(text)
        assert e.value.status == 403
    assert _n(store) == n


@pytest.fixture(scope="module")
def fuzz_client():
    """One client for the fuzzed requests (a client per request spends most of its time on its TLS context)."""
    with httpx.Client(timeout=15) as c:
        yield c


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["/api/ask", "/sparql", "/api/figures", "/api/reports"]),
       body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.dictionaries(st.sampled_from(["question", "conversation_id", "query", "x"]),
                                      st.one_of(st.text(max_size=50), st.integers(), st.none(), st.lists(st.integers())),
                                      max_size=3).map(lambda d: json.dumps(d).encode())),
       ctype=st.sampled_from(["application/json", "application/sparql-query", "application/x-www-form-urlencoded",
                              "multipart/form-data", "text/plain"]),
       method=st.sampled_from(["GET", "POST"]))
def test_fuzz_http_routes(live_server, fuzz_client, route, body, ctype, method):
    """Random bodies on every open route: never a 5xx other than 503, never a traceback."""
    c = fuzz_client
    if method == "GET":
        r = c.get(live_server.url + route, params={"query": body.decode("utf-8", "replace"), "limit": "1"})
    else:
        r = c.post(live_server.url + route, content=body, headers={"Content-Type": ctype,
                                                                     **live_server.write_headers})
    assert r.status_code < 500 or r.status_code == 503, (route, body, r.status_code, r.text)
    assert not any(x in r.text for x in LEAK)
