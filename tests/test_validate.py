"""SHACL validation: pyshacl-turbo (the ingest hot path) and pySHACL agree, on valid and on broken graphs."""
from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from conftest import ALL_REPORTS, SEED
from ingest.pipeline import read_claims
from ingest.to_rdf import to_quads
from kg import namespaces as ns
from kg.validate import report_graph, validate_ntriples

pytest.importorskip("pyshacl_turbo")

_N = ox.NamedNode
EX = "https://example.org/"


def _violations(graph) -> set[tuple]:
    """Each result as (focus node, path, constraint component, value, severity); blank nodes as '_'."""
    import rdflib
    from rdflib.namespace import SH

    def s(t):
        return None if t is None else "_" if isinstance(t, rdflib.BNode) else str(t)
    return {tuple(s(graph.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent,
                                                 SH.value, SH.resultSeverity))
            for r in graph.subjects(rdflib.RDF.type, SH.ValidationResult)}


def _engines(triples: list[ox.Triple]) -> tuple[tuple, tuple]:
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    out = []
    for engine in ("turbo", "pyshacl"):
        conforms, graph = report_graph(nt, engine)
        out.append((conforms, _violations(graph)))
    return out[0], out[1]


STILL_VALID = {"period instead of year"}      # every other case breaks a shape


@pytest.fixture(scope="module")
def seed_triples() -> list[ox.Triple]:
    _rep, quads = to_quads(*read_claims(SEED), SEED)
    return [q.triple for q in quads]


def _lit(value: str, dtype=None, lang=None) -> ox.Literal:
    return ox.Literal(value, datatype=_N(str(dtype))) if dtype else ox.Literal(value, language=lang)


