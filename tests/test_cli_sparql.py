"""`reportkg sparql`: every query form and format, and the HTTP endpoint's refusals, on a real store.

Most tests call ``ui.cli.main`` in-process on a store ingested from the seed report by the CLI; a few run
the installed ``reportkg`` script to see what a shell user sees (no traceback, a closed pipe), and one
goes through a real ``oxigraph serve`` as a remote store when the binary is installed.
"""
from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT, SEED
from ui.cli import main

REPORTKG = Path(sys.executable).with_name("reportkg")
SEGMENTS = "SELECT ?s ?l WHERE { ?s a rk:Segment ; skos:prefLabel ?l FILTER(LANG(?l) = 'en') } ORDER BY ?l"
EN_LABELS = ["cloud AI inference chip", "edge AI inference chip", "on-device AI inference chip"]
RESULT_FORMATS = ox.QueryResultsFormat
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _script(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    cmd = [str(REPORTKG)] if REPORTKG.exists() else [sys.executable, "-m", "ui.cli"]
    return subprocess.run(cmd + list(args), input=stdin, capture_output=True, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    """A store directory holding the seed report (and the vocabulary), ingested through the CLI."""
    d = tmp_path_factory.mktemp("cli-sparql") / "store"
    r = _script("--store", str(d), "ingest", str(SEED))
    assert r.returncode == 0, r.stderr
    return str(d)


@pytest.fixture
def run(store_dir, capsys):
    """``reportkg --store DIR sparql ARGS`` in-process: (exit code, stdout bytes, stderr text)."""
    def go(*args: str) -> tuple[int, bytes, str]:
        code = main(["--store", store_dir, "sparql", *args])
        out = capsys.readouterr()
        return code, out.out.encode("utf-8"), out.err
    return go


def _refused(result: tuple[int, bytes, str], *words: str) -> str:
    """Exit 1, nothing on stdout, one ``reportkg: ...`` line on stderr naming ``words``."""
    code, out, err = result
    assert code == 1 and out == b"", (code, out)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reportkg: ") and "Traceback" not in err, err
    for w in words:
        assert w.lower() in err.lower(), err
    return lines[0]


# ------------------------------------------------------------------------------------------ ASK


@pytest.mark.parametrize("query,answer", [("ASK { ?s a rk:Segment }", True), ("ASK { ?s a rk:NoSuchClass }", False)])
def test_ask_table_and_json(run, query, answer):
    code, out, err = run(query)
    assert code == 0 and out == (b"true\n" if answer else b"false\n"), err
    code, out, _ = run(query, "--format", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": answer}
    code, out, _ = run(query, "--format", "xml")
    assert code == 0 and bool(ox.parse_query_results(out, RESULT_FORMATS.XML)) is answer


# ------------------------------------------------------------------------------------------ CONSTRUCT / DESCRIBE

CONSTRUCT = "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a rk:Segment ; skos:prefLabel ?l FILTER(LANG(?l) = 'en') }"
DESCRIBE = "DESCRIBE ?s WHERE { ?s a rk:Segment ; skos:prefLabel 'cloud AI inference chip'@en }"


@pytest.mark.parametrize("fmt,rdf", [("table", ox.RdfFormat.TURTLE), ("turtle", ox.RdfFormat.TURTLE),
                                     ("ntriples", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD),
                                     ("xml", ox.RdfFormat.RDF_XML)])
def test_construct_in_each_rdf_format(run, fmt, rdf):
    code, out, err = run(CONSTRUCT, "--format", fmt)
    assert code == 0, err
    triples = list(ox.parse(out, format=rdf))
    assert sorted(t.object.value for t in triples) == EN_LABELS
    if rdf == ox.RdfFormat.TURTLE:
        assert b"@prefix skos:" in out                     # the default prefixes name the output's IRIs


@pytest.mark.parametrize("fmt,rdf", [("table", ox.RdfFormat.TURTLE), ("turtle", ox.RdfFormat.TURTLE),
                                     ("ntriples", ox.RdfFormat.N_TRIPLES)])
def test_describe_in_turtle_and_ntriples(run, fmt, rdf):
    code, out, err = run(DESCRIBE, "--format", fmt)
    assert code == 0, err
    triples = list(ox.parse(out, format=rdf))
    assert len({t.subject for t in triples}) == 1
    assert ox.Literal("cloud AI inference chip", language="en") in {t.object for t in triples}
    if fmt == "ntriples":
        assert all(line.endswith(b" .") for line in out.splitlines())


def test_a_format_for_the_other_kind_of_result_is_one_line(run):
    _refused(run(SEGMENTS, "--format", "turtle"), "turtle", "SELECT")
    _refused(run(CONSTRUCT, "--format", "csv"), "csv", "CONSTRUCT")


# ------------------------------------------------------------------------------------------ SELECT


def test_select_table_uses_prefixed_names_and_one_line_per_row(run):
    code, out, err = run("SELECT ?c ?l WHERE { ?s a rk:Segment ; a ?c ; skos:prefLabel ?l FILTER(LANG(?l) = 'en') } "
                         "ORDER BY ?c ?l")
    assert code == 0, err
    lines = out.decode().splitlines()
    assert lines[0] == "c\tl"
    assert {tuple(x.split("\t")) for x in lines[1:]} >= {("rk:Segment", lab + "@en") for lab in EN_LABELS}


@pytest.mark.parametrize("fmt,parse", [
    ("json", RESULT_FORMATS.JSON), ("xml", RESULT_FORMATS.XML), ("csv", None), ("tsv", RESULT_FORMATS.TSV)])
def test_select_in_each_results_format(run, fmt, parse):
    code, out, err = run(SEGMENTS, "--format", fmt)
    assert code == 0, err
    if parse is None:                                          # CSV results: plain values, CRLF lines
        rows = out.decode().splitlines()
        assert rows[0] == "s,l" and [r.split(",", 1)[1] for r in rows[1:]] == EN_LABELS
    else:
        labels = [sol["l"].value for sol in ox.parse_query_results(out, parse)]
        assert labels == EN_LABELS


def test_select_query_from_stdin(store_dir, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEGMENTS.encode("utf-8"))))
    assert main(["--store", store_dir, "sparql", "-", "--format", "json"]) == 0
    bindings = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [b["l"]["value"] for b in bindings] == EN_LABELS


def test_declared_prefixes_and_named_graphs_still_work(run):
    """A query may declare its own prefixes, and FROM / FROM NAMED a graph the store holds."""
    code, out, err = run("PREFIX s: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(*) AS ?n) "
                         "WHERE { ?x s:prefLabel 'cloud AI inference chip'@en }", "--format", "csv")
    assert code == 0 and int(out.split()[1]) >= 1, err
    code, out, _ = run("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r a rk:Report } }", "--format", "csv")
    graph = out.decode().split()[1]
    code, out, err = run(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?r a rk:Report }}", "--format", "csv")
    assert code == 0 and out.split()[1] == b"1", err
    code, out, err = run(f"ASK FROM NAMED <{graph}> {{ GRAPH <{graph}> {{ ?r a rk:Report }} }}")
    assert code == 0 and out == b"true\n", err


