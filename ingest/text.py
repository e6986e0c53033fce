"""Length-preserving text normalisation and number parsing shared by ingestion and QA.

``fold`` maps a string to a same-length string so that character offsets found in the folded text
are offsets in the original: full-width ASCII to half-width, ideographic space to space, traditional
to simplified Chinese, and a few typographic variants. Case is left alone (callers lower() when needed).
"""
from __future__ import annotations

import functools
import re

import opencc

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2013: 0x2D, 0x2014: 0x2D, 0x2212: 0x2D, 0x2010: 0x2D,
                   0x2011: 0x2D, 0xFE50: 0x2C, 0x201C: 0x22, 0x201D: 0x22, 0x2018: 0x27, 0x2019: 0x27,
                   0x3007: ord("〇")})


@functools.lru_cache(maxsize=4096)
def _t2s(chunk: str) -> str:
    out = _T2S.convert(chunk)
    if len(out) == len(chunk):
        return out
    return "".join(_T2S.convert(ch) if len(_T2S.convert(ch)) == 1 else ch for ch in chunk)


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def fold(text: str) -> str:
    """Same-length normal form: half-width ASCII, simplified Chinese."""
    text = text.translate(_FULLWIDTH)
    return _CJK_RUN.sub(lambda m: _t2s(m.group()), text)


_ZH_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
ZH_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})(?=\s*年)")


def zh_year_value(s: str) -> int | None:
    """二〇三〇 -> 2030 (digit-by-digit Chinese numeral years)."""
    try:
        return int("".join(str(_ZH_DIGITS[c]) for c in s))
    except KeyError:
        return None


def replace_zh_years(text: str) -> str:
    """Same-length replacement of Chinese-numeral years by ASCII digits (二〇三〇年 -> 2030年)."""
    return ZH_YEAR.sub(lambda m: str(zh_year_value(m.group(1))), text)


_ZH_SMALL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "两": 2}


def zh_ordinal(s: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20 (section ordinals up to 99)."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _ZH_SMALL.get(head, 0) if head else 1
        ones = _ZH_SMALL.get(tail, 0) if tail else 0
        if (head and head not in _ZH_SMALL) or (tail and tail not in _ZH_SMALL):
            return None
        return tens * 10 + ones
    return _ZH_SMALL.get(s) if len(s) == 1 else None


def parse_number(s: str) -> float:
    """'1,046.8' -> 1046.8; '24.6' -> 24.6 (thousands separators of either width)."""
    return float(s.replace(",", "").replace("，", "").replace(" ", ""))


def squash(text: str) -> str:
    """Key form for labels: folded, lower-case, no spaces or punctuation between words."""
    return re.sub(r"[\s\-_·・/]+", "", fold(text).lower())


def has_cjk(text: str) -> bool:
    return bool(_CJK_RUN.search(text))


def is_traditional(text: str) -> bool:
    """Does the text use traditional characters (it changes under traditional-to-simplified)?"""
    runs = _CJK_RUN.findall(text)
    return any(_T2S.convert(r) != r for r in runs)


def to_traditional(text: str) -> str:
    return _CJK_RUN.sub(lambda m: _S2T.convert(m.group()), text)


def to_simplified(text: str) -> str:
    return _CJK_RUN.sub(lambda m: _t2s(m.group()), text)


def script_neutral(text: str) -> bool:
    """Chinese text that reads the same in both scripts ('2030年呢？')."""
    return not is_traditional(text) and to_traditional(text) == text


_WIDE = r"\u2e80-\u2fff\u3001-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff65"   # ideographs, CJK punctuation
_WIDE_CHAR = re.compile(rf"[{_WIDE}]")
_WIDE_GAP = re.compile(rf"(?<=[{_WIDE}])[ \u3000](?=[{_WIDE}])")
_WIDE_PAIR = re.compile(rf"[{_WIDE}](?=[{_WIDE}])")
_TOKENS = re.compile(r"[ \u3000]{2,}|[ \u3000]|[^ \u3000]+")
_MARKUP = frozenset("#*-•●○■□◆◇▪>|")


def despace_cjk(text: str) -> str:
    """Undo PDF letter-spacing in Chinese lines: '2 0 2 4 年 全 球 市 场 规 模 为 6 1 . 4 亿 元' ->
    '2024年全球市场规模为61.4亿元'.

    A line is letter-spaced when it holds Chinese and the single spaces next to a one-character piece
    (or between two Chinese characters) outnumber Chinese characters written together more than two
    to one. In such a line those spaces go; wider gaps (columns), the spaces after list markers and
    between longer pieces ('2024 2025') stay. In a document letter-spaced throughout, lines of figures
    alone ('| 2 0 2 4 | 1 8 . 7 |') are joined too. Other lines are returned as they are, and the line
    count never changes, so line numbers still point into the file.
    """
    if not _WIDE_GAP.search(text) and not re.search(rf"[{_WIDE}] \S |\S [{_WIDE}] ", text):
        return text
    lines = text.split("\n")
    out = [_despace_line(ln) for ln in lines]
    chinese = sum(1 for ln in lines if _WIDE_CHAR.search(ln))
    spaced = sum(1 for a, b in zip(lines, out) if a != b)
    if spaced >= 3 and spaced >= 0.3 * chinese:
        # a letter-spaced document: its lines of figures only ('| 2 0 2 4 | 1 8 . 7 |') are letter-spaced too
        out = [_despace_figures(b) if a == b else b for a, b in zip(lines, out)]
    return "\n".join(out)


def _despace_figures(line: str) -> str:
    toks = _TOKENS.findall(line)
    words = [t for t in toks if t.strip()]
    if len(words) < 4 or sum(len(w) == 1 for w in words) < 0.8 * len(words):
        return line
    return "".join(t for i, t in enumerate(toks)
                   if not (t == " " and 0 < i < len(toks) - 1 and len(toks[i - 1]) == 1 and len(toks[i + 1]) == 1
                           and toks[i - 1].strip() and toks[i + 1].strip()))


def _joins(a: str, b: str) -> bool:
    if _MARKUP.issuperset(a) or _MARKUP.issuperset(b):      # '-', '##', '**'
        return False
    return len(a) == 1 or len(b) == 1 or bool(_WIDE_CHAR.fullmatch(a[-1]) and _WIDE_CHAR.fullmatch(b[0]))


def _despace_line(line: str) -> str:
    if not _WIDE_CHAR.search(line):
        return line
    toks = _TOKENS.findall(line)
    gaps = [0 < i < len(toks) - 1 and t in (" ", "\u3000") and _joins(toks[i - 1], toks[i + 1])
            for i, t in enumerate(toks)]
    if not any(gaps) or sum(gaps) <= 2 * len(_WIDE_PAIR.findall(line)):
        return line
    return "".join(t for t, gap in zip(toks, gaps) if not gap)


_PUNCT_RUN = re.compile(r"[^\w\s]{9,}")


def tokenizer_safe(text: str, every: int = 8) -> str:
    """``text`` with every ``every + 1``-th character of a run of punctuation made a space: the same length,
    so offsets into it still hold. spaCy's rule tokenizer is quadratic in the length of a whitespace-free
    run of prefix/suffix characters ('%' * 5,000 took 6 s in ``spacy.blank("en")``, holding the interpreter
    lock); runs of nine or more punctuation marks carry no figure, so nothing is lost."""
    if not _PUNCT_RUN.search(text):
        return text
    return _PUNCT_RUN.sub(lambda m: "".join(" " if i % (every + 1) == every else c for i, c in enumerate(m.group())),
                          text)
