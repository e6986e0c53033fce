"""The figures in the graph as rows: a bounded page for the Figures tab and /api/figures, a stream for CSV
export, and the choices of each filter.

Nothing here reads every figure at once. A page first selects the observations that pass the filters
(``LIMIT``/``OFFSET`` over observation IRIs, with the filter values written into the query as RDF terms
serialised by pyoxigraph), then reads each one's details, section and quote in a ``LATERAL`` group, so
Oxigraph follows each observation's own links (a page of 200 at 10,000 reports: ~50 ms; planned as
one join it took ~0.8 s). Labels are looked up for the concepts on the page only: in a union default
graph a market's labels repeat once per report graph about it (joining them into the observation
query stalled on 1,000 reports).

Filters take the labels people see (market "AI 推理芯片", region "China", metric "market size", a
report's title, year 2024, status actual | forecast) or IRIs; several values of one filter are
alternatives, filters together must all hold.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, NamedTuple, TextIO

import pyoxigraph as ox

from .namespaces import EVIDENCE_PAGE, PREFIXES as NS, sparql_prefixes
from .store import Store, contains_filter

P = sparql_prefixes()
COUNT_CAP = 5000           # counting joins each matching observation (~40 µs each at 10,000 reports)

COLUMNS = ["report", "reportTitle", "metric", "market", "region", "segment", "year", "start", "end", "value",
           "valueText", "unit", "normalized", "comparator", "status", "section", "sectionTitle", "quote", "line", "page",
           "pageLabel"]      # page: the quote's physical page in a paged source (a PDF); pageLabel: its printed number
FILTERS = ("report", "market", "metric", "region", "segment", "year", "status")
SEARCHED = ("report", "market", "segment")     # too many to list: a value that is no label is searched for
SEARCH_CAP = 500

SKOS_PREF = NS["skos"] + "prefLabel"
DCT_TITLE = NS["dcterms"] + "title"
_XSD_INTEGER = NS["xsd"] + "integer"
_STATUS = {"actual": ("obsStatus-A", "obsStatus-E"), "forecast": ("obsStatus-F",)}

# filter -> (the observation's predicate, the class of its values, the label predicate, preferred language)
DIMENSIONS = {
    "report": ("rk:report", "rk:Report", DCT_TITLE, "zh"),
    "market": ("rk:market", "rk:Market", SKOS_PREF, "zh"),
    "metric": ("rk:metric", "rk:Metric", SKOS_PREF, "en"),
    "region": ("sdmx-dimension:refArea", "rk:Region", SKOS_PREF, "en"),
    "segment": ("rk:segment", "rk:Segment", SKOS_PREF, "zh"),
    "year": ("rk:year", None, None, None),
    "status": ("sdmx-attribute:obsStatus", None, None, None),
}

_DETAIL = """
  LATERAL {
    ?obs rk:report ?report ; rk:metric ?m ; rk:value ?value ; rk:valueText ?valueText ; rk:unitText ?unit ;
         rk:normalizedValue ?normalized ; rk:comparator ?c ; sdmx-attribute:obsStatus ?st ;
         prov:wasDerivedFrom ?s ; rk:evidence ?ev .
    ?report dcterms:title ?reportTitle .
    ?s dcterms:identifier ?section ; dcterms:title ?sectionTitle .
    ?ev oa:exact ?quote ; rk:line ?line .
    OPTIONAL { ?obs rk:market ?mk }
    OPTIONAL { ?obs sdmx-dimension:refArea ?ra }
    OPTIONAL { ?obs rk:segment ?sg }
    OPTIONAL { ?obs rk:year ?year }
    OPTIONAL { ?obs rk:periodStart ?start ; rk:periodEnd ?end }""" + EVIDENCE_PAGE + """
  }"""


@dataclass(frozen=True)
class FigurePage:
    rows: list[dict]
    total: int             # figures passing the filters (at least this many when ``total_capped``)
    limit: int
    offset: int = 0
    total_capped: bool = False

    @property
    def truncated(self) -> bool:
        return self.total_capped or self.offset + len(self.rows) < self.total


# ------------------------------------------------------------------------------------------ filters


def _values(filters: dict[str, Any] | None) -> dict[str, list[str]]:
    """Each filter as a list of non-empty strings (a string may hold several values, comma-separated)."""
    out = {}
    for key, want in (filters or {}).items():
        if key not in DIMENSIONS or want in (None, "", []):
            continue
        vals = want if isinstance(want, (list, tuple, set)) else str(want).split(",")
        vals = [str(v).strip() for v in vals if str(v).strip()]
        if vals:
            out[key] = vals
    return out


def _literals(text: str) -> list[ox.Literal]:
    return [ox.Literal(text, language="zh"), ox.Literal(text, language="en"), ox.Literal(text)]


def resolve(store: Store, key: str, values: Iterable[str], search: bool = True) -> list[ox.NamedNode | ox.Literal]:
    """The RDF terms a filter's values stand for: IRIs given as such, labels (any language) looked up
    as constants, years as integers, status as SDMX codes. A report, market or segment value that is no
    label stands for those whose label contains it (at most ``SEARCH_CAP``: "推理芯片" → every AI
    inference chip market) unless ``search`` is false. Unknown values resolve to nothing."""
    _pred, cls, label_pred, _lang = DIMENSIONS[key]
    terms: list = []
    labels: list[ox.Literal] = []
    values = list(values)
    for v in values:
        if key == "year":
            if v.lstrip("-").isdigit():
                terms.append(ox.Literal(str(int(v)), datatype=ox.NamedNode(_XSD_INTEGER)))
        elif key == "status":
            terms += [ox.NamedNode(NS["sdmx-code"] + c) for c in _STATUS.get(v.lower(), ())]
        elif v.startswith(("http://", "https://")):
            try:
                terms.append(ox.NamedNode(v))
            except ValueError:
                pass
        else:
            labels += _literals(v)
    if labels:
        vals = " ".join(str(x) for x in labels)
        rows = store.select_terms(P + f"SELECT DISTINCT ?c ?l WHERE {{ VALUES ?l {{ {vals} }} "
                                      f"?c <{label_pred}> ?l . ?c a {cls} }}")
        terms += [r["c"] for r in rows]
        if search and key in SEARCHED:
            found = {r["l"].value for r in rows}
            for v in values:
                if v not in found and not v.startswith(("http://", "https://")):
                    terms += [ox.NamedNode(c) for c in _search(store, key, v, SEARCH_CAP)]
    return list(dict.fromkeys(terms))


def _search(store: Store, key: str, text: str, limit: int, scope: str = "") -> list[str]:
    """IRIs of the ``key`` concepts whose label contains ``text``: labels first (each once), then the
    kind, concept by concept (joined the other way round it took 1.5 s at 10,000 reports)."""
    _pred, cls, label_pred, _lang = DIMENSIONS[key]
    query = (f"SELECT DISTINCT ?c WHERE {{ {{ SELECT DISTINCT ?c WHERE {{ {scope} ?c <{label_pred}> ?l . "
             f"{contains_filter('?l', text)} }} }} LATERAL {{ ?c a {cls} }} }} LIMIT {int(limit)}")
    return [r["c"] for r in store.select(P + query)]


def _selection(store: Store, filters: dict[str, Any] | None) -> str | None:
    """The patterns that pick the observations passing ``filters``; None when one of them matches nothing."""
    parts = []
    for i, (key, vals) in enumerate(_values(filters).items()):
        terms = resolve(store, key, vals)
        if not terms:
            return None
        var = f"?f{i}"
        parts.append(f"VALUES {var} {{ {' '.join(str(t) for t in terms)} }} ?obs {DIMENSIONS[key][0]} {var} .")
    parts.append("?obs a qb:Observation .")
    return "\n    ".join(parts)


# ------------------------------------------------------------------------------------------ rows


def labels_of(store: Store, iris: Iterable[str], predicate: str = SKOS_PREF) -> dict[str, dict[str, str]]:
    """{iri: {language: label}} of the given entities (languages folded to 'zh' and the rest), for pick_label."""
    out: dict[str, dict[str, str]] = {}
    for r in store.literals_of(iris, [predicate]):
        lang = (r["value"].language or "en").lower()
        out.setdefault(r["x"], {}).setdefault("zh" if lang.startswith("zh") else lang, r["value"].value)
    return out


def pick_label(labels: dict[str, dict[str, str]], iri: str | None, prefer: str) -> str | None:
    if not iri:
        return None
    ls = labels.get(iri, {})
    return ls.get(prefer) or ls.get("en") or ls.get("zh") or iri.rsplit("/", 1)[-1]


def _order_key(row: dict) -> tuple:
    return row["report"], str(row["section"]), row["line"], row["obs"]


def _rows(store: Store, sols: list[dict]) -> list[dict]:
    labels = labels_of(store, {r[k] for r in sols for k in ("m", "mk", "ra", "sg") if r.get(k)})
    rows = []
    for r in sols:
        row = {k: r[k] for k in ("obs", "report", "reportTitle", "year", "start", "end", "value", "valueText", "unit",
                                 "normalized", "section", "sectionTitle", "quote", "line", "page", "pageLabel")
               if k in r}
        row.update(metric=pick_label(labels, r["m"], "en"), market=pick_label(labels, r.get("mk"), "zh"),
                   region=pick_label(labels, r.get("ra"), "en"), segment=pick_label(labels, r.get("sg"), "zh"),
                   comparator=r["c"].rsplit("#", 1)[-1],
                   status="forecast" if r["st"].endswith("obsStatus-F") else "actual")
        rows.append({k: v for k, v in row.items() if v is not None})
    rows.sort(key=_order_key)
    return rows


def _page_query(selection: str, limit: int, offset: int) -> str:
    return P + f"""SELECT * WHERE {{
  {{ SELECT ?obs WHERE {{
    {selection}
  }} LIMIT {int(limit)} OFFSET {int(offset)} }}{_DETAIL}
}}"""


def count_figures(store: Store, filters: dict[str, Any] | None = None, cap: int | None = None) -> int:
    """How many figures pass ``filters``; with ``cap``, counting stops at ``cap + 1`` (counting joins
    every matching observation: 17,000 of them take ~0.6 s at 10,000 reports)."""
    sel = _selection(store, filters)
    return 0 if sel is None else _count(store, sel, cap)


def _count(store: Store, selection: str, cap: int | None) -> int:
    inner = f"{{ SELECT ?obs WHERE {{ {selection} }} LIMIT {int(cap) + 1} }}" if cap is not None else selection
    rows = store.select(P + f"SELECT (COUNT(*) AS ?n) WHERE {{ {inner} }}")
    return int(rows[0]["n"]) if rows else 0


def figure_page(store: Store, filters: dict[str, Any] | None = None, *, limit: int = 200, offset: int = 0,
                count_cap: int | None = COUNT_CAP) -> FigurePage:
    """At most ``limit`` figures passing ``filters`` (from ``offset``, in store order; sorted by report,
    section and line within the page), with how many pass in all, counted up to ``count_cap``."""
    limit, offset = max(0, int(limit)), max(0, int(offset))
    sel = _selection(store, filters)
    if sel is None:
        return FigurePage([], 0, limit, offset)
    rows = _rows(store, store.select(_page_query(sel, limit, offset))) if limit else []
    cap = None if count_cap is None else max(int(count_cap), offset + limit)
    total = _count(store, sel, cap)
    capped = cap is not None and total > cap
    return FigurePage(rows, min(total, cap) if capped else total, limit, offset, capped)


def iter_figures(store: Store, filters: dict[str, Any] | None = None, *, batch: int = 2000) -> Iterator[dict]:
    """Every figure passing ``filters``, read ``batch`` at a time (memory stays bounded)."""
    sel = _selection(store, filters)
    if sel is None:
        return
    offset = 0
    while True:
        sols = store.select(_page_query(sel, batch, offset))
        if not sols:
            return
        yield from _rows(store, sols)
        offset += batch


def figure_rows(store: Store, filters: dict[str, Any] | None = None) -> list[dict]:
    """Every figure passing ``filters`` as a list, by report, section and line (small stores, tests;
    prefer :func:`figure_page` or :func:`iter_figures`)."""
    return sorted(iter_figures(store, filters), key=_order_key)


def csv_chunks(rows: Iterable[dict], every: int = 500) -> Iterator[str]:
    """CSV text (header first) in pieces of about ``every`` rows, for streaming responses."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore")
    w.writeheader()
    for i, r in enumerate(rows, 1):
        w.writerow(r)
        if i % every == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_csv(rows: Iterable[dict], out: TextIO) -> int:
    n = 0
    for chunk in csv_chunks(rows):
        out.write(chunk)
        n += 1
    return n


