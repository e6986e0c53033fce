"""Companies and their products: a company's share, rank, price or revenue as a report states it ('贝克巴斯的市场份额
是多少？', 'Which company ranked first?', 'Who are the top five players?'). Only the figures a report gives of a
company answer (rk:company); a market's figures never stand in for a company's, nor a company's for its market's."""
from __future__ import annotations

import re

from ingest.text import has_cjk
from kg.namespaces import METRIC_MARKET_SIZE, METRIC_SHARE

from ..common import Context, Fig, build, not_found, written
from ..frame import Frame
from ..lexicon import PRODUCT_BASE
from ..passages import dictionary

NAME = "company"
CUES = {"zh": ["哪家公司", "哪家企业", "哪个品牌", "哪些品牌", "哪些公司", "哪些企业", "哪家厂商", "排名第一", "排名第1", "第一名",
               "排名前五", "前五大", "前五名", "前十名", "龙头", "领先企业", "主要参与者", "主要玩家"],
        "en": ["which company", "which companies", "which brand", "which brands", "which player", "which vendor",
               "top five", "top 5", "top ten", "top 10", "top three", "ranked first", "ranks first", "leading players",
               "top players", "key players", "largest player", "market leader"]}
# run against the leading-players report of tests/test_companies.py (the bundled report names no company)
EXAMPLES = ["埃斯顿的市场份额是多少？", "Which company ranked first?"]
EXAMPLES_NEED_COMPANIES = True

RANK = "https://w3id.org/reportkg/vocab/metric-rank"
PRICE = "https://w3id.org/reportkg/vocab/metric-average-selling-price"
_FIRST = ("排名第一", "排名第1", "第一名", "龙头", "ranked first", "ranks first", "largest player", "market leader")
_TOP = {"前五": 5, "前五大": 5, "前五名": 5, "排名前五": 5, "top five": 5, "top 5": 5, "前十名": 10, "top ten": 10,
        "top 10": 10, "top three": 3}
# the words a question names companies by ('the top three players', '哪些厂商'): this family's to account for
HOLDERS = frozenset("""players player companies company brands brand vendors vendor makers maker manufacturers
manufacturer firms firm suppliers supplier models model 企业 公司 品牌 厂商 厂家 供应商 玩家 机型 型号 产品""".split())
_RANK_WORDS = ("排名", "排第", "第几", "名次", "rank", "position")
MAX_LINES = 10


def matches(frame: Frame, ctx: Context) -> bool:
    return bool(frame.companies or frame.products) or NAME in frame.cues


def _asked(frame: Frame) -> str:
    """The words of the question that ask about companies ('top five players', '哪家公司'), as written."""
    low = frame.text.lower()
    at = min((low.find(c) for c in CUES[frame.lang] if c in low), default=-1)
    if at < 0:
        return ""
    m = re.match(r"[^?？。,，;；]{1,40}", frame.text[at:])
    return m.group().strip() if m else ""


def answer(frame: Frame, ctx: Context):
    low = frame.text.lower()
    if not ctx.lex.of_kind("Company"):       # no report gives a company's figure: say so, never a market's
        asked = _asked(frame)
        return not_found(frame, f"报告没有给出任何企业的数据（“{asked}”）。",
                         f"The reports give no figures of companies ('{asked}').", interpretation="company",
                         ctx=ctx, family=NAME)
    figs: list[Fig] = []
    for c in frame.companies or [None]:
        figs += ctx.company_figures(c)
    if frame.products:                       # 'E60EVO', 'CLD800-B1': that model's figures only
        names = {p.removeprefix(PRODUCT_BASE) for p in frame.products}
        figs = [f for f in figs if f.product in names]
    if frame.markets:
        figs = [f for f in figs if f.market in frame.markets]
    sub = _months(frame.text)
    if sub and figs:
        figs = [f for f in figs if f.subperiod == sub]
    if frame.companies or frame.products:
        # the question's other words ('线上', '线下畅销榜') must be the words of the table a figure is read from
        for w in [*frame.leftover, *([frame.unknown_market] if frame.unknown_market else [])]:
            core = _MONTHS_ZH.sub("", w)
            core = re.sub(r"[的在了是和与及月]|市场|\d", "", core)
            if not core or _MONTHS_EN.fullmatch(core):
                continue
            # an English word in the caption's Chinese ('online' is 线上): the dictionary's senses (CC-CEDICT)
            forms = [core] if has_cjk(core) else dictionary()[0].get(core.lower(), [])
            held = [f for f in figs if any(_holds(f.cell or "", x) for x in forms)]
            if not held:
                return not_found(frame, f"报告没有给出关于“{w}”的数据。", f"The report gives no figure for '{w}'.",
                                 interpretation=f"company · unaccounted: {w}", ctx=ctx, family=NAME)
            figs = held
    if frame.years:
        figs = [f for f in figs if f.year in frame.years]
    if any(m not in (METRIC_SHARE, RANK, PRICE, METRIC_MARKET_SIZE) for m in frame.metrics):
        wanted = list(frame.metrics)        # '贝克巴斯的净利润': a measure no company table gives here -> not found
    else:
        wanted = list(frame.metrics)
    if "share" in frame.cues and METRIC_SHARE not in wanted:
        wanted.append(METRIC_SHARE)
    if not wanted and any(w in low for w in _RANK_WORDS):
        wanted = [RANK]                      # ('爱适易排名第几？')
    first = any(w in low for w in _FIRST)
    top = next((n for w, n in sorted(_TOP.items(), key=lambda kv: -len(kv[0])) if w in low), None)
    if not frame.companies and (first or top):
        ranks = sorted((f for f in figs if f.metric == RANK), key=lambda f: (f.value, f.report, f.quote))
        if ranks:
            figs = [f for f in ranks if f.value <= (1 if first else top)]
        else:                                # no ranks stated: the companies by the share the report gives them
            shares = sorted((f for f in figs if f.metric == METRIC_SHARE), key=lambda f: -f.norm)
            figs = shares[:1 if first else top]
    elif wanted:
        figs = [f for f in figs if f.metric in wanted]
    if not figs:
        who_zh = "、".join(ctx.label(c, "zh") for c in frame.companies) or "企业"
        who_en = ", ".join(ctx.label(c, "en") for c in frame.companies) or "companies"
        what_zh = "".join(ctx.label(m, "zh") for m in wanted) or "该数据"
        what_en = ", ".join(ctx.label(m, "en") for m in wanted) or "this figure"
        return not_found(frame, f"报告没有给出{who_zh}的{what_zh}。", f"The report does not give {what_en} of {who_en}.",
                         interpretation=f"company · {who_en}", ctx=ctx, family=NAME)
    figs = sorted(figs, key=lambda f: (f.report, f.metric != RANK, f.value if f.metric == RANK else -f.norm))[:MAX_LINES]
    multi = len({f.report for f in figs}) > 1
    zh = "；".join(_line(f, ctx, "zh", multi) for f in figs) + "。"
    en = "; ".join(_line(f, ctx, "en", multi) for f in figs) + "."
    return build(frame, ctx, status="answered", zh=zh, en=en[0].upper() + en[1:], figs=figs, family=NAME,
                 interpretation="company · " + ", ".join(sorted({ctx.label(f.company, "en") for f in figs})))


