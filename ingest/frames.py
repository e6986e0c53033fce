"""Claim frames: every quantity of a sentence read as (subject, measure, value, time, status, comparator).

The rules are data (ingest/frames.toml): units, scale words, measures with their cues and the units they
admit, time words, subject cues, and the claim forms with worked examples (tests/test_frames.py runs them).
This module is the interpreter, sentence by sentence:

1. quantities — money and percent (ingest.quantities), counts and volumes in the catalogue's units
   ("2060.3万台", "1.44 billion units", "640kt"), percentage points, prices ("$12,800/t");
2. for each, its measure — the nearest cue before it in its clause whose units admit it, else a cue right
   after it ("10.60 % CAGR"), else the measure of the quantity before it in a list of the same unit
   ("4.0%/3.4%", "7.4% and 7.8%");
3. its time — a period for a CAGR, else the year (and quarter or half) nearest it in its clause, else the
   sentence's one year;
4. its subject — a company, else the phrase naming the market or segment before the cue, else the subject
   the sentence started with; carried to later clauses of the same sentence, never invented.

A quantity without a measure or a subject gives no frame. Document-level resolution (markets of headings,
duplicates, tables) is the extractor's (ingest.extract); this module sees one sentence.
"""
from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .quantities import NUM, YearMention, _comparator, find_periods, find_quantities, find_years, two_part
from .text import fold, parse_number

CATALOGUE = Path(__file__).with_name("frames.toml")


@dataclass
class Frame:
    kind: str                   # market_size | cagr | growth | share | company_figure | price | volume | rank | other
    metric: str                 # the vocabulary's metric label
    value: float
    value_text: str
    unit: str                   # as composed: "CNY 亿", "%", "units", "USD/t"
    unit_class: str             # money | percent | pp | count | price | times | rank
    mult: int
    currency: str | None
    comparator: str
    start: int                  # the number's place in the sentence
    end: int
    year: int | None = None
    period: tuple[int, int] | None = None
    subperiod: str | None = None
    status: str = "actual"
    subject: str | None = None
    subject_type: str | None = None      # company | segment | market | product | other
    explicit: bool = False               # the subject is the one the measure names ('the market size of X')
    company: str | None = None
    sign: str | None = None
    value_high: float | None = None
    form: str = ""
    local: bool = False                  # the subject is named in the sentence, before the number
    untimed: bool = False                # its time is one the text does not give ('去年' undated): no year to lend it
    period_end: str | None = None        # 'grew from A to B' with no period in the sentence: A is the first year's
                                         # ('first'), B the last's, of the period the text before gave
    from_level: bool = False             # 'from A to B' with no time of its own: A is of a time before B's, which
                                         # the sentence does not give (untimed too; B keeps its time)
    pronoun: bool = False                # the sentence's holder is '其' ('市场份额方面，其…排名第一'): whose share or rank
                                         # it is, the firm its paragraph named before says (ingest.extract)
    firm: bool = False                   # a measure only a firm has ('净利润', 'valuation'): whose it is must be a
                                         # company, or the figure is dropped (the document may name it: ingest.extract)

    @property
    def base(self) -> float:
        return self.value * 10 ** self.mult


@dataclass
class _Q:
    start: int
    end: int
    value: float
    value_text: str
    unit: str
    unit_class: str
    mult: int
    currency: str | None
    comparator: str
    sign: str | None = None
    value_high: float | None = None
    counted: tuple[int, int] | None = None    # where the noun counted is written ('1.44 billion| smartphones')


@dataclass
class Measure:
    kind: str
    metric: str                 # the default concept's IRI
    units: tuple[str, ...]
    cues: tuple[str, ...]
    minus: frozenset[str] = frozenset()
    needs: str | None = None
    firm_only: frozenset[str] = frozenset()   # cues only a firm's figures have: its subject is a company
    change_words: tuple[str, ...] = ()
    level_words: tuple[str, ...] = ()


@dataclass
class Catalogue:
    units: dict[str, tuple[str, int]]
    scales: dict[str, int]
    compound_scales: tuple[str, ...]
    measures: list[Measure]
    forecast: tuple[str, ...]
    relative: tuple[str, ...]
    year_before: tuple[str, ...]
    quarters: dict[str, str]
    period_ends: dict[str, tuple[str, ...]]
    company_suffixes: tuple[str, ...]
    cut: str
    strip_en: frozenset[str]
    generic: frozenset[str]
    vague: tuple[str, ...] = ()
    verb_heads: tuple[str, ...] = ()
    not_counted: frozenset[str] = frozenset()   # '3 million years': a scale word before a noun that is no count
    not_named_by_count: frozenset[str] = frozenset()   # '4,000 companies': a count whose noun names no market
    issuer: tuple[str, ...] = ()                 # 'the Company': a prospectus's own name for its issuer
    company_generic: tuple[str, ...] = ()        # '上市(公司)': words before a company suffix that name no firm
    company_generic_leads: tuple[str, ...] = ()  # '另一(卡牌公司)': ... and words such a phrase starts with
    headed_not: tuple[str, ...] = ()             # a firm's measures ('收入', '利润'): the phrase they head is no market
    zh_coordinators: str = ""                    # '及', '与', '、': the conjuncts of one Chinese subject
    company_verbs: tuple[str, ...] = ()          # 'ranked', 'shipped': a capitalised name before them is a firm
    aggregate_leads: tuple[str, ...] = ()        # '全国…', '全球…': a phrase of a whole, which a firm's measure heads too
    en_bounds: frozenset[str] = frozenset()     # words an English subject phrase never reaches past ('that', 'says')
    assumed: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    carried_not_after: tuple[str, ...] = ()
    that_year: tuple[str, ...] = ()
    base_time: tuple[str, ...] = ()
    dateline_labels: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    holder_marks: tuple[str, ...] = ()           # '金属制品业|以|1兆7,563亿元': the phrase before names the holder
    sources: tuple[str, ...] = ()
    list_joins: tuple[str, ...] = ()
    bare_yuan: dict[str, tuple[str, ...]] = field(default_factory=dict)   # currency -> the places that write it '元'
    zh_adverbs: tuple[str, ...] = ()
    locatives: tuple[str, ...] = ()
    comparisons: tuple[str, ...] = ()
    measure_ends: tuple[str, ...] = ()
    heading_markets: tuple[re.Pattern, ...] = ()
    forms: list[dict] = field(default_factory=list)
    concept_of: dict[tuple[str, str], str] = field(default_factory=dict)   # (cue, kind) -> metric IRI
    deictic: dict[str, int] = field(default_factory=dict)       # 'last year' -> -1 (from the dateline)
    roc: dict = field(default_factory=dict)                      # Republic-of-China years (traditional text)
    cue_rx: re.Pattern = field(init=False, repr=False)
    cue_of: dict[str, list[Measure]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.cue_of = {}
        for m in self.measures:
            for c in m.cues:
                if m not in self.cue_of.setdefault(c, []):
                    self.cue_of[c].append(m)
        alts = "|".join(re.escape(c) for c in sorted(self.cue_of, key=len, reverse=True))
        self.cue_rx = re.compile(rf"(?<![a-z])(?:{alts})(?![a-z])")


@functools.lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue, its measures' cues joined with the labels of their vocabulary concepts (kg/vocab.ttl)."""
    from kg.lexicon import load_lexicon
    from kg.namespaces import VOCAB_BASE
    data = tomllib.loads(CATALOGUE.read_text("utf-8"))
    lex = {c.iri: c for c in load_lexicon().of_kind("Metric")}
    measures, concept_of = [], {}
    for m in data["measures"]:
        iris = [VOCAB_BASE + n for n in m.get("concepts", ())]
        cues = [c.lower() for c in m["cues"]]
        for iri in iris:
            for label, _lang in (lex[iri].labels() if iri in lex else ()):
                cue = fold(label).lower()
                concept_of.setdefault((cue, m["kind"]), iri)
                cues.append(cue)
        measures.append(Measure(m["kind"], iris[0] if iris else m["metric"], tuple(m["units"]), tuple(dict.fromkeys(cues)),
                                frozenset(m.get("minus", ())), m.get("needs"),
                                frozenset(fold(c).lower() for c in m.get("firm_only", ())),
                                tuple(m.get("change_words", ())), tuple(m.get("level_words", ()))))
    t, s = data["time"], data["subjects"]
    return Catalogue(units={k: (v[0], int(v[1])) for k, v in data["units"].items()}, scales=dict(data["scales"]),
                     compound_scales=tuple(data.get("compound_scales", ())),
                     measures=measures, forecast=tuple(t["forecast"]), relative=tuple(t["relative"]),
                     year_before=tuple(t["year_before"]), quarters=dict(t["quarters"]),
                     period_ends={k: tuple(v) for k, v in t.get("period_ends", {}).items()},
                     company_suffixes=tuple(s["company_suffixes"]), cut=s["cut"], strip_en=frozenset(s["strip_en"]),
                     generic=frozenset(s["generic"]), vague=tuple(s.get("vague", ())),
                     verb_heads=tuple(s.get("verb_heads", ())), en_bounds=frozenset(s.get("en_bounds", ())), headed_not=tuple(s.get("headed_not", ())), aggregate_leads=tuple(fold(x) for x in s.get("aggregate_leads", ())), zh_coordinators=fold(s.get("zh_coordinators", "")), company_verbs=tuple(s.get("company_verbs", ())), issuer=tuple(s.get("issuer", ())),
                     company_generic=tuple(fold(x) for x in s.get("company_generic", ())),
                     company_generic_leads=tuple(fold(x) for x in s.get("company_generic_leads", ())),
                     not_counted=frozenset(s.get("not_counted", ())),
                     not_named_by_count=frozenset(s.get("not_named_by_count", ())),
                     zh_adverbs=tuple(s.get("zh_adverbs", ())),
                     comparisons=tuple(s.get("comparisons", ())), locatives=tuple(s.get("locatives", ())),
                     measure_ends=tuple(s.get("measure_ends", ())),
                     heading_markets=tuple(re.compile(x, re.I) for x in s.get("heading_markets", ())), forms=data.get("forms", []), concept_of=concept_of,
                     deictic=dict(t.get("deictic", {})), roc=dict(t.get("roc", {})),
                     assumed=tuple(t.get("assumed", ())), carried=tuple(t.get("carried", ())),
                     carried_not_after=tuple(t.get("carried_not_after", ())), that_year=tuple(t.get("that_year", ())), base_time=tuple(fold(w).lower() for w in t.get("base_time", ())),
                     dateline_labels=tuple(t.get("dateline_labels", ())),
                     not_names=frozenset(s.get("not_names", ())), holder_marks=tuple(fold(x) for x in s.get("holder_marks", ())), sources=tuple(s.get("sources", ())), list_joins=tuple(s.get("list_joins", ())),
                     bare_yuan={k: tuple(fold(w).lower() for w in v) for k, v in data.get("bare_yuan", {}).items()})


# --------------------------------------------------------------------------- quantities

@functools.lru_cache(maxsize=1)
def _count_rx() -> re.Pattern:
    cat = catalogue()
    scales = "|".join(re.escape(k) for k in sorted(cat.scales, key=len, reverse=True))
    units = "|".join(re.escape(k) for k in sorted(cat.units, key=len, reverse=True))
    # '5万4311辆', '64萬4867輛': a number in two scales (the count of ten-thousands, then the rest)
    big = "|".join(re.escape(k) for k in sorted(cat.compound_scales, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9.,])(?:(?P<big>\d+(?:\.\d+)?)\s*(?P<bigscale>{big})\s*(?=\d))?"
                      rf"(?P<num>{NUM})(?:\s*-\s*(?P<hi>{NUM}))?\s*(?P<scale>{scales})?\s*"
                      rf"(?P<unit>{units})(?![a-z])")


