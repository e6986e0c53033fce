"""Report text -> Document: sections by their numbers, blocks, sentences with offsets and lines.

PDF-converted markdown is messy: heading depth (`##` vs `###`) says nothing reliable, the table of
contents repeats every heading, wrapped lines turn into false headings or split paragraphs. Section
numbers ("1", "1.3", "一、", "（二）", "第三章") define the tree; unnumbered headings stay sections with
titles; character offsets always point into the original text.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Errors, IngestError
from .markup import front_matter, strip_html

# The graph model a report's graph is built with: bump it when the RDF a report becomes changes (2: Data
# Cube slices; 3: segments named in a sentence), so that resumed ingests rebuild reports an older model built
# though their text is the same.
GRAPH_MODEL = 11


def content_hash(text: str) -> str:
    """What ``rk:contentHash`` records: the report's text and the graph model that built it."""
    return hashlib.sha256(f"reportkg graph model {GRAPH_MODEL}\n{text}".encode("utf-8")).hexdigest()
from .text import despace_cjk, fold, replace_zh_years, zh_ordinal

MAX_BYTES = 20 * 1024 * 1024

_HASH_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUM_TITLE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?(?:\s+|(?=[\u4e00-\u9fff]))(.+)$")
_ZH_CAP = re.compile(r"^([壹贰叁参肆伍陆柒捌玖拾]{1,3})\s*[、.．]\s*(.+)$")      # capital numerals: a level above 一、
_CAPITALS = str.maketrans("壹贰叁参肆伍陆柒捌玖拾", "一二三三四五六七八九十")
_ZH_TOP = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.+)$")
_ZH_SUB = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*(.+)$")
_ZH_CHAPTER = re.compile(r"^第\s*([一二三四五六七八九十\d]{1,3})\s*([章篇部])\s*(.*)$")
_ZH_SECTION = re.compile(r"^第\s*([一二三四五六七八九十\d]{1,3})\s*节\s*(.*)$")
_EN_CHAPTER = re.compile(r"^(?:chapter|section|part)\s+(\d{1,2}(?:\.\d{1,2})*)\s*[:.\-]?\s*(.*)$", re.I)
_TOC_TITLES = re.compile(r"^(目录|目次|contents|tableofcontents)$", re.I)      # matched without spaces
_SPACE = " \t\u3000"


def strip_toc_leader(s: str) -> str:
    """'一、战略安排............2' -> '一、战略安排'; 'Title    12' and 'Title 12' -> 'Title'. A scan from the end,
    linear in the line (the regular expression it replaces backtracked cubically on runs of spaces)."""
    t = s.rstrip()
    i = len(t)
    while i and t[i - 1].isdigit():          # the page number
        i -= 1
    digits = len(t) - i
    j = i
    while j and t[j - 1] in _SPACE:
        j -= 1
    k = j
    while k and t[k - 1] in ".…·-":          # the leader
        k -= 1
    leader = t[k:j]
    if leader and (set(leader) == {"."} and len(leader) >= 2 or "…" in leader or leader.count("·") >= 2
                   or set(leader) == {"-"} and len(leader) >= 3):
        while k and t[k - 1] in _SPACE:
            k -= 1
        return t[:k]
    if j < i and 1 <= digits <= 3 or not leader and i - j >= 3:
        return t[:j]
    return t
_SENT_END = "。！？!?；;"
_CONTINUATION_END = "、，,；;-—"
_MARKUP = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|\[(?=[^\]]*\]\()|\]\([^)]*\)|<br\s*/?>")
_LIST_MARK = re.compile(r"^(?:[-*+•·▪●◆]\s+|\d{1,2}[.)]\s+(?=\D)|[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[)）]\s*(?=\S)|"
                        r"[①-⑳]\s*)")
