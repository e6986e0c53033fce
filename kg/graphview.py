"""Views of the graph for people: an entity's neighbourhood as a small networkx graph, drawn as SVG;
entities to start from (a bounded list, and a label search); and the evidence view (a section's text
with a quoted sentence marked).

A neighbourhood keeps the entities a reader cares about (reports, sections, markets, segments, regions,
metrics, drivers, trends, definitions, figures) and the links between them; class and scheme
bookkeeping (``rdf:type``, ``skos:inScheme``, ``qb:dataSet`` …) becomes node attributes or is left out.
It is read from the store entity by entity when it is drawn, within a node cap, so its cost does not
grow with the store (no graph of the whole store is built). All text placed in SVG/HTML is escaped here.
"""
from __future__ import annotations

import functools
import html
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator

import networkx as nx
import pyoxigraph as ox

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

_SKIP = ", ".join(f"<{p}>" for p in sorted(SKIP_PREDICATES))
# a link people see: an IRI object, a predicate that is not bookkeeping, outside the ontology graph
_LINK_FILTER = f"FILTER(?p NOT IN ({_SKIP}) && ?g != <{ONTOLOGY_GRAPH}>)"
# links of one entity, each way: which predicates first, then up to a share of the fan-out per predicate,
# so a market's few segments are not crowded out by its thousands of figures
_OUT_PREDICATES = f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?n ?p ?o }} FILTER(isIRI(?o)) {_LINK_FILTER} }}"
_IN_PREDICATES = f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?o ?p ?n }} {_LINK_FILTER} }}"
_OUT_LINKS = f"SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?n ?p ?o }} FILTER(isIRI(?o)) {_LINK_FILTER} }} LIMIT %d"
_IN_LINKS = f"SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?o ?p ?n }} {_LINK_FILTER} }} LIMIT %d"
_AMONG = f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ %s }}
  LATERAL {{ VALUES ?o {{ %s }} GRAPH ?g {{ ?s ?p ?o }} {_LINK_FILTER} }} }}"""
_DEGREES = f"""SELECT ?x (COUNT(*) AS ?d) WHERE {{ VALUES ?x {{ %s }}
  LATERAL {{ SELECT ?x ?y WHERE {{
    {{ GRAPH ?g {{ ?x ?p ?y }} FILTER(isIRI(?y)) {_LINK_FILTER} }} UNION {{ GRAPH ?g {{ ?y ?p ?x }} {_LINK_FILTER} }}
  }} LIMIT %d }} }} GROUP BY ?x"""
_DEGREES_PLAIN = f"""SELECT ?x (COUNT(*) AS ?d) WHERE {{ VALUES ?x {{ %s }}
  {{ GRAPH ?g {{ ?x ?p ?y }} FILTER(isIRI(?y)) {_LINK_FILTER} }} UNION {{ GRAPH ?g {{ ?y ?p ?x }} {_LINK_FILTER} }}
}} GROUP BY ?x"""        # for an engine without LATERAL: every link counted, capped here
_KINDS = "SELECT ?x ?t WHERE { VALUES ?x { %s } LATERAL { SELECT DISTINCT ?x ?t WHERE { ?x a ?t } } }"
_FIGURES = f"""SELECT ?x ?v ?u ?y ?s ?e WHERE {{ VALUES ?x {{ %s }} LATERAL {{
  ?x <{RK}valueText> ?v .
  OPTIONAL {{ ?x <{RK}unitText> ?u }} OPTIONAL {{ ?x <{RK}year> ?y }}
  OPTIONAL {{ ?x <{RK}periodStart> ?s ; <{RK}periodEnd> ?e }} }} }}"""
# entities worth starting from: of a kind people know, and linked from a report's own graph
_OF_KIND = f"""SELECT DISTINCT ?x WHERE {{
  ?x a ?kind .
  FILTER EXISTS {{ GRAPH ?g {{ {{ ?x ?p ?o FILTER(isIRI(?o)) }} UNION {{ ?o ?p ?x }} }}
                  FILTER(!CONTAINS(STR(?g), "/graph/") && ?p NOT IN ({_SKIP})) }}
}} LIMIT %d"""
_SEARCH = """SELECT DISTINCT ?x WHERE { VALUES ?p { %s } ?x ?p ?l . %s } LIMIT %d"""
SEARCH_PREDICATES = [SKOS + "prefLabel", PREFIXES["dcterms"] + "title", PREFIXES["rdfs"] + "label"]
LABEL_LANG = {"region": "en", "metric": "en"}       # the others: Chinese first, as the Figures tab shows them


def short(iri: str) -> str:
    """An IRI as prefix:local when a known prefix fits, else its last path segment."""
    for k, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and "/" not in iri[len(ns):]:
            return f"{k}:{iri[len(ns):]}"
    from urllib.parse import unquote
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def _iris(xs: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(x)) for x in xs)


def _chunks(xs: list[str], n: int = 200) -> Iterator[list[str]]:
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def describe(store, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{iri: (label, kind)}`` for the given entities, read entity by entity. A figure reads
    "2024 1,234 亿元", a section "§1.3 title"; other labels are the first of ``LABEL_PREDICATES``
    the entity has (Chinese first, English first for regions and metrics)."""
    iris = [i for i in dict.fromkeys(iris) if i]
    kinds: dict[str, str] = {}
    for chunk in _chunks(iris):
        for r in store.select(_KINDS % _iris(chunk)):
            k = KINDS.get(r["t"])
            if k and KIND_ORDER.index(k) < KIND_ORDER.index(kinds.get(r["x"], "other")):
                kinds[r["x"]] = k
    labels: dict[str, dict[str, dict[str, str]]] = {}
    for r in store.literals_of(iris, LABEL_PREDICATES + [PREFIXES["dcterms"] + "identifier"]):
        lang = (r["value"].language or "").lower()
        labels.setdefault(r["x"], {}).setdefault(r["p"], {}).setdefault(lang[:2], r["value"].value)
    figures = [i for i in iris if kinds.get(i) == "figure"]
    figure_labels = {}
    for chunk in _chunks(figures):
        for r in store.select(_FIGURES % _iris(chunk)):
            when = str(r.get("y") or (f"{r['s']}–{r['e']}" if r.get("s") else ""))
            figure_labels.setdefault(r["x"], " ".join(x for x in (when, r["v"], r.get("u") or "") if x))
    out = {}
    for x in iris:
        kind = kinds.get(x, "other")
        if x in figure_labels:
            out[x] = (figure_labels[x], kind)
            continue
        ls = labels.get(x, {})
        first = LABEL_LANG.get(kind, "zh")
        name = next((by_lang.get(first) or by_lang.get("en") or by_lang.get("zh") or next(iter(by_lang.values()))
                     for p in LABEL_PREDICATES if (by_lang := ls.get(p))), None) or short(x)
        ident = next(iter(ls.get(PREFIXES["dcterms"] + "identifier", {}).values()), None)
        if kind == "section" and ident and ident != name:
            name = f"§{ident} {name}"
        out[x] = (name, kind)
    return out


