"""The Gradio app (Blocks): Chat, Evidence, Figures, SPARQL, Graph and Reports tabs.

Callbacks only shape data for components; they call :class:`ui.server.Services` (answers, figures,
the graph view, uploads, the SPARQL endpoint) and ``kg.graphview`` (drawing, evidence). Text that comes
from a report is escaped before it reaches Markdown or HTML.

Nothing here holds the whole store: the Figures and Reports tabs show a bounded page with a note saying
how much there is; filters, entities and reports offer a bounded list of choices and search the store as
the user types; the graph view reads one entity's neighbourhood when it is drawn.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
import uuid
from urllib.parse import urlencode
from typing import Any

import gradio as gr
import pandas as pd

from kg import graphview
from kg.endpoint import EndpointError, to_table
from qa.answer import page_text

from .server import Msg, ServiceError, Services

EXAMPLES_ZH = [
    "2024年全球AI推理芯片市场规模是多少？",
    "那中国呢？",
    "2024至2030年全球AI推理芯片市场的年复合增长率是多少？",
    "2024年哪个细分市场规模最大？",
    "AI推理芯片行业的核心驱动因素有哪些？",
]
EXAMPLES_EN = [
    "What was the global AI inference chip market size in 2024?",
    "And in 2030?",
    "What share of the global market did edge inference have in 2024?",
    "What are the growth drivers of AI inference chips?",
    "Who published the report?",
]

EXAMPLE_QUERIES = {
    "Figures: market sizes by region, segment and year": """PREFIX rk: <https://w3id.org/reportkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
