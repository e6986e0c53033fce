"""PDF -> report text with pages: the text layer (pypdfium2), its quirks mapped, the page's furniture removed,
lines joined into paragraphs, headings from the document's typography, charts and tables as blocks.

The output is the markdown the rest of ingestion reads (`#` headings, blank lines between paragraphs, a
```` ```figure ```` fence around a chart's or a table's labels), with a ``Layout``: on which page each
character starts, which spans are mined for claims (a prospectus's industry chapter; never a disclaimer) and
the page numbers printed on the pages. What is measured and why (docs/pdf.md):

- pypdfium2 reads the 490-page application proof in ~0.3 s; pdfplumber takes ~60 s for the same text. Both give
  character boxes; pdfium's per-line boxes (first and last character) are enough to join lines and find
  headings, so one library serves.
- pdfium puts U+FFFE where a hyphen breaks a word across a line ("non\\ufffevolatile"); bullets in symbol
  fonts come out as private-use characters; a footnote mark is a small digit glued to the next number
  ("12021 年" for "¹2021 年").
- A page is furniture and text: lines in the top and bottom bands that recur on many pages (a company's name,
  "INDUSTRY OVERVIEW", "THIS DOCUMENT IS IN DRAFT FORM…", a URL, page numbers) are removed; a band line that
  recurs over a run of pages is the running header of a chapter, and names it.
"""
from __future__ import annotations

import bisect
import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Errors, IngestError

MAX_PDF_BYTES = 200 * 1024 * 1024
MAX_PAGES = 3000

_PUA = re.compile(r"[\ue000-\uf8ff]")
_BULLET_START = re.compile(r"^\s*(?:[\ue000-\uf8ff]|[•●○■□◆◇▪▫►▶➢✓√·\-–](?=\s))")
_PAGE_NO = re.compile(r"^\s*(?:[-–—]\s*)?(?:\d{1,4}|[ivxlcdm]{1,7}|page\s+\d{1,4}|第\s*\d{1,4}\s*页)(?:\s*[-–—])?"
                      r"(?:\s*/\s*\d{1,4})?\s*$", re.I)
_TRAILING_PAGE_NO = re.compile(r"\s+[-–—]\s*(\d{1,4})\s*[-–—]\s*$")
_SENT_END = tuple("。！？；.!?;")
_CONTINUES = tuple("，、,;；-—(（")      # not a colon: a line ending in one introduces a list
_LABELLED = re.compile(r"^\s*(?:[•\-–]\s*)?[^:：]{1,40}[:：]\s*\S*\d")      # '硬件: 50 亿元', 'Hardware: $5.0 billion'
_AMOUNT = re.compile(r"\d[\d,.]*\s*(?:%|亿|億|万|萬|兆|billion|million|trillion|bn\b)", re.I)
_SOURCE_LINE = re.compile(r"^\s*(?:资料来源|数据来源|資料來源|數據來源|来源|來源|注|註|sources?|notes?)\s*[:：]", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORDY = re.compile(r"[A-Za-z]{3,}|[\u4e00-\u9fff]{2,}")
_NUMERIC_TOKEN = re.compile(r"^[(（]?[-+−]?[$¥€£]?\d[\d,.]*\s*(?:%|[A-Za-z]{1,3})?[)）]?$|^(?:19|20)\d{2}[EFAP]?$")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)、](?!\d)|[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|[①-⑳])\s*\S")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CHART_TITLE = re.compile(r"(?:19|20)\d{2}E?\s*[-–~至]\s*(?:19|20)\d{2}E?\s*$")
_TOC_TITLE = re.compile(r"^(?:[图表圖]?目[录錄次]|contents|tableofcontents)$", re.I)
_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|·{4,})\s*[\divx]{1,4}\s*$")


@dataclass
class Line:
    page: int                 # 1-based
    text: str
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0          # PDF user space: y grows upwards
    size: float = 0.0         # loose box height of the first character: the font size
    end_top: float = 0.0      # the last character's top (pdfium keeps a line broken at a hyphen as one)
    bold: bool = False
    geometry: bool = True     # False when pdfium's characters could not be matched to the text
    cells: list[tuple[float, float, str]] | None = None   # (x0, x1, text) where wide gaps split the line


@dataclass
class Layout:
    """What a PDF's text knows beyond its characters, by character offset into the text."""
    page_starts: list[int] = field(default_factory=list)   # offsets where a page's text begins ...
    page_numbers: list[int] = field(default_factory=list)  # ... and which page that is
    unmined: list[tuple[int, int]] = field(default_factory=list)   # spans kept as passages, never mined
    page_labels: dict[int, str] = field(default_factory=dict)      # page -> the number printed on it
    pages: int = 0
    skipped_pages: list[int] = field(default_factory=list)         # pages whose font maps are broken
    chapter: str | None = None          # the industry chapter, where the document has chapters
    chapter_pages: tuple[int, int] | None = None
    meta: dict[str, str] = field(default_factory=dict)             # title, author, date, company, consultant …
    typographic: bool = True            # heading depth comes from typography (trust `#` depth)

    def page_at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.page_starts, offset) - 1
        return self.page_numbers[i] if i >= 0 else (self.page_numbers[0] if self.page_numbers else None)

    def mined(self, offset: int) -> bool:
        i = bisect.bisect_right(self._unmined_starts, offset) - 1
        return not (i >= 0 and self.unmined[i][0] <= offset < self.unmined[i][1])

    @property
    def _unmined_starts(self) -> list[int]:
        cached = self.__dict__.get("_starts")
        if cached is None or len(cached) != len(self.unmined):
            self.unmined.sort()
            cached = self.__dict__["_starts"] = [a for a, _ in self.unmined]
        return cached


@dataclass
class PdfText:
    text: str
    layout: Layout


def is_pdf(path: str | Path) -> bool:
    p = Path(path)
    if p.suffix.lower() == ".pdf":
        return True
    try:
        with p.open("rb") as f:
            return f.read(5) == b"%PDF-"
    except OSError:
        return False