_BOLD_LEAD = re.compile(r"^\s*(?:[-*+•]\s+)?\*\*(.+?)\*\*")
_SOURCE = re.compile(r"^(资料来源|数据来源|来源|注|sources?|note)\s*[:：]", re.I)
_UNIT_LINE = re.compile(r"^[(（]\s*([^()（）]{1,30})\s*[)）]$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_CAPTION = re.compile(r"^(?:图|圖|表|figure|fig\.|table|exhibit|chart)\s*\d", re.I)


@dataclass
class Section:
    id: str                 # "1.3", or the title for an unnumbered section
    number: str | None
    title: str
    level: int
    parent: str | None
    order: int
    line: int               # line of the heading (1-based)
    start: int              # character offset of the heading
    end: int = 0            # character offset where the section ends
    page: int | None = None     # the page its heading is on, where the source has pages


@dataclass
class Sentence:
    text: str               # original characters, markup removed
    norm: str               # fold()ed, same length as text
    start: int              # offsets into the original file
    end: int
    line: int
    offsets: list[int] = field(repr=False, default_factory=list)
    page: int | None = None     # the page it starts on, where the source has pages


@dataclass
class Block:
    kind: str               # paragraph | lead | item | chart | unit | source | row | figure (a chart's labels)
    text: str
    norm: str
    offsets: list[int] = field(repr=False)
    line: int
    section: str
    lead: str | None = None        # bold lead / list label (without trailing colon)
    body_start: int = 0            # index in text where the body after the lead starts
    sentences: list[Sentence] = field(default_factory=list)
    cells: list[str] | None = None     # a table row's cells, as written (markup removed)
    table: int | None = None           # which table of the document a row belongs to
    cell_spans: list[tuple[int, int]] | None = field(default=None, repr=False)   # each cell's place in text
    page: int | None = None            # the page it starts on, where the source has pages
    mine: bool = True                  # False: kept as passages, never mined for claims (disclaimers, the rest
                                       # of a prospectus outside its industry chapter)

    @property
    def start(self) -> int:
        return self.offsets[0] if self.offsets else 0

    @property
    def end(self) -> int:
        return self.offsets[-1] + 1 if self.offsets else 0


@dataclass
class Document:
    path: str
    text: str
    sections: list[Section]
    blocks: list[Block]
    lang: str                    # zh | en
    content_hash: str
    front: list[str]             # unnumbered headings before the first body text (title block)
    layout: object | None = None  # ingest.pdf.Layout for a PDF: pages, chapters, the document's metadata
    meta: dict = field(default_factory=dict)   # a text's front matter: title, date, author, publisher

    def section(self, sid: str) -> Section | None:
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.sections):
            index = self.__dict__["_by_id"] = {s.id: s for s in self.sections}
        return index.get(sid)

    def blocks_in(self, sid: str) -> list[Block]:
        return [b for b in self.blocks if b.section == sid]

    def section_text(self, sid: str) -> str:
        s = self.section(sid)
        return self.text[s.start:s.end] if s else ""


# --------------------------------------------------------------------------- reading

def read_report(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a report as text, or raise IngestError with a one-line reason."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise IngestError(str(path), Errors.TOO_BIG.format(size=size, limit=max_bytes))
        data = p.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), Errors.NOT_FOUND) from None
    except IsADirectoryError:
        raise IngestError(str(path), "is a directory; give report files") from None
    except OSError as e:
        raise IngestError(str(path), f"cannot read: {e.strerror}") from None
    return decode_report(str(path), data)


def read_source(path: str | Path):
    """A report's text and, for a PDF, its layout (pages, chapters): (text, Layout | None)."""
    from .pdf import is_pdf, read_pdf
    if is_pdf(path):
        got = read_pdf(path)
        return got.text, got.layout
    return read_report(path), None


def decode_report(name: str, data: bytes) -> str:
    """A report file's bytes as the text the parser reads: UTF-8 (or UTF-16 with its BOM) text or markdown, or
    a web page or Word document converted to markdown (``ingest.formats``). Raises IngestError."""
    from .formats import convert
    if not data:
        raise IngestError(name, Errors.EMPTY)
    converted = convert(name, data)
    if converted is not None:
        text = converted
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(name, Errors.UTF16) from None
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise IngestError(name, Errors.BINARY.format(offset=nul))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise IngestError(name, Errors.ENCODING.format(byte=data[e.start]), line) from None
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 8 and converted is None:
        raise IngestError(name, Errors.BINARY.format(offset=0).split(" (")[0])
    if not text.strip():
        raise IngestError(name, Errors.BLANK)
    return despace_cjk(strip_html(text.replace("\r\n", "\n").replace("\r", "\n")))


# --------------------------------------------------------------------------- headings

