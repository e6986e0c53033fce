"""SPARQL templates, prepared once. Bound variables are projected (Oxigraph substitutions need that) and
only ever receive RDF terms: IRIs resolved from the lexicon, typed literals for years."""
from __future__ import annotations

from kg.namespaces import sparql_prefixes

P = sparql_prefixes()

OBS_FIELDS = """?obs ?report ?reportTitle ?market ?metric ?region ?segment ?value ?valueText ?unit ?currency ?mult
  ?norm ?comparator ?status ?section ?sectionTitle ?quote ?line"""

# Every claim lives in its report's named graph, and the templates match inside it (GRAPH ?report):
# bound to one report, Oxigraph reads that graph's index alone instead of the union of every report
# (a report's charts at 10,000 reports: 278 ms -> 0.5 ms).
#
# A figure query names the observations by the slots a question binds (market, metric, region, year or
# period) and reads the rest of each row, with its evidence, in a LATERAL group: Oxigraph then follows
# each observation's own links instead of planning a join over every report's sections and quotes
# (a look-up at 10,000 reports: 150 ms -> 2 ms). A store whose engine lacks LATERAL (SPARQL 1.2 draft,
# SEP-0006) gets the same query as a plain join (kg/store.py), with the same answers.
_OBS_DETAIL = """
  LATERAL { GRAPH ?report {
    ?obs rk:report ?report ; rk:value ?value ; rk:valueText ?valueText ; rk:unitText ?unit ;
         sdmx-attribute:unitMeasure ?currency ; sdmx-attribute:unitMult ?mult ; rk:normalizedValue ?norm ;
         rk:comparator ?comparator ; sdmx-attribute:obsStatus ?status ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle .
    ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL { ?obs rk:segment ?segment }
  } }"""

# figures stated for a year (market size, rates, shares); bind any of ?market ?metric ?region ?year
FIGURES = P + f"""SELECT {OBS_FIELDS} ?year WHERE {{
  GRAPH ?report {{ ?obs rk:market ?market ; rk:metric ?metric ; sdmx-dimension:refArea ?region ; rk:year ?year }}{_OBS_DETAIL}
}}"""

# growth rates stated over a period (CAGR); bind ?market ?region ?metric
CAGRS = P + f"""SELECT {OBS_FIELDS} ?start ?end WHERE {{
  GRAPH ?report {{ ?obs rk:market ?market ; rk:metric ?metric ; sdmx-dimension:refArea ?region ;
                   rk:periodStart ?start ; rk:periodEnd ?end }}{_OBS_DETAIL}
}}"""

DEFINITIONS = P + """SELECT ?def ?concept ?label ?text ?deployment ?priority ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  GRAPH ?report {
    ?def a rk:Definition ; rk:definedConcept ?concept ; rk:label ?label ; rk:text ?text ; rk:report ?report ;
         prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL { ?def rk:deployment ?deployment }
    OPTIONAL { ?def rk:priority ?priority }
  }
}"""

DRIVERS = P + """SELECT ?driver ?order ?label ?text ?segment ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  GRAPH ?report {
    ?driver a rk:Driver ; rdfs:label ?label ; rk:text ?text ; rk:order ?order ; rk:report ?report ;
            prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL { ?driver rk:namesSegment ?segment }
  }
} ORDER BY ?report ?order"""

TRENDS = P + """SELECT ?trend ?text ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  GRAPH ?report {
    ?trend a rk:Trend ; rk:text ?text ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
  }
}"""

REPORTS = P + """SELECT ?report ?reportTitle ?publisher ?date ?contact WHERE {
  ?report a rk:Report ; dcterms:title ?reportTitle .
  OPTIONAL { ?report dcterms:publisher ?publisher }
  OPTIONAL { ?report dcterms:date ?date }
  OPTIONAL { ?report rk:contact ?contact }
}"""

# where the report states its publisher and date (the claim <report>/about); bind ?about
ABOUT = P + """SELECT ?about ?section ?sectionTitle ?quote ?line WHERE {
  ?about prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
}"""

SOURCES = P + """SELECT ?src ?item ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  GRAPH ?report {
    ?src a rk:Source ; rdfs:label ?item ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
  }
}"""

# OPTIONALs last: Oxigraph joins in written order, and required patterns after an OPTIONAL made this
# query 270x slower (2.4 s at 100 reports)
CHARTS = P + """SELECT ?chart ?title ?start ?end ?unit ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  GRAPH ?report {
    ?chart a rk:Chart ; dcterms:title ?title ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL { ?chart rk:periodStart ?start ; rk:periodEnd ?end }
    OPTIONAL { ?chart rk:chartUnit ?unit }
  }
}"""

REPORT_TITLE = P + """SELECT ?report ?reportTitle WHERE { ?report a rk:Report ; dcterms:title ?reportTitle . }"""
