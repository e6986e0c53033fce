"""The graph store: embedded Oxigraph on disk (default) or any SPARQL 1.1 endpoint (query + update URLs).

Both speak the same small interface. Queries take ``bindings`` (variable name -> RDF term): the
embedded store passes them as Oxigraph substitutions; the remote store writes them, serialised as RDF
terms by pyoxigraph, into a ``VALUES`` block at the template's ``#BIND`` marker (or the top of its WHERE
group). User text never becomes query text.
"""
from __future__ import annotations

import functools
import itertools
import os
import re
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

from .namespaces import ID_BASE, ONTOLOGY_GRAPH, VOCAB_GRAPH, sparql_prefixes

KG_DIR = Path(__file__).parent
PREFIXES = sparql_prefixes()
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES, "ntriples": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML, "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = {ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "short", "positiveInteger")}
_FLOATS = {_XSD + t for t in ("decimal", "double", "float")}


class StoreError(Exception):
    """A one-line store problem (cannot open, endpoint unreachable, bad query)."""


def py(term: Any) -> Any:
    """An RDF term as a Python value: IRIs as str, numbers as int/float, gYear as int, other literals as str."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _NUMERIC or dt == _XSD + "gYear":
                return int(term.value)
            if dt in _FLOATS:
                return float(term.value)
            if dt == _XSD + "boolean":
                return term.value == "true"
        except ValueError:
            return term.value
        return term.value
    return str(term)


_SERIAL = itertools.count(1)


class Store:
    """Common interface; see OxigraphStore and RemoteStore."""

    location: str
    generation: int = 0          # bumped on every write from this process (caches key on it)

    @functools.cached_property
    def uid(self) -> int:
        """What caches key on: a number no other store object of this process has had (``id()`` is reused once
        an object is collected, and a new store would get the old one's lexicon)."""
        return next(_SERIAL)

    def select(self, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def rows(self, query: str, bindings: dict[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        """The rows of ``select`` one at a time (a store that can stream does not hold them all at once)."""
        return iter(self.select(query, bindings))

    def ask_query(self, query: str, bindings: dict[str, Any] | None = None) -> bool:
        raise NotImplementedError

    def supports_lateral(self) -> bool:
        """Whether the engine evaluates SPARQL 1.2's LATERAL (else templates are sent as plain joins)."""
        return True

    def describe(self, nodes: Iterable[tuple[str, str]], predicates: Iterable[str] | None = None,
                 multi: bool = False) -> dict[str, dict[str, Any]]:
        """Each (subject IRI, graph IRI) pair's triples in that graph (of the given predicates, else all):
        {subject: {predicate IRI: value}}, one value per predicate (``multi``: a list of them), as Python
        values like ``select``'s."""
        out: dict[str, dict[str, Any]] = {}
        nodes, predicates = list(nodes), (list(predicates) if predicates is not None else None)
        for i in range(0, len(nodes), DESCRIBE_CHUNK):        # a request of bounded size, whatever is asked
            for r in self.select(describe_query(nodes[i:i + DESCRIBE_CHUNK], predicates)):
                _put(out.setdefault(r["s"], {}), r["p"], r["o"], multi)
        return out

    def replace_graph(self, graph: str, quads: list[ox.Quad]) -> None:
        """Replace ``graph`` with the quads' triples (their graph names are ignored), in one transaction."""
        self.replace_graph_ntriples(graph, ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES))

    def replace_graph_ntriples(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with these N-Triples in one transaction: a reader sees the old graph or the new one."""
        raise NotImplementedError

    def drop_graph(self, graph: str) -> None:
        raise NotImplementedError

    def dump(self, fmt: str) -> bytes:
        raise NotImplementedError

    def raw_query(self, query: str, accept: str) -> tuple[bytes, str]:
        """Run any read-only query text, returning (serialised results, media type)."""
        raise NotImplementedError

    # ----------------------------------------------------------------- shared helpers
    def reports(self) -> list[dict[str, Any]]:
        return self.select(PREFIXES + """
            SELECT ?report ?title ?publisher ?date ?hash ?file WHERE {
              ?report a rk:Report ; dcterms:title ?title .
              OPTIONAL { ?report dcterms:publisher ?publisher }
              OPTIONAL { ?report dcterms:date ?date }
              OPTIONAL { ?report rk:contentHash ?hash }
              OPTIONAL { ?report rk:sourceFile ?file }
            } ORDER BY ?report""")

    def revision(self) -> str | None:
        """The store's revision: a new value with every write, from any process (None: written before there
        were revisions). Caches of what the store holds (the QA lexicon) compare it instead of scanning reports."""
        rows = self.select(f"SELECT ?r WHERE {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{REVISION}> ?r }} }}")
        return rows[0]["r"] if rows else None

    def report_hash(self, report: str) -> str | None:
        """The content hash stored for one report (None: not in the store)."""
        rows = self.select(PREFIXES + "SELECT ?hash WHERE { ?report rk:contentHash ?hash }",
                           {"report": ox.NamedNode(report)})
        return rows[0]["hash"] if rows else None

    def report_hashes(self) -> dict[str, str]:
        return {r["report"]: r.get("hash") for r in self.reports()}

    def flag(self, name: str) -> bool:
        """Whether the store's bookkeeping graph holds the flag ``name`` (an IRI), e.g. :data:`SEEDED`."""
        return self.ask_query(f"ASK {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{name}> ?v }} }}")

    def set_flag(self, name: str) -> None:
        self.update(f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{name}> true }} }}")

    def update(self, text: str) -> None:
        """Run a SPARQL update of the store's own making (never user text) in one transaction."""
        raise NotImplementedError

    def has_reports(self) -> bool:
        return self.ask_query(PREFIXES + "ASK { ?r a rk:Report }")

    def report_count(self, search: str | None = None) -> int:
        """How many reports there are (whose title contains ``search``, ignoring case)."""
        rows = self.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?report a rk:Report ; dcterms:title ?title . "
                           + contains_filter("?title", search) + "}")
        return int(rows[0]["n"]) if rows else 0

    def reports_page(self, limit: int = 100, offset: int = 0, search: str | None = None) -> list[dict[str, Any]]:
        """At most ``limit`` reports in IRI order: ``report``, ``title``, ``publisher``, ``date``, ``hash``,
        ``file``, ``language``, ``pages`` (PDFs), ``graphModel`` (the model that built it) and ``figures`` (how
        many). Details are read report by report (at 10,000 reports a page costs ~13 ms, the sort of the IRIs:
        stable pages on any engine); the figures of the page's reports are counted by one grouped query."""
        rows = self.select(PREFIXES + f"""
            SELECT ?report ?title ?publisher ?date ?hash ?file ?language ?pages ?graphModel WHERE {{
              {{ SELECT ?report ?title WHERE {{ ?report a rk:Report ; dcterms:title ?title . {contains_filter("?title", search)} }}
                 ORDER BY ?report LIMIT {int(limit)} OFFSET {int(offset)} }}
              LATERAL {{
                ?report a rk:Report .     # binds ?report inside too: the same rows as a plain join (no LATERAL)
                OPTIONAL {{ ?report dcterms:publisher ?publisher }}
                OPTIONAL {{ ?report dcterms:date ?date }}
                OPTIONAL {{ ?report rk:contentHash ?hash }}
                OPTIONAL {{ ?report rk:sourceFile ?file }}
                OPTIONAL {{ ?report dcterms:language ?language }}
                OPTIONAL {{ ?report rk:pages ?pages }}
                OPTIONAL {{ ?report rk:graphModel ?graphModel }}
              }}
            }}""")
        rows = sorted(rows, key=lambda r: r["report"])
        if rows:
            values = " ".join(str(ox.NamedNode(r["report"])) for r in rows)
            counts = {c["report"]: int(c["n"]) for c in self.select(PREFIXES + f"""
                SELECT ?report (COUNT(?o) AS ?n) WHERE {{ VALUES ?report {{ {values} }}
                  ?o rk:report ?report ; a qb:Observation }} GROUP BY ?report""")}
            for r in rows:
                r["figures"] = counts.get(r["report"], 0)
                for key in ("pages", "graphModel"):
                    if key in r:
                        r[key] = int(r[key])
        return rows

    def find_reports(self, name: str) -> list[str]:
        """The reports ``name`` designates: a report IRI, the last segment of one (its id), its source file's
        name, or its exact title (several reports may share a title or a file name)."""
        rows = self.select(PREFIXES + """
            SELECT DISTINCT ?report WHERE {
              ?report a rk:Report .
              OPTIONAL { ?report rk:sourceFile ?file }
              OPTIONAL { ?report dcterms:title ?title }
              FILTER(STR(?report) = ?name || STRAFTER(STR(?report), "/id/report/") = ?name
                     || STR(?file) = ?name || STR(?title) = ?name)
            } ORDER BY ?report""", {"name": ox.Literal(name)})
        return [r["report"] for r in rows]

    def remove_report(self, report: str) -> bool:
        """Remove one report (its named graph: figures, sections, quotes) in one transaction; the markets,
        segments and labels other reports state stay. False if ``report`` is no report of the store."""
        if not self.ask_query(PREFIXES + "ASK { ?r a rk:Report }", {"r": ox.NamedNode(report)}):
            return False
        self.drop_graph(report)
        return True

    def literals_of(self, iris: Iterable[str], predicates: Iterable[str], chunk: int = 400) -> list[dict[str, Any]]:
        """``{x, p, value}`` rows (``value`` a pyoxigraph Literal) of the given subjects and predicates,
        each distinct. Read subject by subject, so the cost follows the number of subjects asked about,
        not the store (a market's labels are stated again in every report graph about it)."""
        iris = [i for i in dict.fromkeys(iris) if i]
        preds = " ".join(str(ox.NamedNode(p)) for p in predicates)
        out: list[dict[str, Any]] = []
        for i in range(0, len(iris), chunk):
            xs = " ".join(str(ox.NamedNode(x)) for x in iris[i:i + chunk])
            for r in self.select_terms(f"""SELECT ?x ?p ?value WHERE {{ VALUES ?x {{ {xs} }}
                LATERAL {{ SELECT DISTINCT ?x ?p ?value WHERE {{ VALUES ?p {{ {preds} }} ?x ?p ?value
                FILTER(isLiteral(?value)) }} }} }}"""):
                out.append({"x": r["x"].value, "p": r["p"].value, "value": r["value"]})
        return out

    def ensure_vocab(self) -> None:
        """Load the ontology and glossary graphs when missing or changed."""
        for path, graph in ((KG_DIR / "ontology.ttl", ONTOLOGY_GRAPH), (KG_DIR / "vocab.ttl", VOCAB_GRAPH)):
            if not path.exists():
                continue
            marker = ox.Literal(f"{path.stat().st_size}-{int(path.stat().st_mtime)}")
            have = self.select(PREFIXES + "SELECT ?g ?m WHERE { GRAPH ?g { ?g rk:contentHash ?m } }",
                               {"g": ox.NamedNode(graph.__str__())})
            if have and have[0]["m"] == marker.value:
                continue
            g = ox.NamedNode(str(graph))
            quads = [ox.Quad(t.subject, t.predicate, t.object, g)
                     for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
            quads.append(ox.Quad(g, ox.NamedNode(ID_BASE.replace("/id/", "/ns#") + "contentHash"), marker, g))
            self.replace_graph(str(graph), quads)

    def close(self) -> None:
        pass


def _put(props: dict, predicate: str, value: Any, multi: bool) -> None:
    if multi:
        props.setdefault(predicate, []).append(value)
    else:
        props.setdefault(predicate, value)


DESCRIBE_CHUNK = 500


def describe_query(nodes: Iterable[tuple[str, str]], predicates: Iterable[str] | None = None) -> str:
    """SPARQL for ``Store.describe``: the triples of each (subject, graph) pair (IRIs serialised by pyoxigraph)."""
    rows = " ".join(f"({ox.NamedNode(s)} {ox.NamedNode(g)})" for s, g in nodes)
    only = f" VALUES ?p {{ {' '.join(str(ox.NamedNode(p)) for p in predicates)} }}" if predicates is not None else ""
    return f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?g) {{ {rows} }}{only} GRAPH ?g {{ ?s ?p ?o }} }}"


