"""Share of a total: a segment of its region's market, a region of the global market, or 'that' figure of
another ('What share of the global edge market is that?'). Stated shares are answered as stated;
computed ones are derived and cite both figures."""
from __future__ import annotations

import re

from kg.namespaces import METRIC_MARKET_SIZE, METRIC_SHARE, REGION_GLOBAL

from ..answer import Value
from ..common import Context, Fig, build, fmt_number, written
from ..frame import Frame
from ..resolve import select
from .lookup import explain_missing, phrase_figures

WHOLE = re.compile(r"total|whole|entire|overall|整体|总体|总规模|全部|整个", re.I)
NAME = "share"
CUES = {"zh": ["占", "比例", "比重", "份额", "占比", "百分之几"],
        "en": ["share", "proportion", "percentage of", "percent of", "fraction of", "portion"]}
EXAMPLES = ["2024年全球骨科手术机器人占整体市场的比例是多少？", "What share of the global AI inference chip market was China in 2024?"]


def matches(frame: Frame, ctx: Context) -> bool:
    return "share" in frame.cues or METRIC_SHARE in frame.metrics


def answer(frame: Frame, ctx: Context):
    lang = frame.lang
    # a share the report states
    stated = select(frame, ctx, metric=METRIC_SHARE, any_segment=bool(frame.segments), default_global=False)
    if stated.figs and not frame.refers_back:
        if len(stated.figs) >= 2 and "compare" in frame.cues:      # '份额相差多少个百分点'
            from .compare import _phrase
            return _phrase(frame, ctx, sorted(stated.figs, key=lambda f: -f.norm)[:2])
        return phrase_figures(frame, ctx, stated.figs, NAME)
    part, whole = _part_and_whole(frame, ctx)
    if part is None or whole is None:
        sel = select(frame, ctx, any_segment=True)
        sel.reason = sel.reason or "no_figures"
        return explain_missing(frame, ctx, sel) if not sel.figs else None
    if part.currency != whole.currency or whole.norm == 0:
        return None
    share = part.norm / whole.norm * 100
    dec = 2 if share < 1 else 1
    formula = f"{same_unit(part, whole)} / {same_unit(whole, whole)} = {share:.{dec}f}%"
    zh = (f"{ctx.describe(part, 'zh')}为{written(part, 'zh')}，占{ctx.describe(whole, 'zh')}（{written(whole, 'zh')}）的"
          f"约{fmt_number(share, dec)}%（计算值：{formula}）。")
    en = (f"The {ctx.describe(part, 'en')} ({written(part, 'en')}) is about {fmt_number(share, dec)}% of the "
          f"{ctx.describe(whole, 'en')} ({written(whole, 'en')}) (computed: {formula}).")
    v = Value(label="share", value=round(share, dec), unit="%", year=part.year, region=ctx.label(part.region, lang),
              segment=ctx.label(part.segment, lang) if part.segment else None, market=ctx.label(part.market, lang),
              status="derived")
    return build(frame, ctx, status="derived", zh=zh, en=en, figs=[part, whole],
                 values=[v, ctx.value_of(part, lang), ctx.value_of(whole, lang)], family=NAME, formula=formula)


def _part_and_whole(frame: Frame, ctx: Context) -> tuple[Fig | None, Fig | None]:
    prev = ctx.previous
    if frame.refers_back and prev is not None and prev.values and getattr(ctx, "previous_figs", None):
        part = ctx.previous_figs[0]
        regions = frame.regions or [REGION_GLOBAL]
        segs = frame.segments or ([part.segment] if part.segment else [])
        if part.segment and set(frame.segments) <= {part.segment} and \
                (set(regions) == {part.region} or WHOLE.search(frame.text)):
            segs = []          # 'What share of the global total is that?' of a global segment: of the market
        sel = select(frame, ctx, metric=METRIC_MARKET_SIZE, years=[part.year] if part.year else frame.years,
                     regions=regions, segments=segs)
        whole = next((f for f in sel.figs if f.obs != part.obs), None)
        return part, whole
    years = frame.years
    if len(frame.markets) >= 2:
        # one market as a share of another ('手术机器人占医疗器械市场的比例'): the larger is the whole
        figs = []
        for m in frame.markets[:2]:
            sel = select(frame.copy(markets=[m], segments=[]), ctx, metric=METRIC_MARKET_SIZE)
            figs.append(sel.figs[0] if sel.figs else None)
        if None in figs:
            return None, None
        return tuple(sorted(figs, key=lambda f: f.norm))
    if frame.segments and len(frame.regions) >= 2:
        # the same segment in two regions ('中国直流快充桩占全球直流快充桩的比例'): the larger region is the whole
        figs = select(frame, ctx, metric=METRIC_MARKET_SIZE).figs
        by_region = {f.region: f for f in figs}
        if len(by_region) >= 2:
            part, whole = sorted(by_region.values(), key=lambda f: f.norm)[:2][0], max(by_region.values(), key=lambda f: f.norm)
            return part, whole
    if frame.segments:
        sel = select(frame, ctx, metric=METRIC_MARKET_SIZE)
        if not sel.figs:
            return None, None
        part = sel.figs[0]
        tot = select(frame, ctx, metric=METRIC_MARKET_SIZE, segments=[], regions=[part.region],
                     years=[part.year] if part.year else years)
        return part, (tot.figs[0] if tot.figs else None)
    non_global = [r for r in frame.regions if r != REGION_GLOBAL]
    if non_global:
        sel = select(frame, ctx, metric=METRIC_MARKET_SIZE, regions=non_global[:1])
        if not sel.figs:
            return None, None
        actual = [f for f in sel.figs if f.status == "actual"]
        part = (actual or sel.figs)[-1] if not years else sel.figs[0]     # no year asked: the latest actual
        tot = select(frame, ctx, metric=METRIC_MARKET_SIZE, regions=[REGION_GLOBAL], years=[part.year])
        return part, (tot.figs[0] if tot.figs else None)
    return None, None


def same_unit(f: Fig, ref: Fig) -> str:
    """f's value written in ref's unit, so a formula never mixes 万亿 and 亿."""
    if f.mult == ref.mult:
        return f.value_text
    return f"{f.norm / 10 ** ref.mult:,.10g}"
