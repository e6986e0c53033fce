"""Real reports of the corpus saved as a Word document and as a web page, the way other tools write them: the
markdown is parsed by markdown-it (not by reportkg) and written with python-docx (headings in Word's heading
styles, bold runs, bullet lists, tables) or rendered by markdown-it to HTML inside a page with its furniture
(a script, navigation, a footer). tests/test_formats.py ingests both and compares them with the markdown.
"""
from __future__ import annotations

import html
import io
import re

from markdown_it import MarkdownIt

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def split_front(md: str) -> tuple[dict[str, str], str]:
    m = _FRONT.match(md)
    if not m:
        return {}, md
    fields = dict(line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in fields.items()}, md[m.end():]


def _md():
    return MarkdownIt("commonmark").enable("table")


def _runs(inline) -> list[tuple[str, bool]]:
    """An inline token's text as (text, bold) runs; a soft break is a space."""
    out, bold = [], False
    for t in inline.children or []:
        if t.type == "strong_open":
            bold = True
        elif t.type == "strong_close":
            bold = False
        elif t.type in ("text", "code_inline"):
            out.append((t.content, bold))
        elif t.type in ("softbreak", "hardbreak"):
            out.append((" ", bold))
    return out


def to_docx(md: str) -> bytes:
    import docx
    meta, body = split_front(md)
    d = docx.Document()
    d.core_properties.title = meta.get("title", "")
    d.core_properties.author = meta.get("publisher", "")
    tokens = _md().parse(body)
    i, rows, in_list, cell_row = 0, None, 0, None
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            d.add_heading("".join(x for x, _ in _runs(tokens[i + 1])), level=int(t.tag[1]))
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif t.type == "table_open":
            rows = []
        elif t.type == "tr_open":
            cell_row = []
        elif t.type in ("th_open", "td_open"):
            cell_row.append("".join(x for x, _ in _runs(tokens[i + 1])))
        elif t.type == "tr_close":
            rows.append(cell_row)
        elif t.type == "table_close":
            width = max(len(r) for r in rows)
            table = d.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            rows = None
        elif t.type == "inline" and rows is None and tokens[i - 1].type == "paragraph_open":
            p = d.add_paragraph(style="List Bullet" if in_list else None)
            for text, bold in _runs(t):
                p.add_run(text).bold = bold or None
        i += 1
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_html(md: str, charset: str = "utf-8") -> bytes:
    meta, body = split_front(md)
    title = html.escape(meta.get("title", ""))
    date = f'<meta name="date" content="{html.escape(meta["date"])}">' if meta.get("date") else ""
    page = (f"<!DOCTYPE html>\n<html><head><meta charset=\"{charset}\"><title>{title}</title>{date}"
            "<style>p { margin: 0 }</style><script>var views = 2024; if (views < 10) {}</script></head>\n"
            "<body><nav><ul><li><a href=\"/\">Home</a></li><li>Markets 2024: up 12.5%</li></ul></nav>\n"
            f"<article>{_md().render(body)}</article>\n"
            "<footer><p>© 2025 A Site. 1,234,567 readers in 2024, up 20%.</p></footer></body></html>\n")
    return page.encode(charset)
