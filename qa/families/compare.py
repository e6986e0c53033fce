"""Compare two: 'Compare cloud and edge inference in China in 2024.', '2024年中国和全球哪个更大？'.
Both stated figures, which is larger, by how much and how many times (the difference is derived)."""
from __future__ import annotations

import re

from ..answer import Value
from ..common import Context, build, scaled, written
from ..frame import Frame
from ..resolve import select

NAME = "compare"
CUES = {"zh": ["比较", "对比", "相比", "哪个大", "哪个更大", "谁更大", "差距", "相差", "孰大", "差多少", "相差多少"],
        "en": ["compare", "comparison", "versus", "vs", "bigger than", "larger than", "smaller than", "difference between"]}
EXAMPLES = ["Compare 800G and 400G transceivers in 2024.", "2024年全球腔镜和骨科手术机器人市场相比哪个更大？"]


PAIR = re.compile(r"两者|二者|这两个|两个数|两项|both|the two|between them|each other", re.I)


def _from_conversation(frame: Frame, ctx: Context):
    """'两者相差多少？' after two answers; 'How does that compare with 2024?' after one."""
    if PAIR.search(frame.text) and len(ctx.history) >= 2 and len(ctx.history[-1]) == 1 and len(ctx.history[-2]) == 1:
        return [ctx.history[-2][0], ctx.history[-1][0]]
    if frame.refers_back and len(ctx.previous_figs) == 1 and len(frame.years) == 1:
        prev = ctx.previous_figs[0]
        same = [f for f in ctx.figures(market=prev.market, metric=prev.metric, region=prev.region or None, year=frame.years[0])
                if f.segment == prev.segment and f.region == prev.region]   # (a figure placed nowhere: only its like)
        if same and same[0].obs != prev.obs:
            return [prev, same[0]]
    return None


def matches(frame: Frame, ctx: Context) -> bool:
    if ("compare" in frame.cues or "growth" in frame.cues) and _from_conversation(frame, ctx):
        return True
    two = len(frame.segments) >= 2 or len(frame.regions) >= 2 or len(frame.markets) >= 2
    return two and ("compare" in frame.cues or "superlative" in frame.cues or len(frame.years) <= 1)


def answer(frame: Frame, ctx: Context):
    lang = frame.lang
    pair = _from_conversation(frame, ctx) if ("compare" in frame.cues or "growth" in frame.cues) else None
    if pair:
        return _phrase(frame, ctx, sorted(pair, key=lambda f: -f.norm))
    sel = select(frame, ctx, default_global=len(frame.regions) < 2)
    figs = sel.figs
    if len(frame.segments) >= 2 and not frame.regions:
        glob = [f for f in figs if f.region.endswith("region-global")]
        figs = glob or figs
    if frame.years == [] and figs:
        latest = max(f.year for f in figs if f.status == "actual") if any(f.status == "actual" for f in figs) else figs[0].year
        figs = [f for f in figs if f.year == latest]
    if len(figs) < 2:
        from .lookup import explain_missing
        return explain_missing(frame, ctx, sel)
    figs = sorted(figs, key=lambda f: -f.norm)[:2] if len(figs) > 2 and len(frame.segments) < 3 and len(frame.regions) < 3 else sorted(figs, key=lambda f: -f.norm)
    return _phrase(frame, ctx, figs)


def _phrase(frame: Frame, ctx: Context, figs):
    lang = frame.lang
    a, b = figs[0], figs[1]
    if a.currency != b.currency or a.percent != b.percent:
        return None
    diff = (a.norm - b.norm) / 10 ** a.mult if not a.percent else a.value - b.value
    ratio = a.norm / b.norm if b.norm else float("inf")
    listing_zh = "；".join(f"{ctx.describe(f, 'zh')}为{written(f, 'zh')}" for f in figs)
    listing_en = "; ".join(f"{ctx.describe(f, 'en')}: {written(f, 'en')}" for f in figs)
    unit = a.unit
    from .share import same_unit
    av, bv = same_unit(a, a), same_unit(b, a)
    formula = f"{av} - {bv} = {diff:,.10g}; {av} / {bv} = {ratio:.2f}"
    zh = (f"{listing_zh}。{ctx.label(a.segment or a.region, 'zh') if a.segment else ctx.describe(a, 'zh')}更大，"
          f"高出{scaled(diff, a.currency, a.mult, unit, 'zh') if not a.percent else f'{diff:.1f}个百分点'}，约为后者的{ratio:.2f}倍"
          f"（计算值：{formula}）。")
    en = (f"{listing_en}. The {ctx.label(a.segment, 'en') if a.segment else ctx.describe(a, 'en')} is larger by "
          f"{scaled(diff, a.currency, a.mult, unit, 'en') if not a.percent else f'{diff:.1f} percentage points'}, "
          f"about {ratio:.2f} times the other (computed: {formula}).")
    vals = [ctx.value_of(f, lang) for f in figs] + [Value(label="difference", value=round(diff, 2), unit=unit if not a.percent else "pp",
                                                          year=a.year, status="derived"),
                                                    Value(label="ratio", value=round(ratio, 2), unit="x", year=a.year, status="derived")]
    return build(frame, ctx, status="derived", zh=zh, en=en, figs=figs, values=vals, family=NAME, formula=formula)
