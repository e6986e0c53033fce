"""`reportkg ingest DIR/`: parallel, resumable by content hash, one bad report reported and skipped."""
from __future__ import annotations

import gc
import io
import subprocess
import sys

import pytest

from conftest import ROOT, SEED

sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402
from ingest.bulk import Progress, bulk_ingest  # noqa: E402
from ingest.pipeline import read_claims, report_files  # noqa: E402
from ingest.to_rdf import report_iri, to_quads  # noqa: E402
from kg.store import open_store  # noqa: E402

N = 30


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _graph_sizes(store) -> dict[str, int]:
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]: r["n"] for r in rows}


def _expected_size(path) -> int:
    doc, claims = read_claims(path)
    return len(set(to_quads(doc, claims, path)[1]))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    generate(N, d)
    (d / "expected.jsonl").unlink()
    (d / "zz-broken.md").write_bytes(b"\x00\x01\x02 not a report")
    return d


def test_directory_ingest_reports_the_bad_file_and_stores_the_rest(reports, tmp_path):
    store_dir = tmp_path / "store"
    r = _cli("--store", str(store_dir), "ingest", str(reports), "--workers", "2")
    assert r.returncode == 1
    errors = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(errors) == 1 and "zz-broken.md" in errors[0] and "binary" in errors[0], r.stderr
    assert f"ingested {N} reports" in r.stdout and "0 unchanged, 1 failed" in r.stdout, r.stdout
    store = open_store(str(store_dir))
    files = [p for p in report_files([reports]) if p.name != "zz-broken.md"]
    assert {x["report"] for x in store.reports()} == {report_iri(p) for p in files}
    sizes = _graph_sizes(store)
    for p in files[:5]:
        assert sizes[report_iri(p)] == _expected_size(p)
    del store  # the embedded store is one process's at a time: let the next run open it
    gc.collect()

    # a second run skips every unchanged report, and still reports the bad one
    r = _cli("--store", str(store_dir), "ingest", str(reports))
    assert r.returncode == 1
    assert f"ingested 0 reports (0 triples), {N} unchanged, 1 failed" in r.stdout, r.stdout


def test_changed_report_is_reingested_without_duplicates(reports, tmp_path):
    files = [p for p in report_files([reports]) if p.name != "zz-broken.md"]
    store = open_store(str(tmp_path / "store"))
    res = bulk_ingest(store, files, workers=2, progress=False)
    assert not res.failed and len(res.ingested) == N
    before = _graph_sizes(store)

    changed = tmp_path / "changed"
    changed.mkdir()
    copies = []
    for p in files:
        q = changed / p.name
        q.write_text(p.read_text("utf-8"), encoding="utf-8")
        copies.append(q)
    target = copies[3]
    text = target.read_text("utf-8")
    # drop the last segment line of the first list: the report changes, its graph must shrink accordingly
    lines = text.splitlines()
    drop = next(i for i, ln in enumerate(lines) if ln.startswith(("**", "- ")) and ("亿" in ln or "億" in ln or "billion" in ln or "million" in ln))
    target.write_text("\n".join(lines[:drop] + lines[drop + 1:]) + "\n", encoding="utf-8")

    res = bulk_ingest(store, copies, workers=2, progress=False)
    assert res.ingested == [str(target)] and len(res.unchanged) == N - 1 and not res.failed
    after = _graph_sizes(store)
    rep = report_iri(target)
    assert after[rep] == _expected_size(target) < before[rep]
    assert {g: n for g, n in after.items() if g != rep} == {g: n for g, n in before.items() if g != rep}
    assert store.report_hashes()[rep] == read_claims(target)[0].content_hash

    # force re-ingests everything and changes nothing
    res = bulk_ingest(store, copies, workers=1, force=True, progress=False)
    assert len(res.ingested) == N and _graph_sizes(store) == after


def test_parallel_and_serial_ingest_build_the_same_graph(reports, tmp_path):
    files = [p for p in report_files([reports]) if p.name != "zz-broken.md"][:12]
    dumps = []
    for workers in (1, 2):
        store = open_store(str(tmp_path / f"s{workers}"))
        res = bulk_ingest(store, files, workers=workers, progress=False)
        assert len(res.ingested) == 12 and res.workers == workers
        dumps.append(sorted(store.dump("nq").decode("utf-8").splitlines()))
    assert dumps[0] == dumps[1]


def test_same_file_name_twice_is_refused(reports, tmp_path):
    src = next(p for p in report_files([reports]) if p.name != "zz-broken.md")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / src.name).write_text(src.read_text("utf-8"), encoding="utf-8")
    store = open_store(":memory:")
    err = io.StringIO()
    res = bulk_ingest(store, report_files([tmp_path / "a", tmp_path / "b"]), stream=err, progress=False)
    assert len(res.ingested) == 1 and len(res.failed) == 1
    assert "same report name" in err.getvalue() and err.getvalue().count("\n") == 1


def test_progress_bar_and_messages():
    out = io.StringIO()
    bar = Progress(4, enabled=True, stream=out)
    bar.advance()
    bar.message("reportkg: x.md: the file is empty")
    for _ in range(3):
        bar.advance()
    bar.close()
    text = out.getvalue()
    assert "reportkg: x.md: the file is empty\n" in text
    assert "4/4 100%" in text and text.endswith("\n")
    assert "ingest [" in text and "ETA" in text


def test_a_report_built_by_an_older_graph_model_is_rebuilt_on_resume(tmp_path, monkeypatch):
    """Resuming skips a report whose text is unchanged only if the current graph model built it."""
    import ingest.document
    from ingest.bulk import bulk_ingest
    from kg.store import open_store
    store = open_store(str(tmp_path / "store"))
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / SEED.name).write_text(SEED.read_text("utf-8"), encoding="utf-8")
    files = report_files([folder])
    first = bulk_ingest(store, files, workers=1, quiet=True)
    again = bulk_ingest(store, files, workers=1, quiet=True)
    monkeypatch.setattr(ingest.document, "GRAPH_MODEL", ingest.document.GRAPH_MODEL + 1)
    newer = bulk_ingest(store, files, workers=1, quiet=True)
    assert (len(first.ingested), len(again.ingested), len(again.unchanged), len(newer.ingested)) == (1, 0, 1, 1)


def test_a_large_bulk_load_compacts_the_store_and_loses_nothing(reports, tmp_path, monkeypatch):
    """After many reports in one run the embedded store is compacted (fewer, larger files; faster reads); every
    report's graph is still whole."""
    import ingest.bulk
    monkeypatch.setattr(ingest.bulk, "OPTIMIZE_AFTER", 2)
    store = open_store(str(tmp_path / "store"))
    calls = []
    real = store.optimize
    monkeypatch.setattr(store, "optimize", lambda: (calls.append(1), real())[1])
    files = [p for p in report_files([reports]) if p.name != "zz-broken.md"]
    res = bulk_ingest(store, files, workers=1, progress=False)
    assert len(res.ingested) == len(files) and calls == [1]
    sizes = _graph_sizes(store)
    for p in files[:5]:
        assert sizes[report_iri(p)] == _expected_size(p)
