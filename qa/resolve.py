"""Turn a frame's slots into the figures it asks about, or say precisely what is missing."""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.namespaces import METRIC_CAGR, METRIC_MARKET_SIZE, REGION_GLOBAL

from .common import Context, Fig
from .frame import Frame


@dataclass
class Selection:
    figs: list[Fig]
    metric: str
    markets: list[str]
    reason: str | None = None          # why nothing was found (machine key)
    coverage: dict = field(default_factory=dict)


def target_metric(frame: Frame, default: str = METRIC_MARKET_SIZE) -> str:
    others = [m for m in frame.metrics if m != METRIC_MARKET_SIZE]
    return others[0] if others else default


def select(frame: Frame, ctx: Context, *, metric: str | None = None, years: list[int] | None = None,
           segments: list[str] | None = None, regions: list[str] | None = None, any_segment: bool = False,
           default_global: bool = True) -> Selection:
    """Figures for the frame's market(s), region(s), segment(s), year(s).

    No segment named -> totals only (unless ``any_segment``); no region named -> the global figure when
    there is one, else every region; no year named -> every stated year.
    """
    metric = metric or target_metric(frame)
    markets = ctx.markets_for(frame, metric)
    years = frame.years if years is None else years
    segments = frame.segments if segments is None else segments
    regions = frame.regions if regions is None else regions
    if not markets:
        return Selection([], metric, markets, "no_figures", {})
    year = years[0] if len(years) == 1 else None

    def kept(figs: list[Fig], allowed: set[str]) -> list[Fig]:
        if regions:
            figs = [f for f in figs if f.region in allowed]
        if years:
            figs = [f for f in figs if f.year in years]
        if segments:
            return [f for f in figs if f.segment in segments]
        return figs if any_segment else [f for f in figs if not f.segment]

    # the store is asked for the totals or the one segment wanted, when that is what is wanted
    part = {"segment": segments[0] if len(segments) == 1 else None, "totals": not segments and not any_segment}
    figs: list[Fig] = []
    if not regions and default_global:
        # no region named: the global figures when there are any (one slice per market), else every region
        figs = kept([f for m in markets
                     for f in ctx.figures(market=m, metric=metric, region=REGION_GLOBAL, year=year, **part)], set())
    if not figs:
        allowed = set(regions)
        for m in markets:
            got = ctx.figures(market=m, metric=metric, region=regions[0] if len(regions) == 1 else None, year=year,
                              **part)
            if regions and not [f for f in got if f.region in regions]:
                # this report says 'Mainland China' where the question says 'China' (skos:closeMatch)
                for r in regions:
                    for c in ctx.lex.close_matches(r):
                        allowed.add(c)
                        got += ctx.figures(market=m, metric=metric, region=c, year=year, **part)
            figs.extend(got)
        figs = kept(figs, allowed)
    if not figs:
        # what the graph does hold nearest to the question
        all_figs = []
        for m in markets:
            all_figs.extend(ctx.figures(market=m, metric=metric))
        near = [f for f in all_figs if (not regions or f.region in regions)
                and (not segments or f.segment in segments) and (segments or any_segment or not f.segment)]
        coverage = {"years": sorted({f.year for f in near if f.year}),
                    "regions": sorted({f.region for f in all_figs}),
                    "segments": sorted({f.segment for f in all_figs if f.segment})}
        reason = "year" if years and near else ("region" if regions and not near else ("segment" if segments else "no_figures"))
        return Selection([], metric, markets, reason, coverage)
    return Selection(sorted(figs, key=_order), metric, markets)


def _order(f: Fig):
    return (f.report, f.market, f.region, f.segment or "", f.year or 0)


def cagr_select(frame: Frame, ctx: Context, regions: list[str] | None = None) -> Selection:
    markets = ctx.markets_for(frame, METRIC_CAGR)
    regions = frame.regions if regions is None else regions
    segs = frame.segments

    def kept(figs: list[Fig]) -> list[Fig]:
        figs = [f for f in figs if f.region in regions] if regions else figs
        return [f for f in figs if (f.segment in segs if segs else not f.segment)]

    part = {"segment": segs[0] if len(segs) == 1 else None, "totals": not segs}
    figs: list[Fig] = []
    if not regions:
        # no region named: the global rates when there are any, else every region's
        figs = kept([f for m in markets for f in ctx.cagrs(market=m, region=REGION_GLOBAL, metric=METRIC_CAGR, **part)])
    if not figs:
        figs = kept([f for m in markets for f in
                     ctx.cagrs(market=m, region=regions[0] if len(regions) == 1 else None, metric=METRIC_CAGR, **part)])
    if frame.period:
        exact = [f for f in figs if f.period == tuple(frame.period)]
        if exact:
            figs = exact
        else:
            return Selection([], METRIC_CAGR, markets, "period", {"periods": sorted({f.period for f in figs})})
    return Selection(figs, METRIC_CAGR, markets, None if figs else "no_figures")