CATALOG = ID_BASE + "graph/catalog"
REVISION = ID_BASE.replace("/id/", "/ns#") + "revision"
SEEDED = ID_BASE.replace("/id/", "/ns#") + "seeded"       # the default store received the bundled reports once


def _bump() -> str:
    """Update operations that give the store a new revision; part of every write's request (one transaction)."""
    return (f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{REVISION}> ?r }} }} ; "
            f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{REVISION}> \"{uuid.uuid4().hex}\" }} }}")


def _replace_update(graph: str, ntriples: bytes) -> str:
    """One update request, so one transaction: the old graph is never half replaced, and the store's
    revision changes with it. The N-Triples go in as they are (no parse and re-serialise)."""
    return (f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode('utf-8')}\n}} }} ;\n"
            f"{_bump()}")


class OxigraphStore(Store):
    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.location = str(path) if path else ":memory:"
        self._lock = threading.Lock()
        try:
            if path is None:
                self.db = ox.Store()
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self.db = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as e:
            if path is not None and not read_only and "lock" in str(e).lower():
                # another process (a running server) holds the store: read it, do not write
                self.db = ox.Store.read_only(str(path))
                self.read_only = True
                return
            raise StoreError(f"cannot open the store at {path}: {str(e).splitlines()[0]}") from None
        self.read_only = read_only

    def _query(self, query: str, bindings: dict[str, Any] | None):
        terms = {k: _term(v) for k, v in (bindings or {}).items()}
        inlined = _inline_bindings(query, terms) if terms else None
        if inlined is not None:
            try:
                return self.db.query(inlined, use_default_graph_as_union=True)
            except SyntaxError:
                pass                      # an unusual query shape: let Oxigraph substitute instead
        subs = {ox.Variable(k): t for k, t in terms.items()} or None
        try:
            return self.db.query(query, use_default_graph_as_union=True, substitutions=subs)
        except SyntaxError as e:
            raise StoreError(f"SPARQL syntax error: {str(e).splitlines()[0]}") from None

    def select(self, query, bindings=None):
        res = self._query(query, bindings)
        names = [v.value for v in res.variables]
        return [{n: py(sol[n]) for n in names if sol[n] is not None} for sol in res]

    def rows(self, query, bindings=None):
        res = self._query(query, bindings)
        names = [v.value for v in res.variables]
        for sol in res:
            yield {n: py(sol[n]) for n in names if sol[n] is not None}

    def describe(self, nodes, predicates=None, multi=False):
        out: dict[str, dict[str, Any]] = {}
        preds = [ox.NamedNode(p) for p in predicates] if predicates is not None else [None]
        for s, g in nodes:                        # index look-ups: no query to parse and plan
            props = out.setdefault(s, {})
            subject, graph = ox.NamedNode(s), ox.NamedNode(g)
            for p in preds:
                for q in self.db.quads_for_pattern(subject, p, None, graph):
                    _put(props, q.predicate.value, py(q.object), multi)
        return out

    def select_terms(self, query, bindings=None):
        res = self._query(query, bindings)
        names = [v.value for v in res.variables]
        return [{n: sol[n] for n in names if sol[n] is not None} for sol in res]

    def ask_query(self, query, bindings=None):
        return bool(self._query(query, bindings))

    def replace_graph_ntriples(self, graph, ntriples):
        self._writable()
        with self._lock:
            self.db.update(_replace_update(graph, ntriples))
            self.generation += 1

    def drop_graph(self, graph):
        self.update(f"DROP SILENT GRAPH <{graph}> ; {_bump()}")

    def update(self, text):
        self._writable()
        with self._lock:
            self.db.update(text)
            self.generation += 1

    def dump(self, fmt):
        f = FORMATS[fmt]
        catalog = ox.NamedNode(CATALOG)          # the store's bookkeeping, not knowledge: not exported
        quads = [q for q in self.db.quads_for_pattern(None, None, None) if q.graph_name != catalog]
        if f in QUAD_FORMATS:
            return ox.serialize(quads, format=f)
        # a graph format: the union of all graphs
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        return ox.serialize(sorted(triples, key=str), format=f, prefixes=_prefix_map()) if f == ox.RdfFormat.TURTLE \
            else ox.serialize(sorted(triples, key=str), format=f)

    def raw_query(self, query, accept):
        res = self._query(query, None)
        return serialize_results(res, accept)

    def _writable(self):
        if self.read_only:
            raise StoreError(f"the store at {self.location} is in use by another process (a running server?); "
                             "stop it or ingest through it")

    def flush(self):
        self.db.flush()

    def optimize(self):
        """Compact the store's files (after a bulk load: ~12 s for 10,000 reports, and reads are ~15% faster)."""
        self.db.optimize()


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def _inline_bindings(query: str, terms: dict[str, Any]) -> str | None:
    """The query with each bound variable written as its RDF term inside the WHERE group, and bound again
    by a BIND at the top of the group so that it stays projected. Oxigraph plans joins from the
    constants it sees; with ``substitutions`` it does not, and a figure look-up over 1,000 reports took
    15x longer. Terms are serialised by pyoxigraph (never text from a question). None when the query is
    not a plain one-group query (a sub-select, a blank node to bind): then Oxigraph substitutes."""
    if any(isinstance(t, ox.BlankNode) for t in terms.values()):
        return None
    m = _WHERE.search(query)
    if not m:
        return None
    start = i = m.end()
    depth, quote = 1, None
    while i < len(query) and depth:
        c = query[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or query[i - 1] in " \t\n"):
            nl = query.find("\n", i)
            i = len(query) - 1 if nl < 0 else nl
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    if depth:
        return None
    end = i - 1
    body = query[start:end]
    if re.search(r"\bSELECT\b", body, re.I):
        return None
    for name, term in terms.items():
        body = re.sub(r"[?$]" + re.escape(name) + r"(?!\w)", lambda _m, t=str(term): t, body)
    binds = " ".join(f"BIND({t} AS ?{n})" for n, t in terms.items())
    return f"{query[:start]} {binds}\n{body}{query[end:]}"


