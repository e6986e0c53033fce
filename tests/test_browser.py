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
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
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
def browser_page(browser, server, locale: str = "en-US"):
    """A page on ``server``'s app in a browser set to ``locale``, recording page errors and any request leaving
    the machine."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale=locale)
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
def app_server(tmp_path_factory):
    """A server of this module's own over the bundled report alone: the session's shared one gets other
    tests' uploads, and with the suite on several workers their order is not this file's."""
    from server_fixtures import start_server, stop_server
    tmp = tmp_path_factory.mktemp("browser-server")
    server = start_server(tmp)
    yield server
    stop_server(server)
    shutil.rmtree(tmp / "store", ignore_errors=True)


@pytest.fixture(scope="module")
def page(browser, app_server):
    with browser_page(browser, app_server) as pg:
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


def uploaded(pg, name: str) -> None:
    """Wait until the upload box holds ``name`` and the file has reached the server (its size shows)."""
    # the box writes the name's stem and extension on separate lines ('broken\\n.md'), the size after
    pg.wait_for_function("([name]) => [...document.querySelectorAll('#rk-upload')].some(e =>"
                         " e.innerText.replace(/\\s+/g, '').includes(name.replace(/\\s+/g, ''))"
                         " && /\\d+(\\.\\d+)?\\s*[KMG]?B/.test(e.innerText))", arg=[name])


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)


def ask(pg, question: str, expect: str) -> None:
    pg.fill("#rk-question textarea", question)
    pg.click("#rk-ask")
    pg.locator("#rk-chat").get_by_text(expect, exact=False).last.wait_for()


def new_conversation(pg) -> None:
    """Start afresh and wait until the reset has landed (it clears the status line), so it cannot
    race the next question."""
    tab(pg, "Chat")
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
    ask(page, "What was the global AI inference chip market size in 2030?", "RMB 3,069.6 billion")
    chat.get_by_text("How this was answered").last.click()
    chat.get_by_text("SPARQL that ran", exact=False).last.wait_for()
    shot(page, "chat-en")
    ask(page, "那中国呢？", "11,664")                                    # a follow-up in the same conversation
    assert not page.errors, page.errors


def test_not_found_feedback(page):
    new_conversation(page)
    ask(page, "What is the weather like in Paris?", "Not found in the reports")
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


def test_a_citation_in_chat_opens_its_evidence(page):
    """The numbers of an answer's sources are links: a click opens the Evidence tab on that citation."""
    new_conversation(page)
    ask(page, "2030年全球AI推理芯片市场规模是多少？", "30,696")
    ask(page, "2024年全球AI推理芯片市场规模是多少？", "6,067亿元人民币")
    links = page.locator("#rk-chat a[href*='#rk-cite-']")
    quote = "() => document.querySelector('#rk-evidence mark.rk-quote')?.innerText.includes('%s')"
    # the first answer's source, scrolled out of the chat's view: a click event on the link itself (a click at
    # its place could land elsewhere while the chat scrolls to its newest message)
    links.first.dispatch_event("click")
    page.wait_for_function(quote % "30,696")
    assert page.locator("#rk-evidence").is_visible()
    tab(page, "Chat")
    links.last.click()                                                   # the second answer's
    page.wait_for_function(quote % "6,067")
    assert "6,067" in page.locator("#rk-cite-pick input").input_value()   # the picker follows the click
    assert not page.errors, page.errors


def test_chinese_answer_is_chinese_throughout_and_evidence_reads_as_the_report(page):
    """One language per answer (labels included), every citation naming its report; the evidence renders the
    section's markdown (bold as bold, no '**') with the quote highlighted inside it."""
    new_conversation(page)
    ask(page, "2024年全球云端推理芯片市场规模是多少？", "2,275")
    chat = page.locator("#rk-chat")
    text = chat.inner_text()
    assert "来源" in text and "Sources" not in text and "全球 AI 推理芯片行业报告" in text
    page.locator("#rk-status [data-status='answered']").get_by_text("依据报告回答", exact=False).wait_for()
    page.click("#rk-open-evidence")
    ev = page.locator("#rk-evidence")
    ev.locator(".rk-ev-context mark.rk-quote").first.wait_for()
    context = ev.locator(".rk-ev-context")
    assert "**" not in context.inner_text()
    assert context.locator("strong", has_text="云端推理").count() == 1         # bold as the report has it
    assert "云端推理" in context.locator("strong mark.rk-quote").first.inner_text()   # highlighted inside the bold
    assert "2,275" in context.inner_text()
    shot(page, "evidence-rendered")


