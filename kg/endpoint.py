"""The SPARQL 1.1 Protocol endpoint, without the web framework: what `/sparql` and the SPARQL tab call.

Guarantees (each one has a test in tests/test_server.py):

* **Read-only.** Queries run with ``pyoxigraph.Store.query``, whose parser accepts queries only (an
  update is a syntax error to it), on a read-only snapshot of the store, in a separate process. A text
  Oxigraph rejects is classified with rdflib's SPARQL parser to say why: one that parses as an update
  (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, in any case, after any comment or
  prologue) is refused with 403, anything else is a 400 with Oxigraph's syntax error.
* **No federation.** ``SERVICE`` is refused; ``FROM``/``FROM NAMED`` and the protocol's
  ``default-graph-uri``/``named-graph-uri`` may only name graphs held in this store (nothing remote is
  ever fetched). A text in which neither word can occur (:func:`screen`: no ``service`` or ``from`` in
  any case, after ``\\u`` escapes are expanded) needs no parse here; any other is parsed with rdflib's
  parser (:func:`classify`, cached by text and serialised, as pyparsing is not thread-safe) before it runs.
* **A deadline.** pyoxigraph has no cancel API, so queries run in a small pool of worker processes, each
  holding the snapshot open read-only. A query still running at the deadline has its worker killed (and
  replaced); the client gets :class:`EndpointError` 503 and the server keeps serving.
* **A row cap.** Results are read lazily and cut at ``row_limit`` rows; the cut is always reported
  (``Result.truncated``; the HTTP layer turns it into a header and a JSON key).
* **Bounded memory.** Each worker has a data-segment limit (RLIMIT_DATA: heap and anonymous maps, not the
  mapped store files); a query that blows it loses its worker, not the server.

Content negotiation is settled before a query runs, for both kinds of result when the form is not
known yet (:class:`Media`); the worker answers with the one its result turns out to be (solutions or a
boolean, or triples) and sends back the serialised bytes.

Snapshots: an embedded on-disk store is checkpointed with ``Store.backup`` (hard links, ~20 ms) into a
temporary directory whenever ``store.generation`` moves (i.e. after an ingest through this process); an
in-memory store is dumped to N-Quads for the workers. A remote store is queried over HTTP with the
deadline as the client timeout.
"""
from __future__ import annotations

import concurrent.futures
import functools
import io
import json
import os
import pickle
import re
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import unquote

import pyoxigraph as ox

# --------------------------------------------------------------------------------------------- limits


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Serving limits. ``Limits.from_env()`` reads the ``REPORTKG_*`` variables documented in docs/serve.md."""

    deadline: float = 10.0              # seconds per query (REPORTKG_SPARQL_TIMEOUT)
    row_limit: int = 10_000             # rows (or triples) per result (REPORTKG_SPARQL_ROW_LIMIT)
    max_query_bytes: int = 256 * 1024   # query text / request body (REPORTKG_MAX_QUERY_BYTES)
    workers: int = 2                    # query worker processes (REPORTKG_SPARQL_WORKERS)
    worker_memory_mb: int = 2048        # memory (RLIMIT_DATA) cap per worker (REPORTKG_SPARQL_WORKER_MB; 0 = none)
    per_client: int = 0                 # queries one client runs at once (REPORTKG_SPARQL_PER_CLIENT; 0 = half the workers)
    queued_per_client: int = 16         # more waiting from one client: 429 (REPORTKG_SPARQL_QUEUE_PER_CLIENT)

    @classmethod
    def from_env(cls) -> "Limits":
        d = cls()
        return cls(
            deadline=max(0.1, _env_float("REPORTKG_SPARQL_TIMEOUT", d.deadline)),
            row_limit=max(1, int(_env_float("REPORTKG_SPARQL_ROW_LIMIT", d.row_limit))),
            max_query_bytes=max(1024, int(_env_float("REPORTKG_MAX_QUERY_BYTES", d.max_query_bytes))),
            workers=max(1, int(_env_float("REPORTKG_SPARQL_WORKERS", d.workers))),
            worker_memory_mb=max(0, int(_env_float("REPORTKG_SPARQL_WORKER_MB", d.worker_memory_mb))),
            per_client=max(0, int(_env_float("REPORTKG_SPARQL_PER_CLIENT", d.per_client))),
            queued_per_client=max(0, int(_env_float("REPORTKG_SPARQL_QUEUE_PER_CLIENT", d.queued_per_client))),
        )


# --------------------------------------------------------------------------------------------- errors


class Msg:
    """Every message a SPARQL client can see from this module, written once."""

    UPDATE = "this endpoint is read-only: SPARQL Update ({op}) is not accepted"
    UPDATE_PARAM = "this endpoint is read-only: the update= parameter is not accepted"
    UPDATE_TYPE = "this endpoint is read-only: application/sparql-update requests are not accepted"
    SERVICE = "federated queries (SERVICE) are not allowed on this endpoint"
    REMOTE_GRAPH = "{what} <{iri}> is not a graph in this store; this endpoint never fetches remote data"
    UNCHECKED_FROM = "FROM could not be checked in this query; remove it (all graphs are queried by default)"
    SYNTAX = "SPARQL syntax error: {detail}"
    BAD_TEXT = "the query holds characters that are not valid Unicode (a lone surrogate)"
    NO_QUERY = "no query: send query= (GET or form POST) or a body with Content-Type application/sparql-query"
    TOO_LARGE = "the query is {size:,} bytes, above the {limit:,}-byte limit"
    DEADLINE = "the query did not finish within {s:g} s and was cancelled; narrow the patterns or add LIMIT"
    BUSY = "the server is busy: no query worker became free within {s:g} s; try again"
    TOO_MANY = ("too many queries from your address at once ({n} running or waiting); wait for one to finish "
                "and try again")
    OVERLOADED = "the server is busy: {n} queries are waiting; try again shortly"
    WORKER_DIED = "the query ran out of memory or crashed its worker and was stopped; narrow the patterns or add LIMIT"
    FORMAT = "unknown result format {fmt!r}; use json, xml, csv, tsv, turtle, ntriples or jsonld"
    FAILED = "the query failed while reading the store"
    REMOTE = "the backing SPARQL endpoint failed: {detail}"


class EndpointError(Exception):
    """A one-line, user-facing refusal or failure with its HTTP status (never a path or a traceback)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class QuerySyntaxError(EndpointError):
    """Oxigraph's parser rejected the text (400), which may still be an update to refuse (403)."""