SELECT ?year ?region ?segment ?value ?unit WHERE {
  ?obs rk:metric ?m ; rk:year ?year ; rk:valueText ?value ; rk:unitText ?unit ;
       sdmx-dimension:refArea ?r .
  ?m skos:prefLabel "market size"@en .
  ?r skos:prefLabel ?region . FILTER(LANG(?region) = "en")
  OPTIONAL { ?obs rk:segment ?s . ?s skos:prefLabel ?segment . FILTER(LANG(?segment) = "zh") }
} ORDER BY ?year ?region ?segment""",
    "Reports in the store": """PREFIX rk: <https://w3id.org/reportkg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?report ?title ?publisher ?date WHERE {
  ?report a rk:Report ; dcterms:title ?title .
  OPTIONAL { ?report dcterms:publisher ?publisher }
  OPTIONAL { ?report dcterms:date ?date }
}""",
    "Sections of each report": """PREFIX rk: <https://w3id.org/reportkg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?report ?section ?title WHERE {
  ?s a rk:Section ; rk:report ?report ; dcterms:identifier ?section ; dcterms:title ?title .
} ORDER BY ?report ?section""",
    "Growth drivers and the segments they name": """PREFIX rk: <https://w3id.org/reportkg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?driver (GROUP_CONCAT(?segment; separator=", ") AS ?segments) WHERE {
  ?d a rk:Driver ; rdfs:label ?driver .
  OPTIONAL { ?d rk:namesSegment ?s . ?s skos:prefLabel ?segment . FILTER(LANG(?segment) = "zh") }
} GROUP BY ?driver""",
    "Quotes behind every figure": """PREFIX rk: <https://w3id.org/reportkg/ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?section ?value ?unit ?quote WHERE {
  ?obs rk:valueText ?value ; rk:unitText ?unit ; prov:wasDerivedFrom ?s ; rk:evidence ?ev .
  ?s dcterms:identifier ?section . ?ev oa:exact ?quote .
} ORDER BY ?section""",
    "Triples per graph": """SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY DESC(?triples)""",
    "CONSTRUCT: the segments of each market": """PREFIX rk: <https://w3id.org/reportkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?s skos:broader ?m ; skos:prefLabel ?l } WHERE {
  ?s a rk:Segment ; skos:broader ?m ; skos:prefLabel ?l .
}""",
}

CSS = """
.rk-status { padding: 6px 10px; border-radius: 6px; margin: 2px 0; font-size: 0.95em; }
.rk-status.answered { background: #eef6ee; border-left: 4px solid #4c9a52; }
.rk-status.derived { background: #eef2fa; border-left: 4px solid #5e81ac; }
.rk-status.not_found { background: #fff4e5; border-left: 4px solid #d08770; }
.rk-evidence mark.rk-quote { background: #ffe58a; padding: 1px 0; }
.rk-ev-head { font-size: 1.05em; margin-bottom: 8px; }
.rk-ev-miss { color: #a0522d; margin-bottom: 6px; }
.rk-ev-context { border-left: 3px solid #e0c060; padding: 4px 10px; margin: 6px 0 10px; }
.rk-ev-section summary { cursor: pointer; color: #5e81ac; margin-bottom: 6px; }
.rk-evidence mark.rk-quote-in-section { background: #fff1b8; padding: 1px 0; }
.rk-md h1, .rk-md h2, .rk-md h3, .rk-md h4 { font-size: 1.05em; margin: 0.6em 0 0.3em; }
.rk-csv-link { display: inline-block; padding: 8px 12px; border: 1px solid #ccd; border-radius: 6px; }
.rk-md p, .rk-md ul, .rk-md ol { margin: 0.3em 0; }
.rk-md table { border-collapse: collapse; } .rk-md td, .rk-md th { border: 1px solid #ddd; padding: 2px 6px; }
"""

# the app's labels in Chinese (the language switch); a label not listed stays English
UI_ZH = {
    "Chat": "问答", "Evidence": "出处", "Figures": "数据", "SPARQL": "SPARQL", "Graph": "图谱", "Reports": "报告",
    "Conversation": "对话", "Ask": "提问", "Citations of this conversation": "本次对话的出处",
    "Show evidence": "查看出处", "New conversation": "新对话", "Download answer (Markdown)": "下载回答（Markdown）",
    "Download answer (CSV)": "下载回答（CSV）", "Citation": "出处", "Chart metric": "图表指标",
    "Year for the bar chart": "柱状图年份", "Example queries": "示例查询", "Run query": "运行查询",
    "Entity": "实体", "Links away": "跳数", "Find a report": "查找报告", "part of its title": "标题中的文字",
    "Ingest report": "导入报告", "Remove a report": "删除报告", "Remove report": "删除报告",
    "report": "报告", "market": "市场", "metric": "指标", "region": "地区", "segment": "细分市场", "year": "年份",
    "status": "状态",
    "Ask about market sizes, growth rates, segments, drivers, definitions — in Chinese or English. Every answer "
    "cites the section and sentence it comes from.": "可用中文或英文询问市场规模、增长率、细分市场、驱动因素、定义等；每个回答都注明出自报告的哪一节、哪一句。",
    "例如：2024年全球AI推理芯片市场规模是多少？ / What was the market size in 2024?":
        "例如：2024年全球AI推理芯片市场规模是多少？",
}

STATUS_TEXT = {
    "en": {"answered": "Answered from the report, with citations.",
           "derived": "Derived: computed from the cited figures (see how below).",
           "not_found": "Not found: the graph does not hold this. The answer says what the reports do cover."},
    "zh": {"answered": "依据报告回答，附出处。",
           "derived": "推算：由所引数据计算得出（计算方法见下）。",
           "not_found": "未找到：图谱中没有这项内容。回答说明了报告涵盖的内容。"},
}
FIGURE_COLUMNS = ["reportTitle", "metric", "market", "region", "segment", "year", "period", "valueText", "unit",
                  "comparator", "status", "section", "sectionTitle"]
FILTERS = ["report", "market", "metric", "region", "segment", "year", "status"]
SEARCHED = {"report", "market", "segment"}      # too many to list: text typed in searches the store
REPORT_COLUMNS = {"id": "ID", "title": "Title", "publisher": "Publisher", "date": "Date", "pages": "Pages",
                  "figures": "Figures", "status": "Status"}
UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt"]


def theme():
    # system fonts only: the default theme fonts would make every browser fetch them from Google
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate",
                          font=["ui-sans-serif", "system-ui", "Noto Sans CJK SC", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md(s: Any) -> str:
    """Report text made inert for Markdown (and HTML, which the Chatbot sanitises as well)."""
    return _MD_SPECIAL.sub(r"\\\1", str(s if s is not None else ""))


def section_head(c: dict) -> str:
    """A citation's section as the app writes it: '§1.3 title', or the title alone where it is the id."""
    sec = c.get("section") or ""
    title = c.get("section_title") or ""
    return f"§{sec} {title}".strip() if sec and sec != title else (title or sec)


def value_text(v: dict) -> str:
    """An answer's value as the answer phrases it, else its number and unit with the bound ('≈ 12 %')."""
    cmp_ = {"lt": "< ", "gt": "> ", "approx": "≈ "}.get(v.get("comparator") or "eq", "")
    return (v.get("text") or f"{cmp_}{_fmt_number(v.get('value'))} {v.get('unit') or ''}").strip()


def cite_label(c: dict) -> str:
    head = section_head(c)
    quote = " ".join(str(c.get("quote") or "").split())
    cell = f" [{c['cell']}]" if c.get("cell") else ""
    page = page_text(c.get("page"), c.get("page_label"))
    return f"{head}{f' · {page}' if page else ''} — “{quote[:80]}{'…' if len(quote) > 80 else ''}”{cell}"


def _fmt_number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, (int, float)) else str(v)


ANSWER_TEXT = {
    "en": {"not_found": "**Not found in the reports.** ", "derived": "Derived", "sources": "Sources",
           "cell": "table cell", "understood": "Understood as", "sparql": "SPARQL that ran",
           "how": "How this was answered", "actual": "stated", "forecast": "forecast", "status_derived": "computed",
           "open": "Show the evidence"},
    "zh": {"not_found": "**报告中未找到。** ", "derived": "推算", "sources": "来源", "cell": "表格单元",
           "understood": "理解为", "sparql": "所运行的 SPARQL", "how": "回答过程", "actual": "已披露",
           "forecast": "预测", "status_derived": "计算值", "open": "查看出处"},
}


def _event_value(evt, key: str) -> str:
    """A value a page script sent with its event (``trigger('select', {key: …})``), as text; '' when absent."""
    data = getattr(evt, "_data", None) or {}
    return str(data.get(key) or "") if isinstance(data, dict) else ""


CITE_ANCHOR = "#rk-cite-"        # a citation's number in Chat links here; the page's click handler opens it


def render_answer(out: dict, keys: list[str] | None = None) -> list[dict]:
    """An answer as Chatbot messages, all in the answer's language: the answer with values and citations
    (each naming its report), then a collapsible "How this was answered" (interpretation and SPARQL).
    ``keys`` are the conversation's keys of the citations: each citation's number then links to its
    evidence (``CITE_ANCHOR`` + key)."""
    t = ANSWER_TEXT["zh" if out.get("lang") == "zh" else "en"]
    status = out.get("status", "answered")
    lines = []
    if status == "not_found":
        lines.append(t["not_found"] + md(out.get("answer", "")))
    else:
        lines.append(md(out.get("answer", "")))
    vals = out.get("values") or []
    if vals and status != "not_found":
        lines.append("")
        for v in vals[:8]:
            st = v.get("status") or ""
            bits = [b for b in (str(v.get("year") or ""), v.get("region") or "", v.get("segment") or "",
                                t.get("status_" + st, t.get(st, st))) if b]
            lines.append(f"- **{md(value_text(v))}**" + (f" · {md(' · '.join(bits))}" if bits else ""))
    if status == "derived" and out.get("formula"):
        lines.append(f"\n*{t['derived']}:* {md(out['formula'])}")
    cites = out.get("citations") or []
    if cites:
        lines.append(f"\n**{t['sources']}**")
        for i, c in enumerate(cites, 1):
            head = section_head(c)
            report = c.get("report_title") or str(c.get("report") or "").rsplit("/", 1)[-1]
            cell = f" ({t['cell']} {md(c['cell'])})" if c.get("cell") else ""
            page = page_text(c.get("page"), c.get("page_label"))
            key = keys[i - 1] if keys and i <= len(keys) else None
            num = f"- [\\[{i}\\]]({CITE_ANCHOR}{key} \"{t['open']}\")" if key else f"{i}."
            lines.append(f"{num} *{md(report)}* · {md(head)}{f' · {md(page)}' if page else ''} — "
                         f"“{md(c.get('quote', ''))}”{cell}")
    msgs = [{"role": "assistant", "content": "\n".join(lines)}]
    how = []
    if out.get("interpretation"):
        how.append(f"**{t['understood']}:** {md(out['interpretation'])}")
    if out.get("sparql"):
        how.append(f"**{t['sparql']}:**\n```sparql\n" + out["sparql"].replace("```", "` ` `") + "\n```")
    if how:
        msgs.append({"role": "assistant", "content": "\n\n".join(how),
                     "metadata": {"title": t["how"], "status": "done"}})
    return msgs


def answer_markdown(out: dict) -> str:
    """An answer with its sources, as Markdown to paste into a note: the question, the answer (marked derived
    with its formula), its figures, and every citation with report, section, page, line and quote."""
    zh = out.get("lang") == "zh"
    lines = [f"## {out.get('question', '')}", "", str(out.get("answer", "")), ""]
    if out.get("status") == "derived" and out.get("formula"):
        lines += [("**推算：** " if zh else "**Derived:** ") + str(out["formula"]), ""]
    for v in out.get("values") or []:
        lines.append(f"- {v.get('label')}: {value_text(v)}" + (f" ({v['status']})" if v.get("status") else ""))
    if out.get("values"):
        lines.append("")
    cites = out.get("citations") or []
    if cites:
        lines.append("### 来源" if zh else "### Sources")
        for i, c in enumerate(cites, 1):
            where = ", ".join(x for x in (section_head(c),
                                          page_text(c.get("page"), c.get("page_label")),
                                          f"line {c['line']}" if c.get("line") is not None else "") if x)
            lines.append(f"{i}. *{c.get('report_title') or c.get('report')}*, {where}: “{c.get('quote', '')}”")
    return "\n".join(lines).rstrip() + "\n"


ANSWER_CSV_COLUMNS = ["question", "status", "answer", "row", "figure", "value", "unit", "value_as_answered", "year",
                      "period", "region", "segment", "figure_status", "formula", "report", "report_title",
                      "section", "section_title", "page", "line", "quote"]


def answer_csv(out: dict) -> str:
    """An answer as CSV: a ``figure`` row for each of its figures (a derived one with the formula), then a
    ``source`` row for each citation (report, section, page, line, quote); an answer with neither is one row."""
    import csv
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, ANSWER_CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    base = {"question": out.get("question"), "status": out.get("status"), "answer": out.get("answer")}
    rows = []
    for v in out.get("values") or []:
        rows.append({**base, "row": "figure", "figure": v.get("label"), "value": v.get("value"), "unit": v.get("unit"),
                     "value_as_answered": v.get("text"), "year": v.get("year"),
                     "period": "-".join(map(str, v["period"])) if v.get("period") else None,
                     "region": v.get("region"), "segment": v.get("segment"), "figure_status": v.get("status"),
                     "formula": out.get("formula") if v.get("status") == "derived" else None})
    for c in out.get("citations") or []:
        rows.append({**base, "row": "source", "report": c.get("report"), "report_title": c.get("report_title"),
                     "section": c.get("section"), "section_title": c.get("section_title"), "page": c.get("page"),
                     "line": c.get("line"), "quote": c.get("quote")})
    w.writerows(rows or [base])
    return buf.getvalue()


def status_html(out: dict | None) -> str:
    if not out:
        return ""
    st = out.get("status", "answered")
    zh = out.get("lang") == "zh"
    n = len(out.get("citations") or [])
    extra = "" if st == "not_found" else (f" 共 {n} 处出处。" if zh else f" {n} citation{'s' if n != 1 else ''}.")
    text = STATUS_TEXT["zh" if zh else "en"].get(st, st)
    return f'<div class="rk-status {html.escape(st)}" data-status="{html.escape(st)}">{html.escape(text)}{extra}</div>'


def _download(name: str, data: bytes | str) -> str:
    """A file to offer for download, in the app's own temporary folder (removed when the server stops)."""
    root = os.path.join(os.environ.get("GRADIO_TEMP_DIR") or tempfile.gettempdir(), "downloads")
    os.makedirs(root, exist_ok=True)
    d = os.path.join(root, uuid.uuid4().hex)
    os.makedirs(d)
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------ figures


FIGURE_HEADERS = {"reportTitle": "Report", "metric": "Metric", "market": "Market", "region": "Region",
                  "segment": "Segment", "year": "Year", "period": "Period", "valueText": "Value", "unit": "Unit",
                  "comparator": "Bound", "status": "Status", "section": "Section", "sectionTitle": "Section title"}
BOUNDS = {"eq": "", "approx": "about", "gt": "more than", "lt": "less than"}


def _figure_frame(rows: list[dict]) -> pd.DataFrame:
    """The figures as the table shows them: human column names, the value as the report writes it."""
    recs = []
    for r in rows:
        rec = {FIGURE_HEADERS[k]: r.get(k) for k in FIGURE_COLUMNS}
        rec["Period"] = f"{r['start']}–{r['end']}" if r.get("start") else ""
        rec["Year"] = str(r["year"]) if r.get("year") is not None else ""
        rec["Bound"] = BOUNDS.get(r.get("comparator") or "eq", r.get("comparator"))
        recs.append(rec)
    return pd.DataFrame(recs, columns=[FIGURE_HEADERS[k] for k in FIGURE_COLUMNS])


def figures_csv_link(filters: dict) -> str:
    """One click to every figure the filters match, as CSV: a link to GET /api/figures?format=csv (streamed
    by the server), relative so that it works under a root path."""
    params = [("format", "csv")] + [(k, ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v))
                                    for k, v in filters.items() if v]
    return (f'<a class="rk-csv-link" href="api/figures?{html.escape(urlencode(params))}" download="figures.csv">'
            'Download CSV (every matching figure)</a>')


def _empty_chart() -> pd.DataFrame:
    """No rows, but typed: Gradio reads each axis' type from the dtypes (pandas makes empty lists float,
    and a plot that once got a float ``year`` kept drawing a numeric axis after real data came)."""
    return pd.DataFrame({"year": pd.Series([], dtype=str), "value": pd.Series([], dtype=float),
                         "series": pd.Series([], dtype=str), "region": pd.Series([], dtype=str)})
MAX_SERIES = 24         # more lines than this is no chart: the Figures note asks for a narrower filter


def _chart_rows(rows: list[dict], metric: str | None) -> list[dict]:
    """Rows of one metric in its most common unit, exact values only (bounds are not drawn). A series is
    a region and segment; it names its report when several reports state figures of one market (their
    figures are never added up), else its market when the rows hold several."""
    rows = [r for r in rows if r.get("year") is not None and (not metric or r.get("metric") == metric)
            and r.get("comparator", "eq") == "eq"]
    units: dict[str, int] = {}
    for r in rows:
        units[r.get("unit") or ""] = units.get(r.get("unit") or "", 0) + 1
    if not units:
        return []
    unit = max(units, key=units.get)
    rows = [r for r in rows if (r.get("unit") or "") == unit]
    prefix = _series_prefix(rows)
    return [{"year": str(r["year"]), "value": float(r["value"]), "region": r.get("region") or "—",
             "series": prefix(r) + f"{r.get('region') or '—'} · {r.get('segment') or 'total'}", "unit": unit}
            for r in rows]


def _series_prefix(rows: list[dict]):
    reports_of: dict[Any, set] = {}
    titles: dict[str, set] = {}
    for r in rows:
        reports_of.setdefault(r.get("market"), set()).add(r.get("report"))
        titles.setdefault(r.get("reportTitle") or "", set()).add(r.get("report"))
    if any(len(v) > 1 for v in reports_of.values()):
        if any(len(v) > 1 for v in titles.values()):          # the same title on several reports: their IRIs
            return lambda r: f"{str(r.get('report') or '').rsplit('/', 1)[-1]} · "
        return lambda r: f"{r.get('reportTitle')} · "
    if len(reports_of) > 1:
        return lambda r: f"{r.get('market') or '—'} · "
    return lambda r: ""


def _too_many_series(data: list[dict]) -> bool:
    return len({d["series"] for d in data}) > MAX_SERIES


def _line_frame(rows: list[dict], metric: str | None) -> pd.DataFrame:
    """One line per region × segment across the stated years, on a time axis (2023, 2024 and 2030 spaced as
    the years are, not evenly)."""
    data = _chart_rows(rows, metric)
    if not data or _too_many_series(data):
        frame = _empty_chart()
        frame["year"] = pd.Series([], dtype="datetime64[ns]")
        return frame
    frame = pd.DataFrame(data)
    frame["year"] = pd.to_datetime(frame["year"].astype(str) + "-01-01")
    return frame.sort_values(["series", "year"])


def axis_title(frame: pd.DataFrame, metric: str | None) -> str:
    """The value axis' title: the metric and the unit the chart draws ('market size (亿元人民币)')."""
    unit = str(frame["unit"].iloc[0]) if "unit" in frame and len(frame) else ""
    what = metric or "value"
    return f"{what} ({unit})" if unit else what


def _bar_frame(rows: list[dict], metric: str | None, year: str | None) -> pd.DataFrame:
    """One bar per region × segment for one year (no stacking: every bar is one stated figure)."""
    data = [d for d in _chart_rows(rows, metric) if not year or d["year"] == str(year)]
    if not data or _too_many_series(data):
        return _empty_chart()
    return pd.DataFrame(data).sort_values(["region", "series"])


def legends(line: pd.DataFrame, bars: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The series each plot draws, for its legend. Gradio (6.31) fixes a plot's colour domain when it
    first draws it and afterwards only swaps the data, so series not in the first data (another market,
    after an empty chart) stayed invisible; a new legend, set once the data is in, redraws the plot."""
    return sorted(set(line["series"])), sorted(set(bars["region"]))


def _default_year(rows: list[dict]) -> str | None:
    years: dict[str, int] = {}
    for r in rows:
        if r.get("year") is not None and r.get("status") == "actual":
            years[str(r["year"])] = years.get(str(r["year"]), 0) + 1
    return max(years, key=lambda y: (years[y], y)) if years else None


def page_note(shown: int, total: int, what: str, refine: str, at_least: bool = False) -> str:
    """"15 figures." or "Showing the first 200 of 13,721 figures: refine the filters to see the others."."""
    plural = what if total == 1 and not at_least else what + "s"
    if shown >= total and not at_least:
        return f"{total:,} {plural}." if total else f"No {what}s match."
    of = f"more than {total:,}" if at_least else f"{total:,}"
    return f"Showing the first {shown:,} of {of} {plural}: {refine}."


def merge_choices(current: Any, found: list) -> list:
    """``found`` with the values already chosen kept first (a choice must stay listed to stay shown)."""
    keep = [v for v in (current if isinstance(current, list) else [current]) if v not in (None, "")]
    values = {c[1] if isinstance(c, tuple) else c for c in found}
    return [v for v in keep if v not in values] + list(found)


# ------------------------------------------------------------------------------------------ the app


def build_blocks(services: Services) -> gr.Blocks:
    store = services.store

    def figure_choices() -> dict[str, list[str]]:
        return {k: services.figure_choices(k).values for k in FILTERS}

    def figures_note(page, metric: str | None = None) -> str:
        note = page_note(len(page.rows), page.total, "figure", "refine the filters", page.total_capped)
        if _too_many_series(_chart_rows(page.rows, metric)):
            note += f" The charts draw at most {MAX_SERIES} series: choose a report, a market or a region."
        if not all(services.figure_choices(k).complete for k in SEARCHED):
            note += (" The report, market and segment filters list some of their values: type part of a name and "
                     "press Enter to search them all (a name that is not listed matches every one containing it).")
        return note

    def reports_view(search: str | None = None) -> tuple[pd.DataFrame, str]:
        rows, total = services.reports_page(search)
        frame = pd.DataFrame([{name: "" if r.get(k) is None else str(r[k]) for k, name in REPORT_COLUMNS.items()}
                              for r in rows], columns=list(REPORT_COLUMNS.values()))
        return frame, page_note(len(rows), total, "report", "type part of a title to find the others")

    def report_choices() -> list[tuple[str, str]]:
        rows, _ = services.reports_page()
        return [(f"{r.get('title')} ({r['id']})", r["id"]) for r in rows]

    def header_md(lang: str = "en") -> str:
        """The page's heading and the reports it holds, in the app's language."""
        rows, n = services.reports_page(limit=6)
        titles = "; ".join(md(r.get("title")) for r in rows) + ("…" if n > len(rows) else "")
        if lang == "zh":
            return "## reportkg — 报告问答\n" + (f"图谱中有 {n:,} 份报告：{titles}" if n else
                                               "还没有报告：请在“报告”页上传。")
        return ("## reportkg — ask the reports\n" + (f"{n:,} report{'s' if n != 1 else ''} in the graph: {titles}"
                                                     if n else "No reports yet: upload one in the Reports tab."))

    with gr.Blocks(title="reportkg", analytics_enabled=False, fill_width=True) as demo:
        conv_id = gr.State(None)
        cites = gr.State([])
        with gr.Row():
            header = gr.Markdown(header_md(), elem_id="rk-header")
            ui_lang = gr.Radio([("English", "en"), ("中文", "zh")], value="en", show_label=False, container=False,
                               elem_id="rk-ui-lang", scale=0, min_width=160)
        with gr.Tabs(selected="chat") as tabs:
            # ---------------------------------------------------------------------------- chat
            with gr.Tab("Chat", id="chat") as tab_chat:
                chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="rk-chat", buttons=["copy"],
                                     feedback_options=None, placeholder="Ask about market sizes, growth rates, "
                                     "segments, drivers, definitions — in Chinese or English. Every answer cites "
                                     "the section and sentence it comes from.")
                status = gr.HTML("", elem_id="rk-status")
                # a click on a citation's number in Chat opens its evidence (its key travels as event data)
                cite_click = gr.HTML("", elem_id="rk-cite-click", padding=False, js_on_load=(
                    "document.addEventListener('click', (e) => { const a = e.target.closest("
                    f"'#rk-chat a[href*=\"{CITE_ANCHOR}\"]'); if (!a) return; e.preventDefault(); "
                    "e.stopPropagation(); trigger('select', { cite: a.getAttribute('href').split("
                    f"'{CITE_ANCHOR}').pop() }}); }}, true);"))
                with gr.Row():
                    question = gr.Textbox(show_label=False, scale=8, max_length=services.settings.max_question_chars,
                                          placeholder="例如：2024年全球AI推理芯片市场规模是多少？ / "
                                                      "What was the market size in 2024?",
                                          elem_id="rk-question", autofocus=True, submit_btn=False)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="rk-ask")
                with gr.Row():
                    cite_pick = gr.Dropdown(label="Citations of this conversation", choices=[], scale=6,
                                            elem_id="rk-cite-pick", interactive=True)
                    open_btn = gr.Button("Show evidence", scale=1, elem_id="rk-open-evidence")
                    new_btn = gr.Button("New conversation", scale=1, elem_id="rk-new")
                with gr.Row():
                    ans_md = gr.DownloadButton("Download answer (Markdown)", value=None, interactive=False,
                                               elem_id="rk-answer-md", size="sm")
                    ans_csv = gr.DownloadButton("Download answer (CSV)", value=None, interactive=False,
                                                elem_id="rk-answer-csv", size="sm")
                with gr.Row():
                    ex_zh = gr.Examples(EXAMPLES_ZH, inputs=question, label="示例（中文）")
                    ex_en = gr.Examples(EXAMPLES_EN, inputs=question, label="Examples (English)")
            # ---------------------------------------------------------------------------- evidence
            with gr.Tab("Evidence", id="evidence") as tab_ev:
                ev_pick = gr.Dropdown(label="Citation", choices=[], elem_id="rk-ev-pick", interactive=True)
                ev_html = gr.HTML("<p>Ask a question in the Chat tab, then choose one of its citations.</p>",
                                  elem_id="rk-evidence")
            # ---------------------------------------------------------------------------- figures
            with gr.Tab("Figures", id="figures") as tab_fig:
                ch = figure_choices()
                first = services.figure_page()
                with gr.Row():
                    f_inputs = [gr.Dropdown(ch[k], label=k, multiselect=True, value=[], elem_id=f"rk-filter-{k}",
                                            allow_custom_value=k in SEARCHED) for k in FILTERS]
                fig_note = gr.Markdown(figures_note(first, "market size"), elem_id="rk-figures-note")
                fig_table = gr.Dataframe(_figure_frame(first.rows), elem_id="rk-figures-table",
                                         interactive=False, wrap=True, max_height=380, show_search="search")
                with gr.Row():
                    metrics = ch["metric"]
                    chart_metric = gr.Dropdown(metrics, value="market size" if "market size" in metrics else
                                               (metrics[0] if metrics else None), label="Chart metric",
                                               elem_id="rk-chart-metric", scale=2)
                    chart_year = gr.Dropdown(ch["year"], value=_default_year(first.rows),
                                             label="Year for the bar chart", elem_id="rk-chart-year", scale=1)
                    fig_csv = gr.HTML(figures_csv_link({}), elem_id="rk-figures-csv")
                with gr.Row():
                    chart = gr.LinePlot(None, x="year", y="value", color="series", title="Stated figures by year",
                                        elem_id="rk-chart", height=340, sort="x")
                    bars = gr.BarPlot(None, x="series", y="value", color="region", title="By region and segment, one year",
                                      elem_id="rk-chart-bars", height=340, x_label_angle=-30, sort=None)
                chart_legends = gr.State(([], []))
            # ---------------------------------------------------------------------------- sparql
            with gr.Tab("SPARQL", id="sparql") as tab_sparql:
                first = next(iter(EXAMPLE_QUERIES))
                with gr.Row():
                    q_pick = gr.Dropdown(list(EXAMPLE_QUERIES), value=first, label="Example queries", scale=4,
                                         elem_id="rk-sparql-examples")
                    run_btn = gr.Button("Run query", variant="primary", scale=1, elem_id="rk-sparql-run")
                editor = gr.Code(EXAMPLE_QUERIES[first], language="sql", lines=10, max_lines=30, interactive=True,
                                 label="SPARQL (read-only; rk:, skos:, qb:, dcterms: … need no PREFIX)",
                                 elem_id="rk-sparql-editor")
                q_info = gr.Markdown("", elem_id="rk-sparql-info")
                q_table = gr.Dataframe(pd.DataFrame({"(run a query)": []}), interactive=False, wrap=True, max_height=420, elem_id="rk-sparql-result")
                q_graph = gr.Code("", language=None, label="Result graph (Turtle)", visible=False,
                                  elem_id="rk-sparql-graph")
                with gr.Row():
                    q_csv = gr.DownloadButton("Download CSV", elem_id="rk-sparql-csv")
                    q_json = gr.DownloadButton("Download JSON", elem_id="rk-sparql-json")
                gr.Markdown("The same endpoint serves other tools at `/sparql` (SPARQL 1.1 Protocol).")
            # ---------------------------------------------------------------------------- graph
            with gr.Tab("Graph", id="graph") as tab_graph:
                ents = services.entity_choices()
                default_ent = next((v for lab, v in ents if lab.startswith("segment:")), ents[0][1] if ents else None)
                with gr.Row():
                    ent_pick = gr.Dropdown(ents, value=default_ent, label="Entity", scale=4, elem_id="rk-entity",
                                           filterable=True, allow_custom_value=True,
                                           info="lists some entities of each kind: type part of any name and "
                                                "press Enter to search them all")
                    hops = gr.Radio([1, 2], value=1, label="Links away", scale=1, elem_id="rk-hops")
                # a click on a drawn entity redraws the graph around it (its IRI travels as event data)
                g_svg = gr.HTML("", elem_id="rk-graph", js_on_load=(
                    "element.addEventListener('click', (e) => { const n = e.target.closest('g.rk-node[data-iri]');"
                    " if (n) trigger('select', { iri: n.dataset.iri }); });"))
                g_edges = gr.Dataframe(None, headers=["from", "link", "to"], interactive=False, max_height=300,
                                       elem_id="rk-graph-edges")
            # ---------------------------------------------------------------------------- reports
            with gr.Tab("Reports", id="reports") as tab_reports:
                rep_frame, rep_text = reports_view()
                rep_search = gr.Textbox(label="Find a report", placeholder="part of its title", elem_id="rk-report-search")
                rep_note = gr.Markdown(rep_text, elem_id="rk-reports-note")
                rep_table = gr.Dataframe(rep_frame, interactive=False, wrap=True, elem_id="rk-reports")
                limit_mb = services.settings.max_upload_bytes / 1024 / 1024
                uploads = services.uploads_allowed
                upload = gr.File(label=f"Add a report: a PDF, a Word document, a web page, or UTF-8 markdown or text (.pdf, .docx, .html, "
                                       f".md, .txt), at most "
                                       f"{limit_mb:g} MB; a report with the same file name is replaced",
                                 file_types=UPLOAD_TYPES, type="filepath", elem_id="rk-upload",
                                 visible=uploads)
                ingest_btn = gr.Button("Ingest report", variant="primary", elem_id="rk-ingest", visible=uploads)
                # the write token travels with the ingest event: a page of another site cannot read it
                write_token = gr.Textbox(services.write_token if uploads else "", visible=False)
                up_status = gr.Markdown("" if uploads else "Uploads are turned off on this server (whoever runs it "
                                        "can start it with `reportkg serve --allow-uploads`).", elem_id="rk-upload-status")
                with gr.Row(visible=uploads):
                    rm_pick = gr.Dropdown(report_choices(), label="Remove a report", value=None, scale=4,
                                          elem_id="rk-remove-pick", filterable=True)
                    rm_btn = gr.Button("Remove report", variant="stop", scale=1, elem_id="rk-remove")

        # the app's own labels in English or Chinese (answers follow the question's language, whatever this says)
        labelled = [(tab_chat, "label"), (tab_ev, "label"), (tab_fig, "label"), (tab_sparql, "label"),
                    (tab_graph, "label"), (tab_reports, "label"), (chatbot, "label"), (chatbot, "placeholder"),
                    (question, "placeholder"),
                    (ask_btn, "value"), (cite_pick, "label"), (open_btn, "value"), (new_btn, "value"),
                    (ans_md, "label"), (ans_csv, "label"), (ev_pick, "label"), (chart_metric, "label"),
                    (chart_year, "label"), (q_pick, "label"), (run_btn, "value"), (ent_pick, "label"),
                    (hops, "label"), (rep_search, "label"), (rep_search, "placeholder"), (ingest_btn, "value"),
                    (rm_pick, "label"), (rm_btn, "value")] + [(f, "label") for f in f_inputs]
        english = [getattr(c, attr) for c, attr in labelled]

        def relabel(lang: str):
            texts = english if lang != "zh" else [UI_ZH.get(t, t) for t in english]
            return [header_md(lang)] + [gr.update(**{attr: t}) for (_c, attr), t in zip(labelled, texts)]

        ui_lang.change(relabel, inputs=ui_lang, outputs=[header] + [c for c, _ in labelled],
                       api_visibility="undocumented")
        # the app opens in the browser's language, as Gradio's own parts do
        # ... and its heading (the reports held now) follows once the language is set: a load of its own could
        # read the language before the browser's is set and overwrite the relabelled heading in English
        demo.load(None, js="() => (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en'",
                  outputs=ui_lang, api_visibility="undocumented").then(
            header_md, inputs=ui_lang, outputs=header, api_visibility="undocumented")

        # -------------------------------------------------------------------------------- callbacks
        def respond(message: str, history: list, cid: str | None, known: list):
            message = (message or "").strip()
            if not message:
                return (gr.update(), history, cid, known, gr.update(), gr.update(),
                        '<div class="rk-status empty" data-status="empty">Type a question first. / 请先输入问题。</div>',
                        gr.update(), gr.update(), gr.update())
            try:
                out = services.ask(message, cid)
            except ServiceError as e:
                if e.status != 404:
                    raise gr.Error(e.message) from None
                out = services.ask(message, None)          # the conversation expired: start afresh
            cid = out["conversation_id"]
            known = list(known or [])
            new_idx = []
            for c in out.get("citations") or []:
                key = (c.get("report"), c.get("section"), c.get("quote"))
                idx = next((i for i, k in enumerate(known) if (k.get("report"), k.get("section"), k.get("quote")) == key), None)
                if idx is None:
                    known.append(c)
                    idx = len(known) - 1
                new_idx.append(idx)
            history = (list(history or []) + [{"role": "user", "content": message}]
                       + render_answer(out, [f"c{i}" for i in new_idx]))
            # string keys: a dropdown value of 0 reads as "nothing chosen" in the browser
            choices = [(cite_label(c), f"c{i}") for i, c in enumerate(known)]
            pick = f"c{new_idx[0]}" if new_idx else None
            stem = "answer-" + uuid.uuid4().hex[:8]
            return ("", history, cid, known, gr.update(choices=choices, value=pick),
                    gr.update(choices=choices, value=pick), status_html(out),
                    show_evidence(pick, known) if pick else gr.update(),
                    gr.update(value=_download(stem + ".md", answer_markdown(out)), interactive=True),
                    gr.update(value=_download(stem + ".csv", answer_csv(out)), interactive=True))

        chat_io = dict(inputs=[question, chatbot, conv_id, cites],
                       outputs=[question, chatbot, conv_id, cites, cite_pick, ev_pick, status, ev_html, ans_md,
                                ans_csv])
        ask_btn.click(respond, api_name="chat", **chat_io)
        question.submit(respond, api_visibility="undocumented", **chat_io)
        for ex in (ex_zh, ex_en):               # an example chip asks its question, not only fills the box
            ex.load_input_event.then(respond, api_visibility="undocumented", **chat_io)

        def new_conversation():
            return ([], None, [], gr.update(choices=[], value=None), gr.update(choices=[], value=None), "",
                    gr.update(value=None, interactive=False), gr.update(value=None, interactive=False))
        new_btn.click(new_conversation, outputs=[chatbot, conv_id, cites, cite_pick, ev_pick, status, ans_md, ans_csv],
                      api_visibility="undocumented")

        def show_evidence(key, known):
            idx = int(key[1:]) if isinstance(key, str) and re.fullmatch(r"c\d+", key) else None
            if idx is None or not known or idx >= len(known):
                return "<p>Choose a citation.</p>"
            c = known[idx]
            ev = graphview.evidence(store, c.get("report") or "", c.get("section") or "", c.get("quote") or "",
                                    page=c.get("page"), page_label=c.get("page_label"))
            if ev is None:
                return (f"<p>Section {html.escape(str(c.get('section')))} is not in the graph any more.</p>"
                        f"<blockquote>{html.escape(str(c.get('quote')))}</blockquote>")
            return ev.to_html()

        ev_pick.input(show_evidence, inputs=[ev_pick, cites], outputs=ev_html, api_visibility="undocumented")

        def open_evidence(idx, known):
            return gr.Tabs(selected="evidence"), gr.update(value=idx), show_evidence(idx, known)
        open_btn.click(open_evidence, inputs=[cite_pick, cites], outputs=[tabs, ev_pick, ev_html],
                       api_visibility="undocumented")

        def open_cited(known, evt: gr.EventData):
            key = _event_value(evt, "cite")
            if not re.fullmatch(r"c\d{1,6}", key):
                return gr.update(), gr.update(), gr.update(), gr.update()
            return (*open_evidence(key, known), gr.update(value=key))
        cite_click.select(open_cited, inputs=[cites], outputs=[tabs, ev_pick, ev_html, cite_pick],
                          api_visibility="undocumented")

        # figures
        def filter_figures(*vals):
            *filters, metric, year = vals
            page = services.figure_page(dict(zip(FILTERS, filters)))
            line, bar = _line_frame(page.rows, metric), _bar_frame(page.rows, metric, year)
            return (figures_note(page, metric), _figure_frame(page.rows),
                    gr.update(value=line, y_title=axis_title(line, metric)),
                    gr.update(value=bar, y_title=axis_title(bar, metric)), legends(line, bar),
                    figures_csv_link(dict(zip(FILTERS, filters))))

        fig_inputs = f_inputs + [chart_metric, chart_year]
        fig_outputs = [fig_note, fig_table, chart, bars, chart_legends, fig_csv]

        def set_legends(both):
            return gr.update(colors_in_legend=both[0]), gr.update(colors_in_legend=both[1])

        def on_figures(listener) -> None:
            listener(filter_figures, inputs=fig_inputs, outputs=fig_outputs, api_visibility="undocumented").then(
                set_legends, inputs=chart_legends, outputs=[chart, bars], api_visibility="undocumented")

        # filters: .change, since a multiselect sends no input event for a value typed in (Gradio 6.31)
        for comp in f_inputs:
            on_figures(comp.change)
        for comp in (chart_metric, chart_year):
            on_figures(comp.input)

        f_market, f_segment = f_inputs[FILTERS.index("market")], f_inputs[FILTERS.index("segment")]

        def chooser(key: str):
            """The choices of one searched filter after an edit: its usual list (a segment filter: the
            chosen markets' segments) and, for a value typed in that is no label, what matches it."""
            def choose(values, markets):
                values = [v for v in (values or []) if v]
                within = {"market": markets} if key == "segment" and markets else None
                usual = services.figure_choices(key, within=within).values
                found = [c for v in values if v not in usual for c in services.figure_choices(key, search=v).values]
                return gr.update(choices=merge_choices(values, list(dict.fromkeys(found + usual))))
            return choose

        for key, comp in zip(FILTERS, f_inputs):
            if key in SEARCHED:
                comp.change(chooser(key), inputs=[comp, f_market], outputs=comp, show_progress="hidden",
                            api_visibility="undocumented")
        f_market.change(chooser("segment"), inputs=[f_segment, f_market], outputs=f_segment, show_progress="hidden",
                        api_visibility="undocumented")


        # sparql
        q_pick.input(lambda name: EXAMPLE_QUERIES.get(name, ""), inputs=q_pick, outputs=editor,
                      api_visibility="undocumented")

        def run_query(text: str):
            no_rows = pd.DataFrame({"(no result)": []})
            try:
                res = services.endpoint.query(text or "", fmt="json")
            except EndpointError as e:
                return (f"**The query was refused ({e.status}):** {md(e.message)}", no_rows,
                        gr.update(visible=False, value=""), None, None)
            t = to_table(res, services.prefixes, plain=True)
            note = " **Truncated** at the row limit: " \
                   f"{services.settings.limits.row_limit:,} rows shown." if t.truncated else ""
            note += f" [Link to this query](?{urlencode({'sparql': text})}#sparql)" if len(text) <= 4000 else ""
            if t.text is not None:
                info = f"{res.rows:,} triples in {t.seconds * 1000:.0f} ms.{note}"
                return info, no_rows, gr.update(visible=True, value=t.text), _download("result.ttl", t.text), None
            frame = pd.DataFrame(t.rows, columns=t.columns)
            info = f"{len(t.rows):,} row{'s' if len(t.rows) != 1 else ''} in {t.seconds * 1000:.0f} ms.{note}"
            try:
                csv_body = services.endpoint.query(text, fmt="csv").body
            except EndpointError:
                csv_body = b""
            return (info, frame, gr.update(visible=False, value=""), _download("result.csv", csv_body),
                    _download("result.json", res.body))

        run_btn.click(run_query, inputs=editor, outputs=[q_info, q_table, q_graph, q_csv, q_json],
                      api_name="sparql_query")

        def shared_query(request: gr.Request):
            """A link with ?sparql=… opens the SPARQL tab with that query, run."""
            text = (request.query_params.get("sparql") or "") if request is not None else ""
            if not text.strip():
                return (gr.update(),) * 7
            return (gr.Tabs(selected="sparql"), text, *run_query(text))

        demo.load(shared_query, outputs=[tabs, editor, q_info, q_table, q_graph, q_csv, q_json],
                  api_visibility="undocumented")

        # graph
        def draw(iri: str | None, radius: int):
            if not iri:
                return "<p>Choose an entity.</p>", None
            sub = services.neighbourhood(iri, int(radius or 1))
            rows = graphview.edge_rows(sub)
            return (graphview.to_svg(graphview.grouped(sub, iri), iri),
                    pd.DataFrame(rows, columns=["from", "link", "to"]))

        def expand(radius: int, evt: gr.EventData):
            """A click on an entity of the drawing: it becomes the center, and the picker shows it."""
            iri = _event_value(evt, "iri")
            named = services.entity_choice(iri) if iri.startswith(("http://", "https://")) and len(iri) < 2000 else None
            if named is None:
                return gr.update(), gr.update(), gr.update()
            return (gr.update(choices=[named] + [c for c in services.entity_choices() if c[1] != iri], value=iri),
                    *draw(iri, radius))

        def pick(value: str | None, radius: int):
            """A chosen entity is drawn; text typed in is searched for, the best match drawn and the
            matches offered (the list holds only some entities up front)."""
            if not value or value.startswith(("http://", "https://")):
                return (gr.update(), *draw(value, radius))
            found = services.search_entities(value)
            if not found:
                return (gr.update(), f"<p>No entity’s name contains “{html.escape(value)}”.</p>", None)
            return (gr.update(choices=found, value=found[0][1]), *draw(found[0][1], radius))

        ent_pick.input(pick, inputs=[ent_pick, hops], outputs=[ent_pick, g_svg, g_edges], api_visibility="undocumented")
        g_svg.select(expand, inputs=[hops], outputs=[ent_pick, g_svg, g_edges], api_visibility="undocumented")
        hops.input(pick, inputs=[ent_pick, hops], outputs=[ent_pick, g_svg, g_edges], api_visibility="undocumented")

        # reports
        def refused(message: str) -> list:
            """A refused upload: one line where the last outcome shows (no stacked error toasts), the upload box
            cleared, every other view as it was."""
            return [f'<span class="rk-refused">**Refused:** {md(message)}</span>', None] + \
                [gr.update()] * len(store_views)

        def ingest(path: str | None, token: str, progress=gr.Progress()):
            try:
                services.check_write(token)
            except ServiceError as e:
                return refused(e.message)
            if not path:
                return refused("choose a report first: .pdf, .docx, .html, .md or .txt.")
            size = os.path.getsize(path)
            limit = services.settings.max_upload_bytes
            name = os.path.basename(path)
            try:
                if size > limit:
                    raise ServiceError(413, Msg.UPLOAD_TOO_BIG.format(size=size, limit=limit))
                with open(path, "rb") as f:
                    data = f.read()
                res = services.ingest_upload(name, data, progress=lambda f, what: progress(f, desc=what))
            except ServiceError as e:
                return refused(e.message + " The graph is unchanged.")
            finally:
                _remove(path)              # Gradio's copy of the upload is not kept
            progress(1.0, desc="done")
            msg = (f"**{md(res['file'])}** {'replaced' if res['replaced'] else 'added'}: {res['claims']} claims "
                   f"({res['figures']} figures), {res['triples']:,} triples in {res['milliseconds']} ms.")
            return [msg, None, *refreshed()]             # the file is in the graph: the upload box is cleared

        def remove(name: str | None, token: str):
            try:
                services.check_write(token)
                if not name:
                    raise ServiceError(400, "Choose the report to remove first.")
                res = services.remove_report(name)
            except ServiceError as e:
                raise gr.Error(e.message + (" The graph is unchanged." if e.status != 403 else "")) from None
            return [f"Removed **{md(res['id'])}**; {res['reports']:,} report{'s' if res['reports'] != 1 else ''} "
                    "left.", *refreshed()]

        def refreshed() -> list:
            """What shows the store's content, read again after a report is added or removed."""
            ch = figure_choices()
            page = services.figure_page()
            frame, note = reports_view()
            return ([frame, note, _figure_frame(page.rows), figures_note(page, "market size"),
                     gr.update(choices=services.entity_choices()), gr.update(choices=report_choices(), value=None)]
                    + [gr.update(choices=ch[k]) for k in FILTERS])

        store_views = [rep_table, rep_note, fig_table, fig_note, ent_pick, rm_pick] + f_inputs
        ingest_btn.click(ingest, inputs=[upload, write_token], outputs=[up_status, upload] + store_views,
                         api_name="upload_report", concurrency_limit=1).then(
            header_md, inputs=ui_lang, outputs=header, api_visibility="undocumented")
        rm_btn.click(remove, inputs=[rm_pick, write_token], outputs=[up_status] + store_views,
                     api_name="remove_report", concurrency_limit=1).then(
            header_md, inputs=ui_lang, outputs=header, api_visibility="undocumented")

        rep_search.submit(reports_view, inputs=rep_search, outputs=[rep_table, rep_note], api_visibility="undocumented")
        rep_search.input(reports_view, inputs=rep_search, outputs=[rep_table, rep_note], show_progress="hidden",
                         trigger_mode="always_last", api_visibility="undocumented")

        # an API-only endpoint for gradio_client users: the answer JSON, with conversation_id
        def ask_api(question_text: str, conversation_id: str | None = None) -> dict:
            try:
                return services.ask(question_text or "", conversation_id or None)
            except ServiceError as e:
                raise gr.Error(e.message) from None

        gr.api(ask_api, api_name="ask")

        on_figures(demo.load)
        demo.load(draw, inputs=[ent_pick, hops], outputs=[g_svg, g_edges], api_visibility="undocumented")
    return demo
