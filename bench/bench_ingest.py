"""Ingest speed: the seed report cold (a fresh process) and warm, then reports/second over the corpus.

    python bench/bench_ingest.py [--reports 400] [--workers 0]

Cold: ``reportkg ingest seed.md`` in a new process (wall time, imports included) and the first
``ingest_file`` in a new process. Warm: ``ingest_file`` of the seed again and again in one process.
Throughput: bulk ingest of the first N corpus reports into a fresh store, in one process (one core) and
with a worker per core; per-stage costs (parse + extract, RDF, SHACL, store write) on a sample, so a
miss of the 20 reports/s/core target says where the time goes.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PY, ROOT, SEED, TreeRSS, _cores, corpus_files, save, summary_ms, table  # noqa: E402

TARGET_PER_CORE = 20.0

_COLD = """
import json, sys, time
t0 = time.perf_counter()
from kg.store import open_store
from ingest.pipeline import ingest_file
t1 = time.perf_counter()
store = open_store(sys.argv[1])
t2 = time.perf_counter()
r = ingest_file(store, sys.argv[2])
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "first_ingest_s": t3 - t2, "triples": r.triples}))
"""


def cold(runs: int = 3) -> dict:
    cli, first = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            r = subprocess.run([PY, "-m", "ui.cli", "--store", str(Path(d) / "s"), "ingest", str(SEED)], cwd=ROOT,
                               capture_output=True, text=True)
            cli.append(time.perf_counter() - t)
            assert r.returncode == 0, r.stderr
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([PY, "-c", _COLD, str(Path(d) / "s"), str(SEED)], cwd=ROOT, capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            first.append(json.loads(r.stdout))
    return {"cli_wall_s": round(statistics.median(cli), 3),
            "import_s": round(statistics.median(x["import_s"] for x in first), 3),
            "first_ingest_s": round(statistics.median(x["first_ingest_s"] for x in first), 3)}


def warm(repeats: int = 20) -> dict:
    from ingest.pipeline import ingest_file
    from kg.store import open_store
    with tempfile.TemporaryDirectory() as d:
        store = open_store(str(Path(d) / "s"))
        ingest_file(store, SEED)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            ingest_file(store, SEED)
            times.append(time.perf_counter() - t)
        del store
    return summary_ms(times)


def stages(files: list[Path]) -> dict:
    """Per-report cost of each ingest stage, in this process, on ``files``: the steps of
    ``ingest.pipeline.build_report`` and the store write, plus pySHACL on the same graphs for comparison."""
    import pyoxigraph as ox
    from ingest.pipeline import read_claims
    from ingest.to_rdf import to_quads
    from kg.store import open_store
    from kg.validate import default_engine, validate_ntriples
    engine = default_engine()
    nt = ox.serialize([q.triple for q in to_quads(*read_claims(files[0]), files[0])[1]], format=ox.RdfFormat.N_TRIPLES)
    validate_ntriples(nt)
    validate_ntriples(nt, "pyshacl")
    t = {"parse_extract": 0.0, "to_rdf": 0.0, f"shacl_{engine}": 0.0, "store_write": 0.0}
    pyshacl = 0.0
    quads_n = 0
    with tempfile.TemporaryDirectory() as d:
        store = open_store(str(Path(d) / "s"))
        for f in files:
            a = time.perf_counter()
            doc, claims = read_claims(f)
            b = time.perf_counter()
            rep, quads = to_quads(doc, claims, f)
            nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
            c = time.perf_counter()
            assert validate_ntriples(nt)[0]
            dd = time.perf_counter()
            store.replace_graph_ntriples(rep, nt)
            e = time.perf_counter()
            if engine != "pyshacl":
                validate_ntriples(nt, "pyshacl")
                pyshacl += time.perf_counter() - e
            t["parse_extract"] += b - a
            t["to_rdf"] += c - b
            t[f"shacl_{engine}"] += dd - c
            t["store_write"] += e - dd
            quads_n += len(quads)
        del store
    n = len(files)
    out = {k: round(v / n * 1000, 2) for k, v in t.items()}
    out["total"] = round(sum(t.values()) / n * 1000, 2)
    out["quads_per_report"] = round(quads_n / n)
    if engine != "pyshacl":
        out["shacl_pyshacl (not used)"] = round(pyshacl / n * 1000, 2)
    return out


def throughput(files: list[Path], workers: int) -> dict:
    from ingest.bulk import bulk_ingest
    from kg.store import open_store
    with tempfile.TemporaryDirectory() as d:
        store = open_store(str(Path(d) / "s"))
        with TreeRSS() as mem:
            c0 = time.process_time()
            res = bulk_ingest(store, files, workers=workers, progress=False)
            parent_cpu = time.process_time() - c0
        del store
    assert not res.failed, res.failed[:3]
    rate = len(res.ingested) / res.seconds
    cores_used = min(res.workers, _cores()) if res.workers > 1 else 1
    n = len(res.ingested)
    # CPU per report, all processes: what the machine's other load does not change (much)
    cpu = parent_cpu + (res.prepare_cpu_seconds if res.workers > 1 else 0.0)
    return {"workers": res.workers, "reports": n, "seconds": round(res.seconds, 2),
            "reports_per_s": round(rate, 2), "reports_per_s_per_core": round(rate / cores_used, 2),
            "prepare_ms_per_report": round(res.prepare_seconds / n * 1000, 1),
            "write_ms_per_report": round(res.write_seconds / n * 1000, 1),
            "cpu_ms_per_report": round(cpu / n * 1000, 1),
            "peak_rss_mb_total": round(mem.peak_total, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=400, help="corpus reports for the throughput runs")
    ap.add_argument("--workers", type=int, default=0, help="workers for the parallel run (0: one per core)")
    ap.add_argument("--stage-sample", type=int, default=60)
    args = ap.parse_args(argv)

    files = corpus_files(args.reports)
    c = cold()
    w = warm()
    s = stages(files[: args.stage_sample])
    serial = throughput(files, 1)
    parallel = throughput(files, args.workers or _cores())
    print("Seed report")
    print(table(["", "seconds"], [["reportkg ingest (new process, wall)", c["cli_wall_s"]],
                                  ["imports (kg + ingest)", c["import_s"]],
                                  ["first ingest_file in a new process", c["first_ingest_s"]],
                                  ["warm ingest_file, median", w["median_ms"] / 1000],
                                  ["warm ingest_file, p99", w["p99_ms"] / 1000]]))
    print(f"\nPer report, by stage (ms, mean over {len(files[:args.stage_sample])} corpus reports)")
    print(table(list(s), [list(s.values())]))
    print(f"\nBulk ingest of {args.reports} corpus reports (target {TARGET_PER_CORE:.0f} reports/s per core)")
    print(table(["workers", "seconds", "reports/s", "reports/s/core", "prepare ms (worker, wall)", "write ms (parent)",
                 "CPU ms (all processes)", "peak RSS MB (all processes)"],
                [[r["workers"], r["seconds"], r["reports_per_s"], r["reports_per_s_per_core"], r["prepare_ms_per_report"],
                  r["write_ms_per_report"], r["cpu_ms_per_report"], r["peak_rss_mb_total"]] for r in (serial, parallel)]))
    print(f"load average (1 min) {os.getloadavg()[0]:.2f} on {_cores()} cores: other processes share them")
    path = save("ingest", {"seed_cold": c, "seed_warm": w, "stages_ms": s, "serial": serial, "parallel": parallel,
                           "target_reports_per_s_per_core": TARGET_PER_CORE})
    print(f"\n-> {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
