"""Shared by the benchmarks: the corpus and stores they run on, timing helpers, tables and JSON results.

Stores of 1, 100, 1,000 and 10,000 reports are built once (bulk ingest, in a subprocess that records
its time and peak memory) under ``bench/.stores/`` (or ``$REPORTKG_BENCH_DIR``) and reused. A store of
N reports holds the seed report and the first N - 1 reports of the synthetic corpus (bench/corpus.py).

    python -m bench.common build 1000      # build (or reuse) the 1,000-report store, print its stats
"""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
WORK = Path(os.environ.get("REPORTKG_BENCH_DIR") or ROOT / "bench" / ".stores")
SEED = ROOT / "data" / "reports" / "cic-global-ai-inference-chips-2026.md"
PY = sys.executable
DEFAULT_SIZES = (1, 100, 1000, 10000)


# --------------------------------------------------------------------------- numbers and tables

def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of xs."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def summary_ms(seconds: list[float]) -> dict:
    ms = [x * 1000 for x in seconds]
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 3) if ms else None,
            "p99_ms": round(pct(ms, 99), 3) if ms else None, "max_ms": round(max(ms), 3) if ms else None}


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[_cell(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])


def _cell(c) -> str:
    if c is None:
        return "-"
    if isinstance(c, float):
        return f"{c:,.2f}" if abs(c) < 100 else f"{c:,.0f}"
    if isinstance(c, int):
        return f"{c:,}"
    return str(c)


def machine() -> dict:
    import pyoxigraph
    return {"python": platform.python_version(), "cores": _cores(), "pyoxigraph": pyoxigraph.__version__,
            "platform": platform.platform(), "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            "load_average_1m": round(os.getloadavg()[0], 2)}


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def proc_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a running process, in MB, from /proc."""
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                vals[k] = int(v.split()[0]) / 1024
    return vals.get("VmRSS", 0.0), vals.get("VmHWM", 0.0)


class TreeRSS:
    """Samples the resident memory of a process and all its descendants (workers of a pool started by a
    forkserver are not our children, so getrusage cannot see them) every ``interval`` seconds."""

    def __init__(self, pid: int | None = None, interval: float = 0.2):
        import threading
        self.pid = pid or os.getpid()
        self.interval = interval
        self.peak_total = 0.0          # MB, the whole tree at its largest
        self.peak_each: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        kids: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                kids.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(kids.get(p, []))
        return out

    def _run(self) -> None:
        while True:
            total = 0.0
            for p in self._tree():
                try:
                    rss, hwm = proc_rss_mb(p)
                except OSError:
                    continue
                total += rss
                self.peak_each[p] = max(self.peak_each.get(p, 0.0), hwm)
            self.peak_total = max(self.peak_total, total)
            if self._stop.wait(self.interval):
                return

    def peak_children(self) -> float:
        return max((v for p, v in self.peak_each.items() if p != self.pid), default=0.0)


# --------------------------------------------------------------------------- corpus and stores

_CORPUS: dict[int, list[dict]] = {}


def expected(n: int) -> list[dict]:
    """The known claims of the first n corpus reports; writes the reports (once per process) if needed."""
    if n not in _CORPUS:
        from bench.corpus import generate
        _CORPUS[n] = generate(n, WORK / "corpus") if n else []
    return _CORPUS[n]


def corpus_files(n: int) -> list[Path]:
    return [WORK / "corpus" / r["file"] for r in expected(n)]


# what decides the graph a report becomes: the extractor, the RDF mapping and the vocabulary
MODEL_FILES = sorted((ROOT / "ingest").glob("*.py")) + [ROOT / "kg" / n for n in (
    "namespaces.py", "lexicon.py", "vocab.ttl", "ontology.ttl", "shapes.ttl")]


def fingerprint(size: int) -> str:
    """Identifies what a store of ``size`` reports holds: the corpus (its generator may change) and the code
    that turns a report into its graph, so a store built by older code is rebuilt."""
    import hashlib
    h = hashlib.sha256(SEED.read_bytes())
    for f in MODEL_FILES:
        h.update(f.read_bytes())
    for r in expected(max(0, size - 1)):
        h.update(json.dumps(r, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def store_files(size: int) -> list[Path]:
    return [SEED] + (corpus_files(size - 1) if size > 1 else [])


def store_dir(size: int) -> Path:
    return WORK / f"store-{size}"


def build_store(size: int, workers: int = 0, quiet: bool = False) -> dict:
    """The store of ``size`` reports, built once in a subprocess; returns its build stats."""
    d = store_dir(size)
    stats_file = d.parent / f"store-{size}.json"
    fp = fingerprint(size)
    if stats_file.exists() and d.exists():
        stats = json.loads(stats_file.read_text())
        if stats.get("fingerprint") == fp:
            return stats
    if d.exists():
        shutil.rmtree(d)
    if not quiet:
        print(f"building the {size:,}-report store in {d} ...", file=sys.stderr, flush=True)
    r = subprocess.run([PY, "-m", "bench.common", "_build", str(size), str(workers)], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=None if not quiet else subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"building the {size}-report store failed:\n{(r.stderr or '')[-2000:]}")
    stats = json.loads(r.stdout.strip().splitlines()[-1])
    stats["fingerprint"] = fp
    stats_file.write_text(json.dumps(stats, indent=1))
    return stats


def _build(size: int, workers: int) -> None:
    t0 = time.perf_counter()
    from ingest.bulk import bulk_ingest
    from kg.store import open_store
    store = open_store(str(store_dir(size)))
    files = store_files(size)
    with TreeRSS() as mem:
        res = bulk_ingest(store, files, workers=workers, progress=sys.stderr.isatty())
    if res.failed:
        for p, msg in res.failed[:10]:
            print(msg, file=sys.stderr)
    store.flush()
    print(json.dumps({
        "size": size, "ingested": len(res.ingested), "failed": len(res.failed), "triples": res.triples,
        "seconds": round(time.perf_counter() - t0, 2), "ingest_seconds": round(res.seconds, 2),
        "reports_per_second": round(len(res.ingested) / res.seconds, 2) if res.seconds else None,
        "workers": res.workers, "prepare_ms_per_report": round(res.prepare_seconds / max(1, len(res.ingested)) * 1000, 2),
        "write_ms_per_report": round(res.write_seconds / max(1, len(res.ingested)) * 1000, 2),
        "peak_rss_mb_parent": round(peak_rss_mb(), 1),
        "peak_rss_mb_worker": round(mem.peak_children(), 1),
        "peak_rss_mb_total": round(mem.peak_total, 1),
        "store_mb": round(sum(f.stat().st_size for f in store_dir(size).rglob("*") if f.is_file()) / 2**20, 1),
    }))


def parse_sizes(text: str) -> list[int]:
    return [int(x.replace("_", "").replace(",", "")) for x in text.split(",") if x.strip()]


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "_build":
        _build(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    elif len(sys.argv) >= 3 and sys.argv[1] == "build":
        print(json.dumps(build_store(int(sys.argv[2])), indent=1))
    else:
        print(__doc__)
