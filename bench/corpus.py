"""Synthetic industry reports with known claims, for benchmarks and the extraction-recall test.

    python bench/corpus.py 1000 /tmp/corpus            # writes 1000 reports + expected.jsonl
    from bench.corpus import generate; generate(40, tmp_path)

Every report is one market of one industry (bench/wordlists.py), in one of four styles copied from the
reports reportkg ships and tests: ``zh-md`` (the seed: numbered ``##`` headings at inconsistent depth,
a table of contents, bold-lead segment lines under "…如下：", a source line ending in "、" followed by
the false heading ``## 新闻``), ``zh-plain`` (bare "一、" / "（一）" headings, a dotted table of contents,
"- X：80.9 亿美元" lists, years in Chinese numerals), ``zh-hant`` (traditional Chinese with PDF noise:
words broken by spaces, full-width digits, half-width punctuation) and ``en`` ("$13.7 billion in 2024",
"a 48.1% compound annual growth rate (CAGR)", "more than half"). Numbers are consistent: segments sum
to their total (up to rounding, as in real reports) and every stated CAGR is the one implied by the
stated start and end figures.

``expected.jsonl`` holds, per report, the figures a careful reader takes from it: metric, market,
region (the glossary's English label), segment (as written, or null), year or period, value (as
written), unit, comparator (eq | lt | gt | approx) and status (actual | forecast). Report ``i`` is the
same whatever ``n`` is, so a 100-report corpus is the first 100 of the 10,000-report one.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.wordlists import (DRIVERS_EN, DRIVERS_ZH, HOME, INDUSTRIES, PUBLISHERS_EN, PUBLISHERS_ZH, QUALIFIERS,
                             REGION_EN, REGIONS, SECONDARY, SOURCES_EN, SOURCES_ZH, TRENDS_EN, TRENDS_ZH, Industry)

STYLES = ("zh-md", "zh-plain", "zh-hant", "en")
STYLE_WEIGHTS = (0.22, 0.14, 0.14, 0.50)     # zh : en about 50 : 50
ZH_DIGITS = "〇一二三四五六七八九"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass
class Fig:
    metric: str                 # market size | CAGR | penetration rate | market share | growth rate
    market: str
    region: str                 # English glossary label
    segment: str | None
    year: int | None
    period: list[int] | None
    value: float
    unit: str
    comparator: str
    status: str
    section: str
    normalized: float | None = None   # amounts in currency units (128.6 亿美元 -> 1.286e10), rates as written


# --------------------------------------------------------------------------- numbers

@dataclass
class Amount:
    """A money amount as a report writes it: number text, value as written, unit text."""
    text: str
    value: float
    unit: str
    base: float                 # in the report's base unit (亿 or billion), for arithmetic


def _round_sig(x: float, decimals: int) -> float:
    return round(x, decimals)


class Numbers:
    """How a report writes amounts: Chinese 亿-based units or English $-billions."""

    def __init__(self, rng: random.Random, lang: str, hant: bool = False):
        self.rng, self.lang, self.hant = rng, lang, hant
        if lang == "zh":
            cur = rng.choices(["亿元人民币", "亿元", "亿美元"], weights=[0.4, 0.25, 0.35])[0]
            self.zh_unit = cur
            self.currency = "USD" if "美元" in cur else "CNY"
            self.space = rng.random() < 0.7
            self.thousands = rng.random() < 0.85
        else:
            self.currency = rng.choices(["USD", "EUR", "CNY"], weights=[0.8, 0.1, 0.1])[0]
            self.prefix = {"USD": rng.choice(["$", "$", "US$", "USD "]), "EUR": "€", "CNY": "RMB "}[self.currency]
            self.unit_line = {"USD": "USD billion", "EUR": "EUR billion", "CNY": "RMB billion"}[self.currency]

    def amount(self, base: float, allow_trillion: bool = False) -> Amount:
        """``base`` is in 亿 (zh) or billions (en)."""
        if self.lang == "zh":
            if allow_trillion and self.currency == "CNY" and base >= 10000 and self.rng.random() < 0.3:
                v = round(base / 10000, 2)
                return Amount(f"{v:.2f}", v, "万亿元", v * 10000)
            if base >= 1000:
                v = float(round(base))
                text = f"{int(v):,}" if self.thousands else str(int(v))
            elif base >= 100 and self.rng.random() < 0.3:
                v = float(round(base))
                text = str(int(v))
            else:
                v = round(base, 1)
                text = f"{v:.1f}"
            sep = " " if self.space else ""
            return Amount(text + sep, v, self.zh_unit, v)
        if base >= 1:
            v = round(base, 1)
            return Amount(f"{self.prefix}{v:.1f} billion", v, f"{self.currency} billion", v)
        v = float(round(base * 1000))
        return Amount(f"{self.prefix}{int(v)} million", v, f"{self.currency} million", v / 1000)

    def split(self, total: Amount, k: int) -> list[Amount]:
        """Segment amounts that add up to the total, as rounded in the text."""
        w = [self.rng.uniform(0.5, 3.0) for _ in range(k)]
        w.sort(reverse=self.rng.random() < 0.7)
        s = sum(w)
        return [self.amount(total.base * x / s) for x in w]


def cagr(a: float, b: float, years: int) -> float:
    return round(((b / a) ** (1 / years) - 1) * 100, 1)


def zh_year(y: int) -> str:
    return "".join(ZH_DIGITS[int(c)] for c in str(y))


def zj(*parts: str) -> str:
    """Join Chinese text parts, with a space where CJK meets ASCII (as the seed writes 全球 AI 推理芯片)."""
    out = ""
    for p in parts:
        if not p:
            continue
        if out and (out[-1].isascii() and out[-1].isalnum()) != (p[0].isascii() and p[0].isalnum()) \
                and (out[-1].isascii() and out[-1].isalnum() or p[0].isascii() and p[0].isalnum()):
            out += " "
        out += p
    return out


# --------------------------------------------------------------------------- the plan of one report

@dataclass
class Plan:
    ind: Industry
    style: str
    lang: str
    base: int                   # latest actual year
    hist: int                   # an earlier actual year
    fcst: int                   # forecast year
    year: int                   # publication year
    primary: str                # region concept key
    second: str | None
    third: str | None
    segs: list[tuple[str, str]]
    publisher: str
    market_zh: str = ""         # the industry's market, narrowed by a qualifier in most reports
    market_en: str = ""


def plan(i: int, seed: int = 0) -> tuple[Plan, random.Random]:
    rng = random.Random(f"reportkg-corpus-{seed}-{i}")
    style = rng.choices(STYLES, weights=STYLE_WEIGHTS)[0]
    ind = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
    base = rng.choice([2022, 2023, 2024, 2024, 2025])
    hist = base - rng.choice([4, 5])
    fcst = base + rng.choice([5, 6, 6, 7])
    year = base + rng.choice([1, 1, 2])
    if rng.random() < 0.78:
        primary = "region-global"
        second = rng.choice(SECONDARY)
        third = rng.choice([r for r in SECONDARY if r != second]) if rng.random() < 0.6 else None
    else:
        primary, second, third = rng.choice(HOME), None, None
    if style == "zh-hant" and second == "region-china" and rng.random() < 0.5:
        second = "region-mainland-china"
    segs = list(ind.segments)
    if len(segs) > 3 and rng.random() < 0.4:
        segs = segs[:3]
    pub = rng.choice(PUBLISHERS_EN if style == "en" else PUBLISHERS_ZH)
    qual = QUALIFIERS[rng.randrange(len(QUALIFIERS))] if rng.random() < 0.6 else ("", "")
    return Plan(ind, style, "en" if style == "en" else "zh", base, hist, fcst, year, primary, second, third, segs,
                pub, zj(qual[0], ind.zh), f"{qual[1]} {ind.en}".strip()), rng


# --------------------------------------------------------------------------- writers

class TableMixin:
    """A segment table in the outlook section of one report in three (markdown, or columns set apart by
    spaces in PDF-style text): years across
    ('| 细分市场 | 2020 | 2024 | 2030E | CAGR（2024-2030） |') or, one time in three, down the first column.
    Its figures are expected once: a cell the text also states is the same claim."""

    def table(self) -> None:
        p = self.p
        trng = random.Random(f"reportkg-table-{p.style}-{p.ind.key}-{p.publisher}-{p.base}-{p.fcst}-{self.total_b.text}")
        if trng.random() >= 0.35:
            return
        zh = p.lang == "zh"
        k = len(p.segs)
        names = [s[0] if zh else s[1] for s in p.segs]
        if p.style == "zh-hant":
            names = [_to_hant(n) for n in names]
        g_hist = (self.total_b.base / self.total_h.base) ** (1 / (p.base - p.hist))
        rows = []          # (label, hist, base, fcst, cagr) in base units (亿 / billion), adding up to the totals
        hs = [b.base / (g_hist * trng.uniform(0.95, 1.05)) ** (p.base - p.hist) for b in self.seg_b]
        fs = [b.base * (1 + trng.uniform(0.05, 0.4)) ** (p.fcst - p.base) for b in self.seg_b]
        for name, b, h, f in zip(names, self.seg_b, hs, fs):
            h, f = round(h * self.total_h.base / sum(hs), 2), round(f * self.total_f.base / sum(fs), 2)
            rows.append((name, h, b.base, f, cagr(b.base, f, p.fcst - p.base)))
        rows.append(("合计" if zh else trng.choice(["Total", "Total market"]), self.total_h.base, self.total_b.base,
                     self.total_f.base, cagr(self.total_b.base, self.total_f.base, p.fcst - p.base)))
        fmt = lambda x: (f"{x:,.3f}".rstrip("0").rstrip(".") if round(x, 2) != x or trng.random() < 0.5  # noqa: E731
                         else f"{x:.2f}")
        est = trng.choice(["E", "E", "F"]) if not zh else trng.choice(["E", "年E", "年（预测）"])
        unit = self.num.zh_unit if zh else self.num.unit_line
        if zh:
            caption = f"表{trng.randint(1, 9)}：{zj(self.r(p.primary), self.market)}细分市场规模（单位：{unit}）"
            head0, cagr_head = "细分市场", f"CAGR（{p.base}-{p.fcst}）" if trng.random() < 0.5 else "年复合增长率"
        else:
            A = self.adj(p.primary)
            caption = f"Table {trng.randint(1, 9)}: {A[0].upper() + A[1:]} {self.market} market by segment ({unit})"
            head0 = trng.choice(["Segment", "Segment", "Product type"])
            cagr_head = trng.choice([f"CAGR {p.base}-{p.fcst}", f"{p.base}-{str(p.fcst)[2:]} CAGR", "CAGR"])
        years = [str(p.hist), str(p.base), f"{p.fcst}{est}"]
        if trng.random() < 0.67:
            lines = [f"| {head0} | {' | '.join(years)} | {cagr_head} |", "|" + " --- |" * 5]
            for label, h, b, f, c in rows:
                lines.append(f"| {label} | {fmt(h)} | {fmt(b)} | {fmt(f)} | {c}% |")
            claims = [(label, y, v) for label, h, b, f, c in rows for y, v in ((p.hist, h), (p.base, b), (p.fcst, f))]
            claims += [(label, None, c) for label, *_, c in rows]
        else:
            lines = [f"| {'年份' if zh else 'Year'} | {' | '.join(r[0] for r in rows)} |", "|" + " --- |" * (len(rows) + 1)]
            for y, i in zip(years, (1, 2, 3)):
                lines.append(f"| {y} | {' | '.join(fmt(r[i]) for r in rows)} |")
            claims = [(r[0], y, r[i]) for y, i in ((p.hist, 1), (p.base, 2), (p.fcst, 3)) for r in rows]
        if not getattr(self, "md", True):       # PDF text: columns set apart by spaces, no rules
            lines = ["    ".join(c.strip() for c in ln.strip("|").split("|")) for ln in lines if "---" not in ln]
        self.out(caption, "\n".join(lines))
        total = rows[-1][0]
        have = {_fig_identity(f) for f in self.figs}
        mult = 1e8 if zh else 1e9
        for label, y, v in claims:
            seg = None if label == total else label
            if y is None:
                self.fig("CAGR", self.market, p.primary, seg, None, (p.base, p.fcst), v, "%")
            else:
                self.fig("market size", self.market, p.primary, seg, y, None, round(v, 3),
                         unit if zh else f"{self.num.currency} billion")
                self.figs[-1].normalized = round(round(v, 3) * mult, 2)
            if _fig_identity(self.figs[-1]) in have:
                self.figs.pop()


def _fig_identity(f: Fig) -> tuple:
    return (f.metric, _norm_label(f.segment), f.region, f.year, tuple(f.period) if f.period else None,
            round(f.normalized if f.normalized is not None else f.value, 2))


class Writer(TableMixin):
    """Collects lines and the figures they state."""

    def __init__(self, p: Plan, rng: random.Random):
        self.p, self.rng = p, rng
        self.lines: list[str] = []
        self.figs: list[Fig] = []
        self.section = ""
        self.num = Numbers(rng, p.lang, p.style == "zh-hant")

    def out(self, *lines: str) -> None:
        for ln in lines:
            self.lines.append(ln)
            self.lines.append("")

    def fig(self, metric, market, region, segment, year, period, value, unit, comparator="eq", status=None):
        if status is None:
            end = period[1] if period else year
            status = "forecast" if end > self.p.base else "actual"
        self.figs.append(Fig(metric, market, REGION_EN[region], segment, year, list(period) if period else None,
                             float(value), unit, comparator, status, self.section, float(value)))

    def size(self, region, amount: Amount, year, segment=None, comparator="eq"):
        self.fig("market size", self.market, region, segment, year, None, amount.value, amount.unit, comparator)
        self.figs[-1].normalized = round(amount.base * (1e8 if self.p.lang == "zh" else 1e9), 2)

    # the market's figures, computed once per report
    def numbers(self) -> None:
        p, rng, num = self.p, self.rng, self.num
        lo, hi = (20, 9000) if p.lang == "zh" else (0.4, 180)
        tb = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        self.total_b = num.amount(tb)
        g_hist = rng.uniform(0.05, 0.35)
        self.total_h = num.amount(self.total_b.base / (1 + g_hist) ** (p.base - p.hist))
        self.cagr_h = cagr(self.total_h.base, self.total_b.base, p.base - p.hist)
        g = rng.uniform(0.06, 0.40)
        self.total_f = num.amount(self.total_b.base * (1 + g) ** (p.fcst - p.base), allow_trillion=True)
        self.cagr_f = cagr(self.total_b.base, self.total_f.base, p.fcst - p.base)
        self.seg_b = num.split(self.total_b, len(p.segs))
        self.yoy = round(rng.uniform(6, 38), 1)
        if p.second:
            self.share2 = rng.uniform(0.12, 0.62)
            self.sec_b = num.amount(self.total_b.base * self.share2)
            self.share2_pct = round(self.sec_b.base / self.total_b.base * 100, 1)
            g2 = max(0.03, g + rng.uniform(-0.05, 0.08))
            self.sec_f = num.amount(self.sec_b.base * (1 + g2) ** (p.fcst - p.base), allow_trillion=True)
            self.cagr2 = cagr(self.sec_b.base, self.sec_f.base, p.fcst - p.base)
            self.sec_seg_b = num.split(self.sec_b, len(p.segs))
            self.share3_pct = round(rng.uniform(3, max(4, 100 - self.share2_pct - 8)), 1)
        # a rate with bounds: < a% (early year), b% (base year), > c% (forecast year)
        self.rate_a = rng.choice([1, 2, 3, 5])
        self.rate_b = round(self.rate_a + rng.uniform(0.8, self.rate_a * 6 + 4), 1)
        self.rate_c = int(min(90, self.rate_b * rng.uniform(2, 5)))
        self.rate_early = p.hist if rng.random() < 0.6 else p.base - 4


def _pick(rng: random.Random, *options):
    return options[rng.randrange(len(options))]


class ZhWriter(Writer):
    """Chinese reports: zh-md (seed style), zh-plain (bare 一、（一） headings) and zh-hant (noise)."""

    def __init__(self, p, rng):
        super().__init__(p, rng)
        self.market = p.market_zh
        self.md = p.style in ("zh-md", "zh-hant")

    def r(self, key: str) -> str:
        forms = REGIONS[key][0]
        return forms[self.rng.randrange(len(forms))]

    def amt(self, a: Amount) -> str:
        return f"{a.text}{a.unit}"

    def h1(self, number: str, title: str, plain_no: str) -> None:
        self.section = number
        if self.md:
            self.out(f"{_pick(self.rng, '##', '##', '#')} {number}. {title}")
        else:
            self.out(f"{plain_no}、{title}")

    def h2(self, number: str, title: str, plain_no: str) -> None:
        self.section = number
        if self.md:
            self.out(f"{_pick(self.rng, '###', '###', '##', '####')} {number} {title}")
        else:
            self.out(f"（{plain_no}）{title}")

    def write(self) -> None:
        p, rng, m = self.p, self.rng, self.market
        self.numbers()
        R = self.r(p.primary)
        title = zj(R if p.primary != "region-global" or rng.random() < 0.7 else "全球及中国", m,
                   _pick(rng, "行业报告", "行业研究报告", "市场研究报告", "产业发展白皮书"))
        # ---- front matter
        if self.md:
            self.lines += ["", f"# {p.publisher}", "", "", "", f"## {title}", ""]
        else:
            self.out(title, f"{p.publisher} ｜ {zh_year(p.year)}年{_pick(rng, '一', '三', '六', '九')}月")
        self.out(f"© {p.year} {p.publisher}版权所有。本文件包含高度机密信息，仅供我方客户专属使用。  \n"
                 f"未经{p.publisher}书面许可，严禁以任何形式传阅、引用、复制或转载本文任何内容。")
        self.out("## 摘要" if self.md else "摘要")
        self.out(zj(m, "是近年来增长最快的细分领域之一。随着技术迭代与应用场景拓展，", m,
                    "正从少数头部客户走向更广泛的市场，行业进入快速发展阶段。"))
        # ---- table of contents
        toc = [("1", "行业概览", "一"), ("1.1", "行业定义与分类", "一"), ("1.2", "行业规模与增长", "二")]
        if p.second:
            toc.append(("1.3", "区域格局", "三"))
        toc += [("2", "核心增长驱动因素与发展趋势", "二"), ("2.1", "核心驱动因素", "一"), ("2.2", "发展趋势", "二"),
                ("3", "市场预测", "三"), ("3.1", "未来展望", "一")]
        if self.md:
            self.out("## 目录")
            for n, t, _ in toc:
                self.out(f"### {n}. {t}" if "." not in n else f"#### {n} {t}")
        else:
            self.lines += ["目  录", ""]
            for k, (n, t, z) in enumerate(toc):
                label = f"{z}、{t}" if "." not in n else f"（{z}）{t}"
                self.lines.append(f"{label} {'.' * max(4, 40 - 2 * len(label))} {k + 2}")
            self.lines.append("")
        # ---- 1 overview
        self.h1("1", "行业概览", "一")
        self.h2("1.1", "行业定义与分类", "一")
        self.out(f"{zj(m)}行业涵盖产品研发、生产制造与应用服务等环节。按产品类型，本报告将其划分为{len(p.segs)}类：")
        for k, (seg, _en) in enumerate(p.segs):
            app = p.ind.apps_zh[k % len(p.ind.apps_zh)] if p.ind.apps_zh else "多个行业"
            self.out(f"**{seg}**{_pick(rng, '主要用于', '通常部署于', '广泛应用于')}{app}等场景，"
                     f"{_pick(rng, '优先考量可靠性与成本', '注重性能与能效之间的平衡', '强调交付效率与服务能力')}。")
        self.h2("1.2", "行业规模与增长", "二")
        self.size_paragraph(p.primary, self.total_b, self.seg_b, first=True)
        self.chart(p.primary)
        if p.second and self.md and rng.random() < 0.6:
            # the seed's layout: the second region's total and segments right after the first
            self.size_paragraph(p.second, self.sec_b, self.sec_seg_b, first=False)
            self.chart(p.second)
            second_done = True
        else:
            second_done = False
        if p.second:
            self.h2("1.3", "区域格局", "三")
            self.shares(second_done)
        # ---- 2 drivers and trends
        self.h1("2", "核心增长驱动因素与发展趋势", "二")
        self.h2("2.1", "核心驱动因素", "一")
        drivers = rng.sample(DRIVERS_ZH, 2)
        self.out(f"**{drivers[0][0]}{_pick(rng, '：', ':', '：')}**{drivers[0][1].format(m=zj(m))}")
        self.rate_driver()
        self.out(f"**{drivers[1][0]}：**{drivers[1][1].format(m=zj(m))}")
        self.h2("2.2", "发展趋势", "二")
        self.out(rng.choice(TRENDS_ZH).format(m=zj(m)))
        # ---- 3 outlook
        self.h1("3", "市场预测", "三")
        self.h2("3.1", "未来展望", "一")
        self.forecast(p.primary, self.total_f, self.cagr_f)
        if p.second:
            self.forecast(p.second, self.sec_f, self.cagr2)
        self.table()
        # ---- back matter
        self.section = ""
        self.out(f"## 关于 {p.publisher}" if self.md else f"关于{p.publisher}",
                 f"{p.publisher}是一家专业咨询机构，围绕投融资全生命周期，提供定制化一站式全流程服务。")
        self.out("## 免责声明" if self.md else "免责声明",
                 f"本报告由{p.publisher}依据截至出具当日可获取的信息编制，仅作参考之用，不构成任何投资建议。")
        self.out(f"{p.publisher} | {title}")
        self.out("## 联系我们" if self.md else "联系我们",
                 f"如需了解本报告更多详情，欢迎发送邮件至：research@{p.ind.key}-{p.year}.example。")

    # a total and the segments under it
    def size_paragraph(self, region: str, total: Amount, segs: list[Amount], first: bool) -> None:
        p, rng, m = self.p, self.rng, self.market
        R = self.r(region)
        intro = _pick(rng, "，细分市场规模如下：", "，按产品类型细分如下：", "，细分如下：", "，细分市场规如下：",
                      "，细分行业规模如\n\n下:") if p.style == "zh-md" else \
            _pick(rng, "，细分市场规模如下：", "，按产品类型细分如下：", "，细分如下:")
        v = rng.random()
        if first and v < 0.3:
            # the earlier year and the growth since, in their own sentence (medical-robot style)
            self.out(f"{zj(R, m)}市场保持较快增长。{p.hist} 年{zj(R, m)}市场规模为 {self.amt(self.total_h)}，"
                     f"{p.hist} 年至 {p.base} 年{_pick(rng, '复合年增长率', '年复合增长率', '年均复合增长率')}为 {self.cagr_h}%。")
            self.size(region, self.total_h, p.hist)
            self.fig("CAGR", m, region, None, None, (p.hist, p.base), self.cagr_h, "%")
            self.out(f"{p.base} 年，{zj(R, m)}市场规模达到 {self.amt(total)}{intro}")
            self.size(region, total, p.base)
        elif first and v < 0.45:
            self.out(f"{zj(R, m)}市场规模由 {p.hist} 年的 {self.amt(self.total_h)}增长至 {p.base} 年的 "
                     f"{self.amt(total)}{intro}")
            self.size(region, self.total_h, p.hist)
            self.size(region, total, p.base)
        elif first and v < 0.6:
            self.out(f"{p.base} 年，{zj(R, m)}市场规模达到 {self.amt(total)}，较上年增长 {self.yoy}%{intro}")
            self.size(region, total, p.base)
            self.fig("growth rate", m, region, None, p.base, None, self.yoy, "%")
        else:
            verb = _pick(rng, "市场规模达到", "行业规模达到", "市场规模为")
            self.out(f"{p.base} 年，{zj(R, m)}{verb} {self.amt(total)}{intro}")
            self.size(region, total, p.base)
        bold = rng.random() < 0.7 if p.style != "zh-plain" else False
        lines = []
        for (seg, _en), a in zip(p.segs, segs):
            if bold:
                form = rng.random()
                if form < 0.6:
                    lines.append(f"**{seg}:** {self.amt(a)}")
                elif form < 0.85:
                    lines.append(f"**{seg}：**{self.amt(a)}")
                else:
                    lines.append(f"**{seg}: {self.amt(a)}**")
            else:
                lines.append(f"- {seg}：{self.amt(a)}")
            self.size(region, a, p.base, segment=seg)
        if bold:
            self.lines += [" "]
            self.out(*lines)
        else:
            self.out("\n".join(lines))

    def chart(self, region: str) -> None:
        p, rng = self.p, self.rng
        segs = "、".join(s for s, _ in p.segs[:3])
        title = f"{self.r(region)}{segs}{zj(self.market)}市场规模，{p.hist}年至{p.fcst}年（预测）"
        if self.p.style == "zh-plain":
            title = f"图表 {rng.randint(1, 9)}：{title}"
        unit = _pick(rng, "(人民币十亿元)", "（人民币十亿元）", "(亿元人民币)") if self.num.currency == "CNY" else \
            _pick(rng, "(十亿美元)", "（亿美元）")
        self.out(title, unit, "")
        src = "、".join(rng.sample(SOURCES_ZH, 4))
        if p.style == "zh-md" and rng.random() < 0.6:
            # the seed's artifact: the source line wraps and its tail becomes a false heading
            self.out(f"资料来源: {self.p.publisher}、{src}、", _pick(rng, "## 新闻", "新闻"))
        else:
            self.out(f"{_pick(rng, '资料来源', '数据来源')}：{self.p.publisher}、{src}")

    def shares(self, second_done: bool) -> None:
        p, rng, m = self.p, self.rng, self.market
        S = self.r(p.second)
        if not second_done:
            self.out(f"{S}是全球{zj(m)}市场的重要组成部分。{p.base} 年，{zj(S, m)}市场规模为 {self.amt(self.sec_b)}，"
                     f"占全球市场份额的 {self.share2_pct}%。")
            self.size(p.second, self.sec_b, p.base)
            self.fig("market share", m, p.second, None, p.base, None, self.share2_pct, "%")
        else:
            self.out(f"{p.base} 年，{S}占全球{zj(m)}市场份额的 {self.share2_pct}%。")
            self.fig("market share", m, p.second, None, p.base, None, self.share2_pct, "%")
        if p.third:
            T = self.r(p.third)
            approx = rng.random() < 0.4
            self.out(f"{T}{'约占' if approx else '占'}全球市场份额的 {self.share3_pct}%，增长空间广阔。")
            self.fig("market share", m, p.third, None, p.base, None, self.share3_pct, "%", "approx" if approx else "eq")

    def rate_driver(self) -> None:
        p, rng = self.p, self.rng
        subj = p.ind.rate_zh
        R = self.r(p.primary)
        if rng.random() < 0.6:
            self.out(f"**{zj(subj)}渗透率提升：**{zj(R, subj)}渗透率从 {self.rate_early} 年的不足 {self.rate_a}% 增长至 "
                     f"{p.base} 年的 {self.rate_b}%，预计 {p.fcst} 年将超过 {self.rate_c}%，这将持续推动{zj(self.market)}需求增长。")
            self.fig("penetration rate", subj, p.primary, None, self.rate_early, None, self.rate_a, "%", "lt")
            self.fig("penetration rate", subj, p.primary, None, p.base, None, self.rate_b, "%", "eq")
            self.fig("penetration rate", subj, p.primary, None, p.fcst, None, self.rate_c, "%", "gt")
        else:
            other = p.second or "region-united-states"
            if other == p.primary:
                other = "region-europe"
            self.out(f"**渗透率提升空间巨大：**{p.base} 年，{zj(R, subj)}渗透率不足 {self.rate_a}%，而{zj(self.r(other), subj)}"
                     f"渗透率已超过 {self.rate_c}%。随着产品成熟与成本下降，渗透率有望快速提升。")
            self.fig("penetration rate", subj, p.primary, None, p.base, None, self.rate_a, "%", "lt")
            self.fig("penetration rate", subj, other, None, p.base, None, self.rate_c, "%", "gt")

    def forecast(self, region: str, a: Amount, c: float) -> None:
        p, rng, m = self.p, self.rng, self.market
        R = self.r(region)
        v = rng.random()
        approx = False
        if v < 0.35:
            self.out(f"预计到 {p.fcst} 年，{zj(R, m)}行业规模将达到 {self.amt(a)}，{p.base} 至 {p.fcst} 年预测期内年复合增长率为 "
                     f"{c}% ({p.base}-{p.fcst}E)。")
        elif v < 0.6:
            approx = rng.random() < 0.5
            self.out(f"预计到{zh_year(p.fcst)}年，{zj(R, m)}市场规模将达到 {self.amt(a)}，{p.base} 年至 {p.fcst} 年"
                     f"复合年增长率{'约为' if approx else '为'} {c}%。")
        elif v < 0.8:
            self.out(f"{zj(R, m)}市场预计于 {p.fcst} 年达到 {self.amt(a)}，年复合增长率({p.base}-{p.fcst} 年)为 {c}%。")
        else:
            self.out(f"预计 {p.fcst} 年{zj(R, m)}市场规模将达 {self.amt(a)}，{p.base}-{p.fcst} 年年复合增长率为 {c}%。")
        self.size(region, a, p.fcst)
        self.fig("CAGR", m, region, None, None, (p.base, p.fcst), c, "%", "approx" if approx else "eq")


class EnWriter(Writer):
    def __init__(self, p, rng):
        super().__init__(p, rng)
        self.market = p.market_en
        self.hash1 = rng.choice(["#", "##"])

    def adj(self, key: str) -> str:
        return REGIONS[key][2]

    def noun(self, key: str) -> str:
        return REGIONS[key][1]

    def h1(self, number, title):
        self.section = number
        self.out(f"{self.hash1} {number}. {title}" if self.rng.random() < 0.8 else f"{self.hash1} {number} {title}")

    def h2(self, number, title):
        self.section = number
        self.out(f"{self.hash1}# {number} {title}")

    def write(self) -> None:
        p, rng, m = self.p, self.rng, self.market
        self.numbers()
        A = self.adj(p.primary)
        cap = A[0].upper() + A[1:]
        title = f"{cap} {_titlecase(m)} Market Report {p.year}"
        self.out(f"# {title}", f"{p.publisher} | Market Intelligence Series | {rng.choice(MONTHS)} {p.year}")
        self.out("## Executive Summary",
                 f"The {m} industry has become one of the fastest-growing corners of its value chain. This report "
                 f"sizes the market by segment and region and sets out our forecast through the end of the decade.")
        if rng.random() < 0.5:
            self.out("## Contents")
            toc = ["1. Market Overview", "1.1 Market Definition", "1.2 Market Size and Segmentation",
                   "2. Market Dynamics", "2.1 Key Growth Drivers", "2.2 Trends", "3. Market Forecast"]
            self.lines += toc + [""]
        self.h1("1", "Market Overview")
        self.h2("1.1", "Market Definition")
        self.out(f"The {m} market covers the products and services sold to end users, and excludes captive production. "
                 f"The report distinguishes {len(p.segs)} segments:")
        items = []
        for k, (_zh, seg) in enumerate(p.segs):
            app = p.ind.apps_en[k % len(p.ind.apps_en)] if p.ind.apps_en else "several industries"
            items.append(f"- **{seg}** are {_pick(rng, 'mainly used in', 'deployed in', 'found in')} {app}.")
        self.out("\n".join(items))
        self.h2("1.2", "Market Size and Segmentation")
        self.size_paragraph()
        self.out(f"Figure 1: {cap} {m} market by segment, {p.hist}-{p.fcst}E", f"({self.num.unit_line})",
                 f"Source: {p.publisher} analysis, {', '.join(rng.sample(SOURCES_EN, 3))}")
        if p.second:
            self.h2("1.3", "Regional Landscape")
            self.shares()
        self.h1("2", "Market Dynamics")
        self.h2("2.1", "Key Growth Drivers")
        for label, text in rng.sample(DRIVERS_EN, 3):
            sep = _pick(rng, ":**", "**:", ".**")
            self.out(f"**{label}{sep} {text.format(m=m)}")
        self.h2("2.2", "Trends")
        self.out(rng.choice(TRENDS_EN))
        self.h1("3", "Market Forecast")
        self.h2("3.1", "Outlook")
        self.forecast(p.primary, self.total_f, self.cagr_f, main=True)
        if p.second:
            self.h2("3.2", "Regional Outlook")
            self.forecast(p.second, self.sec_f, self.cagr2, main=False)
        self.table()
        self.h2("3.3" if p.second else "3.2", f"{_titlecase(p.ind.rate_en)} Adoption")
        self.rate()
        self.section = ""
        self.out(f"## About {p.publisher}",
                 f"{p.publisher} is an independent research firm. Our forecasts combine bottom-up shipment models with "
                 f"interviews across the supply chain.")
        self.out("## Disclaimer", "This report is provided for information purposes only and does not constitute "
                                  "investment advice. Forecasts rest on assumptions that may not materialize.")
        self.out(f"© {p.year} {p.publisher}. All rights reserved.", f"Contact: research@{p.ind.key}.example")

    def size_paragraph(self) -> None:
        p, rng, m = self.p, self.rng, self.market
        A = self.adj(p.primary)
        tb, th = self.total_b.text, self.total_h.text
        v = rng.random()
        if v < 0.35:
            s = f"The {A} {m} market was valued at {tb} in {p.base}, up from {th} in {p.hist}."
            self.size(p.primary, self.total_h, p.hist)
        elif v < 0.55:
            s = (f"The {A} {m} market was valued at {tb} in {p.base}, up from {th} in {p.hist}, a CAGR of "
                 f"{self.cagr_h}% over the period.")
            self.size(p.primary, self.total_h, p.hist)
            self.fig("CAGR", m, p.primary, None, None, (p.hist, p.base), self.cagr_h, "%")
        elif v < 0.75:
            s = f"In {p.base}, the {A} {m} market reached {tb}."
        else:
            s = f"The {A} {m} market size stood at {tb} in {p.base}."
        self.size(p.primary, self.total_b, p.base)
        intro = _pick(rng, f"By segment, the {p.base} market splits as follows:",
                      f"By product, the {p.base} {A} market splits as follows:",
                      "The market breaks down by segment as follows:")
        self.out(f"{s} {intro}")
        lines = []
        style = rng.random()
        for (_zh, seg), a in zip(p.segs, self.seg_b):
            if style < 0.6:
                lines.append(f"**{seg}:** {a.text}")
            elif style < 0.8:
                lines.append(f"- **{seg}:** {a.text}")
            else:
                lines.append(f"- {seg}: {a.text}")
            self.size(p.primary, a, p.base, segment=seg)
        if style < 0.6:
            self.out(*lines)
        else:
            self.out("\n".join(lines))

    def shares(self) -> None:
        p, rng, m = self.p, self.rng, self.market
        S = self.noun(p.second)
        S = S[0].upper() + S[1:]
        if self.share2_pct > 50 and rng.random() < 0.7:
            self.out(f"{S} accounted for more than half of the market in {p.base}, with revenue of {self.sec_b.text}.")
            self.fig("market share", m, p.second, None, p.base, None, 50, "%", "gt")
        else:
            self.out(f"{S} accounted for {self.share2_pct}% of the market in {p.base}, with revenue of {self.sec_b.text}.")
            self.fig("market share", m, p.second, None, p.base, None, self.share2_pct, "%")
        self.size(p.second, self.sec_b, p.base)
        if p.third:
            T = self.noun(p.third)
            T = T[0].upper() + T[1:]
            approx = rng.random() < 0.5
            self.out(f"{T} represented {'approximately ' if approx else ''}{self.share3_pct}% of global revenue.")
            self.fig("market share", m, p.third, None, p.base, None, self.share3_pct, "%", "approx" if approx else "eq")

    def forecast(self, region: str, a: Amount, c: float, main: bool) -> None:
        p, rng, m = self.p, self.rng, self.market
        v = rng.random()
        if main and v < 0.45 or not main and v < 0.2:
            self.out(f"The {self.adj(region)} {m} market is expected to reach {a.text} by {p.fcst}, growing at a {c}% "
                     f"compound annual growth rate (CAGR) from {p.base} to {p.fcst}.")
        elif not main and v < 0.6:
            self.out(f"{self.noun(region)[0].upper() + self.noun(region)[1:]} will be one of the fastest-growing regions: "
                     f"its market is forecast to reach {a.text} by {p.fcst}, a CAGR of {c}% over {p.base}-{p.fcst}E.")
        elif v < 0.8:
            self.out(f"We expect the {self.adj(region)} {m} market to grow at a CAGR of {c}% between {p.base} and "
                     f"{p.fcst}, reaching {a.text} by {p.fcst}.")
        else:
            self.out(f"By {p.fcst}, the {self.adj(region)} {m} market is projected to reach {a.text}, representing a "
                     f"CAGR of {c}% from {p.base} to {p.fcst}.")
        self.size(region, a, p.fcst)
        self.fig("CAGR", m, region, None, None, (p.base, p.fcst), c, "%")

    def rate(self) -> None:
        p, rng = self.p, self.rng
        subj = p.ind.rate_en
        if p.primary == "region-global" and rng.random() < 0.5:
            self.out(f"Worldwide, the penetration rate of {subj} was below {self.rate_a}% in {p.base} and is expected to "
                     f"exceed {self.rate_c}% by {p.fcst}.")
            self.fig("penetration rate", subj, p.primary, None, p.base, None, self.rate_a, "%", "lt")
            self.fig("penetration rate", subj, p.primary, None, p.fcst, None, self.rate_c, "%", "gt")
        else:
            where = "worldwide" if p.primary == "region-global" else f"in {self.noun(p.primary)}"
            self.out(f"The penetration rate of {subj} {where} rose from less than {self.rate_a}% in {self.rate_early} to "
                     f"{self.rate_b}% in {p.base}, and is forecast to exceed {self.rate_c}% by {p.fcst}.")
            self.fig("penetration rate", subj, p.primary, None, self.rate_early, None, self.rate_a, "%", "lt")
            self.fig("penetration rate", subj, p.primary, None, p.base, None, self.rate_b, "%", "eq")
            self.fig("penetration rate", subj, p.primary, None, p.fcst, None, self.rate_c, "%", "gt")


def _titlecase(s: str) -> str:
    return " ".join(w if w[:1].isupper() or not w[:1].isalpha() else w[0].upper() + w[1:] for w in s.split())


# --------------------------------------------------------------------------- traditional Chinese + PDF noise

_S2T = None


def _to_hant(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc
        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


_FW = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}


def _noise(lines: list[str], figs: list[Fig], rng: random.Random, market: str) -> list[str]:
    """PDF-conversion noise: words broken by spaces, full-width digits, half-width punctuation, and in one
    report of five, every line letter-spaced ('2 0 2 4 年 , 全 球 …')."""
    out = []
    broken = " ".join(market.replace(" ", ""))
    spaced = rng.random() < 0.2
    for ln in lines:
        if spaced and ln.strip():
            mark = re.match(r"#+ |[-*] |\*\*", ln)
            head = mark.group() if mark else ""
            ln = head + " ".join(ln[len(head):].replace(" ", "").replace("**", "\0")).replace("\0", "**")
        if ln.startswith("#") or not ln.strip():
            out.append(ln)
            continue
        if market in ln and rng.random() < 0.3:
            ln = ln.replace(market, broken, 1)
        if rng.random() < 0.3:
            # full-width digits in one number of the line (a year or an amount)
            nums = list(re.finditer(r"\d[\d.,]*", ln))
            if nums:
                mm = rng.choice(nums)
                ln = ln[:mm.start()] + mm.group().translate(_FW) + ln[mm.end():]
        if rng.random() < 0.5:
            ln = ln.replace("，", ",").replace("：", ":").replace("（", "(").replace("）", ")")
        out.append(ln)
    return out


# --------------------------------------------------------------------------- entry points

def report(i: int, seed: int = 0) -> tuple[str, str, dict]:
    """(file name, markdown text, expected record) of report ``i``."""
    p, rng = plan(i, seed)
    w = (EnWriter if p.lang == "en" else ZhWriter)(p, rng)
    w.write()
    lines = w.lines
    figs = w.figs
    if p.style == "zh-hant":
        lines = [_to_hant(x) for x in lines]
        for f in figs:
            f.market = _to_hant(f.market)
            f.segment = _to_hant(f.segment) if f.segment else None
            f.unit = _to_hant(f.unit)
        lines = _noise(lines, figs, rng, _to_hant(p.market_zh))
    text = "\n".join(lines).rstrip() + "\n"
    name = f"r{i:05d}-{p.style}-{p.ind.key}.md"
    rec = {"file": name, "style": p.style, "lang": p.lang, "industry": p.ind.key,
           "market": _to_hant(p.market_zh) if p.style == "zh-hant" else (p.market_zh if p.lang == "zh" else p.market_en),
           "market_en": p.market_en, "base_year": p.base, "forecast_year": p.fcst,
           "regions": [REGION_EN[r] for r in (p.primary, p.second, p.third) if r],
           "segments": [s[1] if p.lang == "en" else (_to_hant(s[0]) if p.style == "zh-hant" else s[0]) for s in p.segs],
           "figures": [asdict(f) for f in figs]}
    return name, text, rec


def generate(n: int, out_dir: str | Path, seed: int = 0, start: int = 0) -> list[dict]:
    """Write reports ``start`` .. ``n - 1`` and ``expected.jsonl`` (all n) into ``out_dir``; return the records."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    recs = []
    for i in range(n):
        name, text, rec = report(i, seed)
        if i >= start:
            path = out / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
        recs.append(rec)
    with open(out / "expected.jsonl", "w", encoding="utf-8") as f:
        for rec in recs:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return recs