# --------------------------------------------------------------------------------------------- classify

UPDATE_OPS = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
              "Modify": "INSERT/DELETE", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE",
              "Add": "ADD", "Move": "MOVE", "Copy": "COPY"}
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_WORDS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}


@dataclass(frozen=True)
class Plan:
    """What a query text is, once parsed: its form and the graphs its dataset clause names.

    ``form`` is None for a text :func:`screen` passed without parsing: the result's type tells it then.
    """

    form: str | None                        # SELECT | ASK | CONSTRUCT | DESCRIBE | None (not parsed)
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def _walk(node: Any):
    """Every CompValue in an rdflib parse tree (ParseResults, lists and dicts included)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            yield n
            stack.extend(n.values())
        elif isinstance(n, (list, tuple, ParseResults)):
            stack.extend(n)
        elif isinstance(n, dict):
            stack.extend(n.values())


def _g(node: Any, key: str) -> Any:
    """A key of an rdflib CompValue (whose own ``get`` answers the key's name when it is missing)."""
    return dict.get(node, key) if isinstance(node, dict) else None


def _resolve(term: Any, prologue: dict[str, str], base: str | None) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = _g(term, "prefix") or ""
        return (prologue.get(prefix) or f"{prefix}:") + (_g(term, "localname") or "")
    s = str(term)
    if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", s):
        from urllib.parse import urljoin
        return urljoin(base, s)
    return s


_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NEEDS_PARSE = re.compile(r"service|from", re.I)   # Unicode IGNORECASE: a superset of SPARQL's ASCII one
_PARSE_LOCK = threading.Lock()


def screen(text: str) -> Plan | None:
    """``Plan(None)`` when the text cannot hold ``SERVICE`` or ``FROM`` (Oxigraph then parses and runs it
    as is), else None: the text must go through :func:`classify` first.

    A substring test, so that a comment, a string or a name like ``rk:fromYear`` only costs a parse.
    ``\\uXXXX`` escapes are expanded first, as the SPARQL grammar allows them anywhere.
    """
    if "\\" in text:
        text = _UNESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)
    return None if _NEEDS_PARSE.search(text) else _UNPARSED