@dataclass
class _Heading:
    number: str | None
    title: str
    kind: str        # "num" | "zh_top" | "zh_sub" | "plain"
    depth: int       # '#' depth (0 for bare lines)


def _strip_markup(s: str) -> str:
    return _MARKUP.sub("", s).strip()


def parse_heading(line: str) -> _Heading | None:
    """Recognise a heading line: `#` headings, or bare numbered lines that look like titles."""
    m = _HASH_HEADING.match(line)
    depth = len(m.group(1)) if m else 0
    body = _strip_markup(m.group(2) if m else line)
    if not m or "." in body[-4:] or "…" in body:                        # a TOC entry's leader and page
        body = strip_toc_leader(body).strip()
    if not body:
        return None
    f = replace_zh_years(fold(body))
    h = _numbered(f, body)
    if h:
        h.depth = depth
        if not m and not _looks_like_title(h.title):
            return None
        return h
    if m:
        return _Heading(None, body, "plain", depth)
    return None


def _numbered(f: str, body: str) -> _Heading | None:
    for rx, kind in ((_NUM_TITLE, "num"), (_EN_CHAPTER, "num")):
        mm = rx.match(f)
        if mm and mm.group(2).strip():
            first = int(mm.group(1).split(".")[0])
            if 0 < first < 100 and not _YEAR.match(f):
                return _Heading(mm.group(1), body[mm.start(2):].strip(), kind, 0)
    mm = _ZH_CHAPTER.match(f)
    if mm and zh_ordinal(mm.group(1)):
        return _Heading(str(zh_ordinal(mm.group(1))), body[mm.start(3):].strip() or body, "num", 0)
    mm = _ZH_CAP.match(f)
    if mm and zh_ordinal(mm.group(1).translate(_CAPITALS)):
        return _Heading(str(zh_ordinal(mm.group(1).translate(_CAPITALS))), body[mm.start(2):].strip(), "zh_cap", 0)
    mm = _ZH_TOP.match(f)
    if mm and zh_ordinal(mm.group(1)):
        return _Heading(str(zh_ordinal(mm.group(1))), body[mm.start(2):].strip(), "zh_top", 0)
    for rx in (_ZH_SUB, _ZH_SECTION):
        mm = rx.match(f)
        if mm and zh_ordinal(mm.group(1)):
            return _Heading(str(zh_ordinal(mm.group(1))), body[mm.start(2):].strip(), "zh_sub", 0)
    return None


def _looks_like_title(title: str, longest: int = 40) -> bool:
    t = title.strip()
    return 0 < len(t) <= longest and t[-1] not in "。.;；:：,，" and \
        not re.search(r"\d[\d,.]*\s*(%|亿|万|billion|million)", fold(t))


# --------------------------------------------------------------------------- parsing

@dataclass
class _Line:
    no: int
    start: int
    raw: str


