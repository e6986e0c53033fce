"""What every question family shares: figures from the graph, market resolution, value formatting, citations."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import METRIC_CAGR, METRIC_MARKET_SIZE, METRIC_SHARE, REGION_GLOBAL, RK_BASE as RK_NS, slice_iri  # noqa: F401
from kg.store import describe_query

from .answer import Answer, Citation, Value
from .frame import Frame
from .lexicon import QALexicon
from . import queries as Q

MAX_REPORTS_LISTED = 8          # a question naming no market lists every report up to this many, else asks
MAX_REPORTS_READ = 64           # a crowded market: the most recent reports read for one answer, at most
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
UNIT_CODE = {"CNY": "CNY", "USD": "USD", "TWD": "TWD", "EUR": "EUR", "JPY": "JPY", "HKD": "HKD", "GBP": "GBP",
             "KRW": "KRW", "INR": "INR"}
CUR_EN = {"CNY": "RMB", "USD": "USD", "TWD": "NT$", "EUR": "EUR", "JPY": "JPY", "HKD": "HK$", "GBP": "GBP"}
CUR_ZH = {"CNY": "元人民币", "USD": "美元", "TWD": "新台币", "EUR": "欧元", "JPY": "日元", "HKD": "港元", "GBP": "英镑"}


_RK = str(RK_NS)
_DCT, _OA = "http://purl.org/dc/terms/", "http://www.w3.org/ns/oa#"
_SDMX_DIM, _SDMX_ATT = "http://purl.org/linked-data/sdmx/2009/dimension#", "http://purl.org/linked-data/sdmx/2009/attribute#"
_DERIVED, _EVIDENCE = "http://www.w3.org/ns/prov#wasDerivedFrom", _RK + "evidence"
_CITATION = (_DCT + "title", _DCT + "identifier")          # of a report and a section (not a section's whole text)


@dataclass
class Fig:
    """One observation row, with everything needed to phrase and cite it."""
    obs: str
    report: str
    report_title: str
    market: str
    metric: str
    region: str                         # the refArea's IRI; "" where the report places the figure nowhere
    segment: str | None
    value: float
    value_text: str
    unit: str
    currency: str | None
    mult: int
    norm: float
    comparator: str
    status: str                 # actual | forecast
    section: str
    section_title: str
    quote: str
    line: int
    year: int | None = None
    period: tuple[int, int] | None = None
    cell: str | None = None     # read from a table: its row and column ('协作机器人 × 2030E')
    page: int | None = None     # the quote's page in a paged source (a PDF), and its printed number where it differs
    page_label: str | None = None
    company: str | None = None  # the company (IRI) it is about, and its product, where it is a company's figure
    product: str | None = None
    subperiod: str | None = None

    @classmethod
    def from_triples(cls, obs: str, report: str, o: dict, rep: dict, sec: dict, ev: dict) -> "Fig":
        """From the triples of the observation, its report, section and quote (``Store.describe``)."""
        cur = str(o[_SDMX_ATT + "unitMeasure"]).rsplit("#", 1)[-1]
        start, end = o.get(_RK + "periodStart"), o.get(_RK + "periodEnd")
        return cls(obs=obs, report=report, report_title=rep[_DCT + "title"], market=o[_RK + "market"],
                   metric=o[_RK + "metric"], region=o.get(_SDMX_DIM + "refArea") or "", segment=o.get(_RK + "segment"),
                   value=float(o[_RK + "value"]), value_text=str(o[_RK + "valueText"]), unit=o[_RK + "unitText"],
                   currency=UNIT_CODE.get(cur), mult=int(o[_SDMX_ATT + "unitMult"]),
                   norm=float(o[_RK + "normalizedValue"]), comparator=o[_RK + "comparator"].rsplit("#", 1)[-1],
                   status="forecast" if o[_SDMX_ATT + "obsStatus"].endswith("obsStatus-F") else "actual",
                   section=str(sec[_DCT + "identifier"]), section_title=sec[_DCT + "title"], quote=ev[_OA + "exact"],
                   line=int(ev[_RK + "line"]), year=o.get(_RK + "year"),
                   period=(start, end) if start is not None and end is not None else None,
                   cell=ev.get(_RK + "tableCell"), company=o.get(_RK + "company"), product=o.get(_RK + "product"),
                   subperiod=o.get(_RK + "subperiod"), **evidence_page(ev))

    @property
    def percent(self) -> bool:
        return self.unit.strip() == "%"


@dataclass
class Context:
    """What a family needs to answer: the store, its lexicon, the conversation's previous answer."""
    store: object
    lex: QALexicon
    previous: Answer | None = None
    previous_frame: Frame | None = None
    queries_run: list[str] = field(default_factory=list)
    previous_figs: list = field(default_factory=list)     # the stated figures behind the previous answer
    history: list = field(default_factory=list)           # the figures behind the last two answers
    more_reports: int = 0                                  # reports in scope left out of a listing answer
    reports_read: int = 0                                  # ... and those read for it

    # ------------------------------------------------------------------ querying
    def select(self, template: str, **bindings) -> list[dict]:
        terms = {k: (ox.NamedNode(v) if isinstance(v, str) else ox.Literal(str(v), datatype=XSD_INT))
                 for k, v in bindings.items() if v is not None}
        self.queries_run.append(_display(template, terms))
        return self.store.select(template, terms)

    def figures(self, *, market=None, metric=None, region=None, year=None, segment=None, totals=False) -> list[Fig]:
        """Figures stated for a year; ``totals``: the markets as a whole only; ``segment``: that segment only."""
        return self._observations("year", market=market, metric=metric, region=region, year=year, segment=segment,
                                  totals=totals)

    def cagrs(self, *, market=None, region=None, metric=None, segment=None, totals=False) -> list[Fig]:
        """Growth rates stated over a period (CAGRs)."""
        return self._observations("period", market=market, metric=metric, region=region, segment=segment,
                                  totals=totals)

    def _observations(self, when: str, *, market, metric, region, segment, totals, year=None) -> list[Fig]:
        """The observations that match (one small query), then their triples and those of their section, quote
        and report, read by subject (see qa/queries.py)."""
        by_slice = bool(market and metric and region)
        template = Q.observations("slice" if by_slice else "dims" if region else "anywhere", when,
                                  "segment" if segment else ("total" if totals else "any"))
        dims = {"slice": slice_iri(market, metric, region)} if by_slice else \
            {"market": market, "metric": metric, "region": region}
        found = self.select(template, **dims, year=year, segment=segment)
        return self._figs(found, companies=False)

    def company_figures(self, company: str | None = None) -> list[Fig]:
        """The figures the reports state of a company (or of every company): its share, rank, price, revenue."""
        found = self.select(Q.COMPANY_OBSERVATIONS, company=company)
        return self._figs(found, companies=True)

    def _figs(self, found: list[dict], companies: bool) -> list[Fig]:
        """The observations found, read with their section, quote and report; a company's figures only, or
        none of them (a company's share is not its market's)."""
        if not found:
            return []
        pairs = [(r["obs"], r["report"]) for r in found]
        obs = self.store.describe(pairs)
        cited = {(o[_DERIVED], r["report"]) for r in found if (o := obs.get(r["obs"])) and _DERIVED in o} | \
            {(r["report"], r["report"]) for r in found}
        quotes = sorted({(o[_EVIDENCE], r["report"]) for r in found if (o := obs.get(r["obs"])) and _EVIDENCE in o})
        more = {**self.store.describe(sorted(cited), _CITATION), **self.store.describe(quotes)}   # a quote: all of it
        self.queries_run.append(describe_query(pairs) + "\n\n" + describe_query(sorted(cited), _CITATION) +
                                "\n\n" + describe_query(quotes))
        figs = []
        for r in found:
            o = obs.get(r["obs"], {})
            if (_RK + "company" in o) != companies:
                continue                   # a company's figure (its share, rank, revenue) is not its market's
            try:
                figs.append(Fig.from_triples(r["obs"], r["report"], o, more[r["report"]], more[o[_DERIVED]],
                                             more[o[_EVIDENCE]]))
            except KeyError:               # an observation without its evidence (a store edited by hand): skip
                continue
        return figs

    # ------------------------------------------------------------------ lexicon helpers
    def label(self, iri: str | None, lang: str) -> str:
        if not iri:
            return ""
        e = self.lex.entities.get(iri)
        return e.label(lang) if e else iri.rsplit("/", 1)[-1]

    def is_cagr(self, iri: str) -> bool:
        return iri == METRIC_CAGR

    def reports_in_scope(self, frame: Frame) -> list[str] | None:
        """The reports a question is about: those of the markets it names (or the only market there is);
        None for 'all of them' when the store is small enough to list; [] when it must ask which."""
        if frame.markets or frame.segments:
            return sorted({r for m in self.markets_for(frame, None) for r in self.lex.reports_of.get(m, ())})
        reports = {r for rs in self.lex.reports_of.values() for r in rs}
        return None if len(reports) <= MAX_REPORTS_LISTED else []

    def select_reports(self, template: str, frame: Frame, keep=None) -> list[dict] | None:
        """Rows of a per-report template for the reports in scope (None: the question must name a market), kept
        by ``keep(row)`` when given. A market that many reports cover: the rows of the most recent
        MAX_REPORTS_LISTED reports that have any, read newest first (at most MAX_REPORTS_READ of them), so an
        older report still answers when the newer ones are silent; the answer says how many were not read."""
        scope = self.reports_in_scope(frame)
        if scope is None:
            rows = self.select(template)
            return [r for r in rows if keep(r)] if keep else rows
        if not scope:
            return None
        if len(scope) > MAX_REPORTS_LISTED:
            scope = sorted(scope, key=lambda r: (-self.lex.report_year.get(r, 0), r))
        rows, answering = [], 0
        for i, rep in enumerate(scope):
            if answering == MAX_REPORTS_LISTED or i == MAX_REPORTS_READ:
                self.more_reports, self.reports_read = len(scope) - i, i
                break
            found = [r for r in self.claims(template, rep) if keep is None or keep(r)]
            answering += bool(found)
            rows.extend(found)
        return rows

    def claims(self, template: str, report: str) -> list[dict]:
        """The rows of a per-report template (qa/queries.py) for one report: read in two steps when the
        template has a ClaimSpec (the claims of its class, then their triples by subject), else queried."""
        spec = Q.CLAIM_SPECS.get(template)
        if spec is None:
            return self.select(template, report=report)
        found = [r["claim"] for r in self.store.rows(Q.CLAIMS_OF_KIND, {"report": ox.NamedNode(report),
                                                                         "kind": ox.NamedNode(spec.kind)})]
        self.queries_run.append(_display(template, {"report": ox.NamedNode(report)}))
        if not found:
            return []
        props = self.store.describe([(c, report) for c in found], multi=True)
        cited = {(p[_DERIVED][0], report) for p in props.values() if _DERIVED in p} | {(report, report)}
        quotes = sorted({(p[_EVIDENCE][0], report) for p in props.values() if _EVIDENCE in p})
        more = {**self.store.describe(sorted(cited), _CITATION), **self.store.describe(quotes)}
        rows = []
        for c in found:
            p = props.get(c, {})
            sec, ev = more.get(p.get(_DERIVED, [None])[0]), more.get(p.get(_EVIDENCE, [None])[0])
            one = {var: p[pred][0] for var, pred in spec.one if pred in p}
            if sec is None or ev is None or any(v not in one and v not in spec.optional for v, _ in spec.one):
                continue                       # the template's join would not match it
            try:
                base = {spec.var: c, **one, "report": report, "reportTitle": more[report][_DCT + "title"],
                        "section": sec[_DCT + "identifier"], "sectionTitle": sec[_DCT + "title"],
                        "quote": ev[_OA + "exact"], "line": ev[_RK + "line"], **_page_vars(ev)}
            except KeyError:                   # a claim without its citation (a store edited by hand): skip
                continue
            combos = [base]
            for var, pred in spec.many:
                values = p.get(pred) or ([None] if var in spec.optional else [])
                combos = [{**row, **({var: v} if v is not None else {})} for row in combos for v in values]
            rows.extend(combos)
        return sorted(rows, key=lambda r: r[spec.order]) if spec.order else rows

    def segment_market(self, seg: str) -> str | None:
        return self.lex.market_of(seg)

    def markets_for(self, frame: Frame, metric: str | None) -> list[str]:
        """Candidate markets: named, implied by a named segment, or those holding figures of the metric."""
        named = list(frame.markets)
        for s in frame.segments:
            m = self.segment_market(s)
            if m and m not in named:
                named.append(m)
        if named:
            return named
        if metric:
            have = self.lex.markets_with.get(metric, set())
            if self.is_cagr(metric) or metric == METRIC_MARKET_SIZE:
                # a market-size or CAGR question: markets that have amounts
                have = self.lex.markets_with.get(METRIC_MARKET_SIZE, set()) | (have if self.is_cagr(metric) else set())
            return sorted(have)
        return sorted(self.lex.reports_of)

    def pick_segment(self, frame: Frame, market: str) -> list[str]:
        """The frame's segments that belong to the market (a bare '边缘' / 'edge' can name several markets' segments)."""
        return [s for s in frame.segments if self.segment_market(s) == market]

    # ------------------------------------------------------------------ phrasing
    def describe(self, f: Fig, lang: str, with_market: bool = True) -> str:
        """'2024年全球AI推理芯片市场' / 'the global AI inference chip market in 2024'."""
        region = self.label(f.region, lang)
        seg = self.label(f.segment, lang) if f.segment else None
        market = self.label(f.market, lang)
        when = f"{f.year}" if f.year else (f"{f.period[0]}-{f.period[1]}" if f.period else "")
        if lang == "zh":
            what = seg or market
            if seg and market and not _contains(seg, market):
                what = f"{market}（{seg}）"
            return f"{when}年{region}{what if with_market or seg else ''}" if when else f"{region}{what}"
        what = seg or market
        if seg and market and not _contains(seg, market):
            what = f"{market} ({seg})"         # 'Spraying' of the agricultural drone market: say whose segment
        region = region.lower() if region in ("Global", "Worldwide", "World") else region
        return f"{region} {what} market" + (f" in {when}" if when else "")

    def cite(self, f: Fig) -> Citation:
        return Citation(report=f.report, section=f.section, section_title=f.section_title, quote=f.quote, line=f.line,
                        report_title=f.report_title, cell=f.cell, page=f.page, page_label=f.page_label)

    def value_of(self, f: Fig, lang: str, label: str | None = None) -> Value:
        return Value(label=label or self.describe(f, lang), value=_num(f.value), unit=f.unit, year=f.year,
                     market=self.label(f.market, lang), region=self.label(f.region, lang),
                     segment=self.label(f.segment, lang) if f.segment else None, comparator=f.comparator,
                     status=f.status, period=list(f.period) if f.period else None, normalized=f.norm, report=f.report,
                     text=written(f, lang))


