"""Segment definitions, deployment and priorities: 'What is a cloud AI inference chip?',
'端侧AI推理芯片应用于哪些设备？', 'What does edge inference prioritise?'."""
from __future__ import annotations

from kg.namespaces import METRIC_MARKET_SIZE

from .. import queries as Q
from ..common import Context, build, cite_row, join, not_found

NAME = "definition"
DEPLOY = ["应用于", "用于", "部署", "哪些设备", "应用场景", "场景", "用在", "used in", "used for", "deployed", "deployment",
          "applications", "where are", "where is", "which devices", "what devices", "use cases"]
PRIORITY = ["优先", "侧重", "注重", "考量", "重点", "要求", "prioritise", "prioritize", "priorities", "priority", "focus",
            "optimised for", "optimized for", "designed for"]
CUES = {"zh": ["什么是", "是什么", "定义", "指什么", "含义", "介绍一下", "是指"] + [c for c in DEPLOY + PRIORITY if not c.isascii()],
        "en": ["what is", "what are", "define", "definition", "meaning", "describe", "explain"] + [c for c in DEPLOY + PRIORITY if c.isascii()]}
EXAMPLES = ["What is a cloud AI inference chip?", "端侧AI推理芯片应用于哪些设备？", "边缘AI推理芯片优先考量什么？"]


def matches(frame, ctx: Context) -> bool:
    return "definition" in frame.cues and not frame.years and \
        not frame.period and not [m for m in frame.metrics] and not (frame.cues & {"share", "compare", "growth", "superlative"})


def answer(frame, ctx: Context):
    targets = set(frame.segments or frame.markets)
    rows = ctx.select_reports(Q.DEFINITIONS, frame, keep=(lambda r: r["concept"] in targets) if targets else None)
    if rows is None:
        from ..core import ask_which_market
        return ask_which_market(frame, ctx)
    if not targets:
        # "how does the report define the market?": the market itself, else its segments
        markets = ctx.markets_for(frame, METRIC_MARKET_SIZE)
        if len(markets) != 1:
            return None
        targets = {markets[0]} | {r["concept"] for r in rows if ctx.segment_market(r["concept"]) == markets[0]}
    defs: dict[str, dict] = {}
    for r in rows:
        if r["concept"] not in targets:
            continue
        d = defs.setdefault(r["def"], {**r, "deployment": [], "priority": []})
        for k in ("deployment", "priority"):
            if k in r and r[k] not in d[k]:
                d[k].append(r[k])
    if not defs:
        names = join([ctx.label(t, frame.lang) for t in targets], frame.lang)
        return not_found(frame, f"报告没有给出{names}的定义。", f"The report gives no definition of {names}.", ctx=ctx, family=NAME)
    low = frame.text.lower()
    want = "deployment" if any(c in low for c in DEPLOY) else ("priority" if any(c in low for c in PRIORITY) else "text")
    zh, en = [], []
    for d in defs.values():
        name_zh, name_en = ctx.label(d["concept"], "zh"), ctx.label(d["concept"], "en")
        dep = d["deployment"]
        pri = d["priority"]
        if want == "deployment" and dep:
            zh.append(f"{name_zh}主要应用于：{'、'.join(dep)}")
            en.append(f"{name_en}s are deployed in: {', '.join(_en_items(dep, ctx))}")
        elif want == "priority" and pri:
            zh.append(f"{name_zh}优先考量：{'、'.join(pri)}")
            en.append(f"{name_en}s prioritise: {', '.join(_en_items(pri, ctx))}")
        else:
            zh.append(d["text"])
            extra = f" Deployed in: {', '.join(_en_items(dep, ctx))}." if dep else ""
            en.append(f"The report defines {name_en} ({d['label']}) as: “{d['text']}”{extra}")
    return build(frame, ctx, status="answered", zh="；".join(zh) + ("" if zh[-1].endswith("。") else "。"),
                 en=" ".join(en), values=[], extra_citations=[cite_row(d) for d in defs.values()], family=NAME)


def _en_items(items: list[str], ctx: Context) -> list[str]:
    from kg.lexicon import load_lexicon
    lex = load_lexicon()
    out = []
    for x in items:
        t = lex.translate(x)
        out.append(f"{t} ({x})" if t and t != x else x)
    return out
