"""Figure look-up and forecasts: 'What was the global AI inference chip market size in 2024?',
'2030年全球AI推理芯片市场规模预计是多少？'. The fallback family for any question about a figure."""
from __future__ import annotations

from kg.namespaces import METRIC_CAGR, METRIC_MARKET_SIZE

from ..common import Context, both, build, join, not_found, years_text
from ..frame import Frame
from ..resolve import select

NAME = "lookup"
CUES = {"zh": ["是多少", "多少", "多大", "规模", "预计", "预测", "将达到"],
        "en": ["how big", "how large", "what was", "what is", "forecast", "expected", "projected", "size"]}
EXAMPLES = ["2024年全球AI推理芯片市场规模是多少？", "What is the China AI inference chip market size forecast for 2030?"]


def matches(frame: Frame, ctx: Context) -> bool:
    return frame.has_content()


def answer(frame: Frame, ctx: Context):
    sel = select(frame, ctx)
    if not sel.figs:
        return explain_missing(frame, ctx, sel)
    return phrase_figures(frame, ctx, sel.figs, NAME)


def phrase_figures(frame: Frame, ctx: Context, figs, family: str):
    lang = frame.lang
    multi_report = len({f.report for f in figs}) > 1
    lines_zh, lines_en = [], []
    for f in figs:
        fc_zh = "（预测）" if f.status == "forecast" else ""
        fc_en = " (forecast)" if f.status == "forecast" else ""
        src_zh = f"〔{f.report_title}〕" if multi_report else ""
        src_en = f" [{f.report_title}]" if multi_report else ""
        metric_zh = ctx.label(f.metric, "zh")
        metric_en = ctx.label(f.metric, "en")
        lines_zh.append(f"{ctx.describe(f, 'zh')}{metric_zh}{fc_zh}为{both(f, 'zh')}{src_zh}")
        verb = "is forecast at" if f.status == "forecast" else "was"
        if metric_en == "market size":
            lines_en.append(f"The {ctx.describe(f, 'en')} {verb} {both(f, 'en')}{src_en}")
        else:
            lines_en.append(f"The {metric_en} of the {ctx.describe(f, 'en')} {verb} {both(f, 'en')}{src_en}")
    if frame.unit and frame.unit[1] is not None:
        conv = [converted(f, frame.unit, "zh") for f in figs]
        if any(conv):
            lines_zh = [l + (f"，即{c}" if c else "") for l, c in zip(lines_zh, conv)]
            lines_en = [l + (f", i.e. {c}" if c else "") for l, c in zip(lines_en, [converted(f, frame.unit, "en") for f in figs])]
    zh = "；".join(lines_zh) + "。"
    en = "; ".join(lines_en) + "."
    asked_cur = frame.unit[0] if frame.unit else None
    if asked_cur and any(f.currency and f.currency != asked_cur for f in figs):
        zh += f"（报告未给出以{CUR_NAMES['zh'].get(asked_cur, asked_cur)}计的数据，未做汇率换算。）"
        en += f" (The report gives no {asked_cur} figure; no currency conversion is made.)"
    if len(lines_en) > 1:
        en = en[0].upper() + en[1:]
    if multi_report:
        zh = "多份报告给出了这一数据：" + zh
        en = "Several reports state this: " + en
    return build(frame, ctx, status="answered", zh=zh, en=en, figs=figs, family=family)


