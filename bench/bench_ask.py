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


WARM_UP = "2024年全球AI推理芯片市场规模是多少？"      # the seed is in every store: builds the lexicon and parser


def run_questions(size: int, n_questions: int, first: int, skip: set[str], timeout: float, log: str) -> None:
    """In a child process: answer questions ``first``.. (kinds in ``skip`` left out), one JSON line each
    to ``log``. A question taking over ``timeout`` seconds is logged as timed out and the process exits
    with status 3 (Python cannot interrupt a running query); the parent starts a new one after it."""
    import os
    import threading

    from bench.questions import generate
    from kg.store import open_store
    from qa import ask

    questions = generate(expected(size - 1) if size > 1 else [], n_questions)
    out = open(log, "a", encoding="utf-8")
    t0 = time.perf_counter()
    store = open_store(str(store_dir(size)), read_only=True)
    t1 = time.perf_counter()
    ask(WARM_UP, store=store)
    t2 = time.perf_counter()
    out.write(json.dumps({"open_s": t1 - t0, "first_question_s": t2 - t1}) + "\n")
    out.flush()
    current = {"i": None, "since": 0.0}

    def watchdog() -> None:
        while True:
            time.sleep(0.2)
            i = current["i"]
            if i is not None and time.perf_counter() - current["since"] > timeout:
                kind, q = questions[i]
                out.write(json.dumps({"i": i, "kind": kind, "family": kind, "status": "timeout", "s": timeout,
                                      "q": q}, ensure_ascii=False) + "\n")
                out.flush()
                os._exit(3)

    threading.Thread(target=watchdog, daemon=True).start()
    for i in range(first, len(questions)):
        kind, q = questions[i]
        if kind in skip:
            continue
        current["since"] = time.perf_counter()
        current["i"] = i
        ans = ask(q, store=store)
        dt = time.perf_counter() - current["since"]
        current["i"] = None
        out.write(json.dumps({"i": i, "kind": kind, "family": ans.family, "status": ans.status, "s": dt, "q": q},
                             ensure_ascii=False) + "\n")
        out.flush()
    rss, hwm = proc_rss_mb(os.getpid())
    out.write(json.dumps({"rss_mb": rss, "peak_rss_mb": hwm}) + "\n")
    out.close()


def run_size(size: int, n_questions: int, budget_s: float, timeout: float) -> dict:
    """Time the questions against the store of ``size`` reports in child processes; a kind of question
    that once takes longer than ``timeout`` is reported as timed out and not asked again."""
    import tempfile
    log = tempfile.NamedTemporaryFile(prefix="bench-ask-", suffix=".jsonl", delete=False).name
    first, skip, meta = 0, set(), {}
    deadline = time.monotonic() + budget_s
    rows: list[dict] = []
    while True:
        before = len(rows)
        r = subprocess.run([PY, str(Path(__file__).resolve()), "--_one", str(size), "--questions", str(n_questions),
                            "--_first", str(first), "--_skip", ",".join(sorted(skip)) or "-",
                            "--timeout", str(timeout), "--_log", log],
                           cwd=ROOT, capture_output=True, text=True, timeout=budget_s + timeout + 900)
        rows, meta = [], {}
        with open(log, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if "i" in d:
                    rows.append(d)
                else:
                    meta.setdefault("runs", []).append(d) if "open_s" in d else meta.update(d)
        if r.returncode == 3 and rows and rows[-1]["status"] == "timeout" and time.monotonic() < deadline:
            skip.add(rows[-1]["kind"])
            first = rows[-1]["i"] + 1
            continue
        if r.returncode not in (0, 3):
            raise SystemExit(f"bench_ask child failed:\n{r.stderr[-3000:]}")
        if len(rows) == before:
            break
        break
    Path(log).unlink(missing_ok=True)
    runs = meta.get("runs", [{}])
    by_family = defaultdict(list)
    for d in rows:
        by_family[d["family"] or "unknown"].append(d["s"])
    return {
        "size": size, "questions": len(rows), "timeout_s": timeout,
        "timed_out": sorted({d["kind"] for d in rows if d["status"] == "timeout"}),
        "open_s": round(runs[0].get("open_s", 0), 3), "first_question_s": round(runs[0].get("first_question_s", 0), 3),
        "all": summary_ms([d["s"] for d in rows]),
        "by_family": {f: summary_ms(v) for f, v in sorted(by_family.items())},
        "status": dict(Counter(d["status"] for d in rows)),
        "expected_family_share": round(sum(d["kind"] == d["family"] or (d["kind"] in ("forecast", "segment") and
                                                                      d["family"] == "lookup") for d in rows)
                                       / max(1, len(rows)), 3),
        "rss_mb": round(meta.get("rss_mb", 0), 1), "peak_rss_mb": round(meta.get("peak_rss_mb", 0), 1),
        "slowest": sorted(((round(d["s"] * 1000, 1), d["family"], d["q"]) for d in rows), reverse=True)[:5],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="store sizes, e.g. 1,100,1000,10000")
    ap.add_argument("--questions", type=int, default=240, help="questions per size (>= 200)")
    ap.add_argument("--budget", type=float, default=900, help="seconds per size before giving up on restarts")
    ap.add_argument("--timeout", type=float, default=30, help="seconds after which one question counts as timed out "
                                                              "(its kind is then left out at that size)")
    ap.add_argument("--_one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--_first", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--_skip", default="-", help=argparse.SUPPRESS)
    ap.add_argument("--_log", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._one:
        run_questions(args._one, args.questions, args._first, set(args._skip.split(",")) - {"-"}, args.timeout,
                      args._log)
        return 0

    results = []
    for size in parse_sizes(args.sizes):
        build_store(size)
        res = run_size(size, args.questions, args.budget, args.timeout)
        results.append(res)
        print(f"{size:>6} reports: median {res['all']['median_ms']} ms, p99 {res['all']['p99_ms']} ms "
              f"({res['questions']} questions)", file=sys.stderr, flush=True)

    print("\nAll questions (ms)")
    print(table(["reports", "questions", "median", "p99", "max", "first question (s)", "answered/derived/not_found",
                 "RSS MB", "timed out (kinds)"],
                [[r["size"], r["questions"], r["all"]["median_ms"], r["all"]["p99_ms"], r["all"]["max_ms"],
                  r["first_question_s"], "/".join(str(r["status"].get(s, 0)) for s in ("answered", "derived", "not_found")),
                  r["rss_mb"], ", ".join(r["timed_out"]) or None] for r in results]))
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