# --------------------------------------------------------------------------- reading the text layer

def _open(path: str | Path, data: bytes | None = None):
    import pypdfium2 as pdfium
    name = str(path)
    p = Path(path)
    try:
        size = len(data) if data is not None else p.stat().st_size
    except FileNotFoundError:
        raise IngestError(name, Errors.NOT_FOUND) from None
    if size == 0:
        raise IngestError(name, Errors.EMPTY)
    if size > MAX_PDF_BYTES:
        raise IngestError(name, Errors.TOO_BIG.format(size=size, limit=MAX_PDF_BYTES))
    try:
        doc = pdfium.PdfDocument(data if data is not None else p.read_bytes())
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise IngestError(name, Errors.PDF_ENCRYPTED) from None
        raise IngestError(name, Errors.PDF_CORRUPT) from None
    n = len(doc)
    if n == 0:
        raise IngestError(name, Errors.PDF_CORRUPT)
    if n > MAX_PAGES:
        raise IngestError(name, Errors.PDF_TOO_MANY_PAGES.format(pages=n, limit=MAX_PAGES))
    return doc


def _font(raw, tp, i: int, buf) -> tuple[float, bool]:
    flags = ctypes.c_int()
    n = raw.FPDFText_GetFontInfo(tp.raw, i, buf, len(buf), ctypes.byref(flags))
    name = buf.value.decode("latin-1", "replace") if n else ""
    weight = raw.FPDFText_GetFontWeight(tp.raw, i)
    bold = weight >= 600 or bool(re.search(r"bold|heavy|black|semibold|demi|-B$|黑体|Hei\b", name, re.I)) \
        or bool(flags.value & (1 << 18))
    return weight, bold


def page_lines(page, pno: int, raw, buf) -> list[Line]:
    tp = page.get_textpage()
    try:
        text = tp.get_text_range()
        n = tp.count_chars()
        if len(text) == n:
            def at(t: int) -> int:
                return t
        else:
            # the text range drops characters pdfium counts (the \x02 leaders of tables): pdfium maps an index
            # into the text to its character's index
            def at(t: int) -> int:
                return raw.FPDFText_GetCharIndexFromTextIndex(tp.raw, t)
        geometry = True
        hidden = _hidden(page, tp, raw, len(text), at)
        out: list[Line] = []
        i = 0
        for seg in re.split(r"(\r\n|\n|\r)", text):
            if seg in ("\r\n", "\n", "\r"):
                i += len(seg)
                continue
            seen = None           # the characters a reader sees, where some of the line's are invisible
            if hidden and any(i + j in hidden for j in range(len(seg))):
                seen = "".join(c for j, c in enumerate(seg) if i + j not in hidden)
                if not seen.strip():
                    i += len(seg)
                    continue
            stripped = seg.strip()
            if stripped:
                ln = Line(pno, seg)
                if geometry:
                    lead = len(seg) - len(seg.lstrip())
                    bullet = _BULLET_START.match(seg)
                    if bullet and len(seg.rstrip()) > bullet.end() + 1:     # size and style of the text, not
                        lead = bullet.end() + len(seg[bullet.end():]) - len(seg[bullet.end():].lstrip())  # its bullet
                    j = at(i + lead)
                    k = at(i + len(seg.rstrip()) - 1)
                    a = tp.get_charbox(j, loose=True)
                    b = tp.get_charbox(k, loose=True)
                    ln.x0, ln.x1, ln.top, ln.end_top, ln.size = a[0], b[2], a[3], b[3], a[3] - a[1]
                    if not all(map(math.isfinite, (*a, *b))):     # a damaged content stream's NaN matrix
                        ln.x0 = ln.x1 = ln.top = ln.end_top = ln.size = 0.0
                        ln.geometry = False
                        ln.text = seg if seen is None else seen
                        out.append(ln)
                        i += len(seg)
                        continue
                    if bullet and lead != len(seg) - len(seg.lstrip()):
                        ln.x0 = tp.get_charbox(at(i + len(seg) - len(seg.lstrip())), loose=True)[0]
                    _, bold_a = _font(raw, tp, j, buf)
                    # the last character too for a line that could be a heading (bold at both ends)
                    _, bold_b = _font(raw, tp, k, buf) if k != j and k - j < 160 else (0, bold_a)
                    ln.bold = bold_a and bold_b
                    ln.text = _footnote_marks(tp, seg, i, at) if seen is None else seen
                    if seen is None and " " in stripped and len(stripped) <= _CELL_LINE:
                        ln.cells = _cells(tp, seg, i, at)
                else:
                    ln.geometry = False
                    ln.text = seg if seen is None else seen
                out.append(ln)
            i += len(seg)
        return out
    finally:
        tp.close()


def _hidden(page, tp, raw, length: int, at) -> set[int]:
    """The text positions of characters drawn invisible (text render mode 3) on a page that also shows text:
    a fingerprint or tracking string no reader sees. A page whose text is all invisible is a scan's OCR layer,
    and is kept. Only a page holding both kinds pays for the look-up by character."""
    modes = {raw.FPDFTextObj_GetTextRenderMode(obj.raw)
             for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=4)}
    if _INVISIBLE not in modes or modes == {_INVISIBLE}:
        return set()
    out = set()
    for t in range(length):
        obj = raw.FPDFText_GetTextObject(tp.raw, at(t))
        if obj and raw.FPDFTextObj_GetTextRenderMode(obj) == _INVISIBLE:
            out.add(t)
    return out


_INVISIBLE = 3            # FPDF_TEXTRENDERMODE_INVISIBLE
_CELL_LINE = 240          # longer lines are prose: their gaps are not measured
_CELL_GAP = 0.75          # a gap of 3/4 of the font size between two characters parts a table's cells


