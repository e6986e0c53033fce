"""Estimate for a year between stated ones, from the stated CAGR: 'Estimate the global market in 2026 at the
stated CAGR.' Always derived, with the formula and the figures used."""
from __future__ import annotations

from kg.namespaces import METRIC_MARKET_SIZE

from ..answer import Value
from ..common import Context, build, scaled, written
from ..frame import Frame
from ..resolve import cagr_select, select

NAME = "estimate"
CUES = {"zh": ["估算", "估计", "推算", "按照", "按此", "以此", "大概", "大约"],
        "en": ["estimate", "estimated", "interpolate", "at the stated", "implied", "extrapolate", "approximate",
               "approximately", "roughly", "ballpark"]}
EXAMPLES = ["Estimate the global battery recycling market in 2026 at the stated CAGR.", "按年复合增长率估算2027年中国AI推理芯片市场规模。"]


def matches(frame: Frame, ctx: Context) -> bool:
    return "estimate" in frame.cues and len(frame.years) == 1


def answer(frame: Frame, ctx: Context, *, explicit: bool = True):
    year = frame.years[0]
    stated = select(frame, ctx, metric=METRIC_MARKET_SIZE)
    if stated.figs and explicit:
        from .lookup import phrase_figures
        return phrase_figures(frame, ctx, stated.figs, "lookup")
    cagrs = [c for c in cagr_select(frame.copy(period=None), ctx).figs if c.period[0] <= year <= c.period[1]]
    if not cagrs:
        return None
    c = cagrs[0]
    base_sel = select(frame, ctx, metric=METRIC_MARKET_SIZE, years=[c.period[0]], regions=[c.region])
    base = next((f for f in base_sel.figs if f.market == c.market), None)
    if base is None:
        return None
    n = year - c.period[0]
    value = base.value * (1 + c.value / 100) ** n
    lang = frame.lang
    formula = f"{base.value_text} × (1 + {c.value_text}%)^{n} = {value:,.1f}"
    zh = (f"报告未直接给出{year}年{ctx.label(c.region, 'zh')}{ctx.label(c.market, 'zh')}市场规模。按{c.period[0]}年"
          f"{written(base, 'zh')}及{c.period[0]}-{c.period[1]}年年复合增长率{written(c, 'zh')}推算，{year}年约为"
          f"{scaled(value, base.currency, base.mult, base.unit, 'zh')}（估算值，非报告所述：{formula}）。")
    en = (f"The report does not state the {year} figure. From {written(base, 'en')} in {c.period[0]} at the stated "
          f"{c.period[0]}-{c.period[1]} CAGR of {written(c, 'en')}, the {ctx.label(c.region, 'en')} "
          f"{ctx.label(c.market, 'en')} market in {year} comes to about {scaled(value, base.currency, base.mult, base.unit, 'en')}"
          f" (an estimate, not stated in the report: {formula}).")
    v = Value(label=f"estimate {year}", value=round(value, 1), unit=base.unit, year=year, status="derived",
              region=ctx.label(c.region, lang), market=ctx.label(c.market, lang), normalized=value * 10 ** base.mult,
              text=scaled(value, base.currency, base.mult, base.unit, lang))
    return build(frame, ctx, status="derived", zh=zh, en=en, figs=[base, c],
                 values=[v, ctx.value_of(base, lang), ctx.value_of(c, lang)], family=NAME, formula=formula)