def parse_document(text: str, path: str = "<text>", layout=None, place: bool = True) -> Document:
    """``layout`` (a PDF's): pages of every character, spans not to mine, heading depth set by typography.
    ``place=False`` leaves pages and mining flags to a later ``place(doc)`` (ingest checks its budget first)."""
    typographic = bool(layout is not None and getattr(layout, "typographic", False))
    digest = content_hash(text)
    text, meta = front_matter(text)
    lines, pos = [], 0
    for no, raw in enumerate(text.split("\n"), 1):
        lines.append(_Line(no, pos, raw))
        pos += len(raw) + 1
    next_text: list[_Line | None] = [None] * len(lines)     # the next non-blank line after each line
    for i in range(len(lines) - 2, -1, -1):
        nxt = lines[i + 1]
        next_text[i] = nxt if nxt.raw.strip() else next_text[i + 1]
    lang = "zh" if len(re.findall(r"[\u4e00-\u9fff]", text)) > 0.05 * max(1, len(re.findall(r"\S", text))) else "en"

    sections: list[Section] = []
    section_ids: set[str] = set()
    blocks: list[Block] = []
    front: list[str] = []
    numbers_seen: set[str] = set()
    current: Section | None = None
    top_number: str | None = None       # for （一） style sub-sections
    sub_number: str | None = None       # the last （一） section, for 1. under it
    zh_scheme = False                   # the document numbers its chapters 一、 (or 壹、)
    cap_number: str | None = None       # for 一、 sections under 壹、
    cur_depth = 0
    in_toc, toc_numbers, toc_titles, toc_top = False, set(), set(), None
    body_seen = False
    pending: list[_Line] = []           # lines of the paragraph being collected
    tables, in_table, ws_cols = 0, False, 0   # tables seen; the last line was a row; a spaced table's columns
    fence: list[_Line] | None = None      # lines of a ``` fence (a PDF chart's labels): a block, never prose
    depths: list[tuple[int, Section]] = []    # typographic headings open above this line: (depth, section)

    def flush():
        nonlocal body_seen
        if pending and current is None:
            # text before any heading: the cover, kept as a section named by the report title
            title = front[0] if front else "front matter"
            ln0 = pending[0]
            new_section(_Heading(None, title, "plain", 0), _Line(ln0.no, ln0.start, ln0.raw), None)
        if pending:
            _emit_block(pending, blocks, current.id if current else "", lang)
            pending.clear()
            body_seen = True

    def new_section(h: _Heading, ln: _Line, number: str | None):
        nonlocal current, cur_depth
        if current is not None:
            flush()
        if typographic and h.depth:
            while depths and depths[-1][0] >= h.depth:
                depths.pop()
        if number:
            level = number.count(".") + 1
            parent = number.rsplit(".", 1)[0] if "." in number else None
            sid = number
            numbers_seen.add(number)
        elif typographic and h.depth:
            above = depths[-1][1] if depths else None
            level = above.level + 1 if above else 1
            parent = above.id if above else None
            sid = h.title
            base, k = sid, 2
            while sid in section_ids:
                sid, k = f"{base} ({k})", k + 1
        else:
            nested = current is not None and current.number and h.depth > cur_depth > 0
            level = current.level + 1 if nested else 1
            parent = current.id if nested else None
            sid = h.title
            base, k = sid, 2
            while sid in section_ids:
                sid, k = f"{base} ({k})", k + 1
        if current is not None:
            current.end = ln.start
        current = Section(sid, number, h.title, level, parent, len(sections), ln.no, ln.start)
        sections.append(current)
        section_ids.add(sid)
        cur_depth = h.depth
        if typographic and h.depth:
            depths.append((h.depth, current))

    for i, ln in enumerate(lines):
        stripped = ln.raw.strip()
        if fence is not None:
            if stripped.startswith("```"):
                if current is not None and fence:
                    _emit_figure(fence, blocks, current.id)
                    body_seen = True
                fence = None
            elif stripped:
                fence.append(ln)
            continue
        if stripped.startswith("```"):
            flush()
            in_table = False
            fence = []
            continue
        if not stripped:
            in_table = False                            # a blank line ends a table, as in markdown
            if pending:
                # a wrapped line: the paragraph goes on after the blank when it ends mid-phrase
                nxt = next_text[i]
                if not (nxt and _continues(pending[-1].raw, nxt.raw)):
                    flush()
            continue
        row_before, in_table = in_table, False       # a table goes on only from the line just before
        long_line = len(stripped) > 400 and not stripped.startswith("#")   # a paragraph: no heading, title or TOC
        h = None if long_line else parse_heading(stripped)
        plain = stripped if long_line else strip_toc_leader(_strip_markup(stripped.lstrip("#"))).strip()
        if (h and h.kind == "plain" or not h and len(plain) <= 20) and _TOC_TITLES.match(re.sub(r"\s+", "", fold(plain))):
            flush()
            in_toc, toc_numbers, toc_top = True, set(), None
            continue
        if in_toc:
            key = None
            if h and h.number:
                key = h.number
                if h.kind in ("zh_cap", "zh_top", "num") and "." not in key:
                    toc_top = key
                elif h.kind == "zh_sub" and toc_top:
                    key = f"{toc_top}.{key}"
            if (key and key in toc_numbers) or (not key and plain in toc_titles) or (not h and len(plain) > 60):
                in_toc = False
            else:
                if key:
                    toc_numbers.add(key)
                elif plain and len(plain) <= 40 and not _CAPTION.match(plain):   # a list of figures is no outline
                    toc_titles.add(plain)
                continue
        if not h and toc_titles and plain in toc_titles and _looks_like_title(plain):
            h = _Heading(None, plain, "plain", 0)
        if h and h.number is None and pending and _continues(pending[-1].raw, stripped, heading=True):
            # a false heading: the tail of the previous (wrapped) line
            pending.append(_Line(ln.no, ln.start + ln.raw.index(stripped[0]) + (len(stripped) - len(stripped.lstrip("#").lstrip())), stripped.lstrip("#").lstrip()))
            continue
        if h:
            number = h.number
            if h.kind == "zh_cap":                 # 壹、 then 一、 under it: 1, 1.1, 1.1.1 for （一）
                cap_number = top_number = number
            elif h.kind == "zh_top":
                number = f"{cap_number}.{number}" if cap_number else number
                top_number = number
            elif h.kind == "zh_sub":
                number = f"{top_number}.{number}" if top_number else number
                sub_number = number
            elif h.kind == "num" and "." not in (number or "") and zh_scheme and (sub_number or top_number):
                # '1.' under '（一）' in a document numbered 一、/（一）: the level below, not a chapter
                number = f"{sub_number or top_number}.{number}"
            elif h.kind == "num" and "." not in (number or ""):
                top_number = number
            if h.kind in ("zh_cap", "zh_top"):
                zh_scheme, sub_number = True, None
            if number and (number in numbers_seen or number in section_ids):
                # a repeated number, or one an earlier heading's title holds ('# 1.2'): keep as a titled
                # section (never two sections with one id)
                number = None
            if number is None and not body_seen:
                front.append(h.title)
            if h.kind == "plain" and h.title in toc_titles:
                toc_titles.discard(h.title)
            new_section(h, ln, number)
            continue
        piped = bool(_TABLE_ROW.match(stripped))
        spaced = [] if piped else _spaced_cells(stripped, ws_cols if row_before else 0)
        if (piped or spaced) and current is not None:
            # a table row ('| 协作机器人 | 90.5 | 120.3 |', or columns a PDF converter spaced out): a block of
            # its own; '|---|---|' rules are skipped
            flush()
            if not _TABLE_RULE.match(stripped):
                if not row_before:
                    tables += 1
                    ws_cols = len(spaced)
                _emit_row(ln, blocks, current.id, lang, tables, spaced or None)
                body_seen = True
            in_table = True
            continue
        if not sections and not pending and not body_seen and not front and _looks_like_title(plain, 100) and len(plain) >= 4:
            front.append(plain)
        if pending and _starts_new_block(stripped):
            flush()
        elif len(pending) == 1 and (current is None or current.number is None and current.order == 0) and \
                _looks_like_title(_strip_markup(pending[-1].raw.strip()), 100):
            flush()             # the cover: a title line, then the publisher's, each a block of its own
        pending.append(ln)
    flush()
    if current is not None:
        if fence:
            _emit_figure(fence, blocks, current.id)
        current.end = len(text)
    if not sections:
        raise IngestError(path, Errors.NO_SECTIONS)
    doc = Document(path, text, sections, blocks, lang, digest, front, layout, meta)
    if place:
        place_blocks(doc)
    return doc


