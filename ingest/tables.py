"""Figures read from the report's tables ('| 协作机器人 | 90.5 | 120.3 | 160.0 |').

A table is read by its header: year columns ('2024', '2030E', '2025年（预测）', 'FY2024'), CAGR columns
('CAGR（2024-2030）', '2024–30 CAGR'), share columns ('占比', 'Share (%)') and columns a glossary metric names
('渗透率'); the first column names what each row is: a region the glossary knows, the total ('合计',
'Total', the market's own name) or a segment. A table whose first column holds the years is read the
other way round. Units come from a cell, its column header or the caption ('单位：亿元', '(USD billion)').
Every figure quotes the row it was read from. Nothing here names a report's markets or segments.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kg.namespaces import METRIC_CAGR, METRIC_MARKET_SIZE, METRIC_SHARE

from .claims import Figure
from .quantities import PREFIX_CURRENCIES, Quantity, find_quantities
from .text import fold, squash

YEAR_HEAD = re.compile(r"^\s*(?:FY\s?)?(?P<y>(?:19|20)\d{2})\s*年?\s*(?P<e>[EFP](?![a-z])|[(（]?(?:预测|预计|估计|e|f)[)）]?)?",
                       re.I)
PERIOD_HEAD = re.compile(r"(?P<a>(?:19|20)\d{2})[EF]?\s*年?\s*(?:-|–|~|～|至|到|to)\s*(?P<b>(?:19|20)?\d{2})(?!\d)", re.I)
CAGR_HEAD = re.compile(r"cagr|复合(?:年)?(?:均)?增长率|年复合|年均复合|复合增速|年均增速", re.I)
SHARE_HEAD = re.compile(r"占比|份额|比重|市占|share|%\s*of", re.I)
TOTAL = re.compile(r"^(?:合计|总计|总体|整体|总和|全部|小计|全市场|整体市场|市场合计|市场总计|total(?: market)?|overall(?: market)?|sum|"
                   r"grand total|all segments|market total|"
                   r"全球合计|全球总计)$", re.I)
BY_REGION = re.compile(r"地区|区域|国家|地域|region|country|countries|geograph", re.I)
BY_YEAR = re.compile(r"^(?:年份|年度|年|时间|year|years|period|fy)?$", re.I)
EMPTY_CELL = re.compile(r"^(?:-+|—+|–|n/?a|na|/|…|\.\.\.|—|暂无|无)?$", re.I)
NUMBER_CELL = re.compile(r"^(?P<cmp>[<>≈~约]|不足|超过)?\s*(?P<neg>-)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<pct>%)?$")
UNIT_IN = re.compile(r"单位\s*[:：]\s*(?P<u>[^)）,，;；。]+)|[(（](?P<p>[^()（）]{1,24})[)）]|\bin\s+(?P<e>(?:US\$|USD|\$|RMB|EUR|€)"
                     r"\s*(?:bn|billion|mn|million|trillion)|(?:billion|million)\s+(?:USD|US dollars|dollars|RMB|yuan|euros?)"
                     r"|%)", re.I)
COMPANY_HEAD = re.compile(r"公司|企业|厂商|供应商|品牌|玩家|排名|company|companies|vendor|player|manufacturer|brand|rank",
                          re.I)
CHART_MARKET = re.compile(r"market\s+(?:size|value)\s+of\s+(?:the\s+)?(?P<m>[A-Za-z][\w\-&/ ]{1,60}?)\s*(?:[,，(（]|\s(?:19|20)\d{2}|$)",
                          re.I)
MARKET_TITLE_WORDS = re.compile(r"市场|行业|产业|market|industry|sector", re.I)


@dataclass
class _Who:
    """What a row is about: a market (or ''), a segment, a region; a metric other than market size and the
    row's own unit when its label names them ('渗透率', '市场规模（亿元）')."""
    market: str
    segment: str | None
    region: str | None
    metric: str | None = None
    unit: Quantity | None = None


@dataclass
class _Column:
    kind: str                           # year | cagr | share | metric | skip
    year: int | None = None
    estimate: bool = False
    period: tuple[int, int] | None = None
    metric: str | None = None
    unit: Quantity | None = None        # the column's unit, probed from its header


def unit_of(text: str) -> Quantity | None:
    """The unit a caption or header names: '单位：亿元' -> 亿元 (CNY, 8); '(USD billion)' -> USD billion; '(%)'."""
    for m in UNIT_IN.finditer(fold(text)):
        u = re.sub(r"^(?:单位|unit|units)\s*[:：]?\s*", "", (m.group("u") or m.group("p") or m.group("e") or "").strip(),
                   flags=re.I)
        q = probe_unit(u)
        if q:
            return q
    return None


