"""A held-out check of the PDF route: the seed and the four fixture reports, laid out as a publisher would
(A4, a running header, page numbers, headings set larger and bold, justified body text, bullets, tables,
charts) and rendered to PDF with reportlab, must give every figure their markdown gives, and no other.

The PDF route (ingest/pdf.py) was developed on four real PDFs; these renders are documents it has not seen.
Figures are compared on (metric_label, value, unit, year, period); segment and market are reported too.
Figures the markdown reads from tables (evidence.cell) are reported apart and not required: reading tables
out of a PDF's text layer is future work.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

reportlab = pytest.importorskip("reportlab", reason="reportlab renders the PDFs: pip install -e '.[test]'")
pdfium = pytest.importorskip("pypdfium2")

from reportlab.graphics.shapes import Drawing, Line as GLine, Rect, String  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph,  # noqa: E402
                                Spacer, Table, TableStyle)

from ingest.document import parse_document  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.pdf import read_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")      # Debian fonts-wqy-zenhei (CI installs it)
PROBE = "2024 年，全球 AI 推理芯片市场规模达到 6,067 亿元人民币（预测）。臺灣電動車充電樁 ２０２４ 億新台幣 –3– 第 3 页"


# --------------------------------------------------------------------------- fonts

def _reads_back(font: str, tmp: Path) -> bool:
    """Does pdfium read a line set in this font back as the same Unicode?"""
    from reportlab.pdfgen import canvas
    path = tmp / f"probe-{font}.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 11)
    c.drawString(72, 700, PROBE)
    c.save()
    doc = pdfium.PdfDocument(str(path))
    try:
        tp = doc[0].get_textpage()
        return tp.get_text_range().strip() == PROBE
    finally:
        doc.close()


@pytest.fixture(scope="module")
def cjk(tmp_path_factory):
    """The CJK fonts pdfium reads back correctly: a 宋体 for body text, a 黑体 for headings and bold.
    STSong-Light is reportlab's built-in CID font (not embedded); WenQuanYi Zen Hei is embedded as a subset
    (it has no '•': bullets are set in Helvetica)."""
    tmp = tmp_path_factory.mktemp("fonts")
    ok = []
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    if _reads_back("STSong-Light", tmp):
        ok.append("STSong-Light")
    if ZENHEI.exists():
        pdfmetrics.registerFont(TTFont("ZenHei", str(ZENHEI), subfontIndex=0))
        if _reads_back("ZenHei", tmp):
            ok.append("ZenHei")
    if not ok:
        pytest.skip(f"no CJK font that pdfium reads back as Unicode: STSong-Light failed and {ZENHEI} "
                    "is missing or failed (apt-get install fonts-wqy-zenhei)")
    song = "STSong-Light" if "STSong-Light" in ok else ok[0]
    hei = "ZenHei" if "ZenHei" in ok else ok[0]
    return song, hei


# --------------------------------------------------------------------------- the markdown, as blocks

@dataclass
class Blk:
    kind: str            # heading | para | item | toc | caption | unit | source | table | small
    text: str
    level: int = 1
    rows: list[list[str]] = field(default_factory=list)


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ZH_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])\S")
_PLAIN_TITLE = re.compile(r"^(?:摘\s*要|目\s*[录錄]|免[责責][声聲]明|contents)$", re.I)
_TOC_HEAD = re.compile(r"^(?:目\s*[录錄次]|contents|table of contents)$", re.I)
_LEADERS = re.compile(r"(?:\.{4,}|…{2,})\s*\d+\s*$")
_CAPTION = re.compile(r"^(?:图表|图|圖|表|figure|exhibit)\s*\d+\s*[:：]|（预测）$|\(預測\)$", re.I)
_UNIT = re.compile(r"^[(（][^()（）]{1,16}[)）]$")
_SOURCE = re.compile(r"^(?:资料来源|数据来源|資料來源|數據來源|sources?)\s*[:：]", re.I)
_BULLET = re.compile(r"^(?:[-*+]\s+|●\s*)")
_SENT_END = tuple("。！？；.!?;:：")


def _plain(s: str) -> str:
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)          # [text](url) -> text
    return s.replace("**", "").strip()


def _level(title: str, hashes: int) -> int:
    """The level a publisher sets a heading at: by its number ('1.' 1, '1.1' 2, '（一）' 2), not by `#`s."""
    m = re.match(r"^(\d+(?:\.\d+)*)\.?\s", title)
    if m:
        return min(m.group(1).count(".") + 1, 3)
    if re.match(r"^[一二三四五六七八九十]{1,3}、", title):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十]{1,3}[)）]", title):
        return 2
    return 1 if hashes <= 2 else 2


def _entry(text: str) -> str:
    """A heading or a table-of-contents entry, without its leaders, page number and spaces."""
    return re.sub(r"\s", "", _LEADERS.sub("", text))


def md_blocks(md: str) -> tuple[list[Blk], list[Blk]]:
    """(cover, body) of a markdown report, one block a source line; the body's table of contents as entries."""
    raw: list[Blk] = []
    lines = md.split("\n")
    i = 0
    first = True
    while i < len(lines):
        s = lines[i].strip()
        i += 1
        if not s:
            continue
        if s.startswith("|"):
            rows = []
            for t in [s] + [ln.strip() for ln in lines[i:]]:
                if not t.startswith("|"):
                    break
                i += 1 if rows else 0
                if not re.fullmatch(r"\|[\s:|-]+\|", t):
                    rows.append([_plain(c) for c in t.strip("|").split("|")])
            raw.append(Blk("table", "", rows=rows))
            continue
        m = _HEADING.match(s)
        if m:
            title = _plain(m.group(2))
            raw.append(Blk("heading", title, _level(title, len(m.group(1)))))
        elif first or (len(s) <= 30 and not s.endswith(_SENT_END) and
                       (_ZH_NUMBERED.match(s) or _PLAIN_TITLE.match(s))):
            title = _plain(s)
            raw.append(Blk("heading", title, 0 if first else _level(title, 2)))
        elif _BULLET.match(s):
            raw.append(Blk("item", _BULLET.sub("", s, count=1)))
        elif _SOURCE.match(_plain(s)):
            raw.append(Blk("source", s))
        elif _CAPTION.search(_plain(s)) and len(s) <= 90:
            raw.append(Blk("caption", _plain(s)))
        elif _UNIT.match(s):
            raw.append(Blk("unit", s))
        elif s.startswith("©"):
            raw.append(Blk("small", s))
        else:
            raw.append(Blk("para", s))
        first = False
    # the seed's markdown came from a PDF whose wrapped lines it broke ('细分行业规模如' | '下:', a source line
    # ending '、' | '## 新闻'): the publisher's layout had one paragraph there
    healed: list[Blk] = []
    for b in raw:
        prev = healed[-1] if healed else None
        if prev is not None and len(_plain(prev.text)) >= 20 and "｜" not in prev.text and "|" not in prev.text \
                and (prev.kind == "para" and b.kind == "para" and re.search(r"[\u4e00-\u9fff]$", prev.text)
                     or prev.kind == "source" and prev.text.endswith("、") and b.kind in ("para", "heading")
                     and len(b.text) <= 4):
            prev.text += b.text
            continue
        healed.append(b)
    # cover: up to the first heading after some other block; then a table of contents, if there is one
    k = 0
    while k < len(healed) and not (healed[k].kind == "heading" and any(x.kind != "heading" for x in healed[:k])):
        k += 1
    cover, rest = healed[:k], healed[k:]
    # the table of contents (where the markdown has one: after the cover or after the summary) as entries
    body: list[Blk] = []
    while rest:
        b = rest.pop(0)
        body.append(b)
        if not (b.kind == "heading" and _TOC_HEAD.match(b.text)) or any(x.kind == "toc" for x in body):
            continue
        b.kind = "tochead"
        entries: list[Blk] = []
        while rest:
            e = rest[0]
            if entries and e.kind == "heading" and _entry(e.text) == _entry(entries[0].text):
                break
            if e.kind not in ("heading", "para") or (e.kind == "para" and entries and len(e.text) > 60):
                break
            rest.pop(0)
            entries.append(Blk("toc", e.text, e.level if e.kind == "heading" else _level(e.text, 2)))
        body += entries
    return cover, body