PP = re.compile(rf"(?<![a-z0-9.])(?P<num>{NUM})\s*(?:个百分点|percentage points?|pp\b|ppts?\b|ppt\b)")
PER_UNIT = re.compile(r"^\s*(?:/\s*(?:t|吨|tonne|ton|kg|unit|台|辆|件|oz|lb|mwh|kwh|w)\b|per\s+(?:tonne|ton|unit|kg|vehicle|share))")
RANK = re.compile(r"(?:排名|位列|位居|排在|名列)?第(?P<n>[一二三四五六七八九十\d]+)(?:名|位|大)?|ranked\s+(?P<en>first|second|third|fourth|fifth|no\.\s?\d|\d+(?:st|nd|rd|th))|"
                  # 'the third-largest EEPROM supplier', 'the largest China-based supplier': a firm's place
                  r"\bthe\s+(?:(?P<enl>second|third|fourth|fifth|\d+(?:st|nd|rd|th))[-\s])?largest\s+"
                  r"(?=(?:[a-z0-9\-]+\s+){0,4}(?:suppliers?|players?|compan(?:y|ies)|manufacturers?|providers?|vendors?|producers?|brands?|operators?)\b)")
_ORD = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_DATE_AFTER = re.compile(r"^\s*(?:年|月|日|号|季|月份|%?\s*-\s*\d|[-/.]\d{1,2}\b)")


def quantities(t: str, original: str) -> list[_Q]:
    """The quantities of a folded, lower-cased sentence, in order."""
    cat = catalogue()
    out: list[_Q] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in PP.finditer(t):
        out.append(_Q(m.start(), m.end(), parse_number(m.group("num")), m.group("num"), "pp", "pp", 0, None, "eq"))
        taken.append((m.start(), m.end()))
    for q in find_quantities(t, original):
        if not free(q.start, q.end):
            continue
        if not q.percent and q.currency is None:
            continue
        start = q.start
        num_at = t.find(q.value_text, q.start)
        cls = "percent" if q.percent else "money"
        unit = q.unit
        end = q.end
        if cls == "money":
            per = PER_UNIT.match(t[q.end:])
            if per:
                cls, unit, end = "price", f"{q.unit}/{per.group().strip().lstrip('/').strip()}", q.end + per.end()
        sign = None
        if num_at > 0 and t[num_at - 1] in "+-" and (num_at < 2 or not t[num_at - 2].isalnum()):
            sign = "+" if t[num_at - 1] == "+" else "-"
        out.append(_Q(start, end, q.value, q.value_text, unit, cls, q.mult, q.currency, q.comparator, sign, q.value_high))
        taken.append((start, end))
    for m in _count_rx().finditer(t):
        if not free(m.start(), m.end()):
            continue
        unit, mult = cat.units[m.group("unit")]
        if unit == "tonnes" and m.group("unit") == "t" and not re.match(r"\d", t[m.start():]):
            continue
        scale = cat.scales.get(m.group("scale") or "", 0)
        v = parse_number(m.group("num"))
        num_text = m.group("num")
        if m.group("big"):
            v = None if m.group("hi") else two_part(parse_number(m.group("big")), cat.scales[m.group("bigscale")], v, scale)
            if v is None:
                continue                   # '5万12000辆' is no number: left unread
            num_text = original[m.start("big"):m.end("num")]
        if re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) and not m.group("scale") and unit in ("count", "people"):
            continue
        cls = "times" if unit == "times" else "count"
        hi = parse_number(m.group("hi")) if m.group("hi") else None
        word = m.group("unit")
        counted = (m.start("unit"), m.end("unit")) if word.isalpha() and word.isascii() and len(word) > 3 and \
            m.group("scale") else None                   # '5.9 million vehicles': the noun counted
        out.append(_Q(m.start(), m.end(), v, num_text, unit, cls, scale + mult, None,
                      "range" if hi is not None else _comparator(t, m.start(), m.end()), None, hi, counted))
        taken.append((m.start(), m.end()))
    for m in _noun_count_rx().finditer(t):
        # '1.44 billion smartphones', '3.2 million paying users': a count in a scale word, the noun it counts after it
        noun = m.group("noun")
        if not free(m.start(), m.end()) or noun.split()[-1] in cat.not_counted or \
                any(w in cat.strip_en or w in _VERBS for w in noun.split()):
            continue
        out.append(_Q(m.start(), m.end(), parse_number(m.group("num")), m.group("num"), noun.split()[-1], "count",
                      cat.scales[m.group("scale")], None, _comparator(t, m.start(), m.end()),
                      counted=(m.start("noun"), m.end("noun"))))
        taken.append((m.start(), m.end()))
    for m in RANK.finditer(t):
        n = m.group("n") or m.group("en") or m.group("enl") or ("first" if "largest" in m.group() else None)
        if not n or not free(m.start(), m.end()):
            continue
        n = n.replace("no.", "").strip()
        v = _ORD.get(n) or (int(re.sub(r"\D", "", n)) if re.search(r"\d", n) else None)
        if v and (m.group("en") or "largest" in m.group() or "排" in m.group() or "位" in m.group() or "名" in m.group()):
            out.append(_Q(m.start(), m.end(), float(v), n, "rank", "rank", 0, None, "eq"))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda q: q.start)
    return [q for q in out if _finite(q)
            and (not _DATE_AFTER.match(t[q.end:]) or q.unit_class in ("percent", "money", "pp"))]


# '1.44 billion smartphones| will be |shipped': the auxiliaries between a count and the passive verb that measures it
_PASSIVE_GAP = re.compile(r"\s*(?:(?:will|would|could|may|might|are expected to|is expected to)\s+)?"
                          r"(?:be|been|were|was|are|is|have been|has been|had been)\s+")


@functools.lru_cache(maxsize=1)
def _noun_count_rx() -> re.Pattern:
    scales = "|".join(re.escape(k) for k in sorted(catalogue().scales, key=len, reverse=True) if k.isascii())
    return re.compile(rf"(?<![a-z0-9.,$])(?P<num>{NUM})\s*(?P<scale>{scales})\s+"
                      rf"(?P<noun>(?:[a-z][a-z\-]*\s+){{0,2}}[a-z][a-z\-]*[a-rt-z]s)\b")


def _finite(q: _Q) -> bool:
    """'1000…0' past a float's range is no quantity (its RDF literal would be 'inf')."""
    try:
        return all(math.isfinite(v * 10 ** q.mult) for v in (q.value, q.value_high) if v is not None)
    except OverflowError:
        return False


# --------------------------------------------------------------------------- clauses, cues, time

_CLAUSE = re.compile(r"[；;。!?！？]|，|,(?!\d{3}(?!\d))|(?<!\d)\s[-–]\s(?!\d)|(?<=[a-z\d%)])\s+(?:while|whereas|but|and)\s+(?=[a-z])")
# finer than a clause: the segment a cue before a quantity must share with it ('假设…' in a source run together on
# one line, its parts marked only by ',', ':' and citation brackets '[8]')
_CLAUSE_MARKS = re.compile(r"[，,。；;：:\]\[]")


def clauses(t: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for m in _CLAUSE.finditer(t):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, len(t)))
    return [(a, b) for a, b in out if b > a]


def _clause_of(spans: list[tuple[int, int]], i: int) -> int:
    for k, (a, b) in enumerate(spans):
        if a <= i < b:
            return k
    return len(spans) - 1


@dataclass
class _Cue:
    start: int
    end: int
    text: str
    measures: list[Measure]


def cues(t: str) -> list[_Cue]:
    cat = catalogue()
    return [_Cue(m.start(), m.end(), m.group(), cat.cue_of[m.group()]) for m in cat.cue_rx.finditer(t)]


@functools.lru_cache(maxsize=1)
def _quarter_rx() -> re.Pattern:
    alts = "|".join(re.escape(k) for k in sorted(catalogue().quarters, key=len, reverse=True))
    return re.compile(rf"(?:(?P<y1>(?:19|20)\d{{2}})\s*年?\s*)?(?<![a-z])(?P<q>{alts})(?![a-z])"
                      rf"(?:\s*(?P<y2>(?:19|20)\d{{2}}))?|(?:(?P<y3>(?:19|20)\d{{2}})\s*年\s*)?(?<![\d.])(?P<m>(?:\d{{1,2}}\s*[-~到至]\s*)?\d{{1,2}}\s*月)"
                      rf"|(?P<y4>(?:19|20)\d{{2}})m(?P<m2>\d{{1,2}}-\d{{1,2}})(?!\d)")      # '2023M1-11': January to November


def _quarters(t: str, dated: tuple[int, int | None] | None = None, years=()) -> list[tuple[int, int, str, int | None]]:
    """(start, end, 'Q3', year or None) for each quarter, half or month: 'Q3 2025', '2025年第三季度', '1H2024',
    '1-11月', '11月'. One that names no year takes a year word right before it ('去年1到11月'), else, in a dated
    document, the dateline's year ('11月全台機車領牌數' in a news item of 2025-12-02), or the year before when it
    ends after the dateline's month ('12月' in January). A single month nothing places is none."""
    cat = catalogue()
    out = []
    for m in _quarter_rx().finditer(t):
        y = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4")
        months = re.findall(r"\d+", m.group("m") or "")
        if months and (int(months[-1]) > 12 or len(months) == 1 and not (y or dated)):
            continue                      # no month ('13月'), or a month no year or dateline places
        label = cat.quarters[m.group("q")] if m.group("q") else \
            re.sub(r"\s", "", re.sub(r"[~到至]", "-", m.group("m"))) if m.group("m") else m.group("m2") + "月"
        year = int(y) if y else next((w.year for w in years if m.start() - 2 <= w.end <= m.start()), None)
        if year is None and dated:
            year = dated[0]
            last = int(months[-1]) if months else None
            if last and dated[1] and last > dated[1]:
                year -= 1
        out.append((m.start(), m.end(), label, year))
    return out


def titled_quarter(title: str) -> tuple[int, str] | None:
    """(year, 'Q3') of the one quarter or half with its year a title names ('Apple Gaining Share in Shrinking PC
    Market (Q3 2015 IDC and Gartner PC shipment data)'): the period a news item's figures are of. A month, or a
    year alone ('Market Report 2024'), is none; two periods are none."""
    qs = [(y, label) for _, _, label, y in _quarters(fold(title or "").lower()) if y and label.startswith(("Q", "H"))]
    return qs[0] if len(set(qs)) == 1 else None


