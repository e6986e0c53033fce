"""CAGR: the stated compound annual growth rate for a market and period, or the one implied by two
stated figures (marked derived). '2024至2030年全球市场的年复合增长率是多少？'"""
from __future__ import annotations

from kg.namespaces import METRIC_CAGR, METRIC_MARKET_SIZE

from ..common import Context, build, written
from ..frame import Frame
from ..resolve import cagr_select, select

NAME = "cagr"
CUES = {"zh": ["复合增长", "年均增长"], "en": ["cagr", "compound annual", "annual growth"]}
EXAMPLES = ["2024至2030年全球市场的年复合增长率是多少？", "What is the CAGR of the China market from 2024 to 2030?"]


def matches(frame: Frame, ctx: Context) -> bool:
    return METRIC_CAGR in frame.metrics or "cagr" in frame.cues


IMPLIED = ("implied", "implies", "隐含", "推算", "计算", "compute", "calculate")


def answer(frame: Frame, ctx: Context):
    if any(w in frame.text.lower() for w in IMPLIED) and (frame.period or len(frame.years) >= 2):
        alt = implied(frame, ctx)
        if alt.status == "derived":
            return alt
    sel = cagr_select(frame, ctx)
    if sel.figs:
        zh, en = [], []
        several = len({f.report for f in sel.figs}) > 1
        for f in sel.figs:
            p = f"{f.period[0]}-{f.period[1]}"
            fc_zh = "（预测期）" if f.status == "forecast" else ""
            zh.append(f"{f.period[0]}至{f.period[1]}年{ctx.label(f.region, 'zh')}{ctx.label(f.segment or f.market, 'zh')}"
                      f"市场的年复合增长率{fc_zh}为{written(f, 'zh')}")
            en.append(f"The {ctx.label(f.region, 'en')} {ctx.label(f.segment or f.market, 'en')} market's CAGR over {p}"
                      f"{' (forecast period)' if f.status == 'forecast' else ''} is {written(f, 'en')}")
            if several:
                zh[-1] += f"〔{f.report_title}〕"
                en[-1] += f" [{f.report_title}]"
        if several:
            zh[0], en[0] = "多份报告给出了年复合增长率：" + zh[0], "Several reports state a CAGR: " + en[0]
        return build(frame, ctx, status="answered", zh="；".join(zh) + "。", en="; ".join(en) + ".", figs=sel.figs,
                     family=NAME)
    return implied(frame, ctx)


def implied(frame: Frame, ctx: Context):
    """No stated CAGR for the period: compute it from the two stated figures, marked derived."""
    if frame.period:
        a, b = frame.period
    elif len(frame.years) >= 2:
        a, b = sorted(frame.years[:2])
    else:
        return _no_cagr(frame, ctx)
    sel = select(frame, ctx, metric=METRIC_MARKET_SIZE, years=[a, b])
    pairs = {}
    for f in sel.figs:
        pairs.setdefault((f.report, f.market, f.region, f.segment), {})[f.year] = f
    for key, by_year in pairs.items():
        if a in by_year and b in by_year and by_year[a].norm > 0:
            fa, fb = by_year[a], by_year[b]
            rate = ((fb.norm / fa.norm) ** (1 / (b - a)) - 1) * 100
            formula = f"({fb.value_text} / {fa.value_text})^(1/{b - a}) - 1 = {rate:.2f}%"
            stated = [c for c in cagr_select(frame.copy(period=(a, b)), ctx).figs if c.market == fa.market
                      and c.region == fa.region]
            if stated:
                lead_zh = f"报告所述{a}至{b}年年复合增长率为{written(stated[0], 'zh')}；"
                lead_en = f"The report states a {a}-{b} CAGR of {written(stated[0], 'en')}; "
            else:
                lead_zh, lead_en = f"报告未直接给出{a}至{b}年的年复合增长率；", f"The report states no CAGR for {a}-{b}; "
            zh = (f"{lead_zh}按{a}年{written(fa, 'zh')}与{b}年{written(fb, 'zh')}推算，"
                  f"隐含年复合增长率约为{rate:.2f}%（计算值：{formula}）。")
            en = (f"{lead_en}from {written(fa, 'en')} in {a} and {written(fb, 'en')} in {b}, "
                  f"the implied CAGR is about {rate:.2f}% (computed: {formula}).")
            from ..answer import Value
            v = Value(label=f"implied CAGR {a}-{b}", value=round(rate, 2), unit="%", status="derived", period=[a, b],
                      region=ctx.label(fa.region, frame.lang), market=ctx.label(fa.market, frame.lang))
            return build(frame, ctx, status="derived", zh=zh, en=en, figs=[fa, fb],
                         values=[v] + [ctx.value_of(f, frame.lang) for f in (fa, fb)], family=NAME, formula=formula)
    return _no_cagr(frame, ctx)


def _no_cagr(frame: Frame, ctx: Context):
    """not_found naming the periods the report does state a CAGR for."""
    from ..common import not_found
    stated = cagr_select(frame.copy(period=None), ctx).figs
    periods = sorted({f.period for f in stated})
    asked = f"{frame.period[0]}-{frame.period[1]}" if frame.period else ""
    if periods:
        ps = ", ".join(f"{a}-{b}" for a, b in periods)
        return not_found(frame, f"报告未给出{asked}年的年复合增长率，也无法由所述数据推算；报告给出的是{ps}年的年复合增长率。",
                         f"The report states no CAGR for {asked or 'that'} and its figures do not allow computing one; "
                         f"it states CAGRs for {ps}.", ctx=ctx, family=NAME)
    return not_found(frame, "报告未给出相关的年复合增长率。", "The report states no CAGR for this.", ctx=ctx, family=NAME)
