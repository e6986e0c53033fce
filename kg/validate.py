"""SHACL validation (kg/shapes.ttl) of a report's graph, with pyshacl."""
from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox

SHAPES = Path(__file__).with_name("shapes.ttl")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@functools.lru_cache(maxsize=1)
def _shapes():
    import rdflib
    return rdflib.Graph().parse(SHAPES, format="turtle")


def _rdflib_graph(quads: list[ox.Quad]):
    """The quads' triples as an rdflib Graph, term by term (no N-Triples text round trip)."""
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
    for q in quads:
        g.add((term(q.subject), term(q.predicate), term(q.object)))
    return g


def validate_quads(quads: list[ox.Quad]) -> tuple[bool, str]:
    """(conforms, first violations in one line) for one report's quads."""
    import rdflib
    from pyshacl import validate

    data = _rdflib_graph(quads)
    conforms, graph, _text = validate(data, shacl_graph=_shapes(), inference="none", advanced=True)
    if conforms:
        return True, ""
    from rdflib.namespace import SH
    msgs = []
    for r in graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = graph.value(r, SH.focusNode)
        path = graph.value(r, SH.resultPath)
        msg = graph.value(r, SH.resultMessage)
        msgs.append(f"{str(focus).rsplit('/', 2)[-2:]} {str(path).rsplit('#', 1)[-1] if path else ''}: {msg}")
    return False, f"{len(msgs)} violation(s): " + "; ".join(sorted(msgs)[:3])


def validate_store(store) -> dict[str, tuple[bool, str]]:
    """SHACL-validate every report graph in the store."""
    from .namespaces import sparql_prefixes
    out = {}
    for r in store.reports():
        rows = store.select_terms(sparql_prefixes() + "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  {"g": ox.NamedNode(r["report"])})
        out[r["report"]] = validate_quads([ox.Quad(x["s"], x["p"], x["o"], x["g"]) for x in rows])
    return out
