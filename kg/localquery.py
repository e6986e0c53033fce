"""`reportkg sparql`: one query text against a store from this process, with the endpoint's guarantees.

What :mod:`kg.endpoint` promises an HTTP client holds here too (the checks are its own functions):

* a size cap (``Limits.max_query_bytes``, ``REPORTKG_MAX_QUERY_BYTES``) and text that is valid Unicode;
* **read-only**: an update (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is refused with ``Msg.UPDATE``;
* **no federation**: ``SERVICE`` is refused (``Msg.SERVICE``) before anything runs, and ``FROM`` /
  ``FROM NAMED`` may only name graphs the store holds (``Msg.REMOTE_GRAPH``);
* the default prefixes (``kg.namespaces.PREFIXES``) need no declaration, and the default graph is the
  union of all graphs (unless the query names its own dataset);
* every query form: SELECT and ASK as SPARQL results, CONSTRUCT and DESCRIBE as RDF.

The embedded store (on disk or in memory) is queried in-process with ``kg.endpoint.execute``; no
deadline or row cap applies (the CLI user may read the whole store anyway). A remote store is still
screened and classified here, then asked through its own ``raw_query``.
"""
from __future__ import annotations

import dataclasses
import sys

import pyoxigraph as ox

from .endpoint import (GRAPH_MEDIA, RESULT_MEDIA, EndpointError, Job, Limits, Media, Msg, Result, classify, execute,
                       screen, to_table)
from .namespaces import PREFIXES
from .store import Store

#: the default prefixes as ``classify`` and ``Job`` take them (sorted, as the HTTP endpoint has them)
PREFIX_PAIRS: tuple[tuple[str, str], ...] = tuple(sorted((k, str(v)) for k, v in PREFIXES.items()))

#: the ``--format`` choices; ``table`` is SPARQL JSON results or Turtle, which :func:`render` lays out
FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld")
_RESULTS_ONLY = {"csv", "tsv"}
_GRAPH_ONLY = {"turtle", "ntriples", "jsonld"}
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")

NO_QUERY = "no query: give the query text, or '-' to read it from stdin"
NOT_UNICODE = "the query text is not valid UTF-8 (character {pos} cannot be encoded)"
WRONG_KIND = "format {fmt!r} is not for {kind} results; use {use}"


def media_for(fmt: str, form: str | None) -> Media:
    """The media types for a ``--format`` (through ``Media.negotiate``), for the kinds of result it serves.

    Unlike an HTTP ``format=`` shorthand, a CLI format that does not fit the result is an error (when the
    result comes), not a silent switch to the other kind's default.
    """
    if fmt == "table":
        return Media("application/sparql-results+json", "text/turtle")
    media = Media.negotiate(None, fmt, form)            # EndpointError 400 for an unknown format
    if fmt in _RESULTS_ONLY:
        return dataclasses.replace(media, graph=None, error=WRONG_KIND.format(
            fmt=fmt, kind="CONSTRUCT or DESCRIBE", use="table (Turtle), turtle, ntriples, jsonld, xml or json"))
    if fmt in _GRAPH_ONLY:
        return dataclasses.replace(media, results=None, error=WRONG_KIND.format(
            fmt=fmt, kind="SELECT or ASK", use="table, json, csv, tsv or xml"))
    return media


def check_text(query: str, limits: Limits) -> None:
    """Encodable, within the size cap, not empty (``Endpoint.plan``'s checks); EndpointError otherwise."""
    try:
        size = len(query.encode("utf-8"))
    except UnicodeEncodeError as e:        # a lone surrogate (e.g. undecodable bytes in argv or stdin)
        raise EndpointError(400, NOT_UNICODE.format(pos=e.start + 1)) from None
    if size > limits.max_query_bytes:
        raise EndpointError(413, Msg.TOO_LARGE.format(size=size, limit=limits.max_query_bytes))
    if not query.strip():
        raise EndpointError(400, NO_QUERY)


