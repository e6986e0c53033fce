"""SHACL validation (kg/shapes.ttl) of a report's graph.

Two engines give the same verdict and the same violations (focus node, path, constraint component,
value, severity) on our shapes; ``tests/test_validate.py`` holds them to it on valid and broken graphs:

- ``turbo``: pyshacl-turbo, a Rust engine with pySHACL's API (Python >= 3.11). The shapes are compiled
  once per process and the report's N-Triples, the same bytes that are written to the store, are handed
  to it as they are: ~3 ms a report instead of ~11 ms to build an rdflib graph plus ~25 ms of pySHACL.
- ``pyshacl``: pure Python, used where pyshacl-turbo is not installed, and to word the violations of a
  graph that does not conform (its messages name the constraint, e.g. "Value is not Literal with
  datatype xsd:integer"; pyshacl-turbo's only say which component failed).

``REPORTKG_SHACL=pyshacl`` forces pySHACL.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pyoxigraph as ox

SHAPES = Path(__file__).with_name("shapes.ttl")
ENGINES = ("turbo", "pyshacl")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@functools.lru_cache(maxsize=1)
def _shapes():
    import rdflib
    return rdflib.Graph().parse(SHAPES, format="turtle")


@functools.lru_cache(maxsize=1)
def _turbo():
    """(compiled shapes, input type) or None when pyshacl-turbo is not installed."""
    try:
        import pyshacl_turbo
        # the engine's own input record: N-Triples text goes to Rust without becoming an rdflib graph
        # (a bytes or str argument would be parsed into one first). Pinned to 0.6.x in pyproject.toml.
        from pyshacl_turbo.rdf import Input
    except ImportError:
        return None
    return pyshacl_turbo.compile_shapes(_shapes(), advanced=True), Input


def default_engine() -> str:
    forced = os.environ.get("REPORTKG_SHACL", "").strip().lower()
    if forced in ENGINES and (forced == "pyshacl" or _turbo() is not None):
        return forced
    return "turbo" if _turbo() is not None else "pyshacl"


def warm() -> None:
    """Parse (and compile) the shapes now, e.g. in a worker before its first report."""
    _shapes()
    if default_engine() == "turbo":
        _turbo()


def _rdflib_graph(triples):
    """Triples (pyoxigraph) as an rdflib Graph, term by term (no N-Triples text round trip)."""
    import rdflib
    memo: dict = {}

    def term(t):
        r = memo.get(t)
        if r is None:
            if isinstance(t, ox.NamedNode):
                r = rdflib.URIRef(t.value)
            elif isinstance(t, ox.BlankNode):
                r = rdflib.BNode(t.value)
            elif t.language:
                r = rdflib.Literal(t.value, lang=t.language)
            elif t.datatype.value == _XSD_STRING:
                r = rdflib.Literal(t.value)
            else:
                r = rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
            memo[t] = r
        return r

    g = rdflib.Graph()
    for t in triples:
        g.add((term(t.subject), term(t.predicate), term(t.object)))
    return g


def report_graph(ntriples: bytes, engine: str):
    """(conforms, SHACL validation report as an rdflib Graph) from one engine."""
    if engine == "turbo":
        program, Input = _turbo()
        conforms, graph, _text = program.validate(Input(ntriples.decode("utf-8"), "nt", None, {}))
        return conforms, graph
    from pyshacl import validate
    data = _rdflib_graph(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    conforms, graph, _text = validate(data, shacl_graph=_shapes(), inference="none", advanced=True)
    return conforms, graph


def _summary(graph) -> str:
    import rdflib
    from rdflib.namespace import SH
    msgs = []
    for r in graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = graph.value(r, SH.focusNode)
        path = graph.value(r, SH.resultPath)
        msg = graph.value(r, SH.resultMessage)
        msgs.append(f"{str(focus).rsplit('/', 2)[-2:]} {str(path).rsplit('#', 1)[-1] if path else ''}: {msg}")
    return f"{len(msgs)} violation(s): " + "; ".join(sorted(msgs)[:3])


def validate_ntriples(ntriples: bytes, engine: str | None = None) -> tuple[bool, str]:
    """(conforms, first violations in one line) for one report's graph as N-Triples."""
    engine = engine or default_engine()
    conforms, graph = report_graph(ntriples, engine)
    if conforms:
        return True, ""
    if engine == "turbo":
        try:       # rare (a bug or a broken report): let pySHACL word the violations
            agrees, worded = report_graph(ntriples, "pyshacl")
        except ImportError:
            agrees = True
        if not agrees:
            graph = worded
    return False, _summary(graph)


def validate_quads(quads: list[ox.Quad], engine: str | None = None) -> tuple[bool, str]:
    """(conforms, first violations in one line) for one report's quads (their graph names are ignored)."""
    return validate_ntriples(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES), engine)


def validate_store(store) -> dict[str, tuple[bool, str]]:
    """SHACL-validate every report graph in the store."""
    from .namespaces import sparql_prefixes
    out = {}
    for r in store.reports():
        rows = store.select_terms(sparql_prefixes() + "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  {"g": ox.NamedNode(r["report"])})
        out[r["report"]] = validate_quads([ox.Quad(x["s"], x["p"], x["o"], x["g"]) for x in rows])
    return out