def _broken(triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """One broken graph per constraint in kg/shapes.ttl (and a few ways around them)."""
    types = {}
    for t in triples:
        if t.predicate == _N(str(ns.RDF.type)):
            types.setdefault(t.subject, set()).add(t.object.value)

    def first(pred, of_type=None) -> ox.Triple:
        """The first triple with this predicate whose subject has this type (an observation's evidence
        for oa: predicates: the report's own evidence is not checked by a shape)."""
        if str(pred).startswith(str(ns.OA)) or pred == ns.RK.line:
            return next(t for t in triples if t.predicate.value == str(pred) and t.subject.value.endswith("/obs/1/evidence"))
        return next(t for t in triples if t.predicate.value == str(pred)
                    and (of_type is None or str(of_type) in types.get(t.subject, ())))

    def drop(pred, of_type=None):
        gone = first(pred, of_type)
        return [t for t in triples if t != gone]

    def add(pred, obj, of_type=None):
        return triples + [ox.Triple(first(pred, of_type).subject, _N(str(pred)), obj)]

    def swap(pred, obj, of_type=None):
        old = first(pred, of_type)
        return [t for t in triples if t != old] + [ox.Triple(old.subject, old.predicate, obj)]

    year = first(ns.RK.year)
    start = ox.Triple(year.subject, _N(str(ns.RK.periodStart)), _lit("2020", ns.XSD.integer))
    end = ox.Triple(year.subject, _N(str(ns.RK.periodEnd)), _lit("2024", ns.XSD.integer))
    market = first(ns.RK.market).object
    return {
        "report without title": drop(ns.DCTERMS.title, ns.RK.Report),
        "report with two hashes": add(ns.RK.contentHash, _lit("x"), ns.RK.Report),
        "section without identifier": drop(ns.DCTERMS.identifier, ns.RK.Section),
        "section with two identifiers": add(ns.DCTERMS.identifier, _lit("9.9"), ns.RK.Section),
        "section without parent": drop(ns.DCTERMS.isPartOf, ns.RK.Section),
        "level as a string": swap(ns.RK.level, _lit("1"), ns.RK.Section),
        "level as xsd:int": swap(ns.RK.level, _lit("1", ns.XSD.int), ns.RK.Section),
        "level ill-typed": swap(ns.RK.level, _lit("one", ns.XSD.integer), ns.RK.Section),
        "observation without dataset": drop(ns.QB.dataSet),
        "metric as a literal": swap(ns.RK.metric, _lit("market size"), ns.QB.Observation),
        "metric as a blank node": swap(ns.RK.metric, ox.BlankNode("m"), ns.QB.Observation),
        "market of another class": swap(ns.RK.market, _N(EX + "not-a-market"), ns.QB.Observation),
        "segment of another class": swap(ns.RK.segment, _N(EX + "not-a-segment")),
        "region as a literal": swap(ns.SDMX_DIM.refArea, _lit("global"), ns.QB.Observation),
        "value as a double": swap(ns.RK.value, _lit("1.0", ns.XSD.double)),
        "value as an integer": swap(ns.RK.value, _lit("1", ns.XSD.integer)),
        "value ill-typed": swap(ns.RK.value, _lit("abc", ns.XSD.decimal)),
        "two values": add(ns.RK.value, _lit("2.0", ns.XSD.decimal)),
        "slice without structure": drop(ns.QB.sliceStructure),
        "slice without market": drop(ns.RK.market, ns.QB.Slice),
        "slice of a non-market": swap(ns.RK.market, _N(EX + "not-a-market"), ns.QB.Slice),
        "slice metric as a literal": swap(ns.RK.metric, _lit("market size"), ns.QB.Slice),
        "slice region as a literal": swap(ns.SDMX_DIM.refArea, _lit("global"), ns.QB.Slice),
        "slice of a non-observation": swap(ns.QB.observation, _N(EX + "not-an-observation")),
        "no value text": drop(ns.RK.valueText),
        "no unit text": drop(ns.RK.unitText),
        "normalised value as a decimal": swap(ns.RK.normalizedValue, _lit("1.0", ns.XSD.decimal)),
        "no unit": drop(ns.SDMX_ATT.unitMeasure),
        "unit multiplier as a string": swap(ns.SDMX_ATT.unitMult, _lit("8")),
        "no status": drop(ns.SDMX_ATT.obsStatus),
        "comparator outside the list": swap(ns.RK.comparator, _N(str(ns.RK) + "ge")),
        "comparator as a literal": swap(ns.RK.comparator, _lit("eq")),
        "two comparators": add(ns.RK.comparator, _N(str(ns.RK.lt))),
        "derived from a non-section": swap(ns.PROV.wasDerivedFrom, _N(EX + "nowhere"), ns.QB.Observation),
        "observation without evidence": drop(ns.RK.evidence, ns.QB.Observation),
        "evidence without quote": drop(ns.OA.exact),
        "evidence with empty quote": swap(ns.OA.exact, _lit("", lang="zh")),
        "evidence with two quotes": add(ns.OA.exact, _lit("another", lang="en")),
        "evidence start as a string": swap(ns.OA.start, _lit("3")),
        "evidence without end": drop(ns.OA.end),
        "evidence without line": drop(ns.RK.line),
        "neither year nor period": drop(ns.RK.year),
        "period start only": [t for t in triples if t != year] + [start],
        "period instead of year": [t for t in triples if t != year] + [start, end],
        "two years": add(ns.RK.year, _lit("1999", ns.XSD.integer)),
        "market without label": [t for t in triples
                                 if not (t.subject == market and t.predicate == _N(str(ns.SKOS.prefLabel)))],
        "two Chinese labels": add(ns.SKOS.prefLabel, _lit("另一个市场", lang="zh"), ns.RK.Market),
        "segment without market": drop(ns.SKOS.broader),
        "segment under a non-market": swap(ns.SKOS.broader, _N(EX + "not-a-market")),
        "driver without label": drop(ns.RDFS.label, ns.RK.Driver),
        "driver without text": drop(ns.RK.text, ns.RK.Driver),
        "definition of two concepts": add(ns.RK.definedConcept, _N(EX + "other")),
        "definition of nothing": drop(ns.RK.definedConcept),
        "source without evidence": drop(ns.RK.evidence, ns.RK.Source),
        "section by subclass": swap(ns.PROV.wasDerivedFrom, _N(EX + "sub"), ns.QB.Observation) + [
            ox.Triple(_N(EX + "sub"), _N(str(ns.RDF.type)), _N(EX + "SubSection")),
            ox.Triple(_N(EX + "SubSection"), _N(str(ns.RDFS.subClassOf)), _N(str(ns.RK.Section)))],
        "untitled report by subclass": triples + [
            ox.Triple(_N(EX + "r2"), _N(str(ns.RDF.type)), _N(EX + "SubReport")),
            ox.Triple(_N(EX + "SubReport"), _N(str(ns.RDFS.subClassOf)), _N(str(ns.RK.Report)))],
    }


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_engines_agree_on_valid_reports(path):
    _rep, quads = to_quads(*read_claims(path), path)
    turbo, pyshacl = _engines([q.triple for q in quads])
    assert turbo == pyshacl == (True, set())


def test_engines_agree_on_broken_graphs(seed_triples):
    cases = _broken(seed_triples)
    for name, triples in cases.items():
        turbo, pyshacl = _engines(triples)
        assert turbo == pyshacl, name
        assert pyshacl[0] == (name in STILL_VALID), name


def test_engines_agree_on_random_damage(seed_triples):
    rnd = random.Random(20240501)
    n = len(seed_triples)
    for i in range(30):
        k, j = rnd.randrange(n), rnd.randrange(n)
        dropped = seed_triples[:k] + seed_triples[k + 1:]
        t = seed_triples[k]
        swapped = seed_triples[:k] + [ox.Triple(t.subject, t.predicate, seed_triples[j].object)] + seed_triples[k + 1:]
        for name, triples in ((f"drop {t}", dropped), (f"object of {t} from {seed_triples[j]}", swapped)):
            turbo, pyshacl = _engines(triples)
            assert turbo == pyshacl, name


def test_violations_are_worded_the_same_by_either_engine(seed_triples):
    triples = _broken(seed_triples)["level as xsd:int"]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    turbo, pyshacl = validate_ntriples(nt, "turbo"), validate_ntriples(nt, "pyshacl")
    assert turbo == pyshacl
    assert not turbo[0] and "1 violation(s)" in turbo[1] and "xsd:integer" in turbo[1]