@functools.lru_cache(maxsize=512)
def classify(text: str, default_prefixes: tuple[tuple[str, str], ...] = ()) -> Plan:
    """The Plan of a query text; raises EndpointError 403 for updates/SERVICE, 400 for syntax errors.

    ``default_prefixes`` are the prefixes the query may use without declaring them (as the store does).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    with _PARSE_LOCK:   # pyparsing learns its parse actions' arity on first use, racily across threads
        try:
            tree = parseQuery(text)
        except ParseException as e:
            query_error = e
            tree = None
        except RecursionError:
            raise EndpointError(400, Msg.SYNTAX.format(detail="the query is nested too deeply")) from None
        if tree is None:
            try:
                upd = parseUpdate(text)
            except (ParseException, RecursionError):
                return _classify_lexically(text, query_error)
            ops = [c.name for c in (_g(upd, "request") or []) if hasattr(c, "name")]
            raise EndpointError(403, Msg.UPDATE.format(op=", ".join(UPDATE_OPS.get(o, o) for o in ops) or "update"))

    for comp in _walk(tree):
        if comp.name == "ServiceGraphPattern":
            raise EndpointError(403, Msg.SERVICE)
    prologue = dict(default_prefixes)
    base = None
    for decl in tree[0]:
        if getattr(decl, "name", "") == "PrefixDecl":
            prologue[_g(decl, "prefix") or ""] = str(_g(decl, "iri"))
        elif getattr(decl, "name", "") == "Base":
            base = str(_g(decl, "iri"))
    q = tree[1]
    frm, named = [], []
    for dc in _g(q, "datasetClause") or []:
        if _g(dc, "default") is not None:
            frm.append(_resolve(_g(dc, "default"), prologue, base))
        if _g(dc, "named") is not None:
            named.append(_resolve(_g(dc, "named"), prologue, base))
    return Plan(FORMS.get(q.name, "SELECT"), tuple(frm), tuple(named))


_UNPARSED = Plan(None)


_LEX = re.compile(r'''
    (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<str>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<pname>[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>.)''', re.X | re.S)


def _classify_lexically(text: str, error: Exception) -> Plan:
    """Fallback when rdflib parses neither a query nor an update (its grammar lags Oxigraph's in places).

    Conservative: any update keyword, SERVICE or FROM as a bare word (outside strings, IRIs and
    comments) is refused; anything else goes to Oxigraph, whose parser reports real syntax errors.
    """
    words = [m.group("word").lower() for m in _LEX.finditer(text) if m.group("word")]
    if not words:
        raise EndpointError(400, Msg.NO_QUERY if not text.strip() else Msg.SYNTAX.format(detail=_first_line(error)))
    ups = [w for w in words if w in _UPDATE_WORDS - {"with"}]
    if ups:   # no query keyword or built-in is spelled like an update operation
        raise EndpointError(403, Msg.UPDATE.format(op=ups[0].upper()))
    form = next((w.upper() for w in words if w in ("select", "ask", "construct", "describe")), None)
    if "service" in words:
        raise EndpointError(403, Msg.SERVICE)
    if "from" in words:
        raise EndpointError(403, Msg.UNCHECKED_FROM)
    if form is None:
        raise EndpointError(400, Msg.SYNTAX.format(detail=_first_line(error)))
    return Plan(form)


def _first_line(e: BaseException) -> str:
    s = str(e).strip().splitlines()
    return (s[0] if s else type(e).__name__)[:300]


# --------------------------------------------------------------------------------------------- formats

RESULT_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RESULT_ALIASES = {
    "application/json": "application/sparql-results+json", "text/javascript": "application/sparql-results+json",
    "application/javascript": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
GRAPH_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
GRAPH_ALIASES = {"application/turtle": "text/turtle", "application/x-turtle": "text/turtle",
                 "text/n3": "text/turtle", "text/rdf+n3": "text/turtle", "text/plain": "application/n-triples",
                 "application/x-json+ld": "application/ld+json", "application/json": "application/ld+json"}
FORMAT_PARAM = {   # ?format= / ?output= shorthands (SPARQLWrapper sends these), per kind of result
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None), "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"), "n3": (None, "text/turtle"),
    "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"), "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"), "rdf+xml": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
}


def negotiate(form: str, accept: str | None = None, fmt: str | None = None) -> str:
    """The media type to answer with: ``fmt`` (a shorthand or a media type) wins over ``Accept``.

    An Accept header naming nothing we serve gets the default (JSON results / Turtle), as the SPARQL
    protocol allows; an unknown explicit ``format=`` is a 400.
    """
    graph = form in ("CONSTRUCT", "DESCRIBE")
    media, aliases = (GRAPH_MEDIA, GRAPH_ALIASES) if graph else (RESULT_MEDIA, RESULT_ALIASES)
    default = "text/turtle" if graph else "application/sparql-results+json"
    if fmt:
        f = fmt.strip().lower()
        if f in FORMAT_PARAM:
            pick = FORMAT_PARAM[f][1 if graph else 0]
            if pick:
                return pick
            return default
        f = aliases.get(f, f)
        if f in media:
            return f
        raise EndpointError(400, Msg.FORMAT.format(fmt=fmt[:40]))
    ranked = []
    for i, part in enumerate((accept or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        mt = bits[0].lower()
        if not mt:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, mt))
    for negq, _, mt in sorted(ranked):
        if negq == 0:
            break
        mt = aliases.get(mt, mt)
        if mt in media:
            return mt
        if mt in ("*/*", "application/*", "text/*"):
            return default if mt == "*/*" or default.startswith(mt[:-1]) else next(m for m in media if m.startswith(mt[:-1]))
    return default


@dataclass(frozen=True)
class Media:
    """The media type to answer with for each kind of result; None where the request named a format that
    kind has not (``error`` then says so, should the query turn out to be of that kind)."""

    results: str | None                     # SELECT and ASK
    graph: str | None                       # CONSTRUCT and DESCRIBE
    error: str = ""

    @classmethod
    def negotiate(cls, accept: str | None = None, fmt: str | None = None, form: str | None = None) -> "Media":
        """Both kinds (or only ``form``'s, when known); EndpointError 400 when no kind can be served."""
        picks: list[str | None] = []
        error = None
        for kind in ("SELECT", "CONSTRUCT"):
            if form is not None and (kind == "CONSTRUCT") != (form in ("CONSTRUCT", "DESCRIBE")):
                picks.append(None)
                continue
            try:
                picks.append(negotiate(kind, accept, fmt))
            except EndpointError as e:
                picks.append(None)
                error = e
        if picks == [None, None]:
            raise error or EndpointError(400, Msg.FORMAT.format(fmt=(fmt or "")[:40]))
        return cls(picks[0], picks[1], error.message if error else "")

    def pick(self, graph: bool) -> str:
        media = self.graph if graph else self.results
        if media is None:
            raise EndpointError(400, self.error or Msg.FORMAT.format(fmt="?"))
        return media


# --------------------------------------------------------------------------------------------- execution


@dataclass
class Result:
    body: bytes
    media_type: str
    form: str                        # as classified; else ASK, SELECT or CONSTRUCT (also for a DESCRIBE)
    truncated: bool = False
    rows: int | None = None          # solutions or triples returned (None for ASK)
    seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    source: tuple[str, str] | None          # ("dir", path) read-only snapshot | ("nq", path) N-Quads dump | None:
                                            # classify only (a remote store's query)
    query: str
    form: str | None                        # as classified, or None: the result's type tells
    media: Media
    row_limit: int
    prefixes: tuple[tuple[str, str], ...] = ()
    union: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    parse: bool = False                     # classify (rdflib's parser) first, in the worker, within the deadline


def _term_json(t: Any) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
            if getattr(t, "direction", None):
                d["its:dir"] = str(t.direction.value if hasattr(t.direction, "value") else t.direction).lower()
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(t.subject), "predicate": _term_json(t.predicate),
                                             "object": _term_json(t.object)}}
    return {"type": "literal", "value": str(t)}