# --------------------------------------------------------------------------- subjects

_ZH_LEAD = re.compile(r"^(?:全球|中国|我国|国内|整体|其中|而|并|但|也|还|都|已|据|由|按|截至|预计|预估|预期|估计|目前|随着|(?:19|20)\d{2}年?)+")
_EN_WORD = re.compile(r"[a-z0-9][a-z0-9\-&+.']*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


@functools.lru_cache(maxsize=256)
def _glossary_positions(t: str) -> frozenset[int]:
    """Positions inside the glossary's Chinese words (kg/vocab.ttl), which a cut character does not split:
    '激光雷达' holds no verb '达', '在线教育' no preposition '在'."""
    from kg.lexicon import load_lexicon
    return frozenset(i for w in load_lexicon().zh_words.finditer(t) for i in range(w.start(), w.end()))


def _cuts(t: str, i: int) -> bool:
    return t[i] in catalogue().cut and i not in _glossary_positions(t)


def _zh_phrase(t: str, end: int, limit: int = 14) -> tuple[int, str] | None:
    """The run of characters before `end` up to a cut character (the subject of '…市场规模为'), or None."""
    cat = catalogue()
    i = end
    while i > 0 and end - i < limit and not _cuts(t, i - 1) and not t[i - 1].isdigit() and \
            not (t[i - 1].isspace() and (i < 2 or t[i - 2].isspace() or t[i - 2] in cat.cut or t[i - 2].isdigit())):
        i -= 1
    if i > 0 and (t[i - 1].isdigit() or t[i - 1] == "%"):
        return None                    # '11.8亿元|增长': the unit of the number before, no subject
    s = t[i:end].strip()
    return (i, s) if s else None


def _en_phrase(t: str, end: int, limit: int = 5, start: int = 0) -> tuple[int, str] | None:
    """The noun phrase ending at `end` (not before `start`): '… passenger NEV retail| sales'."""
    words = list(_EN_WORD.finditer(t, start, end))
    cue_ends = {m.end() for m in catalogue().cue_rx.finditer(t, start, end)}    # 'market size', a cue of two words
    keep = []
    for w in reversed(words):
        gap = t[w.end():(keep[-1].start() if keep else end)]
        if re.search(r"[,;:()\"%$]|\d", gap) or len(keep) >= limit:
            break
        lw = w.group().rstrip(".'")
        if lw.endswith("'s"):
            lw = lw[:-2]
        if lw in _PRONOUNS:
            return None                # 'we expect| prices': no noun phrase, a clause
        if lw in catalogue().en_bounds:
            break                      # 'the IDC says that global| shipments': the clause before is no part of it
        if lw in catalogue().strip_en or re.fullmatch(r"[\d.,]+|(?:19|20)\d{2}e?", lw) or lw in _VERBS or \
                lw in catalogue().cue_of or w.end() in cue_ends:
            if keep:
                break
            continue
        keep.append(w)
    while keep and re.search(r"(?:ing|ed)$", keep[-1].group()) and len(keep[-1].group()) > 5:
        keep.pop()                     # 'raising| prices', 'remained| resilient': a verb, not the noun phrase
    while keep and re.search(r"ed$", keep[0].group()) and len(keep[0].group()) > 5:
        keep.pop(0)                    # 'Asia Pacific followed| with …': the verb after the noun phrase
    if not keep:
        return None
    a = keep[-1].start()
    return a, t[a:keep[0].end()]


_PRONOUNS = frozenset("we i you they he she it us them our".split())


def _en_forward(t: str, a: int, b: int, limit: int = 5) -> tuple[int, str] | None:
    """The noun phrase starting at `a` (after 'of' / 'for'): 'medical devices| in China hit …'."""
    keep = []
    for w in _EN_WORD.finditer(t, a, b):
        lw = w.group().rstrip(".'")
        gap = t[(keep[-1].end() if keep else a):w.start()]
        if re.search(r"[,;:()\"%$]|\d", gap) or len(keep) >= limit or lw in _VERBS or \
                (lw in catalogue().strip_en and keep) or lw in catalogue().cue_of:
            break
        if lw in catalogue().strip_en:
            continue
        keep.append(w)
    while keep and _VERB_FORM.search(keep[0].group()) and (keep[0].group().endswith("ing") or len(keep) == 1):
        keep.pop(0)                    # ', expanding at a CAGR of …': a participle, no noun phrase ('integrated
                                       # circuit' keeps its adjective)
    while keep and _VERB_FORM.search(keep[-1].group()) and keep[-1].group().endswith("ed"):
        keep.pop()
    if not keep:
        return None
    return keep[0].start(), t[keep[0].start():keep[-1].end()]


_VERB_FORM = re.compile(r"^[a-z]{3,}(?:ing|ed)$")


_VERBS = frozenset("""expect expects push pushes raise raises brings bring sits sit build builds drive drives
support supports provide provides remains means mean suggests suggest shows show indicates indicate
is are was were be been will would could should may might can has have had reached reach reaches
grew grow grows rose rise rises increased increase decreased fell fall declined posted recorded accounted account
accounts expected expects forecast projected estimated remained remain stood stands stand totalled totaled hit amounted
saw see sees held holds hold captured occupied commanded generated achieved delivered shipped sold up down by to from at of in on than over under about around
approximately nearly almost more less followed follows follow led leads lead ranked ranks rank""".split())


def _company(t: str, original: str, a: int, b: int) -> tuple[str, int] | None:
    """A company named in t[a:b] (folded): a name with a company suffix, or a quoted name; (name, start)."""
    cat = catalogue()
    seg = t[a:b]
    for term in cat.issuer:
        k = original.find(term, a, b)      # 'the Company', 'our Group': the issuer a prospectus defines (its case)
        if k >= 0 and (k + len(term) >= len(original) or not original[k + len(term)].isalnum()):
            return original[k:k + len(term)], k
    for m in re.finditer(r"[「“\"]([^」”\"]{1,20})[」”\"]", seg):
        if _names_a_measure(m.group(1)):
            continue                       # '“修正营业利润”': the document's name of a measure, no company
        return original[a + m.start(1):a + m.end(1)], a + m.start(1)
    for suf in cat.company_suffixes:
        for m in re.finditer(re.escape(suf), seg):
            if _CJK.match(suf[0]):
                p = _zh_phrase(t, a + m.start(), 10)
                if p and len(p[1]) >= 2 and p[1] not in cat.generic and _firm_name(p[1]):
                    return original[p[0]:a + m.end()], p[0]
            elif re.match(r"(?![a-z])", seg[m.end():m.end() + 1] or " "):
                p = _en_phrase(t, a + m.start(), 4)
                if p:
                    return original[p[0]:a + m.end()].strip(), p[0]
    return None


def _firm_name(head: str) -> bool:
    """The words before a company suffix name a firm: not '上市' (公司), nor an adverb alone ('同时')."""
    cat = catalogue()
    bare = _strip_adverbs(head)
    # (a one-character word only alone: '子(公司)', but '鹏鼎电子(科技)' is a name)
    return len(bare) >= 2 and not any(bare == g or len(g) > 1 and bare.endswith(g) for g in cat.company_generic) and \
        not bare.startswith(cat.company_generic_leads)


# --------------------------------------------------------------------------- frames

def frames(text: str, norm: str | None = None, names: "Names | None" = None, dated: int | None = None,
           roc: bool = False, dated_month: int | None = None) -> list[Frame]:
    """The frames of one sentence (`text` as written; `norm` its fold(), same length; `names` the
    document's names, when the sentence is read in its document; `dated` the year of the document's dateline,
    which places 'last year', '今年' and a month or quarter with no year ('11月', with `dated_month`); `roc`: the document counts Republic-of-China years ('107年')."""
    t = (norm if norm is not None else fold(text)).lower()
    if len(t) != len(text):
        t = fold(text).lower()
    qs = quantities(t, text)
    if not qs:
        return []
    cat = catalogue()
    m = LABEL_VALUE.match(t)
    if m and len(qs) == 1 and qs[0].start == m.end():
        # '硬件: 50 亿元', '- Hardware segment: $5.0 billion': a list item; what it measures is said by the
        # sentence that introduces the list (the document's reader pairs them)
        return [_listed(qs[0], text[m.start(1):m.end(1)])]
    spans = clauses(t)
    cs = cues(t)
    periods = find_periods(t)
    years = [y for y in find_years(t, periods) if not any(q.start <= y.start < q.end for q in qs)]
    years = sorted(years + _dated_years(t, dated, roc, years, qs), key=lambda y: y.start)
    quarters = _quarters(t, (dated, dated_month) if dated else None, years)
    sentence_years = sorted({y.year for y in years if not is_base_year(t, y)})
    out: list[Frame] = []
    prev: Frame | None = None
    carried_subject: tuple[str, str, str | None] | None = None     # (subject, type, company)
    for q in qs:
        k = _clause_of(spans, q.start)
        ca, cb = spans[k]
        if _criterion(t, q, ca):
            continue                       # '超过10亿元的公司', '增长10倍以上的': a threshold that picks, no claim
        lv = LABEL_BEFORE.search(t[ca:q.start])
        if lv and not any(ca <= c.start < q.start for c in cs if c.start >= ca + lv.start(1)):
            # '…细分市场规模如下： 硬件: 50 亿元': an item of the list the clause introduces
            out.append(_listed(q, text[ca + lv.start(1):ca + lv.end(1)]))
            continue
        measure, cue = _measure(q, cs, ca, cb, t, prev)
        form = "cue-then-value" if cue is not None and cue.end <= q.start else "value-then-label"
        if measure is None and prev is not None and prev.unit_class == q.unit_class and \
                re.fullmatch(r"\s*(?:/|、|和|与|及|and|,|，|to|-|至|或|or)\s*", t[prev.end:q.start]):
            measure = next(m for m in cat.measures if m.kind == prev.kind)
            form = "pair"
        if prev is not None and prev.unit_class == q.unit_class and COMPARED.search(t[ca:q.start]):
            # '营业收入23.5亿元，比2019年的11.8亿元增长了99%': the base of a comparison, the same measure
            measure, cue, form = next(m for m in cat.measures if m.kind == prev.kind), None, "compared-base"
        if measure is None and prev is not None and prev.unit_class == q.unit_class and k > 0 and \
                not any(ca <= c.start < cb for c in cs):
            if any(ca <= y.start < cb for y in years) or any(w in t[ca:cb] for w in cat.forecast):
                # '2024年为300亿元，预计2030年将超过500亿元': the measure of the clause before, at another time
                measure = next(m for m in cat.measures if m.kind == prev.kind)
                form = "carried"
            elif _ELLIPTICAL.fullmatch(t[ca:q.start]):
                # '…the hardware segment held a 55% share, the software segment 33%': the measure before,
                # of the subject this clause names
                measure = next(m for m in cat.measures if m.kind == prev.kind)
                form = "elliptical"
        if measure is None and k > 0 and not any(ca <= c.start < cb for c in cs) and \
                re.match(r"\s*(?:为|达|达到|约为|at|of|reaching|totaling|totalling)\b", t[ca:q.start] + " "):
            # '工业细分市场规模最大，为40亿美元': the predicate of the clause before
            pa, _ = spans[k - 1]
            measure, cue = _measure(q, cs, pa, cb, t, prev)
            if measure is None and q.unit_class == "money" and re.search(r"segment|market|细分|市场", t[pa:ca]):
                measure = next(m for m in cat.measures if m.kind == "market_size")   # 'the largest segment, at $180 billion'
            if measure is not None:
                form, ca = "continued", pa
        region = _region_in(t[ca:q.start], names) if names is not None and q.unit_class == "money" else None
        if measure is None and region is not None:
            # 'Asia Pacific is the largest region with USD 4.4 billion, followed by Europe at USD 1.3 billion'
            measure, form = next(m for m in cat.measures if m.kind == "market_size"), "region-value"
        if measure is None:
            continue
        # subject
        subj = _subject(t, text, ca, cue, q, names, carried_subject) if form not in ("carried", "compared-base") else None
        if form == "region-value" and (subj is None or not subj[0]):
            subj = (text[ca + region[0]:ca + region[1]], "market", None)    # the region's market
        if form == "elliptical" and subj is None and names is not None:
            place = _region_in(t[ca:q.start], names)
            if place is not None:
                subj = (text[ca + place[0]:ca + place[1]], "market", None)   # '…, followed by Europe at USD 1.3 billion'
        if form == "elliptical" and subj is None:
            continue                       # a clause naming nothing the document knows: no subject to carry
        if subj is not None and subj[0] and subj[1] != "company" and _unit_phrase(subj[0]):
            subj = None                    # 'shipped 5.52 million units for a 6.9% share': a count's unit names nothing
        if subj is None and q.counted is not None and q.unit not in cat.not_named_by_count:
            subj = (text[q.counted[0]:q.counted[1]], "explicit", None)    # 'China exported 5.9 million vehicles'
        if subj is None and carried_subject is not None:
            subj = carried_subject
            if subj[1] == "explicit" and measure.kind not in ("cagr", "growth", "change"):
                # carried on to a share or a level, a subject is no longer the one its measure names
                # ('…分别为52亿元和18亿元，合计占医疗器械市场的0.6%'); its rate is ('…, a CAGR of 4.8%')
                subj = (subj[0], "market", subj[2])
        if subj is None:
            subj = (None, None, None)          # the document may know it (a heading, a chart title)
        if measure.needs == "company" and subj[1] == "market" and subj[0] and cue is not None and \
                cue.text in measure.firm_only and _CJK.search(subj[0]) and len(subj[0]) <= 10 and \
                names is not None and names.mentions(subj[0]) >= 2 and not names.find(fold(subj[0]).lower(), 0, len(subj[0])):
            subj = (subj[0], "company", subj[0])     # '银河娱乐去年盈利87.6亿元': a profit is a firm's
        firm = measure.needs == "company" and cue is not None and cue.text in measure.firm_only
        if measure.needs == "company" and subj[1] != "company":
            alt = next((m for m in cat.measures if m.kind == "market_size"), None)
            if q.unit_class != "money" or alt is None:
                continue
            if firm and subj[0]:
                continue                   # a profit, a valuation of what is no firm ('其总市值'): no market's size
            measure = alt
        local = bool(subj[0]) and fold(subj[0]).lower() in t[:q.start]     # named in the sentence, before it
        if subj[0]:
            carried_subject = subj
        metric = cat.concept_of.get((cue.text, measure.kind), measure.metric) if cue is not None else measure.metric
        explicit = subj[1] == "explicit"
        if explicit:
            subj = (subj[0], "market", subj[2])
        f = Frame(measure.kind, metric, q.value, q.value_text, q.unit, q.unit_class, q.mult, q.currency,
                  q.comparator, q.start, q.end, subject=subj[0], subject_type=subj[1], company=subj[2],
                  value_high=q.value_high, form=form, explicit=explicit, local=local, firm=firm)
        if f.kind == "other" and q.unit_class == "money" and f.metric == measure.metric:
            size = next(m for m in cat.measures if m.kind == "market_size")
            f.kind, f.metric = ("company_figure" if subj[1] == "company" else "market_size"), size.metric
        if subj[1] == "company" and f.kind in ("market_size", "volume"):
            f.kind = "company_figure"
        if f.kind in ("market_size", "company_figure") and q.unit_class == "money" and not q.mult and q.value < 1e6:
            continue                       # '$13,735' with no scale word: a price or a count, never a size
        # sign
        if f.kind == "growth":
            # '下降', and the cues that hold it ('同比下降', '环比下降'), give a decline
            f.sign = q.sign or ("-" if cue is not None and any(w in cue.text for w in measure.minus) else "+")
        elif q.sign == "-":
            continue
        # time
        _time(f, q, t, ca, cb, periods, years, quarters, sentence_years, out[-1] if out else None)
        after = t[q.end:q.end + 24]
        if out and out[-1].year and any(after.lstrip().startswith(w) for w in cat.year_before):
            f.year = out[-1].year - 1      # '… in 2023, up 21.3% from USD 3.42 billion a year earlier': 2022
        elif any(w in t[q.end:cb] for w in cat.relative):
            continue                       # 'by the end of the forecast period': no year places it
        elif any(w in _CLAUSE_MARKS.split(t[ca:q.start])[-1] for w in cat.assumed):
            continue                       # '假设未来五年销售价格增长率为5.0%': a model's assumption, no figure stated
        if f.kind == "cagr" and f.period is None and SAME_PERIOD.search(t):
            f.form = "same-period"          # 'over the same period': the document's period before (ingest.extract)
        elif f.kind == "cagr" and f.period is None:
            # 'grew from A in Y1 to B in Y2, at a CAGR of C': the period of the two levels before it
            levels = sorted({g.year for g in out if g.kind in ("market_size", "volume", "company_figure") and g.year})
            if len(levels) != 2:
                continue
            f.period, f.year, f.form = (levels[0], levels[1]), levels[1], "from-to-cagr"
        f.status = _status(f, t, ca, cb, years)
        out.append(f)
        prev = f
    if _PRONOUN_LEAD.match(t):
        for f in out:
            if not f.company and f.kind in ("share", "rank"):
                f.pronoun = True
    _respectively(out, t, periods)
    _respective_holders(out, t, text)
    _slashed(out, t)
    _from_to(out, t, periods)
    return out


_ATTRIBUTIVE = re.compile(r"\s*(?:(?:及)?以上|(?:及)?以下|之间|以内)?\s*的")
_THRESHOLD = re.compile(r"(?:超过|大于|高于|低于|不足|少于|多于|逾|至少|不低于|不少于)\s*$")


# a sentence whose holder is a pronoun: '其2020年…排名第一', '市场份额方面，其…' (a topic before it)
_PRONOUN_LEAD = re.compile(r"^\s*(?:[^，,。；;]{1,10}方面\s*[，,]\s*)?其(?!中|他|它|余|次|实)")


def _unit_phrase(label: str) -> bool:
    """'million units', '万辆': a scale word and a unit of count, no name."""
    cat = catalogue()
    words = fold(label).lower().split()
    units = {u.lower() for u in cat.not_named_by_count} | {u.lower() for u in cat.units}
    return bool(words) and all(w in cat.scales or w in units or w.rstrip("s") in units for w in words) and \
        any(w in units or w.rstrip("s") in units for w in words)


def _criterion(t: str, q: _Q, ca: int) -> bool:
    """A number that picks what a clause is about rather than stating it: a threshold before 的 ('超过10亿元的A股
    医药上市公司有68家', '增长10倍以上的', 'more than 1 GW of shipments' is not one), unless a measure's cue follows
    ('创造了11.3亿美元的收入' states a revenue)."""
    m = _ATTRIBUTIVE.match(t, q.end)
    if not m:
        return False
    rest = t[m.end():m.end() + 8]
    if catalogue().cue_rx.match(rest):
        return False
    explicit = bool(m.group().strip().rstrip("的"))            # '以上的', '之间的'
    return explicit or bool(_THRESHOLD.search(t[max(ca, q.start - 6):q.start]))


_SLASH_YEARS = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*/\s*((?:19|20)?\d{2})(?![\d.%])")


def _slashed(out: list[Frame], t: str) -> None:
    """'a deficit of 640kt/170kt in 2026/2027 (vs. 60kt/40kt)': each run of slash-joined values takes the
    slash-joined years in order."""
    m = _SLASH_YEARS.search(t)
    if not m or len(out) < 2:
        return
    first, second = int(m.group(1)), int(m.group(2))
    if second < 100:
        second += first // 100 * 100
    if second <= first:
        return
    i = 0
    while i < len(out) - 1:
        if out[i].kind == out[i + 1].kind and re.fullmatch(r"\s*/\s*", t[out[i].end:out[i + 1].start]) and \
                not (out[i].start <= m.start() < out[i + 1].end):
            out[i].year, out[i + 1].year = first, second
            out[i].form = out[i + 1].form = "slashed"
            i += 2
        else:
            i += 1


LABEL_VALUE = re.compile(r"\s*(?:[-•*]\s*)?([^:：\d]{1,30}?)\s*[:：]\s*(?=(?:us\$|rmb|\$|€|¥|约|about|approximately)?\s*\d)")
LABEL_BEFORE = re.compile(r"(?:^|[:：]\s*|\n)\s*(?:[-•*]\s*)?([^:：\d\n]{1,30}?)\s*[:：]\s*(?:us\$|rmb|usd|\$|€|¥|约|about|approximately)?\s*$")
def _listed(q: _Q, label: str) -> Frame:
    """A list item's frame: its label and value; the measure is the list's (ingest.extract pairs them)."""
    return Frame("listed", "", q.value, q.value_text, q.unit, q.unit_class, q.mult, q.currency, q.comparator,
                 q.start, q.end, subject=label.strip(), subject_type="segment", form="label-value")


FROM_TO = re.compile(r"from\s*$|从\s*$")


def _opens_from_to(t: str, q: "_Q") -> bool:
    """The value is the first level of a from-to: a first word right before it (its measure's noun between:
    '从盈利0.26亿元', '由亏损1.7亿元'), a last word soon after ('，上升为盈利26.5亿元', 'to US$5 billion')."""
    ends = catalogue().period_ends
    first = "|".join(map(re.escape, sorted(ends.get("first", ()), key=len, reverse=True)))
    last = "|".join(map(re.escape, sorted(ends.get("last", ()) + ("为", "成", "into"), key=len, reverse=True)))
    lead = t[max(0, q.start - 12):q.start]
    if not re.search(rf"(?:(?<![a-z])(?:{first}))\s*[\u4e00-\u9fff]{{0,3}}\s*(?:[a-z]{{2,3}}\s*\$?|us\$|\$|hk\$|€|£|¥|人民币|美元)?\s*$",
                     lead):
        return False
    return re.match(rf"[^\d，。；;,]{{0,6}}[，,]?\s*[^\d，。；;,]{{0,8}}?(?<![a-z])(?:{last})(?![a-z])", t[q.end:q.end + 24]) is not None


def _from_to(out: list[Frame], t: str, periods) -> None:
    """'grew from US$361.2 billion to US$539.5 billion, with a CAGR of 10.5% from 2020 to 2024': the two
    levels of a from-to with no year of their own take the period's first and last year."""
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.year is not None or b.year is not None or a.kind != b.kind or a.kind == "cagr":
            continue
        if not FROM_TO.search(t[max(0, a.start - 8):a.start]) or \
                not re.fullmatch(r"\s*(?:to|至|到|增长至|增至|降至)\s*(?:us\$|rmb|\$|¥)?\s*", t[a.end:b.start]):
            continue
        span = [p for p in periods if p.start > b.end]
        if len(span) == 1:
            a.year, b.year = span[0].first, span[0].last
            a.form = b.form = "from-to-period"


_BASE_WORD = re.compile(r"\b(?:over|than|compared|versus|vs)\b|比|较")
COMPARISON_BASE = re.compile(r"(?:than|versus|vs\.?|compared (?:with|to)|相比|相较|比|较)\s*(?:the\s+)?$")
BASE_YEAR = re.compile(r"(?:from|over|than|versus|vs\.?|compared (?:with|to)|比|较|相比|相较)\s*(?:the\s+)?(?:end of\s+)?$")


# a comparison's base named by its period, further back: 'compared with the same period in 2014', 'compared with
# 79.56 million units in the third quarter of 2014' (not 'from …', which opens a from-to pair with its own times)
BASE_PERIOD = re.compile(r"\b(?:compared\s+(?:with|to)|versus|vs\.?|than)\s(?:[^,;:，。；：\d]{0,12}\d[^,;:，。；：]{0,30}?|(?:in|during|for|over)\s+)?\b(?:the\s+)?"
                         r"(?:same\s+(?:period|quarter|month|time|half)|(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+"
                         r"(?:quarter|half)|q[1-4]|[12]h|h[12])\s*(?:of|in|last)?\s*$")


def is_base_year(t: str, y) -> bool:
    """A comparison's base year ('較去年同期', 'from 2023', '比2023年', 'compared with the same period in 2014'):
    never a figure's own time."""
    return bool(BASE_YEAR.search(t[max(0, y.start - 16):y.start]) or BASE_PERIOD.search(t[max(0, y.start - 90):y.start]))


COMPARED = re.compile(r"(?:比|较|相比|compared (?:with|to)|versus|vs\.?|up from|down from|(?<=%) from|(?<=percent) from|over)\s*(?:(?:19|20)\d{2}\s*年?\s*"
                      r"(?:同期|全年)?\s*(?:的|of)?)?\s*(?:约|近|超过)?\s*(?:us\$|rmb|\$|¥)?\s*$")
_ELLIPTICAL = re.compile(r"\s*(?:the\s+)?(?:[a-z][\w\-]*\s+){1,4}|\s*[\u3400-\u9fff]{2,10}")
SAME_PERIOD = re.compile(r"same period|forecast period|同期|预测期内|预测期间")


def _region_in(s: str, names: "Names") -> tuple[int, int] | None:
    """The span of the last region the text names ('Asia Pacific is the largest region with'), or None."""
    best = None
    for r in names.exclude:
        if len(r) < 2 or r not in s:
            continue
        for m in re.finditer(rf"(?<![a-z]){re.escape(r)}(?![a-z])", s):
            if best is None or (m.start(), m.end()) > best:
                best = (m.start(), m.end())
    return best


RESPECTIVELY = re.compile(r"分别|respectively|各为|依次")


def _respectively(out: list[Frame], t: str, periods) -> None:
    """'2018-2027E年市场规模分别为A、B、…', '…were A, B and C in 2018, 2019 and 2020, respectively': the
    values of a run take the years of the period (or of the years listed) in order, when the counts agree."""
    m = RESPECTIVELY.search(t)
    if not m or len(out) < 2:
        return
    run = [f for f in out if f.kind != "cagr"]
    groups: list[list[Frame]] = []
    for f in run:
        if groups and groups[-1][-1].unit_class == f.unit_class and groups[-1][-1].kind == f.kind:
            groups[-1].append(f)
        else:
            groups.append([f])
    for g in groups:
        if len(g) < 2:
            continue
        spans = [p for p in periods if p.last - p.first + 1 == len(g)]
        listed = [int(y.group()) for y in re.finditer(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,]\d)", t)
                  if not any(f.start <= y.start() < f.end for f in out)]
        if len(listed) == len(g) and listed == sorted(set(listed)):
            ys, est = listed, False
        elif spans:
            ys = list(range(spans[0].first, spans[0].last + 1))
            est = spans[0].estimate
        else:
            continue
        for f, y in zip(g, ys):
            f.year, f.period, f.form = y, None, "respectively"
            if f.status == "estimate" or (est and y == ys[-1]):
                f.status = "forecast"


