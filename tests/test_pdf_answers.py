"""Answers about a PDF cite the page the quote is on: the prospectus in tests/fixtures/pdf ingested into a
temporary store, asked through the Python API and over HTTP (upload, then ask), every cited page checked
against the PDF's own text (pypdfium2); markdown reports keep citing lines, with no page."""
from __future__ import annotations

import re

import httpx
import pytest

pytest_plugins = ["server_fixtures"]

IC_2030 = "What was the global market size of integrated circuits in 2030?"


def squash(s: str) -> str:
    """Text with every space and line break taken out, a line-end hyphen (U+FFFE) as a hyphen."""
    return re.sub(r"\s+", "", s.replace("\ufffe", "-"))


@pytest.fixture(scope="module")
def pdf_pages(prospectus):
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(prospectus))
    cache: dict[int, str] = {}

    def text(page: int) -> str:           # 1-based, as citations give it
        if page not in cache:
            cache[page] = squash(doc[page - 1].get_textpage().get_text_range())
        return cache[page]
    text.count = len(doc)
    yield text
    doc.close()


@pytest.fixture(scope="module")
def pdf_store(tmp_path_factory, prospectus):
    from ingest.pipeline import ingest_file
    from kg.store import open_store
    store = open_store(str(tmp_path_factory.mktemp("pdf-store")))
    ingest_file(store, prospectus)
    return store


def assert_on_its_page(cite: dict, pdf_pages) -> None:
    """The quote's first 30 characters are on its page, or start at the foot of it and run on at the top of
    the next (a sentence across a page break is cited on the page where it starts)."""
    page = cite["page"]
    assert isinstance(page, int) and not isinstance(page, bool), cite
    assert 1 <= page <= pdf_pages.count, cite
    head, text = squash(cite["quote"])[:30], pdf_pages(page)
    if head in text:
        return
    after = pdf_pages(page + 1)[:400] if page < pdf_pages.count else ""
    assert any(head[:k] in text[-400:] and after.startswith(head[k:]) for k in range(4, len(head))), \
        (page, cite["quote"][:60])


def ic_citation(answer: dict) -> dict:
    return next(c for c in answer["citations"] if "981.3" in c["quote"])


# ------------------------------------------------------------------------------------------ the Python API

def test_citations_give_the_page_the_quote_is_on(pdf_store, pdf_pages):
    from qa import ask
    a = ask(IC_2030, store=pdf_store)
    out = a.to_json()
    assert out["status"] == "answered" and "981.3" in out["answer"], out["answer"]
    assert out["citations"]
    for c in out["citations"]:
        assert {"report", "section", "section_title", "quote", "line", "page", "page_label"} <= set(c)
        assert_on_its_page(c, pdf_pages)
    ic = ic_citation(out)
    assert ic["page"] == 120 and ic["page_label"] == "110"         # printed "110" at the foot of page 120
    assert "p. 120 (printed 110)" in a.render()
    assert f"line {ic['line']}, p. 120 (printed 110)" in a.render()


def test_other_families_cite_pages_too(pdf_store, pdf_pages):
    """Claims read by the per-report templates (drivers, definitions …) carry their quote's page as well."""
    from qa import ask
    out = ask("What are the growth drivers?", store=pdf_store).to_json()
    assert out["status"] == "answered" and out["citations"], out["answer"]
    for c in out["citations"]:
        assert_on_its_page(c, pdf_pages)


def test_figure_rows_give_the_page(pdf_store, pdf_pages):
    from kg.figures import COLUMNS, figure_rows, figures_csv
    rows = figure_rows(pdf_store)
    assert rows
    for r in rows:
        assert_on_its_page(r, pdf_pages)
        assert r.get("pageLabel") is None or r["pageLabel"] != str(r["page"])
    assert {"page", "pageLabel"} <= set(COLUMNS)
    header, first = figures_csv(pdf_store).splitlines()[:2]
    assert header.endswith(",page,pageLabel") and re.search(r",\d+,\d*$", first)


def test_evidence_shows_the_page_and_the_text_around_the_quote(pdf_store):
    from kg.graphview import evidence
    from qa import ask
    c = ic_citation(ask(IC_2030, store=pdf_store).to_json())
    ev = evidence(pdf_store, c["report"], c["section"], c["quote"], page=c["page"], page_label=c["page_label"])
    assert ev is not None and ev.span is not None and ev.page == 120
    before, quote, after = ev.around()
    assert squash(quote) == squash(c["quote"])
    assert "US$539.5 billion" in before                              # the sentence before, on the same page
    assert after.strip().startswith("Global Market Size of Integrated Circuits")   # the chart title after it
    html = ev.to_html()
    assert 'data-page="120"' in html and "p. 120 (printed 110)" in html
    assert '<mark class="rk-quote">With the deepening' in html


