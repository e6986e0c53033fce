"""Run every benchmark (``make bench``) and print the figures against the targets of docs/scale.md.

    python bench/run_all.py                       # stores of 1, 100, 1,000 and 10,000 reports
    python bench/run_all.py --quick               # 1, 100 and 1,000: minutes, not the 10,000 build
    python bench/run_all.py --summary             # only the table, from bench/results/*.json

The first full run builds the 10,000-report store (about ten minutes on two cores); later runs reuse
it. Each benchmark runs in its own process and writes bench/results/<name>.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PY, RESULTS, ROOT, table  # noqa: E402


def _load(name: str) -> dict | None:
    p = RESULTS / f"{name}.json"
    return json.loads(p.read_text("utf-8")) if p.exists() else None


def summary() -> list[list]:
    rows = []
    ask = _load("ask")
    if ask:
        by = {r["size"]: r for r in ask["results"]}
        if 1 in by:
            rows.append(["ask median, 1 report", "<= 2 ms", f"{by[1]['all']['median_ms']:.2f} ms", by[1]["all"]["median_ms"] <= 2])
            rows.append(["ask p99, 1 report", "<= 10 ms", f"{by[1]['all']['p99_ms']:.1f} ms", by[1]["all"]["p99_ms"] <= 10])
        big = max(by)
        if big > 1:
            r = by[big]
            rows.append([f"ask median, {big:,} reports", "<= 5 ms (10,000)", f"{r['all']['median_ms']:.2f} ms",
                         r["all"]["median_ms"] <= 5])
            rows.append([f"ask p99, {big:,} reports", "-", f"{r['all']['p99_ms']:.1f} ms", None])
    ing = _load("ingest")
    if ing:
        p = ing["parallel"]
        rows.append([f"ingest, {p['workers']} workers", ">= 20 reports/s/core", f"{p['reports_per_s_per_core']:.1f} reports/s/core "
                     f"({p['reports_per_s']:.1f}/s)", p["reports_per_s_per_core"] >= 20])
        s = ing["serial"]
        rows.append(["ingest, one process", ">= 20 reports/s/core", f"{s['reports_per_s']:.1f} reports/s", s["reports_per_s"] >= 20])
        rows.append(["seed ingest, warm", "well under 1 s", f"{ing['seed_warm']['median_ms']:.0f} ms", ing["seed_warm"]["median_ms"] < 1000])
    sp = _load("sparql")
    if sp and sp.get("http"):
        h = sp["http"]
        rows.append([f"/sparql vs bare oxigraph ({h['size']:,} reports)", ">= 50% throughput",
                     f"{h['throughput_ratio'] * 100:.0f}% ({h['reportkg_sparql']['qps']:.0f} vs {h['bare_oxigraph']['qps']:.0f} q/s)",
                     h["throughput_ratio"] >= 0.5])
    mem = _load("memory")
    if mem:
        big = mem["results"][-1]
        served = (big.get("serve") or {}).get("peak_rss_mb") or big["qa_process"]["peak_rss_mb"]
        rows.append([f"serving RSS, {big['size']:,} reports", "<= 500 MB (10,000)", f"{served:.0f} MB", served <= 500])
    return [[a, b, c, "-" if ok is None else ("met" if ok else "MISSED")] for a, b, c, ok in rows]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,100,1000,10000")
    ap.add_argument("--quick", action="store_true", help="sizes 1,100,1000 and a smaller ingest run")
    ap.add_argument("--summary", action="store_true", help="print the table from existing results only")
    args = ap.parse_args(argv)
    if not args.summary:
        sizes = "1,100,1000" if args.quick else args.sizes
        biggest = sizes.split(",")[-1]
        runs = [
            ["bench/bench_ingest.py", "--reports", "200" if args.quick else "400"],
            ["bench/bench_ask.py", "--sizes", sizes],
            ["bench/bench_sparql.py", "--size", "100", "--http-size", "1000" if args.quick else biggest],
            ["bench/bench_memory.py", "--sizes", sizes],
        ]
        for cmd in runs:
            print(f"\n$ python {' '.join(cmd)}", flush=True)
            t = time.perf_counter()
            r = subprocess.run([PY, *cmd], cwd=ROOT)
            print(f"({time.perf_counter() - t:.0f} s)", flush=True)
            if r.returncode != 0:
                print(f"{cmd[0]} failed with exit code {r.returncode}", file=sys.stderr)
                return r.returncode
    rows = summary()
    print("\nTargets (docs/scale.md)")
    print(table(["measure", "target", "measured", ""], rows))
    (RESULTS / "summary.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8") if RESULTS.exists() else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