def explain_missing(frame: Frame, ctx: Context, sel):
    """not_found that says what the report does cover nearest to the question."""
    lang = frame.lang
    cov = sel.coverage
    metric_zh, metric_en = ctx.label(sel.metric, "zh"), ctx.label(sel.metric, "en")
    named = frame.segments or frame.markets
    asked_zh = "".join([years_text(frame.years, "zh")] + [ctx.label(r, "zh") for r in frame.regions] +
                       [ctx.label(s, "zh") for s in named]) + metric_zh
    asked_en = " ".join([ctx.label(r, "en") for r in frame.regions] + [ctx.label(s, "en") for s in named] +
                        [metric_en] + ([f"in {years_text(frame.years, 'en')}"] if frame.years else []))
    near_zh, near_en = [], []
    if cov.get("years"):
        near_zh.append(f"报告给出的年份为{years_text(cov['years'], 'zh')}")
        near_en.append(f"it gives figures for {years_text(cov['years'], 'en')}")
    if cov.get("regions") and sel.reason in ("region", "no_figures"):
        near_zh.append(f"覆盖的地区为{join([ctx.label(r, 'zh') for r in cov['regions']], 'zh')}")
        near_en.append(f"it covers {join([ctx.label(r, 'en') for r in cov['regions']], 'en')}")
    if cov.get("segments") and sel.reason == "segment":
        near_zh.append(f"细分市场有{join([ctx.label(s, 'zh') for s in cov['segments']], 'zh')}")
        near_en.append(f"its segments are {join([ctx.label(s, 'en') for s in cov['segments']], 'en')}")
    charts = chart_hint(frame, ctx, sel.markets)
    if charts:
        near_zh.append(f"图表「{charts[0]['title']}」覆盖{charts[0].get('start', '')}–{charts[0].get('end', '')}年，但正文未给出其数据")
        near_en.append(f"the chart “{charts[0]['title']}” spans {charts[0].get('start', '')}-{charts[0].get('end', '')}, "
                       "but the text does not give its data")
    if not sel.markets and sel.metric and sel.metric != METRIC_MARKET_SIZE and ctx.lex.markets_with.get(METRIC_MARKET_SIZE):
        # 'YoY growth in 2024' of reports that state only CAGRs: no figure of that kind at all
        near_zh, near_en = [f"报告中没有任何{metric_zh}数据"], [f"no report in the graph states a {metric_en}"]
        if ctx.lex.markets_with.get(METRIC_CAGR) and sel.metric != METRIC_CAGR:
            near_zh.append("报告给出的是年复合增长率（CAGR）")
            near_en.append("the reports give compound annual growth rates (CAGR) instead")
    elif not sel.markets:
        near_zh, near_en = ["图谱中没有相关的市场数据"], ["the graph holds no market figures for this"]
    zh = f"报告未给出{asked_zh}" + ("；" + "；".join(near_zh) if near_zh else "") + "。"
    en = f"The report does not state the {asked_en}" + ("; " + "; ".join(near_en) if near_en else "") + "."
    if sel.reason == "segment" and not frame.segments and not cov.get("segments") and sel.markets:
        # 'Which segment is largest?' of a report that gives no segment figures: say that, not 'no market size'
        mk_zh = "、".join(ctx.label(m, "zh") for m in sel.markets)
        mk_en = ", ".join(ctx.label(m, "en") for m in sel.markets)
        zh = f"报告未按细分市场给出{mk_zh}{metric_zh}的数据" + ("；" + "；".join(near_zh) if near_zh else "") + "。"
        en = f"The report does not break the {mk_en} {metric_en} down by segment" + \
            ("; " + "; ".join(near_en) if near_en else "") + "."
    return not_found(frame, zh, en, ctx=ctx, family=NAME, interpretation=_interp(frame, ctx, sel.metric))


def _interp(frame, ctx, metric):
    from ..common import interpret
    return interpret(frame, ctx, metric)


def chart_hint(frame: Frame, ctx: Context, markets=()) -> list[dict]:
    """Charts whose period covers an asked year the text has no figure for."""
    if not frame.years:
        return []
    from .. import queries as Q
    from ingest.text import squash
    names = [squash(l) for r in frame.regions for l in ctx.lex.entities[r].aliases] if frame.regions else []
    reports = sorted({rep for m in markets for rep in ctx.lex.reports_of.get(m, ())})
    from ..common import MAX_REPORTS_LISTED
    if len(reports) > MAX_REPORTS_LISTED:      # a hint, not worth a query per report of a crowded market
        return []
    out = []
    for r in [x for rep in reports for x in ctx.claims(Q.CHARTS, rep)]:
        if "start" in r and all(r["start"] <= y <= r["end"] for y in frame.years) and \
                (not names or any(n in squash(r["title"]) for n in names)):
            out.append(r)
    return out


CUR_NAMES = {"zh": {"USD": "美元", "CNY": "人民币", "TWD": "新台币", "EUR": "欧元"}}
SCALE_NAMES = {"zh": {12: "万亿", 11: "千亿", 10: "百亿", 9: "十亿", 8: "亿", 6: "百万", 4: "万"},
               "en": {12: "trillion", 9: "billion", 6: "million", 3: "thousand"}}


def converted(f, unit, lang: str) -> str | None:
    """The figure in the scale the question asked for ('in RMB billion', '多少万亿元'); no currency conversion."""
    cur, mult = unit
    if f.percent or not f.currency or (cur and cur != f.currency):
        return None
    from ..common import CUR_EN, CUR_ZH, _precise
    v = _precise(f.norm / 10 ** mult, 4)
    if lang == "zh":
        return f"{v}{SCALE_NAMES['zh'].get(mult, '')}{CUR_ZH.get(f.currency, '')}"
    return f"{CUR_EN.get(f.currency, f.currency)} {v} {SCALE_NAMES['en'].get(mult, '')}".strip()