def _respective_holders(out: list[Frame], t: str, text: str) -> None:
    """'苹果与三星营收分别为10亿元和8亿元': a run of values after '分别' whose subject coordinates several holders is the
    holders' in order when the counts agree; '…与…年增额各逼近6,000亿元' (each) and counts that disagree: whose
    each value is, is not certain, and the run names no one (vague: dropped, never the holders together's)."""
    cat = catalogue()
    split = re.compile(f"[{re.escape(cat.zh_coordinators)}]")
    by: dict[str, list[Frame]] = {}
    for f in out:
        if f.subject and f.kind != "cagr" and split.search(fold(f.subject)):
            by.setdefault(f.subject, []).append(f)
    for subj, run in by.items():
        k = t.find(fold(subj).lower())
        between = t[k + len(subj):run[0].start] if k >= 0 else ""
        if not re.search(r"分别|各自|各", between):
            continue
        names = [n for n in split.split(subj) if n.strip()]
        if "分别" in between and len(names) == len(run) and len({f.kind for f in run}) == 1:
            for f, n in zip(run, names):
                f.subject = n.strip()
                if f.company:
                    f.company = f.subject
        else:
            for f in run:
                f.subject, f.subject_type, f.company = "", "vague", None


def _measure(q: _Q, cs: list[_Cue], ca: int, cb: int, t: str, prev: Frame | None) -> tuple[Measure | None, _Cue | None]:
    cat = catalogue()
    by_kind = {m.kind: m for m in cat.measures}
    before = [c for c in cs if ca <= c.start and c.end <= q.start]
    after = [c for c in cs if q.end <= c.start < cb and (c.start < q.end + 8 or _PASSIVE_GAP.fullmatch(t[q.end:c.start]))]
    order = (list(reversed(before)), after)
    if len(before) >= 2 and not t[before[-2].end:before[-1].start].strip() and \
            any(before[-2].text in m.firm_only for m in before[-2].measures):
        # a firm's measure named right before the verb that gives its value: '估值达10亿美元', not a market's '达'
        order = ([before[-2]], list(reversed(before)), after)
    if after and after[0].start - q.end <= 3 and any(m.kind in ("cagr", "share") for m in after[0].measures):
        order = (after[:1], list(reversed(before)), after[1:])     # '25.8% compound annual growth rate', '12% share'
    for group in order:
        for c in group:
            for m in c.measures:
                if m.kind == "growth" and q.unit_class == "percent" and c.end <= q.start and c.text.endswith("至") or \
                        m.kind == "growth" and q.unit_class == "percent" and c.end <= q.start and \
                        re.match(rf"\s*(?:{'|'.join(map(re.escape, m.level_words))})(?![a-z])", t[c.end:q.start]) or \
                        (m.kind == "growth" and q.unit_class == "percent" and c.end <= q.start and
                         re.search(r"(?:^|\s)(?:to|from)\s+(?:less than|more than|over|about|nearly|under|)\s*$", t[c.end:q.start])):
                    # '渗透率从不足1%增长至9.4%': the level of the measure named before, not a growth rate
                    earlier = [x for x in cs if x.end <= c.start and any(
                        mm.kind != "growth" and "percent" in mm.units for mm in x.measures)]
                    if earlier:
                        return next(mm for mm in earlier[-1].measures if mm.kind != "growth"), earlier[-1]
                    if prev is not None and prev.unit_class == "percent" and prev.kind != "growth":
                        return by_kind[prev.kind], c
                    break
                if m.kind == "growth" and q.unit_class in ("money", "count") and c.end <= q.start:
                    # 'grew from A to B', '增长至300亿元': the level; 'grew by US$50 billion': the change
                    gap = t[c.end:q.start]
                    # (the change word right before the value: not 'an increase of 11% over the US$ 13.3 billion
                    # written in 2022', nor '增加至350万辆', a level)
                    first = re.match(r"\s*(\S+?)(?=\s|$|[\u3400-\u9fff]|\d)", gap)
                    level = any(gap.lstrip().startswith(w) for w in m.level_words)
                    # ('grew in 2024 by USD 5 billion': the word right before the value, after the time, says so)
                    just = re.search(r"(?:^|\s)([a-z]+)\s*(?:us\$|usd|rmb|cny|eur|\$|¥)?\s*$", gap)
                    timed = re.fullmatch(r"\s*(?:in|during)\s+(?:19|20)\d{2}\s+[a-z]+\s*(?:us\$|usd|rmb|cny|eur|\$|¥)?\s*", gap)
                    if not level and (not re.search(r"\d", gap) and (
                            first is not None and first.group(1) in m.change_words or
                            any(re.match(rf"\s*{re.escape(w)}", gap) for w in m.change_words if _CJK.match(w)) or
                            c.text in m.change_words) or timed and just and just.group(1) in m.change_words):
                        return by_kind["change"], c
                    return by_kind["market_size" if q.unit_class == "money" else "volume"], c
                if q.unit_class in m.units or (q.unit_class == "price" and "money" in m.units) or \
                        (q.unit_class in ("count", "times") and "count" in m.units and m.kind != "other"):
                    if m.kind == "volume" and q.unit_class != "count":
                        continue
                    return m, c
    if q.unit_class == "rank":
        return by_kind["rank"], None
    if q.unit_class in ("count", "times"):
        if before or after:
            return by_kind["other"], (before[-1] if before else after[0])
    return None, None


