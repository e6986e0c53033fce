"""Ingest many reports: parallel over cores, resumable, and one bad report never stops the rest.

    from ingest.bulk import ingest_many
    exit_code = ingest_many(store, report_files(["reports/"]), workers=0)

The parent reads each file and compares its content hash with the ``rk:contentHash`` stored for its
report IRI: an unchanged report is skipped, so an interrupted run picks up where it stopped. Changed and
new reports go to worker processes, which parse, extract, build the report's graph as N-Triples and
validate those against the SHACL shapes (the CPU-heavy part); the parent writes the same bytes into the
store, each report in its own transaction (``Store.replace_graph_ntriples``: the old graph is never half
replaced). A report that cannot be ingested gets one line on stderr and is skipped; the run ends with a
summary line and exits non-zero if any report failed.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from kg.store import Store, StoreError

from .document import content_hash, read_source
from .errors import IngestError
from .to_rdf import report_iri

OPTIMIZE_AFTER = 500      # reports written in one bulk ingest after which the embedded store is compacted
PARALLEL_MIN = 8          # fewer changed reports than this: do them in this process (no pool start-up)
FLUSH_EVERY = 100         # reports between flushes of the embedded store's write buffers: without them
                          # RocksDB memtables grow the parent to ~1 GB before flushing on their own
STORE_ERRORS_MAX = 3      # consecutive store failures: the store, not a report, is the problem; stop


@dataclass
class Prepared:
    """What a worker hands back for one report."""
    path: str
    report: str
    ntriples: bytes | None = None   # the report's graph, N-Triples (validated; written as they are)
    claims: int = 0
    figures: int = 0
    triples: int = 0
    error: str | None = None        # one line, naming the file (and line)
    seconds: float = 0.0
    cpu_seconds: float = 0.0        # of the process that prepared it


@dataclass
class BulkResult:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)    # (path, one-line message)
    triples: int = 0
    seconds: float = 0.0
    workers: int = 1
    prepare_seconds: float = 0.0    # summed over reports, in workers
    prepare_cpu_seconds: float = 0.0
    write_seconds: float = 0.0      # in this process
    interrupted: int = 0            # exit status when stopped by Ctrl-C (130) or SIGTERM (143)

    @property
    def exit_code(self) -> int:
        return self.interrupted or (1 if self.failed else 0)

    def summary(self) -> str:
        rate = len(self.ingested) / self.seconds if self.seconds > 0 else 0.0
        parts = [f"ingested {len(self.ingested)} report{'s' if len(self.ingested) != 1 else ''} ({self.triples:,} triples)",
                 f"{len(self.unchanged)} unchanged", f"{len(self.failed)} failed"]
        return (", ".join(parts) + f" in {self.seconds:.1f} s ({rate:.1f} reports/s, "
                f"{self.workers} worker{'s' if self.workers != 1 else ''})" +
                ("; interrupted: run the same command again to resume" if self.interrupted else ""))


# --------------------------------------------------------------------------- worker side

def prepare(path: str, validate: bool = True) -> Prepared:
    """Read, parse, extract, build and validate one report's graph (runs in a worker process)."""
    from .pipeline import build_report

    t0, c0 = time.perf_counter(), time.process_time()
    out = Prepared(path, report_iri(path))
    try:
        b = build_report(path, validate=validate)
        out.report, out.ntriples, out.claims, out.figures, out.triples = b.report, b.ntriples, b.claims, b.figures, b.triples
    except IngestError as e:
        out.error = str(e)
    except Exception as e:  # noqa: BLE001 -- a bug on one report must not stop a 10,000-report run
        out.error = f"{path}: internal error while ingesting ({type(e).__name__}: {e}); please report it"
    out.seconds, out.cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    return out