def load_expected(out_dir: str | Path) -> list[dict]:
    with open(Path(out_dir) / "expected.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --------------------------------------------------------------------------- scoring extraction

MATCH_KEYS = ("metric", "region", "segment", "year", "period", "value", "comparator", "status")


def _norm_label(s: str | None) -> str | None:
    if not s:
        return None
    from ingest.text import fold
    return "".join(fold(s).split()).lower().rstrip(":：")


def figure_key(f: dict) -> tuple:
    """What must agree for an extracted figure to count as the expected one."""
    return (f["metric"], _norm_label(f.get("market")), f.get("region"), _norm_label(f.get("segment")), f.get("year"),
            tuple(f["period"]) if f.get("period") else None, round(float(f["value"]), 4), f["comparator"], f["status"])


@dataclass
class Score:
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    missed: list = None          # (file, expected figure)
    spurious: list = None        # (file, extracted figure)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0


def score(records: list[dict], extracted: dict[str, list[dict]]) -> Score:
    """Compare expected figures with extracted ones (``reportkg claims --json`` rows), report by report.

    Matching is a multiset match on MATCH_KEYS (segments compared without spaces, folded to simplified)."""
    from collections import Counter
    sc = Score(missed=[], spurious=[])
    for rec in records:
        got = [r for r in extracted.get(rec["file"], []) if r.get("kind") in ("figure", "cagr")]
        want = Counter(figure_key(f) for f in rec["figures"])
        have = Counter(figure_key(f) for f in got)
        both = want & have
        sc.expected += sum(want.values())
        sc.extracted += sum(have.values())
        sc.matched += sum(both.values())
        miss, extra = want - both, have - both
        sc.missed += [(rec["file"], f) for f in rec["figures"] if miss[figure_key(f)] > 0 and not miss.subtract([figure_key(f)])]
        sc.spurious += [(rec["file"], f) for f in got if extra[figure_key(f)] > 0 and not extra.subtract([figure_key(f)])]
    return sc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    recs = generate(args.n, args.out_dir, seed=args.seed)
    figs = sum(len(r["figures"]) for r in recs)
    print(f"wrote {len(recs)} reports ({figs} figures) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
