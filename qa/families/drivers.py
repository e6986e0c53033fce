"""Drivers: all of them, those that name a segment, or 'why is X growing': '核心驱动因素有哪些？',
'Why is the edge segment growing?'."""
from __future__ import annotations

from .. import queries as Q
from ..common import Context, build, cite_row, not_found

NAME = "drivers"
CUES = {"zh": ["驱动", "推动因素", "动力", "原因", "为什么", "为何", "增长因素", "利好", "因素", "推动"],
        "en": ["driver", "drivers", "drive", "driving", "why", "growth factor", "what factors", "which factors",
               "key factors", "reasons", "what is behind",
               "tailwind"]}
EXAMPLES = ["核心驱动因素有哪些？", "What drives the edge inference chip market?", "Why is the device segment growing?"]


def matches(frame, ctx: Context) -> bool:
    by_factor = "growth" in frame.cues and (frame.period or len(frame.years) >= 2)   # "by what factor … 2024 to 2030"
    return "drivers" in frame.cues and not by_factor


def answer(frame, ctx: Context):
    named = set(frame.segments)
    rows = ctx.select_reports(Q.DRIVERS, frame, keep=(lambda r: r.get("segment") in named) if named else None)
    if named and not rows and rows is not None:      # no driver names the segment: every driver of the market
        ctx.more_reports = 0
        rows = ctx.select_reports(Q.DRIVERS, frame)
    if rows is None:
        from ..core import ask_which_market
        return ask_which_market(frame, ctx)
    drivers: dict[str, dict] = {}
    for r in rows:
        d = drivers.setdefault(r["driver"], {**r, "segments": set()})
        if "segment" in r:
            d["segments"].add(r["segment"])
    items = list(drivers.values())
    if frame.segments:
        named = [d for d in items if d["segments"] & set(frame.segments)]
        items = named or items
    if not items:
        return not_found(frame, "报告未列出增长驱动因素。", "The report lists no growth drivers.", ctx=ctx, family=NAME)
    lang = frame.lang
    about_zh = f"（涉及{'、'.join(ctx.label(s, 'zh') for s in frame.segments)}）" if frame.segments else ""
    about_en = f" (naming {', '.join(ctx.label(s, 'en') for s in frame.segments)})" if frame.segments else ""
    by_report: dict[str, list[dict]] = {}
    for d in items:
        by_report.setdefault(d["reportTitle"], []).append(d)
    zh_parts, en_parts = [], []
    for title, ds in by_report.items():
        src_zh = f"《{title}》" if len(by_report) > 1 else "报告"
        src_en = f"“{title}”" if len(by_report) > 1 else "The report"
        zh_parts.append(f"{src_zh}列出{len(ds)}项核心驱动因素{about_zh}：" +
                        "；".join(f"{i + 1}. {d['label']}——{d['text'].rstrip('。')}" for i, d in enumerate(ds)) + "。")
        en_parts.append(f"{src_en} names {len(ds)} growth drivers{about_en}: " + "; ".join(
            f"{i + 1}. {d['label']}" + (f" [{_translate(d['label'], ctx)}]" if _translate(d['label'], ctx) else "")
            for i, d in enumerate(ds)) + ".")
    zh, en = "".join(zh_parts), " ".join(en_parts)
    return build(frame, ctx, status="answered", zh=zh, en=en, values=[], extra_citations=[cite_row(d) for d in items],
                 family=NAME)


def _translate(label: str, ctx: Context) -> str | None:
    from ingest.text import has_cjk
    from kg.lexicon import load_lexicon
    if not has_cjk(label):
        return None
    return load_lexicon().translate(label)