def _cells(tp, seg: str, base: int, at) -> list[tuple[float, float, str]] | None:
    """A line's cells where gaps wider than the font size part it ('Automotive   3.4   6.7'), with their
    horizontal extent; None for a line with no such gap (prose, a title). Two character boxes per run of
    spaces: the last character before it and the first after."""
    out: list[tuple[float, float, str]] = []
    lead = start = len(seg) - len(seg.lstrip())
    end = len(seg.rstrip())
    x0 = tp.get_charbox(at(base + start), loose=True)[0]
    for m in re.finditer(r"\s+", seg[lead:end]):
        a, b = lead + m.start() - 1, lead + m.end()
        left = tp.get_charbox(at(base + a), loose=True)
        right = tp.get_charbox(at(base + b), loose=True)
        size = max(left[3] - left[1], right[3] - right[1], 1.0)
        if right[0] - left[2] >= _CELL_GAP * size or right[0] < left[0]:     # a gap, or a jump back left
            out.append((x0, left[2], seg[start:a + 1]))
            start, x0 = b, right[0]
    if not out:
        return None
    out.append((x0, tp.get_charbox(at(base + end - 1), loose=True)[2], seg[start:end]))
    return out


_GLUED = re.compile(r"(?<=[\u4e00-\u9fff。，,.;；])(\d)(?=(?:19|20)\d{2}\s*年)")


def _footnote_marks(tp, seg: str, base: int, at) -> str:
    """'…进步。12021 年' -> '…进步。2021 年' when the '1' is a smaller, raised footnote mark."""
    if not _GLUED.search(seg):
        return seg
    out = list(seg)
    for m in _GLUED.finditer(seg):
        mark = tp.get_charbox(at(base + m.start(1)))
        nxt = tp.get_charbox(at(base + m.start(1) + 1))
        if (mark[3] - mark[1]) < 0.8 * (nxt[3] - nxt[1]):
            out[m.start(1)] = "\x00"
    return "".join(out).replace("\x00", "")


def clean_text(s: str) -> str:
    """pdfium's quirks: U+FFFE is a hyphen the line broke at; a private-use character is a symbol font's
    bullet at the start of a line and noise elsewhere; soft hyphens and zero-width characters go."""
    s = s.replace("\ufffe", "-").replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    if _PUA.search(s):
        lead = len(s) - len(s.lstrip())
        if _PUA.match(s, lead):
            s = s[:lead] + "•" + s[lead + 1:]
        s = _PUA.sub("", s)
    return s.rstrip()


# --------------------------------------------------------------------------- broken font maps

def _rare(ch: str) -> bool:
    if "\u4e00" <= ch <= "\u9fff":
        for enc in ("gb2312", "big5"):
            try:
                ch.encode(enc)
                return False
            except UnicodeEncodeError:
                pass
        return True
    o = ord(ch)
    return 0x2C00 <= o <= 0x2E7F or 0x3400 <= o <= 0x4DBF or 0xA000 <= o <= 0xA4CF or 0xAC00 <= o <= 0xD7AF \
        or 0x2600 <= o <= 0x26FF or 0x0530 <= o <= 0x058F


def mojibake(text: str) -> bool:
    """A page whose font has a broken Unicode map reads as rare ideographs, Coptic, Yi, Hangul and symbols:
    at least eight such characters, a third of its non-ASCII letters."""
    letters = [c for c in text if ord(c) > 0x2000 and not c.isspace() and c.isprintable()
               and not ("\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2000" <= c <= "\u206f")]
    if len(letters) < 8:
        return False
    rare = sum(map(_rare, letters))
    return rare >= 8 and rare >= len(letters) / 3


# --------------------------------------------------------------------------- page furniture

def _band_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.strip().lower()))


@dataclass
class _Page:
    no: int
    width: float
    height: float
    lines: list[Line]
    label: str | None = None
    header: str | None = None      # the running header that names its chapter


def _in_band(ln: Line, pg: _Page, frac: float = 0.1) -> bool:
    if not ln.geometry:          # no positions: the first three and last four lines of the page's text
        i = pg.lines.index(ln)
        return i < 3 or i >= len(pg.lines) - 4
    return ln.top >= pg.height * (1 - frac) or ln.top <= pg.height * frac


def remove_furniture(pages: list[_Page]) -> None:
    """Drop running headers, footers and page numbers; note printed page numbers and chapter headers."""
    counts: Counter[str] = Counter()
    for pg in pages:
        counts.update({_band_key(ln.text) for ln in pg.lines if _in_band(ln, pg)})
    n = len(pages)
    common = {k for k, c in counts.items() if c >= max(3, 0.5 * n) or (n <= 12 and c >= max(2, 0.5 * n))}
    runs = {k for k, c in counts.items() if k not in common and c >= 2}
    prev_header = None
    for pg in pages:
        kept = []
        for ln in pg.lines:
            if not _in_band(ln, pg):
                kept.append(ln)
                continue
            key = _band_key(ln.text)
            if _PAGE_NO.match(ln.text):
                pg.label = re.sub(r"[^\divxlcdm]", "", ln.text.lower()) or pg.label
                continue
            if key in common:
                continue
            if key in runs and ln.top >= pg.height * 0.85 and len(ln.text.strip()) <= 80:
                pg.header = ln.text.strip()
                continue
            m = _TRAILING_PAGE_NO.search(ln.text)
            if m:                             # '数据来源：… -2-': a page number glued to a footer line
                pg.label = m.group(1)
                ln.text = ln.text[: m.start()]
            kept.append(ln)
        pg.lines = kept
        if pg.header is None and prev_header is not None and not pg.lines:
            pg.header = prev_header
        prev_header = pg.header


# --------------------------------------------------------------------------- paragraphs, headings, figures

@dataclass
class _Geom:
    left: float
    right: float
    size: float
    bold: bool