def probe_unit(u: str) -> Quantity | None:
    if not u:
        return None
    if u.strip() in ("%", "％", "percent"):
        return Quantity(0, 0, 1.0, "1", "%", None, 0, True)
    words = u.split()
    tries = [f"1{u}", f"1 {u}"]
    if words and words[0].lower() in PREFIX_CURRENCIES:
        tries.append(f"{words[0]} 1 {' '.join(words[1:])}")
    for t in tries:
        qs = find_quantities(fold(t), t)
        if len(qs) == 1 and qs[0].start == 0 and qs[0].end >= len(t.rstrip()) - 1 and (qs[0].amount or qs[0].percent):
            q = qs[0]
            q.unit = u.strip() if not q.unit.startswith(("USD", "CNY", "EUR", "TWD")) else q.unit
            return q
    return None


def cell_value(cell: str, unit: Quantity | None) -> Quantity | None:
    """A cell's number in the unit it is written in, else in the column's or caption's unit."""
    c = fold(cell).strip().replace("**", "")
    if EMPTY_CELL.match(c):
        return None
    m = NUMBER_CELL.match(c)
    if m:
        value = float(m.group("num").replace(",", "")) * (-1 if m.group("neg") else 1)
        if not math.isfinite(value * 10 ** (unit.mult if unit is not None and not m.group("pct") else 0)):
            return None         # past a float's range: no figure
        cmp = {"<": "lt", "不足": "lt", ">": "gt", "超过": "gt", "≈": "approx", "~": "approx", "约": "approx"}.get(
            m.group("cmp") or "", "eq")
        if m.group("pct"):
            return Quantity(0, 0, value, m.group("num"), "%", None, 0, True, cmp)
        if unit is None:
            return None
        return Quantity(0, 0, value, m.group("num"), unit.unit, unit.currency, unit.mult, unit.percent, cmp)
    qs = find_quantities(c, cell.strip())
    if len(qs) == 1 and (qs[0].amount or qs[0].percent) and len(squash(c)) - len(squash(c[qs[0].start:qs[0].end])) <= 2:
        return qs[0]
    return None


def column(head: str, metrics: list, caption_unit: Quantity | None) -> _Column:
    h = fold(head).strip()
    unit = unit_of(h)
    if CAGR_HEAD.search(h):
        p = PERIOD_HEAD.search(h)
        period = None
        if p:
            b = p.group("b")
            period = (int(p.group("a")), int(b) if len(b) == 4 else int(p.group("a")[:2] + b))
        return _Column("cagr", period=period)
    y = YEAR_HEAD.match(h)
    if y and not PERIOD_HEAD.match(h):
        est = bool(y.group("e"))
        rest = h[y.end():]
        if SHARE_HEAD.search(rest):
            return _Column("share", year=int(y.group("y")), estimate=est)
        return _Column("year", year=int(y.group("y")), estimate=est, unit=unit or caption_unit)
    if SHARE_HEAD.search(h):
        yy = re.search(r"(?:19|20)\d{2}", h)
        return _Column("share", year=int(yy.group()) if yy else None)
    named = [m for m in metrics if m.iri not in (METRIC_CAGR, METRIC_SHARE)]
    if named:
        yy = re.search(r"(?:19|20)\d{2}", h)
        return _Column("metric", year=int(yy.group()) if yy else None, metric=named[0].iri, unit=unit or caption_unit)
    return _Column("skip")


