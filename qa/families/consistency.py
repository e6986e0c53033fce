"""Sums and consistency checks: do the segments add up to the stated total? is the stated CAGR the one the
stated figures imply? '全球细分市场加总是否等于总规模？'. Derived, citing every figure used."""
from __future__ import annotations

from kg.checks import implied_cagrs, segment_sums
from kg.namespaces import METRIC_CAGR, REGION_GLOBAL

from ..answer import Citation, Value
from ..common import Context, build, fmt_number, row_page
from ..frame import Frame

NAME = "consistency"
CUES = {"zh": ["加总", "合计", "总和", "之和", "相加", "加起来", "是否等于", "一致", "吻合", "核对", "校验"],
        "en": ["sum", "add up", "adds up", "total of the segments", "combined", "consistent", "consistency", "match",
               "reconcile", "check"]}
EXAMPLES = ["全球手术机器人细分市场加总是否等于总规模？", "Do the China AI inference chip segments add up to the total?",
            "Is the stated global data center optical interconnect CAGR consistent?"]


def matches(frame: Frame, ctx: Context) -> bool:
    return "consistency" in frame.cues


def answer(frame: Frame, ctx: Context):
    lang = frame.lang
    cagr = METRIC_CAGR in frame.metrics
    markets = set(ctx.markets_for(frame, None)) if (frame.markets or frame.segments) else None
    check = implied_cagrs if cagr else segment_sums
    ctx.queries_run.append("# kg.checks." + ("CAGRS" if cagr else "FIGURES") + " (consistency check)")
    if not markets:
        findings = check(ctx.store)
    else:
        # the regions named, else the global figures when there are any, else every region
        findings = [f for m in sorted(markets) for r in (frame.regions or [REGION_GLOBAL])
                    for f in check(ctx.store, market=m, region=r)]
        if not findings and not frame.regions:
            findings = [f for m in sorted(markets) for f in check(ctx.store, market=m)]
    regions = frame.regions or ([REGION_GLOBAL] if any(f.region == REGION_GLOBAL for f in findings) else [])
    sel = [f for f in findings if (not regions or f.region in regions) and (markets is None or f.market in markets)
           and (cagr or not frame.years or f.year in frame.years)]
    if not sel:
        from ..common import not_found
        return not_found(frame, "报告中没有可供核对的细分数据与总额。", "The report has no segment figures and total to check "
                         "against each other for this.", ctx=ctx, family=NAME)
    zh, en, cites, vals = [], [], [], []
    for f in sel:
        where_zh = f"{f.year or ''}年{ctx.label(f.region, 'zh')}" if f.year else ctx.label(f.region, "zh")
        where_en = f"{ctx.label(f.region, 'en')} {f.year or ''}".strip()
        if cagr:
            zh.append(f"{where_zh}：报告所述年复合增长率为{fmt_number(f.stated, 1)}%，由首末年数据推算为{f.computed:.2f}%，"
                      f"{'一致' if f.ok else '不一致'}")
            en.append(f"{where_en}: stated CAGR {fmt_number(f.stated, 1)}%, implied by the start and end figures "
                      f"{f.computed:.2f}% — {'consistent' if f.ok else 'inconsistent'}")
        else:
            diff = f.computed - f.stated
            why_zh, why_en = _why_off(diff, f.stated)
            zh.append(f"{where_zh}：各细分市场加总为{fmt_number(f.computed)}{f.unit}，报告所述总规模为{fmt_number(f.stated)}{f.unit}，"
                      + ("二者一致" if f.ok else f"相差{fmt_number(diff)}{f.unit}（{why_zh}）"))
            en.append(f"{where_en}: the segments sum to {fmt_number(f.computed)} {f.unit} against a stated total of "
                      f"{fmt_number(f.stated)} {f.unit}" + (" — consistent" if f.ok else f" — off by {fmt_number(diff)} {f.unit} ({why_en})"))
        vals.append(Value(label="computed" if not cagr else "implied CAGR", value=f.computed, unit=f.unit, year=f.year,
                          region=ctx.label(f.region, lang), status="derived"))
        vals.append(Value(label="stated", value=f.stated, unit=f.unit, year=f.year, region=ctx.label(f.region, lang),
                          status="actual"))
        for r in f.used:
            cites.append(Citation(report=r["report"], section=str(r["sec"]), section_title=r.get("secTitle", r["sec"]),
                                  quote=r["quote"], line=r["line"], **row_page(r)))
    formula = "; ".join(f.detail for f in sel)
    return build(frame, ctx, status="derived", zh="；".join(zh) + "。", en="; ".join(en) + ".", values=vals,
                 extra_citations=cites, family=NAME, formula=formula)


ROUNDING_SHARE = 0.01     # a gap of at most 1% of the total: rounding of the figures summed


def _why_off(diff: float, total: float) -> tuple[str, str]:
    """What a gap between the segments' sum and the total most likely is: rounding when it is small; else the
    segments listed do not cover the market (sum below) or overlap or use another scope (sum above)."""
    if total and abs(diff) <= ROUNDING_SHARE * abs(total):
        return "多为四舍五入所致", "likely rounding"
    if diff < 0:
        return "所列细分市场可能未覆盖全部市场", "the segments listed may not cover the whole market"
    return "所列细分市场可能有重叠或口径不同", "the segments listed may overlap or differ in scope"