# a Chinese name written with its Latin brand ('光陽（KYMCO）', '三陽SYM'), then at most the document's market and a
# month or quarter, right before the measure: a maker's figure ('光陽（KYMCO）11月領牌數達1萬3817輛')
_BRANDED = re.compile(r"([\u3400-\u9fff]{2,4})\s*(?:[（(]\s*(?P<alias>[A-Z][A-Za-z]{2,14})\s*[)）]|(?P<bare>[A-Z]{3,14}))"
                      r"(?P<rest>[^\s，,。；;：:（）()]{0,12})\s*$")
_MONTH_OR_QUARTER = re.compile(r"(?:(?:\d{1,2}\s*[~～\-至]\s*)?\d{1,2}\s*月(?:份)?|第?[一二三四1-4]\s*季(?:度)?|[上下]半年)?\s*$")


def _branded(t: str, text: str, ca: int, head_end: int, names: "Names") -> str | None:
    m = _BRANDED.search(text[:head_end], ca)
    if m is None:
        return None
    run = m.group(1)                       # '龍頭三陽（SYM）': the name the document writes again ('三陽')
    name = next((run[-n:] for n in range(len(run), 1, -1) if names.mentions(run[-n:]) >= 2), None)
    if name is None:
        return None                        # a name the document writes once: an acronym's gloss ('人工智慧（AI）') as like
    k = m.start("rest")
    if re.match(r"\s*(?:市场|行业|产业|赛道|领域|板块)", t[k:]):
        return None                        # '高效能運算（HPC）市場規模…': a market's gloss, no maker
    first = catalogue().cue_rx.search(t, k, head_end)
    head_end = first.start() if first else head_end      # '…11月|領牌數|達': the measure's cue and its verb
    rest = t[k:head_end]
    known = [x for x in names.find(t, k, head_end) if x[0] == k and x[3] != "company"]
    if known:
        rest = t[known[0][1]:head_end]     # '三陽SYM|機車|1~11月': the document's market, then the time
    a = m.end(1) - len(name)
    inner = names.find(t, a, m.end(1))
    if not _MONTH_OR_QUARTER.fullmatch(rest) or inner and inner[0][3] != "company" or _ZH_MARKET_END.search(fold(rest)):
        return None                        # the document's market, or a time it does not read after the name
    return f"{text[a:m.end(1)]}（{m.group('alias') or m.group('bare')}）"     # one name for both ways of writing it