def _contains(a: str, b: str) -> bool:
    from ingest.text import squash
    return squash(b) in squash(a)


def _num(x: float):
    return int(x) if float(x).is_integer() else x


def fmt_number(x: float, decimals: int | None = None) -> str:
    if decimals is None:
        decimals = 0 if float(x).is_integer() or abs(x) >= 1000 else (1 if abs(x) >= 10 else 2)
    s = f"{x:,.{decimals}f}"
    return s


COMPARATOR_WORDS = {"zh": {"lt": "不足", "gt": "超过", "approx": "约", "eq": ""},
                    "en": {"lt": "less than ", "gt": "more than ", "approx": "about ", "eq": ""}}


def written(f: Fig, lang: str) -> str:
    """The value in the answer's language, with its bound: '128.6 亿美元' and 'less than 2%' as written; an
    amount whose unit is in the other language normalised into this one ('1,234 亿元人民币' is 'RMB 123.4
    billion' in English, '$13.7 billion' is '137亿美元' in Chinese). The quote keeps the report's own words."""
    cmp = COMPARATOR_WORDS[lang][f.comparator]
    if f.percent:
        return f"{cmp}{f.value_text}%"
    if f.currency and _other_script(f.unit, lang):
        return f"{cmp}{normalised(f.norm, f.currency, lang)}"
    unit = f.unit
    if unit.startswith(("USD", "CNY", "EUR", "TWD")) and " " in unit:
        cur, scale = unit.split(" ", 1)
        sym = {"USD": "$", "EUR": "€"}.get(cur)
        return f"{cmp}{sym}{f.value_text} {scale}" if sym else f"{cmp}{cur} {f.value_text} {scale}"
    sep = "" if lang == "zh" else " "
    return f"{cmp}{f.value_text}{sep}{unit}"


