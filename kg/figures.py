"""Every figure in the graph as rows (for the Figures table, CSV export and /api/figures).

Labels are looked up apart from the observations: in a union default graph a market's labels repeat
once per report graph, and joining them into the observation query multiplied its rows by the number
of reports sharing the market (it stalled on 1,000 reports).
"""
from __future__ import annotations

import csv
import io

from .namespaces import sparql_prefixes
from .store import Store

P = sparql_prefixes()

OBSERVATIONS = P + """
SELECT ?obs ?report ?reportTitle ?m ?mk ?ra ?sg ?year ?start ?end ?value ?valueText ?unit ?normalized ?c ?st
       ?section ?sectionTitle ?quote ?line WHERE {
  ?obs a qb:Observation ; rk:report ?report ; rk:metric ?m ; rk:value ?value ; rk:valueText ?valueText ;
       rk:unitText ?unit ; rk:normalizedValue ?normalized ; rk:comparator ?c ; sdmx-attribute:obsStatus ?st ;
       prov:wasDerivedFrom ?s ; rk:evidence ?ev .
  ?report dcterms:title ?reportTitle .
  ?s dcterms:identifier ?section ; dcterms:title ?sectionTitle .
  ?ev oa:exact ?quote ; rk:line ?line .
  OPTIONAL { ?obs rk:market ?mk }
  OPTIONAL { ?obs sdmx-dimension:refArea ?ra }
  OPTIONAL { ?obs rk:segment ?sg }
  OPTIONAL { ?obs rk:year ?year }
  OPTIONAL { ?obs rk:periodStart ?start ; rk:periodEnd ?end }
}"""

LABELS = P + """
SELECT DISTINCT ?c ?label WHERE {
  VALUES ?kind { rk:Market rk:Segment rk:Region rk:Metric }
  ?c a ?kind ; skos:prefLabel ?label .
}"""

COLUMNS = ["report", "reportTitle", "metric", "market", "region", "segment", "year", "start", "end", "value",
           "valueText", "unit", "normalized", "comparator", "status", "section", "sectionTitle", "quote", "line"]


def _labels(store: Store) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r in store.select_terms(LABELS):
        lang = (r["label"].language or "en").lower()
        out.setdefault(r["c"].value, {}).setdefault("zh" if lang.startswith("zh") else lang, r["label"].value)
    return out


def figure_rows(store: Store) -> list[dict]:
    labels = _labels(store)

    def label(iri, prefer):
        if not iri:
            return None
        ls = labels.get(iri, {})
        return ls.get(prefer) or ls.get("en") or ls.get("zh") or iri.rsplit("/", 1)[-1]

    rows = []
    for r in store.select(OBSERVATIONS):
        row = {k: r[k] for k in ("obs", "report", "reportTitle", "year", "start", "end", "value", "valueText", "unit",
                                 "normalized", "section", "sectionTitle", "quote", "line") if k in r}
        row.update(metric=label(r["m"], "en"), market=label(r.get("mk"), "zh"), region=label(r.get("ra"), "en"),
                   segment=label(r.get("sg"), "zh"), comparator=r["c"].rsplit("#", 1)[-1],
                   status="forecast" if r["st"].endswith("obsStatus-F") else "actual")
        rows.append({k: v for k, v in row.items() if v is not None})
    rows.sort(key=lambda x: (x["report"], str(x["section"]), x["line"], x["obs"]))
    return rows


def figures_csv(store: Store) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore")
    w.writeheader()
    for r in figure_rows(store):
        w.writerow(r)
    return buf.getvalue()