# ------------------------------------------------------------------------------------------ markdown: no pages

def test_markdown_citations_have_no_page(seed_store):
    from kg.figures import figure_rows
    from kg.graphview import evidence
    from qa import ask
    a = ask("2024年全球AI推理芯片市场规模是多少？", store=seed_store)
    c = a.to_json()["citations"][0]
    assert c["page"] is None and c["page_label"] is None and isinstance(c["line"], int)
    assert f"(line {c['line']})" in a.render() and "p. " not in a.render()
    assert all("page" not in r for r in figure_rows(seed_store))
    ev = evidence(seed_store, c["report"], c["section"], c["quote"], page=c["page"])
    html = ev.to_html()
    assert "rk-ev-page" not in html and '<mark class="rk-quote">' in html and "6,067" in ev.around()[1]


# ------------------------------------------------------------------------------------------ the text around a quote

def test_around_takes_a_sentence_either_side():
    from kg.graphview import around, locate
    text = ("### Market Size\n\nIt is deepening. The market grew from US$192.2 million in 2020 to US$268.9 "
            "million in 2024, a CAGR of 8.8%. It will grow. Last one.\n\nChart title\n\n```figure\n1\n```")
    q = "The market grew from US$192.2 million in 2020 to US$268.9 million in 2024, a CAGR of 8.8%."
    assert around(text, locate(text, q)) == ("…It is deepening. ", q, " It will grow.…")
    assert around(text, locate(text, "Last one.")) == ("…It will grow. ", "Last one.", "\n\nChart title…")
    assert around(text, locate(text, "It is deepening."))[0] == "Market Size\n\n"      # heading marks dropped
    zh = "根据灼识咨询，市场增长很快。2024 年，全球市场规模达到 6,067 亿元。“云端”占一半。其余为边缘。"
    assert around(zh, locate(zh, "2024 年，全球市场规模达到 6,067 亿元。")) == \
        ("根据灼识咨询，市场增长很快。", "2024 年，全球市场规模达到 6,067 亿元。", "“云端”占一半。…")
    long = "word " * 300 + "The quote. " + "more " * 300
    before, _, after = around(long, locate(long, "The quote."))
    assert before.startswith("…") and after.endswith("…") and len(before) <= 402 and len(after) <= 402


# ------------------------------------------------------------------------------------------ over HTTP

@pytest.mark.slow
def test_upload_a_pdf_then_ask_about_it(pdf_server, pdf_pages, prospectus):
    url = pdf_server.url
    r = httpx.post(url + "/api/reports", headers=pdf_server.write_headers, timeout=180,
                   files={"file": (prospectus.name, prospectus.read_bytes(), "application/pdf")})
    assert r.status_code == 201, r.text
    assert r.json()["figures"] > 0
    a = httpx.post(url + "/api/ask", json={"question": IC_2030}, timeout=30).json()
    assert a["status"] == "answered" and "981.3" in a["answer"], a["answer"]
    pdf_cites = [c for c in a["citations"] if c["report"] == r.json()["report"]]
    assert pdf_cites and all(c["page"] is not None for c in pdf_cites)
    for c in pdf_cites:
        assert_on_its_page(c, pdf_pages)
    assert ic_citation(a)["page"] == 120
    seed = [c for c in a["citations"] if c["report"] != r.json()["report"]]
    assert all(c["page"] is None for c in seed)                      # the bundled markdown report: lines only
    figs = httpx.get(url + "/api/figures", params={"report": r.json()["report"]}).json()
    assert figs["figures"] and all(isinstance(f["page"], int) for f in figs["figures"])


@pytest.mark.slow
def test_upload_refuses_what_is_not_a_pdf(pdf_server):
    url = pdf_server.url + "/api/reports"
    before = httpx.get(url).json()["reports"]
    cases = [("notes.pdf", b"# 1. Notes\n\nThe market grew 5% in 2024.\n", 415, "not a PDF"),
             ("picture.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415, "not a PDF"),
             ("broken.pdf", b"%PDF-1.7\n% cut short, no objects\n", 422, "broken.pdf")]
    for name, data, status, needle in cases:
        r = httpx.post(url, headers=pdf_server.write_headers, timeout=60,
                       files={"file": (name, data, "application/pdf")})
        assert r.status_code == status, (name, r.text)
        msg = r.json()["error"]
        assert needle in msg and name in msg and "\n" not in msg, msg
        assert "Traceback" not in r.text and str(pdf_server.store) not in r.text
    assert httpx.get(url).json()["reports"] == before
