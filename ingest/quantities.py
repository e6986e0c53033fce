"""Numbers, units, years and periods in (folded) text: the number/unit normaliser.

Works on text already passed through ``ingest.text.fold`` + ``replace_zh_years`` (half-width digits,
simplified Chinese, Chinese-numeral years as digits), so offsets are offsets in the original.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .text import parse_number

# 兆 is 10^12 before a currency ('1.2 兆元', Taiwan's usage); '兆瓦' is a megawatt and no amount at all.
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
ZH_SCALES = {"万亿": 12, "兆": 12, "千亿": 11, "百亿": 10, "十亿": 9, "亿": 8, "千万": 7, "百万": 6, "万": 4, "千": 3}
EN_SCALES = {"trillion": 12, "tn": 12, "billion": 9, "bn": 9, "b": 9, "million": 6, "mn": 6, "m": 6,
             "thousand": 3, "k": 3}
ZH_CURRENCIES = {"元人民币": "CNY", "人民币元": "CNY", "元新台币": "TWD", "元港币": "HKD", "人民币": "CNY", "美元": "USD", "元": "CNY",
                 "新台币": "TWD", "台币": "TWD", "港元": "HKD", "港币": "HKD", "欧元": "EUR", "日元": "JPY",
                 "英镑": "GBP", "韩元": "KRW"}
PREFIX_CURRENCIES = {"us$": "USD", "nt$": "TWD", "hk$": "HKD", "rmb": "CNY", "cny": "CNY", "usd": "USD",
                     "eur": "EUR", "jpy": "JPY", "€": "EUR", "£": "GBP", "¥": "CNY", "$": "USD",
                     "人民币": "CNY", "美元": "USD", "新台币": "TWD", "港币": "HKD", "港元": "HKD"}
EN_CURRENCIES = {"us dollars": "USD", "dollars": "USD", "usd": "USD", "rmb": "CNY", "yuan": "CNY",
                 "euros": "EUR", "eur": "EUR", "cny": "CNY", "twd": "TWD", "jpy": "JPY"}
FRACTIONS = {"half": 50.0, "one half": 50.0, "a half": 50.0, "a third": 100 / 3, "one third": 100 / 3,
             "one-third": 100 / 3, "a quarter": 25.0, "one quarter": 25.0, "one-quarter": 25.0,
             "two thirds": 200 / 3, "two-thirds": 200 / 3, "three quarters": 75.0, "three-quarters": 75.0,
             "一半": 50.0, "半数": 50.0, "三分之一": 100 / 3, "四分之一": 25.0, "三分之二": 200 / 3}

_alt = lambda d: "|".join(re.escape(k) for k in sorted(d, key=len, reverse=True))  # noqa: E731
_ZH_UNIT = rf"(?P<zscale>{_alt(ZH_SCALES)})?\s*(?P<zcur>{_alt(ZH_CURRENCIES)})|(?P<zscale2>{_alt(ZH_SCALES)})(?=[^\d]|$)"
_EN_UNIT = rf"(?P<escale>{_alt(EN_SCALES)})\b\.?(?:\s*(?P<ecur>{_alt(EN_CURRENCIES)})\b)?"
_PCT = r"(?P<pct>%|percent\b|per cent\b|个百分点)"
_RANGE_TO = r"\s*(?:-|–|~|～|至|到)\s*"        # a range's two ends: '10-12', '739至757' (not 'to': 'from A to B')
QUANTITY = re.compile(
    rf"(?:(?P<pre>{_alt(PREFIX_CURRENCIES)})\s?)?(?P<num>{NUM})(?:{_RANGE_TO}(?P<hi>{NUM}))?\s*(?:{_PCT}|{_EN_UNIT}|{_ZH_UNIT})?",
    re.I)
# two quantities of one unit joined as a range: '28.4%至31.4%', '7.5%~10.5%' (not after 'from' / '从' / '由': a change)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|~|～|至|到)\s*$")
_CHANGE_FROM = re.compile(r"(?:从|由|自|from)\s*$", re.I)
# an amount in two scales: '新台幣1兆1,372億元' (1兆 and 1,372億), '1万2,000亿元'
COMPOUND = re.compile(
    rf"(?:(?P<pre>{_alt(PREFIX_CURRENCIES)})\s?)?(?P<big>{NUM})\s*(?P<bigscale>万亿|兆|亿|万)\s*(?P<num>{NUM})\s*"
    rf"(?P<zscale>{_alt(ZH_SCALES)})?\s*(?P<zcur>{_alt(ZH_CURRENCIES)})", re.I)
FRACTION = re.compile(rf"(?<![a-z])(?P<frac>{_alt(FRACTIONS)})(?![a-z])", re.I)
# tenths: '增加9成' is 90 %, '约2成' 20 % ('成为', '成本', '成交' … are words, not tenths)
TENTHS = re.compile(r"(?<![\d.,])(?P<n>\d(?:\.\d+)?|10)\s*成(?![为為本交立长長功熟员員品果就绩績型分都份])")
YEAR = re.compile(r"(?<![\d.$])(?<!\d,)(?:FY\s?)?(?P<y>(?:19|20)\d{2})(?P<e>\s?[EF](?![a-z]))?(?!\s*(?:\d|%|亿|億|万|萬|千|百|billion|million|thousand|个|個|家|台|辆|輛|人|名|件|套|只|颗|顆|片|张|張|吨|噸|"
                  r"户|戶|座|艘|架|部|款|项|項|次|单|單|箱|份|例|元|美元|units?\b|people\b|vehicles\b|tonnes\b|tons\b))",
                  re.I)
PERIOD = re.compile(
    r"(?:from\s+|between\s+|从\s*)?(?<![\d.])(?P<a>(?:19|20)\d{2})\s*(?:E|年)?\s*(?:至|到|~|-|to|through|and|until|～)\s*"
    r"(?P<b>(?:19|20)\d{2})(?P<e>\s?E(?![a-z]))?\s*年?", re.I)
COMPARATOR_BEFORE = [
    ("lt", re.compile(r"(?:不足|低于|少于|不到|小于|未满|less than|under|below|fewer than|lower than)\s*$", re.I)),
    ("gt", re.compile(r"(?:超过|超|逾|高于|多于|大于|突破|more than|over|above|exceeding|exceeds?|in excess of|greater than|upwards of)\s*$", re.I)),
    ("approx", re.compile(r"(?:约|大约|近|接近|将近|约为|约达|approximately|about|around|nearly|roughly|close to|almost|some|~)\s*$", re.I)),
]
COMPARATOR_AFTER = [
    ("gt", re.compile(r"^\s*(?:以上|多|余|or more|plus)", re.I)),
    ("lt", re.compile(r"^\s*(?:以下|以内|or less)", re.I)),
    ("approx", re.compile(r"^\s*(?:左右|上下)", re.I)),
]


@dataclass
class Quantity:
    start: int
    end: int
    value: float
    value_text: str
    unit: str             # as written (or composed for prefix currencies: "USD billion")
    currency: str | None
    mult: int
    percent: bool
    comparator: str = "eq"
    value_high: float | None = None   # a range's upper bound ('739至757亿元', 'USD 10-12 billion', '28.4%至31.4%')

    @property
    def amount(self) -> bool:
        return self.currency is not None


@dataclass
class YearMention:
    start: int
    end: int
    year: int
    estimate: bool        # "2030E"


@dataclass
class PeriodMention:
    start: int
    end: int
    first: int
    last: int
    estimate: bool


def two_part(big: float, big_power: int, rest: float, rest_power: int) -> float | None:
    """A number written in two scales ('1兆1,372億', '5萬4311'), in units of the second part's scale; None when
    the parts make no number (the rest as large as the first part's scale: '1万12,000亿', '5万12000')."""
    if rest_power >= big_power or rest * 10 ** rest_power >= 10 ** big_power:
        return None
    return big * 10 ** (big_power - rest_power) + rest


def _compound(norm: str, original: str) -> list[Quantity]:
    """Amounts written in two scales ('1兆1,372億元' = 1.1372 trillion), as one quantity in the smaller scale."""
    out = []
    for m in COMPOUND.finditer(norm):
        small = ZH_SCALES.get(m.group("zscale") or "", 0)
        value = two_part(parse_number(m.group("big")), ZH_SCALES[m.group("bigscale")], parse_number(m.group("num")),
                         small)
        if value is None:
            continue
        cur = PREFIX_CURRENCIES.get((m.group("pre") or "").lower()) or ZH_CURRENCIES.get(m.group("zcur"))
        q = Quantity(m.start(), m.end(), value, original[m.start("big"):m.end("num")],
                     original[m.end("num"):m.end()].strip(), cur, small, False)
        q.comparator = _comparator(norm, m.start(), m.end())
        out.append(q)
    return out


def find_quantities(norm: str, original: str) -> list[Quantity]:
    out: list[Quantity] = _compound(norm, original)
    spans = [(q.start, q.end) for q in out]
    for m in QUANTITY.finditer(norm):
        if any(a <= m.start("num") < b for a, b in spans):
            continue
        g = m.groupdict()
        pre = (g["pre"] or "").lower()
        num_start = m.start("num")
        if num_start > 0 and not pre and (norm[num_start - 1].isalnum() and norm[num_start - 1].isascii()):
            continue
        value = parse_number(g["num"])
        high = parse_number(g["hi"]) if g["hi"] else None
        if high is not None and (not (g["pct"] or g["escale"] or g["zcur"] or g["zscale2"]) or high <= value):
            continue                # '2020-2024', '1-11月': no unit after the range; '8-5%': no range
        pct = bool(g["pct"])
        if pct:
            unit, cur, mult = "%", None, 0
        elif g["escale"] or pre:
            scale = (g["escale"] or "").lower().rstrip(".")
            if scale in ("b", "m", "k") and not pre:
                continue
            mult = EN_SCALES.get(scale, 0)
            cur = PREFIX_CURRENCIES.get(pre) or EN_CURRENCIES.get((g["ecur"] or "").lower())
            if not cur and not g["zcur"]:
                continue
            if g["zcur"]:
                mult += ZH_SCALES.get(g["zscale"] or "", 0)
            unit = f"{cur} {_EN_SCALE_NAMES.get(mult, '')}".strip() if not g["zcur"] else original[m.end('num'):m.end()].strip()
        elif g["zcur"] or g["zscale2"]:
            scale = g["zscale"] or g["zscale2"] or ""
            mult = ZH_SCALES.get(scale, 0)
            cur = ZH_CURRENCIES.get(g["zcur"] or "") if g["zcur"] else None
            if not cur:
                continue
            unit = original[m.end("num"):m.end()].strip()
        else:
            continue
        if not math.isfinite(value * 10 ** mult):
            continue            # '1000…0' past a float's range is no figure (its RDF literal would be 'inf')
        end = m.end()
        # a year is not a quantity ("2024 年" has no unit, so it never gets here)
        q = Quantity(m.start(), end, value, g["num"], unit, cur, mult, pct, value_high=high)
        q.comparator = "range" if high is not None else _comparator(norm, m.start(), end)
        out.append(q)
    for m in TENTHS.finditer(norm):
        if any(q.start <= m.start() < q.end for q in out):
            continue
        q = Quantity(m.start(), m.end(), round(float(m.group("n")) * 10, 6), original[m.start():m.end()], "%", None, 0, True)
        q.comparator = _comparator(norm, m.start(), m.end())
        out.append(q)
    for m in FRACTION.finditer(norm):
        if any(q.start <= m.start() < q.end for q in out):
            continue
        q = Quantity(m.start(), m.end(), round(FRACTIONS[m.group("frac").lower()], 1), m.group("frac"), "%", None, 0, True)
        q.comparator = _comparator(norm, m.start(), m.end())
        if q.comparator == "eq" and m.group("frac").lower() in ("half", "一半", "半数"):
            q.comparator = "approx" if re.search(r"(roughly|about|around|nearly|almost|近|约)\s*$", norm[:m.start()], re.I) else "eq"
        out.append(q)
    out.sort(key=lambda q: q.start)
    return _joined_ranges(norm, out)


def _joined_ranges(norm: str, qs: list[Quantity]) -> list[Quantity]:
    """'28.4%至31.4%': two quantities of one unit joined as a range are one, its bounds the two values."""
    out: list[Quantity] = []
    for q in qs:
        p = out[-1] if out else None
        if p is not None and p.value_high is None and q.value_high is None and p.unit == q.unit and \
                p.currency == q.currency and p.mult == q.mult and p.percent == q.percent and q.value > p.value and \
                _RANGE_JOIN.fullmatch(norm[p.end:q.start]) and not _CHANGE_FROM.search(norm[max(0, p.start - 6):p.start]):
            out[-1] = Quantity(p.start, q.end, p.value, p.value_text, p.unit, p.currency, p.mult, p.percent,
                               "range", q.value)
            continue
        out.append(q)
    return out


_EN_SCALE_NAMES = {12: "trillion", 9: "billion", 6: "million", 3: "thousand"}


APPROX_VERB = re.compile(r"(?:约|大约|近|将近|approximately|about|roughly|nearly|close to)\s*(?:占|为|达|accounts? for|"
                         r"represent(?:s|ed)?|made up|makes up)", re.I)


def _comparator(norm: str, start: int, end: int) -> str:
    before = norm[max(0, start - 16):start]
    for name, rx in COMPARATOR_BEFORE:
        if rx.search(before):
            return name
    clause = re.split(r"[，,。;；]", norm[max(0, start - 30):start])[-1]
    if APPROX_VERB.search(clause):
        return "approx"
    after = norm[end:end + 8]
    for name, rx in COMPARATOR_AFTER:
        if rx.search(after):
            return name
    return "eq"


def find_periods(norm: str) -> list[PeriodMention]:
    out = []
    for m in PERIOD.finditer(norm):
        a, b = int(m.group("a")), int(m.group("b"))
        if a < b <= a + 50:
            out.append(PeriodMention(m.start(), m.end(), a, b, bool(m.group("e"))))
    return out


def find_years(norm: str, exclude: list[PeriodMention] = ()) -> list[YearMention]:
    out = []
    for m in YEAR.finditer(norm):
        if any(p.start <= m.start("y") < p.end for p in exclude):
            continue
        out.append(YearMention(m.start("y"), m.end(), int(m.group("y")), bool(m.group("e"))))
    return out
