"""Build one report's graph in a child process, bounded in time and memory, with progress.

The server ingests uploads this way, so that no report — however it is shaped — holds the serving
process's interpreter lock, its memory or its time: the child parses, extracts, builds and validates the
graph (``ingest.pipeline.build_report``) and writes N-Triples to a file; the parent only loads them.

    built = build_isolated(path, limits=WorkerLimits(seconds=120, memory_mb=1536), progress=print_progress)

A child past its time is killed; one past its memory (RLIMIT_DATA) fails with MemoryError; either way the
caller gets :class:`IngestError` with one line and nothing is stored. The protocol on the child's stdout
is one JSON object per line: ``{"progress": 0.25, "what": "extracting claims"}`` while it works, then
``{"built": {...}}`` or ``{"error": "..."}``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import Errors, IngestError
from .pipeline import Built, Progress, _silent


@dataclass(frozen=True)
class WorkerLimits:
    seconds: float = 120.0        # REPORTKG_INGEST_TIMEOUT
    memory_mb: int = 1536         # REPORTKG_INGEST_MB (RLIMIT_DATA of the child; 0 = none)

    @classmethod
    def from_env(cls) -> "WorkerLimits":
        d = cls()
        try:
            seconds = float(os.environ.get("REPORTKG_INGEST_TIMEOUT", d.seconds))
            memory = int(os.environ.get("REPORTKG_INGEST_MB", d.memory_mb))
        except ValueError:
            return d
        return cls(max(1.0, seconds), max(0, memory))


def build_isolated(path: str | Path, *, limits: WorkerLimits = WorkerLimits(), validate: bool = True,
                   progress: Progress = _silent, name: str | None = None) -> Built:
    """``build_report(path)`` in a child process; IngestError (naming ``name`` or the file) on any failure."""
    label = name or str(path)
    pkg_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with tempfile.TemporaryDirectory(prefix="reportkg-build-") as tmp:
        out = Path(tmp) / "graph.nt"
        args = [sys.executable, "-m", "ingest.worker", str(path), str(out), str(limits.memory_mb),
                "1" if validate else "0"]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                env=env, text=True, encoding="utf-8")
        timer = threading.Timer(limits.seconds, proc.kill)
        timer.daemon = True
        timer.start()
        t0 = time.monotonic()
        last: dict = {}
        try:
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if "progress" in msg:
                    progress(float(msg["progress"]), str(msg.get("what", "")))
                else:
                    last = msg
            proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if "built" in last:
            b = last["built"]
            return Built(b["report"], out.read_bytes(), b["claims"], b["figures"], b["triples"])
        if "error" in last:
            raise IngestError(label, last["error"], last.get("line"))
        if time.monotonic() - t0 >= limits.seconds:
            raise IngestError(label, Errors.TOO_SLOW.format(s=limits.seconds))
        if last.get("memory"):
            raise IngestError(label, Errors.TOO_MUCH_MEMORY.format(mb=limits.memory_mb))
        raise IngestError(label, Errors.WORKER_FAILED)


def _limit_memory(memory_mb: int) -> None:
    if not memory_mb:
        return
    try:
        import resource
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _say(**msg) -> None:
    sys.stdout.write(json.dumps(msg, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:  # pragma: no cover - runs in the child process
    path, out, memory_mb, validate = argv[0], argv[1], int(argv[2]), argv[3] == "1"
    _limit_memory(memory_mb)
    try:
        from .pipeline import build_report
        b = build_report(path, validate=validate, progress=lambda f, what: _say(progress=round(f, 3), what=what))
        Path(out).write_bytes(b.ntriples)
    except IngestError as e:
        _say(error=e.detail, line=e.line)
        return 1
    except MemoryError:
        _say(memory=True)
        return 1
    _say(built={"report": b.report, "claims": b.claims, "figures": b.figures, "triples": b.triples})
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