# --------------------------------------------------------------------------- layouts

@dataclass
class Look:
    """How one document is laid out: fonts, margins, running header and footer."""
    md: str
    header: list[str]                         # lines of the running header ({title}, {page})
    footer: str                               # the footer ({page}), '' for none
    footer_align: str = "center"              # center | right | outer
    header_align: str = "left"
    zh: bool = True
    song_body: bool = True                    # Chinese: 宋体 body, 黑体 headings (else 黑体 throughout)
    size: float = 10.5
    margins: tuple[float, float, float, float] = (2.5, 2.5, 2.8, 2.5)   # left, right, top, bottom (cm)
    charts: dict[str, list[tuple[str, float]]] = field(default_factory=dict)   # caption prefix -> bars
    split: str | None = None                  # the paragraph (its start) set across a page break
    rule: bool = True                         # a line under the running header


_YEARS = ["2019", "2020", "2021", "2022", "2023", "2024", "2025E", "2026E", "2027E", "2028E", "2029E", "2030E",
          "2031E", "2032E"]

LOOKS = [
    Look("data/reports/cic-global-ai-inference-chips-2026.md", ["{title}"], "– {page} –", header_align="right",
         margins=(2.3, 2.3, 2.54, 2.3), split="预计到 2030 年，全球 AI"),
    Look("tests/fixtures/reports/zh-medical-robots.md", ["博衡咨询 BOHENG CONSULTING", "{title}"], "第 {page} 页",
         song_body=False, size=10.5, margins=(2.6, 2.6, 3.0, 2.6),
         charts={"图表 1": list(zip(_YEARS, [6.1, 6.6, 8.0, 9.4, 11.1, 12.9, 15.1, 17.6, 20.7, 24.2, 28.3, 33.2,
                                             38.8, 45.5])),
                 "图表 2": list(zip(_YEARS, [2.0, 2.6, 3.9, 5.3, 7.2, 9.6, 12.3, 15.8, 20.3, 26.0, 33.4, 42.9, 52.1,
                                             63.0]))}),
    Look("tests/fixtures/reports/zht-ev-charging.md", ["{title}　　　　第 {page} 頁"], "本報告僅供客戶內部參考",
         size=11, margins=(2.2, 2.2, 3.0, 2.4), rule=False),
    Look("tests/fixtures/reports/en-battery-recycling.md", ["{title}"], "Page {page}", footer_align="right",
         zh=False, size=11, margins=(2.5, 2.5, 2.8, 2.5)),
    Look("tests/fixtures/reports/en-optical-interconnect.md", ["Northbridge Insights", "{title}"], "{page}",
         footer_align="outer", zh=False, size=10, margins=(2.8, 2.2, 3.2, 2.6),
         split="North America accounted for more than half"),
]


