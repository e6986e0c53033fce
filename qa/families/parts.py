"""Sums of the segments a question names and complements of what it excludes: '云端和边缘加起来2024年全球多少？'
(cloud + edge), 'What was the non-cloud global market in 2024?' (total − cloud), '2030年全球除中国以外的市场规模'
(global − China). Always derived, with the formula and every figure used cited; a part the report does not give
makes the answer not_found, never the whole market's figure."""
from __future__ import annotations

from kg.namespaces import METRIC_CAGR, METRIC_MARKET_SIZE, REGION_GLOBAL

from ..answer import Value
from ..common import Context, build, fmt_number, not_found, scaled
from ..frame import Frame
from ..resolve import select

NAME = "parts"
# asking for a sum ('加起来', 'combined') — a check of a sum against its total is the consistency family's
SUM_CUES = {"zh": ["加起来", "加总", "合计", "总和", "之和", "相加", "一共", "总共", "合起来"],
            "en": ["combined", "together", "sum of", "in total", "add up", "total of"]}
CHECK_WORDS = ("是否等于", "一致", "吻合", "核对", "校验", "consistent", "match", "reconcile", "check", "add up to")
CUES = {"zh": SUM_CUES["zh"], "en": SUM_CUES["en"]}
EXAMPLES = ["云端和边缘加起来2024年全球多少？", "What was the non-cloud global market in 2024?",
            "2030年全球除中国以外的市场规模"]


def _sum_asked(frame: Frame) -> bool:
    low = frame.text.lower()
    return any(c in low for c in SUM_CUES["zh"] + SUM_CUES["en"]) and not any(w in low for w in CHECK_WORDS)


def matches(frame: Frame, ctx: Context) -> bool:
    if frame.negated:
        return bool(frame.negated_segments or frame.negated_regions)
    return _sum_asked(frame) and len(frame.segments) >= 2


def answer(frame: Frame, ctx: Context):
    if frame.negated:
        return _complement(frame, ctx)
    return _sum(frame, ctx)


def _one(frame: Frame, ctx: Context, **kw):
    """The figures per (report, market, region, year) for the slots given; None when the report lacks one."""
    sel = select(frame, ctx, **kw)
    return sel.figs


def _sum(frame: Frame, ctx: Context):
    lang = frame.lang
    parts = []
    for seg in frame.segments:
        figs = _one(frame, ctx, segments=[seg])
        if not figs:
            return not_found(frame, f"报告未给出{ctx.label(seg, 'zh')}的数据，无法加总。",
                             f"The report gives no figure for {ctx.label(seg, 'en')}, so there is nothing to add up.",
                             ctx=ctx, family=NAME)
        parts.append(figs)
    # the same report, region, year and unit for every part
    keys = set.intersection(*[{(f.report, f.region, f.year, f.unit, f.mult) for f in figs} for figs in parts])
    if not keys:
        return not_found(frame, "报告没有给出这些细分市场同一年、同一地区的数据。",
                         "The report gives these segments for no common year and region.", ctx=ctx, family=NAME)
    key = sorted(keys, key=lambda k: (k[1] != REGION_GLOBAL, -(k[2] or 0)))[0] if not frame.years else \
        sorted(keys, key=lambda k: k[1] != REGION_GLOBAL)[0]
    used = [next(f for f in figs if (f.report, f.region, f.year, f.unit, f.mult) == key) for figs in parts]
    total = sum(f.value for f in used)
    formula = " + ".join(f.value_text for f in used) + f" = {fmt_number(total)}"
    names_zh = "、".join(ctx.label(f.segment, "zh") for f in used)
    names_en = " + ".join(ctx.label(f.segment, "en") for f in used)
    where_zh = f"{key[2] or ''}年{ctx.label(key[1], 'zh')}"
    where_en = f"{ctx.label(key[1], 'en')} {key[2] or ''}".strip()
    unit = used[0].unit
    f0 = used[0]
    zh = f"{where_zh}{names_zh}合计为{scaled(total, f0.currency, f0.mult, unit, 'zh')}（计算值：{formula}）。"
    en = f"{where_en}: {names_en} together come to {scaled(total, f0.currency, f0.mult, unit, 'en')} (computed: {formula})."
    vals = [Value(label="sum", value=round(total, 6), unit=unit, year=key[2], region=ctx.label(key[1], lang),
                  status="derived", text=scaled(total, f0.currency, f0.mult, unit, lang))] + [ctx.value_of(f, lang) for f in used]
    return build(frame, ctx, status="derived", zh=zh, en=en, values=vals, figs=used, family=NAME, formula=formula)