def _other_script(unit: str, lang: str) -> bool:
    """Whether a unit is written in the other language than the answer's ('亿元' in an English answer)."""
    from ingest.text import has_cjk
    return has_cjk(unit) != (lang == "zh")


def _precise(x: float, max_dec: int = 4) -> str:
    """Enough decimals to keep the figure's precision, no trailing zeros: 1.27, 606.7, 1,046.8."""
    s = f"{x:,.{max_dec}f}".rstrip("0").rstrip(".")
    return s


def normalised(value: float, currency: str | None, lang: str) -> str:
    """123.4e9 CNY -> 'RMB 123.4 billion' (en) / '1,234亿元人民币' (zh)."""
    if currency is None:
        return ""
    if lang == "en":
        for p, w in ((13, None), (9, "billion"), (6, "million")):
            if w is None:
                if abs(value) >= 10 ** p:
                    return f"{CUR_EN.get(currency, currency)} {_precise(value / 1e12, 3)} trillion"
                continue
            if abs(value) >= 10 ** p:
                return f"{CUR_EN.get(currency, currency)} {_precise(value / 10 ** p, 2)} {w}"
        return f"{CUR_EN.get(currency, currency)} {_precise(value, 0)}"
    for p, w in ((12, "万亿"), (8, "亿"), (4, "万")):
        if abs(value) >= 10 ** p:
            return f"{_precise(value / 10 ** p)}{w}{CUR_ZH.get(currency, currency)}"
    return f"{_precise(value, 0)}{CUR_ZH.get(currency, currency)}"


