"""Markup a text or markdown report carries from where it was saved: HTML kept inside markdown (a web page
saved as .md, a feed's post) and a YAML front-matter block with the page's title and date.

HTML elements become the markdown the parser reads — a paragraph ends at </p>, a heading is '#'-marked, a list
item is '- ', a table row is '| … |' — and the rest of the tags are dropped, entities decoded. Only named HTML
elements are touched: '<5%' or 'a < b > c' in running text is left alone. Front matter becomes the document's
metadata (title, date, author, publisher) and leaves the text, so no section or sentence is made of it.
"""
from __future__ import annotations

import html
import re

_BLOCK = "p|div|section|article|header|footer|aside|main|blockquote|figure|figcaption|center|form|ul|ol|dl|dt|dd|hr"
_INLINE = "span|strong|b|i|em|u|a|img|font|sup|sub|small|big|mark|abbr|cite|code|s|strike|del|ins|label|picture|source|" \
          "video|audio|iframe|svg|path|input|button|noscript|time|nav|colgroup|col|caption|tbody|thead|tfoot|table|wbr"
_TAG = re.compile(rf"<(/?)({_BLOCK}|{_INLINE}|h[1-6]|li|br|tr|td|th)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*/?>", re.I)
_DROPPED = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)
# enough markup to treat the text as carrying HTML: a few known elements, not one stray '<b>'
_MIN_TAGS = 3

_FRONT = re.compile(r"\A(?:\ufeff)?((?:---[ \t]*\n(?:[^\n]*\n){0,60}?---[ \t]*\n\s*)+)")
_FIELD = re.compile(r"^([A-Za-z_][\w-]{0,30})\s*:\s*(.*)$")
_META_KEYS = {"title": "title", "date": "date", "published": "date", "pubdate": "date", "author": "author",
              "publisher": "publisher", "source": "source", "lang": "lang", "language": "lang"}


def has_html(text: str) -> bool:
    return sum(1 for _ in zip(range(_MIN_TAGS), _TAG.finditer(text))) >= _MIN_TAGS


def strip_html(text: str, force: bool = False) -> str:
    """HTML elements as the markdown the document parser reads; text without HTML is returned unchanged
    (``force``: a web page, whatever the number of its elements)."""
    if not force and not has_html(text):
        return text
    text = _DROPPED.sub(" ", text)

    def tag(m: re.Match) -> str:
        close, name = m.group(1), m.group(2).lower()
        if name == "br":
            return "\n"
        if re.fullmatch(r"h[1-6]", name):
            return "\n\n" if close else "\n\n" + "#" * int(name[1]) + " "
        if name == "li":
            return "\n" if close else "\n- "
        if name == "tr":
            return "\n" if close else "\n|"
        if name in ("td", "th"):
            return " |" if close else " "
        if re.fullmatch(_BLOCK, name):
            return "\n\n"
        return ""

    text = _TAG.sub(tag, text)
    text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n[ \t\u00a0]+", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text)


def front_matter(text: str) -> tuple[str, dict[str, str]]:
    """(the text with its leading YAML front-matter blocks blanked, their fields): 'title: …', 'date: …'.
    Blanked, not cut: every offset into the text stays where it was. Blocks with fewer than two 'key: value'
    lines are no front matter (markdown rules around a line) and stay."""
    m = _FRONT.match(text)
    if not m:
        return text, {}
    meta: dict[str, str] = {}
    fields = 0
    for line in m.group(1).splitlines():
        f = _FIELD.match(line.strip())
        if not f:
            continue
        fields += 1
        key, value = _META_KEYS.get(f.group(1).lower()), f.group(2).strip().strip("'\"").strip()
        if key and value and key not in meta:
            meta[key] = value
    if fields < 2:
        return text, {}
    return re.sub(r"[^\n]", " ", m.group(1)) + text[m.end(1):], meta


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"), 1)}


def parse_date(value: str) -> tuple[int, int | None] | None:
    """(year, month) of a dateline: '2022-05-08', 'Sun, 08 May 2022 05:27:21 GMT', '2022年5月8日', 'May 2022'."""
    v = value.strip().lower()
    m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.年]\s*(\d{1,2})(?!\d))?", v)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    if month is None:
        name = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", v)
        month = _MONTHS[name.group(1)] if name else None
    return year, month if month and 1 <= month <= 12 else None


_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*\d{1,2}\s*[日号]|-(\d{1,2})-\d{1,2}(?!\d))|"
                        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?,?\s+((?:19|20)\d{2})\b|"
                        r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2})\b", re.I)


def dated_title(title: str) -> tuple[int, int] | None:
    """(year, month) of a day a title names ('香港電台財經新聞（2025年2月27日）', 'Markets on March 3, 2025'):
    a news item's dateline. A year alone ('Market Report 2024') is no day."""
    m = _FULL_DATE.search(title or "")
    if not m:
        return None
    if m.group(1):
        return int(m.group(1)), int(m.group(2) or m.group(3))
    if m.group(4):
        return int(m.group(5)), _MONTHS[m.group(4).lower()]
    return int(m.group(7)), _MONTHS[m.group(6).lower()]