def contains_filter(var: str, search: str | None) -> str:
    """A FILTER keeping rows whose ``var`` contains ``search`` (ignoring case); the text is written as a
    literal serialised by pyoxigraph. Empty when there is nothing to search for."""
    text = " ".join((search or "").split()).lower()
    if not text:
        return ""
    return f"FILTER(CONTAINS(LCASE(STR({var})), {ox.Literal(text)}))"


def _prefix_map() -> dict[str, str]:
    from .namespaces import PREFIXES as P
    return dict(P)


def _term(v: Any):
    if isinstance(v, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return v
    if isinstance(v, bool):
        return ox.Literal("true" if v else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(v, int):
        return ox.Literal(str(v), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(v, float):
        return ox.Literal(repr(v), datatype=ox.NamedNode(_XSD + "double"))
    return ox.Literal(str(v))


RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}


def serialize_results(res, accept: str) -> tuple[bytes, str]:
    if isinstance(res, ox.QueryTriples):
        mt = next((m for m in GRAPH_TYPES if m in accept), "text/turtle")
        return ox.serialize(res, format=GRAPH_TYPES[mt]) or b"", mt
    mt = next((m for m in RESULT_TYPES if m in accept), "application/sparql-results+json")
    return res.serialize(format=RESULT_TYPES[mt]), mt


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune …).

    The endpoint must expose the union of named graphs as its default graph (Oxigraph:
    ``--union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do so by default).
    Queries go as URL-encoded POSTs (Virtuoso 7 never answers a query POSTed as ``application/sparql-query``),
    updates as ``application/sparql-update``. Results are read as SPARQL JSON and their literals put in canonical
    form (:func:`_canonical`), so every engine gives the embedded store's values.
    """

    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 30.0):
        import httpx
        self.location = query_url
        self.query_url = query_url
        self.update_url = update_url or re.sub(r"/query$|/sparql$", "/update", query_url)
        if self.update_url == query_url:
            self.update_url = query_url.rstrip("/") + "/update"
        self.http = httpx.Client(timeout=timeout)
        self.read_only = False
        self._lateral: bool | None = None
        self._virtuoso = False               # known from the LATERAL probe's answer (its Server header)

    def _send_query(self, query: str, accept: str):
        """POST one query (form-encoded ``query=``: the SPARQL 1.1 Protocol form every engine reads)."""
        from urllib.parse import urlencode
        try:
            return self.http.post(self.query_url, content=urlencode({"query": query}).encode("ascii"),
                                  headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        except Exception as e:  # httpx.HTTPError and socket errors: one line for the user
            raise StoreError(f"cannot reach the SPARQL endpoint {self.query_url}: {type(e).__name__}") from None

    def _post_query(self, query: str, bindings, accept: str, template: bool = True):
        if template and _LATERAL.search(query) and not self.supports_lateral():
            query = _LATERAL.sub("{", query)          # same answers as a plain join, planned by the engine
            if self._virtuoso:
                # LATERAL said "the left side's rows first, then the group for each"; Virtuoso's optimizer
                # searches join orders instead: ~12 s (its default MaxOptimizeLayouts) to compile the figures
                # page's query (15 patterns, 7 OPTIONALs), again for each new text (each page). The option
                # keeps the written order: 0.04 s for the two pages of `reportkg export --format csv`
                query = _VIRTUOSO_WRITTEN_ORDER + query
        if bindings:
            query = _with_values(query, bindings)
        r = self._send_query(query, accept)
        if r.status_code >= 400:
            raise StoreError(f"the SPARQL endpoint answered {r.status_code}: {_first_line(r.text)}")
        _refuse_partial(r)
        return r

    def supports_lateral(self) -> bool:
        """Whether the engine parses LATERAL (Oxigraph, Jena 4.7+ do), asked once: a 400 answer (or an
        error that names the syntax) to a probe says no; any other failure (401, 503, no answer) is raised
        as the StoreError it is and asked again next time, not taken for an answer."""
        if self._lateral is None:
            r = self._send_query(_LATERAL_PROBE, "application/sparql-results+json")
            self._virtuoso = r.headers.get("server", "").startswith("Virtuoso/")
            if r.status_code < 400:
                self._lateral = True
            elif r.status_code == 400 or (r.status_code >= 500 and _SYNTAX_ERROR.search(r.text)):
                self._lateral = False
            else:
                raise StoreError(f"the SPARQL endpoint answered {r.status_code}: {_first_line(r.text)}")
        return self._lateral

    def _solutions(self, query: str, bindings) -> tuple[list[str], list[dict[str, Any]]]:
        """The variables and rows (name -> canonical term; unbound ones left out) of a SELECT."""
        r = self._post_query(query, bindings, "application/sparql-results+json")
        sols = ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON)
        names = [v.value for v in sols.variables]
        return names, [{n: _canonical(s[n]) for n in names if s[n] is not None} for s in sols]

    def select(self, query, bindings=None):
        return [{n: py(t) for n, t in row.items()} for row in self._solutions(query, bindings)[1]]

    def select_terms(self, query, bindings=None):
        return self._solutions(query, bindings)[1]

    def ask_query(self, query, bindings=None):
        r = self._post_query(query, bindings, "application/sparql-results+json")
        return bool(ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON))

    def _update(self, text: str):
        try:
            r = self.http.post(self.update_url, content=text.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-update"})
        except Exception as e:
            raise StoreError(f"cannot reach the SPARQL update endpoint {self.update_url}: {type(e).__name__}") from None
        if r.status_code >= 400:
            raise StoreError(f"the SPARQL update endpoint answered {r.status_code}: {_first_line(r.text)}")

    def replace_graph_ntriples(self, graph, ntriples):
        self._update(_replace_update(graph, ntriples))
        self.generation += 1

    def drop_graph(self, graph):
        self.update(f"DROP SILENT GRAPH <{graph}> ; {_bump()}")

    def update(self, text):
        self._update(text)
        self.generation += 1

    def dump(self, fmt):
        # The graphs reportkg writes (under ID_BASE), not the catalog: an endpoint may hold graphs of its own
        # (Virtuoso: virtrdf#, ldp#, …) or of other applications. Read as SELECT results: Virtuoso's CONSTRUCT
        # output says nothing when ResultSetMaxRows cuts it short, and its literals need _canonical too.
        f = FORMATS[fmt]
        ours = f"FILTER(STRSTARTS(STR(?g), {ox.Literal(ID_BASE)}) && ?g != <{CATALOG}>)"
        if f in QUAD_FORMATS:
            rows = self.select_terms(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ours} }}")
            return ox.serialize([ox.Quad(x["s"], x["p"], x["o"], x["g"]) for x in rows], format=f)
        rows = self.select_terms(f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ours} }}")
        return ox.serialize([ox.Triple(x["s"], x["p"], x["o"]) for x in rows], format=f)

    def raw_query(self, query, accept):
        r = self._post_query(query, None, accept, template=False)
        media = r.headers.get("content-type", accept).split(";")[0].strip()
        return _canonical_body(r.content, media), media

    def close(self):
        self.http.close()


_BIND = re.compile(r"#BIND\b")
_GROUP_START = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.I)
_LATERAL = re.compile(r"\bLATERAL\s*\{")
_LATERAL_PROBE = "SELECT ?y WHERE { BIND(1 AS ?x) LATERAL { BIND(?x AS ?y) } }"
_SYNTAX_ERROR = re.compile(r"syntax|parse|pars(ing|er)|malformed|lateral|SP030|37000", re.I)   # Virtuoso: SP030
_VIRTUOSO_WRITTEN_ORDER = 'DEFINE sql:select-option "order"\n'      # Virtuoso's pragma: join in the written order


def _refuse_partial(r) -> None:
    """A StoreError for a result the endpoint cut short but answered 200 to (Virtuoso): ``X-SPARQL-MaxRows``
    when it stopped at ``[SPARQL] ResultSetMaxRows`` rows (sent only when the rows reached it), ``X-SQL-State:
    S1TAT`` when an "anytime" query stopped at ``MaxQueryExecutionTime`` with what it had. Part of a result
    would be a wrong answer (a lexicon missing names, an export missing triples)."""
    cap = r.headers.get("x-sparql-maxrows")
    if cap:
        raise StoreError(f"the SPARQL endpoint stopped at its limit of {cap} result rows "
                         "(Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
    if r.headers.get("x-sql-state", "").strip().upper() == "S1TAT":
        raise StoreError("the SPARQL endpoint ran out of time and returned part of the result "
                         f"({_first_line(r.headers.get('x-sql-message', ''))}); raise its query time limit")


_LEXICAL = {_XSD + "boolean": "boolean", _XSD + "decimal": "decimal", _XSD + "integer": "integer",
            _XSD + "double": "double", _XSD + "float": "double"}


def _canonical(term):
    """A term as the embedded store gives it (see :func:`_canonical_text`)."""
    if type(term) is not ox.Literal or not (term.language or term.datatype.value in _LEXICAL):
        return term
    text, lang = _canonical_text(term.value, term.datatype.value, term.language)
    if (text, lang) == (term.value, term.language):
        return term
    return ox.Literal(text, language=lang) if lang else ox.Literal(text, datatype=term.datatype)


def _canonical_text(text: str, datatype: str | None, lang: str | None) -> tuple[str, str | None]:
    """A literal's lexical form and language tag as Oxigraph writes them. Engines write the same value
    differently, and reportkg compares and prints lexical forms: Virtuoso sends booleans as "1"/"0" and doubles
    in C's %g ("1.1664e+12", "100.0", "1e-07"; Oxigraph: "1166400000000", "100", "0.0000001"). Numbers get
    Oxigraph's canonical forms (no exponent, no trailing fractional zeros, no leading zeros or "+"; a form that
    is no number is left as it is); language tags are lower-cased, as Oxigraph and Virtuoso store them
    ("zh-Hant" -> "zh-hant"), where another engine may keep the case it was given.
    Not recoverable here: Virtuoso 7.2 writes a double with 6 significant digits in every SELECT result format
    (openlink/virtuoso-opensource#1006). reportkg's figures are exact decimals (rk:value); the double is
    rk:normalizedValue, used to compare figures."""
    from decimal import Decimal, InvalidOperation
    if lang:
        return text, lang.lower()
    kind = _LEXICAL.get(datatype or "")
    try:
        if kind == "boolean":
            return {"1": "true", "0": "false"}.get(text.strip(), text), None
        if kind == "integer":
            return str(int(text)), None
        if kind == "decimal":
            return _plain_number(Decimal(text.strip())), None
        if kind == "double":
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                return ("NaN" if value != value else "INF" if value > 0 else "-INF"), None
            return ("-0" if value == 0 and repr(value)[0] == "-" else _plain_number(Decimal(repr(value)))), None
    except (ValueError, InvalidOperation):
        pass
    return text, lang


def _plain_number(d) -> str:
    """A Decimal's digits without exponent or trailing fractional zeros ("1.50" -> "1.5", "1234.0" -> "1234",
    "1E-7" -> "0.0000001"); any zero is "0"."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _canonical_body(body: bytes, media: str) -> bytes:
    """SPARQL JSON results or N-Triples (what ``raw_query`` is asked for) with their literals in canonical
    form; anything else, or anything unreadable, as it came (the caller reports unreadable results)."""
    import json
    try:
        if media in ("application/sparql-results+json", "application/json"):
            data = json.loads(body)
            for row in data.get("results", {}).get("bindings", []):
                for cell in row.values():
                    if cell.get("type") in ("literal", "typed-literal"):
                        text, lang = _canonical_text(cell["value"], cell.get("datatype"), cell.get("xml:lang"))
                        cell["value"] = text
                        if lang:
                            cell["xml:lang"] = lang
            return json.dumps(data, ensure_ascii=False).encode("utf-8")
        if media in ("application/n-triples", "text/plain"):
            triples = [ox.Triple(t.subject, t.predicate, _canonical(t.object))
                       for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    except (ValueError, SyntaxError, AttributeError, KeyError, TypeError):
        pass
    return body


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0][:200] if text else ""