def test_answer_downloads_with_its_sources(page):
    """After an answer, one click downloads it as Markdown (answer, figures, sources) and as CSV."""
    new_conversation(page)
    ask(page, "2024年全球AI推理芯片市场规模是多少？", "6,067")
    with page.expect_download() as got:
        page.click("#rk-answer-md")
    body = Path(got.value.path()).read_text(encoding="utf-8")
    assert body.startswith("## 2024年全球AI推理芯片市场规模是多少？") and "6,067" in body
    assert "### 来源" in body and "§1.3" in body and "全球 AI 推理芯片行业报告" in body
    with page.expect_download() as got:
        page.click("#rk-answer-csv")
    lines = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("question,status,answer,row,figure,value,unit")
    assert any(",figure," in ln and "6067" in ln for ln in lines) and any(",source," in ln for ln in lines)


def test_example_chip_asks_and_an_empty_question_says_so(page):
    new_conversation(page)
    page.fill("#rk-question textarea", "")
    page.click("#rk-ask")
    page.locator("#rk-status [data-status='empty']").wait_for()
    page.get_by_text("Who published the report?", exact=True).first.click()
    page.locator("#rk-status [data-status='answered']").wait_for()
    assert "CIC" in page.locator("#rk-chat").inner_text()


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


def test_sparql_results_read_cleanly_errors_too_and_a_link_reruns_the_query(page):
    """Literals without '@en', IRIs as prefixed names (decoded), an error as one readable line and no stale
    table; the link under a result opens the app with the query run."""
    from playwright.sync_api import expect
    tab(page, "SPARQL")
    query = "SELECT ?m ?label WHERE { ?m a rk:Market ; skos:prefLabel ?label } ORDER BY ?label"
    editor = page.locator("#rk-sparql-editor .cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    editor.type(query)
    page.click("#rk-sparql-run")
    info = page.locator("#rk-sparql-info")
    info.get_by_text("rows in", exact=False).wait_for()
    result = page.locator("#rk-sparql-result")
    expect(result).to_contain_text("AI inference chip")
    cells = result.inner_text()
    assert "@en" not in cells and "%E" not in cells and "rkid:market/" in cells
    link = info.locator("a", has_text="Link to this query").get_attribute("href")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    editor.type("SELECT WHERE {")
    page.click("#rk-sparql-run")
    info.get_by_text("refused", exact=False).wait_for()
    assert "AI inference chip" not in result.inner_text()
    other = page.context.new_page()
    other.goto(page.url.split("?")[0].split("#")[0] + link)
    expect(other.locator("#rk-sparql-result")).to_contain_text("AI inference chip")
    assert "SELECT ?m ?label" in other.locator("#rk-sparql-editor").inner_text()
    other.close()


def test_figures_chart_and_table(page):
    from playwright.sync_api import expect
    tab(page, "Figures")
    page.locator("#rk-figures-table").get_by_text("6,067").first.wait_for()
    expect(page.locator("#rk-figures-note")).to_have_text(re.compile(r"^\s*\d+ figures\.\s*$"))   # all shown
    page.locator("#rk-chart canvas, #rk-chart svg").first.wait_for(state="visible")
    page.locator("#rk-chart-bars canvas, #rk-chart-bars svg").first.wait_for(state="visible")
    assert "Value" in page.locator("#rk-figures-table").inner_text()          # human column names
    assert "valueText" not in page.locator("#rk-figures-table").inner_text()
    with page.expect_download() as got:                                         # one click: every figure, as CSV
        page.click("#rk-figures-csv a")
    lines = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("report,reportTitle,metric") and len(lines) == 16
    shot(page, "figures")


def test_graph_neighbourhood(page):
    tab(page, "Graph")
    svg = page.locator("#rk-graph svg.rk-graph")
    svg.wait_for()
    assert svg.locator("g.rk-node").count() >= 3
    shot(page, "graph")


def test_graph_expands_on_click(page):
    """A click on a drawn entity redraws the graph around it, and the picker names it."""
    tab(page, "Graph")
    svg = page.locator("#rk-graph svg.rk-graph")
    svg.wait_for()
    before = svg.get_attribute("aria-label")
    node = page.locator("#rk-graph g.rk-node[data-kind='market'][data-iri]").first
    label = node.locator("title").text_content().split("\n")[0].split(": ", 1)[1]
    node.locator("circle").click()
    page.locator(f"#rk-graph svg.rk-graph[aria-label='neighbourhood of {label}']").wait_for()
    assert before != f"neighbourhood of {label}"
    assert label in page.locator("#rk-entity input").input_value()
    shot(page, "graph-expanded")


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
    from playwright.sync_api import expect
    tab(page, "Reports")
    expect(page.locator("#rk-reports")).to_contain_text("全球 AI 推理芯片行业报告")
    bad = tmp_path / "broken.md"
    bad.write_bytes(b"\x00\x01\x02 binary, not a report")
    page.locator("#rk-upload input[type=file]").set_input_files(str(bad))
    uploaded(page, "broken.md")
    page.click("#rk-ingest")
    status = page.locator("#rk-upload-status")
    expect(status).to_contain_text("binary file")
    assert "Refused" in status.inner_text() and "graph is unchanged" in status.inner_text()
    assert page.locator("[data-testid='toast-body']").count() == 0       # one line, no stacked error toasts
    expect(page.locator("#rk-upload")).not_to_contain_text("broken.md")   # the refused file is cleared
    shot(page, "reports-bad-upload")


def test_add_then_remove_a_report_refreshes_every_view(pdf_page):
    """A report added in the Reports tab shows in its table, the remove list and the figure filters; removed,
    it leaves all three (no reload), and a question about it is no longer answered."""
    from playwright.sync_api import expect
    pg = pdf_page
    report = FIXTURES / "en-battery-recycling.md"
    title = "Global Lithium-ion Battery Recycling Market Outlook 2025"
    tab(pg, "Reports")
    pg.locator("#rk-upload input[type=file]").set_input_files(str(report))
    uploaded(pg, report.name)
    pg.click("#rk-ingest")
    status = pg.locator("#rk-upload-status")
    status.get_by_text(report.name, exact=False).wait_for()
    table = pg.locator("#rk-reports")
    expect(table).to_contain_text(title)
    text = table.inner_text()
    assert "en-battery-recycling" in text and "current" in text    # its id and status
    pg.locator("#rk-remove-pick input").click()
    pg.get_by_role("option").filter(has_text="en-battery-recycling").first.click()
    pg.click("#rk-remove")
    status.get_by_text("Removed", exact=False).wait_for()
    expect(table).not_to_contain_text(title)
    pg.locator("#rk-remove-pick input").click()
    assert pg.get_by_role("option").filter(has_text="en-battery-recycling").count() == 0
    pg.keyboard.press("Escape")
    tab(pg, "Figures")
    pg.locator("#rk-filter-report input").click()
    assert pg.get_by_role("option").filter(has_text="Battery Recycling").count() == 0
    pg.keyboard.press("Escape")
    shot(pg, "reports-removed")
    tab(pg, "Chat")
    pg.fill("#rk-question textarea", "What was the global lithium-ion battery recycling market size in 2024?")
    pg.click("#rk-ask")
    pg.locator("#rk-status [data-status='not_found']").wait_for()
    assert not pg.errors, pg.errors


def test_upload_a_pdf_then_ask_about_it(pdf_page, prospectus):
    """A PDF uploaded in the Reports tab is ingested (in the worker) and answered in the chat, the answer
    citing its page; the evidence shows that page and the sentences around the quote."""
    from playwright.sync_api import expect
    pg = pdf_page
    tab(pg, "Reports")
    pg.locator("#rk-upload input[type=file]").set_input_files(str(prospectus))
    uploaded(pg, prospectus.name)
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


def test_a_chinese_browser_opens_the_app_in_chinese(browser, app_server):
    """The app's labels and heading follow the browser's language on load, as Gradio's own parts do."""
    with browser_page(browser, app_server, locale="zh-CN") as pg:
        pg.get_by_role("tab", name="问答").wait_for()
        pg.locator("#rk-ask", has_text="提问").wait_for()
        pg.locator("#rk-header").get_by_text("图谱中有 1 份报告", exact=False).wait_for()
        assert pg.locator("#rk-ui-lang input[value='zh']").is_checked()
        shot(pg, "opens-in-chinese")
        pg.locator("#rk-ui-lang").get_by_text("English").click()
        pg.locator("#rk-header").get_by_text("1 report in the graph", exact=False).wait_for()
        pg.get_by_role("tab", name="Chat").wait_for()
        assert not pg.errors, pg.errors


def test_the_app_labels_switch_between_english_and_chinese(page):
    """The language switch relabels the app (tabs, buttons, filters); answers keep the question's language."""
    new_conversation(page)                                  # an empty chat shows its placeholder
    page.locator("#rk-ui-lang").get_by_text("中文").click()
    page.get_by_role("tab", name="问答").wait_for()
    page.get_by_role("tab", name="数据").wait_for()
    tab(page, "问答")
    page.locator("#rk-ask", has_text="提问").wait_for()
    page.locator("#rk-chat").get_by_text("可用中文或英文询问", exact=False).first.wait_for()
    shot(page, "labels-zh")
    page.locator("#rk-ui-lang").get_by_text("English").click()
    page.get_by_role("tab", name="Chat").wait_for()
    page.locator("#rk-ask", has_text="Ask").wait_for()