def _choices(described: dict[str, tuple[str, str]], search: str = "") -> list[tuple[str, str]]:
    """By kind and label; for a search, a label equal to it first, then shorter labels first."""
    want = " ".join(search.split()).lower()
    rows = sorted(((lab.lower() != want, KIND_ORDER.index(k), len(lab) if want else 0, lab, x, k)
                   for x, (lab, k) in described.items() if k not in ("other", "term")), key=lambda r: r[:5])
    return [(f"{k}: {_clip(lab, 60)}", x) for *_, lab, x, k in rows]


def entities(store, per_kind: int = 30) -> list[tuple[str, str]]:
    """(display label, IRI) of entities worth starting from, by kind then label: at most ``per_kind``
    of each kind (every one, in a small store), so the list does not grow with the store."""
    found: list[str] = []
    for cls, kind in KINDS.items():
        if kind == "term":
            continue
        found += [r["x"] for r in store.select(_OF_KIND % int(per_kind), {"kind": ox.NamedNode(cls)})]
    return _choices(describe(store, found))


def search_entities(store, text: str, limit: int = 50) -> list[tuple[str, str]]:
    """(display label, IRI) of entities whose label or title contains ``text`` (ignoring case), at most
    ``limit``: a label equal to ``text`` first, then by kind, shorter labels first."""
    from .store import contains_filter
    cond = contains_filter("?l", text)
    if not cond:
        return []
    found = [r["x"] for r in store.select(_SEARCH % (_iris(SEARCH_PREDICATES), cond, int(limit) * 4))]
    return _choices(describe(store, found), text)[:limit]


