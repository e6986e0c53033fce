"""The app in a real browser: Playwright driving Debian's chromium against `reportkg serve`.

Asks a Chinese and an English question, sees the cited answer and how it was answered, opens the
evidence, runs a SPARQL query, sees the figures chart and the graph, and has a bad upload refused.
Screenshots go to tests/artifacts/ (not committed). Skipped, with the reason, when chromium is absent
(`.ci/run` installs it: `apt-get install chromium`).
"""
from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest_plugins = ["server_fixtures"]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("REPORTKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"chromium not installed at {CHROMIUM} "
                                                           "(apt-get install chromium; .ci/run does this)"),
]


@pytest.fixture(scope="module")
def browser():
    """One chromium for the module (Playwright's sync API runs one instance at a time)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@contextmanager
def browser_page(browser, server):
    """A page on ``server``'s app, recording page errors and any request leaving the machine."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    external: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: external.append(r.url) if r.url.startswith("http")
          and not r.url.startswith(server.url) else None)
    pg.goto(server.url + "/")
    pg.wait_for_selector("#rk-question textarea")
    pg.errors = errors
    pg.external = external
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def page(browser, live_server):
    with browser_page(browser, live_server) as pg:
        yield pg


@pytest.fixture(scope="module")
def pdf_page(browser, pdf_server):
    """The app of a server that takes uploads as large as a real PDF."""
    with browser_page(browser, pdf_server) as pg:
        yield pg


@pytest.fixture(autouse=True)
def screenshot_on_failure(request):
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        for name in ("page", "pdf_page"):
            if name in request.fixturenames:
                shot(request.getfixturevalue(name), "FAILED-" + request.node.name)


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)


def ask(pg, question: str, expect: str) -> None:
    pg.fill("#rk-question textarea", question)
    pg.click("#rk-ask")
    pg.locator("#rk-chat").get_by_text(expect, exact=False).last.wait_for()


def new_conversation(pg) -> None:
    """Start afresh and wait until the reset has landed (it clears the status line), so it cannot
    race the next question."""
    pg.click("#rk-new")
    pg.wait_for_function("() => !document.querySelector('#rk-status .rk-status')")
    pg.locator("#rk-chat [data-testid='user']").first.wait_for(state="detached")


def tab(pg, name: str) -> None:
    pg.get_by_role("tab", name=name).click()


def type_in(pg, dropdown: str, text: str) -> None:
    """Type ``text`` into a dropdown and press Enter (a value typed in, not one of its choices)."""
    box = pg.locator(dropdown + " input")
    box.click()
    box.fill(text)
    box.press("Enter")


def test_chat_in_chinese_and_english_with_citations(page):
    ask(page, "2024年全球AI推理芯片市场规模是多少？", "6,067亿元人民币")
    chat = page.locator("#rk-chat")
    assert chat.get_by_text("§1.3", exact=False).count() >= 1          # cited: section number + title + quote
    assert chat.get_by_text("行业规模与增长", exact=False).count() >= 1
    page.locator("#rk-status [data-status='answered']").wait_for()
    shot(page, "chat-zh")
    ask(page, "What was the global AI inference chip market size in 2030?", "30,696")
    chat.get_by_text("How this was answered").last.click()
    chat.get_by_text("SPARQL that ran", exact=False).last.wait_for()
    shot(page, "chat-en")
    ask(page, "那中国呢？", "11,664")                                    # a follow-up in the same conversation
    assert not page.errors, page.errors


def test_not_found_feedback(page):
    new_conversation(page)
    ask(page, "What is the weather like in Paris?", "Not found in the graph")
    page.locator("#rk-status [data-status='not_found']").wait_for()
    shot(page, "chat-not-found")


def test_evidence_highlights_the_quote(page):
    new_conversation(page)
    ask(page, "2024年全球AI推理芯片市场规模是多少？", "6,067亿元人民币")
    page.click("#rk-open-evidence")
    mark = page.locator("#rk-evidence mark.rk-quote")
    mark.wait_for()
    assert "6,067" in mark.inner_text()
    assert "§1.3" in page.locator("#rk-evidence .rk-ev-head").inner_text()
    shot(page, "evidence")


def test_sparql_tab_runs_a_query(page):
    tab(page, "SPARQL")
    editor = page.locator("#rk-sparql-editor .cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    editor.type("SELECT ?id ?title WHERE { ?s a rk:Section ; dcterms:identifier ?id ; dcterms:title ?title } "
                "ORDER BY ?id")
    page.click("#rk-sparql-run")
    page.locator("#rk-sparql-info").get_by_text("rows in", exact=False).wait_for()
    page.locator("#rk-sparql-result").get_by_text("行业规模与增长").first.wait_for()
    shot(page, "sparql")


