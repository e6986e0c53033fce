"""Consistency checks over the graph: segments vs stated total, stated CAGR vs the CAGR implied by figures."""
from __future__ import annotations

from dataclasses import dataclass, field

from .namespaces import EVIDENCE_PAGE, METRIC_CAGR, METRIC_MARKET_SIZE, slice_iri, sparql_prefixes
from .store import Store

P = sparql_prefixes()

# The observations are found by market (and report), or by their market-metric-region slice, in each
# report's graph, then read one by one (LATERAL): see qa/queries.py for why Oxigraph needs this shape at
# thousands of reports.
def _figures(anchor: str) -> str:
    return P + f"""
SELECT ?obs ?report ?market ?region ?segment ?year ?value ?norm ?unit ?status ?sec ?secTitle ?quote ?line ?page
       ?pageLabel WHERE {{
  GRAPH ?report {{ {anchor} }}
  LATERAL {{ GRAPH ?report {{
    ?obs a qb:Observation ; rk:report ?report ; rk:value ?value ; rk:normalizedValue ?norm ; rk:unitText ?unit ;
         sdmx-attribute:obsStatus ?status ; prov:wasDerivedFrom ?s ; rk:evidence ?ev .
    ?s dcterms:identifier ?sec ; dcterms:title ?secTitle .
    ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL {{ ?obs sdmx-dimension:refArea ?region }}
    OPTIONAL {{ ?obs rk:segment ?segment }}{EVIDENCE_PAGE}
  }} }}
}}"""


def _cagrs(anchor: str) -> str:
    return P + f"""
SELECT ?obs ?report ?market ?region ?start ?end ?value ?sec ?secTitle ?quote ?line ?page ?pageLabel WHERE {{
  GRAPH ?report {{ {anchor} }}
  LATERAL {{ GRAPH ?report {{
    ?obs a qb:Observation ; rk:report ?report ; rk:value ?value ; prov:wasDerivedFrom ?s ; rk:evidence ?ev .
    ?s dcterms:identifier ?sec ; dcterms:title ?secTitle . ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL {{ ?obs sdmx-dimension:refArea ?region }}{EVIDENCE_PAGE}
    FILTER NOT EXISTS {{ ?obs rk:segment ?anySeg }}
  }} }}
}}"""


FIGURES = _figures("?obs rk:market ?market ; rk:metric rkv:metric-market-size ; rk:year ?year")
CAGRS = _cagrs("?obs rk:market ?market ; rk:periodStart ?start ; rk:periodEnd ?end")
# bind ?slice (kg.namespaces.slice_iri), ?market and ?region
FIGURES_IN_SLICE = _figures("?slice qb:observation ?obs . ?obs rk:year ?year")
CAGRS_IN_SLICE = _cagrs("?slice qb:observation ?obs . ?obs rk:periodStart ?start ; rk:periodEnd ?end")


@dataclass
class Finding:
    kind: str                 # segments_vs_total | cagr
    ok: bool
    report: str
    market: str
    region: str | None
    year: int | None
    stated: float
    computed: float
    unit: str
    detail: str
    used: list[dict] = field(default_factory=list)   # the figures used (rows of FIGURES / CAGRS)


def _rows(store: Store, cagr: bool, market: str | None, report: str | None, region: str | None) -> list[dict]:
    """Market-size figures (or stated CAGRs) of a market, report and/or region."""
    import pyoxigraph as ox
    bind = {"market": market, "report": report}
    if market and region:
        metric = METRIC_CAGR if cagr else METRIC_MARKET_SIZE
        template = CAGRS_IN_SLICE if cagr else FIGURES_IN_SLICE
        bind.update(region=region, slice=slice_iri(market, metric, region))
    else:
        template = CAGRS if cagr else FIGURES
    return store.select(template, {k: ox.NamedNode(v) for k, v in bind.items() if v})


def segment_sums(store: Store, market: str | None = None, report: str | None = None,
                 region: str | None = None) -> list[Finding]:
    """Segments vs their stated total, exact to the precision the figures are written in."""
    rows = _rows(store, False, market, report, region)
    out = []
    totals, seen = [], set()
    segments: dict[tuple, list[dict]] = {}
    for r in rows:              # a figure stated twice (summary and body, text and table) counts once
        key = (_where(r), r.get("segment"), r["norm"])
        if key in seen:
            continue
        seen.add(key)
        if "segment" in r:
            segments.setdefault(_where(r), []).append(r)
        else:
            totals.append(r)
    for t in totals:
        parts = segments.get(_where(t), [])
        if len(parts) < 2:
            continue
        total = sum(p["norm"] for p in parts)
        scale = t["norm"] / t["value"] if t["value"] else 1
        computed = round(total / scale, 6)
        decimals = max(_decimals(r["value"]) for r in [t] + parts)
        ok = abs(computed - t["value"]) < 0.5 * 10 ** -decimals
        out.append(Finding("segments_vs_total", ok, t["report"], t["market"], t.get("region"), t["year"],
                           t["value"], computed, t["unit"],
                           f"segments sum to {computed:,.10g} {t['unit']} against a stated total of {t['value']:,.10g} {t['unit']}"
                           f" (difference {computed - t['value']:+,.10g})", [t] + parts))
    return out


def implied_cagrs(store: Store, tolerance_pp: float = 0.3, market: str | None = None,
                  report: str | None = None, region: str | None = None) -> list[Finding]:
    figs: dict[tuple, dict] = {}
    for r in _rows(store, False, market, report, region):
        if "segment" not in r:
            figs.setdefault(_where(r), r)
    out = []
    for c in _rows(store, True, market, report, region):
        start = figs.get(_where(c, c["start"]))
        end = figs.get(_where(c, c["end"]))
        if not start or not end or start["norm"] <= 0:
            continue
        n = c["end"] - c["start"]
        implied = ((end["norm"] / start["norm"]) ** (1 / n) - 1) * 100
        ok = abs(implied - c["value"]) <= tolerance_pp
        out.append(Finding("cagr", ok, c["report"], c["market"], c.get("region"), None, c["value"], round(implied, 2), "%",
                           f"stated CAGR {c['value']}% ({c['start']}-{c['end']}); implied by "
                           f"{start['value']:,.10g} -> {end['value']:,.10g} {start['unit']}: {implied:.2f}%", [c, start, end]))
    return out


def _where(r: dict, year: int | None = None) -> tuple:
    """What a total, its segments and a CAGR's end points share: report, market, region and year."""
    return r["report"], r["market"], r.get("region"), r["year"] if year is None else year


def _decimals(x: float) -> int:
    s = repr(float(x))
    return 0 if s.endswith(".0") else len(s.split(".")[1])