def _geometry(pages: list[_Page]) -> _Geom:
    long = [ln for pg in pages for ln in pg.lines if ln.geometry and len(ln.text.strip()) >= 30]
    if not long:
        long = [ln for pg in pages for ln in pg.lines if ln.geometry] or [Line(0, "", 0, 1, 0, 10)]
    left = Counter(round(ln.x0) for ln in long).most_common(1)[0][0]
    right = Counter(round(ln.x1) for ln in long).most_common(1)[0][0]
    size = Counter(round(ln.size, 1) for ln in long).most_common(1)[0][0]
    bold = Counter(ln.bold for ln in long).most_common(1)[0][0]
    return _Geom(left, max(right, left + 1), size, bold)


def _numeric(text: str) -> bool:
    toks = text.split()
    return bool(toks) and sum(bool(_NUMERIC_TOKEN.match(t)) for t in toks) >= 0.6 * len(toks)


def _heading_style(ln: Line, g: _Geom) -> bool:
    return ln.geometry and (ln.size >= g.size * 1.12 or (ln.bold and not g.bold))


@dataclass
class _Block:
    kind: str                 # para | heading | figure | source | table
    lines: list[Line]
    level: int = 0
    rows: list[list[str]] | None = None     # a table's cells, row by row, one column each

    @property
    def text(self) -> str:
        return _join([ln.text for ln in self.lines])


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not out:
            out = p
        elif out.endswith("-") and not out.endswith(" -") and p[:1].islower():
            out += p                              # 'non-' + 'volatile' (a hyphen kept in the word)
        elif _CJK.match(out[-1]) or _CJK.match(p[0]) and not re.match(r"[A-Za-z0-9]", out[-1]):
            out += p                              # Chinese lines join without a space
        elif _CJK.match(p[0]) or out[-1] in "，、。；：（“":
            out += p
        else:
            out += " " + p
    return out


def _prose(text: str, g: _Geom, width: float) -> bool:
    t = text.strip()
    if _numeric(t) or not _WORDY.search(t):
        return False
    if _LABELLED.match(t) and _AMOUNT.search(t):
        return True                           # a list line of a label and its figure
    return t.endswith(_SENT_END) or len(t) >= (25 if _CJK.search(t) else 60) or width >= 0.6 * (g.right - g.left)


_NUMBER_CELL = re.compile(r"^[(（]?[-+−–]?[$¥€£]?\d[\d,.]*\s*%?[)）]?(?:\s*[A-Za-z]{1,3})?$")


def _fit(ln: Line, seps: list[tuple[float, float]]) -> list[str] | None:
    """The line's cells placed in the table's columns (seps: the free band between two columns), or None
    where a cell crosses a column's content or two cells fall in one column."""
    n = len(seps) + 1
    row: list[str | None] = [None] * n
    for x0, x1, text in ln.cells or [(ln.x0, ln.x1, ln.text)]:
        mid = (x0 + x1) / 2
        k = sum(mid > (lo + hi) / 2 for lo, hi in seps)
        if row[k] is not None or (k > 0 and x0 < seps[k - 1][0]) or (k < n - 1 and x1 > seps[k][1]):
            return None
        row[k] = clean_text(text).strip()
    return [c or "" for c in row]


def _wrapped(rows: list[list[str]]) -> list[list[str]]:
    """A row label wrapped over two lines ('Selling and marketing' / 'expenses | (49,368) | …') is one row."""
    out: list[list[str]] = []
    for r in rows:
        prev = out[-1] if out else None
        if prev is not None and prev[0] and not any(prev[1:]) and r[0][:1].islower():
            out[-1] = [prev[0] + " " + r[0]] + r[1:]
        else:
            out.append(r)
    return out


def _grid(lines: list[Line]) -> tuple[int, int, list[list[str]]] | None:
    """The longest table in a run of lines with cells: columns from the rows of the most common cell count
    (each pair of neighbouring columns parted by a band no such row's cells enter), at least three rows
    that fit them, and figures in most of the rows below the first."""
    counts = Counter(len(ln.cells) for ln in lines if ln.cells)
    n, _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    body = [ln for ln in lines if ln.cells and len(ln.cells) == n]
    if len(body) < 2:
        return None
    seps = []
    for k in range(n - 1):
        lo = max(ln.cells[k][1] for ln in body)
        hi = min(ln.cells[k + 1][0] for ln in body)
        if lo >= hi:
            return None
        seps.append((lo, hi))
    best: tuple[int, int, list[list[str]]] | None = None
    i = 0
    while i < len(lines):
        j, rows = i, []
        while j < len(lines) and (row := _fit(lines[j], seps)) is not None:
            rows.append(row)
            j += 1
        rows = _wrapped(rows)
        figures = sum(any(_NUMBER_CELL.match(c) for c in r[1:]) for r in rows[1:])
        if len(rows) >= 3 and figures >= 0.5 * (len(rows) - 1) and (best is None or len(rows) > len(best[2])):
            best = (i, j, rows)
        i = max(j, i + 1)
    return best


def _tables(lines: list[Line]) -> dict[int, tuple[int, list[list[str]]]]:
    """Tables on a page, by positions: runs of consecutive, closely spaced lines whose gaps part them into
    cells in the same columns. start index -> (end index, rows)."""
    out: dict[int, tuple[int, list[list[str]]]] = {}
    i = 0
    while i < len(lines):
        if not lines[i].cells:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].geometry and 0 < lines[j - 1].top - lines[j].top <= \
                3 * max(lines[j].size, lines[j - 1].size, 1) and (lines[j].cells or j + 1 < len(lines) and
                                                                   lines[j + 1].cells):
            j += 1                       # a row of one cell (a label without figures) may sit inside a table
        found = _grid(lines[i:j]) if j - i >= 3 else None
        if found:
            a, b, rows = found
            out[i + a] = (i + b, rows)
        i = j
    return out