def holds_graph(store: Store, iri: str) -> bool:
    """Whether the store has a named graph ``iri`` with at least one triple (as ``Endpoint.graphs`` counts)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:                     # a relative or malformed IRI names no graph here
        return False
    return store.ask_query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": node})


def run_local(store: Store, query: str, fmt: str = "table", limits: Limits | None = None) -> Result:
    """Run one query text against ``store`` with the HTTP endpoint's checks; raises EndpointError.

    ``fmt`` is a :data:`FORMATS` name; for ``table`` the result is SPARQL JSON (SELECT, ASK) or Turtle
    (CONSTRUCT, DESCRIBE), for :func:`kg.endpoint.to_table`. Store failures raise ``StoreError``.
    """
    limits = limits or Limits.from_env()
    check_text(query, limits)
    remote = hasattr(store, "query_url")
    plan = (None if remote else screen(query)) or classify(query, PREFIX_PAIRS)
    media = media_for(fmt, plan.form)
    if plan.form is not None:
        media.pick(plan.form in _GRAPH_FORMS)           # a format that cannot fit: refuse before running
    for what, iris in (("FROM", plan.from_graphs), ("FROM NAMED", plan.from_named)):
        for iri in iris:
            if not holds_graph(store, iri):
                raise EndpointError(403, Msg.REMOTE_GRAPH.format(what=what, iri=iri[:200]))
    if remote:
        return _run_remote(store, query, plan.form or "SELECT", media)
    job = Job(("in-process", store.location), query, plan.form, media, sys.maxsize, PREFIX_PAIRS,
              union=not plan.has_dataset)
    try:
        return execute(store.db, job)
    except SyntaxError as e:
        if plan.form is None:              # not parsed before: an update (or SERVICE) is refused as such
            try:
                classify(query, PREFIX_PAIRS)
            except EndpointError as refusal:
                if refusal.status == 403:
                    raise refusal from None
        raise EndpointError(400, Msg.SYNTAX.format(detail=_first_line(e))) from None
    except OSError as e:                   # reading the store failed
        raise EndpointError(500, f"{Msg.FAILED}: {_first_line(e)}") from None


def _run_remote(store: Store, query: str, form: str, media: Media) -> Result:
    """Ask a remote store (JSON results or N-Triples, the default prefixes declared) and re-serialise."""
    graph = form in _GRAPH_FORMS
    want = media.pick(graph)
    prologue = "".join(f"PREFIX {k}: <{v}> " for k, v in PREFIX_PAIRS)     # one line: error lines stay right
    body, _ = store.raw_query(prologue + query, "application/n-triples" if graph else "application/sparql-results+json")
    try:
        if graph:
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            fmt = GRAPH_MEDIA[want]
            kw = {"prefixes": dict(PREFIX_PAIRS)} if fmt == ox.RdfFormat.TURTLE else {}
            return Result(ox.serialize(triples, format=fmt, **kw) or b"", want, form, rows=len(triples))
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        return Result(parsed.serialize(format=RESULT_MEDIA[want]), want,
                      "ASK" if isinstance(parsed, ox.QueryBoolean) else form)
    except (SyntaxError, ValueError) as e:
        raise EndpointError(502, Msg.REMOTE.format(detail="unreadable results: " + _first_line(e))) from None


def _first_line(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return (lines[0] if lines else type(e).__name__)[:300]


def render(result: Result, fmt: str) -> bytes:
    """What the CLI prints: the serialised result, or for ``table`` tab-separated rows with prefixed names
    (``to_table``), ``true``/``false`` for ASK and Turtle for CONSTRUCT/DESCRIBE; ends with a newline."""
    if fmt != "table":
        body = result.body
    else:
        table = to_table(result, PREFIX_PAIRS)
        if table.text is not None:
            body = table.text.encode("utf-8")
        elif result.form == "ASK":
            body = table.rows[0][0].encode("utf-8")
        else:
            lines = ["\t".join(table.columns)] + ["\t".join(map(cell, row)) for row in table.rows]
            body = "\n".join(lines).encode("utf-8", "backslashreplace")
    return body if not body or body.endswith(b"\n") else body + b"\n"


def cell(value: str) -> str:
    """A table cell on one line: backslash, tab and line breaks escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def one_line(message: str) -> str:
    """A message as one printable line: whitespace runs collapsed, control characters and lone
    surrogates written as escapes."""
    text = " ".join(message.split()) or "error"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
