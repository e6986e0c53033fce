"""Opening a store (with the bundled reports of ``data/reports/`` where they belong) and listing the reports
it holds with their status.

Light on purpose: opening a store for `reportkg sparql`, `reports` or `remove` imports no extractor (spaCy
takes a second to load); ``ingest.pipeline`` is imported only when a bundled report must be (re)built.
"""
from __future__ import annotations

import os
from pathlib import Path

from kg.store import Store

from .document import GRAPH_MODEL

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reports"
SUFFIXES = {".md", ".markdown", ".txt", ".text", ".pdf", ".html", ".htm", ".xhtml", ".docx"}


def report_files(paths: list[str | Path]) -> list[Path]:
    """The report files named: each file as given, each directory's reports (by suffix) in name order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in SUFFIXES))
        else:
            out.append(p)
    return out


def bundled_files() -> list[Path]:
    return report_files([BUNDLED]) if BUNDLED.exists() else []


def report_id(report: str) -> str:
    """A report's id, as lists show it and commands take it: the last segment of its IRI."""
    return report.rsplit("/", 1)[-1]


def stale_bundled(store: Store) -> list[Path]:
    """The bundled reports the store holds that an older graph model (or an older text) built."""
    from .document import content_hash, read_report
    from .to_rdf import report_iri
    out = []
    for p in bundled_files():
        have = store.report_hash(report_iri(p))
        if have is not None and have != content_hash(read_report(p)):
            out.append(p)
    return out


def open_store(spec: str | Path | None = None, *, read_only: bool = False, fill: bool | None = None) -> Store:
    """:func:`kg.store.open_store`, and the bundled reports: only the per-user default store (no ``spec`` and
    no ``$REPORTKG_STORE``) receives them, once, when it is first opened empty. A store the user names starts
    empty, and a default store whose reports were all removed stays empty. ``fill`` forces either way. A
    bundled report that an older graph model built is rebuilt in any writable store that holds it."""
    from kg.store import SEEDED
    from kg.store import open_store as open_graph_store
    named = bool(spec) or bool(os.environ.get("REPORTKG_STORE"))
    store = open_graph_store(spec, read_only=read_only)
    if getattr(store, "read_only", False):
        return store
    has = store.has_reports()
    if fill if fill is not None else not (named or has or store.flag(SEEDED)):
        from .pipeline import ingest_bundled
        ingest_bundled(store)
        store.set_flag(SEEDED)
    elif fill is not False and has:
        stale = stale_bundled(store)
        if stale:
            from .pipeline import ingest_bundled
            ingest_bundled(store, stale)
    return store


def report_status(row: dict) -> str:
    """A stored report's status, from a :meth:`kg.store.Store.reports_page` row: ``current``, or ``stale``
    when an older graph model built it (ingesting the file again rebuilds it)."""
    return "current" if row.get("graphModel") == GRAPH_MODEL else "stale"


def list_reports(store: Store, limit: int = 100, offset: int = 0, search: str | None = None) -> list[dict]:
    """A page of the store's reports (:meth:`kg.store.Store.reports_page`), each with its ``status``."""
    rows = store.reports_page(limit, offset, search)
    for r in rows:
        r["id"] = report_id(r["report"])
        r["status"] = report_status(r)
    return rows
