"""Namespaces of the reportkg graph model.

Our own terms live in a closed ``DefinedNamespace`` (a typo is an error, not a silent new IRI);
``tests/test_namespaces.py`` checks the list against ``kg/ontology.ttl``.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, QB, RDF, RDFS, SKOS, XSD, DefinedNamespace, URIRef

RK_BASE = "https://w3id.org/reportkg/ns#"
ID_BASE = "https://w3id.org/reportkg/id/"
VOCAB_BASE = "https://w3id.org/reportkg/vocab/"


class RK(DefinedNamespace):
    """The reportkg ontology (kg/ontology.ttl)."""

    _fail = True
    _NS = Namespace(RK_BASE)

    # classes
    Report: URIRef
    Section: URIRef
    Market: URIRef
    Segment: URIRef
    Region: URIRef
    Metric: URIRef
    Term: URIRef
    Part: URIRef
    Driver: URIRef
    Trend: URIRef
    Chart: URIRef
    Source: URIRef
    Definition: URIRef
    Evidence: URIRef
    Comparator: URIRef
    # observation dimensions / attributes / measures
    market: URIRef
    segment: URIRef
    metric: URIRef
    year: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    value: URIRef
    valueText: URIRef
    unitText: URIRef
    normalizedValue: URIRef
    normalizedUnit: URIRef
    comparator: URIRef
    evidence: URIRef
    line: URIRef
    page: URIRef
    pageLabel: URIRef
    pages: URIRef
    issuer: URIRef
    consultant: URIRef
    documentKind: URIRef
    documentDate: URIRef
    minedPages: URIRef
    skippedPages: URIRef
    tableCell: URIRef
    Company: URIRef
    company: URIRef
    product: URIRef
    claimKind: URIRef
    subperiod: URIRef
    upperValue: URIRef
    report: URIRef
    # comparators
    eq: URIRef
    lt: URIRef
    gt: URIRef
    approx: URIRef
    # sections, drivers, definitions
    level: URIRef
    order: URIRef
    text: URIRef
    label: URIRef
    namesSegment: URIRef
    definedConcept: URIRef
    deployment: URIRef
    priority: URIRef
    chartUnit: URIRef
    dataInText: URIRef
    contact: URIRef
    contentHash: URIRef
    revision: URIRef
    code: URIRef
    unitKind: URIRef
    sourceFile: URIRef
    graphModel: URIRef
    sliceByMarketMetricArea: URIRef
    # units
    CNY: URIRef
    USD: URIRef
    TWD: URIRef
    EUR: URIRef
    JPY: URIRef
    HKD: URIRef
    GBP: URIRef
    KRW: URIRef
    INR: URIRef
    percent: URIRef
    units: URIRef


SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATT = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
OA = Namespace("http://www.w3.org/ns/oa#")
RKV = Namespace(VOCAB_BASE)
ID = Namespace(ID_BASE)

# the glossary's canonical metrics (kg/vocab.ttl) that rules refer to
METRIC_MARKET_SIZE = VOCAB_BASE + "metric-market-size"
METRIC_CAGR = VOCAB_BASE + "metric-cagr"
METRIC_SHARE = VOCAB_BASE + "metric-market-share"
METRIC_GROWTH = VOCAB_BASE + "metric-growth-rate"
REGION_GLOBAL = VOCAB_BASE + "region-global"



def slice_iri(market: str, metric: str, region: str) -> str:
    """The Data Cube slice holding a market's figures of one metric in one region, across years and segments
    (rk:sliceByMarketMetricArea). Shared by every report that states such figures: each report's graph links
    its own observations to it, so 'the German cybersecurity market size' is one index look-up however many
    reports there are."""
    return f"{ID_BASE}slice/{market.rsplit('/', 1)[-1]}/{metric.rsplit('/', 1)[-1]}/{region.rsplit('/', 1)[-1]}"


ONTOLOGY_GRAPH = URIRef(ID_BASE + "graph/ontology")
VOCAB_GRAPH = URIRef(ID_BASE + "graph/vocab")

STATUS_ACTUAL = SDMX_CODE["obsStatus-A"]
STATUS_FORECAST = SDMX_CODE["obsStatus-F"]
STATUS_ESTIMATE = SDMX_CODE["obsStatus-E"]

PREFIXES = {
    "rk": RK_BASE,
    "rkv": VOCAB_BASE,
    "rkid": ID_BASE,
    "qb": str(QB),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "oa": str(OA),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "sdmx-dimension": str(SDMX_DIM),
    "sdmx-attribute": str(SDMX_ATT),
    "sdmx-code": str(SDMX_CODE),
}


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


# A quote's page (?page, and ?pageLabel where the printed number differs) for queries that bind its evidence
# node to ?ev: optional, since text reports have no pages; put after the required patterns (Oxigraph joins
# in written order)
EVIDENCE_PAGE = "\n    OPTIONAL { ?ev rk:page ?page }\n    OPTIONAL { ?ev rk:pageLabel ?pageLabel }"


__all__ = [
    "RK", "RKV", "ID", "SDMX_DIM", "SDMX_ATT", "SDMX_CODE", "OA", "QB", "SKOS", "DCTERMS", "PROV", "RDF",
    "RDFS", "XSD", "PREFIXES", "sparql_prefixes", "EVIDENCE_PAGE", "ONTOLOGY_GRAPH", "VOCAB_GRAPH", "STATUS_ACTUAL",
    "STATUS_FORECAST", "STATUS_ESTIMATE",
]