def blocks_of(pages: list[_Page], g: _Geom) -> list[tuple[_Block, int]]:
    """The pages' lines as blocks, each with the page it starts on, in reading order."""
    tol = max(3.0, 0.02 * (g.right - g.left))
    out: list[tuple[_Block, int]] = []
    cur: _Block | None = None

    def full(ln: Line, nxt: Line) -> bool:
        """Does the line run to its column's right edge (so the text goes on in the next line)?"""
        if not ln.geometry or ln.x1 >= g.right - tol:
            return True
        return ln.x1 - ln.x0 >= 0.6 * (g.right - g.left) and ln.x1 >= nxt.x1 - tol

    def close():
        nonlocal cur
        if cur is not None:
            out.append((cur, cur.lines[0].page))
        cur = None

    for pg in pages:
        tables = _tables(pg.lines)
        skip_to = 0
        for idx, ln in enumerate(pg.lines):
            if idx < skip_to:
                continue
            if idx in tables:
                close()
                end, rows = tables[idx]
                out.append((_Block("table", pg.lines[idx:end], rows=rows), pg.no))
                skip_to = end
                continue
            ln.text = clean_text(ln.text)
            t = ln.text.strip()
            if not t:
                continue
            prev = cur.lines[-1] if cur is not None else None
            joins = False
            if _TOC_LINE.search(t):
                close()                          # a table of contents: a line an entry
                cur = _Block("para", [ln])
                continue
            if prev is not None and _TOC_LINE.search(prev.text):
                close()                          # the line after one starts afresh (a heading, often)
                prev = None
            if cur is not None and cur.kind in ("para", "heading") and not _BULLET_START.match(t) \
                    and not _LIST_MARK.match(t) and not _SOURCE_LINE.match(t):
                same_style = (ln.bold == prev.bold and abs(ln.size - prev.size) <= 0.12 * max(ln.size, 1)) \
                    or not ln.geometry
                if prev.page == ln.page:
                    near = not ln.geometry or 0 < prev.end_top - ln.top <= 2.4 * max(ln.size, prev.size, 1)
                else:
                    near = idx == 0            # the first line of the next page
                first = cur.lines[0]
                hanging = cur.kind == "para" and len(cur.lines) == 1 and ln.x0 <= first.x0 + 6 * tol and \
                    bool(_BULLET_START.match(first.text) or _LIST_MARK.match(first.text))
                not_indented = not ln.geometry or ln.x0 <= prev.x0 + tol or hanging   # a list item's lines hang
                ended = prev.text.rstrip().endswith(_SENT_END) and not full(prev, ln)
                joins = same_style and near and not_indented and not ended and \
                    (full(prev, ln) or prev.text.rstrip().endswith(_CONTINUES))
                if cur.kind == "heading" and len(cur.lines) >= 2:
                    joins = False
                if cur.kind == "heading" and len(cur.lines) == 1 and not joins and full(prev, ln) and \
                        not _heading_style(ln, g) and near and ln.x0 <= g.left + tol and \
                        not prev.text.rstrip().endswith(_SENT_END):
                    cur.kind = "para"        # a paragraph whose first line is set in bold: its lead words
                    joins = True
            if joins:
                cur.lines.append(ln)
                continue
            close()
            if _SOURCE_LINE.match(t):
                cur = _Block("source", [ln])
                close()
            elif _heading_style(ln, g) and len(t) <= 120 and not t.endswith(_SENT_END + ("，", ",", ":", "：")) \
                    and not _numeric(t) and _WORDY.search(t) and len(_YEAR.findall(t)) < 2 \
                    and not _AMOUNT.search(t):        # a line stating a figure is no title, bold or not
                cur = _Block("heading", [ln])
            else:
                cur = _Block("para", [ln])
    close()
    # a heading that is only one line of a paragraph (bold lead words) or a paragraph that is only labels
    typed: list[tuple[_Block, int]] = []
    for b, page in out:
        text = b.text
        width = max((ln.x1 - ln.x0) for ln in b.lines) if b.lines[0].geometry else 1e9
        if b.kind == "para" and len(b.lines) == 1 and not _prose(text, g, width) and not _BULLET_START.match(text) \
                and not _LIST_MARK.match(text) and not _TOC_TITLE.match(re.sub(r"\s+", "", text)) \
                and not _TOC_LINE.search(text):
            b.kind = "figure"
        elif b.kind == "heading" and len(text) > 160:
            b.kind = "para"
        typed.append((b, page))
    # headings that lead only to labels are a chart's labels (bold legends, a pie's captions), not sections
    for i, (b, _) in enumerate(typed):
        if b.kind != "heading":
            continue
        j = i + 1
        while j < len(typed) and typed[j][0].kind == "heading":
            j += 1
        if j < len(typed) and typed[j][0].kind == "figure" or j == len(typed):
            for k in range(i, j):
                typed[k][0].kind = "figure"
    return typed


def _style(b: _Block) -> tuple[int, bool, bool]:
    t = b.text
    return round(b.lines[0].size), b.lines[0].bold, t.upper() == t and bool(re.search(r"[A-Z]{3}", t))


def _levels(blocks: list[tuple[_Block, int]], chapter_of) -> None:
    """Heading depth from typography, within each chapter: larger fonts first, then capitals, then bold."""
    by_chapter: dict[object, list[_Block]] = {}
    for b, page in blocks:
        if b.kind == "heading":
            by_chapter.setdefault(chapter_of(page), []).append(b)
    for heads in by_chapter.values():
        styles = sorted({_style(b) for b in heads}, key=lambda s: (-s[0], not s[2], not s[1]))
        rank = {s: min(i + 1, 4) for i, s in enumerate(styles)}
        for b in heads:
            b.level = rank[_style(b)]


# --------------------------------------------------------------------------- the document

