"""Questions for the ask benchmark, generated from the corpus' known claims, in Chinese and English.

Each question is built from one report's figures (its market, a region and year it states, a segment,
a CAGR period, a rate subject), in the report's language (traditional script for zh-hant reports), and
labelled with the kind of question it is (the family expected to answer it). Questions about the seed
report are hand-written (``SEED_QUESTIONS``).
"""
from __future__ import annotations

import random

from bench.wordlists import REGION_EN, REGIONS

SEED_QUESTIONS = [      # every one names the market: with many reports in the store, a bare question is about all of them
    ("lookup", "2024年全球AI推理芯片市场规模是多少？"), ("lookup", "What was the global AI inference chip market size in 2024?"),
    ("lookup", "2024年中国端侧推理芯片市场规模是多少？"), ("lookup", "How big was the China cloud inference chip market in 2024?"),
    ("forecast", "预计2030年中国AI推理芯片市场规模是多少？"), ("forecast", "What is the China AI inference chip market size forecast for 2030?"),
    ("cagr", "2024至2030年全球AI推理芯片市场的年复合增长率是多少？"),
    ("cagr", "What is the CAGR of the China AI inference chip market from 2024 to 2030?"),
    ("superlative", "2024年全球AI推理芯片哪个细分市场规模最大？"),
    ("superlative", "Which AI inference chip segment was the largest in China in 2024?"),
    ("compare", "2024年中国云端和边缘推理芯片市场相比哪个更大？"), ("compare", "Compare cloud and edge inference chips in China in 2024."),
    ("share", "2024年端侧推理占全球AI推理芯片市场的份额是多少？"),
    ("share", "What share of the global AI inference chip market did on-device inference hold in 2024?"),
    ("growth", "2030年全球AI推理芯片市场规模是2024年的多少倍？"),
    ("growth", "How much will the China AI inference chip market grow from 2024 to 2030?"),
    ("estimate", "按年复合增长率估算2027年中国AI推理芯片市场规模。"),
    ("estimate", "Estimate the global AI inference chip market in 2026 at the stated CAGR."),
    ("rate", "AI智能设备渗透率在2024年是多少？"), ("rate", "What was AI smart device penetration in 2020?"),
    ("drivers", "AI推理芯片的核心驱动因素有哪些？"), ("drivers", "What drives the edge AI inference chip market?"),
    ("definition", "端侧AI推理芯片应用于哪些设备？"), ("definition", "What is a cloud AI inference chip?"),
    ("trends", "AI推理芯片行业有哪些发展趋势？"), ("trends", "What are the trends in the AI inference chip industry?"),
    ("metadata", "AI推理芯片报告的数据来源有哪些？"), ("metadata", "Who published the AI inference chip report?"),
    ("consistency", "全球AI推理芯片细分市场加总是否等于总规模？"), ("consistency", "Is the stated global AI inference chip CAGR consistent?"),
    ("filter", "2024年中国哪些AI推理芯片细分市场超过400亿元？"), ("filter", "Which AI inference chip segments are above 2,000 亿元?"),
]

_KEY_OF = {v: k for k, v in REGION_EN.items()}
_S2T = None