# ------------------------------------------------------------------------------------------ refusals


@pytest.fixture
def listener():
    """A loopback port that records whether anything connected to it."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(0.3)

        def connected() -> bool:
            try:
                srv.accept()[0].close()
            except TimeoutError:
                return False
            return True
        yield f"http://127.0.0.1:{srv.getsockname()[1]}/sparql", connected


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ ?x a rk:Segment OPTIONAL {{ service silent <{url}> {{ ?x ?p ?o }} }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_without_a_request(run, listener, template):
    url, connected = listener
    _refused(run(template.format(url=url)), "SERVICE")
    assert not connected()


def test_insert_data_is_refused_and_the_store_unchanged(run):
    before = run(COUNT, "--format", "csv")
    assert before[0] == 0
    for update in ("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 'c' } }",
                   "# a comment first\nPREFIX x: <urn:x:>\ninsert data { x:a x:b 'c' }",
                   "DELETE WHERE { ?s ?p ?o }", "DROP ALL", "CLEAR DEFAULT",
                   "LOAD <http://127.0.0.1:9/data.ttl>"):
        _refused(run(update), "read-only")
    assert run(COUNT, "--format", "csv") == before
    assert run("ASK { <urn:x:a> ?p ?o }")[1] == b"false\n"


@pytest.mark.parametrize("query,what", [
    ("SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }", "FROM <http://example.org/elsewhere>"),
    ("SELECT * FROM NAMED <http://example.org/elsewhere> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED"),
    ("CONSTRUCT { ?s ?p ?o } FROM rkid:no-such-graph WHERE { ?s ?p ?o }", "id/no-such-graph"),
])
def test_from_an_unknown_graph_is_refused(run, query, what):
    _refused(run(query), what, "not a graph in this store")


def test_syntax_error_is_one_line(run):
    line = _refused(run("SELEC nonsense"), "syntax error")
    assert "\n" not in line
    _refused(run("SELECT ?s WHERE { ?s ?p }\n\n  ORDER"), "syntax error")


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p \udc80 }", "SELECT * WHERE { ?s ?p '\ud800' }",
                                   "SELECT \x00 * WHERE { ?s ?p ?o }", "SELECT * FROM \x00 WHERE { ?s ?p ?o }",
                                   "ASK\x00", "", "   \n"])
def test_surrogate_nul_or_empty_query_is_one_line(run, query):
    line = _refused(run(query))
    assert "\x00" not in line and line.isprintable()
    line.encode("utf-8")                                         # printable: no lone surrogate either


def test_oversized_query_is_refused(run, monkeypatch):
    monkeypatch.setenv("REPORTKG_MAX_QUERY_BYTES", "2000")
    _refused(run("ASK { ?s ?p ?o } # " + "x" * 3000), "limit")


# ------------------------------------------------------------------------------------------ as a shell user sees it


def test_script_errors_have_no_traceback(store_dir):
    for args in (["ASK { ?s a rk:Segment }"], ["SELEC nonsense"], ["INSERT DATA { <urn:x:a> <urn:x:b> 1 }"],
                 ["SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], [CONSTRUCT, "--format", "csv"]):
        r = _script("--store", store_dir, "sparql", *args)
        assert b"Traceback" not in r.stderr and len(r.stderr.splitlines()) <= 1, r.stderr
    r = _script("--store", store_dir, "sparql", "ASK { ?s a rk:Segment }")
    assert r.returncode == 0 and r.stdout == b"true\n"
    r = _script("--store", store_dir, "sparql", "-", stdin=b"SELECT * WHERE { ?s ?p \xff }")
    assert r.returncode == 1 and r.stderr.startswith(b"reportkg: ") and b"Traceback" not in r.stderr
    r = _script("--store", store_dir, "sparql", "-", "--format", "ntriples", stdin=CONSTRUCT.encode())
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 3, r.stderr


def test_closed_stdout_pipe_is_quiet(store_dir):
    cmd = [str(REPORTKG)] if REPORTKG.exists() else [sys.executable, "-m", "ui.cli"]
    proc = subprocess.Popen(cmd + ["--store", store_dir, "sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--format",
                                   "ntriples"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout.readline().endswith(b" .\n")
    proc.stdout.close()                                   # as `| head -1` does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err and b"Broken pipe" not in err, err


# ------------------------------------------------------------------------------------------ a remote store


def _oxigraph() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


@pytest.mark.skipif(_oxigraph() is None, reason="the oxigraph server binary is not installed")
def test_remote_store_is_screened_too(tmp_path, capsys, listener):
    """Through a real `oxigraph serve`: the same answers, and SERVICE and updates refused before sending."""
    from kg.store import open_store
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([_oxigraph(), "serve", "--location", str(tmp_path / "data"), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
            assert proc.poll() is None and time.monotonic() < deadline, "oxigraph serve did not start"
            time.sleep(0.1)
        store = open_store(url)
        seg = "https://w3id.org/reportkg/id/segment/x"
        store.replace_graph_ntriples("urn:x:g", (f"<{seg}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                                                 f"<https://w3id.org/reportkg/ns#Segment> .\n").encode())

        def go(*args: str) -> tuple[int, bytes, str]:
            code = main(["--store", url, "sparql", *args])
            out = capsys.readouterr()
            return code, out.out.encode("utf-8"), out.err

        assert go("ASK { ?s a rk:Segment }")[:2] == (0, b"true\n")
        assert json.loads(go("ASK { ?s a rk:Nothing }", "--format", "json")[1]) == {"head": {}, "boolean": False}
        code, out, err = go("CONSTRUCT { ?s a rk:Segment } WHERE { GRAPH <urn:x:g> { ?s a rk:Segment } }")
        assert code == 0 and b"rk:Segment" in out and len(list(ox.parse(out, format=ox.RdfFormat.TURTLE))) == 1, err
        assert go("SELECT ?c WHERE { GRAPH <urn:x:g> { ?s a ?c } }")[1] == b"c\nrk:Segment\n"
        # a graph the store holds may be named (`oxigraph serve --union-default-graph` then ignores FROM itself)
        assert seg.encode() in go("SELECT ?s FROM <urn:x:g> WHERE { ?s a rk:Segment }", "--format", "csv")[1]
        service, connected = listener
        _refused(go(f"SELECT * WHERE {{ SERVICE <{service}> {{ ?s ?p ?o }} }}"), "SERVICE")
        assert not connected()
        _refused(go("INSERT DATA { <urn:x:a> <urn:x:b> 'c' }"), "read-only")
        _refused(go("SELECT * FROM <urn:x:elsewhere> WHERE { ?s ?p ?o }"), "not a graph in this store")
        assert go("ASK { <urn:x:a> ?p ?o }")[1] == b"false\n"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
