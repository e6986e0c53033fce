"""Reports saved as a web page (.html, .htm) or a Word document (.docx): their text as the markdown the document
parser reads, with the file's own metadata (a page's <title> and dateline, a document's core properties) as a
front-matter block that ``markup.front_matter`` turns into the report's metadata.

- HTML: the charset the page declares (GBK and Big5 pages are common in Chinese), the page's furniture (head,
  navigation, footers, sidebars, scripts, forms) left out, then ``markup.strip_html``'s elements → markdown.
- DOCX (python-docx, MIT): paragraphs and tables in body order; a heading style (or an outline level) is a
  '#'-heading of its level, a list paragraph '- ', a table '| … |' rows with merged cells given once. The archive
  is checked before it is opened: a member that inflates past the cap (a zip bomb) is refused in one line.

A .docx has no pages (Word lays them out when it prints), so its claims cite section and line only.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .errors import Errors, IngestError
from .markup import strip_html

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
ZIP_MAGIC = b"PK\x03\x04"
# the inflated XML one .docx may hold: a 20 MB text report is about 60 MB of WordprocessingML
MAX_DOCX_XML = 200 * 1024 * 1024

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,30})""", re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_META = re.compile(r"<meta\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_DATE_KEYS = {"date", "pubdate", "publishdate", "article:published_time", "og:published_time", "dc.date",
              "dcterms.date", "citation_date", "citation_publication_date"}
_AUTHOR_KEYS = {"author", "dc.creator", "citation_author", "article:author"}
_PUBLISHER_KEYS = {"og:site_name", "dc.publisher", "citation_publisher", "publisher"}
_HEAD = re.compile(r"<head\b.*?</head\s*>", re.I | re.S)
# a page's furniture: never report text (scripts and styles markup.strip_html drops itself)
_FURNITURE = re.compile(r"<(nav|footer|aside|noscript|template|form|select|button|svg|iframe)\b[^>]*>.*?</\1\s*>",
                        re.I | re.S)
_WRAPPER = re.compile(r"<\?xml[^>]*\?>|<!doctype[^>]*>|</?(?:html|body)\b[^>]*>", re.I)
_TIME = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']([^\"']{4,40})[\"']", re.I)


def kind_of(name: str, head: bytes = b"") -> str | None:
    """'html', 'docx' or None (text, markdown or a PDF) for a file's name and first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    return None


def _front(fields: dict[str, str], kind: str) -> str:
    """A front-matter block of the file's metadata ('' when it has none); 'format' makes a block of one field
    one (markup.front_matter wants two)."""
    lines = [f"{key}: {v[:300]}" for key, value in fields.items()
             if (v := " ".join(value.split()).replace("---", "—"))]
    return "---\n" + "\n".join([f"format: {kind}", *lines]) + "\n---\n\n" if lines else ""


# --------------------------------------------------------------------------- HTML

def decode_html(name: str, data: bytes) -> str:
    """A page's bytes as text: its BOM, else the charset its <meta> declares, else UTF-8."""
    if not data:
        raise IngestError(name, Errors.EMPTY)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    else:
        m = _CHARSET.search(data[:4096])
        codec = m.group(1).decode("ascii").lower() if m else "utf-8"
        codec = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}.get(codec, codec)
    try:
        return data.decode(codec)
    except LookupError:
        raise IngestError(name, Errors.HTML_CHARSET.format(charset=codec)) from None
    except UnicodeDecodeError as e:
        raise IngestError(name, Errors.HTML_ENCODING.format(charset=codec, byte=data[e.start])) from None


def html_markdown(page: str) -> str:
    """A web page as front matter (title, date, author, publisher) and its body's markdown."""
    fields: dict[str, str] = {}
    t = _TITLE.search(page)
    if t:
        fields["title"] = strip_html(t.group(1), force=True).strip()
    for m in _META.finditer(page[:200_000]):
        attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(m.group(1))}
        key, content = (attrs.get("name") or attrs.get("property") or "").lower(), attrs.get("content", "")
        for field, keys in (("date", _DATE_KEYS), ("author", _AUTHOR_KEYS), ("publisher", _PUBLISHER_KEYS)):
            if key in keys and content and field not in fields:
                fields[field] = content
    if "date" not in fields:
        tm = _TIME.search(page)
        if tm:
            fields["date"] = tm.group(1)
    body = _WRAPPER.sub("\n", _FURNITURE.sub(" ", _HEAD.sub(" ", page)))
    return _front(fields, "html") + strip_html(body, force=True).strip() + "\n"


