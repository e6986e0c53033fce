"""Question answering latency as the store grows: median and p99 per question, per family.

    python bench/bench_ask.py [--sizes 1,100,1000,10000] [--questions 240]

For each size a fresh process opens the store (built once, see bench/common.py), answers one question
to build the QA lexicon (timed apart: it happens once per store generation, at start-up), then times
every question of a fixed set generated from the corpus' known claims (zh and en, ~10% about the seed)
with ``qa.ask(question, store=store)``. Targets: median <= 2 ms and p99 <= 10 ms at 1 report, median
<= 5 ms at 10,000 reports.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (DEFAULT_SIZES, PY, ROOT, build_store, expected, parse_sizes, proc_rss_mb, save, store_dir,
                          summary_ms, table)  # noqa: E402

TARGETS = {1: {"median_ms": 2.0, "p99_ms": 10.0}, 10000: {"median_ms": 5.0}}


def run_size(size: int, n_questions: int, budget_s: float) -> dict:
    """Time the questions against the store of ``size`` reports, in this process."""
    import os

    from bench.questions import generate
    from kg.store import open_store
    from qa import ask

    questions = generate(expected(size - 1) if size > 1 else [], n_questions)
    t0 = time.perf_counter()
    store = open_store(str(store_dir(size)), read_only=True)
    t1 = time.perf_counter()
    ask(questions[0][1], store=store)                   # builds the lexicon and the parser
    t2 = time.perf_counter()
    rows = []
    deadline = time.perf_counter() + budget_s
    for kind, q in questions:
        a = time.perf_counter()
        ans = ask(q, store=store)
        rows.append((kind, ans.family, ans.status, time.perf_counter() - a))
        if time.perf_counter() > deadline:
            break
    by_family = defaultdict(list)
    for _kind, fam, _st, dt in rows:
        by_family[fam].append(dt)
    rss, hwm = proc_rss_mb(os.getpid())
    return {
        "size": size, "questions": len(rows), "complete": len(rows) == len(questions),
        "open_s": round(t1 - t0, 3), "first_question_s": round(t2 - t1, 3),
        "all": summary_ms([r[3] for r in rows]),
        "by_family": {f: summary_ms(v) for f, v in sorted(by_family.items())},
        "status": dict(Counter(r[2] for r in rows)),
        "expected_family_share": round(sum(r[0] == r[1] or (r[0] in ("forecast", "segment") and r[1] == "lookup")
                                           for r in rows) / len(rows), 3),
        "rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1),
        "slowest": sorted(((round(r[3] * 1000, 1), r[1], q) for r, (_k, q) in zip(rows, questions)), reverse=True)[:5],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="store sizes, e.g. 1,100,1000,10000")
    ap.add_argument("--questions", type=int, default=240, help="questions per size (>= 200)")
    ap.add_argument("--budget", type=float, default=300, help="seconds per size before stopping early")
    ap.add_argument("--_one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._one:
        print(json.dumps(run_size(args._one, args.questions, args.budget), ensure_ascii=False))
        return 0

    results = []
    for size in parse_sizes(args.sizes):
        build_store(size)
        r = subprocess.run([PY, str(Path(__file__).resolve()), "--_one", str(size), "--questions", str(args.questions),
                            "--budget", str(args.budget)], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr[-3000:], file=sys.stderr)
            return 1
        res = json.loads(r.stdout.strip().splitlines()[-1])
        results.append(res)
        print(f"{size:>6} reports: median {res['all']['median_ms']} ms, p99 {res['all']['p99_ms']} ms "
              f"({res['questions']} questions)", file=sys.stderr, flush=True)

    print("\nAll questions (ms)")
    print(table(["reports", "questions", "median", "p99", "max", "first question (s)", "answered/derived/not_found",
                 "RSS MB"],
                [[r["size"], r["questions"], r["all"]["median_ms"], r["all"]["p99_ms"], r["all"]["max_ms"],
                  r["first_question_s"], "/".join(str(r["status"].get(s, 0)) for s in ("answered", "derived", "not_found")),
                  r["rss_mb"]] for r in results]))
    families = sorted({f for r in results for f in r["by_family"]})
    print("\nMedian / p99 per family (ms)")
    print(table(["family"] + [f"{r['size']:,}" for r in results],
                [[f] + [(f"{r['by_family'][f]['median_ms']:.2f} / {r['by_family'][f]['p99_ms']:.1f}"
                         if f in r["by_family"] else None) for r in results] for f in families]))
    verdict = []
    for r in results:
        for k, limit in TARGETS.get(r["size"], {}).items():
            got = r["all"][k]
            verdict.append(f"{r['size']:,} reports {k.replace('_ms', '')} {got} ms (target <= {limit}): "
                           f"{'met' if got <= limit else 'MISSED'}")
    if verdict:
        print("\n" + "\n".join(verdict))
    path = save("ask", {"results": results, "targets": {str(k): v for k, v in TARGETS.items()}})
    print(f"\n-> {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
