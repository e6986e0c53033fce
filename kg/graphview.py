"""Views of the graph for people: a networkx graph of what links to what, a neighbourhood drawn as SVG,
and the evidence view (a section's text with a quoted sentence marked).

The networkx view keeps the entities a reader cares about (reports, sections, markets, segments,
regions, metrics, drivers, trends, definitions, figures) and the links between them; class and scheme
bookkeeping (``rdf:type``, ``skos:inScheme``, ``qb:dataSet`` …) becomes node attributes or is left out.
All text placed in SVG/HTML is escaped here.
"""
from __future__ import annotations

import html
import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .namespaces import ONTOLOGY_GRAPH, PREFIXES

RK = PREFIXES["rk"]
QB = PREFIXES["qb"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"

KINDS = {   # class IRI -> kind shown to people (first match wins, in this order)
    RK + "Report": "report", RK + "Section": "section", RK + "Market": "market", RK + "Segment": "segment",
    RK + "Region": "region", RK + "Metric": "metric", RK + "Driver": "driver", RK + "Trend": "trend",
    RK + "Definition": "definition", RK + "Source": "source", RK + "Chart": "chart", QB + "Observation": "figure",
    RK + "Term": "term",
}
KIND_ORDER = ["report", "market", "segment", "region", "metric", "driver", "trend", "definition", "section",
              "source", "chart", "term", "figure", "other"]
COLOURS = {"report": "#4c566a", "section": "#5e81ac", "market": "#bf616a", "segment": "#d08770",
           "region": "#a3be8c", "metric": "#b48ead", "driver": "#ebcb8b", "trend": "#88c0d0",
           "definition": "#8fbcbb", "figure": "#81a1c1", "source": "#999999", "chart": "#999999",
           "term": "#c0c0c0", "other": "#c0c0c0"}
SKIP_PREDICATES = {RDF_TYPE, SKOS + "inScheme", SKOS + "topConceptOf", QB + "dataSet", RK + "evidence",
                   RK + "comparator", PREFIXES["sdmx-attribute"] + "unitMeasure",
                   PREFIXES["sdmx-attribute"] + "obsStatus", RK + "unitKind"}
LABEL_PREDICATES = [SKOS + "prefLabel", PREFIXES["dcterms"] + "title", PREFIXES["rdfs"] + "label", RK + "label",
                    SKOS + "definition", RK + "text"]

_GRAPH_QUERY = f"""
SELECT ?s ?p ?o ?g WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && ?g != <{ONTOLOGY_GRAPH}>)
}}"""
_LABEL_QUERY = """
SELECT ?x ?p ?label WHERE {
  VALUES ?p { <%s> }
  ?x ?p ?label .
}""" % "> <".join(LABEL_PREDICATES)
_FIGURE_QUERY = f"""
SELECT ?x ?v ?u ?y ?s ?e WHERE {{
  ?x a <{QB}Observation> ; <{RK}valueText> ?v .
  OPTIONAL {{ ?x <{RK}unitText> ?u }} OPTIONAL {{ ?x <{RK}year> ?y }}
  OPTIONAL {{ ?x <{RK}periodStart> ?s ; <{RK}periodEnd> ?e }}
}}"""
_SECTION_ID_QUERY = f"""
SELECT ?x ?id WHERE {{ ?x a <{RK}Section> ; <{PREFIXES['dcterms']}identifier> ?id }}"""
_TYPE_QUERY = f"SELECT ?x ?t WHERE {{ ?x <{RDF_TYPE}> ?t }}"


def short(iri: str) -> str:
    """An IRI as prefix:local when a known prefix fits, else its last path segment."""
    for k, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and "/" not in iri[len(ns):]:
            return f"{k}:{iri[len(ns):]}"
    from urllib.parse import unquote
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def build_graph(store) -> nx.MultiDiGraph:
    """The store as a networkx MultiDiGraph: nodes are IRIs with ``label`` and ``kind``; edges carry
    ``predicate`` (IRI) and ``label`` (short form); ``report_edge`` marks links stated by a report."""
    g = nx.MultiDiGraph()
    labels: dict[str, dict[str, str]] = {}
    for r in store.select(_LABEL_QUERY):
        labels.setdefault(r["x"], {}).setdefault(r["p"], r["label"])
    kinds: dict[str, str] = {}
    for r in store.select(_TYPE_QUERY):
        k = KINDS.get(r["t"])
        if k and KIND_ORDER.index(k) < KIND_ORDER.index(kinds.get(r["x"], "other")):
            kinds[r["x"]] = k
    figure_labels = {}
    for r in store.select(_FIGURE_QUERY):
        when = str(r.get("y") or (f"{r['s']}–{r['e']}" if r.get("s") else ""))
        figure_labels[r["x"]] = " ".join(x for x in (when, r["v"], r.get("u") or "") if x)
    section_ids = {r["x"]: r["id"] for r in store.select(_SECTION_ID_QUERY)}

    def label(x: str) -> str:
        if x in figure_labels:
            return figure_labels[x]
        ls = labels.get(x, {})
        name = next((ls[p] for p in LABEL_PREDICATES if p in ls), None) or short(x)
        if x in section_ids and section_ids[x] != name:
            return f"§{section_ids[x]} {name}"
        return name

    def add_node(x: str) -> None:
        if x not in g:
            g.add_node(x, label=label(x), kind=kinds.get(x, "other"))

    vocab_like = {str(ONTOLOGY_GRAPH)}
    for r in store.select(_GRAPH_QUERY):
        if r["p"] in SKIP_PREDICATES:
            continue
        add_node(r["s"])
        add_node(r["o"])
        g.add_edge(r["s"], r["o"], predicate=r["p"], label=short(r["p"]),
                   report_edge=r["g"] not in vocab_like and "/graph/" not in r["g"])
    return g


_CACHE: dict[int, tuple[Any, nx.MultiDiGraph]] = {}


def graph_for(store) -> nx.MultiDiGraph:
    """``build_graph`` cached per store and write generation."""
    key = (id(store), getattr(store, "generation", 0))
    hit = _CACHE.get(id(store))
    if hit and hit[0] == key:
        return hit[1]
    g = build_graph(store)
    _CACHE[id(store)] = (key, g)
    return g


def entities(g: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """(display label, IRI) for the entities worth starting from: those a report links to, by kind."""
    linked = set()
    for s, o, d in g.edges(data=True):
        if d.get("report_edge"):
            linked.update((s, o))
    out = []
    for n in linked:
        kind = g.nodes[n]["kind"]
        if kind in ("other", "term"):
            continue
        out.append((KIND_ORDER.index(kind), g.nodes[n]["label"], n, kind))
    out.sort()
    return [(f"{kind}: {_clip(lab, 60)}", n) for _, lab, n, kind in out]


def neighbourhood(g: nx.MultiDiGraph, center: str, radius: int = 1, max_nodes: int = 40) -> nx.MultiDiGraph:
    """The nodes within ``radius`` links of ``center`` (either direction), at most ``max_nodes``,
    nearest first; glossary-only links (skos:broader chains) are followed only from the center."""
    if center not in g:
        return nx.MultiDiGraph()
    und = g.to_undirected(as_view=True)
    dist = nx.single_source_shortest_path_length(und, center, cutoff=radius)
    keep = sorted(dist, key=lambda n: (dist[n], -und.degree(n), n))[:max_nodes]
    sub = g.subgraph(keep).copy()
    for n in sub:
        sub.nodes[n]["hop"] = dist[n]
    return sub


def edge_rows(sub: nx.MultiDiGraph) -> list[list[str]]:
    return sorted([sub.nodes[s]["label"], d["label"], sub.nodes[o]["label"]] for s, o, d in sub.edges(data=True))


def _clip(s: str, n: int = 18) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def to_svg(sub: nx.MultiDiGraph, center: str, width: int = 900, height: int = 620) -> str:
    """A radial drawing: the center in the middle, each hop on its own ring, a child near its parent."""
    if center not in sub:
        return '<p class="rk-empty">No such entity in the graph.</p>'
    cx, cy = width / 2, height / 2
    rings: dict[int, list[str]] = {}
    for n, d in sub.nodes(data=True):
        rings.setdefault(d.get("hop", 1), []).append(n)
    pos = {center: (cx, cy)}
    angle = {center: 0.0}
    max_hop = max(rings) if rings else 0
    und = sub.to_undirected(as_view=True)
    for hop in range(1, max_hop + 1):
        nodes = rings.get(hop, [])

        def parent_angle(n: str) -> float:
            ps = [angle[p] for p in und.neighbors(n) if p in angle and sub.nodes[p].get("hop", 0) == hop - 1]
            return min(ps) if ps else 0.0
        nodes.sort(key=lambda n: (parent_angle(n), sub.nodes[n]["kind"], sub.nodes[n]["label"]))
        r = min(cx, cy) * (0.42 if max_hop == 1 else 0.36) * hop + (0.2 * min(cx, cy) if max_hop == 1 else 0)
        r = min(r, min(cx, cy) - 40)
        for i, n in enumerate(nodes):
            a = 2 * math.pi * i / max(1, len(nodes)) + (0.3 * hop)
            angle[n] = a
            pos[n] = (cx + r * math.cos(a) * (width / height) ** 0.5, cy + r * math.sin(a))
    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="neighbourhood of {esc(sub.nodes[center]["label"])}" class="rk-graph" '
             'style="font-family: sans-serif; background: #fafafa; border-radius: 8px">']
    parts.append('<defs><marker id="rk-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
                 'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#999"/></marker></defs>')
    for s, o, d in sub.edges(data=True):
        (x1, y1), (x2, y2) = pos[s], pos[o]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        x2e, y2e = x2 - dx / dist * 14, y2 - dy / dist * 14
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2e:.1f}" y2="{y2e:.1f}" stroke="#aaa" '
                     f'stroke-width="1.2" marker-end="url(#rk-arrow)"><title>{esc(d["label"])}</title></line>')
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        parts.append(f'<text x="{mx:.1f}" y="{my:.1f}" font-size="9" fill="#777" text-anchor="middle">'
                     f'{esc(_clip(d["label"], 22))}</text>')
    for n, d in sub.nodes(data=True):
        x, y = pos[n]
        big = n == center
        colour = COLOURS.get(d["kind"], "#c0c0c0")
        parts.append(f'<g class="rk-node" data-kind="{esc(d["kind"])}"><title>{esc(d["kind"])}: '
                     f'{esc(d["label"])}\n{esc(n)}</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{14 if big else 10}" fill="{colour}" '
                     f'stroke="#333" stroke-width="{2 if big else 0.8}"/>'
                     f'<text x="{x:.1f}" y="{y + (28 if big else 23):.1f}" font-size="{13 if big else 11}" '
                     f'text-anchor="middle" fill="#222">{esc(_clip(d["label"], 24 if big else 18))}</text></g>')
    legend = sorted({d["kind"] for _, d in sub.nodes(data=True)}, key=KIND_ORDER.index)
    for i, k in enumerate(legend):
        parts.append(f'<circle cx="16" cy="{18 + 18 * i}" r="6" fill="{COLOURS.get(k, "#ccc")}"/>'
                     f'<text x="28" y="{22 + 18 * i}" font-size="11" fill="#333">{esc(k)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------- evidence


@dataclass
class Evidence:
    report: str
    report_title: str
    section: str
    section_title: str
    text: str                           # the section's text as stored (markdown as written)
    quote: str
    span: tuple[int, int] | None        # where the quote sits in ``text`` (None: not found verbatim)

    def to_html(self) -> str:
        esc = html.escape
        head = (f'<div class="rk-evidence"><div class="rk-ev-head"><b>{esc(self.report_title)}</b> · '
                f'§{esc(self.section)} {esc(self.section_title)}</div>')
        if self.span:
            a, b = self.span
            body = (esc(self.text[:a]) + '<mark class="rk-quote">' + esc(self.text[a:b]) + "</mark>"
                    + esc(self.text[b:]))
        else:
            body = esc(self.text)
            head += f'<div class="rk-ev-miss">Quoted: “{esc(self.quote)}” (not found verbatim in the section text)</div>'
        return head + f'<div class="rk-ev-text" style="white-space: pre-wrap; line-height: 1.6">{body}</div></div>'


_SKIP_CHARS = set(" \t\r\n\u3000*#_`>|")


def _skeleton(s: str) -> tuple[str, list[int]]:
    """``s`` without whitespace and markdown markup, NFKC-folded, with each char's index in ``s``."""
    out, idx = [], []
    for i, c in enumerate(s):
        if c in _SKIP_CHARS:
            continue
        for f in unicodedata.normalize("NFKC", c):
            if f in _SKIP_CHARS:
                continue
            out.append(f.lower())
            idx.append(i)
    return "".join(out), idx


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text``, tolerating line wraps, spacing, markup and width variants."""
    if not quote:
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    sk, idx = _skeleton(text)
    q, _ = _skeleton(quote)
    if not q:
        return None
    for cut in (len(q), max(12, int(len(q) * 0.6))):   # a trimmed or re-punctuated quote: its first part
        j = sk.find(q[:cut])
        if j >= 0:
            return idx[j], idx[j + cut - 1] + 1
    return None


_EVIDENCE_QUERY = f"""
SELECT ?r ?rtitle ?sid ?stitle ?text ?want WHERE {{
  ?sec a <{RK}Section> ; <{RK}report> ?r ; <{PREFIXES['dcterms']}identifier> ?sid .
  FILTER(STR(?sid) = STR(?want))
  OPTIONAL {{ ?sec <{PREFIXES['dcterms']}title> ?stitle }}
  OPTIONAL {{ ?sec <{RK}text> ?text }}
  OPTIONAL {{ ?r <{PREFIXES['dcterms']}title> ?rtitle }}
}}"""


def evidence(store, report: str, section: str, quote: str) -> Evidence | None:
    """The cited section of ``report`` (its IRI or title) with ``quote`` located in its text."""
    import pyoxigraph as ox
    rows = store.select(_EVIDENCE_QUERY, {"want": ox.Literal(str(section))})
    rows = [r for r in rows if r["r"] == report or r.get("rtitle") == report] or \
           [r for r in rows if report and report in (r.get("rtitle") or "")]
    if not rows:
        return None
    r = next((x for x in rows if quote and locate(x.get("text") or "", quote)), rows[0])
    text = r.get("text") or ""
    return Evidence(r["r"], r.get("rtitle") or short(r["r"]), str(r["sid"]), r.get("stitle") or "", text, quote,
                    locate(text, quote))