def read_pdf(path: str | Path, data: bytes | None = None, lexicon=None) -> PdfText:
    """The PDF's text as report markdown, with its layout; IngestError with one line when it has none."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    name = str(path)
    doc = _open(path, data)
    try:
        buf = ctypes.create_string_buffer(256)
        pages: list[_Page] = []
        skipped: list[int] = []
        empty = 0
        for i in range(len(doc)):
            try:
                page = doc[i]
            except pdfium.PdfiumError:           # a page tree that promises a page it lacks: skip it, counted
                skipped.append(i + 1)
                pages.append(_Page(i + 1, 1.0, 1.0, []))
                continue
            try:
                w, h = page.get_size()
                lines = page_lines(page, i + 1, raw, buf)
            finally:
                page.close()
            if not lines:
                empty += 1
            elif mojibake("".join(ln.text for ln in lines)):
                skipped.append(i + 1)
                lines = []
            pages.append(_Page(i + 1, w, h, lines))
        meta = {k: v for k, v in (doc.get_metadata_dict(skip_empty=True) or {}).items() if isinstance(v, str)}
    finally:
        doc.close()
    if empty == len(pages):
        raise IngestError(name, Errors.PDF_SCANNED.format(pages=len(pages)))
    if empty + len(skipped) == len(pages):
        raise IngestError(name, Errors.PDF_MOJIBAKE.format(pages=len(skipped)))
    if empty >= 0.8 * len(pages) and len(pages) >= 5:
        raise IngestError(name, Errors.PDF_SCANNED.format(pages=empty))
    remove_furniture(pages)
    g = _geometry(pages)
    blocks = blocks_of(pages, g)
    header = {pg.no: pg.header for pg in pages}
    _levels(blocks, header.get)
    return _render(name, pages, blocks, skipped, meta, lexicon)


_YEAR_TOKEN = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<e>[EF])?$")
_VALUE_TOKEN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CHART_UNIT = re.compile(r"^\s*(?P<cur>US\$|USD|RMB|HK\$|NT\$|€|EUR)\s*(?P<scale>Trillion|Billion|Million|Thousand|bn|mn)\s*$"
                         r"|^\s*(?:单位\s*[:：]\s*)?(?P<zh>(?:万亿|亿|万|千)?(?:美元|元人民币|元|人民币|港元|新台币))\s*$", re.I)


def _tokens(ln: Line) -> list[tuple[float, str]]:
    """(x centre, token) of a line's words, a cell's width shared among its words by their characters."""
    out = []
    if not ln.cells and ln.x1 < ln.x0:
        # the line runs back left ('4,552.3 5,000': a data label, then an axis tick of the chart beside it):
        # its first word starts at x0 and its last ends at x1; the ones between have no place
        words = list(re.finditer(r"\S+", ln.text))
        half = 0.25 * (ln.size or 1.0)
        out.append((ln.x0 + half * len(words[0].group()), words[0].group()))
        if len(words) > 1:
            out.append((ln.x1 - half * len(words[-1].group()), words[-1].group()))
        return out
    for x0, x1, text in ln.cells or [(ln.x0, ln.x1, ln.text)]:
        for m in re.finditer(r"\S+", text):
            c = (m.start() + m.end()) / 2 / max(len(text), 1)
            out.append((x0 + (x1 - x0) * c, m.group()))
    return out


def _year_rows(lines: list[Line]) -> list[tuple[Line, list[tuple[float, str]]]]:
    rows = []
    for ln in lines:
        toks = sorted(_tokens(ln)) if ln.cells else _tokens(ln)    # cells hold their places ('2020 2022 … 2021')
        if len(toks) >= 4 and all(_YEAR_TOKEN.match(t) for _, t in toks):
            ys = [int(_YEAR_TOKEN.match(t).group("y")) for _, t in toks]
            if all(b == a + 1 for a, b in zip(ys, ys[1:])):
                rows.append((ln, toks))
    return rows


_PERIOD_TOKEN = re.compile(r"^(?:19|20)\d{2}[EF]?\s*[-–~]\s*(?:19|20)\d{2}[EF]?$")
_PERCENT_TOKEN = re.compile(r"^[-+−]?\d{1,3}(?:\.\d+)?%$")


def _callouts(periods: list[tuple[float, str]], pcts: list[tuple[float, str]], step: float) -> list[tuple[str, str]]:
    """A chart's CAGR call-outs ('CAGR 2020-2024 / 2025E-2030E' over '7.4% 11.4%'): each period label paired
    with the one percent standing under it, or none when any is not certain."""
    if not periods or len(periods) != len(pcts):
        return []
    periods, pcts = sorted(periods), sorted(pcts)
    if any(abs(px - cx) > 1.5 * step for (px, _), (cx, _) in zip(periods, pcts)):
        return []
    return [(p, c.replace("−", "-")) for (_, p), (_, c) in zip(periods, pcts)]


def charts_series(lines: list[Line]) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """The bar charts of one figure read by position: [(unit, label, [(year label, value)])]. One year row: one
    chart, its label None (the figure's title names it). Several year rows (charts side by side or one above
    another under one title): a chart each, the labels standing over a row and within its span its values,
    its own unit line and the name line inside its span ('Global Market Size of EEPROM'); a chart whose name,
    unit or any year's single label is not certain is left out."""
    if any(not ln.geometry for ln in lines):
        return []
    rows = _year_rows(lines)
    if not rows:
        return []
    spans = []
    for row, ytoks in rows:
        xs = [x for x, _ in ytoks]
        step = (xs[-1] - xs[0]) / (len(xs) - 1)
        if step <= 0:
            return []
        spans.append((xs[0] - 0.6 * step, xs[-1] + 0.6 * step, step))

    def chart_of(x: float, top: float) -> int | None:
        """The chart a label at (x, top) belongs to: the year row nearest below it whose span holds it."""
        best = None
        for i, ((row, _), (a, b, _)) in enumerate(zip(rows, spans)):
            if a <= x <= b and top > row.top and (best is None or row.top > rows[best][0].top):
                best = i
        return best

    single = len(rows) == 1
    units: list[list[str]] = [[] for _ in rows]
    names: list[list[str]] = [[] for _ in rows]
    slots: list[list[list[str]]] = [[[] for _ in ytoks] for _, ytoks in rows]
    spoiled: set[int] = set()
    periods: list[list[tuple[float, str]]] = [[] for _ in rows]
    pcts: list[list[tuple[float, str]]] = [[] for _ in rows]
    for ln in lines:
        if any(ln is r for r, _ in rows):
            continue
        text = ln.text.strip()
        for x, t in _tokens(ln):
            if _PERIOD_TOKEN.match(t) or _PERCENT_TOKEN.match(t):
                k = 0 if single else chart_of(x, ln.top)
                if k is not None:
                    (periods if _PERIOD_TOKEN.match(t) else pcts)[k].append((x, t))
        k = chart_of((ln.x0 + ln.x1) / 2, ln.top) if not single else 0
        if _CHART_UNIT.match(ln.text):
            if single:
                units[0].append(text)
            elif k is not None:
                units[k].append(text)
            continue
        if re.search(r"cagr|复合", ln.text, re.I):
            continue
        if not single and _WORDY.search(text) and not _NUMERIC_TOKEN.match(text):
            for x0, x1, cell in ln.cells or [(ln.x0, ln.x1, text)]:
                words = " ".join(w for w in cell.split() if not (_PERCENT_TOKEN.match(w) or _PERIOD_TOKEN.match(w)))
                kk = chart_of((x0 + x1) / 2, ln.top)
                if words and _WORDY.search(words) and kk is not None:
                    names[kk].append(words)     # 'Electronics EEPROM -1.5% 5.7%': the name, its call-outs apart
            continue
        for x, t in _tokens(ln):
            if not _VALUE_TOKEN.match(t):
                continue
            k = 0 if single else chart_of(x, ln.top)
            if k is None:
                continue
            xs = [x for x, _ in rows[k][1]]
            step = spans[k][2]
            j = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
            if abs(xs[j] - x) <= 0.35 * step:
                slots[k][j].append(t)
            elif xs[0] - 0.35 * step <= x <= xs[-1] + 0.35 * step:
                spoiled.add(k)             # a label between two bars: no certain pairing
    if single and not units[0]:
        units[0] = [next((ln.text.strip() for ln in lines if _CHART_UNIT.match(ln.text)), "")]
    out = []
    for k, (_, ytoks) in enumerate(rows):
        unit = units[k][0] if units[k] else None
        name = None if single else (" ".join(names[k]) if len(names[k]) <= 2 and names[k] else None)
        if k in spoiled or not unit or (not single and not name):
            continue
        if any(len(v) != 1 for v in slots[k]):
            continue                       # a year without its label, or a stacked bar: not certain
        calls = [(f"CAGR {p}", c) for p, c in _callouts(periods[k], pcts[k], spans[k][2])]
        out.append((unit, name, [(t, v[0]) for (_, t), v in zip(ytoks, slots[k])] + calls))
    return out


