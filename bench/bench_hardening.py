"""Bounded ingest (#12): 5 MB reports of every shape an attacker (or a bad PDF export) gives, through the
worker process the server ingests uploads with. Each must ingest within 60 s and 1.5 GB peak, or be refused
at once.

    python bench/bench_hardening.py [--mb 4.9] [--json out.json]

Prints, per shape: outcome (claims, or the one-line refusal), seconds, and the child's peak RSS.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "data" / "reports" / "cic-global-ai-inference-chips-2026.md"
EN = ROOT / "tests" / "fixtures" / "reports" / "en-optical-interconnect.md"


def shapes(size: int) -> dict[str, str]:
    seed, en = SEED.read_text(encoding="utf-8"), EN.read_text(encoding="utf-8")
    rnd = random.Random(1)

    def fill(unit) -> str:
        out, n = [], 0
        while n < size:
            u = unit(len(out))
            out.append(u)
            n += len(u.encode())
        return "".join(out)

    words = ["market", "the", "2024", "growth", "segment", "China", "of", "demand", "revenue", "players", "and"]
    return {
        "seed repeated (report-like)": fill(lambda i: seed + "\n\n"),
        "English prose": en + fill(lambda i: " ".join(rnd.choice(words) for _ in range(14)) + ".\n"),
        "blank lines": seed + "x\n" + "\n" * size,
        "headings": seed + fill(lambda i: f"## {i}. 标题{i}\n"),
        "one long word": en + "a" * size,
        "punctuation run": en + "The market " + "%" * size,
        "table rows": seed + "\n| 地区 | 2023 | 2024 |\n|---|---|---|\n" + fill(lambda i: f"| 中国{i} | {i % 999} | {i % 777} |\n"),
        "nested quotes": seed + fill(lambda i: "> " * (i % 200) + "x\n"),
        "figures everywhere": seed + fill(lambda i: f"{2000 + i % 40}年全球市场规模为{rnd.randint(1, 9999)}亿元。\n\n"),
    }


def one(name: str, mb: float) -> dict:
    """One shape in this process: its only child is the ingest worker, so RUSAGE_CHILDREN is its peak."""
    from ingest.errors import IngestError
    from ingest.worker import WorkerLimits, build_isolated
    text = shapes(int(mb * 1_000_000))[name]
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "report.md"
        p.write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        try:
            b = build_isolated(p, limits=WorkerLimits(seconds=120, memory_mb=1536))
            outcome = f"ingested: {b.claims:,} claims, {b.triples:,} triples"
        except IngestError as e:
            outcome = "refused: " + e.detail
        secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"shape": name, "bytes": len(text.encode()), "outcome": outcome, "seconds": round(secs, 1),
            "peak_mb": round(peak)}


def main(argv: list[str] | None = None) -> int:
    import subprocess
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=4.9)
    ap.add_argument("--json")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.mb), ensure_ascii=False))
        return 0
    rows = []
    for name in shapes(1):
        out = subprocess.run([sys.executable, __file__, "--one", name, "--mb", str(args.mb)], capture_output=True,
                             text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        rows.append(r)
        print(f"{name:28} {r['bytes'] / 1e6:4.1f} MB {r['seconds']:6.1f} s {r['peak_mb']:6,} MB  {r['outcome'][:110]}",
              flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    ok = all(r["seconds"] <= 60 and r["peak_mb"] <= 1536 for r in rows)
    print("targets (ingested or refused within 60 s and 1.5 GB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
