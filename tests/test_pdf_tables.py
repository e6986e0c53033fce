"""Tables read by position where the PDF's text layer flattens them: a line parts into cells where a gap is
wider than 3/4 of the font size, a run of lines whose cells keep to the same columns is a table, and the
table is handed on as a markdown table (a row block per row, with its page) that the table reader reads
the way it reads a table written in markdown. Justified prose, pie labels and label lists stay what they are.

Real PDFs (tests/fixtures/pdf): the AVC deck's model rankings and the prospectus's financial tables; a table
laid out by reportlab (another layout engine: cell padding, right-aligned figures, a wrapped row label)
beside justified prose must give the figures its markdown gives.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.document import parse_document
from ingest.extract import extract
from ingest.pdf import read_pdf

PDFS = Path(__file__).parent / "fixtures" / "pdf"
PROOF = PDFS / "hkex-application-proof-giantec-semiconductor-2026.pdf"
AVC = PDFS / "avc-china-kitchen-waste-disposers-2023-11.pdf"
CAICT = PDFS / "caict-china-digital-economy-2022.pdf"


def tables(text: str, layout) -> list[tuple[int, list[list[str]]]]:
    """(page, rows) of every markdown table in the PDF's text, the rule line left out."""
    out, pos = [], 0
    for chunk in text.split("\n\n"):
        if chunk.startswith("| "):
            rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in chunk.splitlines()]
            out.append((layout.page_at(pos), [r for r in rows if not all(re.fullmatch(r"-+", c) for c in r)]))
        pos += len(chunk) + 2
    return out


@pytest.fixture(scope="module")
def proof_tables():
    got = read_pdf(PROOF)
    return got, tables(got.text, got.layout)


def test_deck_ranking_tables_keep_their_columns():
    got = read_pdf(AVC)
    found = tables(got.text, got.layout)
    assert len(found) == 2
    for _, rows in found:
        assert rows[0] == ["品牌", "机型", "电机类型", "开关类型", "研磨等级", "容积（L）", "均价（元）", "额市占", "排名"]
        assert all(len(r) == 9 for r in rows)
        assert [r[-1] for r in rows[1:]] == [str(i) for i in range(1, len(rows))]     # ranks 1, 2, 3 … in order
    assert found[0][1][1] == ["贝克巴斯", "E60EVO", "直流电机", "无线开关", "其他", "1.4", "1683", "6.59%", "1"]
    assert found[1][1][1][:2] == ["卡萨帝", "CLD550-A1"]


def test_prospectus_financial_tables(proof_tables):
    got, found = proof_tables
    staff = next(rows for page, rows in found if rows[0][0] == "Finance")
    assert staff[-1] == ["Total", "353", "100.0"]
    assert ["R&D", "203", "57.5"] in staff
    income = next(rows for page, rows in found if rows[0][0] == "Revenue")
    # a row label wrapped over two lines is one row
    assert ["Selling and marketing expenses", "(49,368)", "(7.0)", "(55,527)", "(5.4)", "(39,543)", "(5.1)",
            "(32,030)", "(3.4)"] in income
    for _, rows in found:
        assert len({len(r) for r in rows}) == 1


def test_no_table_in_running_text_or_charts(proof_tables):
    got, found = proof_tables
    pages = {page for page, rows in found if not rows[0][0].startswith("chart (")}   # a chart's series: below
    a, z = got.layout.chapter_pages
    assert not pages & set(range(a, z + 1))        # the industry chapter: prose, bullets and charts only
    for _, rows in found:
        for r in rows:
            assert all(len(c) <= 80 for c in r), r     # never a justified line of prose parted at its gaps
    caict = read_pdf(CAICT)
    assert tables(caict.text, caict.layout) == []


# --------------------------------------------------------------------------- a table another engine laid out

ROWS = [["Segment", "2020", "2024", "2030E", "CAGR 2024-2030E"],
        ["Consumer electronics", "12.3", "18.9", "30.1", "8.1%"],
        ["Automotive and industrial control", "3.4", "6.7", "15.2", "14.6%"],
        ["Data centre", "0.9", "2.2", "9.8", "28.3%"],
        ["Total", "16.6", "27.8", "55.1", "12.1%"]]
