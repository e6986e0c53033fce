"""Peak memory (RSS) of ingesting and of serving, at each store size.

    python bench/bench_memory.py [--sizes 1,100,1000,10000] [--questions 100]

Ingest: the peak RSS of the bulk-ingest parent, of one worker and of the whole process tree while the
store of that size was built (bench/common.py records them at build time, sampling /proc). Serving:
(a) a process that opens the store and answers questions with ``qa.ask`` (what every front end does);
(b) when ``ui/server.py`` exists, ``reportkg serve`` itself after answering questions on ``POST /api/ask``
and the SPARQL mix on ``/sparql``: its current and peak RSS (process tree). Target: the serving
process stays <= 500 MB at 10,000 reports.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (DEFAULT_SIZES, PY, ROOT, TreeRSS, build_store, expected, parse_sizes, proc_rss_mb, save,
                          store_dir, table)  # noqa: E402

TARGET_SERVE_MB = 500
START_TIMEOUT = 120


def qa_process(size: int, n: int) -> dict:
    from bench.questions import generate
    from kg.store import open_store
    from qa import ask
    before = proc_rss_mb(os.getpid())[0]
    store = open_store(str(store_dir(size)), read_only=True)
    for _kind, q in generate(expected(size - 1) if size > 1 else [], n):
        ask(q, store=store)
    rss, hwm = proc_rss_mb(os.getpid())
    return {"rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1), "after_imports_mb": round(before, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_process(size: int, n: int) -> dict | None:
    if not (ROOT / "ui" / "server.py").exists():
        return None
    import httpx

    from bench.bench_sparql import MIX, _prefixes
    from bench.questions import generate
    port = _free_port()
    # read-only: the benchmark stores are shared and must not be written by a server under test
    proc = subprocess.Popen([PY, "-m", "ui.cli", "--store", str(store_dir(size)), "serve", "--read-only", "--host",
                             "127.0.0.1", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with TreeRSS(proc.pid) as mem, httpx.Client(timeout=120) as c:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"reportkg serve exited with {proc.returncode}")
                try:
                    if c.get(base + "/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    return {"error": f"did not answer /health within {START_TIMEOUT} s", "rss_mb": None,
                            "peak_rss_mb": round(proc_rss_mb(proc.pid)[1], 1), "tree_peak_mb": round(mem.peak_total, 1)}
                time.sleep(0.3)
            started = proc_rss_mb(proc.pid)[0]
            for _kind, q in generate(expected(size - 1) if size > 1 else [], n):
                c.post(base + "/api/ask", json={"question": q})
            for q in MIX.values():
                c.post(base + "/sparql", content=(_prefixes() + q).encode(),
                       headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
            rss, hwm = proc_rss_mb(proc.pid)
            time.sleep(0.5)
        return {"started_mb": round(started, 1), "rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1),
                "tree_peak_mb": round(mem.peak_total, 1)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--_qa", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._qa:
        print(json.dumps(qa_process(args._qa, args.questions)))
        return 0
    rows = []
    for size in parse_sizes(args.sizes):
        stats = build_store(size)
        r = subprocess.run([PY, str(Path(__file__).resolve()), "--_qa", str(size), "--questions", str(args.questions)],
                           cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr[-2000:], file=sys.stderr)
            return 1
        qa = json.loads(r.stdout.strip().splitlines()[-1])
        srv = serve_process(size, min(args.questions, 60))
        rows.append({"size": size, "ingest": {k: stats.get(k) for k in ("peak_rss_mb_parent", "peak_rss_mb_worker",
                                                                        "peak_rss_mb_total", "workers")},
                     "store_mb": stats.get("store_mb"), "qa_process": qa, "serve": srv})
        print(f"{size:>6} reports: qa process {qa['peak_rss_mb']} MB" +
              (f", reportkg serve {srv['peak_rss_mb']} MB {srv.get('error', '')}" if srv else ""), file=sys.stderr,
              flush=True)
    print(table(["reports", "store MB", "ingest parent MB", "ingest worker MB", "ingest all MB", "qa process MB (peak)",
                 "reportkg serve MB (peak)"],
                [[r["size"], r["store_mb"], r["ingest"]["peak_rss_mb_parent"], r["ingest"]["peak_rss_mb_worker"],
                  r["ingest"]["peak_rss_mb_total"], r["qa_process"]["peak_rss_mb"],
                  (f"{r['serve']['peak_rss_mb']} (not up: {r['serve']['error']})" if r["serve"] and r["serve"].get("error")
                   else r["serve"]["peak_rss_mb"] if r["serve"] else None)] for r in rows]))
    big = rows[-1]
    served = big["qa_process"]["peak_rss_mb"] if not big["serve"] or big["serve"].get("error") else \
        big["serve"]["peak_rss_mb"]
    print(f"\nserving process at {big['size']:,} reports: {served} MB (target <= {TARGET_SERVE_MB} MB at 10,000): "
          f"{'met' if served <= TARGET_SERVE_MB else 'MISSED'}")
    path = save("memory", {"results": rows, "target_serve_mb": TARGET_SERVE_MB})
    print(f"\n-> {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