def figures_csv(store: Store, filters: dict[str, Any] | None = None) -> str:
    return "".join(csv_chunks(iter_figures(store, filters)))


# ------------------------------------------------------------------------------------------ choices


class Choices(NamedTuple):
    values: list[str]
    complete: bool          # False: there are more than were listed (search to find them)


def filter_choices(store: Store, key: str, *, search: str | None = None, within: dict[str, Any] | None = None,
                   limit: int = 200) -> Choices:
    """Values to offer for one filter, sorted, at most ``limit``: every year, metric, region and status
    that figures have; markets, segments (of the ``within={"market": …}`` markets when given) and report
    titles containing ``search``."""
    _pred, cls, label_pred, prefer = DIMENSIONS[key]
    if key == "year":
        rows = store.select(P + "SELECT DISTINCT ?y WHERE { ?obs rk:year ?y }")
        years = [str(y) for y in sorted({r["y"] for r in rows if isinstance(r.get("y"), int)})]
        return Choices(years[:limit], len(years) <= limit)
    if key == "status":
        rows = store.select(P + "SELECT DISTINCT ?st WHERE { ?obs sdmx-attribute:obsStatus ?st }")
        return Choices(sorted({"forecast" if r["st"].endswith("obsStatus-F") else "actual" for r in rows}), True)
    if key in ("metric", "region"):          # a handful, the glossary's: those that figures use
        iris = [r["c"] for r in store.select(P + f"SELECT DISTINCT ?c WHERE {{ ?obs {DIMENSIONS[key][0]} ?c }}")]
    else:
        scope = ""
        if key == "segment" and within and _values(within).get("market"):
            markets = resolve(store, "market", _values(within)["market"])
            if not markets:
                return Choices([], True)
            scope = f"VALUES ?m {{ {' '.join(str(t) for t in markets)} }} ?c skos:broader ?m ."
        if search:
            iris = _search(store, key, search, limit + 1, scope)
        else:
            query = f"SELECT DISTINCT ?c WHERE {{ {scope} ?c a {cls} }} LIMIT {int(limit) + 1}"
            iris = [r["c"] for r in store.select(P + query)]
        if search and not scope:             # a name typed in full comes first, even among many matches
            exact = [t.value for t in resolve(store, key, [search], search=False) if isinstance(t, ox.NamedNode)]
            iris = list(dict.fromkeys(exact + iris))
    complete = len(iris) <= limit
    labels = labels_of(store, iris[:limit], label_pred)
    values = {pick_label(labels, i, prefer) for i in iris[:limit]}
    if not search:
        return Choices(sorted(values), complete)
    want = " ".join(search.split()).lower()
    return Choices(sorted(values, key=lambda v: (v.lower() != want, len(v), v)), complete)