def test_figures_chart_and_table(page):
    tab(page, "Figures")
    page.locator("#rk-figures-table").get_by_text("6,067").first.wait_for()
    assert re.fullmatch(r"\d+ figures\.", page.locator("#rk-figures-note").inner_text().strip())   # all shown
    page.locator("#rk-chart canvas, #rk-chart svg").first.wait_for(state="visible")
    page.locator("#rk-chart-bars canvas, #rk-chart-bars svg").first.wait_for(state="visible")
    shot(page, "figures")


def test_graph_neighbourhood(page):
    tab(page, "Graph")
    svg = page.locator("#rk-graph svg.rk-graph")
    svg.wait_for()
    assert svg.locator("g.rk-node").count() >= 3
    shot(page, "graph")


def test_graph_entity_search(page):
    """Text typed into the entity picker is searched for in the store (the list holds only some
    entities up front); the best match is drawn."""
    tab(page, "Graph")
    type_in(page, "#rk-entity", "Global")
    page.locator("#rk-graph svg.rk-graph[aria-label='neighbourhood of Global']").wait_for()
    assert "region: Global" in page.locator("#rk-entity input").input_value()
    shot(page, "graph-search")


def test_figures_filter_by_typed_name(page):
    """A name typed into the market filter that is no market's label matches every market containing it."""
    tab(page, "Figures")
    type_in(page, "#rk-filter-market", "推理")
    page.keyboard.press("Escape")
    page.locator("#rk-figures-note").get_by_text("12 figures.").wait_for()
    assert "AI 推理芯片" in page.locator("#rk-figures-table").inner_text()


def test_reports_tab_refuses_a_bad_upload(page, tmp_path):
    tab(page, "Reports")
    page.locator("#rk-reports table").first.wait_for()
    assert "全球 AI 推理芯片行业报告" in page.locator("#rk-reports").inner_text()
    bad = tmp_path / "broken.md"
    bad.write_bytes(b"\x00\x01\x02 binary, not a report")
    page.locator("#rk-upload input[type=file]").set_input_files(str(bad))
    page.locator("#rk-upload").get_by_text("broken.md").first.wait_for()
    page.click("#rk-ingest")
    page.get_by_text("binary file", exact=False).first.wait_for()
    assert page.get_by_text("graph is unchanged", exact=False).count() >= 1
    shot(page, "reports-bad-upload")


def test_upload_a_pdf_then_ask_about_it(pdf_page, prospectus):
    """A PDF uploaded in the Reports tab is ingested (in the worker) and answered in the chat, the answer
    citing its page; the evidence shows that page and the sentences around the quote."""
    pg = pdf_page
    tab(pg, "Reports")
    pg.locator("#rk-upload input[type=file]").set_input_files(str(prospectus))
    pg.locator("#rk-upload").get_by_text(prospectus.name).first.wait_for()
    pg.click("#rk-ingest")
    status = pg.locator("#rk-upload-status")
    status.get_by_text("figures)", exact=False).wait_for(timeout=180_000)   # "… added: N claims (M figures) …"
    assert prospectus.name in status.inner_text()
    assert "Market Size Analysis" in pg.locator("#rk-reports").inner_text()
    shot(pg, "reports-pdf-upload")
    tab(pg, "Chat")
    ask(pg, "What was the global market size of integrated circuits in 2030?", "981.3")
    chat = pg.locator("#rk-chat")
    chat.get_by_text("p. 120 (printed 110)", exact=False).first.wait_for()
    pg.locator("#rk-status [data-status='answered']").wait_for()
    shot(pg, "chat-pdf")
    tab(pg, "Evidence")
    pg.locator("#rk-ev-pick input").click()
    pg.get_by_role("option").filter(has_text="p. 120 (printed 110)").first.click()
    ev = pg.locator("#rk-evidence")
    ev.locator(".rk-ev-page[data-page='120']").wait_for()
    assert "p. 120 (printed 110)" in ev.locator(".rk-ev-head").inner_text()
    context = ev.locator(".rk-ev-context")
    assert "US$539.5 billion" in context.inner_text()                 # the sentence before the quote
    assert "981.3" in context.locator("mark.rk-quote").inner_text()
    shot(pg, "evidence-pdf")
    assert not pg.errors, pg.errors
    assert pg.external == [], pg.external


def test_no_requests_leave_the_machine(page):
    """Analytics off, no CDN fonts or scripts: the browser talks only to this server."""
    assert page.external == [], page.external
