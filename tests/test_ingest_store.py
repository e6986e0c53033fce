"""Ingesting into a real store: atomic, idempotent, SHACL-valid; bad input gets one line and changes nothing."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ALL_REPORTS, SEED
from ingest.document import MAX_BYTES, parse_document, read_report
from ingest.errors import IngestError
from ingest.pipeline import build_report, ingest_file, read_claims
from ingest.to_rdf import to_quads
from kg.checks import implied_cagrs, segment_sums
from kg.validate import validate_quads


def _count(store) -> int:
    return store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_every_report_passes_shacl(path):
    doc, claims = read_claims(path)
    _rep, quads = to_quads(doc, claims, path)
    ok, detail = validate_quads(quads)
    assert ok, detail


def test_reingest_replaces_without_duplicates(empty_store):
    ingest_file(empty_store, SEED)
    n = _count(empty_store)
    ingest_file(empty_store, SEED)
    assert _count(empty_store) == n
    assert len(empty_store.reports()) == 1


def test_seed_consistency_checks(seed_store):
    sums = {(f.region.rsplit("-", 1)[-1], f.ok, f.computed, f.stated) for f in segment_sums(seed_store)}
    assert ("global", False, 6068, 6067) in sums
    assert ("china", True, 1608, 1608) in sums
    cagrs = implied_cagrs(seed_store)
    assert len(cagrs) == 2 and all(c.ok for c in cagrs)


BAD = {
    "empty.md": (b"", "empty"),
    "blank.md": (b"   \n\n  ", "whitespace"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
    "latin1.md": ("# 1. Überblick\n\nDer Markt wächst.".encode("latin-1"), "UTF-8"),
    "noclaims.md": ("# 1. 概览\n\n今天天气很好。我们去公园散步。\n".encode(), "no recognisable claims"),
    "noheadings.md": ("just some words without any heading at all".encode(), "no recognisable claims"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_one_line_store_unchanged(tmp_path, seed_store, name):
    data, words = BAD[name]
    p = tmp_path / name
    p.write_bytes(data)
    before = _count(seed_store)
    with pytest.raises(IngestError) as e:
        ingest_file(seed_store, p)
    msg = str(e.value)
    assert name in msg and words.lower() in msg.lower() and "\n" not in msg
    assert _count(seed_store) == before


def test_wrong_encoding_names_the_line(tmp_path):
    p = tmp_path / "gbk.md"
    p.write_bytes("# 1. 概览\n\n第二行\n".encode("utf-8") + "市场规模".encode("gbk"))
    with pytest.raises(IngestError) as e:
        read_report(p)
    assert e.value.line == 4


def test_oversized_file_refused_before_reading(tmp_path):
    p = tmp_path / "huge.md"
    with open(p, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(IngestError) as e:
        read_report(p)
    assert "limit" in str(e.value) and str(MAX_BYTES // (1024 * 1024)) in f"{MAX_BYTES // (1024 * 1024)}"


def test_text_longer_than_spacy_max_length_is_processed(monkeypatch):
    from ingest import extract as ex
    text = SEED.read_text(encoding="utf-8")
    nlp = ex.build_annotator("zh")
    monkeypatch.setattr(nlp, "max_length", 60)       # shorter than several seed sentences: cut into pieces
    claims = ex.extract(parse_document(text, "seed.md"))
    assert len(claims.figures) >= 13
    assert {f.value for f in claims.figures} >= {6067, 2916, 2275, 877, 1608, 30696, 11664, 31.0, 39.1}


def test_cli_ingest_bad_file_exit_code_and_one_line(tmp_path):
    p = tmp_path / "bin.md"
    p.write_bytes(b"\x00\x01\x02")
    r = subprocess.run([sys.executable, "-m", "ui.cli", "--store", str(tmp_path / "s"), "ingest", str(p)],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert r.stderr.strip().count("\n") == 0 and "bin.md" in r.stderr and "Traceback" not in r.stderr


def test_cli_claims_json_contract(tmp_path):
    import json
    r = subprocess.run([sys.executable, "-m", "ui.cli", "claims", str(SEED), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    figs = [x for x in rows if x["kind"] in ("figure", "cagr")]
    assert len(figs) == 15
    for f in figs:
        assert {"metric", "market", "region", "segment", "year", "period", "value", "unit", "comparator", "status",
                "section", "quote"} <= set(f)


def test_heading_without_number_is_a_titled_section(tmp_path):
    p = tmp_path / "titled.md"
    p.write_text("# Market Overview\n\nThe global widget market was valued at $2.5 billion in 2024.\n", encoding="utf-8")
    doc, claims = read_claims(p)
    assert [s.id for s in doc.sections] == ["Market Overview"]
    assert claims.figures[0].evidence.section == "Market Overview"
    assert claims.figures[0].value == 2.5 and claims.figures[0].region_label == "Global"


def test_slices_group_each_reports_figures_by_market_metric_region(multi_store):
    """Every observation with a market and region sits in exactly the slice its own dimensions name, in its
    report's graph; the slice states those dimensions (Data Cube qb:Slice, rk:sliceByMarketMetricArea)."""
    from kg.namespaces import slice_iri
    rows = multi_store.select("""
        PREFIX qb: <http://purl.org/linked-data/cube#> PREFIX rk: <https://w3id.org/reportkg/ns#>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?g ?obs ?m ?x ?r (GROUP_CONCAT(STR(?s)) AS ?slices) WHERE {
          GRAPH ?g { ?obs a qb:Observation ; rk:market ?m ; rk:metric ?x ; sdmx-dimension:refArea ?r .
                     OPTIONAL { ?s qb:observation ?obs } }
        } GROUP BY ?g ?obs ?m ?x ?r""")
    assert len(rows) > 50
    for r in rows:
        assert r["slices"] == slice_iri(r["m"], r["x"], r["r"]), r
    described = multi_store.select("""
        PREFIX qb: <http://purl.org/linked-data/cube#> PREFIX rk: <https://w3id.org/reportkg/ns#>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?s ?m ?x ?r WHERE { GRAPH ?g { ?s a qb:Slice ; qb:sliceStructure rk:sliceByMarketMetricArea ;
                                              rk:market ?m ; rk:metric ?x ; sdmx-dimension:refArea ?r } }""")
    assert {d["s"] for d in described} == {r["slices"] for r in rows}
    assert all(d["s"] == slice_iri(d["m"], d["x"], d["r"]) for d in described)