def _market_name(name: str) -> str:
    """'Global Lens Driver Chips Industry' (of 'Market Size of …') -> 'Lens Driver Chips': the region is the
    figure's place and 'industry' no part of the name."""
    name = re.sub(r"^(?:the\s+)?(?:global|worldwide)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"\s+(?:industry|market|sector)$", "", name, flags=re.I).strip() or name.strip()


COMPANY_COL = re.compile(r"^(?:公司|企业|厂商|供应商|品牌|玩家|集团|company|companies|vendor|player|manufacturer|brand)"
                         r"(?:名称|name)?s?$", re.I)
PRODUCT_COL = re.compile(r"^(?:机型|型号|产品|model|product)s?$", re.I)
RANK_COL = re.compile(r"^(?:排名|排序|名次|rank(?:ing)?|no\.?)$", re.I)
PRICE_HEAD = re.compile(r"均价|价格|售价|单价|price|asp", re.I)
REVENUE_HEAD = re.compile(r"收入|营收|营业额|销售额|零售额|revenue|sales", re.I)
NOT_A_COMPANY = re.compile(r"^(?:其他|其它|others?|rest)\b", re.I)
RANK_METRIC = "https://w3id.org/reportkg/vocab/metric-rank"
PRICE_METRIC = "https://w3id.org/reportkg/vocab/metric-average-selling-price"
_CLAIM_OF = {METRIC_SHARE: "share", RANK_METRIC: "rank", PRICE_METRIC: "price"}


def _when(caption: str) -> tuple[int, str | None] | None:
    """The time a caption gives: (year, subperiod) — '2023M1-11…' (2023, '1-11月'), '…, 2024' (2024, None); None
    when it gives no single year."""
    from .frames import _quarters
    t = fold(caption).lower()
    qs = [q for q in _quarters(t) if q[3]]
    if len(qs) == 1:
        return qs[0][3], qs[0][2]
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", t))
    if len(years) == 1:
        return int(years.pop()), None
    return None


def _plain(cell: str) -> str:
    return re.sub(r"\*\*", "", cell).strip()


class TableReader:
    """Reads the tables of one document for an ``Extractor`` (which holds the glossary and the annotations)."""

    def __init__(self, ex):
        self.ex = ex
        self.report_year = ex.claims.report.year
        self.first_estimate: int | None = None       # the first year a table's headers mark as a forecast
        self.table_region: str | None = None         # the region of the section's last total before the table
        self.chart_caption = None                    # the title sentence of a chart read as a table

    def figures(self) -> list[Figure]:
        tables: dict[int, list] = {}
        for a in self.ex.sentences:
            if a.block.kind == "row" and a.block.cells:
                tables.setdefault(a.block.table, []).append(a)
        out: list[Figure] = []
        for rows in tables.values():
            if len(rows) >= 2:
                out.extend(self.read(rows))
        return out          # a cell the text also states is dropped once markets and segments are resolved

    def caption(self, first) -> tuple[str, object | None]:
        """The line just before the table ('表1：全球工业机器人细分市场规模（单位：亿元）'), if it is one."""
        blocks = self.ex.doc.blocks
        i = self.ex._block_index(first.block)
        if first.block.cells and first.block.cells[0].lower().startswith("chart ("):
            # charts side by side under one title (ingest.pdf.charts_series): past the tables of the ones before
            while i > 0 and blocks[i - 1].kind == "row" and blocks[i - 1].table != first.block.table and \
                    blocks[self._table_start(i - 1)].cells[:1] and \
                    blocks[self._table_start(i - 1)].cells[0].lower().startswith("chart ("):
                i = self._table_start(i - 1)
        for b in reversed(blocks[max(0, i - 2):i]):
            if b.section != first.block.section or b.kind == "row":
                break
            t = b.norm.strip()
            if len(t) <= 120 and (b.kind in ("chart", "unit") or re.match(r"^(?:表|图|table|exhibit|figure)\s*\d*", t, re.I)
                                  or "单位" in t or t[-1:] not in "。.!?！？"):
                sent = next((a for a in self.ex.sentences if a.block is b), None)
                return b.text, sent
        return "", None

    def _table_start(self, j: int) -> int:
        blocks = self.ex.doc.blocks
        while j > 0 and blocks[j - 1].kind == "row" and blocks[j - 1].table == blocks[j].table:
            j -= 1
        return j

    def read(self, rows) -> list[Figure]:
        self.table_region = self.context_region(rows[0])
        cap_text, cap = self.caption(rows[0])
        cap_unit = unit_of(cap_text)
        header, body = rows[0], rows[1:]
        heads = header.block.cells
        # a chart's series read by position (ingest.pdf): its figures quote the chart's title on its page
        self.chart_caption = cap if heads and heads[0].lower().startswith("chart (") and cap is not None else None
        # years down the first column: read it the other way round
        firsts = [r.block.cells[0] for r in body if r.block.cells]
        if firsts and all(YEAR_HEAD.match(fold(c)) and len(squash(c)) <= 12 for c in firsts) and BY_YEAR.match(
                squash(heads[0]) if heads else ""):
            return self.read_transposed(header, body, cap_text, cap, cap_unit)
        if heads and COMPANY_HEAD.search(heads[0]):
            return self.read_companies(header, body, cap_text, cap, cap_unit)
        cols = [column(h, self._mentions(header, i, "metrics"), cap_unit) for i, h in enumerate(heads)]
        if not any(c.kind != "skip" for c in cols[1:]):
            return []
        by_region = bool(heads and BY_REGION.search(heads[0]))
        years = [c.year for c in cols if c.kind == "year" and c.year]
        self.first_estimate = min((c.year for c in cols if c.kind == "year" and c.estimate), default=None)
        out = []
        for r in body:
            cells = r.block.cells
            if not cells:
                continue
            who = self.entity(r, 0, cells[0], by_region, cap_text, cap)
            if who is None:
                continue
            for i, (cell, col) in enumerate(zip(cells[1:], cols[1:]), 1):
                f = self.figure(r, cell, col, who, years, f"{_plain(cells[0])} × {_plain(heads[i])}")
                if f:
                    out.append(f)
        return out

    def read_companies(self, header, body, cap_text, cap, cap_unit) -> list[Figure]:
        """A table of companies or their products ('| 排名 | 公司 | 收入 | 市场份额 |', '| 品牌 | 机型 | … | 均价（元）|
        额市占 | 排名 |'): each row's figures are its company's (with its product, where a column names models): a
        share, a rank, a price or a revenue, at the time its caption gives ('2023M1-11线上市场…TOP10产品', the
        caption after the table where none comes before). A table whose time or holder is not certain gives none."""
        heads = [_plain(h) for h in header.block.cells]
        who_col = next((i for i, h in enumerate(heads) if COMPANY_COL.match(fold(h).strip())), None)
        if who_col is None:
            return []
        product_col = next((i for i, h in enumerate(heads) if PRODUCT_COL.match(fold(h).strip())), None)
        if not cap_text:
            cap_text, cap = self.caption_after(header)
        when = _when(cap_text)
        if when is None:
            return []
        year, subperiod = when
        market = self.caption_market(cap_text, cap) if cap else ""
        region = self.caption_region(cap) or self.table_region or self.ex.default_region or self.ex.fallback_region
        out = []
        for r in body:
            cells = [_plain(c) for c in r.block.cells]
            if len(cells) != len(heads) or not cells[who_col] or TOTAL.match(fold(cells[who_col]).lower()) or \
                    NOT_A_COMPANY.match(fold(cells[who_col]).lower()):
                continue
            company = cells[who_col]
            product = cells[product_col] if product_col is not None and cells[product_col] not in ("", "-") else None
            for j, (h, cell) in enumerate(zip(heads, cells)):
                if j in (who_col, product_col):
                    continue
                got = self._company_cell(h, cell, cap_unit)
                if got is None:
                    continue
                metric, q = got
                evidence = self.ex.evidence(r)
                evidence.cell = (f"{cap_text.strip()} · " if cap_text and not cap else "") + \
                    f"{company}{' ' + product if product else ''} × {h}"     # (a caption after it: named here)
                out.append(Figure(metric=metric, metric_label=self.ex._metric_label(metric), market=market, region=region,
                                  region_label=self.ex.region_label.get(region), segment=None, year=year, period=None,
                                  value=q.value, value_text=q.value_text, unit=q.unit, currency=q.currency, mult=q.mult,
                                  comparator=q.comparator, status="actual" if not self.report_year or year <= self.report_year
                                  else "forecast", evidence=evidence, claim=_CLAIM_OF.get(metric, "company_figure"),
                                  company=company, product=product, subject_type="product" if product else "company",
                                  subperiod=subperiod))
        return out

    def _company_cell(self, head: str, cell: str, cap_unit) -> tuple[str, Quantity] | None:
        """A company row's cell: (metric, quantity) by its column's header, or None for a column it does not read
        (a model's motor type, its capacity)."""
        h = fold(head).strip().lower()
        if RANK_COL.match(h):
            m = re.fullmatch(r"\s*(?:no\.?\s*)?(\d{1,3})\s*", cell)
            if not m:
                return None
            return RANK_METRIC, Quantity(0, len(cell), int(m.group(1)), m.group(1), "", None, 0, False)
        q = cell_value(cell, unit_of(head) or cap_unit)
        if q is None:
            return None
        if SHARE_HEAD.search(h):
            return (METRIC_SHARE, q) if q.percent else None
        if PRICE_HEAD.search(h):
            return (PRICE_METRIC, q) if not q.percent else None
        if REVENUE_HEAD.search(h) and q.amount:
            return METRIC_MARKET_SIZE, q
        return None

    def caption_after(self, header) -> tuple[str, object | None]:
        """Tables captioned after them (a deck's '2023M1-11线上市场零售额畅销榜TOP10产品' under its table): the k-th
        of a run of tables takes the k-th of the run of short lines that follows the run, when the counts agree."""
        blocks = self.ex.doc.blocks
        i = self.ex._block_index(header.block)
        first = i
        while first > 0 and blocks[first - 1].kind == "row":
            first -= 1
        starts, j = [], first
        while j < len(blocks) and blocks[j].kind == "row":
            if j == first or blocks[j].table != blocks[j - 1].table:
                starts.append(j)
            j += 1
        # the captions: headings of sections that hold nothing ('#### 2023M1-11线上市场零售额畅销榜TOP10产品'), or
        # short lines
        doc = self.ex.doc
        end = blocks[j - 1].offsets[-1] if blocks[j - 1].offsets else 0
        nxt = blocks[j].offsets[0] if j < len(blocks) and blocks[j].offsets else len(doc.text)
        held = {b.section for b in blocks}
        caps: list[tuple[str, object | None]] = [(sec.title, None) for sec in doc.sections
                                                  if end <= sec.start < nxt and sec.id not in held]
        if not caps:
            while j < len(blocks) and blocks[j].kind != "row" and len(caps) < len(starts) and \
                    len(blocks[j].norm.strip()) <= 120 and blocks[j].norm.strip()[-1:] not in "。.!?！？":
                b = blocks[j]
                caps.append((b.text, next((a for a in self.ex.sentences if a.block is b), None)))
                j += 1
        caps = caps[:len(starts)]         # (the headings after them are the next part's: '欢迎试用')
        if len(caps) != len(starts) or i not in starts or any(_when(c) is None for c, _ in caps):
            return "", None
        return caps[starts.index(i)]

    def read_transposed(self, header, body, cap_text, cap, cap_unit) -> list[Figure]:
        heads = header.block.cells
        self.first_estimate = None
        by_region = False
        whos = [self.entity(header, i, h, by_region, cap_text, cap) if i else None for i, h in enumerate(heads)]
        units = [unit_of(h) or cap_unit for h in heads]
        out = []
        for r in body:
            cells = r.block.cells
            y = YEAR_HEAD.match(fold(cells[0]))
            col = _Column("year", year=int(y.group("y")), estimate=bool(y.group("e")))
            for i, cell in enumerate(cells[1:], 1):
                if i < len(whos) and whos[i] is not None:
                    col.unit = units[i]
                    f = self.figure(r, cell, col, whos[i], [col.year], f"{_plain(heads[i])} × {_plain(cells[0])}")
                    if f:
                        out.append(f)
        return out

    @staticmethod
    def _mentions(a, i: int, kind: str) -> list:
        """Glossary mentions (regions or metrics) inside cell ``i`` of an annotated row."""
        spans = a.block.cell_spans or []
        if i >= len(spans):
            return []
        s, e = spans[i]
        return [m for m in getattr(a, kind) if s <= m.start and m.end <= e]

    def entity(self, a, i: int, label: str, by_region: bool, cap_text: str, cap) -> _Who | None:
        """What a row (or, read the other way, a column) is about; None to skip it."""
        clean = re.sub(r"\*\*|[:：]$", "", label).strip()
        paren = re.search(r"\s*[(（][^()（）]*[)）]$", clean)
        unit = unit_of(paren.group()) if paren else None
        if unit:                                    # '多关节机器人（亿元）': the unit is not the name
            clean = clean[:paren.start()].strip()
        if not clean or re.fullmatch(r"[\d.,%\s]+", clean):
            return None
        market = self.caption_market(cap_text, cap)
        region = self.caption_region(cap)
        metrics = self._mentions(a, i, "metrics")
        if metrics and len(squash(clean)) - len(squash(metrics[0].text)) <= 2:
            # a row of a metric ('市场规模（亿元）', '渗透率', 'YoY growth'): the market's, in the row's unit
            m = self.ex.metric_by_iri.get(metrics[0].iri)
            kind = m.unit_kind if m else None
            if metrics[0].iri == METRIC_MARKET_SIZE:
                return _Who(market, None, region, unit=unit)
            if kind == "percent" or metrics[0].iri in (METRIC_SHARE, "https://w3id.org/reportkg/vocab/metric-growth-rate",
                                                        "https://w3id.org/reportkg/vocab/metric-penetration-rate"):
                return _Who(market, None, region, metric=metrics[0].iri)
            return None                            # units shipped, prices: not figures this reads
        regions = self._mentions(a, i, "regions")
        rest = squash(fold(clean))
        for m in regions:
            rest = rest.replace(squash(m.text), "", 1)
        rest = re.sub(r"地区|区域|市场|market|region", "", rest)
        if regions and len(rest) <= 1:
            return _Who(market, None, regions[0].iri, unit=unit)
        named = CHART_MARKET.search(clean) if self.chart_caption is not None else None
        if named:                # one of the charts under a title: 'Global Market Size of EEPROM'
            return _Who(_market_name(named.group("m")), None, regions[0].iri if regions else region, unit=unit)
        if TOTAL.match(fold(clean).lower()) or (market and squash(clean) == squash(market)):
            return _Who(market, None, region, unit=unit)
        if by_region:
            return None          # a region the glossary does not know: whose figure, it cannot say
        if MARKET_TITLE_WORDS.search(clean) and squash(MARKET_TITLE_WORDS.sub("", clean)) == squash(market or ""):
            return _Who(market, None, region, unit=unit)
        from .extract import _clean_label
        return _Who(market, _clean_label(clean), region, unit=unit)

    def caption_market(self, cap_text: str, cap) -> str:
        if not cap:
            return ""
        m = CHART_MARKET.search(cap.sent.text)
        if m:                       # 'Global Market Size of Non-Volatile Memory Chip, 2020-2030E'
            name = _market_name(m.group("m"))
            said = {f.market for f in self.ex.claims.figures if f.market}
            # the text's own name for it ('integrated circuit' for a chart of 'Integrated Circuits')
            return next((x for x in sorted(said) if squash(x).rstrip("s") == squash(name).rstrip("s")), name)
        phrases = [p for p in self.ex.market_phrases(cap.doc.text, cap) if p[3] == "market"]
        return phrases[0][2] if phrases else ""

    def caption_region(self, cap) -> str | None:
        if cap and cap.regions:
            return cap.regions[0].iri
        return None

    def figure(self, r, cell: str, col: _Column, who: _Who, years: list[int], where: str) -> Figure | None:
        if col.kind == "skip":
            return None
        q = cell_value(cell, who.unit or col.unit)
        if q is None:
            return None
        market, segment, region = who.market, who.segment, who.region
        period = None
        year = col.year
        if who.metric and col.kind == "year":      # a metric's row: its figure for the column's year
            if not q.percent:
                return None
            metric = who.metric
        elif who.metric:
            return None
        elif col.kind == "cagr":
            if not q.percent:
                return None
            metric = METRIC_CAGR
            period = col.period or self.default_period(years)
            if not period:
                return None
            year = None
        elif col.kind == "share":
            if not q.percent:
                return None
            metric = METRIC_SHARE
            actual = [y for y in years if not self.report_year or y <= self.report_year]
            year = year or (max(actual) if actual else (max(years) if years else None))
        elif col.kind == "metric":
            metric = col.metric
        else:
            metric = METRIC_MARKET_SIZE if q.amount else None
            if metric is None:
                return None
        if metric == METRIC_MARKET_SIZE and not q.amount:
            return None
        if year is None and period is None:
            return None
        ex = self.ex
        region = region or self.table_region or ex.default_region or ex.fallback_region
        last = period[1] if period else year
        status = "forecast" if (col.estimate or (self.report_year and last and last > self.report_year)
                                or (self.first_estimate and last and last >= self.first_estimate)) else "actual"
        evidence = ex.evidence(self.chart_caption) if self.chart_caption is not None else ex.evidence(r)
        evidence.cell = where
        return Figure(metric=metric, metric_label=ex._metric_label(metric), market=market or "", region=region,
                      region_label=ex.region_label.get(region), segment=segment, year=year, period=period,
                      value=q.value, value_text=q.value_text, unit=q.unit, currency=q.currency, mult=q.mult,
                      comparator=q.comparator, status=status, evidence=evidence)

    def default_period(self, years: list[int]) -> tuple[int, int] | None:
        """A CAGR column that names no period: over the forecast (last actual year to the last year) when the
        headers mark forecasts, else over all the table's years."""
        if len(set(years)) < 2:
            return None
        if self.first_estimate:
            actual = [y for y in years if y < self.first_estimate]
            if actual:
                return max(actual), max(years)
        return min(years), max(years)

    def context_region(self, r) -> str | None:
        """The region of the section's last total before the table (for rows whose caption names none)."""
        figs = [f for f in self.ex.claims.figures
                if f.evidence.section == r.block.section and f.evidence.start < r.sent.start and not f.segment]
        return figs[-1].region if figs else None