def _worker_init(owner: int) -> None:
    """Pool initializer: exit when the ingesting process is gone (killed: nothing else would end an idle
    worker), and build the spaCy annotators and the SHACL shapes once per worker, not on its first report."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, daemon=True, name="reportkg-owner-watch").start()
    from .extract import build_annotator
    build_annotator("zh")
    build_annotator("en")
    from kg.validate import warm
    warm()


# --------------------------------------------------------------------------- progress

class Progress:
    """A one-line progress bar on stderr (redrawn in place; messages are printed above it)."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None, width: int = 28):
        self.total, self.enabled, self.width = total, enabled, width
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0
        self._drawn = False

    def advance(self, n: int = 1, failed: bool = False) -> None:
        self.done += n
        self.failed += failed
        now = time.perf_counter()
        if self.enabled and (now - self._last >= 0.1 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def message(self, line: str) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\033[K")
        self.stream.write(line + "\n")
        if self.enabled and self._drawn:
            self._draw(time.perf_counter())
        self.stream.flush()

    def _draw(self, now: float) -> None:
        frac = self.done / self.total if self.total else 1.0
        fill = int(frac * self.width)
        rate = self.done / (now - self.t0) if now > self.t0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        bad = f"  {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r\033[Kingest [{'#' * fill}{'.' * (self.width - fill)}] {self.done}/{self.total} "
                          f"{frac:4.0%}  {rate:.1f}/s  ETA {_duration(eta)}{bad}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def _duration(s: float) -> str:
    s = int(s + 0.5)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


# --------------------------------------------------------------------------- parent side

def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def bulk_ingest(store: Store, files: Iterable[str | Path], *, workers: int = 0, validate: bool = True,
                force: bool = False, progress: bool | None = None, quiet: bool = False,
                stream: TextIO | None = None) -> BulkResult:
    """Ingest ``files`` into ``store``; see the module docstring. ``workers=0`` uses every core;
    ``force`` re-ingests unchanged reports; ``progress=None`` draws the bar when stderr is a terminal."""
    t0 = time.perf_counter()
    err = stream or sys.stderr
    res = BulkResult()
    paths = [str(p) for p in files]
    bar = Progress(len(paths), enabled=(err.isatty() if progress is None else progress) and not quiet, stream=err)
    if getattr(store, "read_only", False):
        msg = f"the store at {store.location} is in use by another process (a running server?); stop it or ingest through it"
        bar.message(f"reportkg: {msg}")
        res.failed = [(p, msg) for p in paths]
        return res

    known = {} if force else store.report_hashes()
    todo: list[str] = []
    owner: dict[str, str] = {}
    for p in paths:
        rep = report_iri(p)
        if rep in owner:
            _fail(res, bar, p, f"{p}: same report name as {owner[rep]} (a report is identified by its file name); "
                               f"rename one of them")
            continue
        owner[rep] = p
        try:
            text, _ = read_source(p)
        except IngestError as e:
            _fail(res, bar, p, str(e))
            continue
        if known.get(rep) == content_hash(text):
            res.unchanged.append(p)
            bar.advance()
        else:
            todo.append(p)

    n = min(workers or default_workers(), len(todo))
    res.workers = max(1, n) if len(todo) >= PARALLEL_MIN else 1
    store_errors = 0
    flush = getattr(store, "flush", None)
    try:
        for prep in _prepared(todo, res.workers, validate):
            res.prepare_seconds += prep.seconds
            res.prepare_cpu_seconds += prep.cpu_seconds
            if prep.error:
                _fail(res, bar, prep.path, prep.error)
                continue
            w0 = time.perf_counter()
            try:
                store.replace_graph_ntriples(prep.report, prep.ntriples)
            except StoreError as e:
                _fail(res, bar, prep.path, f"{prep.path}: {e}")
                store_errors += 1
                if store_errors >= STORE_ERRORS_MAX:
                    bar.message(f"reportkg: stopping: {STORE_ERRORS_MAX} store failures in a row")
                    break
                continue
            store_errors = 0
            res.ingested.append(prep.path)
            if flush and len(res.ingested) % FLUSH_EVERY == 0:
                flush()
            res.write_seconds += time.perf_counter() - w0
            res.triples += prep.triples
            bar.advance()
    except KeyboardInterrupt:
        res.interrupted = 130
    except SystemExit as e:          # SIGTERM, see _terminate_as_exit
        res.interrupted = e.code if isinstance(e.code, int) else 1
    finally:
        if flush and res.ingested:
            flush()
        optimize = getattr(store, "optimize", None)
        if optimize and len(res.ingested) >= OPTIMIZE_AFTER and not res.interrupted:
            optimize()                # many fresh files after a bulk load: compacted, reads get faster
        bar.close()
        res.seconds = time.perf_counter() - t0
    return res


def _fail(res: BulkResult, bar: Progress, path: str, message: str) -> None:
    res.failed.append((path, message))
    bar.message(f"reportkg: {message}")
    bar.advance(failed=True)


def _prepared(paths: list[str], workers: int, validate: bool) -> Iterator[Prepared]:
    """Prepared reports as they complete: in this process, or from a pool of ``workers`` processes with a
    bounded number of reports in flight (the parent's memory stays flat however many files there are)."""
    if workers <= 1:
        for p in paths:
            yield prepare(p, validate)
        return
    import multiprocessing as mp
    # forkserver: workers start from a clean process that has imported the pipeline once (no fork of a
    # parent holding an open store and its threads); spawn where forkserver does not exist
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["ingest.pipeline", "ingest.bulk", "kg.validate", "pyshacl_turbo", "pyshacl", "rdflib"])
    window = workers * 8
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                             initargs=(os.getpid(),)) as pool, _terminate_as_exit():
        pending: dict = {}
        try:
            for p in paths:
                pending[pool.submit(prepare, p, validate)] = p
                while len(pending) >= window:
                    yield from _collect(pending)
            while pending:
                yield from _collect(pending)
        finally:
            for f in pending:
                f.cancel()


@contextlib.contextmanager
def _terminate_as_exit():
    """SIGTERM during a parallel run unwinds like Ctrl-C (pending reports cancelled, workers shut down)
    instead of killing this process and leaving its workers behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _collect(pending: dict) -> Iterator[Prepared]:
    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    for f in done:
        path = pending.pop(f)
        try:
            yield f.result()
        except BrokenProcessPool:
            yield Prepared(path, report_iri(path), error=f"{path}: the worker process ingesting it died")


def ingest_many(store: Store, files: Iterable[str | Path], *, workers: int = 0, quiet: bool = False,
                validate: bool = True, force: bool = False, progress: bool | None = None) -> int:
    """`reportkg ingest DIR/`: ingest with a progress bar and a summary line; the exit code (1 if any failed)."""
    res = bulk_ingest(store, files, workers=workers, validate=validate, force=force, progress=progress, quiet=quiet)
    if not quiet:
        print(res.summary(), flush=True)
    return res.exit_code
