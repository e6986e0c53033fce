"""Difference, ratio and growth multiple between years: '2030年全球市场规模是2024年的多少倍？',
'How much will the China market grow from 2024 to 2030?'. Always derived, citing both figures."""
from __future__ import annotations

import re

from ..answer import Value
from ..common import Context, build, scaled, written
from ..frame import Frame
from ..resolve import select

NAME = "growth"
CUES = {"zh": ["倍", "增长了多少", "增加了多少", "增长多少", "增加多少", "翻了", "变化", "成长多少", "成长了多少", "多出多少",
               "增长了", "成长了"],
        "en": ["times", "multiple", "fold", "factor", "grow by", "increase by", "how much will", "how much did", "change",
               "growth between", "grow from", "increase from"]}
EXAMPLES = ["2030年全球手术机器人市场规模是2024年的多少倍？", "How much will the China AI inference chip market grow from 2024 to 2030?"]


def _years(frame: Frame) -> list[int]:
    if frame.period:
        return list(frame.period)
    return frame.years


def matches(frame: Frame, ctx: Context) -> bool:
    return "growth" in frame.cues and len(set(_years(frame))) >= 2


def answer(frame: Frame, ctx: Context):
    ys = _years(frame)
    sel = select(frame, ctx, years=ys[:2])
    by = {}
    for f in sel.figs:
        by.setdefault((f.report, f.market, f.region, f.segment), {})[f.year] = f
    early, late = sorted(ys[:2])
    for pair in by.values():
        if early in pair and late in pair:
            a, b = pair[early], pair[late]
            break
    else:
        from .lookup import explain_missing
        sel.reason = sel.reason or "year"
        return explain_missing(frame, ctx, sel)
    lang = frame.lang
    ratio = b.norm / a.norm
    diff = (b.norm - a.norm) / 10 ** a.mult
    formula = f"{b.value_text} / {a.value_text} = {ratio:.2f}; {b.value_text} - {a.value_text} = {diff:,.10g}"
    times = bool(re.search(r"倍|times|multiple|fold", frame.text.lower()))
    zh_main = (f"{late}年{ctx.label(b.region, 'zh')}{ctx.label(b.segment or b.market, 'zh')}市场规模（{written(b, 'zh')}）是"
               f"{early}年（{written(a, 'zh')}）的{ratio:.2f}倍，增加{scaled(diff, a.currency, a.mult, a.unit, 'zh')}")
    en_main = (f"The {ctx.label(b.region, 'en')} {ctx.label(b.segment or b.market, 'en')} market in {late} ({written(b, 'en')}) is "
               f"{ratio:.2f} times its {early} size ({written(a, 'en')}), an increase of {scaled(diff, a.currency, a.mult, a.unit, 'en')}")
    zh = f"{zh_main}（计算值：{formula}）。"
    en = f"{en_main} (computed: {formula})."
    vals = [Value(label="multiple" if times else "increase", value=round(ratio, 2) if times else round(diff, 2),
                  unit="x" if times else a.unit, status="derived", period=[early, late]),
            Value(label="increase" if times else "multiple", value=round(diff, 2) if times else round(ratio, 2),
                  unit=a.unit if times else "x", status="derived", period=[early, late]),
            ctx.value_of(a, lang), ctx.value_of(b, lang)]
    return build(frame, ctx, status="derived", zh=zh, en=en, figs=[a, b], values=vals, family=NAME, formula=formula)