def test_figures_by_slice_equal_figures_by_dimensions(multi_store):
    """The QA layer's slice look-up returns exactly the rows of the plain dimension look-up."""
    from qa.common import Context
    from qa.lexicon import lexicon_for
    ctx = Context(multi_store, lexicon_for(multi_store))
    rows = multi_store.select("""PREFIX rk: <https://w3id.org/reportkg/ns#>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT DISTINCT ?m ?x ?r WHERE { ?o rk:market ?m ; rk:metric ?x ; sdmx-dimension:refArea ?r ; rk:report ?rep }""")
    assert len(rows) > 10
    for r in rows:
        by_slice = ctx.figures(market=r["m"], metric=r["x"], region=r["r"]) + ctx.cagrs(market=r["m"], metric=r["x"],
                                                                                        region=r["r"])
        plain = [f for f in ctx.figures(market=r["m"], metric=r["x"]) + ctx.cagrs(market=r["m"], metric=r["x"])
                 if f.region == r["r"]]
        assert sorted(f.obs for f in by_slice) == sorted(f.obs for f in plain)


def test_every_write_gives_the_store_a_new_revision(empty_store):
    """What caches of the store's content (the QA lexicon) watch, in this process or another (remote store)."""
    ingest_file(empty_store, SEED)
    first = empty_store.revision()
    assert first
    ingest_file(empty_store, SEED)                  # the same report again: a write all the same
    second = empty_store.revision()
    assert second not in (None, first)
    empty_store.drop_graph("https://w3id.org/reportkg/id/report/none")
    assert empty_store.revision() not in (None, first, second)