def serialize_solutions(variables: list[str], solutions: Iterable, media_type: str, row_limit: int) -> tuple[bytes, bool, int]:
    """SELECT results, read lazily and cut at ``row_limit``: (body, truncated, rows)."""
    bindings = []
    truncated = False
    for sol in solutions:
        if len(bindings) >= row_limit:
            truncated = True
            break
        row = {}
        for v in variables:
            t = sol[v]
            if t is not None:
                row[v] = _term_json(t)
        bindings.append(row)
    doc: dict[str, Any] = {"head": {"vars": variables}}
    if truncated:
        # before "results": strict streaming parsers (Oxigraph's among them) stop reading after the bindings
        doc["truncated"] = True
        doc["rowLimit"] = row_limit
    doc["results"] = {"bindings": bindings}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if media_type != "application/sparql-results+json":
        plain = {"head": doc["head"], "results": doc["results"]}
        parsed = ox.parse_query_results(json.dumps(plain).encode("utf-8"), ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=RESULT_MEDIA[media_type])
    return body, truncated, len(bindings)


def serialize_triples(triples: Iterable, media_type: str, row_limit: int,
                      prefixes: dict[str, str] | None = None) -> tuple[bytes, bool, int]:
    out = []
    truncated = False
    for t in triples:
        if len(out) >= row_limit:
            truncated = True
            break
        out.append(t)
    fmt = GRAPH_MEDIA[media_type]
    kw = {"prefixes": prefixes} if prefixes and fmt == ox.RdfFormat.TURTLE else {}
    return ox.serialize(out, format=fmt, **kw) or b"", truncated, len(out)