def _linked(store, node: str, fanout: int) -> set[str]:
    """Entities one link away from ``node``, at most ``fanout`` each way, shared among the predicates."""
    n = {"n": ox.NamedNode(node)}
    out: set[str] = set()
    for preds, links in ((_OUT_PREDICATES, _OUT_LINKS), (_IN_PREDICATES, _IN_LINKS)):
        ps = [r["p"] for r in store.select(preds, n)]
        for p in ps:
            out.update(r["o"] for r in store.select(links % max(1, fanout // len(ps)), {**n, "p": ox.NamedNode(p)}))
    return out


def _degrees(store, nodes: list[str], cap: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks(nodes):
        if store.supports_lateral():
            out.update({r["x"]: int(r["d"]) for r in store.select(_DEGREES % (_iris(chunk), cap))})
        else:
            out.update({r["x"]: min(int(r["d"]), cap) for r in store.select(_DEGREES_PLAIN % _iris(chunk))})
    return out


def neighbourhood(store, center: str, radius: int = 1, max_nodes: int = 40, fanout: int = 200,
                  degree_cap: int = 1000) -> nx.MultiDiGraph:
    """The entities within ``radius`` links of ``center`` (either direction), at most ``max_nodes``,
    nearest first and, among those as near, the most linked first; read from the store link by link,
    at most ``fanout`` links per entity each way (a region has one per figure: thousands), degrees
    counted up to ``degree_cap``. Nodes carry ``label``, ``kind`` and ``hop``; edges ``predicate`` and
    ``label``. Empty when the store has no such entity."""
    try:
        ox.NamedNode(center)
    except (TypeError, ValueError):
        return nx.MultiDiGraph()
    dist = {center: 0}
    frontier = [center]
    for hop in range(1, max(1, int(radius)) + 1):
        room = max_nodes - len(dist)
        if room <= 0 or not frontier:
            break
        cands = sorted({x for n in frontier for x in _linked(store, n, fanout)} - set(dist))
        if len(cands) > room:
            deg = _degrees(store, cands, degree_cap)
            cands = sorted(cands, key=lambda x: (-deg.get(x, 0), x))[:room]
        dist.update((x, hop) for x in cands)
        frontier = cands
    info = describe(store, dist)
    if len(dist) == 1 and info[center][1] == "other":
        return nx.MultiDiGraph()
    g = nx.MultiDiGraph()
    for x, hop in dist.items():
        g.add_node(x, label=info[x][0], kind=info[x][1], hop=hop)
    nodes = list(dist)
    for chunk in _chunks(nodes, 50):
        for r in store.select(_AMONG % (_iris(chunk), _iris(nodes))):
            g.add_edge(r["s"], r["o"], predicate=r["p"], label=short(r["p"]))
    return g


def grouped(sub: nx.MultiDiGraph, center: str, keep: int = 6) -> nx.MultiDiGraph:
    """The neighbourhood as it is drawn: of each kind beyond ``keep`` entities (a report's dozens of figures
    and sections), the ``keep`` most linked are drawn and the rest become one node, "+N figures", linked to
    the center, so the drawing groups by kind instead of becoming a hairball. The edge list keeps them all."""
    by_kind: dict[str, list[str]] = {}
    for n, d in sub.nodes(data=True):
        if n != center:
            by_kind.setdefault(d["kind"], []).append(n)
    out = sub.copy()
    for kind, nodes in by_kind.items():
        if len(nodes) <= keep:
            continue
        nodes.sort(key=lambda n: (-sub.degree(n), sub.nodes[n]["label"]))
        rest = nodes[keep:]
        out.remove_nodes_from(rest)
        group = f"group:{kind}"
        out.add_node(group, label=f"+{len(rest)} {kind}s", kind=kind, hop=1, group=len(rest))
        out.add_edge(center, group, predicate="", label="")
    return out


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
        # a drawn entity carries its IRI: a click on it redraws the graph around it (the app's Graph tab)
        target = "" if d.get("group") else f' data-iri="{esc(n)}" style="cursor: pointer"'
        parts.append(f'<g class="rk-node" data-kind="{esc(d["kind"])}"{target}><title>{esc(d["kind"])}: '
                     f'{esc(d["label"])}\n{esc(n) if not d.get("group") else "listed below"}</title>'
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
    page: int | None = None             # the quote's page in a paged source (a PDF)
    page_label: str | None = None       # the number printed on that page, where it differs
    found_elsewhere: bool = False       # the quote was not in the cited section but in another of the report

    def around(self, sentences: int = 1) -> tuple[str, str, str] | None:
        """(text before, the quote as the section writes it, text after): ``sentences`` either side."""
        return around(self.text, self.span, sentences) if self.span else None

    def to_html(self) -> str:
        esc = html.escape
        where = f"§{self.section} {self.section_title}" if self.section != self.section_title else self.section
        page = ""
        if self.page is not None:
            printed = f" (printed {esc(str(self.page_label))})" if self.page_label and \
                str(self.page_label) != str(self.page) else ""
            page = f' · <span class="rk-ev-page" data-page="{int(self.page)}">p. {int(self.page)}{printed}</span>'
        head = f'<div class="rk-evidence"><div class="rk-ev-head"><b>{esc(self.report_title)}</b> · {esc(where)}{page}</div>'
        if self.found_elsewhere:
            head += '<div class="rk-ev-miss">The quote is not in the cited section’s text; shown where the report has it.</div>'
        pre = 'style="white-space: pre-wrap; line-height: 1.6"'
        ctx = self.around()
        paged = self.page is not None          # a PDF's text layer: shown as laid out, never read as markdown
        if ctx is None:
            head += f'<div class="rk-ev-miss">Quoted: “{esc(self.quote)}” (not found verbatim in the section text)</div>'
            body = f'<div class="rk-ev-text" {pre}>{esc(self.text)}</div>' if paged else \
                f'<div class="rk-ev-text rk-md">{rendered(self.text)}</div>'
            return head + body + "</div>"
        before, quote, after = ctx
        a, b = self.span
        if paged:
            excerpt = (f'<div class="rk-ev-context" {pre}>{esc(before)}<mark class="rk-quote">{esc(quote)}</mark>'
                       f'{esc(after)}</div>')
            whole = (esc(self.text[:a]) + '<mark class="rk-quote-in-section">' + esc(self.text[a:b]) + "</mark>"
                     + esc(self.text[b:]))
            whole = f'<div class="rk-ev-text" {pre}>{whole}</div>'
        else:
            excerpt = (f'<div class="rk-ev-context rk-md">'
                       f'{rendered(before + quote + after, (len(before), len(before) + len(quote)), "rk-quote")}</div>')
            whole = f'<div class="rk-ev-text rk-md">{rendered(self.text, self.span, "rk-quote-in-section")}</div>'
        return (head + excerpt + f'<details class="rk-ev-section"><summary>The whole section</summary>'
                f'{whole}</details></div>')


_OPEN, _CLOSE = "\ue000", "\ue001"         # where the highlight starts and ends, carried through the renderer
_TAG = re.compile(r"(<[^>]*>)")


@functools.lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt
    # CommonMark with tables and strikethrough; raw HTML in a report is shown as text, never as markup
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def rendered(text: str, span: tuple[int, int] | None = None, cls: str = "rk-quote") -> str:
    """Markdown as the report reads (headings, bold, lists, tables) in HTML, with ``text[a:b]`` highlighted by
    ``<mark class=cls>`` on the rendered text: the highlight is closed and reopened around every tag it would
    cross, so it never breaks the markup (a quote that starts inside a bold label and ends after it)."""
    # the marker characters in the text itself become U+FFFD: same length, so the span still fits
    text = text.replace(_OPEN, "\ufffd").replace(_CLOSE, "\ufffd")
    if span:
        a, b = span
        text = text[:a] + _OPEN + text[a:b] + _CLOSE + text[b:]
    out, inside = [], False
    for part in _TAG.split(_markdown().render(text)):
        if part.startswith("<"):
            out.append(f'</mark>{part}<mark class="{cls}">' if inside else part)
            continue
        for ch in re.split(f"([{_OPEN}{_CLOSE}])", part):
            if ch == _OPEN:
                out.append(f'<mark class="{cls}">')
                inside = True
            elif ch == _CLOSE:
                out.append("</mark>")
                inside = False
            else:
                out.append(ch)
    return re.sub(r'<mark class="[^"]*"></mark>', "", "".join(out))


# where one sentence ends: a CJK end mark (with closing quotes or brackets), a Latin one before a space, or a
# blank line (after a heading, a chart title, a paragraph)
_SENTENCE_END = re.compile(r"[。！？]+[”’」』\"')）\]]*|[.!?][”’\"')\]]*(?=\s)|\n[ \t]*\n\s*")
_HEADING_MARK = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+")
_CONTEXT_CAP = 400         # characters either side at most (a PDF's flattened table can be one long "sentence")


def around(text: str, span: tuple[int, int], sentences: int = 1) -> tuple[str, str, str]:
    """(before, ``text[a:b]``, after): the rest of the sentences the span starts and ends in and ``sentences``
    whole sentences either side, not reaching into a code or figure block; an ellipsis where text is left
    out, heading marks dropped, line breaks kept."""
    a, b = span
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(text, 0, a)]
    start = _reach(text, cuts[::-1], sentences, lambda c, at: text[c:at])
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(a, b - 1)) if m.end() >= b] + [len(text)]
    stop = _reach(text, ends, sentences, lambda c, at: text[at:c])
    before, after = text[start:a], text[b:stop]
    cut_before, cut_after = bool(text[:start].strip()), bool(text[stop:].strip())
    if len(before) > _CONTEXT_CAP:
        before, cut_before = before[-_CONTEXT_CAP:].split(" ", 1)[-1], True
    if len(after) > _CONTEXT_CAP:
        after, cut_after = after[:_CONTEXT_CAP].rsplit(" ", 1)[0], True
    before = _HEADING_MARK.sub("", before.lstrip())
    after = _HEADING_MARK.sub("", after.rstrip())
    return ("…" if cut_before else "") + before, text[a:b], after + ("…" if cut_after else "")


def _reach(text: str, cuts: list[int], sentences: int, piece) -> int:
    """How far from the span's sentence ``sentences`` more sentences reach: ``cuts`` are the sentence
    boundaries going away from the span (the first one closes the span's own sentence)."""
    at, got = cuts[0], 0
    for c in cuts[1:]:
        between = piece(c, at)
        if got == sentences or "```" in between:
            break
        got += any(ch.isalnum() for ch in between)
        at = c
    return at


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


# the report's sections whose text holds the start of a quote (a quote not in the section it cites); bind ?r
_QUOTE_QUERY = f"""
SELECT ?r ?rtitle ?sid ?stitle ?text WHERE {{
  ?sec a <{RK}Section> ; <{RK}report> ?r ; <{RK}text> ?text .
  FILTER(CONTAINS(?text, ?probe))
  ?sec <{PREFIXES['dcterms']}identifier> ?sid .
  OPTIONAL {{ ?sec <{PREFIXES['dcterms']}title> ?stitle }}
  OPTIONAL {{ ?r <{PREFIXES['dcterms']}title> ?rtitle }}
}} LIMIT 20"""
_PROBE = 24                # characters of a quote searched for across a report's sections


def evidence(store, report: str, section: str, quote: str, page: int | None = None,
             page_label: str | None = None) -> Evidence | None:
    """The cited section of ``report`` (its IRI, or its title or part of it) with ``quote`` located in its
    text, and the quote's ``page`` (and printed ``page_label``) when the citation has one. A quote the
    section does not hold is looked for in the report's other sections. Read report by report: matching the
    section number across every report's sections took 5 s at 10,000 reports."""
    if not report:
        return None
    if report.startswith(("http://", "https://")):
        reports = [report]
    else:
        found = store.reports_page(limit=20, search=report)
        reports = [r["report"] for r in found if r.get("title") == report] or [r["report"] for r in found]
    rows = [row for r in reports for row in store.select(
        _EVIDENCE_QUERY, {"want": ox.Literal(str(section)), "r": ox.NamedNode(r)})]
    r = next((x for x in rows if quote and locate(x.get("text") or "", quote)), None)
    elsewhere = False
    probe = quote.strip()[:_PROBE]
    if r is None and probe:
        others = [row for rep in reports for row in store.select(
            _QUOTE_QUERY, {"probe": ox.Literal(probe), "r": ox.NamedNode(rep)})]
        r = next((x for x in others if locate(x.get("text") or "", quote)), None)
        elsewhere = r is not None
    if r is None:
        if not rows:
            return None
        r = rows[0]
    text = r.get("text") or ""
    return Evidence(r["r"], r.get("rtitle") or short(r["r"]), str(r["sid"]), r.get("stitle") or "", text, quote,
                    locate(text, quote), page, page_label, elsewhere)
