"""Rates with bounds: penetration, growth rate, stated shares. 'AI智能设备渗透率在2024年是多少？',
'What was AI smart device penetration in 2020?' ("不足 1%" stays "less than 1%")."""
from __future__ import annotations

import re

from kg.namespaces import METRIC_CAGR, METRIC_GROWTH, METRIC_MARKET_SIZE

from ..common import Context
from ..frame import Frame
from ..resolve import select
from .lookup import explain_missing, phrase_figures

NAME = "rate"
CUES = {"zh": ["渗透率", "比率"], "en": ["rate", "penetration"]}
EXAMPLES = ["AI智能设备渗透率在2024年是多少？", "What was AI smart device penetration in 2020?"]


YOY = re.compile(r"同比|较上年|较去年|年增率|年增长率|year[- ]over[- ]year|year[- ]on[- ]year|\byoy\b|over the previous year|"
                 r"from the previous year|last year", re.I)
THROUGH = re.compile(r"(?:到|至|through|to|by|until|till)\s*(?:19|20)\d{2}", re.I)


def _over_years(frame: Frame) -> bool:
    """Growth asked over years ('growth through 2030', '2024到2030年增速'), which a CAGR answers; not one
    year's growth ('2024年同比增长', 'YoY growth in 2024'), which it does not."""
    if YOY.search(frame.text):
        return False
    return not (len(frame.years) == 1 and not frame.period and not THROUGH.search(frame.text))


def rate_metric(frame: Frame) -> str | None:
    return next((m for m in frame.metrics if m not in (METRIC_MARKET_SIZE, METRIC_CAGR)), None)


def matches(frame: Frame, ctx: Context) -> bool:
    return rate_metric(frame) is not None


def answer(frame: Frame, ctx: Context):
    metric = rate_metric(frame)
    sel = select(frame, ctx, metric=metric, any_segment=bool(frame.segments))
    if not sel.figs:
        if metric == METRIC_GROWTH and _over_years(frame):
            # "the growth rate through 2030": the report states growth as a CAGR
            from . import cagr
            alt = cagr.answer(frame.copy(metrics=[METRIC_CAGR], years=[]), ctx)
            if alt is not None and alt.status != "not_found":
                return alt
        return None if metric and "share" in metric else explain_missing(frame, ctx, sel)
    return phrase_figures(frame, ctx, sel.figs, NAME)