CHART_HEAD = "chart ("          # the first header cell of a table read from a chart: 'chart (US$ Billion)'


def _series_table(unit: str, series: list[tuple[str, str]], label: str | None = None) -> str:
    """The series as a Markdown table the table reader reads (its caption, the chart's title, names what it
    measures; its first header cell says it was read from a chart, so its figures quote the title)."""
    m = _CHART_UNIT.match(unit)
    if m.group("zh"):
        cell = lambda v: f"{v}{m.group('zh')}"                              # noqa: E731
    else:
        cur = {"usd": "US$", "eur": "€"}.get(m.group("cur").lower(), m.group("cur"))
        scale = {"bn": "billion", "mn": "million"}.get(m.group("scale").lower(), m.group("scale").lower())
        cell = lambda v: f"{cur}{v} {scale}"                               # noqa: E731
    head = f"| {CHART_HEAD}{unit.strip().replace('|', '/')}) | " + " | ".join(y for y, _ in series) + " |"
    return "\n".join([head, "|" + " --- |" * (len(series) + 1),
                      f"| {(label or 'Total').replace('|', '/')} | " + " | ".join(
                          v if y.startswith("CAGR ") else cell(v) for y, v in series) + " |"]) + "\n\n"


def _render(name: str, pages: list[_Page], blocks: list[tuple[_Block, int]], skipped: list[int],
            meta: dict[str, str], lexicon) -> PdfText:
    if lexicon is None:
        from kg.lexicon import load_lexicon
        lexicon = load_lexicon()
    layout = Layout(pages=len(pages), skipped_pages=skipped,
                    page_labels={pg.no: pg.label for pg in pages if pg.label and pg.label != str(pg.no)})
    header = {pg.no: pg.header for pg in pages}
    chapters = {h for h in header.values() if h}
    industry = next((h for h in chapters if lexicon.part_of(h) == "https://w3id.org/reportkg/vocab/part-industry"),
                    None) if len(chapters) >= 3 else None
    if industry:
        pnos = [p for p, h in header.items() if h == industry]
        layout.chapter, layout.chapter_pages = industry, (min(pnos), max(pnos))
    shift = 1 if chapters and len(chapters) >= 3 else 0
    parts: list[str] = []
    pos = 0
    last_page = None
    chapter_now = None
    mined_now = True
    span_start = 0
    disclaimer_level: int | None = None

    def emit(s: str, page: int) -> None:
        nonlocal pos, last_page
        if page != last_page:
            layout.page_starts.append(pos)
            layout.page_numbers.append(page)
            last_page = page
        parts.append(s)
        pos += len(s)

    def set_mined(flag: bool) -> None:
        nonlocal mined_now, span_start
        if flag == mined_now:
            return
        if not flag:
            span_start = pos
        else:
            layout.unmined.append((span_start, pos))
        mined_now = flag

    in_figure = False
    fig_lines: list[Line] = []
    title = ""                                 # the chart title before a figure ('Global Market Size of X, 2020-2030E')
    last_para = ""

    def close_figure(page: int) -> None:
        nonlocal title
        if fig_lines:
            first = fig_lines[0].text.strip()
            if not title and _CHART_TITLE.search(first) and _WORDY.search(first) and len(first) <= 160:
                title = first          # a chart at the top of a page: its title is the figure's first line
                emit(first + "\n\n", page)
            elif not title and last_para.endswith((",", "，")) and _CHART_TITLE.search(last_para + " " + first):
                title = last_para      # 'Global Market Size of … EEPROM,' then the figure's '2020-2030E'
            for unit, label, series in (charts_series(fig_lines) if title else []):
                emit(_series_table(unit, series, label), page)
            fig_lines.clear()

    for b, page in blocks:
        if b.kind != "figure":
            close_figure(page)
        h = header.get(page) if shift else None
        in_figure = in_figure and b.kind == "figure" and not (shift and h and h != chapter_now)
        if shift and h and h != chapter_now:
            chapter_now = h
            disclaimer_level = None
            set_mined(industry is None or h == industry)
            emit(f"# {h}\n\n", page)
        text = b.text
        if b.kind == "heading":
            level = b.level + shift
            part = lexicon.part_of(text)
            if disclaimer_level is not None and level <= disclaimer_level:
                disclaimer_level = None
                set_mined(industry is None or chapter_now == industry or not shift)
            if part == "https://w3id.org/reportkg/vocab/part-disclaimer":
                disclaimer_level = level
                set_mined(False)
            emit("#" * min(level, 6) + " " + text + "\n\n", page)
        elif b.kind == "table":
            in_figure = False
            rows = [[c.replace("|", "/") for c in r] for r in b.rows]
            emit("\n".join(["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
                           + ["| " + " | ".join(r) + " |" for r in rows[1:]]) + "\n\n", page)
        elif b.kind == "figure":
            # consecutive label lines make one figure block
            fig_lines.extend(b.lines)
            if in_figure:
                parts.pop()
                pos -= 5
                emit(text + "\n", page)
                emit("```\n\n", page)
            else:
                emit("```figure\n" + text + "\n", page)
                emit("```\n\n", page)
            in_figure = True
        else:
            title = text if _CHART_TITLE.search(text) and len(text) <= 160 else ""
            last_para = text
            # a paragraph keeps where each of its pages begins
            first = True
            for ln_page, chunk in _by_page(b):
                emit(("" if first else " " if not _CJK.search(chunk[:1]) else "") + chunk, ln_page)
                first = False
            emit("\n\n", page if last_page is None else last_page)
    close_figure(last_page or 1)
    set_mined(True)
    text = "".join(parts)
    if not text.strip():
        raise IngestError(name, Errors.PDF_SCANNED.format(pages=len(pages)))
    layout.meta = _meta(meta, pages)
    if layout.chapter_pages:
        a, z = layout.chapter_pages
        chapter_text = " ".join(ln.text for pg in pages[a - 1:z] for ln in pg.lines)
    else:
        chapter_text = text[:200_000]
    who = consultant(chapter_text)
    if who:
        layout.meta["consultant"] = who
    return PdfText(text, layout)


def _by_page(b: _Block) -> list[tuple[int, str]]:
    out: list[tuple[int, list[str]]] = []
    for ln in b.lines:
        if out and out[-1][0] == ln.page:
            out[-1][1].append(ln.text)
        else:
            out.append((ln.page, [ln.text]))
    return [(p, _join(ts)) for p, ts in out]


_COMPANY = re.compile(r"([A-Z][\w&.,'()\- ]{2,80}?(?:Co\.,\s*Ltd\.|Limited|Corporation|Inc\.|Holdings|Group|plc))|"
                      r"([\u4e00-\u9fff（）()]{2,40}?(?:股份有限公司|有限公司|集团))")
_DOC_KIND = re.compile(r"application proof|post hearing information pack|prospectus|招股(?:说明|說明)?书|招股書|"
                       r"聆讯后资料集|聆訊後資料集|white paper|白皮书|白皮書|研究报告|研究報告|市场总结|市場總結", re.I)
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月|[.\-/](\d{1,2})(?!\d))|"
                   r"(January|February|March|April|May|June|July|August|September|October|November|December)"
                   r"\s+(?:\d{1,2},?\s+)?((?:19|20)\d{2})", re.I)