def _complement(frame: Frame, ctx: Context):
    if METRIC_CAGR in frame.metrics:
        return _complement_cagr(frame, ctx)
    lang = frame.lang
    if frame.negated_segments:
        whole = _one(frame, ctx, segments=[])
        part = _one(frame, ctx, segments=frame.negated_segments[:1])
        key = lambda f: (f.report, f.region, f.year, f.unit, f.mult)         # noqa: E731
        what_zh, what_en = ctx.label(frame.negated_segments[0], "zh"), ctx.label(frame.negated_segments[0], "en")
    else:
        kept = [r for r in frame.regions if r not in frame.negated_regions] or [REGION_GLOBAL]
        if REGION_GLOBAL in kept:
            kept = [REGION_GLOBAL]
        whole = _one(frame, ctx, regions=kept[:1])
        part = _one(frame, ctx, regions=frame.negated_regions[:1])
        key = lambda f: (f.report, f.segment, f.year, f.unit, f.mult)        # noqa: E731
        what_zh, what_en = ctx.label(frame.negated_regions[0], "zh"), ctx.label(frame.negated_regions[0], "en")
    pairs = [(w, p) for w in whole for p in part if key(w) == key(p) and w.obs != p.obs]
    if not pairs:
        return not_found(frame, f"报告没有给出可以扣除{what_zh}的数据（同一年份的总额与{what_zh}）。",
                         f"The report does not give the figures to take {what_en} out of (the total and {what_en} "
                         "for the same year).", ctx=ctx, family=NAME)
    if frame.years:
        pairs = [(w, p) for w, p in pairs if w.year in frame.years]
        if not pairs:
            return not_found(frame, f"报告没有给出{'、'.join(map(str, frame.years))}年可以扣除{what_zh}的数据。",
                             f"The report gives no figures for {', '.join(map(str, frame.years))} to take {what_en} "
                             "out of.", ctx=ctx, family=NAME)
    w, p = sorted(pairs, key=lambda wp: -(wp[0].year or 0))[0]
    rest = w.value - p.value
    formula = f"{w.value_text} - {p.value_text} = {fmt_number(rest)}"
    whole_zh = f"{w.year or ''}年{ctx.label(w.region, 'zh')}{ctx.label(w.segment or w.market, 'zh')}"
    whole_en = f"the {ctx.label(w.region, 'en')} {ctx.label(w.segment or w.market, 'en')} market in {w.year or ''}".strip()
    zh = f"{whole_zh}扣除{what_zh}后为{scaled(rest, w.currency, w.mult, w.unit, 'zh')}（计算值：{formula}）。"
    en = f"Excluding {what_en}, {whole_en} comes to {scaled(rest, w.currency, w.mult, w.unit, 'en')} (computed: {formula})."
    vals = [Value(label="complement", value=round(rest, 6), unit=w.unit, year=w.year, region=ctx.label(w.region, lang),
                  status="derived", text=scaled(rest, w.currency, w.mult, w.unit, lang)), ctx.value_of(w, lang), ctx.value_of(p, lang)]
    return build(frame, ctx, status="derived", zh=zh, en=en, values=vals, figs=[w, p], family=NAME, formula=formula)


def _complement_cagr(frame: Frame, ctx: Context):
    """'the rest of the world (global excluding China)' from 2024 to 2030: the CAGR the complements' sizes at
    the period's ends imply — a rate cannot be subtracted."""
    lang = frame.lang
    years = list(frame.period) if frame.period else sorted(frame.years)[:2]
    if len(years) != 2 or not frame.negated_regions:
        return not_found(frame, "报告没有给出扣除后的年复合增长率，也没有可以推算它的首末年数据。",
                         "The report states no CAGR with that exclusion, nor the start and end figures to imply one.",
                         ctx=ctx, family=NAME)
    base = frame.copy(metrics=[METRIC_MARKET_SIZE], years=years, period=None)
    kept = [r for r in frame.regions if r not in frame.negated_regions] or [REGION_GLOBAL]
    if REGION_GLOBAL in kept:
        kept = [REGION_GLOBAL]            # 'the rest of the world (global excluding China)': the whole is global
    whole = {f.year: f for f in _one(base, ctx, regions=kept[:1], years=years)}
    part = {f.year: f for f in _one(base, ctx, regions=frame.negated_regions[:1], years=years)}
    a, b = years
    if not all(y in whole and y in part and whole[y].unit == part[y].unit for y in (a, b)):
        return not_found(frame, "报告没有给出推算扣除后增长率所需的首末年规模。",
                         "The report does not give the start and end sizes needed to imply that rate.", ctx=ctx,
                         family=NAME)
    ra, rb = whole[a].value - part[a].value, whole[b].value - part[b].value
    if ra <= 0 or rb <= 0:
        return not_found(frame, "扣除后的规模不为正，无法推算增长率。", "The remainder is not positive; no rate follows.",
                         ctx=ctx, family=NAME)
    rate = ((rb / ra) ** (1 / (b - a)) - 1) * 100
    formula = (f"({whole[b].value_text} - {part[b].value_text}) / ({whole[a].value_text} - {part[a].value_text}) = "
               f"{fmt_number(rb)} / {fmt_number(ra)}; ({fmt_number(rb)} / {fmt_number(ra)})^(1/{b - a}) - 1 = {rate:.1f}%")
    what_zh, what_en = ctx.label(frame.negated_regions[0], "zh"), ctx.label(frame.negated_regions[0], "en")
    zh = (f"{a}至{b}年{ctx.label(kept[0], 'zh')}扣除{what_zh}后的市场规模由{fmt_number(ra)}增至{fmt_number(rb)}"
          f"{whole[a].unit}，隐含年复合增长率约为{rate:.1f}%（计算值：{formula}）。")
    en = (f"Excluding {what_en}, the {ctx.label(kept[0], 'en')} market goes from {fmt_number(ra)} to {fmt_number(rb)} "
          f"{whole[a].unit} over {a}-{b}, an implied CAGR of about {rate:.1f}% (computed: {formula}).")
    used = [whole[a], part[a], whole[b], part[b]]
    vals = [Value(label="implied CAGR", value=round(rate, 2), unit="%", status="derived", period=[a, b])] + \
        [ctx.value_of(f, lang) for f in used]
    return build(frame, ctx, status="derived", zh=zh, en=en, values=vals, figs=used, family=NAME, formula=formula)