def place_blocks(doc: Document) -> None:
    """Pages onto sections, blocks and sentences; disclaimers and a layout's unmined spans out of mining."""
    from kg.lexicon import load_lexicon
    lex = load_lexicon()
    layout = doc.layout
    tails: set[str] = set()
    for s in doc.sections:                  # a disclaimer and everything under it
        if s.parent in tails or lex.part_of(s.title) == DISCLAIMER_PART:
            tails.add(s.id)
        if layout is not None:
            s.page = layout.page_at(s.start)
    for b in doc.blocks:
        b.mine = b.section not in tails and (layout is None or layout.mined(b.start))
        if layout is not None:
            b.page = layout.page_at(b.start)
            for st in b.sentences:
                st.page = layout.page_at(st.start)


DISCLAIMER_PART = "https://w3id.org/reportkg/vocab/part-disclaimer"


def _emit_figure(lines: list[_Line], blocks: list[Block], section: str) -> None:
    """A chart's (or a flattened table's) labels: one block whose cells are its lines; no sentences."""
    chars: list[str] = []
    offs: list[int] = []
    cells = []
    for ln in lines:
        body = ln.raw.strip()
        lead = ln.raw.index(body[0])
        if chars:
            chars.append("\n")
            offs.append(ln.start - 1)
        chars.extend(body)
        offs.extend(range(ln.start + lead, ln.start + lead + len(body)))
        cells.append(body)
    text = "".join(chars)
    blocks.append(Block("figure", text, replace_zh_years(fold(text)), offs, lines[0].no, section, cells=cells))