_MONTHS_ZH = re.compile(r"(\d{1,2})\s*(?:[-~～至到]\s*(\d{1,2})\s*)?月(?:份)?")
_MONTH_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# a month's name or its abbreviation, a whole word ('mar' of 'market' is none)
_MONTH_WORD = r"(?:january|february|march|april|june|july|august|september|october|november|december|" \
              r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?"
_MONTHS_EN = re.compile(rf"\b({_MONTH_WORD})(?:\s*(?:-|–|~|to)\s*({_MONTH_WORD}))?", re.I)


def _months(text: str) -> str | None:
    """The months a question asks ('1~11月', '11月', 'Jan-Nov', 'November') as a figure's subperiod ('1-11月')."""
    m = _MONTHS_ZH.search(text)
    if m:
        a, b = int(m.group(1)), m.group(2)
        return f"{a}-{int(b)}月" if b else f"{a}月"
    m = _MONTHS_EN.search(text)
    if m:
        a = _MONTH_EN.index(m.group(1)[:3].lower()) + 1
        return f"{a}-{_MONTH_EN.index(m.group(2)[:3].lower()) + 1}月" if m.group(2) else f"{a}月"
    return None


def _holds(cell: str, words: str) -> bool:
    """The words are the cell's (its table's caption, its row and column): each piece of two characters or more
    is in it ('线下畅销榜' is '线下' and '畅销榜' of '…线下市场零售额畅销榜…')."""
    cell, words = cell.lower(), words.lower()
    i = 0
    while i < len(words):
        j = next((j for j in range(len(words), i + 1, -1) if words[i:j] in cell), None)
        if j is None:
            return False
        i = j
    return bool(words)


def _line(f: Fig, ctx: Context, lang: str, multi: bool) -> str:
    who = ctx.label(f.company, lang) + (f" {f.product}" if f.product else "")
    market = ctx.label(f.market, lang)
    src = (f"〔{f.report_title}〕" if lang == "zh" else f" [{f.report_title}]") if multi else ""
    if lang == "zh":
        when = (f"{f.year}年" if f.year else "") + (f.subperiod or "" if f.subperiod != "FY" else "")
        if f.metric == RANK:
            return f"{when}{who}在{market}市场排名第{f.value_text}{src}"
        return f"{when}{who}的{ctx.label(f.metric, 'zh')}为{written(f, 'zh')}（{market}市场）{src}"
    when = " in " + " ".join(x for x in (_months_en(f.subperiod), str(f.year) if f.year else "") if x) \
        if f.year else ""
    if f.metric == RANK:
        return f"{who} ranked no. {f.value:g} in the {market} market{when}{src}"      # 'first' is written no. 1
    return f"the {ctx.label(f.metric, 'en')} of {who} in the {market} market{when} was {written(f, 'en')}{src}"


def _months_en(sub: str | None) -> str:
    """'1-11月' -> 'January-November of'; 'Q3' -> 'Q3'."""
    if not sub or sub == "FY":
        return ""
    names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
    if sub.endswith("月"):
        parts = sub[:-1].split("-")
        if all(p.isdigit() and 1 <= int(p) <= 12 for p in parts):
            return "-".join(names[int(p) - 1] for p in parts) + " of"
    return sub