def _subject(t: str, text: str, ca: int, cue: _Cue | None, q: _Q, names: "Names | None" = None,
             carried: tuple[str, str, str | None] | None = None) -> tuple[str, str, str | None] | None:
    head_end = cue.start if cue is not None and cue.end <= q.start else q.start
    comp = _company(t, text, ca, head_end)
    if comp:
        return comp[0], "company", comp[0]
    brand = _branded(t, text, ca, head_end, names) if names is not None else None
    if brand:
        return brand, "company", brand
    if names is not None and not _CJK.search(t[ca:head_end]):
        # 'the penetration rate of NEVs', 'the market size of integrated circuit is projected to reach …'
        for c in reversed([c for c in cues(t[:q.start]) if ca <= c.start and c.end <= q.start]):
            if re.match(r"\s*(?:of|for)\s+", t[c.end:q.start]):
                subj = _phrase_subject(t, text, ca, c.start, c, q)
                if subj:
                    return subj
    if names is not None:
        subj = _phrase_subject(t, text, ca, head_end, cue, q, names.exclude)
        if subj and subj[1] == "vague":
            return subj
        if subj and subj[0]:
            # the phrase before the measure: the name it holds, else the phrase itself where it is clean
            a = t.find(fold(subj[0]).lower(), ca, head_end + 1)
            inner = names.find(t, a, a + len(subj[0])) if a >= 0 else []
            if inner:
                x0, x1, _label, kind = inner[-1]
                written = text[x0:x1]
                return (written, "company", written) if kind == "company" else (written, kind, None)
            if not re.search(r"\d", subj[0]):
                return subj
        held = _holder(t, text, ca, head_end)
        if held:
            return held
        # the document's names: the one nearest before the measure in the clause, else the company an earlier
        # clause's figure was credited to ('光陽…領牌數達1萬3817輛，…，市佔率25.4%'), else the sentence's
        found = names.find(t, ca, head_end)
        if not found and carried is not None and carried[1] == "company":
            return carried
        found = found or names.find(t, 0, ca)
        if found:
            a, b, label, kind = found[-1]
            written = text[a:b]
            return (written, "company", written) if kind == "company" else (written, kind, None)
        return None
    return _phrase_subject(t, text, ca, head_end, cue, q)


def _holder(t: str, text: str, ca: int, head_end: int) -> tuple[str, str, str | None] | None:
    """'金属制品业以1兆7,563亿元、占8%排名第三': a clause opening with a phrase, a holder's mark and a value names
    the holder of its figures, before any name an earlier clause wrote."""
    marks = catalogue().holder_marks
    if not marks:
        return None
    m = re.match(r"\s*([\u4e00-\u9fff]{2,16}?)(?:%s)\s*[\d一二三四五六七八九十两]" % "|".join(map(re.escape, marks)),
                 t[ca:head_end])
    if m is None:
        return None
    a, b = ca + m.start(1), ca + m.end(1)
    lead = len(t[a:b]) - len(_ZH_LEAD.sub("", t[a:b]))
    name = _strip_adverbs(text[a + lead:b])
    if len(name) < 2 or _all_generic(fold(name)) or any(c in catalogue().cut for c in name):
        return None
    return name, "market", None


@functools.lru_cache(maxsize=1)
def _adverbs_longest_first() -> tuple[str, ...]:
    return tuple(sorted(catalogue().zh_adverbs, key=len, reverse=True))


def _strip_adverbs(phrase: str) -> str:
    """'同比名义' -> '': the qualifiers at a Chinese phrase's ends stripped."""
    words = _adverbs_longest_first()
    changed = True
    while phrase and changed:
        changed = False
        for w in words:
            if phrase.startswith(w):
                phrase, changed = phrase[len(w):].strip(), True
            if phrase.endswith(w):
                phrase, changed = phrase[:-len(w)].strip(), True
    return phrase


def _strip_adverbs_end(phrase: str) -> str:
    """'精英动漫实现' -> '精英动漫': the qualifiers and verbs of reporting at a Chinese phrase's end stripped."""
    changed = True
    while phrase and changed:
        changed = False
        for w in _adverbs_longest_first():
            if phrase.endswith(w) and len(phrase) > len(w):
                phrase, changed = phrase[:-len(w)].rstrip(), True
    return phrase


def _strip_cues(phrase: str) -> str:
    """'AI 推理芯片市场规模' -> 'AI 推理芯片': a measure's cue at the end of a subject phrase is no part of it."""
    rx = catalogue().cue_rx
    while True:
        m = None
        for m in rx.finditer(phrase):
            pass
        if m is None or m.end() != len(phrase) or m.start() == 0:
            return phrase.strip()
        phrase = phrase[:m.start()].rstrip()


@functools.lru_cache(maxsize=1)
def _noun_cues() -> frozenset[str]:
    """The cues that name a measure (the vocabulary's labels: '收入', '市场规模', '销量'), not a verb ('达到')."""
    cat = catalogue()
    return frozenset(k for k, kind in cat.concept_of if _CJK.search(k) and kind in ("market_size", "volume")
                     and not any(w in k for w in cat.headed_not))


def _noun_cue(s: str) -> bool:
    return bool(s) and (s in _noun_cues() or any(s.startswith(c) and catalogue().cue_rx.fullmatch(s[len(c):].strip())
                                                 for c in _noun_cues()))


_ZH_YEAR_TAIL = re.compile(r"(?:在|于|为)?\s*(?:19|20)\d{2}\s*(?:e|年)?\s*$")
_ZH_TIME_TAIL = re.compile(r"(?:去年|今年|明年|前年|全年|上半年|下半年|年内|同期)\s*$")   # deictic: no year a verb may end (预估2023年)
_ZH_MARKET_END = re.compile(r"(?:市场|行业|产业|赛道|领域)$")


def _phrase_subject(t: str, text: str, ca: int, head_end: int, cue: _Cue | None, q: _Q,
                    regions: set[str] = frozenset()) -> tuple[str, str, str | None] | None:
    cat = catalogue()
    lead = t[max(ca, head_end - 24):head_end]
    if any(re.search(rf"(?<![a-z\-]){re.escape(v)}(?![a-z\-])", lead) for v in cat.vague):
        return "", "vague", None          # 'the fastest-growing segment', '最大细分市场': not named
    zh = bool(_CJK.search(t[ca:head_end]))
    if zh:
        j = head_end
        for _ in range(3):
            p = _zh_phrase(t, j)
            while p is not None and p[0] > 1 and t[p[0] - 1] in cat.zh_coordinators and _CJK.match(t[p[0] - 2]) \
                    and p[0] - 1 not in _glossary_positions(t):
                # '电脑电子产品及|光学业年增额': one name of its conjuncts together, not its last alone
                more = _zh_phrase(t, p[0] - 1)
                if more is None or len(more[1]) + 1 + len(p[1]) > 24:
                    break
                p = (more[0], t[more[0]:p[0] + len(p[1])])
            if p is not None:
                written = p[1]
                p = (p[0], _strip_cues(p[1]))
                # '电信业务收入累计完成1.47万亿元': the noun of a measure ('收入', '市场规模') heads the phrase
                headed = _noun_cue(written[len(p[1]):].strip()) or \
                    cue is not None and cue.start == head_end == p[0] + len(written) and _noun_cue(cue.text) or \
                    _ZH_LEAD.sub("", written).startswith(cat.aggregate_leads) and \
                    any(w in written[len(p[1]):] for w in cat.headed_not)
                # ('全国营运中工厂总营收': a firm's measure of a whole is the whole's)
                if cat.cue_rx.fullmatch(_strip_adverbs(_ZH_LEAD.sub("", p[1]))):
                    # '医疗器材业在2015年产值突破600亿元': the measure's own name; its subject is before its year
                    j = p[0]
                    ym = _ZH_YEAR_TAIL.search(t[ca:j]) or _ZH_TIME_TAIL.search(t[ca:j])
                    if ym:
                        j = ca + ym.start()
                    continue
                for _ in range(2):           # '中国大陆新能源车' -> '新能源车': a region before the subject is its place
                    r = next((r for r in sorted(regions, key=len, reverse=True) if r and _CJK.match(r[0])
                              and _ZH_LEAD.sub("", p[1]).startswith(r) and len(_ZH_LEAD.sub("", p[1])) > len(r)), None)
                    if r is None:
                        break
                    lead_n = len(p[1]) - len(_ZH_LEAD.sub("", p[1]))
                    p = (p[0] + lead_n + len(r), p[1][lead_n + len(r):])
                if p[0] > 0 and t[p[0] - 1] in "“「\"《" and p[0] + len(p[1]) == head_end:
                    return None            # '“修正营业利润”': the measure's own quoted name, no subject before it
                if p[0] > 0 and t[p[0] - 1] in "“「\"《" and t[p[0] + len(written):p[0] + len(written) + 1] in ("”", "」", "\"", "》") \
                        and _names_a_measure(written):
                    return "", "vague", None       # '16家公司的“修正营业利润”增长…': a measure's name, whose it is not said
                if t[:p[0]].rstrip().endswith("占"):
                    return None            # '占GDP比重达39.8%': the whole a share is of, not its holder
                if p[1].startswith(cat.comparisons):
                    return "", "vague", None       # '高于GDP名义增速3.4个百分点': a comparison's standard
                s = _ZH_LEAD.sub("", p[1])
                s = re.sub(r"(?:市场|行业|产业)$", "", s)
                if not _strip_adverbs(s):
                    return None            # '同比名义增长16.2%': the clause names no subject
                if len(s) >= 2 and not _all_generic(s):     # '行业整体零售额': the whole industry, no name
                    lead = len(p[1]) - len(_ZH_LEAD.sub("", p[1]))
                    # '精英动漫实现|营业收入': a verb of reporting at its end is no part of the name
                    # (not '增加值比上': a phrase left ending with a measure's noun is read as before)
                    trimmed = _strip_adverbs_end(s)
                    tail = 0 if trimmed.endswith(cat.measure_ends) else len(s) - len(trimmed)
                    return text[p[0] + lead:p[0] + len(p[1]) - tail].strip(), ("explicit" if headed else "market"), None
                j = p[0]
            while j > ca and t[j - 1] in " 的之":        # '宁德时代的全球市场份额': past the particle
                j -= 1
            tm = _ZH_TIME_TAIL.search(t[ca:j])
            before = t[ca:ca + tm.start()].rstrip() if tm else ""
            if tm and p is None and before and before[-1] not in "于在至到为达将计期内及和与从自":
                # (not '预计于2030年达到…': a preposition or a verb before the time, no name)
                j = ca + tm.start()        # '银河娱乐去年盈利87.6亿元': past the time, to the subject before it
            if j <= ca:
                break
        return None
    # English: 'the market size for X', 'the penetration rate of X', 'X shipments', the clause's subject
    head = t[ca:head_end]
    if cue is not None and cue.end <= q.start:
        m = re.match(r"\s*(?:of|for)\s+", t[cue.end:q.start])
        if m:
            p = _en_forward(t, cue.end + m.end(), q.start)
            if p and _content(p[1]):
                return text[p[0]:p[0] + len(p[1])], "explicit", None
    m = re.search(r"(?:market|industry|sector)\s+(?:for|of)\s+", head)
    if m:
        p = _en_forward(t, ca + m.end(), head_end)
        if p and _content(p[1]):
            return text[p[0]:p[0] + len(p[1])], "market", None
    p = _en_phrase(t, head_end, start=ca)
    if p is not None and p[1].strip() in regions:
        return None                    # 'In 2024, China exported …': a place, not what is measured
    while p is not None and " " in p[1] and re.sub(r"['’]s$", "", p[1].split()[0]) in regions:
        first = p[1].split()[0]        # 'China’s vehicle| sales': the place is the figure's region, not its subject
        rest = p[1][len(first):].lstrip()
        p = (p[0] + len(p[1]) - len(rest), rest)
    if p is not None and _content(p[1]):
        # 'global vehicle sales increased from …': the noun the measure's cue heads is what it measures
        gap = t[p[0] + len(p[1]):head_end].strip()
        m = catalogue().cue_rx.match(gap)
        # 'global vehicle sales| increased', 'AI PC shipments are projected to| grow': the measure's noun, then its verb
        headed = cue is not None and cue.end <= q.start and m is not None and \
            all(w in _VERBS or w in catalogue().strip_en for w in gap[m.end():].split())
        return text[p[0]:p[0] + len(p[1])], ("explicit" if headed else "market"), None
    if any(w.group().rstrip(".'") in catalogue().en_bounds for w in _EN_WORD.finditer(t, ca, head_end)):
        return None                    # 'the IDC says that global shipments …': the clause's opening is another's
    lead = re.match(r"\s*(?:[-•*]\s*)?", head)
    p = _en_forward(t, ca + lead.end(), head_end)
    if p is None or not _content(p[1]) or p[1].strip() in regions:
        return None                    # 'In 2024, China exported …': a place, not what is measured
    return text[p[0]:p[0] + len(p[1])], "market", None