CAPTION = "Global Market Size of Memory Interface Chips by Segment, 2020-2030E (USD billion)"
PROSE = ("The market for memory interface chips expanded steadily over the review period, and the "
         "automotive segment is expected to outgrow the others as vehicles carry more electronic control "
         "units, more sensors and more memory per unit than any earlier generation of cars did. ") * 3


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    pytest.importorskip("reportlab", reason="reportlab renders the PDF: pip install -e '.[test]'")
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    path = tmp_path_factory.mktemp("tables") / "memory-interface.pdf"
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=14, alignment=TA_JUSTIFY)
    head = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=14, leading=18)
    table = Table(ROWS, colWidths=[170, 55, 55, 55, 95])
    table.setStyle(TableStyle([("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]))
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build([Paragraph("Memory Interface Chip Market", head), Paragraph(PROSE, body), Spacer(1, 8),
               Paragraph(CAPTION, body), table, Spacer(1, 8), Paragraph(PROSE, body)])
    return path


def _figures(claims) -> set[tuple]:
    return {(f.metric_label, f.segment, f.year, f.period, f.value, f.unit) for f in claims.figures}


def test_rendered_table_reads_as_its_markdown(rendered):
    got = read_pdf(rendered)
    found = tables(got.text, got.layout)
    assert found == [(1, ROWS)]
    assert "| --- |" in got.text and PROSE.split(".")[0] in got.text
    md = "# Memory Interface Chip Market\n\n" + PROSE + "\n\n" + CAPTION + "\n\n" + "\n".join(
        ["| " + " | ".join(ROWS[0]) + " |", "|" + " --- |" * 5] + ["| " + " | ".join(r) + " |" for r in ROWS[1:]]) \
        + "\n\n" + PROSE + "\n"
    from_md = extract(parse_document(md, "memory-interface.md"))
    from_pdf = extract(parse_document(got.text, str(rendered), got.layout))
    cells = [f for f in from_md.figures if f.evidence.cell is not None]
    assert len(cells) >= 16                      # the table gives its figures …
    assert _figures(from_pdf) == _figures(from_md)           # … and the PDF gives the same ones
    assert {f.evidence.page for f in from_pdf.figures} == {1}


def test_bar_chart_series_are_read_by_position(proof_tables):
    """A bar chart whose year labels each have one data label over them becomes a series (a table whose
    first header says it came from a chart); its figures quote the chart's title on its page, and a figure
    the text also states is kept once, the text's."""
    got, found = proof_tables
    series: dict[int, list] = {}
    for page, rows in found:
        if rows[0][0].startswith("chart ("):
            series.setdefault(page, []).append(rows)
    assert series[120][0][0][1:] == ["2020", "2021", "2022", "2023", "2024", "2025E", "2026E", "2027E", "2028E",
                                     "2029E", "2030E", "CAGR 2020-2024", "CAGR 2025E-2030E"]
    assert series[120][0][1][1:4] == ["US$361.2 billion", "US$463.0 billion", "US$474.4 billion"]
    assert series[120][0][1][-2:] == ["10.5%", "9.9%"]        # the CAGR call-outs under their periods
    assert series[123][0][1][4] == "US$40.0 billion"
    from ingest.pipeline import read_claims
    _, claims = read_claims(PROOF)
    cells = [f for f in claims.figures if f.evidence.cell and f.evidence.page == 120]
    assert {(f.year, f.value) for f in cells} >= {(2021, 463.0), (2027, 748.1)}
    assert all(f.evidence.quote.startswith("Global Market Size of Integrated Circuits") for f in cells)
    assert not any(f.year == 2030 and f.value == 981.3 for f in cells)     # the sentence states it


def test_charts_side_by_side_are_read_each_by_its_year_row(proof_tables):
    """Two bar charts side by side under one title ('Global Market Size of EEPROM and NOR Flash, 2020-2030E'):
    each chart's labels stand over its own year row; each becomes a series named by the chart's own name line,
    in its own unit; a label line that runs back left into the other chart's axis ticks ('4,552.3 5,000') keeps
    its data label."""
    got, found = proof_tables
    named = {rows[1][0]: rows[1][1:] for _, rows in found if rows[0][0].startswith("chart (") and len(rows) == 2}
    assert named["Global Market Size of EEPROM"][:3] == ["US$610.7 million", "US$785.3 million", "US$905.8 million"]
    assert named["Global Market Size of NOR Flash"][-3:] == ["US$4,552.3 million", "8.1%", "7.9%"]
    from ingest.pipeline import read_claims
    _, claims = read_claims(PROOF)
    nor = {(f.year, f.value) for f in claims.figures if f.evidence.cell and "nor flash" in f.market.lower()}
    assert {(2020, 2019.6), (2026, 3821.8), (2030, 4552.3)} <= nor
    assert not any(f.value == 5000 for f in claims.figures if f.evidence.cell)     # an axis tick, no value
    cagr = {(f.period, f.value) for f in claims.figures if f.evidence.cell and f.metric_label == "CAGR"
            and "nor flash" in f.market.lower()}
    assert cagr == {((2020, 2024), 8.1), ((2025, 2030), 7.9)}


def test_a_chart_titled_over_two_lines_or_atop_its_page_is_read(proof_tables):
    """'Global Market Size of Consumer Electronics and Automotive Electronics EEPROM,' then the figure's
    '2020-2030E'; 'Global Market Size of DDR5 SPD, 2021-2030E' as the first line of a page's figure; a year row
    whose text runs out of order ('2020 2022 … 2030E 2021') read by its cells' places."""
    from ingest.pipeline import read_claims
    _, claims = read_claims(PROOF)
    cells = [f for f in claims.figures if f.evidence.cell]
    by = lambda word: {(f.year, f.value) for f in cells if word in (f.segment or f.market).lower() and f.year}  # noqa: E731
    assert {(2021, 367.4), (2027, 570.9)} <= by("automotive electronics eeprom")     # (2020 and 2030: the text's)
    assert {(2021, 147.7), (2028, 122.0)} <= by("consumer electronics eeprom")
    assert {(2021, 1.3), (2029, 409.3)} <= by("ddr5")
    assert len(by("lens driver")) >= 8          # (and the years the text states: the text's)
    assert not any(f.market.lower().startswith("global") or f.market.lower().endswith("industry") for f in cells)
