"""SPARQL templates, prepared once. Bound variables are projected (Oxigraph substitutions need that) and
only ever receive RDF terms: IRIs resolved from the lexicon, typed literals for years."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from kg.namespaces import EVIDENCE_PAGE, sparql_prefixes

P = sparql_prefixes()

# Every claim lives in its report's named graph, and the templates match inside it (GRAPH ?report):
# bound to one report, Oxigraph reads that graph's index alone instead of the union of every report
# (a report's charts at 10,000 reports: 278 ms -> 0.5 ms).
#
# A figure look-up takes two steps. OBSERVATIONS finds the observations by the slots a question binds
# (market, metric, region, year or period; only the totals or one segment when that is what it asks), then
# each observation's own triples, and those of its section, quote and report, are read by subject
# (Store.describe: index look-ups on the embedded store, one VALUES query on a remote one). One query
# joining all of it made Oxigraph plan a join over every report's sections and quotes (150 ms at 10,000
# reports), and even written as a LATERAL join it cost ~0.4 ms to plan and ~0.2 ms a row.
_ANCHORS = {
    # bind any of ?market ?metric ?region
    "dims": "?obs rk:market ?market ; rk:metric ?metric ; sdmx-dimension:refArea ?region",
    # no region asked: every observation of the market and metric, placed in a region or not (a figure whose text
    # names no place, in a report whose title names none: '2024年全國營運中工廠總營收達21.9兆元')
    "anywhere": "?obs rk:market ?market ; rk:metric ?metric",
    # market, metric and region all bound: the observations of their Data Cube slice (kg.namespaces.slice_iri)
    "slice": "?slice qb:observation ?obs",
}
_WHEN = {"year": " . ?obs rk:year ?year",                                      # bind ?year or not
         "period": " . ?obs rk:periodStart ?start ; rk:periodEnd ?end"}      # a CAGR's period
_PARTS = {"any": "",
          "total": " FILTER NOT EXISTS { ?obs rk:segment ?anySegment }",      # the market as a whole
          "segment": " . ?obs rk:segment ?segment"}                           # bind ?segment


@functools.lru_cache(maxsize=None)
def observations(anchor: str = "dims", when: str = "year", part: str = "any") -> str:
    """The observations (and their reports) stated for a year (market sizes, rates, shares) or over a period
    (CAGRs) that match the bound slots."""
    return P + f"""SELECT ?obs ?report WHERE {{
  GRAPH ?report {{ {_ANCHORS[anchor]}{_WHEN[when]}{_PARTS[part]} }}
}}"""


# the observations of a company (bind ?company) or of every company, at most 2,000
COMPANY_OBSERVATIONS = P + """SELECT ?obs ?report WHERE { GRAPH ?report { ?obs rk:company ?company } } LIMIT 2000"""


_CITED = """?report ?reportTitle ?section ?sectionTitle ?quote ?line ?page ?pageLabel"""


def _in_report(select: str, claim: str, optional: str = "", tail: str = "") -> str:
    """A per-report template: the claim pattern and its evidence (report title, section, quote) matched
    inside the report's graph; bind ?report."""
    return P + f"""SELECT {select} {_CITED} WHERE {{
  GRAPH ?report {{
    {claim} ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .{optional}{EVIDENCE_PAGE}
  }}
}}{tail}"""


DEFINITIONS = _in_report("?def ?concept ?label ?text ?deployment ?priority",
                         "?def a rk:Definition ; rk:definedConcept ?concept ; rk:label ?label ; rk:text ?text",
                         "\n    OPTIONAL { ?def rk:deployment ?deployment }\n    OPTIONAL { ?def rk:priority ?priority }")

DRIVERS = _in_report("?driver ?order ?label ?text ?segment",
                     "?driver a rk:Driver ; rdfs:label ?label ; rk:text ?text ; rk:order ?order",
                     "\n    OPTIONAL { ?driver rk:namesSegment ?segment }", " ORDER BY ?report ?order")

TRENDS = _in_report("?trend ?text", "?trend a rk:Trend ; rk:text ?text")

REPORTS = P + """SELECT ?report ?reportTitle ?publisher ?date ?contact WHERE {
  ?report a rk:Report ; dcterms:title ?reportTitle .
  OPTIONAL { ?report dcterms:publisher ?publisher }
  OPTIONAL { ?report dcterms:date ?date }
  OPTIONAL { ?report rk:contact ?contact }
}"""

# where the report states its publisher and date (the claim <report>/about); bind ?about
ABOUT = P + """SELECT ?about ?section ?sectionTitle ?quote ?line ?page ?pageLabel WHERE {
  ?about prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .""" + EVIDENCE_PAGE + """
}"""

SOURCES = _in_report("?src ?item", "?src a rk:Source ; rdfs:label ?item")

# OPTIONALs last: Oxigraph joins in written order, and required patterns after an OPTIONAL made this
# query 270x slower (2.4 s at 100 reports)
CHARTS = _in_report("?chart ?title ?start ?end ?unit", "?chart a rk:Chart ; dcterms:title ?title",
                    "\n    OPTIONAL { ?chart rk:periodStart ?start ; rk:periodEnd ?end }"
                    "\n    OPTIONAL { ?chart rk:chartUnit ?unit }")

REPORT_TITLE = P + """SELECT ?report ?reportTitle WHERE { ?report a rk:Report ; dcterms:title ?reportTitle . }"""


# The same claims read in two steps, like figures (qa/common.py Context.claims): the claims of a type in a
# report's graph, then their triples and their citations' by subject. A per-report template cost ~0.8 ms
# to plan each time, ten times its reading; the templates above stay what a reader is shown and what runs
# when every report is asked at once.
@dataclass(frozen=True)
class ClaimSpec:
    kind: str                                    # the claims' class
    var: str                                     # the claim's variable in the template
    one: tuple[tuple[str, str], ...] = ()        # (variable, predicate): one value each
    many: tuple[tuple[str, str], ...] = ()       # (variable, predicate): a row per value, as the template's join
    optional: frozenset = frozenset()            # variables the template matches in an OPTIONAL
    order: str | None = None                     # the variable the template orders by (after the report)


_RK, _RDFS, _DCT = "https://w3id.org/reportkg/ns#", "http://www.w3.org/2000/01/rdf-schema#", "http://purl.org/dc/terms/"
CLAIMS_OF_KIND = P + """SELECT ?claim WHERE { GRAPH ?report { ?claim a ?kind } }"""
CLAIM_SPECS = {
    DEFINITIONS: ClaimSpec(_RK + "Definition", "def",
                           (("concept", _RK + "definedConcept"), ("label", _RK + "label"), ("text", _RK + "text")),
                           (("deployment", _RK + "deployment"), ("priority", _RK + "priority")),
                           frozenset({"deployment", "priority"})),
    DRIVERS: ClaimSpec(_RK + "Driver", "driver",
                       (("order", _RK + "order"), ("label", _RDFS + "label"), ("text", _RK + "text")),
                       (("segment", _RK + "namesSegment"),), frozenset({"segment"}), order="order"),
    TRENDS: ClaimSpec(_RK + "Trend", "trend", (("text", _RK + "text"),)),
    SOURCES: ClaimSpec(_RK + "Source", "src", (), (("item", _RDFS + "label"),)),
    CHARTS: ClaimSpec(_RK + "Chart", "chart", (("title", _DCT + "title"), ("start", _RK + "periodStart"),
                                               ("end", _RK + "periodEnd"), ("unit", _RK + "chartUnit")),
                      optional=frozenset({"start", "end", "unit"})),
}