def _hant(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc
        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


def _zh_region(label: str) -> str:
    return REGIONS[_KEY_OF[label]][0][0]


def _en_adj(label: str) -> str:
    return REGIONS[_KEY_OF[label]][2]


def _en_noun(label: str) -> str:
    return REGIONS[_KEY_OF[label]][1]


def for_report(rec: dict, rng: random.Random) -> tuple[str, str] | None:
    """One (kind, question) about a report, or None if the kind drawn does not apply to it."""
    figs = rec["figures"]
    zh = rec["lang"] == "zh"
    m = rec["market"]
    sizes = [f for f in figs if f["metric"] == "market size" and not f["segment"]]
    segs = [f for f in figs if f["metric"] == "market size" and f["segment"]]
    cagrs = [f for f in figs if f["metric"] == "CAGR"]
    shares = [f for f in figs if f["metric"] == "market share" and f["region"] != "Global"]
    rates = [f for f in figs if f["metric"] == "penetration rate"]
    kind = rng.choice(["lookup", "lookup", "forecast", "segment", "cagr", "share", "rate", "superlative", "compare",
                       "growth", "estimate", "drivers", "definition", "metadata", "trends", "consistency"])
    q = None
    if kind in ("lookup", "forecast") and sizes:
        pool = [f for f in sizes if (f["status"] == "forecast") == (kind == "forecast")] or sizes
        f = rng.choice(pool)
        if zh:
            q = f"{'预计' if f['status'] == 'forecast' else ''}{f['year']}年{_zh_region(f['region'])}{m}市场规模是多少？"
        elif f["status"] == "forecast":
            q = f"What is the {_en_adj(f['region'])} {m} market size forecast for {f['year']}?"
        else:
            q = f"What was the {_en_adj(f['region'])} {m} market size in {f['year']}?"
    elif kind == "segment" and segs:
        f = rng.choice(segs)
        q = (f"{f['year']}年{_zh_region(f['region'])}{m}市场中{f['segment']}的规模是多少？" if zh else
             f"How big was the {f['segment']} segment of the {_en_adj(f['region'])} {m} market in {f['year']}?")
    elif kind == "cagr" and cagrs:
        f = rng.choice(cagrs)
        s, e = f["period"]
        q = (f"{s}至{e}年{_zh_region(f['region'])}{m}市场的年复合增长率是多少？" if zh else
             f"What is the CAGR of the {_en_adj(f['region'])} {m} market from {s} to {e}?")
    elif kind == "share" and shares:
        f = rng.choice(shares)
        q = (f"{f['year']}年{_zh_region(f['region'])}占全球{m}市场的份额是多少？" if zh else
             f"What share of the global {m} market did {_en_noun(f['region'])} hold in {f['year']}?")
    elif kind == "rate" and rates:
        f = rng.choice(rates)
        q = (f"{f['year']}年{_zh_region(f['region'])}{f['market']}渗透率是多少？" if zh else
             f"What was the penetration rate of {f['market']} in {f['year']}?")
    elif kind == "superlative" and segs:
        f = rng.choice(segs)
        q = (f"{f['year']}年{_zh_region(f['region'])}{m}市场哪个细分市场规模最大？" if zh else
             f"Which segment of the {_en_adj(f['region'])} {m} market was the largest in {f['year']}?")
    elif kind == "compare" and len(segs) >= 2:
        a, b = rng.sample(segs, 2)
        if a["region"] == b["region"] and a["year"] == b["year"]:
            q = (f"{a['year']}年{_zh_region(a['region'])}{m}市场中{a['segment']}和{b['segment']}相比哪个更大？" if zh else
                 f"Compare {a['segment']} and {b['segment']} in the {_en_adj(a['region'])} {m} market in {a['year']}.")
    elif kind in ("growth", "estimate") and cagrs:
        f = rng.choice(cagrs)
        s, e = f["period"]
        if kind == "growth":
            q = (f"{e}年{_zh_region(f['region'])}{m}市场规模是{s}年的多少倍？" if zh else
                 f"How much will the {_en_adj(f['region'])} {m} market grow from {s} to {e}?")
        elif e - s >= 2:
            mid = rng.randint(s + 1, e - 1)
            q = (f"按年复合增长率估算{mid}年{_zh_region(f['region'])}{m}市场规模。" if zh else
                 f"Estimate the {_en_adj(f['region'])} {m} market in {mid} at the stated CAGR.")
    elif kind == "drivers":
        q = f"{m}市场的核心驱动因素有哪些？" if zh else f"What drives the {m} market?"
    elif kind == "definition" and rec["segments"]:
        seg = rng.choice(rec["segments"])
        q = f"{seg}主要应用于哪些场景？" if zh else f"What are {seg}?"
    elif kind == "metadata":
        q = f"{m}报告是谁发布的？" if zh else f"Who published the {m} report?"
    elif kind == "trends":
        q = f"{m}行业有哪些发展趋势？" if zh else f"What are the trends in the {m} market?"
    elif kind == "consistency" and segs:
        f = rng.choice(segs)
        q = (f"{_zh_region(f['region'])}{m}细分市场加总是否等于总规模？" if zh else
             f"Do the {_en_adj(f['region'])} {m} segments add up to the total?")
    if q is None:
        return None
    if rec["style"] == "zh-hant":
        q = _hant(q)
    return kind, q


def generate(records: list[dict], n: int, seed: int = 0, seed_share: float = 0.1) -> list[tuple[str, str]]:
    """``n`` (kind, question) pairs: about a share of them on the seed report, the rest on ``records``."""
    rng = random.Random(f"reportkg-questions-{seed}")
    out: list[tuple[str, str]] = []
    n_seed = n if not records else int(n * seed_share)
    for i in range(n_seed):
        out.append(SEED_QUESTIONS[i % len(SEED_QUESTIONS)])
    while len(out) < n:
        hit = for_report(records[rng.randrange(len(records))], rng)
        if hit:
            out.append(hit)
    rng.shuffle(out)
    return out
