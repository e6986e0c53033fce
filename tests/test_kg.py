"""The graph layer: closed namespace vs ontology, glossary integrity, exports, CLI sparql/check."""
from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib

from conftest import ROOT, SEED
from kg.namespaces import RK, RK_BASE


def test_defined_namespace_matches_ontology():
    g = rdflib.Graph().parse(ROOT / "kg" / "ontology.ttl")
    declared = {str(s)[len(RK_BASE):] for s in g.subjects() if str(s).startswith(RK_BASE)}
    assert declared == set(RK.__annotations__)
    with pytest.raises(AttributeError):
        RK.notATerm  # noqa: B018  (closed namespace: a typo is an error)


def test_glossary_has_no_ambiguous_labels():
    from ingest.text import squash
    from kg.lexicon import load_lexicon
    seen = {}
    for c in load_lexicon().concepts.values():
        for text, _lang in c.labels():
            key = (c.kind, squash(text))
            assert seen.setdefault(key, c.iri) == c.iri, f"{text!r} labels {seen[key]} and {c.iri}"


def test_every_region_reaches_global():
    from kg.lexicon import load_lexicon
    lex = load_lexicon()
    regions = {c.iri: c for c in lex.regions}
    for c in regions.values():
        node, hops = c, 0
        while node.broader and hops < 6:
            node, hops = regions[node.broader[0]], hops + 1
        assert node.code == "GLOBAL", c.iri


def _cli(*args, store):
    return subprocess.run([sys.executable, "-m", "ui.cli", "--store", str(store), *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    r = _cli("ingest", str(SEED), store=store)
    assert r.returncode == 0, r.stderr
    return store


@pytest.mark.parametrize("fmt,fmt_ox", [("turtle", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG),
                                        ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_export_formats_parse_back(cli_store, fmt, fmt_ox):
    r = subprocess.run([sys.executable, "-m", "ui.cli", "--store", str(cli_store), "export", "--format", fmt],
                       capture_output=True, timeout=120)
    assert r.returncode == 0
    quads = list(ox.parse(r.stdout, fmt_ox))
    assert len(quads) > 700


def test_export_csv_lists_every_figure(cli_store):
    r = _cli("export", "--format", "csv", store=cli_store)
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("report,") and len(lines) == 16


def test_check_reports_mismatch_and_cagrs(cli_store):
    r = _cli("check", "--json", store=cli_store)
    out = json.loads(r.stdout)
    assert all(s["conforms"] for s in out["shacl"])
    sums = [c for c in out["consistency"] if c["kind"] == "segments_vs_total"]
    assert any(c["stated"] == 6067 and c["computed"] == 6068 and not c["consistent"] for c in sums)
    assert all(c["consistent"] for c in out["consistency"] if c["kind"] == "cagr")
    text = _cli("check", store=cli_store).stdout                   # each line names the market, region and report
    mismatch = next(ln for ln in text.splitlines() if ln.startswith("MISMATCH"))
    assert "AI inference chip · global · 2024" in mismatch and "[cic-global-ai-inference-chips-2026]" in mismatch


def test_sparql_cli_formats_and_syntax_error(cli_store):
    r = _cli("sparql", "SELECT ?l WHERE { ?s a rk:Segment ; skos:prefLabel ?l FILTER(LANG(?l)='en') }",
             "--format", "json", store=cli_store)
    labels = {b["l"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]}
    assert {"cloud AI inference chip", "edge AI inference chip", "on-device AI inference chip"} <= labels
    bad = _cli("sparql", "SELEC nonsense", store=cli_store)
    assert bad.returncode == 1 and "syntax" in bad.stderr.lower() and "Traceback" not in bad.stderr


def test_ask_cli_stdin_one_json_per_line(cli_store):
    r = subprocess.run([sys.executable, "-m", "ui.cli", "--store", str(cli_store), "ask", "--json", "-"],
                       input="2024年全球AI推理芯片市场规模是多少？\n\nWhat is AMD's market share?\n", capture_output=True,
                       text=True, timeout=120)
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    assert [x["status"] for x in rows] == ["answered", "not_found", "not_found"]