def _continues(prev: str, nxt: str, heading: bool = False) -> bool:
    """Does `nxt` continue the wrapped line `prev` (PDF line-wrap artifacts)?"""
    p = _strip_markup(prev).rstrip()
    n = _strip_markup(nxt.lstrip("#").strip())
    if not p or not n or _BOLD_LEAD.match(nxt) or _LIST_MARK.match(nxt.strip()):
        return False
    if heading and parse_heading(nxt) and parse_heading(nxt).number:
        return False
    if p[-1] in _CONTINUATION_END:
        return True
    if p[-1] in _SENT_END + "。:：)）" or _UNIT_LINE.match(n):
        return False
    return len(n) <= 4 and not heading


def _starts_new_block(line: str) -> bool:
    return bool(_BOLD_LEAD.match(line) or _LIST_MARK.match(line) or _SOURCE.match(_strip_markup(line))
                or _UNIT_LINE.match(_strip_markup(line)))


def _clean(lines: list[_Line], lang: str) -> tuple[str, list[int]]:
    """Join lines, dropping markup, keeping each kept character's offset in the original text."""
    parts: list[str] = []
    offs: list[int] = []
    last = ""
    for ln in lines:
        raw = ln.raw
        lead_ws = len(raw) - len(raw.lstrip())
        body = raw.strip()
        skip = 0
        m = _LIST_MARK.match(body)
        if m:
            skip = m.end()
        if last and last != " " and lang == "en":
            parts.append(" ")
            offs.append(ln.start + lead_ws - 1 if ln.start + lead_ws > 0 else 0)
            last = " "
        pos = skip
        base = ln.start + lead_ws
        for mm in list(_MARKUP.finditer(body, skip)) + [None]:
            stop = mm.start() if mm else len(body)
            if stop > pos:                   # whole runs at a time: C speed on a 1 MB prospectus
                parts.append(body[pos:stop])
                offs.extend(range(base + pos, base + stop))
                last = body[stop - 1]
            if mm:
                pos = mm.end()
    text = "".join(parts).replace("\t", " ")
    if "  " in text:                         # collapse runs of spaces (keep the first)
        keep = [i for i in range(len(text)) if not (text[i] == " " and i and text[i - 1] == " ")]
        text = "".join(text[i] for i in keep)
        offs = [offs[i] for i in keep]
    a, b = 0, len(text)
    while a < b and text[a] == " ":
        a += 1
    while b > a and text[b - 1] == " ":
        b -= 1
    return text[a:b], offs[a:b]


def _emit_block(lines: list[_Line], blocks: list[Block], section: str, lang: str) -> None:
    first = lines[0].raw.strip()
    text, offs = _clean(lines, lang)
    if not text:
        return
    norm = replace_zh_years(fold(text))
    kind, lead, body_start = "paragraph", None, 0
    bold = _BOLD_LEAD.match(first)
    if bold or _LIST_MARK.match(first):
        label_src = _strip_markup(bold.group(1)) if bold else text
        colon = re.search(r"[:：]", fold(label_src))
        if bold:
            label = label_src[: colon.start()] if colon else label_src
        else:
            label = text[: colon.start()] if colon and colon.start() < 40 else None
        if label is not None and label.strip():
            lead = label.strip()
            idx = text.find(lead)
            body_start = idx + len(lead) if idx >= 0 else 0
            while body_start < len(text) and text[body_start] in " :：":
                body_start += 1
        kind = "lead" if bold else "item"
    elif _is_chart_title(norm):
        kind = "chart"
    elif re.match(r"^[^:：。，,;；]{1,24}[:：]\s*\S", norm) and len(norm) <= 60 and \
            re.search(r"\d", norm.split(":", 1)[-1].split("：", 1)[-1]) and not _SOURCE.match(norm):
        # "交流 慢充樁: 281.9 億元人民幣": a list line without list markup
        colon = re.search(r"[:：]", norm)
        kind, lead, body_start = "item", text[: colon.start()].strip(), colon.end()
        while body_start < len(text) and text[body_start] == " ":
            body_start += 1
    elif _SOURCE.match(norm):
        kind = "source"
    elif _UNIT_LINE.match(norm):
        kind = "unit"
    block = Block(kind, text, norm, offs, lines[0].no, section, lead, body_start)
    block.sentences = _split_sentences(block, lines, lang)
    blocks.append(block)


