"""SHACL validation (kg/shapes.ttl) of a report's graph, with pyshacl."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

SHAPES = Path(__file__).with_name("shapes.ttl")


def validate_quads(quads: list[ox.Quad]) -> tuple[bool, str]:
    """(conforms, first violations in one line) for one report's quads."""
    import rdflib
    from pyshacl import validate

    data = rdflib.Graph()
    nt = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    data.parse(data=nt, format="nt")
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    conforms, graph, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
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