def execute(db: ox.Store, job: Job) -> Result:
    """Run one job against an open store (in a worker process, or in-process in tests)."""
    t0 = time.perf_counter()
    kw: dict[str, Any] = {"prefixes": dict(job.prefixes)} if job.prefixes else {}
    if job.default_graphs or job.named_graphs:
        kw["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs] or ox.DefaultGraph()
        if job.named_graphs:
            kw["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif job.union:
        kw["use_default_graph_as_union"] = True
    res = db.query(job.query, **kw)
    if isinstance(res, ox.QueryBoolean):
        media = job.media.pick(graph=False)
        body = res.serialize(format=RESULT_MEDIA[media])
        return Result(body, media, job.form or "ASK", seconds=time.perf_counter() - t0)
    if isinstance(res, ox.QueryTriples):
        media = job.media.pick(graph=True)
        body, cut, n = serialize_triples(res, media, job.row_limit, dict(job.prefixes))
        return Result(body, media, job.form or "CONSTRUCT", cut, n, time.perf_counter() - t0)
    media = job.media.pick(graph=False)
    body, cut, n = serialize_solutions([v.value for v in res.variables], res, media, job.row_limit)
    return Result(body, media, job.form or "SELECT", cut, n, time.perf_counter() - t0)


def run_job(db: ox.Store | None, job: Job) -> Result | Plan:
    """What a worker does with a job, all of it within the job's deadline: classify the text when it must
    be (updates and SERVICE refused, FROM read), check that every graph the query or the protocol names is
    in the store, then execute. With no store (``db`` None: a remote store's job) the Plan is the answer.
    A text Oxigraph cannot parse is classified before its 400, so that an update still gets its 403."""
    plan = classify(job.query, job.prefixes) if job.parse else Plan(job.form)
    if db is None:
        return plan
    for what, iris in (("FROM", plan.from_graphs), ("FROM NAMED", plan.from_named),
                       ("default-graph-uri", job.default_graphs), ("named-graph-uri", job.named_graphs)):
        for iri in iris:
            try:
                held = db.contains_named_graph(ox.NamedNode(iri))
            except ValueError:
                held = False
            if not held:
                raise EndpointError(403, Msg.REMOTE_GRAPH.format(what=what, iri=iri[:200]))
    from dataclasses import replace
    run = replace(job, form=plan.form, union=not (plan.has_dataset or job.default_graphs or job.named_graphs))
    try:
        return execute(db, run)
    except SyntaxError:
        if not job.parse:
            classify(job.query, job.prefixes)       # raises 403 for an update
        raise


def _open_source(source: tuple[str, str]) -> ox.Store:
    kind, path = source
    if kind == "dir":
        return ox.Store.read_only(path)
    db = ox.Store()
    db.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    return db


def _orphan_watch(parent: int) -> None:  # pragma: no cover - runs in the child process
    """Exit when the server process is gone, even in the middle of a long query."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _worker_main(conn, memory_mb: int) -> None:  # pragma: no cover - runs in the child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C stops the server, which stops us
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()
    if memory_mb:
        try:
            import resource
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    from rdflib.plugins.sparql import parser as _warm  # noqa: F401  (classify's parser, loaded before any deadline)
    opened: tuple[tuple[str, str], ox.Store] | None = None
    while True:
        try:
            job = _recv(conn)
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            db = None
            if job.source is not None:
                if opened is None or opened[0] != job.source:
                    opened = None
                    opened = (job.source, _open_source(job.source))
                db = opened[1]
            out: tuple = ("ok", run_job(db, job))
        except EndpointError as e:
            out = ("err", e.status, e.message)
        except SyntaxError as e:
            out = ("syntax", 400, Msg.SYNTAX.format(detail=_first_line(e)))
        except MemoryError:
            out = ("err", 503, Msg.WORKER_DIED)
        except OSError as e:
            msg = _first_line(e)
            # SERVICE is refused before we get here; keep store paths out of the message
            out = ("err", 400 if "/" not in msg else 500, msg if "/" not in msg else Msg.FAILED)
        except Exception:  # the worker must outlive any one bad query  # noqa: BLE001
            out = ("err", 500, Msg.FAILED)
        try:
            _send(conn, out)
        except (OSError, ValueError):
            return


def _send(conn, obj: Any) -> None:
    """One message to or from a worker: a plain pickle in one frame (``Connection.send`` builds a
    ForkingPickler, copying its table of reducers, for every message)."""
    conn.send_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _recv(conn) -> Any:
    return pickle.loads(conn.recv_bytes())


def _worker_entry() -> None:  # pragma: no cover - runs in the child process
    """``python -c "from kg.endpoint import _worker_entry; _worker_entry()" FD MEMORY_MB``."""
    import sys
    from multiprocessing.connection import Connection
    _worker_main(Connection(int(sys.argv[1])), int(sys.argv[2]))


class _Worker:
    """One query process, started with subprocess (not multiprocessing's spawn, which re-imports the
    parent's ``__main__``) and spoken to over a socketpair wrapped as a multiprocessing Connection."""

    def __init__(self, memory_mb: int):
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection
        ours, theirs = socket.socketpair()
        pkg_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from kg.endpoint import _worker_entry; _worker_entry()",
             str(theirs.fileno()), str(memory_mb)],
            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except OSError:
            pass
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            _send(self.conn, None)
        except (OSError, ValueError):
            pass
        try:
            self.proc.wait(timeout=2)
        except Exception:  # subprocess.TimeoutExpired
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes, shared fairly between clients; a job past its deadline gets its
    worker killed and replaced.

    Each worker has a driver thread that takes the next job, sends it, waits for the answer until the
    job's deadline and, the moment the answer is in, takes the next one. Jobs wait in one queue per client
    (the client's address), taken round-robin, and one client runs at most ``per_client`` jobs at once
    (half the workers), so a client looping slow queries cannot starve the others; a client with
    ``per_client + queued_per_client`` jobs running or waiting gets 429 at once. The deadline counts from
    submission: a job still queued at its deadline is dropped (503 busy), one running loses its worker (503).
    Threads call :meth:`run`; the event loop awaits :meth:`arun`, which holds no thread while it waits.
    """

    def __init__(self, size: int, memory_mb: int = 0, per_client: int | None = None, queued_per_client: int = 16,
                 queued_total: int = 512):
        self.size = size
        self.memory_mb = memory_mb
        self.per_client = per_client or max(1, size // 2)
        self.queued_per_client = queued_per_client
        self.queued_total = queued_total
        self._cond = threading.Condition()
        self._queues: OrderedDict[str, deque] = OrderedDict()
        self._running: Counter[str] = Counter()
        self._outstanding: Counter[str] = Counter()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        self.refused = 0

    def start(self) -> None:
        for i in range(self.size):
            threading.Thread(target=self._drive, daemon=True, name=f"reportkg-query-{i}").start()

    def submit(self, job: Job, deadline: float, client: str = "") -> concurrent.futures.Future:
        """Queue ``job`` for ``client``; the future gets its Result (or Plan) or its EndpointError.
        Raises EndpointError 429 when the client has too many jobs running or waiting, 503 when everyone has."""
        fut: concurrent.futures.Future = concurrent.futures.Future()
        with self._cond:
            mine = self._outstanding[client]
            if mine >= self.per_client + self.queued_per_client:
                self.refused += 1
                raise EndpointError(429, Msg.TOO_MANY.format(n=mine))
            total = sum(self._outstanding.values())
            if total >= self.queued_total:
                self.refused += 1
                raise EndpointError(503, Msg.OVERLOADED.format(n=total))
            self._outstanding[client] += 1
            self._queues.setdefault(client, deque()).append((job, time.monotonic() + deadline, deadline, fut))
            self._cond.notify()
        fut.add_done_callback(lambda _f: self._settled(client))
        return fut

    def _settled(self, client: str) -> None:
        with self._cond:
            self._outstanding[client] -= 1
            if self._outstanding[client] <= 0:
                del self._outstanding[client]

    def run(self, job: Job, deadline: float, client: str = "") -> Result:
        fut = self.submit(job, deadline, client)
        try:
            return fut.result(timeout=deadline)
        except concurrent.futures.TimeoutError:
            if fut.cancel():                # still queued
                raise EndpointError(503, Msg.BUSY.format(s=deadline)) from None
            return fut.result()             # running: its driver answers by the job's deadline

    async def arun(self, job: Job, deadline: float, client: str = "") -> Result:
        import asyncio
        loop = asyncio.get_running_loop()
        fut = self.submit(job, deadline, client)
        done = loop.create_future()
        fut.add_done_callback(lambda _: _wake(loop, done))
        try:
            finished, _ = await asyncio.wait([done], timeout=deadline)
            if not finished:
                if fut.cancel():
                    raise EndpointError(503, Msg.BUSY.format(s=deadline))
                await done
        except asyncio.CancelledError:      # the client went away: drop the job if it has not started
            fut.cancel()
            raise
        return fut.result()

    # the driver threads ----------------------------------------------------------------------
    def _take(self) -> tuple[str, tuple] | None:
        """The next job to run (round-robin over clients below their running limit), or None once closed."""
        with self._cond:
            while not self._closed:
                for client in list(self._queues):
                    if self._running[client] >= self.per_client:
                        continue
                    q = self._queues[client]
                    item = q.popleft()
                    if q:
                        self._queues.move_to_end(client)
                    else:
                        del self._queues[client]
                    if not item[3].set_running_or_notify_cancel():
                        break               # cancelled while queued: look again from the start
                    self._running[client] += 1
                    return client, item
                else:
                    self._cond.wait()
            return None

    def _finished(self, client: str) -> None:
        with self._cond:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._cond.notify_all()         # a driver may be waiting for this client's next job

    def _spawn(self) -> _Worker | None:
        """A new worker process (None once the pool is closed); retried while the system refuses one."""
        while True:
            with self._lock:
                if self._closed:
                    return None
                try:
                    w = _Worker(self.memory_mb)
                except OSError:
                    w = None
                else:
                    self._workers.add(w)
                    return w
            time.sleep(1.0)

    def _kill(self, w: _Worker) -> None:
        with self._lock:
            self._workers.discard(w)
        w.kill()

    def _drive(self) -> None:
        w = self._spawn()
        while w is not None:
            taken = self._take()
            if taken is None:
                return
            client, (job, stop, deadline, fut) = taken
            try:
                w = self._run_one(w, job, stop, deadline, fut)
            finally:
                self._finished(client)

    def _run_one(self, w: _Worker, job: Job, stop: float, deadline: float, fut) -> _Worker | None:
        if time.monotonic() >= stop:
            fut.set_exception(EndpointError(503, Msg.BUSY.format(s=deadline)))
            return w
        lost = True                         # past its deadline, or the worker died: kill, replace
        try:
            _send(w.conn, job)
            if w.conn.poll(max(0.05, stop - time.monotonic())):
                out, lost = _recv(w.conn), False
            else:
                out = ("err", 503, Msg.DEADLINE.format(s=deadline))
        except (EOFError, OSError, ValueError):
            out = ("err", 503, Msg.WORKER_DIED)
        if lost:
            self.killed += 1                # counted before the client can hear of it
        if out[0] == "ok":
            fut.set_result(out[1])
        else:
            fut.set_exception((QuerySyntaxError if out[0] == "syntax" else EndpointError)(out[1], out[2]))
        if lost:
            self._kill(w)
            return self._spawn()
        return w

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        with self._cond:
            self._cond.notify_all()
        for w in workers:
            w.stop()


def _settle(fut, value) -> None:
    if not fut.done():
        fut.set_result(value)


def _wake(loop, fut) -> None:
    """From any thread: settle an asyncio future of ``loop`` with True."""
    try:
        loop.call_soon_threadsafe(_settle, fut, True)
    except RuntimeError:        # the loop has closed: nobody waits any more
        pass


class Snapshots:
    """Read-only copies of an embedded store for the workers, refreshed when the store's generation moves."""

    def __init__(self, store, keep_seconds: float = 60.0):
        self.store = store
        self.root = tempfile.mkdtemp(prefix="reportkg-snap-")
        self.keep_seconds = keep_seconds
        self._lock = threading.Lock()
        self._current: tuple[int, tuple[str, str]] | None = None
        self._old: list[tuple[float, str]] = []
        self._n = 0
        self._forced = 0

    def invalidate(self) -> None:
        with self._lock:
            self._forced += 1

    def fresh(self) -> tuple[str, str] | None:
        """The current snapshot if it is up to date (no copy to take), else None."""
        cur = self._current
        return cur[1] if cur and cur[0] == self._key() else None

    def _key(self) -> int:
        return getattr(self.store, "generation", 0) * 1_000_003 + self._forced

    def current(self) -> tuple[str, str]:
        key = self._key()
        with self._lock:
            if self._current and self._current[0] == key:
                return self._current[1]
            self._n += 1
            if getattr(self.store, "location", ":memory:") == ":memory:":
                path = os.path.join(self.root, f"g{self._n}.nq")
                self.store.db.dump(path, format=ox.RdfFormat.N_QUADS)
                source = ("nq", path)
            else:
                path = os.path.join(self.root, f"g{self._n}")
                self.store.db.backup(path)
                source = ("dir", path)
            if self._current:
                self._old.append((time.monotonic(), self._current[1][1]))
            self._current = (key, source)
            # a snapshot superseded long enough ago has no query left on it: delete it
            now = time.monotonic()
            keep = []
            for since, p in self._old:
                if now - since > self.keep_seconds:
                    shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else _unlink(p)
                else:
                    keep.append((since, p))
            self._old = keep
            return source

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass


class Endpoint:
    """The SPARQL endpoint over one Store: classify, refuse, negotiate, run with deadline and row cap."""

    def __init__(self, store, limits: Limits | None = None, prefixes: dict[str, str] | None = None):
        self.store = store
        self.limits = limits or Limits()
        if prefixes is None:
            from .namespaces import PREFIXES as P
            prefixes = {k: str(v) for k, v in P.items()}
        self.prefixes = tuple(sorted(prefixes.items()))
        self.remote = hasattr(store, "query_url")
        self._pool: QueryPool | None = None
        self._snapshots: Snapshots | None = None
        self._graphs: tuple[int, frozenset[str]] | None = None
        self._pool_lock = threading.Lock()

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker pool and take the first snapshot (optional: the first query does it too)."""
        self._ensure_pool()
        if not self.remote:
            self._snapshots.current()

    def _ensure_pool(self) -> QueryPool:
        with self._pool_lock:
            if self._pool is None:
                self._snapshots = Snapshots(self.store, keep_seconds=max(60.0, 3 * self.limits.deadline))
                self._pool = QueryPool(self.limits.workers, self.limits.worker_memory_mb, self.limits.per_client or None,
                                       self.limits.queued_per_client)
                self._pool.start()
            return self._pool

    def invalidate(self) -> None:
        """The store changed outside ``store.generation``'s knowledge: re-snapshot before the next query."""
        if self._snapshots:
            self._snapshots.invalidate()
        self._graphs = None

    def close(self) -> None:
        if self._pool:
            self._pool.close()
        if self._snapshots:
            self._snapshots.close()
        self._pool = self._snapshots = None

    @property
    def cancelled(self) -> int:
        """How many queries were stopped at the deadline (or lost their worker) since start."""
        return self._pool.killed if self._pool else 0

    # the protocol ----------------------------------------------------------------------------
    def graphs(self) -> frozenset[str]:
        gen = getattr(self.store, "generation", 0)
        if self._graphs is None or self._graphs[0] != gen:
            rows = self.store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            self._graphs = (gen, frozenset(r["g"] for r in rows))
        return self._graphs[1]

    def check_graphs(self, iris: Iterable[str], what: str) -> None:
        have = self.graphs()
        for iri in iris:
            if iri not in have:
                raise EndpointError(403, Msg.REMOTE_GRAPH.format(what=what, iri=iri[:200]))

    def _check_text(self, query: str) -> None:
        size = len(query) if query.isascii() else len(query.encode("utf-8", "surrogatepass"))
        if size > self.limits.max_query_bytes:
            raise EndpointError(413, Msg.TOO_LARGE.format(size=size, limit=self.limits.max_query_bytes))
        if not query.strip():
            raise EndpointError(400, Msg.NO_QUERY)
        if not _encodable(query):
            raise EndpointError(400, Msg.BAD_TEXT)

    def _job(self, query: str, accept: str | None, fmt: str | None, default_graph_uris: Iterable[str],
             named_graph_uris: Iterable[str], row_limit: int | None, source) -> Job:
        """The job for the pool. Only cheap checks happen here, in the server: size, the :func:`screen`
        substring test and content negotiation; parsing (when the text needs it) and the graph checks
        happen in the worker, inside the deadline, off this process's interpreter lock."""
        self._check_text(query)
        media = Media.negotiate(accept, fmt)
        parse = self.remote or screen(query) is None
        cap = min(row_limit or self.limits.row_limit, self.limits.row_limit)
        return Job(source, query, None, media, cap, self.prefixes, default_graphs=tuple(default_graph_uris),
                   named_graphs=tuple(named_graph_uris), parse=parse)

    def query(self, query: str, *, accept: str | None = None, fmt: str | None = None,
              default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              row_limit: int | None = None, client: str = "") -> Result:
        """Answer one protocol request; raises EndpointError (400/403/413/429/503) with a one-line message."""
        pool = self._ensure_pool()
        t0 = time.perf_counter()
        source = None if self.remote else self._snapshots.current()
        job = self._job(query, accept, fmt, default_graph_uris, named_graph_uris, row_limit, source)
        out = pool.run(job, self.limits.deadline, client)
        if self.remote:
            return self._after_plan(query, out, job, t0)
        out.seconds = time.perf_counter() - t0
        return out

    async def aquery(self, query: str, *, accept: str | None = None, fmt: str | None = None,
                     default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
                     client: str = "") -> Result:
        """:meth:`query` for the event loop, which no wait for a worker or an answer holds up: the job is
        prepared inline (a new snapshot, when the store changed, is taken in a thread), and a remote
        store's request runs in a thread once the worker has classified the text."""
        from anyio.to_thread import run_sync
        pool = self._ensure_pool()
        t0 = time.perf_counter()
        source = None
        if not self.remote:
            source = self._snapshots.fresh() or await run_sync(self._snapshots.current)
        job = self._job(query, accept, fmt, default_graph_uris, named_graph_uris, None, source)
        out = await pool.arun(job, self.limits.deadline, client)
        if self.remote:
            return await run_sync(self._after_plan, query, out, job, t0)
        out.seconds = time.perf_counter() - t0
        return out

    def _after_plan(self, query: str, plan: Plan, job: Job, t0: float) -> Result:
        """A remote store's query once classified: graph checks, then the request, within what is left of
        the deadline."""
        self.check_graphs(plan.from_graphs, "FROM")
        self.check_graphs(plan.from_named, "FROM NAMED")
        self.check_graphs(job.default_graphs, "default-graph-uri")
        self.check_graphs(job.named_graphs, "named-graph-uri")
        left = self.limits.deadline - (time.perf_counter() - t0)
        if left <= 0:
            raise EndpointError(503, Msg.DEADLINE.format(s=self.limits.deadline))
        res = self._remote(query, plan, job.media.pick(plan.form in ("CONSTRUCT", "DESCRIBE")), job.row_limit, left)
        res.seconds = time.perf_counter() - t0
        return res

    def _remote(self, query: str, plan: Plan, media: str, cap: int, seconds: float) -> Result:
        """Forward to the backing endpoint; read its answer as a stream, lazily, within the deadline
        and only up to the row cap (then hang up), so a huge result costs neither time nor memory."""
        import httpx
        graph = plan.form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in self.prefixes)
        t0 = time.perf_counter()
        stop = time.monotonic() + seconds
        try:
            with httpx.Client(timeout=seconds) as client, client.stream(
                    "POST", self.store.query_url, content=(prologue + query).encode("utf-8"),
                    headers={"Content-Type": "application/sparql-query", "Accept": accept}) as r:
                if r.status_code >= 400:
                    text = r.read()[:300].decode("utf-8", "replace").strip()
                    raise EndpointError(400 if r.status_code < 500 else 502,
                                        Msg.REMOTE.format(detail=f"HTTP {r.status_code} {text}"))
                stream = _DeadlineReader(r.iter_bytes(), stop)
                if graph:
                    body, cut, n = serialize_triples(ox.parse(stream, format=ox.RdfFormat.N_TRIPLES), media, cap,
                                                     dict(self.prefixes))
                    return Result(body, media, plan.form, cut, n, time.perf_counter() - t0)
                parsed = ox.parse_query_results(stream, ox.QueryResultsFormat.JSON)
                if isinstance(parsed, ox.QueryBoolean):
                    return Result(parsed.serialize(format=RESULT_MEDIA[media]), media, plan.form,
                                  seconds=time.perf_counter() - t0)
                body, cut, n = serialize_solutions([v.value for v in parsed.variables], parsed, media, cap)
                return Result(body, media, plan.form, cut, n, time.perf_counter() - t0)
        except (httpx.TimeoutException, _Overdue):
            raise EndpointError(503, Msg.DEADLINE.format(s=self.limits.deadline)) from None
        except httpx.HTTPError as e:
            raise EndpointError(502, Msg.REMOTE.format(detail=type(e).__name__)) from None
        except (SyntaxError, ValueError) as e:
            raise EndpointError(502, Msg.REMOTE.format(detail="unreadable results: " + _first_line(e))) from None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Overdue(OSError):
    pass


class _DeadlineReader(io.RawIOBase):
    """A byte stream over an iterator of chunks that fails once the deadline has passed."""

    def __init__(self, chunks, stop: float):
        self._chunks = iter(chunks)
        self._buf = b""
        self._stop = stop

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if time.monotonic() > self._stop:
            raise _Overdue("deadline")
        while not self._buf:
            try:
                self._buf = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


# --------------------------------------------------------------------------------------------- tables


@dataclass
class Table:
    """A SELECT result as plain rows, for the UI: IRIs shortened with the known prefixes."""

    columns: list[str]
    rows: list[list[str]]
    truncated: bool = False
    text: str | None = None          # CONSTRUCT/DESCRIBE as Turtle, ASK as "true"/"false"
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def to_table(result: Result, prefixes: Iterable[tuple[str, str]] = (), plain: bool = False) -> Table:
    """``plain`` (for reading, as the app shows it): literals as their text, without language tag or datatype,
    and IRIs' percent-encoded local names decoded (``rkid:market/AI推理芯片``); otherwise cells as SPARQL
    writes terms (``"China"@en`` as ``China@en``), which the CLI keeps for scripts."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return Table([], [], result.truncated, result.body.decode("utf-8"), result.seconds)
    doc = json.loads(result.body)
    if "boolean" in doc:
        return Table(["result"], [[str(doc["boolean"]).lower()]], False, None, result.seconds)
    cols = doc["head"]["vars"]
    pre = sorted(prefixes, key=lambda kv: -len(kv[1]))

    def show(t: dict | None) -> str:
        if not t:
            return ""
        if t["type"] == "uri":
            v = t["value"]
            for k, ns in pre:
                if v.startswith(ns) and re.fullmatch(r"[\w.-]*", v[len(ns):]):
                    return f"{k}:{v[len(ns):]}"
            if plain:
                for k, ns in pre:
                    if v.startswith(ns) and re.fullmatch(r"[\w.%/-]+", v[len(ns):]):
                        return f"{k}:{unquote(v[len(ns):])}"
            return v
        if t["type"] == "bnode":
            return "_:" + t["value"]
        if t["type"] == "triple":
            s = t["value"]
            return f"<< {show(s['subject'])} {show(s['predicate'])} {show(s['object'])} >>"
        if plain:
            return t["value"]
        return t["value"] + (f"@{t['xml:lang']}" if t.get("xml:lang") else "")

    rows = [[show(b.get(c)) for c in cols] for b in doc["results"]["bindings"]]
    return Table(cols, rows, result.truncated, None, result.seconds)