_CONSULTANT = [          # who wrote the industry chapter, as the text says (checked in tests/test_pdf.py)
    re.compile(r"\b(?:engaged|commissioned|appointed)\s+((?:[A-Z&][\w.&'\-]*\s*){1,6}?)\s*(?:\([^)]{0,40}\)\s*)?"
               r"(?:to\s+(?:prepare|conduct|carry out)|,\s*an independent)"),
    re.compile(r"\bfrom\s+((?:[A-Z&][\w.&'\-]*\s*){1,6}?)\s+reports?,?\s+commissioned by"),
    re.compile(r"委[託托]\s*([^，,。；\s]{2,30}?)\s*(?:編製|编制|撰寫|撰写|進行|进行|編撰|编撰|出具)"),
]


def consultant(text: str) -> str | None:
    for rx in _CONSULTANT:
        m = rx.search(text)
        if m:
            name = m.group(1).strip(" ,")
            return re.sub(r"^(?:the|an?)\s+", "", name, flags=re.I) or None
    return None


def _meta(info: dict[str, str], pages: list[_Page]) -> dict[str, str]:
    """What the document is: its title and date from the PDF's information, its company and kind from the cover."""
    out: dict[str, str] = {}
    if info.get("Title"):
        out["title"] = info["Title"].strip()
    if info.get("Author"):
        out["author"] = info["Author"].strip()
    cover_lines = [ln.text.strip() for pg in pages[:3] for ln in pg.lines]
    cover = " ".join(cover_lines)[:4000]
    names = Counter(t for t in cover_lines if _COMPANY.fullmatch(t))      # a company named on a line of its own
    if names:
        out["company"] = max(names, key=lambda t: (names[t], -cover_lines.index(t)))
    m = _DOC_KIND.search(cover)
    if m:
        out["document"] = m.group(0)
    m = _DATE.search(cover)
    if m:
        if m.group(1):
            out["date"] = f"{m.group(1)}-{int(m.group(2) or m.group(3)):02d}"
        else:
            months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                      "october", "november", "december"]
            out["date"] = f"{m.group(5)}-{months.index(m.group(4).lower()) + 1:02d}"
    return out
