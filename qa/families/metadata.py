"""Report metadata and sources: 'Who published the report?', '报告的数据来源是什么？', 'When was it published?'."""
from __future__ import annotations

from .. import queries as Q
from ..answer import Citation
from ..common import Context, build, cite_row, not_found

NAME = "metadata"
SOURCE_CUES = ["来源", "出处", "数据来源", "资料来源", "source", "sources", "data from", "based on", "come from", "来自哪里"]
CUES = {"zh": ["发布", "出版", "作者", "哪家机构", "谁写", "谁发布", "标题", "报告名称", "联系", "邮箱", "出具", "哪个机构",
               "哪家咨询", "咨询机构", "咨询公司", "研究机构", "什么时候出", "何时出", "哪年出", "哪一年出", "撰写"] + [c for c in SOURCE_CUES if not c.isascii()],
        "en": ["publisher", "published", "publish", "author", "who wrote", "who is behind", "title", "contact", "email",
               "when was", "issued", "wrote this", "wrote the report", "consulting firm", "consultancy", "research firm",
               "prepared by", "commissioned"] + [c for c in SOURCE_CUES if c.isascii()]}
EXAMPLES = ["Who published the report?", "报告的数据来源有哪些？", "What is the report's title?",
            "Which consulting firm wrote this?", "这份报告是什么时候出的？"]


def matches(frame, ctx: Context) -> bool:
    low = frame.text.lower()
    asks_source = any(c in low for c in SOURCE_CUES) or "come from" in low or "来自" in low
    return "metadata" in frame.cues and not frame.years and (not frame.metrics or asks_source)


def answer(frame, ctx: Context):
    low = frame.text.lower()
    if any(c in low for c in SOURCE_CUES):
        return _sources(frame, ctx)
    rows = ctx.select_reports(Q.REPORTS, frame)
    if rows is None:
        from ..core import ask_which_market
        return ask_which_market(frame, ctx)
    if not rows:
        return not_found(frame, "图谱中没有报告。", "The store holds no report.", ctx=ctx, family=NAME)
    reps: dict[str, dict] = {}
    for r in rows:
        d = reps.setdefault(r["report"], {**r, "contacts": []})
        if "contact" in r and r["contact"] not in d["contacts"]:
            d["contacts"].append(r["contact"])
    zh, en, cites = [], [], []
    for d in reps.values():
        pub = d.get("publisher")
        date = d.get("date")
        zh.append(f"《{d['reportTitle']}》由{pub or '（未注明）'}发布" + (f"（{date}年）" if date else "") +
                  (f"，联系方式：{'、'.join(d['contacts'])}" if d["contacts"] else ""))
        en.append(f"“{d['reportTitle']}” was published by {pub or '(not stated)'}" + (f" in {date}" if date else "") +
                  (f"; contact: {', '.join(d['contacts'])}" if d["contacts"] else ""))
        about = ctx.select(Q.ABOUT, about=d["report"] + "/about")
        if about:
            cites.append(cite_row({**about[0], "report": d["report"], "reportTitle": d["reportTitle"]}))
        else:
            cites.append(Citation(report=d["report"], section="", section_title=d["reportTitle"], quote=d["reportTitle"]))
    return build(frame, ctx, status="answered", zh="；".join(zh) + "。", en="; ".join(en) + ".", values=[],
                 extra_citations=cites, family=NAME)


def _sources(frame, ctx: Context):
    rows = ctx.select_reports(Q.SOURCES, frame)
    if rows is None:
        from ..core import ask_which_market
        return ask_which_market(frame, ctx)
    if not rows:
        return not_found(frame, "报告未列出数据来源。", "The report lists no data sources.", ctx=ctx, family=NAME)
    first, by_report = {}, {}
    for r in rows:
        first.setdefault(r["src"], r)
        by_report.setdefault(r["reportTitle"], [])
        if r["item"] not in by_report[r["reportTitle"]]:
            by_report[r["reportTitle"]].append(r["item"])
    several = len(by_report) > 1
    zh = "".join((f"《{t}》" if several else "报告") + "列出的数据来源：" + "、".join(items) + "。" for t, items in by_report.items())
    en = " ".join((f"“{t}”" if several else "The report") + " lists these sources: " + ", ".join(items) + "."
                  for t, items in by_report.items())
    return build(frame, ctx, status="answered", zh=zh, en=en, values=[], extra_citations=[cite_row(r) for r in first.values()],
                 family=NAME)