def test_ntriples_are_stored_as_replace_graph_stores_quads(empty_store):
    """Bulk ingest hands the store a report's N-Triples as the worker wrote them: they store the same triples
    as ``replace_graph`` with quads (odd literals too), replace rather than add, and give a new revision."""
    import pyoxigraph as ox
    built = build_report(SEED)
    g = ox.NamedNode(built.report)
    odd = ox.Triple(g, ox.NamedNode("https://w3id.org/reportkg/ns#text"),
                    ox.Literal('quote " back\\slash\nnew line\ttab 市场 \U0001F600'))
    triples = [q.triple for q in ox.parse(built.ntriples, format=ox.RdfFormat.N_TRIPLES)] + [odd]

    def stored():
        return {q.triple for q in empty_store.db.quads_for_pattern(None, None, None, g)}

    empty_store.replace_graph(built.report, [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples])
    via_quads, revision = stored(), empty_store.revision()
    assert len(via_quads) == built.triples + 1 and odd in via_quads
    empty_store.replace_graph_ntriples(built.report, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    assert stored() == via_quads and empty_store.revision() != revision
    empty_store.replace_graph_ntriples(built.report, ox.serialize([odd], format=ox.RdfFormat.N_TRIPLES))
    assert stored() == {odd}


def test_opening_a_store_rebuilds_a_bundled_report_an_older_graph_model_built(tmp_path, monkeypatch):
    import ingest.document
    from ingest.stores import open_store
    path = str(tmp_path / "store")
    store = open_store(path, fill=True)                        # filled with the bundled report on request
    assert store.has_reports()
    rev = store.revision()
    store.close()
    del store
    assert open_store(path).revision() == rev                  # unchanged: not rebuilt
    monkeypatch.setattr(ingest.document, "GRAPH_MODEL", ingest.document.GRAPH_MODEL + 1)
    assert open_store(path).revision() != rev                  # built by an older model: rebuilt


def test_only_the_default_store_receives_the_bundled_report_and_only_once(tmp_path, monkeypatch):
    """A store the user names starts empty; the per-user default store gets the bundled report when it is
    first opened, and once its reports are removed it stays empty (the bundle is first content, not a floor)."""
    from ingest.stores import open_store
    monkeypatch.delenv("REPORTKG_STORE", raising=False)
    named = open_store(str(tmp_path / "mine"))
    assert not named.has_reports()
    named.close()
    monkeypatch.setenv("REPORTKG_STORE", str(tmp_path / "by-env"))
    assert not open_store().has_reports()
    monkeypatch.delenv("REPORTKG_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = open_store()
    reports = [r["report"] for r in default.reports()]
    assert len(reports) == 1
    for r in reports:
        default.drop_graph(r)
    default.close()
    del default
    assert not open_store().has_reports()


def _rk(store, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", "--store", str(store), *args], capture_output=True,
                          text=True, input=stdin, timeout=180)


def test_cli_lists_removes_and_reingests_reports(tmp_path):
    """`reports` lists id, title, publisher, date, pages, figures and status; `remove` takes an id or a file
    name and refuses a name that designates nothing; ingesting the file again brings the report back."""
    import json
    store = tmp_path / "s"
    assert "no reports" in _rk(store, "reports").stdout                       # a named store starts empty
    others = sorted(p for p in ALL_REPORTS if p != SEED)[:2]
    r = _rk(store, "ingest", "--bundled", *map(str, others), "-q")
    assert r.returncode == 0, r.stderr
    lines = _rk(store, "reports").stdout.splitlines()
    assert lines[0].split("\t") == ["id", "title", "publisher", "date", "pages", "figures", "status"]
    seed = next(ln.split("\t") for ln in lines if ln.startswith("cic-global-ai-inference-chips-2026"))
    assert seed[1:] == ["全球 AI 推理芯片行业报告", "CIC 灼识", "2026", "-", "15", "current"]
    listed = json.loads(_rk(store, "reports", "--json").stdout)
    assert listed["total"] == 3 and all(x["status"] == "current" for x in listed["reports"])
    bad = _rk(store, "remove", "no-such-report")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "no-such-report" in bad.stderr
    gone = _rk(store, "remove", others[0].name)                                # by file name
    assert gone.returncode == 0 and others[0].stem in gone.stdout
    assert json.loads(_rk(store, "reports", "--json").stdout)["total"] == 2
    assert _rk(store, "remove", "cic-global-ai-inference-chips-2026").returncode == 0
    ask = json.loads(_rk(store, "ask", "--json", "2024年全球AI推理芯片市场规模是多少？").stdout)
    assert ask["status"] == "not_found"                                         # not re-filled with the bundle
    assert _rk(store, "ingest", str(SEED), "-q").returncode == 0                  # re-ingest: back again
    ask = json.loads(_rk(store, "ask", "--json", "2024年全球AI推理芯片市场规模是多少？").stdout)
    assert ask["status"] == "answered" and "6,067" in ask["answer"]


def test_cli_output_into_a_closed_pipe_is_quiet(tmp_path):
    """`reportkg claims report.md | head -1`: no broken-pipe message, exit 0."""
    r = subprocess.run(f"{sys.executable} -m ui.cli claims {SEED} | head -1", shell=True, capture_output=True,
                       text=True, timeout=120)
    assert r.stdout.count("\n") == 1 and r.stderr == "", r.stderr
