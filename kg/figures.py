"""Every figure in the graph as rows (for the Figures table, CSV export and /api/figures)."""
from __future__ import annotations

import csv
import io

from .namespaces import sparql_prefixes
from .store import Store

FIGURES = sparql_prefixes() + """
SELECT ?obs ?report ?reportTitle ?metric ?market ?region ?segment ?year ?start ?end ?value ?valueText ?unit
       ?normalized ?comparator ?status ?section ?sectionTitle ?quote ?line WHERE {
  ?obs a qb:Observation ; rk:report ?r ; rk:metric ?m ; rk:value ?value ; rk:valueText ?valueText ;
       rk:unitText ?unit ; rk:normalizedValue ?normalized ; rk:comparator ?c ; sdmx-attribute:obsStatus ?st ;
       prov:wasDerivedFrom ?s ; rk:evidence ?ev .
  ?r dcterms:title ?reportTitle . BIND(STR(?r) AS ?report)
  ?m skos:prefLabel ?metric . FILTER(LANG(?metric) = "en")
  ?s dcterms:identifier ?section ; dcterms:title ?sectionTitle .
  ?ev oa:exact ?quote ; rk:line ?line .
  OPTIONAL { ?obs rk:market ?mk . ?mk skos:prefLabel ?market . FILTER(LANG(?market) = "zh" || NOT EXISTS { ?mk skos:prefLabel ?z . FILTER(LANG(?z) = "zh") }) }
  OPTIONAL { ?obs sdmx-dimension:refArea ?ra . ?ra skos:prefLabel ?region . FILTER(LANG(?region) = "en") }
  OPTIONAL { ?obs rk:segment ?sg . ?sg skos:prefLabel ?segment . FILTER(LANG(?segment) = "zh" || NOT EXISTS { ?sg skos:prefLabel ?z2 . FILTER(LANG(?z2) = "zh") }) }
  OPTIONAL { ?obs rk:year ?year }
  OPTIONAL { ?obs rk:periodStart ?start ; rk:periodEnd ?end }
  BIND(STRAFTER(STR(?c), "#") AS ?comparator)
  BIND(IF(?st = sdmx-code:obsStatus-F, "forecast", "actual") AS ?status)
} ORDER BY ?report ?section ?line ?obs"""

COLUMNS = ["report", "reportTitle", "metric", "market", "region", "segment", "year", "start", "end", "value",
           "valueText", "unit", "normalized", "comparator", "status", "section", "sectionTitle", "quote", "line"]


def figure_rows(store: Store) -> list[dict]:
    return store.select(FIGURES)


def figures_csv(store: Store) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore")
    w.writeheader()
    for r in figure_rows(store):
        w.writerow(r)
    return buf.getvalue()
