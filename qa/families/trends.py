"""Trends the report states: '行业有什么趋势？', 'What trends does the report see?'."""
from __future__ import annotations

from .. import queries as Q
from ..common import Context, build, cite_row, not_found

NAME = "trends"
CUES = {"zh": ["趋势", "转变", "发展方向", "走向"], "en": ["trend", "trends", "shift", "shifting", "direction", "transition"]}
EXAMPLES = ["行业有什么发展趋势？", "What trends does the report describe?"]


def matches(frame, ctx: Context) -> bool:
    return "trends" in frame.cues and "drivers" not in frame.cues


def answer(frame, ctx: Context):
    rows = ctx.select_reports(Q.TRENDS, frame)
    if rows is None:
        from ..core import ask_which_market
        return ask_which_market(frame, ctx)
    if not rows:
        return not_found(frame, "报告没有描述行业趋势。", "The report describes no trends.", ctx=ctx, family=NAME)
    zh = "报告指出的趋势：" + "；".join(r["text"] for r in rows)
    en = "The report describes this trend: " + " ".join(f"“{r['text']}”" for r in rows)
    return build(frame, ctx, status="answered", zh=zh, en=en, values=[], extra_citations=[cite_row(r) for r in rows],
                 family=NAME)