@functools.lru_cache(maxsize=1)
def _generic_longest_first() -> tuple[str, ...]:
    return tuple(sorted(catalogue().generic, key=len, reverse=True))


def _all_generic(phrase: str) -> bool:
    """'行业整体', '全国市场': a phrase of generic words alone names nothing."""
    for g in _generic_longest_first():
        phrase = phrase.replace(g, "")
    return not phrase.strip()


def _content(phrase: str) -> bool:
    cat = catalogue()
    if any(re.fullmatch(r"[\d.,%$]+", w) for w in phrase.split()):
        return False                   # 'an increase of 11%': a number is no subject ('DDR5 SPD chip' is one)
    return any(w not in cat.strip_en and w not in cat.generic and w not in _VERBS for w in phrase.split())


def _time(f: Frame, q: _Q, t: str, ca: int, cb: int, periods, years, quarters, sentence_years,
          last: Frame | None = None) -> None:
    if f.kind == "cagr":
        near = sorted(periods, key=lambda p: abs(p.start - q.start))
        if near:
            f.period = (near[0].first, near[0].last)
            f.year = near[0].last
        return
    zh = bool(_CJK.search(t[ca:cb]))
    inside = [y for y in years if ca <= y.start < cb]
    base = [y for y in inside if BASE_YEAR.search(t[max(ca, y.start - 12):y.start]) or
            BASE_PERIOD.search(t[max(ca, y.start - 90):y.start]) or
            (f.kind in ("growth", "change") and y.start >= q.end and _BASE_WORD.search(t[q.end:y.start]))]
    if base and f.form != "compared-base":
        inside = [y for y in inside if y not in base]     # 'down 8.4% from 2023', '比2023年下降': the base year
    qin = [x for x in quarters if ca <= x[0] < cb]
    if qin:
        x = min(qin, key=lambda x: abs(x[0] - q.start))
        f.subperiod = x[2]
        if x[3]:
            f.year = x[3]
    if f.year is None and inside:
        def dist(y):
            if y.start >= q.end:
                after_in = re.match(r"\s*(?:in|by|for|of|during)\s*$", t[q.end:y.start])
                return (0 if after_in else 2 if zh else 1, y.start - q.end)
            return (1 if not zh else 0, q.start - y.end)
        f.year = min(inside, key=dist).year
    if f.year is None:
        pin = [p for p in periods if ca <= p.start < cb]
        if f.kind in ("market_size", "volume", "company_figure"):
            lead = [p for p in periods if p.start < q.start]
            end = _period_end(t[max(lead[-1].end, q.start - 16):q.start]) if lead else None
            if end is not None:
                f.year = lead[-1].first if end == "first" else lead[-1].last
                return
            if not lead and not inside:
                end = _period_end(t[max(ca, q.start - 16):q.start])
                if end == "first" or end == "last" and last is not None and last.period_end == "first" and \
                        last.kind == f.kind:
                    f.period_end = end    # 'During the same period, China's market grew from A to B'
                    return
        if pin and f.kind in ("market_size", "volume", "company_figure"):
            return
        # a clause with no time of its own: the time of the sentence's figure before it ('11月領牌數達2萬3772輛，
        # 較去年同期微減1.37%；市佔率達43.8%'), else the year leading the clause ('预计到2030年，全球…将达到…');
        # a comparison's base ('較去年同期', 'from 2023') is no figure's time
        before = [y for y in years if y.end <= ca and not is_base_year(t, y)]
        if _opens_from_to(t, q):
            f.untimed = f.from_level = True   # '热景生物从盈利0.26亿元，上升为盈利26.5亿元': not the year B is of
            return
        if _own_deictic(t, ca, cb):
            f.untimed = True    # '去年1到11月累积产值…' undated: its own time, which no year before it is
            return
        if last is not None and last.untimed and not last.from_level and (not before or before[-1].start < last.start):
            f.untimed = True    # '…去年累积产值769亿元，年增16.5%': the time of the figure before, which is unknown
            return
        if last is not None and last.year is not None and last.period is None and \
                (not before or before[-1].start < last.start):
            f.year, f.subperiod = last.year, f.subperiod or last.subperiod
        elif before:
            f.year = before[-1].year
        elif len(sentence_years) == 1:
            f.year = sentence_years[0]


@functools.lru_cache(maxsize=1)
def _carried_rx() -> re.Pattern:
    cat = catalogue()
    words = "|".join(map(re.escape, sorted(cat.carried, key=len, reverse=True)))
    base = "".join(f"(?<!{re.escape(w)})" for w in cat.carried_not_after)
    return re.compile(rf"{base}(?<![a-z])(?:{words})(?![a-z])")


def continues_time(text: str) -> bool:
    """Whether a sentence that names no time of its own says it continues the time of the one before ('During
    the same period, …', '其中…'); '较去年同期' is a comparison's base, not a continuation (folded, lower-case)."""
    return bool(_carried_rx().search(text))


@functools.lru_cache(maxsize=1)
def _that_year_rx() -> re.Pattern:
    cat = catalogue()
    words = "|".join(map(re.escape, sorted(cat.that_year, key=len, reverse=True)))
    return re.compile(rf"(?<![a-z])(?:{words})(?![a-z])")


def names_that_year(text: str) -> bool:
    """Whether a sentence names its year as the one the text last told ('该年', 'that year'; folded, lower-case)."""
    return bool(_that_year_rx().search(text))


@functools.lru_cache(maxsize=1)
def _period_end_rx() -> re.Pattern:
    ends = catalogue().period_ends
    alt = lambda k: "|".join(map(re.escape, sorted(ends.get(k, ()), key=len, reverse=True)))   # noqa: E731
    return re.compile(rf"(?:(?<![a-z])(?P<first>{alt('first')})|(?<![a-z])(?P<last>{alt('last')}))"
                      rf"\s*(?:[a-z]{{2,3}}\s*\$?|us\$|\$|hk\$|€|£|¥|人民币|美元)?\s*$")


def _period_end(lead: str) -> str | None:
    """'first' when the words right before a level are 'from' ('从'), 'last' when 'to' ('增长至'), else None."""
    m = _period_end_rx().search(lead)
    return None if m is None else ("first" if m.group("first") else "last")


@functools.lru_cache(maxsize=1)
def _deictic_rx() -> re.Pattern:
    words = sorted(catalogue().deictic, key=len, reverse=True)
    return re.compile(rf"(?<![a-z])(?:{'|'.join(map(re.escape, words))})(?![a-z])")


_BASE_VALUE = re.compile(r"\b(?:from|than|versus|vs\.?|compared (?:with|to))\s+(?:[a-z$¥€£]+\s*)?\d[\d.,]*\s*(?:[a-z]+\s+){0,3}$")


def _own_deictic(t: str, a: int, b: int) -> bool:
    """A time word of the clause's own ('去年', 'last year'), not a comparison's base ('较去年同期', 'than last year')."""
    for m in _deictic_rx().finditer(t, a, b):
        if not re.search(r"(?:较|比|与|和|对|than|from|vs\.?|over)\s*$", t[max(0, m.start() - 5):m.start()]) and \
                not t[m.end():].lstrip().startswith(("同期", "同月")) and \
                not _BASE_VALUE.search(t[max(0, m.start() - 40):m.start()]):
            # (nor the time of a base value: 'up 21.3% from USD 3.42 billion a year earlier')
            return True
    return False


@functools.lru_cache(maxsize=1)
def _roc_rx() -> re.Pattern:
    r = catalogue().roc
    era = "|".join(map(re.escape, r.get("era", ())))
    return re.compile(rf"(?P<era>{era})?\s*(?<![\d.,])(?P<n>\d{{2,3}})\s*(?=年)")