def both(f: Fig, lang: str) -> str:
    """An answer's figure: :func:`written` (one language per answer; the cited quote shows the report's own
    form)."""
    return written(f, lang)


def scaled(value: float, currency: str | None, mult: int, unit: str, lang: str) -> str:
    """A computed amount: in the unit of the figures it came from, or normalised into the answer's language
    when that unit is in the other one."""
    if currency and _other_script(unit, lang):
        return normalised(value * 10 ** mult, currency, lang)
    num = fmt_number(value, 1 if not float(round(value, 1)).is_integer() else 0)
    cur, _, scale = unit.partition(" ")
    if cur in ("USD", "EUR") and scale:
        return f"{'$' if cur == 'USD' else '€'}{num} {scale}"
    return f"{num}{'' if lang == 'zh' else ' '}{unit}"


def _display(template: str, terms: dict) -> str:
    """The query that ran, runnable as shown: the bound terms as a VALUES block (for display only)."""
    if not terms:
        return template
    names = list(terms)
    return template.rstrip() + f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(terms[n]) for n in names)}) }}"


def not_found(frame: Frame, text_zh: str, text_en: str, interpretation: str = "", ctx: Context | None = None,
              family: str = "") -> Answer:
    if ctx is not None and ctx.more_reports:
        read, n = ctx.reports_read, ctx.reports_read + ctx.more_reports
        text_zh += f"（该市场有{n}份报告，只读取了最新的{read}份。）"
        text_en += f" (Only the {read} most recent of the {n} reports on this market were read.)"
    return Answer(question=frame.text, lang=frame.lang, status="not_found",
                  answer=text_zh if frame.lang == "zh" else text_en, interpretation=interpretation,
                  sparql="\n\n".join(ctx.queries_run) if ctx else "", family=family)