def _with_values(query: str, bindings: dict[str, Any]) -> str:
    """The bound terms as a one-row VALUES block at the ``#BIND`` marker, else at the top of the query's WHERE
    (or ASK) group: the embedded store binds them before evaluating too, and Virtuoso refuses a trailing VALUES
    block of a variable the SELECT does not project ("SQ200: No column report")."""
    names = list(bindings)
    row = " ".join(str(_term(bindings[n])) for n in names)
    block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"
    if _BIND.search(query):
        return _BIND.sub(lambda _: block, query, count=1)
    m = _GROUP_START.search(query)
    if m:
        return f"{query[:m.end()]} {block}\n{query[m.end():]}"
    return query + "\n" + block


def default_store_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "reportkg" / "store"


def open_store(spec: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Open the store named by ``spec`` (a directory, ``:memory:`` or an http(s) SPARQL endpoint); with no
    spec ``$REPORTKG_STORE``, else the per-user data directory (:func:`default_store_dir`). The ontology and
    glossary graphs are loaded into a writable store; reports are not (``ingest.pipeline.open_store`` gives the
    default store the bundled reports)."""
    spec = str(spec) if spec else os.environ.get("REPORTKG_STORE") or str(default_store_dir())
    if spec.startswith(("http://", "https://")):
        q, _, u = spec.partition(" ")
        store: Store = RemoteStore(q, u or None)
    elif spec == ":memory:":
        store = OxigraphStore(None)
    else:
        store = OxigraphStore(spec, read_only=read_only)
    if not getattr(store, "read_only", False):
        store.ensure_vocab()
    return store
