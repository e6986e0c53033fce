"""The PDF route on real PDFs (tests/fixtures/pdf, copies of ../shared/corpus/pdf): text layer, furniture,
paragraphs, headings, chart blocks, the industry chapter of a prospectus, pages on every claim, and no
running-text figure lost against an independent reading (pdfplumber, bench/pdf_reference.py)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pdf_reference import figure_sentences, lost
from ingest.document import parse_document
from ingest.extract import extract
from ingest.pdf import clean_text, consultant, mojibake, read_pdf

PDFS = Path(__file__).parent / "fixtures" / "pdf"
PROOF = PDFS / "hkex-application-proof-giantec-semiconductor-2026.pdf"
CAICT = PDFS / "caict-china-digital-economy-2022.pdf"
AVC = PDFS / "avc-china-kitchen-waste-disposers-2023-11.pdf"
TE = PDFS / "te-enterprise-aigc-adoption-2023.pdf"


@pytest.fixture(scope="module")
def proof():
    got = read_pdf(PROOF)
    doc = parse_document(got.text, str(PROOF), got.layout)
    return got, doc, extract(doc)


@pytest.fixture(scope="module")
def caict():
    got = read_pdf(CAICT)
    return got, parse_document(got.text, str(CAICT), got.layout)


def test_quirks_of_the_text_layer_are_mapped():
    assert clean_text("high\ufffequality products") == "high-quality products"
    assert clean_text("\uf0b7 Strong demand") == "• Strong demand"
    assert clean_text("a\u00adb\u200bc") == "abc"


def test_prospectus_industry_chapter_is_found_and_alone_mined(proof):
    got, doc, claims = proof
    lay = got.layout
    assert lay.pages == 490
    assert lay.chapter == "INDUSTRY OVERVIEW" and lay.chapter_pages == (118, 137)
    assert lay.meta["company"] == "Giantec Semiconductor Corporation"
    assert lay.meta["document"] == "Application Proof"
    assert lay.meta["consultant"] == "Frost & Sullivan"
    pages = {f.evidence.page for f in claims.figures}
    assert pages and min(pages) >= 118 and max(pages) <= 137
    # the rest of the document is kept (searchable) but not mined
    assert "RISK FACTORS" in got.text and any(not b.mine for b in doc.blocks)
    chapters = [s.title for s in doc.sections if s.level == 1]
    assert {"SUMMARY", "INDUSTRY OVERVIEW", "BUSINESS", "FINANCIAL INFORMATION"} <= set(chapters)


def test_running_headers_footers_and_page_numbers_are_gone(proof):
    got, _, _ = proof
    assert "THIS DOCUMENT IS IN DRAFT FORM" not in got.text
    assert not re.search(r"^– \d+ –$", got.text, re.M)
    assert "\ufffe" not in got.text
    assert got.layout.page_labels[120] == "110"


def test_lines_join_across_wraps_and_pages(proof):
    got, doc, _ = proof
    s = next(s for b in doc.blocks for s in b.sentences if "grew from US$361.2 billion to US$539.5 billion" in s.text)
    assert s.text.startswith("Despite the impact of cyclical supply") and s.page == 120
    # a paragraph that runs on to the next page stays one paragraph; the sentence keeps the page it starts on
    across = [b for b in doc.blocks if b.sentences and b.sentences[0].page != b.sentences[-1].page]
    assert across, "no paragraph continues over a page break"
    # a word broken at a line's hyphen is whole again
    assert "high-quality products" in got.text and "non-volatile memory chip industry includes" in got.text


def test_headings_come_from_typography_never_from_chart_labels(proof):
    _, doc, _ = proof
    chapter = next(s for s in doc.sections if s.title == "INDUSTRY OVERVIEW")
    under = [s for s in doc.sections if s.parent == chapter.id]
    titles = {s.title for s in doc.sections if 118 <= (s.page or 0) <= 137}
    assert "OVERVIEW OF GLOBAL INTEGRATED CIRCUITS INDUSTRY" in {s.title for s in under}
    market = next(s for s in doc.sections if s.title == "Market Size Analysis of Integrated Circuits Industry")
    assert doc.section(market.parent).title == "OVERVIEW OF GLOBAL INTEGRATED CIRCUITS INDUSTRY"
    labels = {c for b in doc.blocks if b.kind == "figure" and 118 <= b.page <= 137 for c in b.cells}
    assert labels and not (labels & titles)
    for s in doc.sections:
        if not 118 <= (s.page or 0) <= 137:
            continue
        assert not re.fullmatch(r"[\d.,%\sE\-]+", s.title), s.title
        assert s.number is None or not re.fullmatch(r"(?:19|20)\d\d", s.number)
    chart = next(b for b in doc.blocks if b.text.startswith("Global Market Size of Integrated Circuits, 2020-2030E"))
    assert chart.kind == "chart" and chart.page == 120
    figure = doc.blocks[doc.blocks.index(chart) + 1]
    assert figure.kind == "figure" and not figure.sentences and "981.3" in figure.cells and figure.page == 120


def test_claims_cite_their_page(proof):
    _, _, claims = proof
    f = next(f for f in claims.figures if f.value == 981.3)
    assert (f.year, f.unit, f.evidence.page, f.evidence.page_label) == (2030, "USD billion", 120, "110")
    rows = claims.to_json() if hasattr(claims, "to_json") else None
    assert rows is None or all("page" in r for r in rows if "quote" in r)


def test_claims_cli_prints_pages():
    out = subprocess.run([sys.executable, "-m", "ui.cli", "claims", str(CAICT), "--json"], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    figures = [r for r in rows if "value" in r]
    assert figures and all(isinstance(r["page"], int) and 1 <= r["page"] <= 47 for r in figures)


def test_white_paper_furniture_headings_and_footnote_marks(caict):
    got, doc = caict
    assert "中国数字经济发展报告（2022 年）\n" not in got.text.split("\n\n", 3)[-1]   # the running header
    titles = [s.title for s in doc.sections]
    assert doc.section("1").title == "做强做优做大我国数字经济的战略安排"
    assert doc.section("1.1").title == "党和国家更加高度重视数字经济发展" and doc.section("1.1").page == 8
    assert "各地数字经济发展取得长足进步。2021 年" in got.text and "进步。12021" not in got.text
    assert not any(t.startswith("在数字化投入体量方面") for t in titles)     # a bold lead, not a heading


@pytest.mark.parametrize("path,pages", [(PROOF, range(118, 138)), (CAICT, range(1, 48))])
def test_no_running_text_figure_lost(path, pages):
    """Every sentence of running text that states a figure in an independent reading (pdfplumber, body
    cropped by position) is read by the PDF route, whole from its first figure on, and on the same page."""
    ref = figure_sentences(path, pages)
    got = read_pdf(path)
    doc = parse_document(got.text, str(path), got.layout)
    found, same, missing, moved = lost(ref, [(s.page, s.text) for b in doc.blocks if b.mine for s in b.sentences])
    assert len(ref) >= 20
    assert found >= 0.98 * len(ref), missing
    assert same == found, moved


def test_decks_mojibake_and_consultant():
    got = read_pdf(TE)
    assert got.layout.skipped_pages == [57]
    assert not mojibake(read_pdf(AVC).text)
    assert mojibake("☳姚·TEˋ俚䰕뎧Ⲙ溸☋╃煝疵䈰⪾⹴☋╃劚ⲏ䌐⺬")
    assert consultant("We have engaged Frost & Sullivan to prepare the Frost & Sullivan Report, an independent") \
        == "Frost & Sullivan"
    assert consultant("本公司委託灼識諮詢編製行業報告") == "灼識諮詢"