def build(frame: Frame, ctx: Context, *, status: str, zh: str, en: str, figs=(), values=None, family: str = "",
          interpretation: str | None = None, formula: str | None = None, extra_citations=()) -> Answer:
    """An Answer in the question's language citing every figure it used."""
    cites, seen = [], set()
    for c in [ctx.cite(f) for f in figs] + list(extra_citations):
        key = (c.report, c.section, c.quote, c.cell)
        if key not in seen:
            seen.add(key)
            cites.append(c)
    if values is None:
        values = [ctx.value_of(f, frame.lang) for f in figs]
    if ctx.more_reports:
        n, read = ctx.more_reports, ctx.reports_read
        zh += f"（另有{n}份较早的报告涉及该市场，未读取；以上来自最新的{read}份报告。）"
        en += f" ({n} older reports cover this market and were not read; this is from the {read} most recent.)"
    return Answer(question=frame.text, lang=frame.lang, status=status, answer=zh if frame.lang == "zh" else en,
                  values=list(values), citations=cites, sparql="\n\n".join(ctx.queries_run),
                  interpretation=interpretation if interpretation is not None else interpret(frame, ctx),
                  family=family, formula=formula, used=list(figs))


def interpret(frame: Frame, ctx: Context, metric: str | None = None) -> str:
    """How the question was understood, in words: 'Market size · Global · Cloud · 2024'."""
    parts = []
    if frame.family:
        parts.append(frame.family.replace("_", " "))
    mets = [ctx.label(m, "en") for m in ([metric] if metric else frame.metrics)] or ["market size"]
    parts.append(", ".join(mets))
    parts += [ctx.label(m, "en") for m in frame.markets]
    parts += [ctx.label(r, "en") for r in frame.regions] or []
    parts += [ctx.label(s, "en") for s in frame.segments]
    if frame.period:
        parts.append(f"{frame.period[0]}-{frame.period[1]}")
    parts += [str(y) for y in frame.years]
    return " · ".join(p for p in parts if p)


