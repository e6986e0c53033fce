"""Reports as Word documents and web pages (ingest/formats.py): real reports of the corpus written as .docx by
python-docx and as .html by markdown-it (tests/office_docs.py) give the claims their markdown gives; a page's
charset and furniture, a document's headings, lists, bold headings and tables are read; bad files get one line."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ingest import formats
from ingest.errors import IngestError
from ingest.pipeline import read_claims
from office_docs import to_docx, to_html

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"
BUNDLED = ROOT / "data" / "reports" / "cic-global-ai-inference-chips-2026.md"
# real reports of the three scripts, with tables, lists, bold headings and HTML fragments among them
DOCS = ["en-automotive-lighting", "en-china-medical-devices", "hans-liquid-seasoning", "hans-online-fitness",
        "hant-motorcycle-registrations"]


def _figures(path: Path) -> list[tuple]:
    _, claims = read_claims(path)
    return sorted((f.metric, f.year, round(f.value, 6), f.segment or "", f.region or "", f.company or "",
                   f.status) for f in claims.figures)


@pytest.mark.parametrize("slug", DOCS)
def test_a_report_as_docx_and_as_html_gives_the_claims_of_its_markdown(slug, tmp_path):
    md = REAL / f"{slug}.md"
    want = _figures(md)
    assert want
    text = md.read_text(encoding="utf-8")
    docx_path, html_path = tmp_path / f"{slug}.docx", tmp_path / f"{slug}.html"
    html_path.write_bytes(to_html(text))
    assert _figures(html_path) == want
    if "<p" not in text:            # markdown-it hands an HTML fragment on as such; a Word document has none
        docx_path.write_bytes(to_docx(text))
        assert _figures(docx_path) == want


def test_the_bundled_report_as_docx_keeps_its_fifteen_figures_sections_and_title(tmp_path):
    p = tmp_path / "report.docx"
    p.write_bytes(to_docx(BUNDLED.read_text(encoding="utf-8")))
    doc, claims = read_claims(p)
    assert len(claims.figures) == 15
    assert _figures(p) == _figures(BUNDLED)
    _, want = read_claims(BUNDLED)
    assert [s.title for s in doc.sections][:12] == [s.title for s in read_claims(BUNDLED)[0].sections][:12]
    assert claims.report.title == want.report.title


def test_a_page_in_gbk_or_big5_reads_by_its_declared_charset(tmp_path):
    for slug, charset in (("hans-liquid-seasoning", "gbk"), ("hant-motorcycle-registrations", "big5")):
        text = (REAL / f"{slug}.md").read_text(encoding="utf-8")
        page = to_html(text, charset="utf-8").decode("utf-8").replace('charset="utf-8"', f'charset="{charset}"')
        p = tmp_path / f"{slug}.htm"
        p.write_bytes(page.encode({"gbk": "gb18030", "big5": "big5hkscs"}[charset], errors="xmlcharrefreplace"))
        assert _figures(p) == _figures(REAL / f"{slug}.md")


def test_a_page_is_its_article_not_its_furniture():
    page = to_html("# 1. Market\n\nThe global widget market reached US$12.0 billion in 2024.\n").decode()
    md = formats.html_markdown(page)
    assert "The global widget market reached US$12.0 billion in 2024." in md
    for furniture in ("views", "Home", "Markets 2024", "readers", "<", "margin"):
        assert furniture not in md, furniture
    assert "# 1. Market" in md


def test_html_metadata_title_date_publisher():
    page = ('<html><head><title>Widgets &amp; Gadgets 2025</title><meta property="og:site_name" content="Acme '
            'Research"><meta name="date" content="2025-03-01"></head><body><p>Text.</p></body></html>')
    from ingest.markup import front_matter
    text, meta = front_matter(formats.html_markdown(page))
    assert meta == {"title": "Widgets & Gadgets 2025", "date": "2025-03-01", "publisher": "Acme Research"}
    assert text.strip() == "Text."


def _docx_with(paragraphs) -> bytes:
    import docx
    d = docx.Document()
    for style, text in paragraphs:
        d.add_paragraph(text, style=style)
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["Company", "Share", ""], ["A Co.", "12.3%", "11.0%"], ["B|C Co.", "8.1%", ""]]):
        for c, v in enumerate(row):
            table.cell(r, c).text = v
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(2, 1).merge(table.cell(2, 2))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_headings_lists_and_tables_become_markdown():
    md = formats.docx_markdown("x.docx", _docx_with([("Title", "Widget Market Report"), ("Heading 1", "1. Overview"),
                                                     ("Heading 2", "1.1 Size"), ("List Bullet", "cloud"),
                                                     (None, "Plain text.")]))
    body = md.split("\n---\n", 1)[1]
    assert "# Widget Market Report" in body and "# 1. Overview" in body and "## 1.1 Size" in body
    assert "- cloud" in body and "Plain text." in body
    # a merged header heads each of its columns, a merged value stands once; a '|' inside a cell cannot split it
    assert "| Company | Share | Share |\n|---|---|---|\n| A Co. | 12.3% | 11.0% |\n| B/C Co. | 8.1% |  |" in body


def test_bad_word_documents_get_one_line(tmp_path):
    def fails(name: str, data: bytes, needle: str):
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(IngestError) as e:
            read_claims(p)
        msg = str(e.value)
        assert needle in msg and "\n" not in msg and name in msg, msg

    fails("text.docx", b"# 1. Notes\n\nThe market grew 5% in 2024.\n", "Word document")
    fails("empty.docx", b"", "empty")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a docx")
    fails("other.docx", buf.getvalue(), "Word document")
    fails("truncated.docx", to_docx("# 1. A\n\nThe market grew 5% in 2024.\n")[:400], "Word document")
    fails("blank.docx", _blank_docx(), "no text")
    fails("gbk.html", "<html><meta charset='x-unknown'><p>市场</p></html>".encode(), "x-unknown")
    fails("wrong.html", "<html><meta charset='utf-8'><p>市场</p></html>".encode("gb18030"), "not valid utf-8")


def _blank_docx() -> bytes:
    import docx
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def test_a_word_document_that_inflates_past_the_cap_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_DOCX_XML", 1_000_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document>" + " " * 2_000_000 + "</w:document>")
    data = buf.getvalue()
    assert len(data) < 20_000
    with pytest.raises(IngestError, match="inflates to 2,000,025 bytes"):
        formats.probe("bomb.docx", data)


def test_the_cli_reads_a_docx_and_an_html_page(tmp_path):
    text = (REAL / "hant-motorcycle-registrations.md").read_text(encoding="utf-8")
    (tmp_path / "a.docx").write_bytes(to_docx(text))
    (tmp_path / "b.html").write_bytes(to_html(text))
    for name in ("a.docx", "b.html"):
        out = subprocess.run([sys.executable, "-m", "ui.cli", "claims", "--json", str(tmp_path / name)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert out.returncode == 0, out.stderr
        rows = [r for r in json.loads(out.stdout) if r["kind"] == "figure"]
        assert len(rows) == len(_figures(REAL / "hant-motorcycle-registrations.md"))
