"""SPARQL templates, prepared once. Bound variables are projected (Oxigraph substitutions need that) and
only ever receive RDF terms: IRIs resolved from the lexicon, typed literals for years."""
from __future__ import annotations

from kg.namespaces import sparql_prefixes

P = sparql_prefixes()

OBS_FIELDS = """?obs ?report ?reportTitle ?market ?metric ?region ?segment ?value ?valueText ?unit ?currency ?mult
  ?norm ?comparator ?status ?section ?sectionTitle ?quote ?line"""

_OBS_BODY = """
  ?obs rk:market ?market ; rk:metric ?metric ; rk:report ?report ; sdmx-dimension:refArea ?region ;
       rk:value ?value ; rk:valueText ?valueText ; rk:unitText ?unit ; sdmx-attribute:unitMeasure ?currency ;
       sdmx-attribute:unitMult ?mult ; rk:normalizedValue ?norm ; rk:comparator ?comparator ;
       sdmx-attribute:obsStatus ?status ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle .
  ?ev oa:exact ?quote ; rk:line ?line .
  OPTIONAL { ?obs rk:segment ?segment }"""

# figures stated for a year (market size, rates, shares); bind any of ?market ?metric ?region ?year
FIGURES = P + f"""SELECT {OBS_FIELDS} ?year WHERE {{{_OBS_BODY}
  ?obs rk:year ?year .
}}"""

# growth rates stated over a period (CAGR); bind ?market ?region
CAGRS = P + f"""SELECT {OBS_FIELDS} ?start ?end WHERE {{{_OBS_BODY}
  ?obs rk:periodStart ?start ; rk:periodEnd ?end .
}}"""

DEFINITIONS = P + """SELECT ?def ?concept ?label ?text ?deployment ?priority ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  ?def a rk:Definition ; rk:definedConcept ?concept ; rk:label ?label ; rk:text ?text ; rk:report ?report ;
       prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
  OPTIONAL { ?def rk:deployment ?deployment }
  OPTIONAL { ?def rk:priority ?priority }
}"""

DRIVERS = P + """SELECT ?driver ?order ?label ?text ?segment ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  ?driver a rk:Driver ; rdfs:label ?label ; rk:text ?text ; rk:order ?order ; rk:report ?report ;
          prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
  OPTIONAL { ?driver rk:namesSegment ?segment }
} ORDER BY ?report ?order"""

TRENDS = P + """SELECT ?trend ?text ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  ?trend a rk:Trend ; rk:text ?text ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
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
  ?src a rk:Source ; rdfs:label ?item ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
}"""

# OPTIONALs last: Oxigraph joins in written order, and required patterns after an OPTIONAL made this
# query 270x slower (2.4 s at 100 reports)
CHARTS = P + """SELECT ?chart ?title ?start ?end ?unit ?report ?reportTitle ?section ?sectionTitle ?quote ?line WHERE {
  ?chart a rk:Chart ; dcterms:title ?title ; rk:report ?report ; prov:wasDerivedFrom ?sec ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?sec dcterms:identifier ?section ; dcterms:title ?sectionTitle . ?ev oa:exact ?quote ; rk:line ?line .
  OPTIONAL { ?chart rk:periodStart ?start ; rk:periodEnd ?end }
  OPTIONAL { ?chart rk:chartUnit ?unit }
}"""

REPORT_TITLE = P + """SELECT ?report ?reportTitle WHERE { ?report a rk:Report ; dcterms:title ?reportTitle . }"""