def _dated_years(t: str, dated: int | None, roc: bool, years, qs) -> list[YearMention]:
    """Years the sentence gives against its document: 'last year' by the dateline, '107年' in the ROC era."""
    cat = catalogue()
    out = []
    if dated:
        for m in _deictic_rx().finditer(t):
            if not any(y.start <= m.start() < y.end for y in years):
                out.append(YearMention(m.start(), m.end(), dated + cat.deictic[m.group()], False))
    if roc and cat.roc:
        r = cat.roc
        for m in _roc_rx().finditer(t):
            n = int(m.group("n"))
            after = t[m.end("n"):].lstrip()[1:]          # past '年'
            before = t[max(0, m.start("n") - 3):m.start("n")]
            if not (m.group("era") or r["first"] <= n <= r["last"]):
                continue
            if not m.group("era") and (any(before.endswith(w) for w in r["not_before"]) or
                                       any(after.startswith(w) for w in r["not_after"])):
                continue
            if any(q.start <= m.start("n") < q.end for q in qs):
                continue
            out.append(YearMention(m.start("n"), m.end("n") + 1, r["offset"] + n, False))
    return out


def _status(f: Frame, t: str, ca: int, cb: int, years) -> str:
    cat = catalogue()
    clause = t[ca:cb]
    est = any(y.estimate and y.year == f.year for y in years)
    if any(w in clause for w in cat.forecast):
        return "forecast"
    if est:
        return "estimate"
    return "actual"


# --------------------------------------------------------------------------- the document's names

_TICKER = re.compile(r"([\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z&.\- ]{1,20}?)\s*[（(]\s*(?:\d{4,6}\.(?:sh|sz|bj|hk)|"
                     r"[a-z]{1,5}\.(?:o|n|us|hk)|(?:nasdaq|nyse|hkex|sehk)\s*[:：]\s*[a-z0-9.]+|\d{4,5}\.hk)\s*[)）]", re.I)
@functools.lru_cache(maxsize=1)
def _en_company_rx() -> re.Pattern:
    """A capitalised name before a verb only a firm does ([subjects] company_verbs): 'Dell ranked third'."""
    verbs = "|".join(map(re.escape, sorted(catalogue().company_verbs, key=len, reverse=True)))
    return re.compile(rf"(?<![\w&.\-])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+(?:{verbs})\b")


def _written_lowercase(word: str, texts: list[str]) -> bool:
    """The document writes `word` lower-case too ('notebook shipments'): a common noun that began a sentence
    ('Notebooks shipped …'), no name ('Dell ranked third' — 'dell' is never written so)."""
    stem = word.lower()[:-1] if len(word) > 3 and word.lower().endswith("s") else word.lower()
    rx = re.compile(rf"(?<![\w\-]){re.escape(stem)}(?:s|es)?(?![\w\-])")
    return any(rx.search(x) for x in texts)


_QUOTED = re.compile(r"[「“\"《]([^」”\"》\n]{2,16})[」”\"》]")
_ZH_MARKET = re.compile(r"([\u3400-\u9fffA-Za-z0-9]{2,14}?)(?:细分市场|市场|行业|产业|赛道|领域)")
_ZH_MEASURED = re.compile(r"(?<![\u3400-\u9fff])([\u3400-\u9fff]{2,10}?)(?:规模|产值|增加值|营业收入|业务收入|零售额|销售额|出货量|销量|产量)"
                          r"(?=\s*(?:达到|达|为|约|超过|突破|同比|增长|实现|累计|已|将|预计|\d))")
_EN_MARKET = re.compile(r"\b((?:[a-z0-9][\w\-&+.']*\s){0,4}[a-z0-9][\w\-&+.']*)\s+(?:market|industry|sector|segment)s?\b")
_EN_NAME = re.compile(r"\b([A-Z][\w&\-.]*(?:\s+[A-Z][\w&\-.]*){0,3})")


@dataclass
class Names:
    """The names a document uses for what it measures: companies (named with a company suffix, or quoted
    and used as a subject), markets and segments ('X市场', 'the X market'), and names its title and
    headings give. Folded, lower-cased keys -> (label as written, type)."""
    known: dict[str, tuple[str, str]] = field(default_factory=dict)
    rx: re.Pattern | None = None
    exclude: set[str] = field(default_factory=set)
    text: str = ""                       # the document's sentences, folded and lower-cased

    def mentions(self, label: str) -> int:
        """How often the document writes `label` ('银河娱乐' in a news digest: a name it uses, not a clause)."""
        key = fold(label).lower()
        return self.text.count(key) if key else 0

    def add(self, label: str, kind: str) -> None:
        label = label.strip(" -·:：,，")
        key = fold(label).lower()
        cat = catalogue()
        if any(re.search(rf"(?<![a-z\-]){re.escape(v)}(?![a-z\-])", key) for v in cat.vague):
            return
        if key in self.exclude or any(key in r for r in self.exclude if len(r) <= 8 and _CJK.match(key[:1] or "a")):
            return                     # a region ('中国大陆' and its '大陆') is a place, not what is measured
        if len(key) < 2 or key in cat.generic or key in cat.strip_en or re.fullmatch(r"[\d\s.,%]+", key) \
                or key in cat.cue_of or _ZH_LEAD.fullmatch(key):
            return
        if key not in self.known or kind == "company":
            self.known[key] = (label, kind)

    def compile(self) -> None:
        keys = sorted(self.known, key=len, reverse=True)
        self.rx = re.compile("|".join(re.escape(k) for k in keys)) if keys else None

    def find(self, t: str, a: int, b: int) -> list[tuple[int, int, str, str]]:
        if self.rx is None:
            return []
        out = []
        for m in self.rx.finditer(t, a, b):
            k = m.group()
            if k.isascii() and ((m.start() > 0 and t[m.start() - 1].isalnum()) or (m.end() < len(t) and t[m.end()].isalnum())):
                continue
            label, kind = self.known[k]
            out.append((m.start(), m.end(), label, kind))
        return out


def _names_a_measure(label: str) -> bool:
    """'“修正营业利润”': a quoted name ending in a measure's cue is the document's measure, no company."""
    key = fold(label).lower().strip()
    m = None
    for m in catalogue().cue_rx.finditer(key):
        pass
    return m is not None and m.end() == len(key)


def names_nothing(label: str | None) -> bool:
    """A label no figure can be credited to: a lone adjective or verb ('new', '活跃'), or a cited source
    ('英国调查公司LMC Automotive预测称')."""
    if not label:
        return False
    cat = catalogue()
    low = fold(label).lower().strip(" \t'\"“”‘’「」()（）")
    return low in cat.not_names or any(w in low for w in cat.sources)


def verb_headed(phrase: str) -> bool:
    """'正式投入' before 市场: a verb's object, no market's name (folded text)."""
    return fold(phrase).rstrip().endswith(catalogue().verb_heads)


def document_names(texts: list[str], titles: list[str], exclude: set[str] = frozenset()) -> Names:
    """The names of a document from its sentences (`texts`) and its title and headings; `exclude`: folded
    lower-case labels that are no names of what is measured (the glossary's regions)."""
    cat = catalogue()
    names = Names(exclude=set(exclude), text="\n".join(fold(x).lower() for x in texts))
    regions = sorted((r for r in exclude if _CJK.search(r)), key=len, reverse=True)
    counts: dict[str, int] = {}
    for text in texts:
        t = fold(text)
        tl = t.lower()
        for m in _TICKER.finditer(t):        # '万泰生物（603392.SH）', '科兴生物（SVA.O）': a listed company
            p = _zh_phrase(tl, m.end(1), 8) if _CJK.search(m.group(1)[-1:]) else _en_phrase(tl, m.end(1), 4)
            if p:
                names.add(text[p[0]:m.end(1)], "company")
        for m in _en_company_rx().finditer(text):   # 'Dell ranked third', 'Apple shipped 5.6 million PCs'
            key = fold(m.group(1)).lower()
            if not text[:m.start()].strip() and _written_lowercase(m.group(1), texts):
                continue                   # 'Notebooks shipped 40 million units': a word the text writes lower-case
            if not any(w in cat.strip_en or w in cat.en_bounds or w in cat.generic for w in key.split()) and \
                    key not in names.exclude:
                names.add(m.group(1), "company")
        for m in _QUOTED.finditer(t):
            inner = m.group(1)
            if not re.search(r"[，,。；;：:！!？?]", inner) and len(inner) <= 12:
                counts[inner] = counts.get(inner, 0) + 1
        for suf in cat.company_suffixes:
            if not _CJK.match(suf[0]):
                continue
            for m in re.finditer(re.escape(suf), t):
                p = _zh_phrase(tl, m.start(), 10)
                if p and len(_ZH_LEAD.sub("", p[1])) >= 2 and _firm_name(_ZH_LEAD.sub("", p[1])):
                    lead = len(p[1]) - len(_ZH_LEAD.sub("", p[1]))
                    names.add(text[p[0] + lead:m.end()], "company")
        if _CJK_SPACES.search(t):
            t = _CJK_SPACES.sub("", t)          # PDF text's '在 線 教 育市場': the name without its spaces
        for m in _ZH_MARKET.finditer(t):
            s = _ZH_LEAD.sub("", m.group(1))
            lead = next((r for r in regions if s.lower().startswith(r)), None)
            if lead and len(s) - len(lead) >= 2:
                s = s[len(lead):]          # '台湾外送平台': the region's market '外送平台' 
            a = m.start(1) + len(m.group(1)) - len(s)
            if len(s) >= 2 and not any(_cuts(t.lower(), j) for j in range(a, m.end(1))) and not verb_headed(s):
                counts["\0" + s] = counts.get("\0" + s, 0) + 1
        for m in _EN_MARKET.finditer(tl):
            words = [w for w in m.group(1).split() if w not in cat.strip_en and w not in _VERBS]
            if words and re.search(r"['’]s$", words[-1]):
                continue                # "Apple's market share": the market's holder, no market's name
            if words and not any(w in cat.cue_of for w in words):
                counts["\1" + " ".join(words)] = counts.get("\1" + " ".join(words), 0) + 1
        for m in _ZH_MEASURED.finditer(t):      # '数字经济规模达到45.5万亿元': what the document measures
            s = _ZH_LEAD.sub("", m.group(1))
            a = m.start(1) + len(m.group(1)) - len(s)
            if len(s) >= 2 and s not in cat.generic and not any(_cuts(t.lower(), j) for j in range(a, m.end(1))) \
                    and not verb_headed(s) and not _ZH_MARKET_END.search(s):
                counts["\2" + s] = counts.get("\2" + s, 0) + 1
    for k, n in counts.items():
        if k.startswith("\2"):
            if n >= 2:                           # named so twice: a thing the document measures, no fragment
                names.add(k[1:], "market")
        elif k.startswith("\0"):
            names.add(k[1:], "market")
        elif k.startswith("\1"):
            names.add(k[1:], "market")
        elif n >= 2 and not _names_a_measure(k):
            names.add(k, "company")              # a quoted name the text uses more than once: a brand or company
    for title in titles:
        for m in _ZH_MARKET.finditer(fold(title)):
            names.add(_ZH_LEAD.sub("", m.group(1)), "market")
        for m in _EN_MARKET.finditer(fold(title).lower()):
            words = [w for w in m.group(1).split() if w not in cat.strip_en and w not in _VERBS]
            if words:
                names.add(" ".join(words), "market")
    names.compile()
    return names