# --------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(name: str, data: bytes) -> None:
    import io
    if not data.startswith(ZIP_MAGIC):
        raise IngestError(name, Errors.DOCX_NOT_DOCX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError(name, Errors.DOCX_NOT_DOCX) from None
    if not any(i.filename == "word/document.xml" for i in infos):
        raise IngestError(name, Errors.DOCX_NOT_DOCX)
    inflated = sum(i.file_size for i in infos if i.filename.endswith(".xml") or i.filename.endswith(".rels"))
    if inflated > MAX_DOCX_XML:
        raise IngestError(name, Errors.DOCX_TOO_BIG.format(size=inflated, limit=MAX_DOCX_XML))


def _level(paragraph) -> int | None:
    """A paragraph's heading level: a 'Heading N' or 'Title' style (or one based on it), else an outline level."""
    style = paragraph.style
    seen = 0
    while style is not None and seen < 8:
        name = (style.name or "").strip().lower()
        m = re.fullmatch(r"(?:heading|标题|標題)\s*(\d)", name)
        if m:
            return max(1, min(6, int(m.group(1))))
        if name in ("title", "标题", "標題"):
            return 1
        style, seen = style.base_style, seen + 1
    ppr = paragraph._p.pPr
    if ppr is not None:
        lvl = ppr.find(f"{_W}outlineLvl")
        if lvl is not None:
            v = lvl.get(f"{_W}val")
            if v is not None and v.isdigit() and int(v) < 9:
                return min(6, int(v) + 1)
    return None


def _listed(paragraph) -> bool:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.find(f"{_W}numPr") is not None:
        return True
    return "list" in (paragraph.style.name or "").lower() if paragraph.style is not None else False


def _bold(paragraph) -> bool:
    """Every run with text is bold: a heading written as bold text (as the markdown '**…**' line reads)."""
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _cell_text(cell) -> str:
    return " ".join(" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()).replace("|", "/")


def _table_rows(table) -> list[str]:
    rows: list[str] = []
    for i, row in enumerate(table.rows):
        cells, last = [], None
        for cell in row.cells:
            # a cell merged across columns comes once per grid column it spans: the header's text heads each
            # of them (a group over its years), a value stands in its first column only (which year it is for
            # the table does not say); the rows stay as wide as the grid
            if cell._tc is last:
                cells.append(cells[-1] if not rows else "")
                continue
            last = cell._tc
            cells.append(_cell_text(cell))
        if not any(cells):
            continue
        rows.append("| " + " | ".join(cells) + " |")
        if len(rows) == 1:
            rows.append("|" + "---|" * len(cells))
    return rows


def docx_markdown(name: str, data: bytes) -> str:
    """A Word document as front matter (its core properties) and markdown: headings, paragraphs, lists, tables."""
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_zip(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises KeyError, ValueError, lxml errors… on a damaged package
        raise IngestError(name, Errors.DOCX_NOT_DOCX) from None
    props = document.core_properties
    fields: dict[str, str] = {}
    # no date: 'created' is when the file (or the template it was made from) began, not the report's date
    for key, value in (("title", props.title), ("author", props.author)):
        if value:
            fields[key] = str(value)
    out: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            p = Paragraph(child, document)
            text = " ".join(p.text.split()) if "\n" not in p.text else p.text.strip()
            if not text:
                continue
            level = _level(p)
            if level:
                out.append("#" * level + " " + " ".join(text.split()))
            elif _listed(p):
                out.append("- " + text)
            elif _bold(p):
                out.append(f"**{text}**")
            else:
                out.append(text)
        elif child.tag == f"{_W}tbl":
            rows = _table_rows(Table(child, document))
            if rows:
                out.append("\n".join(rows))
    return _front(fields, "docx") + "\n\n".join(out) + "\n"


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def convert(name: str, data: bytes) -> str | None:
    """The markdown of an HTML page or a Word document; None for any other file (text, markdown, PDF)."""
    kind = kind_of(name, data[:8])
    if kind is None:
        return None
    text = html_markdown(decode_html(name, data)) if kind == "html" else docx_markdown(name, data)
    text = _CONTROLS.sub("", text)
    if not (text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text).strip():
        raise IngestError(name, Errors.NO_TEXT.format(kind="page" if kind == "html" else "Word document"))
    return text


def probe(name: str, data: bytes) -> None:
    """The cheap checks an upload gets before it is queued (the conversion itself runs in the ingest worker):
    a Word document's archive (its members and their inflated sizes), a page's character set."""
    kind = kind_of(name, data[:8])
    if kind == "docx":
        _check_zip(name, data)
    elif kind == "html":
        decode_html(name, data)
