"""Filters over stated figures: 'segments above 2,000 亿元', '哪些细分市场超过500亿元？'."""
from __future__ import annotations

from ..common import Context, build, not_found, written
from ..resolve import select

NAME = "filter"
CUES = {"zh": ["哪些", "有哪些"], "en": ["which", "list", "show"]}
EXAMPLES = ["Which segments are above 2,000 亿元?", "2024年中国哪些细分市场超过400亿元？"]


def matches(frame, ctx: Context) -> bool:
    return frame.threshold is not None


def answer(frame, ctx: Context):
    op, limit = frame.threshold
    sel = select(frame, ctx, any_segment=True, default_global=not frame.regions)
    figs = [f for f in sel.figs if f.segment] or sel.figs
    hits = [f for f in figs if (f.norm > limit if op == "gt" else f.norm < limit)]
    word_zh, word_en = ("超过", "above") if op == "gt" else ("低于", "below")
    if not hits:
        return not_found(frame, f"没有{word_zh}该数值的细分市场数据。", f"No stated figure is {word_en} that value.", ctx=ctx,
                         family=NAME)
    hits.sort(key=lambda f: -f.norm)
    zh = f"{word_zh}该数值的有：" + "；".join(f"{ctx.describe(f, 'zh')}（{written(f, 'zh')}）" for f in hits) + "。"
    en = f"Stated figures {word_en} that value: " + "; ".join(f"{ctx.describe(f, 'en')} ({written(f, 'en')})" for f in hits) + "."
    return build(frame, ctx, status="answered", zh=zh, en=en, figs=hits, family=NAME)
