"""Ingest one report (or many) into a store: read -> parse -> extract -> RDF -> validate -> replace graph."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.store import Store

from .budget import DEFAULT as budget
from .claims import Claims
from .document import Document, content_hash, parse_document, place_blocks, read_source
from .errors import Errors, IngestError
from .extract import extract
from .to_rdf import report_iri, to_quads

from .stores import SUFFIXES as REPORT_SUFFIXES, bundled_files, report_files  # noqa: F401  (re-exported)


@dataclass
class IngestResult:
    path: str
    report: str
    claims: int
    figures: int
    triples: int
    seconds: float
    skipped: bool = False


Progress = Callable[[float, str], None]


def _silent(_fraction: float, _what: str) -> None:
    pass


def read_claims(path: str | Path, progress: Progress = _silent) -> tuple[Document, Claims]:
    """Parse and extract a report without storing it; IngestError when there is nothing to claim."""
    progress(0.05, "reading")
    text, layout = read_source(path)
    budget.check_text(str(path), text)
    progress(0.1, "finding sections and sentences")
    doc = parse_document(text, str(path), layout, place=False)
    budget.check_document(doc)
    place_blocks(doc)
    progress(0.25, "extracting claims")
    claims = extract(doc)
    budget.check_claims(doc, claims.count())
    if claims.count() == 0:
        raise IngestError(str(path), Errors.NO_CLAIMS)
    return doc, claims


@dataclass
class Built:
    """One report's graph, ready to write: N-Triples, serialised once, validated and stored as they are."""
    report: str
    ntriples: bytes
    claims: int
    figures: int
    triples: int


def build_report(path: str | Path, *, validate: bool = True, progress: Progress = _silent) -> Built:
    """Parse, extract, build and (SHACL) validate one report's graph; IngestError names the file."""
    doc, claims = read_claims(path, progress)
    progress(0.7, "building the graph")
    rep, quads = to_quads(doc, claims, path)
    budget.check_triples(doc, len(quads))
    ntriples = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    if validate:
        progress(0.8, "validating the graph")
        from kg.validate import validate_ntriples
        ok, detail = validate_ntriples(ntriples)
        if not ok:
            raise IngestError(str(path), Errors.SHACL.format(detail=detail))
    return Built(rep, ntriples, claims.count(), len(claims.figures), len(quads))


def ingest_file(store: Store, path: str | Path, *, validate: bool = True, skip_unchanged: bool = False) -> IngestResult:
    t0 = time.perf_counter()
    rep = report_iri(path)
    if skip_unchanged:
        text, _ = read_source(path)
        if store.report_hash(rep) == content_hash(text):
            return IngestResult(str(path), rep, 0, 0, 0, time.perf_counter() - t0, skipped=True)
    b = build_report(path, validate=validate)
    store.replace_graph_ntriples(b.report, b.ntriples)
    return IngestResult(str(path), b.report, b.claims, b.figures, b.triples, time.perf_counter() - t0)


def ingest_bundled(store: Store, files: list[Path] | None = None) -> list[IngestResult]:
    """Ingest the bundled reports (``files``: only these of them, e.g. :func:`ingest.stores.stale_bundled`)."""
    return [ingest_file(store, p) for p in (bundled_files() if files is None else files)]