_TABLE_ROW = re.compile(r"^\|.*\|\s*$|^\|(?:[^|]*\|){2,}")
_TABLE_RULE = re.compile(r"^[|:\-\s—–=+]+$")


_WS_COLUMNS = re.compile(r"\s{2,}|\t")
_YEARS_HEAD = re.compile(r"^(?:年份|年度|year|years|fy)$", re.I)      # years down the first column
_RATE_HEAD = re.compile(r"cagr|复合|share|占比|份额|比重", re.I)
_YEAR_CELL = re.compile(r"^(?:FY\s?)?(?:19|20)\d{2}\s*年?\s*(?:[EFP]|[(（]?(?:预测|預測|预计|E|F)[)）]?)?$", re.I)


def _spaced_cells(line: str, columns: int) -> list[str]:
    """The cells of a table row whose columns are set apart by runs of spaces (PDF text): a header with two or
    more year columns starts a table; rows with about as many cells, holding figures, go on with it."""
    cells = [c for c in _WS_COLUMNS.split(line) if c]
    if columns:
        if abs(len(cells) - columns) <= 1 and len(cells) >= 2 and any(re.search(r"\d", c) for c in cells[1:]):
            return cells
        return []
    years = sum(bool(_YEAR_CELL.match(fold(c))) for c in cells[1:])
    others = sum(bool(_RATE_HEAD.search(fold(c))) for c in cells[1:])
    if len(cells) >= 3 and (years >= 1 and years + others >= 2 or _YEARS_HEAD.match(fold(cells[0]))):
        return cells
    return []


def _emit_row(ln: _Line, blocks: list[Block], section: str, lang: str, table: int,
              cells: list[str] | None = None) -> None:
    """A table row: one block, one sentence (the row as written, so a figure read from it quotes it)."""
    text, offs = _clean([ln], lang)
    if not text.strip("| "):
        return
    if cells is None:
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
    spans, pos = [], 0
    for c in cells:                  # where each cell is in the row's text (markup and extra spaces removed)
        c = _strip_markup(c).strip()
        i = text.find(c, pos) if c else -1
        spans.append((i, i + len(c)) if i >= 0 else (pos, pos))
        pos = spans[-1][1]
    block = Block("row", text, replace_zh_years(fold(text)), offs, ln.no, section, cells=cells, table=table,
                  cell_spans=spans)
    block.sentences = [Sentence(text, block.norm, offs[0], offs[-1] + 1, ln.no, offs)]
    blocks.append(block)


def _is_chart_title(norm: str) -> bool:
    """'全球…市场规模，2020年至2030年（预测）', 'Figure 1: … , 2020-2029E': a chart caption, not a sentence."""
    return len(norm) <= 90 and norm.rstrip()[-1] not in _SENT_END + ".:：" and len(_YEAR.findall(norm)) >= 2 \
        and not re.search(r"\d\s*(?:%|亿|万亿|billion|million)", norm)


_EN_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z(\"'])")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|inc|ltd|co|corp|no|fig|u\.s|mr|ms|dr|st)\.$", re.I)


def _split_sentences(block: Block, lines: list[_Line], lang: str) -> list[Sentence]:
    text, norm = block.text, block.norm
    cuts = [0]
    for i, ch in enumerate(norm):
        if ch in "。！？；" or (ch in "!?;" and lang == "zh"):
            cuts.append(i + 1)
    for m in _EN_SPLIT.finditer(norm):
        if not _ABBREV.search(norm[max(0, m.start() - 12): m.start()]):   # the word before the stop only
            cuts.append(m.end())
    cuts = sorted(set(cuts)) + [len(text)]
    line_starts = [ln.start for ln in lines]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a] == " ":
            a += 1
        while b > a and text[b - 1] == " ":
            b -= 1
        if a >= b:
            continue
        start = block.offsets[a]
        li = bisect.bisect_right(line_starts, start) - 1
        out.append(Sentence(text[a:b], norm[a:b], start, block.offsets[b - 1] + 1, lines[max(li, 0)].no,
                            block.offsets[a:b]))
    return out