def cite_row(r: dict) -> Citation:
    return Citation(report=r["report"], section=str(r["section"]), section_title=r["sectionTitle"], quote=r["quote"],
                    line=r.get("line"), report_title=r.get("reportTitle"), **row_page(r))


def evidence_page(ev: dict) -> dict:
    """The page fields of a citation from its evidence node's triples (``Store.describe``): none for text."""
    return _page_fields(ev.get(_RK + "page"), ev.get(_RK + "pageLabel"))


def row_page(r: dict) -> dict:
    """The page fields of a citation from a query row binding ?page and ?pageLabel (both OPTIONAL)."""
    return _page_fields(r.get("page"), r.get("pageLabel"))


def _page_fields(page, label) -> dict:
    try:
        page = int(page) if page is not None else None
    except (TypeError, ValueError):          # a store edited by hand: no page rather than a wrong one
        page = None
    return {"page": page, "page_label": str(label) if label is not None and page is not None else None}


def _page_vars(ev: dict) -> dict:
    """A claim row's ?page and ?pageLabel, as the per-report templates bind them (absent for text)."""
    return {k: v for k, v in (("page", ev.get(_RK + "page")), ("pageLabel", ev.get(_RK + "pageLabel"))) if v is not None}


def join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


def years_text(years: list[int], lang: str) -> str:
    return ("、".join(f"{y}年" for y in years)) if lang == "zh" else join([str(y) for y in years], "en")
