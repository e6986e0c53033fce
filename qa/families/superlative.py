"""Superlative and ranking: 'Which segment was the largest globally in 2024?', '2024年中国哪个细分市场规模最大？',
'Rank the segments by size'. A selection among stated figures, so the status stays answered."""
from __future__ import annotations

import re

from ..common import Context, build, written
from ..resolve import cagr_select
from ..frame import Frame
from ..resolve import select

NAME = "superlative"
CUES = {"zh": ["最大", "最小", "最高", "最低", "排名", "排序", "领先", "第一", "哪个细分", "哪一个", "最快", "第二大", "第三大",
               "三大", "大到小", "小到大", "排列"],
        "en": ["largest", "biggest", "smallest", "highest", "lowest", "top", "leading", "rank", "ranking", "order by",
               "which segment", "which region", "fastest", "quickest", "second-largest", "second largest",
               "third-largest", "third largest", "sort"]}
ORDINAL = re.compile(r"第\s*([二三四五六七八九])\s*(?:大|小|高|低)|排名第\s*([二三四五六七八九\d])|(second|third|fourth|fifth|"
                     r"2nd|3rd|4th|5th)[- ](?:largest|biggest|smallest|highest|lowest)", re.I)
_NTH = {"二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "second": 2, "third": 3, "fourth": 4,
        "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
EXAMPLES = ["2024年中国哪个细分市场规模最大？", "Which segment was the largest globally in 2024?", "Rank the segments in China in 2024."]
SMALL = ("最小", "最低", "smallest", "lowest")


def matches(frame: Frame, ctx: Context) -> bool:
    return "superlative" in frame.cues


FASTEST = re.compile(r"fastest|quickest|增长最快|增速最快|最快|成长最快|grows? (?:the )?fastest|highest (?:cagr|growth)", re.I)


def answer(frame: Frame, ctx: Context):
    lang = frame.lang
    if FASTEST.search(frame.text):
        return fastest(frame, ctx)
    by_region = bool(re.search(r"地区|区域|国家|region|countr", frame.text.lower()))
    if by_region:
        sel = select(frame, ctx, regions=[], default_global=False)
        figs = [f for f in sel.figs if not f.region.endswith("region-global")]
    else:
        sel = select(frame, ctx, any_segment=True)
        figs = [f for f in sel.figs if f.segment]
    if not frame.years and figs:
        actual = [f.year for f in figs if f.status == "actual"]
        year = max(actual) if actual else min(f.year for f in figs)
        figs = [f for f in figs if f.year == year]
    groups: dict[tuple, list] = {}
    for f in figs:
        groups.setdefault((f.report, f.market), []).append(f)
    if by_region:
        countries = bool(re.search(r"国家|countr", frame.text.lower()))
        groups = {k: peers(g, ctx, countries) for k, g in groups.items()}
        figs = [f for g in groups.values() for f in g]
    if len(groups) > 1:
        # several reports / markets: rank within each, never across
        parts = [answer_group(frame, ctx, g, by_region) for g in groups.values() if len(g) >= 2]
        if parts:
            zh = "多份报告可以回答：" + " ".join(p[0] for p in parts)
            en = "Several reports answer this: " + " ".join(p[1] for p in parts)
            return build(frame, ctx, status="answered", zh=zh, en=en, figs=[f for g in groups.values() for f in g],
                         family=NAME)
    if len(figs) < 2:
        from .lookup import explain_missing
        sel.reason = sel.reason or "segment"
        return explain_missing(frame, ctx, sel)
    zh, en = answer_group(frame, ctx, figs, by_region)
    small = any(w in frame.text.lower() for w in SMALL)
    ranked = sorted(figs, key=lambda f: f.norm, reverse=not small)
    return build(frame, ctx, status="answered", zh=zh, en=en, figs=ranked, family=NAME)


def peers(figs, ctx: Context, countries: bool = False) -> list:
    """The regions to rank against each other: one figure per region (a figure stated twice counts once),
    and regions of one level: the broadest ones when there are several ('North America' and 'Europe', not
    'the US' within them), else the parts of the one broadest region ('华东', '华南' within '中国'). Asked
    which country, the countries (regions with an ISO code) when the report states two or more."""
    if countries:
        coded = [f for f in figs if (e := ctx.lex.entities.get(f.region)) and e.code]
        if len({f.region for f in coded}) >= 2:
            figs = coded
    seen, distinct = set(), []
    for f in figs:
        if f.region not in seen:
            seen.add(f.region)
            distinct.append(f)
    regions = {f.region for f in distinct}
    up = {r: ctx.lex.ancestors(r) & regions for r in regions}
    roots = [f for f in distinct if not up[f.region]]
    if len(roots) != 1:
        return roots or distinct
    parts = [f for f in distinct if up[f.region] == {roots[0].region}]
    return parts if len(parts) >= 2 else distinct


def answer_group(frame: Frame, ctx: Context, figs, by_region: bool) -> tuple[str, str]:
    small = any(w in frame.text.lower() for w in SMALL)
    ranked = sorted(figs, key=lambda f: f.norm, reverse=not small)
    m = ORDINAL.search(frame.text)
    nth = _NTH.get((m.group(1) or m.group(2) or m.group(3) or "").lower()) or \
        (int(m.group(2)) if m and m.group(2) and m.group(2).isdigit() else 1) if m else 1
    nth = nth if nth <= len(ranked) else 1
    top = ranked[nth - 1]
    name_zh = ctx.label(top.segment, "zh") if not by_region else ctx.label(top.region, "zh")
    name_en = ctx.label(top.segment, "en") if not by_region else ctx.label(top.region, "en")
    order_zh = " > ".join(f"{ctx.label(f.segment if not by_region else f.region, 'zh')}（{written(f, 'zh')}）" for f in ranked) \
        if not small else " < ".join(f"{ctx.label(f.segment if not by_region else f.region, 'zh')}（{written(f, 'zh')}）" for f in ranked)
    order_en = ", ".join(f"{ctx.label(f.segment if not by_region else f.region, 'en')} ({written(f, 'en')})" for f in ranked)
    where_zh = f"{top.year}年{ctx.label(top.region, 'zh') if not by_region else ''}"
    reg_en = ctx.label(top.region, "en")
    where_en = f"the market in {top.year}" if by_region else \
        f"the {reg_en.lower() if reg_en == 'Global' else reg_en} market in {top.year}"
    word_zh, word_en = ("最小", "smallest") if small else ("最大", "largest")
    if nth > 1:      # '第二大的细分市场', 'the second-largest segment'
        word_zh = f"第{'二三四五六七八九'[nth - 2]}{word_zh[-1]}"
        word_en = f"{['second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'][nth - 2]}-{word_en}"
    zh = f"{where_zh}{ctx.label(top.market, 'zh')}规模{word_zh}的是{name_zh}，为{written(top, 'zh')}。排序：{order_zh}。"
    noun = ("country" if re.search(r"国家|countr", frame.text.lower()) else "region") if by_region else "segment"
    en = (f"The {word_en} {noun} {'in' if by_region else 'of'} {where_en.replace(' market', ' ' + ctx.label(top.market, 'en') + ' market')} "
          f"is {name_en} at {written(top, 'en')}. Ranking: {order_en}.")
    return zh, en


def fastest(frame: Frame, ctx: Context):
    """'Which region will grow fastest?': rank the stated CAGRs (regions, or segments when asked)."""
    by_segment = bool(re.search(r"segment|细分", frame.text, re.I))
    figs = cagr_select(frame.copy(segments=[] if not by_segment else frame.segments), ctx, regions=frame.regions).figs
    if not frame.regions:
        figs = [f for c in [cagr_select(frame, ctx, regions=[r]) for r in _cagr_regions(frame, ctx)] for f in c.figs]
    figs = [f for f in figs if bool(f.segment) == by_segment]
    if len(figs) < 2:
        from .cagr import _no_cagr
        return _no_cagr(frame, ctx)
    ranked = sorted(figs, key=lambda f: -f.value)
    top = ranked[0]
    name = lambda f, l: ctx.label(f.segment if by_segment else f.region, l)  # noqa: E731
    p = f"{top.period[0]}-{top.period[1]}"
    zh = (f"{ctx.label(top.market, 'zh')}市场增长最快的是{name(top, 'zh')}，{p}年年复合增长率为{written(top, 'zh')}。排序："
          + " > ".join(f"{name(f, 'zh')}（{written(f, 'zh')}）" for f in ranked) + "。")
    en = (f"The fastest-growing {'segment' if by_segment else 'region'} of the {ctx.label(top.market, 'en')} market is "
          f"{name(top, 'en')}, at a {p} CAGR of {written(top, 'en')}. Ranking: "
          + ", ".join(f"{name(f, 'en')} ({written(f, 'en')})" for f in ranked) + ".")
    return build(frame, ctx, status="answered", zh=zh, en=en, figs=ranked, family=NAME)


def _cagr_regions(frame: Frame, ctx: Context) -> list[str]:
    from kg.namespaces import METRIC_CAGR
    regions = set()
    for m in ctx.markets_for(frame, METRIC_CAGR):
        regions.update(f.region for f in ctx.cagrs(market=m, metric=METRIC_CAGR))
    return sorted(regions)
