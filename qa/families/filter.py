"""Filters over stated figures: 'segments above 2,000 亿元', '哪些细分市场超过500亿元？'."""
from __future__ import annotations

import re

from ..common import Context, build, not_found, written
from ..resolve import select

NAME = "filter"
CUES = {"zh": ["哪些", "有哪些"], "en": ["which", "list", "show"]}
EXAMPLES = ["Which segments are above 2,000 亿元?", "2024年中国哪些细分市场超过400亿元？"]


def matches(frame, ctx: Context) -> bool:
    return frame.threshold is not None


YES_NO = re.compile(r"是否|有没有|是不是|吗[?？]?\s*$|^\s*(?:was|is|were|are|did|does|do|has|have|will)\b", re.I)
LISTING = re.compile(r"哪些|哪几|哪个|细分|which|segments?\b|list|show", re.I)


def answer(frame, ctx: Context):
    op, limit = frame.threshold
    word_zh, word_en = ("超过", "above") if op == "gt" else ("低于", "below")
    if YES_NO.search(frame.text) and not LISTING.search(frame.text) and not frame.segments:
        # 'Was the global market above RMB 600 billion in 2024?': the market's own figure, yes or no
        sel = select(frame, ctx, default_global=not frame.regions)
        totals = [f for f in sel.figs if not f.segment]
        if totals:
            f = totals[0]
            yes = f.norm > limit if op == "gt" else f.norm < limit
            zh = f"{'是' if yes else '否'}：{ctx.describe(f, 'zh')}为{written(f, 'zh')}，{'' if yes else '未'}{word_zh}该数值。"
            en = (f"{'Yes' if yes else 'No'}: the {ctx.describe(f, 'en')} was {written(f, 'en')}, "
                  f"{'' if yes else 'not '}{word_en} that value.")
            return build(frame, ctx, status="answered", zh=zh, en=en, figs=[f], family=NAME)
    sel = select(frame, ctx, any_segment=True, default_global=not frame.regions)
    figs = [f for f in sel.figs if f.segment] or sel.figs
    hits = [f for f in figs if (f.norm > limit if op == "gt" else f.norm < limit)]
    if not hits:
        return not_found(frame, f"没有{word_zh}该数值的细分市场数据。", f"No stated figure is {word_en} that value.", ctx=ctx,
                         family=NAME)
    hits.sort(key=lambda f: -f.norm)
    zh = f"{word_zh}该数值的有：" + "；".join(f"{ctx.describe(f, 'zh')}（{written(f, 'zh')}）" for f in hits) + "。"
    en = f"Stated figures {word_en} that value: " + "; ".join(f"{ctx.describe(f, 'en')} ({written(f, 'en')})" for f in hits) + "."
    return build(frame, ctx, status="answered", zh=zh, en=en, figs=hits, family=NAME)