class _Squeeze(Flowable):
    """Space enough that a paragraph (and the headings just before it) start so low on the page that the
    paragraph's first line is the page's last, and the paragraph runs on to the next page."""

    def __init__(self, before: list, para: Paragraph):
        super().__init__()
        self.before, self.para = before, para

    def wrap(self, aw, ah):
        want = sum(f.wrap(aw, ah)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.before)
        want += self.para.getSpaceBefore() + 1.5 * self.para.style.leading
        self.height = ah - want if ah > want + 1 else 0
        return aw, self.height

    def draw(self):
        pass


class CJKPara(Flowable):
    """A Chinese paragraph set justified, as a publisher sets it: reportlab breaks the lines (CJK rules, Latin
    runs kept whole) but justifies only at spaces, which a multi-byte font cannot stretch; here every line but
    the last is set with the character spacing that brings its last character to the right margin. Splits
    across pages at a line."""

    def __init__(self, markup: str, style: ParagraphStyle, bullet: str | None = None, lines=None,
                 first: bool = True, last: bool = True):
        super().__init__()
        self.markup, self.style, self.bullet = markup, style, bullet
        self.lines, self.first, self.last = lines, first, last
        self.spaceBefore = style.spaceBefore if first else 0
        self.spaceAfter = style.spaceAfter if last else 0
        self._aw = None

    def _break(self, aw: float) -> None:
        if self.lines is not None and (self._aw is None or self._aw == aw):
            self._aw = aw
            return
        p = Paragraph(self.markup, self.style)
        p.wrap(aw, 1e9)
        bl = p.blPara
        out = []
        for ln in bl.lines:
            if bl.kind == 0:                  # one font (the paragraph's only fragment's): (extra space, [words])
                out.append([(" ".join(ln[1]), bl.fontName, bl.fontSize)])
            else:
                out.append([(w.text, w.fontName, w.fontSize) for w in ln.words if getattr(w, "text", "")])
        self.lines, self._aw = out, aw

    def wrap(self, aw, ah):
        self._break(aw)
        self.width, self.height = aw, len(self.lines) * self.style.leading
        return aw, self.height

    def split(self, aw, ah):
        self._break(aw)
        n = int((ah + 1e-6) // self.style.leading)
        if n < 1:
            return []
        if n >= len(self.lines):
            return [self]
        return [CJKPara(self.markup, self.style, self.bullet if self.first else None, self.lines[:n], self.first,
                        False),
                CJKPara(self.markup, self.style, None, self.lines[n:], False, self.last)]

    def draw(self):
        st = self.style
        left = st.leftIndent
        avail = self.width - st.leftIndent - st.rightIndent
        canv = self.canv
        for i, segs in enumerate(self.lines):
            segs = [list(x) for x in segs]
            if i == 0 and self.first:
                segs[0][0] = segs[0][0].lstrip()
            segs[-1][0] = segs[-1][0].rstrip()
            segs = [x for x in segs if x[0]]
            if not segs:
                continue
            y = self.height - (i + 1) * st.leading + (st.leading - st.fontSize) / 2 + 0.2 * st.fontSize
            x = left + (st.firstLineIndent if i == 0 and self.first else 0)
            if i == 0 and self.first and self.bullet:
                canv.setFont(st.bulletFontName, st.fontSize)
                canv.drawString(st.bulletIndent, y, self.bullet)
            natural = sum(pdfmetrics.stringWidth(t, f, z) for t, f, z in segs)
            chars = sum(len(t) for t, _, _ in segs)
            last = self.last and i == len(self.lines) - 1
            cs = 0.0 if last or chars < 2 or st.alignment != TA_JUSTIFY else \
                (avail - (x - left) - natural) / (chars - 1)
            tx = canv.beginText(x, y)
            tx.setCharSpace(cs)
            for t, f, z in segs:
                tx.setFont(f, z)
                tx.textOut(t)
            canv.drawText(tx)


class _Mark(Flowable):
    """Zero-size: notes the page a heading is set on (for the table of contents)."""

    def __init__(self, key: str, pages: dict):
        super().__init__()
        self.key, self.pages = key, pages

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.pages[self.key] = self.canv.getPageNumber()


def _bars(data: list[tuple[str, float]], width: float, font: str) -> Drawing:
    """A column chart with its data labels above the columns and years below: a chart's text layer."""
    h = 150
    d = Drawing(width, h)
    top = max(v for _, v in data)
    n = len(data)
    slot = (width - 20) / n
    d.add(GLine(10, 20, width - 10, 20, strokeColor=colors.grey))
    for i, (year, v) in enumerate(data):
        x = 10 + i * slot + slot * 0.2
        bh = (h - 45) * v / top
        d.add(Rect(x, 20, slot * 0.6, bh, fillColor=colors.HexColor("#2f5597" if "E" not in year else "#9dc3e6"),
                   strokeColor=None))
        d.add(String(x + slot * 0.3, 24 + bh, f"{v:.1f}", fontName=font, fontSize=7, textAnchor="middle"))
        d.add(String(x + slot * 0.3, 8, year, fontName=font, fontSize=7, textAnchor="middle"))
    return d


def _inline(text: str, bold_font: str | None) -> str:
    """Markdown inline text as reportlab paragraph markup: **bold** in the bold font, links as their text.
    No font tag when the bold font is the paragraph's own (bold_font None): reportlab 4.5 cannot split such a
    CJK paragraph across pages ('FragLine' object is not subscriptable)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    parts = text.split("**")
    out = []
    for i, p in enumerate(parts):
        p = escape(p)
        out.append(f'<font name="{bold_font}">{p}</font>' if i % 2 and p and bold_font else p)
    return "".join(out)


@dataclass
class Rendered:
    look: Look
    path: Path
    title: str
    pages: int
    header_lines: list[str]      # the running header as set on page 2 (with its number)


def render(look: Look, song: str, hei: str, out: Path) -> Rendered:
    md = (ROOT / look.md).read_text(encoding="utf-8")
    cover, body = md_blocks(md)
    has_toc = any(b.kind == "toc" for b in body)
    heads = [b.text for b in cover if b.kind == "heading"]
    title = max(heads, key=len) if heads else Path(look.md).stem
    if look.zh:
        body_font = song if look.song_body else hei
        bold_font = head_font = hei
        small_font = hei if look.song_body else song       # the running header: a different small font
    else:
        body_font, bold_font, head_font, small_font = "Times-Roman", "Times-Bold", "Helvetica-Bold", "Helvetica-Oblique"
    inline_bold = bold_font if bold_font != body_font else None
    size = look.size
    wrap = "CJK" if look.zh else None
    base = dict(fontName=body_font, fontSize=size, leading=size * 1.6, alignment=TA_JUSTIFY, spaceAfter=size * 0.7,
                allowOrphans=1, allowWidows=1, **({"wordWrap": wrap} if wrap else {}))
    st_body = ParagraphStyle("body", **base)
    st_item = ParagraphStyle("item", parent=st_body, leftIndent=16, bulletIndent=4, bulletFontName="Helvetica",
                             bulletFontSize=size,
                             spaceAfter=size * 0.35)
    st_h = {lv: ParagraphStyle(f"h{lv}", parent=st_body, fontName=head_font, fontSize=sz, leading=sz * 1.35,
                               alignment=TA_LEFT, spaceBefore=sz * 0.9, spaceAfter=sz * 0.6, keepWithNext=1)
            for lv, sz in ((1, size + 6), (2, size + 3), (3, size + 1.5))}
    st_caption = ParagraphStyle("caption", parent=st_body, fontName=bold_font, fontSize=size - 1,
                                leading=(size - 1) * 1.4, alignment=TA_CENTER, spaceBefore=6, spaceAfter=2,
                                keepWithNext=1)
    st_unit = ParagraphStyle("unit", parent=st_caption, fontName=body_font, fontSize=size - 2, spaceBefore=0)
    st_source = ParagraphStyle("source", parent=st_body, fontSize=size - 2.5, leading=(size - 2.5) * 1.4,
                               alignment=TA_LEFT, spaceAfter=size)
    st_toc = ParagraphStyle("toc", parent=st_body, alignment=TA_LEFT, spaceAfter=size * 0.4)
    st_cover = ParagraphStyle("cover", parent=st_body, fontName=head_font, fontSize=26, leading=34,
                              alignment=TA_CENTER, spaceAfter=18)
    st_cover_small = ParagraphStyle("cover-small", parent=st_body, fontSize=size, alignment=TA_CENTER)
    st_small = ParagraphStyle("small", parent=st_body, fontSize=size - 2, leading=(size - 2) * 1.5)
    left, right, top, bottom = (m * cm for m in look.margins)
    width = A4[0] - left - right
    header_lines: dict[int, list[str]] = {}

    def furniture(canv, doc):
        page = canv.getPageNumber()
        canv.saveState()
        y = A4[1] - 1.3 * cm
        drawn = []
        for ln in look.header:
            t = ln.format(title=title, page=page)
            canv.setFont(small_font, 8)
            if look.header_align == "right":
                canv.drawRightString(A4[0] - right, y, t)
            else:
                canv.drawString(left, y, t)
            drawn.append(t)
            y -= 10
        if look.rule:
            canv.setLineWidth(0.4)
            canv.line(left, y + 6, A4[0] - right, y + 6)
        if look.footer:
            t = look.footer.format(page=page)
            canv.setFont(small_font if look.zh else "Helvetica", 8.5)
            where = look.footer_align if look.footer_align != "outer" else ("right" if page % 2 else "left")
            if where == "center":
                canv.drawCentredString(A4[0] / 2, 1.2 * cm, t)
            elif where == "right":
                canv.drawRightString(A4[0] - right, 1.2 * cm, t)
            else:
                canv.drawString(left, 1.2 * cm, t)
        header_lines[page] = drawn
        canv.restoreState()

    def text(t: str, style: ParagraphStyle, bullet: str | None = None) -> Flowable:
        markup = _inline(t, inline_bold)
        if look.zh:
            return CJKPara(markup, style, bullet)
        return Paragraph(markup, style, bulletText=bullet)

    def story(toc_pages: dict, pages: dict) -> list:
        out: list = [Spacer(1, 6 * cm)]
        for b in cover:
            if b.kind == "heading":
                out.append(Paragraph(escape(b.text), st_cover))
            else:
                out.append(Paragraph(_inline(b.text, inline_bold), st_cover_small))
        out.append(PageBreak())
        last_caption = None
        for i, b in enumerate(body):
            if b.kind == "tochead":
                out.append(Paragraph(escape(b.text), st_h[1]))
                continue
            if b.kind == "toc":
                if _LEADERS.search(b.text):                  # leaders and page numbers as the markdown has them
                    out.append(Paragraph(escape(b.text), st_toc))
                else:
                    page = str(toc_pages.get(re.sub(r"\s", "", b.text), "?"))
                    indent = 14 * (b.level - 1)
                    fill = width - indent - pdfmetrics.stringWidth(b.text + " " + page, body_font, size) - 8
                    dots = "." * max(4, int(fill / pdfmetrics.stringWidth(".", body_font, size)) - 2)
                    out.append(Paragraph(f"{escape(b.text)} {dots} {page}",
                                         ParagraphStyle("toc-e", parent=st_toc, leftIndent=indent)))
                if i + 1 == len(body) or body[i + 1].kind != "toc":
                    out.append(PageBreak())
                continue
            if b.kind == "heading":
                out.append(_Mark(re.sub(r"\s", "", b.text), pages))
                out.append(Paragraph(escape(b.text), st_h[max(1, min(b.level, 3))]))
            elif b.kind == "para":
                para = text(b.text, st_body)
                if look.split and b.text.startswith(look.split):
                    k = len(out)
                    while k and isinstance(out[k - 1], (_Mark, Paragraph)) and \
                            getattr(out[k - 1], "style", None) in st_h.values() or k and isinstance(out[k - 1], _Mark):
                        k -= 1
                    heads = out[k:]
                    for f in heads:          # kept with the paragraph by the squeeze, not by keepWithNext
                        if isinstance(f, Paragraph):
                            f.style = ParagraphStyle(f.style.name + "-loose", parent=f.style, keepWithNext=0)
                    out.insert(k, _Squeeze([f for f in heads if isinstance(f, Paragraph)], para))
                out.append(para)
            elif b.kind == "item":
                out.append(text(b.text, st_item, "•"))
            elif b.kind == "caption":
                out.append(Paragraph(escape(b.text), st_caption))
                last_caption = b.text
            elif b.kind == "unit":
                out.append(Paragraph(escape(b.text), st_unit))
                bars = next((v for k, v in look.charts.items() if last_caption and last_caption.startswith(k)), None)
                if bars:
                    out.append(_bars(bars, width, "Helvetica"))
                last_caption = None
            elif b.kind == "source":
                out.append(Paragraph(_inline(b.text, inline_bold), st_source))
            elif b.kind == "table":
                t = Table([[Paragraph(escape(c), st_small) for c in row] for row in b.rows], repeatRows=1)
                t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f2"))]))
                out.append(t)
            else:
                out.append(Paragraph(_inline(b.text, inline_bold), st_small))
        return out

    def build(toc_pages: dict) -> dict:
        pages: dict = {}
        doc = BaseDocTemplate(str(out), pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top,
                              bottomMargin=bottom, title=title, author=heads[0] if heads else "")
        frame = Frame(left, bottom, width, A4[1] - top - bottom, id="body", leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=furniture)])
        doc.build(story(toc_pages, pages))
        return pages

    pages = build({})
    if has_toc:
        pages = build(pages)                 # the table of contents with the pages its headings are on
    n = len(pdfium.PdfDocument(str(out)))
    return Rendered(look, out, title, n, header_lines.get(2, []))


# --------------------------------------------------------------------------- the comparison

def key(f) -> tuple:
    return (f.metric_label, f.value, f.unit, f.year, f.period)


def key_full(f) -> tuple:
    return key(f) + (f.segment, f.market)


@dataclass
class Result:
    rendered: Rendered
    pdf_text: str
    md_running: list            # figures the markdown reads from running text
    md_table: list              # ... and from tables
    pdf: list
    missing: list               # running-text figures of the markdown not found from the PDF (on key)
    extra: list                 # PDF figures the markdown does not give (on key)
    missing_full: list          # ... on key + segment + market
    extra_full: list
    table_found: int
    seconds: dict


def _unmatched(a: list, b: list, k) -> list:
    pool = Counter(k(f) for f in b)
    out = []
    for f in a:
        if pool[k(f)]:
            pool[k(f)] -= 1
        else:
            out.append(f)
    return out


def _row(f) -> str:
    seg = f" seg={f.segment}" if f.segment else ""
    return (f"      {f.metric_label} {f.value:g} {f.unit} y={f.year} p={f.period}{seg} mk={f.market} "
            + (f"[p.{f.evidence.page}] " if f.evidence.page is not None else "") + f"«{f.evidence.quote[:90]}»")


@pytest.fixture(scope="module")
def results(cjk, tmp_path_factory):
    song, hei = cjk
    tmp = tmp_path_factory.mktemp("renders")
    out: list[Result] = []
    for look in LOOKS:
        t0 = time.perf_counter()
        r = render(look, song, hei, tmp / (Path(look.md).stem + ".pdf"))
        t1 = time.perf_counter()
        md_path = ROOT / look.md
        md_claims = extract(parse_document(md_path.read_text(encoding="utf-8"), str(md_path)))
        t2 = time.perf_counter()
        got = read_pdf(r.path)
        pdf_claims = extract(parse_document(got.text, str(r.path), got.layout))
        t3 = time.perf_counter()
        running = [f for f in md_claims.figures if f.evidence.cell is None]
        table = [f for f in md_claims.figures if f.evidence.cell is not None]
        pdf = pdf_claims.figures
        res = Result(r, got.text, running, table, pdf,
                     missing=_unmatched(running, pdf, key), extra=_unmatched(pdf, md_claims.figures, key),
                     missing_full=_unmatched(running, pdf, key_full), extra_full=_unmatched(pdf, md_claims.figures,
                                                                                            key_full),
                     table_found=len(table) - len(_unmatched(table, pdf, key)),
                     seconds={"render": t1 - t0, "markdown": t2 - t1, "pdf": t3 - t2})
        out.append(res)
    print("\n")
    print(f"{'document':45} {'pages':>5} {'md':>4} {'table':>5} {'pdf':>4} {'match':>5} {'miss':>4} {'extra':>5}"
          f" | {'match+seg/mkt':>13} {'miss':>4} {'extra':>5} | render  md   pdf (s)")
    for res in out:
        n = len(res.md_running)
        print(f"{Path(res.rendered.look.md).name:45} {res.rendered.pages:5d} {n:4d} "
              f"{res.table_found:2d}/{len(res.md_table):<2d} {len(res.pdf):4d} {n - len(res.missing):5d} "
              f"{len(res.missing):4d} {len(res.extra):5d} | {n - len(res.missing_full):13d} "
              f"{len(res.missing_full):4d} {len(res.extra_full):5d} | {res.seconds['render']:5.2f} "
              f"{res.seconds['markdown']:5.2f} {res.seconds['pdf']:5.2f}")
        for label, figs in (("missing", res.missing), ("extra", res.extra),
                            ("missing (segment/market)", [f for f in res.missing_full if f not in res.missing]),
                            ("extra (segment/market)", [f for f in res.extra_full if f not in res.extra])):
            if figs:
                print(f"    {label}:")
                for f in figs:
                    print(_row(f))
    total = sum(len(r.md_running) for r in out)
    found = total - sum(len(r.missing) for r in out)
    print(f"{'total':45} {'':5} {total:4d} {'':5} {sum(len(r.pdf) for r in out):4d} {found:5d} "
          f"{total - found:4d} {sum(len(r.extra) for r in out):5d} | "
          f"{total - sum(len(r.missing_full) for r in out):13d} {sum(len(r.missing_full) for r in out):4d} "
          f"{sum(len(r.extra_full) for r in out):5d}")
    return out


# --------------------------------------------------------------------------- the renders are what they say

def _page_texts(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_renders_are_laid_out_as_meant(results):
    """Not vacuous: every page has its running header, and the page numbers; charts are there; a figure
    paragraph runs across a page break where the layout asks for one."""
    for res in results:
        r = res.rendered
        texts = _page_texts(r.path)
        assert r.pages >= 3, r.path.name
        for no, t in enumerate(texts, 1):
            flat = re.sub(r"\s+", "", t)
            for ln in r.look.header:
                assert re.sub(r"\s+", "", ln.format(title=r.title, page=no)) in flat, (r.path.name, no)
            if r.look.footer:
                assert re.sub(r"\s+", "", r.look.footer.format(page=no)) in flat, (r.path.name, no)
        for bars in r.look.charts.values():
            assert any(all(y in t for y, _ in bars) for t in texts), r.path.name
        if r.look.split:
            start = r.look.split.replace("**", "")
            on = [i for i, t in enumerate(texts) if start in re.sub(r"\r?\n", "", t)]
            assert on, (r.path.name, start)
            nxt = re.sub(r"\s+", "", texts[on[0] + 1])
            md = (ROOT / r.look.md).read_text(encoding="utf-8")
            para = next(ln for ln in md.split("\n") if ln.startswith(r.look.split)).replace("**", "")
            tail = re.sub(r"\s+", "", para)[-12:]
            assert tail in nxt, f"{r.path.name}: the paragraph {start!r} does not run on to the next page"


# --------------------------------------------------------------------------- the PDF route against the markdown

def test_running_text_figures_survive_the_pdf_route(results):
    total = sum(len(r.md_running) for r in results)
    missing = [(Path(r.rendered.look.md).name, f.evidence.quote) for r in results for f in r.missing]
    assert total >= 70
    assert (total - len(missing)) / total >= 0.98, missing     # 77/77 (63/77 before the fixes this test prompted)


def test_segments_and_markets_survive_the_pdf_route(results):
    """The same figures with their segment and market: 73/77 (four 'label: value' lines after a lead sentence
    are read without the segment their label names; recorded in docs/pdf.md)."""
    total = sum(len(r.md_running) for r in results)
    assert total - sum(len(r.missing_full) for r in results) >= 0.9 * total


def test_no_figure_the_markdown_does_not_give(results):
    extra = [(Path(r.rendered.look.md).name, f.metric_label, f.value, f.unit, f.evidence.quote)
             for r in results for f in r.extra]
    assert not extra, extra


def test_figures_have_pages_within_the_document(results):
    for res in results:
        for f in res.pdf:
            assert isinstance(f.evidence.page, int) and 1 <= f.evidence.page <= res.rendered.pages, \
                (res.rendered.path.name, f.evidence.page, f.evidence.quote)


def test_running_headers_and_page_numbers_never_in_quotes(results):
    for res in results:
        r = res.rendered
        furniture = [r.title] + [ln.format(title=r.title, page=0).replace("0", "").strip()
                                 for ln in r.look.header if "{title}" not in ln]
        if r.look.footer and "{page}" not in r.look.footer:
            furniture.append(r.look.footer)
        numbers = re.compile(r"–\s*\d+\s*–|第\s*\d+\s*[页頁]|\bPage\s+\d+\b")
        # and every quote is the report's own words (a bare page number, as en-optical prints, would break it)
        words = _squash((ROOT / r.look.md).read_text(encoding="utf-8"))
        for f in res.pdf:
            q = f.evidence.quote
            for s in furniture:
                assert s not in q, (r.path.name, s, q)
            assert not numbers.search(q), (r.path.name, q)
            assert _squash(q) in words, (r.path.name, q)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("**", ""))
