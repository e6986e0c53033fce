"""`reportkg serve` over real HTTP: the JSON API, the SPARQL 1.1 endpoint (SPARQLWrapper), the Gradio
app (gradio_client), every refusal, the deadline, the row cap and the size caps.

The server is started once per session (tests/server_fixtures.py) with a 2 s deadline, a 500-row cap,
a 64 KiB query cap and a 300 kB upload cap. Tests that add reports run last in this file.
"""
from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
from pathlib import Path

import httpx
import pytest

pytest_plugins = ["server_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_REPORTS = ROOT / "tests" / "fixtures" / "reports"
SEED_IRI = "https://w3id.org/reportkg/id/report/cic-global-ai-inference-chips-2026"
MARKET = "https://w3id.org/reportkg/id/market/ai%E6%8E%A8%E7%90%86%E8%8A%AF%E7%89%87"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
LEAKS = re.compile(r"Traceback|File \"|/tmp/|/work/|site-packages|\.py\b")


def count_triples(url: str) -> int:
    r = httpx.get(url + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def assert_clean(body: str) -> None:
    assert not LEAKS.search(body), f"error body leaks internals: {body[:300]}"


# ------------------------------------------------------------------------------------- no server needed

class TestClassify:
    """kg.endpoint.classify: the parse-based read-only guard (no server)."""

    @pytest.mark.parametrize("text", [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "# just a comment\ninsert data { <http://a> <http://b> <http://c> }",
        "PREFIX ex: <http://example.org/>\n# SELECT * WHERE {}\nDELETE WHERE { ?s ?p ?o }",
        "drop all", "DrOp GRAPH <http://x>", "LOAD <http://example.org/data.ttl>", "clear default",
        "CREATE GRAPH <http://x>", "ADD DEFAULT TO <http://x>", "MOVE DEFAULT TO <http://x>",
        "COPY DEFAULT TO <http://x>", "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    ])
    def test_updates_are_403(self, text):
        from kg.endpoint import EndpointError, classify
        with pytest.raises(EndpointError) as e:
            classify(text)
        assert e.value.status == 403 and "read-only" in e.value.message

    @pytest.mark.parametrize("text,form", [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("# INSERT DATA { }\nPREFIX x: <http://x/>\nSELECT * WHERE { ?s ?p 'DROP ALL' }", "SELECT"),
        ("ASK { ?s a rk:Report }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
        ("select ?insert where { ?insert <http://example.org/delete> ?drop }", "SELECT"),
    ])
    def test_queries_pass(self, text, form):
        from kg.endpoint import classify
        assert classify(text).form == form

    def test_service_refused_even_nested(self):
        from kg.endpoint import EndpointError, classify
        with pytest.raises(EndpointError) as e:
            classify("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://dbpedia.org/sparql> { ?s ?q ?r } } }")
        assert e.value.status == 403 and "SERVICE" in e.value.message

    def test_from_graphs_resolved(self):
        from kg.endpoint import classify
        p = classify("PREFIX g: <http://example.org/g/>\nSELECT * FROM g:one FROM NAMED <http://two> WHERE { ?s ?p ?o }")
        assert p.from_graphs == ("http://example.org/g/one",) and p.from_named == ("http://two",)

    @pytest.mark.parametrize("text,parse", [
        ("SELECT ?s WHERE { ?s a rk:Report } LIMIT 5", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", False),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", False),      # Oxigraph rejects it; then classify
        ("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }", True),
        ("SELECT * FROM <http://x> WHERE { ?s ?p ?o }", True),
        ("select * where { ?s ?p ?o } # from a comment", True),          # a mention costs a parse, no more
        ("SELECT * WHERE { ?s rk:fromYear ?y }", True),
        ("SELECT * WHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }", True),
        ("SELECT * WHERE { \\U00000046ROM <http://x> }", True),
    ])
    def test_screen_sends_service_and_from_to_the_parser(self, text, parse):
        from kg.endpoint import screen
        assert (screen(text) is None) == parse

    def test_classify_is_thread_safe(self):
        """pyparsing learns each parse action's arity on first use; two threads doing that at once left
        rdflib's parser failing every query with TypeError until restart. A fresh process, so that the
        parser is cold."""
        import subprocess
        import sys
        code = """
import threading
from kg.endpoint import classify
errors = []
def run(i):
    try:
        classify(f"PREFIX ex: <http://example.org/> SELECT ?s (COUNT(?o) AS ?n) FROM ex:g{i} "
                 f"WHERE {{ ?s ex:p{i} ?o FILTER(?o > {i}) OPTIONAL {{ ?s ex:q ?x }} }} GROUP BY ?s")
    except Exception as e:
        errors.append(repr(e))
ths = [threading.Thread(target=run, args=(i,)) for i in range(8)]
[t.start() for t in ths]
[t.join() for t in ths]
print(errors)
"""
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "[]"

    def test_listen_socket_gets_nodelay(self):
        """Without TCP_NODELAY each kept-alive response waited ~40 ms for a delayed ACK (/sparql: 84
        queries/s where bare Oxigraph did 724)."""
        import asyncio
        import socket
        from ui.server import listen_socket

        async def check() -> int:
            seen = asyncio.get_running_loop().create_future()

            def connected(reader, writer):
                seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                writer.close()

            server = await asyncio.start_server(connected, sock=listen_socket("127.0.0.1", 0))
            port = server.sockets[0].getsockname()[1]
            _, w = await asyncio.open_connection("127.0.0.1", port)
            flag = await asyncio.wait_for(seen, 10)
            w.close()
            server.close()
            return flag

        assert asyncio.run(check()) != 0

    def test_negotiation(self):
        from kg.endpoint import EndpointError, negotiate
        assert negotiate("SELECT", "text/csv") == "text/csv"
        assert negotiate("SELECT", "text/html,*/*;q=0.1") == "application/sparql-results+json"
        assert negotiate("SELECT", "application/sparql-results+xml;q=0.5, text/tab-separated-values") == \
            "text/tab-separated-values"
        assert negotiate("CONSTRUCT", None) == "text/turtle"
        assert negotiate("CONSTRUCT", None, "json") == "application/ld+json"
        assert negotiate("DESCRIBE", "application/n-triples") == "application/n-triples"
        with pytest.raises(EndpointError):
            negotiate("SELECT", None, "pdf")


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """A one-worker QueryPool over 300 quads, and the source to give its jobs."""
    from kg.endpoint import QueryPool
    nq = tmp_path_factory.mktemp("pool") / "g.nq"
    nq.write_text("".join(f"<http://x/s{i}> <http://x/p> \"{i}\" <http://x/g> .\n" for i in range(300)))
    pool = QueryPool(1)
    pool.start()
    yield pool, ("nq", str(nq))
    pool.close()


class TestQueryPool:
    """kg.endpoint.QueryPool on its own (worker processes, no server): deadline, busy, both ways of waiting."""

    SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

    @staticmethod
    def job(source, query):
        from kg.endpoint import Job, Media
        return Job(source, query, None, Media.negotiate(), 100)

    def test_deadline_busy_and_replacement(self, pool):
        from kg.endpoint import EndpointError
        pool, source = pool
        assert b'"n"' in pool.run(self.job(source, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 30).body
        killed = pool.killed
        out = {}

        def slow():
            try:
                pool.run(self.job(source, self.SLOW), 1.0)
            except EndpointError as e:
                out["slow"] = e
        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        with pytest.raises(EndpointError) as busy:            # the one worker is taken: 503 at its deadline
            pool.run(self.job(source, "ASK {}"), 0.3)
        assert busy.value.status == 503 and "busy" in busy.value.message and time.monotonic() - t0 < 1.0
        th.join(10)
        assert out["slow"].status == 503 and "did not finish" in out["slow"].message
        assert pool.killed == killed + 1
        assert pool.run(self.job(source, "ASK { ?s ?p ?o }"), 30).body      # a new worker answers

    def test_event_loop_waits_without_threads(self, pool):
        import asyncio
        from kg.endpoint import EndpointError, QuerySyntaxError
        pool, source = pool

        async def main():
            answers = await asyncio.gather(*(pool.arun(self.job(source, f"ASK {{ <http://x/s{i}> ?p ?o }}"), 30)
                                             for i in (1, 299, 300, 301)))
            with pytest.raises(EndpointError) as update:     # classified in the worker, within the deadline
                await pool.arun(self.job(source, "INSERT DATA { <http://a> <http://b> <http://c> }"), 30)
            assert update.value.status == 403 and not isinstance(update.value, QuerySyntaxError)
            with pytest.raises(EndpointError) as late:
                await pool.arun(self.job(source, self.SLOW), 0.5)
            return answers, late.value

        answers, late = asyncio.run(main())
        assert [b"true" in a.body for a in answers] == [True, True, False, False]
        assert late.status == 503


class TestViews:
    """kg.graphview: evidence location and the SVG drawing (no server)."""

    def test_locate_tolerates_wraps_markup_and_width(self):
        from kg.graphview import locate
        text = "前言\n\n2024 年，中国 AI 推理芯片行业规模达到 1,608 亿元人民币，细分行业规模如\n\n下:\n\n**端侧推理:** 804 亿元"
        a, b = locate(text, "2024 年，中国 AI 推理芯片行业规模达到 1,608 亿元人民币，细分行业规模如下:")
        assert text[a:b].startswith("2024 年") and text[a:b].endswith("下:")
        a, b = locate(text, "端侧推理：804 亿元")      # full-width colon, no bold markers
        assert "804" in text[a:b]
        assert locate(text, "not in the text at all") is None

    def test_svg_escapes_labels(self):
        import networkx as nx
        from kg.graphview import to_svg
        g = nx.MultiDiGraph()
        g.add_node("x", label="<script>alert(1)</script>", kind="segment", hop=0)
        g.add_node("y", label="a & b", kind="region", hop=1)
        g.add_edge("x", "y", label="rk:<p>", predicate="p")
        svg = to_svg(g, "x")
        assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg

    def test_upload_names_are_sanitised(self):
        from ui.server import _safe_name
        assert _safe_name("../../etc/passwd.md") == "passwd.md"
        assert _safe_name("C:\\Users\\x\\report.md") == "report.md"
        assert "/" not in _safe_name("a/b<c>.md")


class TestBoundedViews:
    """What the app shows is bounded whatever the store's size: pages of figures and reports with counts,
    filter and entity choices capped, neighbourhoods read from the store with a node cap. Caps are set low
    here to prove the truncation on the seed report (15 figures)."""

    def test_figure_page_caps_counts_and_pages(self, seed_store):
        from kg.figures import figure_page, figure_rows
        every = figure_rows(seed_store)
        assert len(every) == 15
        page = figure_page(seed_store, limit=4)
        assert len(page.rows) == 4 and page.total == 15 and page.truncated and not page.total_capped
        seen = [r["obs"] for off in range(0, 15, 4) for r in figure_page(seed_store, limit=4, offset=off).rows]
        assert sorted(seen) == sorted(r["obs"] for r in every)            # pages cover every figure once
        whole = figure_page(seed_store)
        assert not whole.truncated and whole.rows == every                  # small store: all of it, in order
        capped = figure_page(seed_store, limit=2, count_cap=5)
        assert capped.total_capped and capped.truncated and capped.total == 5

    def test_figure_filters_take_labels_iris_years_and_status(self, seed_store):
        from kg.figures import count_figures, figure_page
        china = figure_page(seed_store, {"region": "China"}).rows
        assert china and all(r["region"] == "China" for r in china)
        by_iri = figure_page(seed_store, {"report": SEED_IRI}).rows
        by_title = figure_page(seed_store, {"report": "全球 AI 推理芯片行业报告"}).rows
        assert len(by_iri) == len(by_title) == 15
        both = figure_page(seed_store, {"region": ["China", "Global"], "year": "2024", "status": "actual",
                                        "market": "AI 推理芯片", "metric": "market size"}).rows
        assert both and all(r["year"] == 2024 and r["status"] == "actual" for r in both)
        assert any(r["valueText"] == "6,067" for r in both)
        assert count_figures(seed_store, {"status": "forecast"}) == sum(r["status"] == "forecast" for r in by_iri)
        for nothing in ({"region": "Mars"}, {"year": "twenty"}, {"segment": "x\" } UNION { ?s ?p ?o"}):
            assert figure_page(seed_store, nothing).rows == [] and count_figures(seed_store, nothing) == 0

    def test_iter_figures_batches_and_csv(self, seed_store):
        from kg.figures import COLUMNS, csv_chunks, figure_rows, iter_figures
        key = lambda r: r["obs"]  # noqa: E731
        assert sorted(iter_figures(seed_store, batch=4), key=key) == sorted(figure_rows(seed_store), key=key)
        text = "".join(csv_chunks(iter_figures(seed_store, batch=4), every=3))
        lines = text.strip().splitlines()
        assert lines[0] == ",".join(COLUMNS) and len(lines) == 16

    def test_filter_choices_are_capped_and_searchable(self, seed_store):
        from kg.figures import filter_choices
        assert filter_choices(seed_store, "region") == (["China", "Global"], True)
        assert filter_choices(seed_store, "status").values == ["actual", "forecast"]
        few = filter_choices(seed_store, "segment", limit=2)
        assert len(few.values) == 2 and not few.complete
        assert filter_choices(seed_store, "market", search="推理").values == ["AI 推理芯片"]
        assert filter_choices(seed_store, "segment", search="AI 推理芯片").values[0] == "云端 AI 推理芯片"
        segs = filter_choices(seed_store, "segment", within={"market": ["AI 推理芯片"]})
        assert len(segs.values) == 3 and all("推理芯片" in s for s in segs.values)
        assert filter_choices(seed_store, "segment", within={"market": ["no such market"]}).values == []

    def test_entities_and_search_are_bounded(self, seed_store):
        from collections import Counter
        from kg.graphview import entities, search_entities
        every = entities(seed_store)
        kinds = Counter(lab.split(":")[0] for lab, _ in every)
        assert every[0][0].startswith("report: ") and kinds["figure"] == 15 and kinds["segment"] == 3
        assert not {"term", "other"} & set(kinds) and len(every) == len({v for _, v in every})
        assert any(lab == "segment: 云端 AI 推理芯片" for lab, _ in every)
        capped = entities(seed_store, per_kind=2)
        assert max(Counter(lab.split(":")[0] for lab, _ in capped).values()) == 2
        hits = search_entities(seed_store, "global")
        assert ("region: Global", "https://w3id.org/reportkg/vocab/region-global") in hits
        assert len(search_entities(seed_store, "推理", limit=3)) == 3
        assert search_entities(seed_store, "") == [] and search_entities(seed_store, "no such words") == []
        assert search_entities(seed_store, "AI 推理芯片")[0] == ("market: AI 推理芯片", MARKET)   # exact first

    def test_neighbourhood_from_the_store_with_a_node_cap(self, seed_store):
        from kg.graphview import edge_rows, entities, neighbourhood, to_svg
        seg = next(v for lab, v in entities(seed_store) if lab == "segment: 云端 AI 推理芯片")
        one = neighbourhood(seed_store, seg, 1)
        assert {d["kind"] for _, d in one.nodes(data=True)} == {"segment", "market", "figure", "driver", "definition"}
        assert all(one.has_edge(seg, n) or one.has_edge(n, seg) for n in one if n != seg)
        two = neighbourhood(seed_store, seg, 2)
        assert set(one) < set(two) and two.number_of_nodes() <= 40
        assert {d["hop"] for _, d in two.nodes(data=True)} == {0, 1, 2}
        small = neighbourhood(seed_store, seg, 2, max_nodes=5)
        assert small.number_of_nodes() == 5 and all(d["hop"] <= 1 for _, d in small.nodes(data=True))
        thin = neighbourhood(seed_store, SEED_IRI, 1, fanout=4)             # at most 4 links each way
        assert 1 < thin.number_of_nodes() <= 5
        assert ["2024 6,067 亿元人民币", "rk:market", "AI 推理芯片"] in edge_rows(neighbourhood(seed_store, MARKET, 1))
        assert neighbourhood(seed_store, "https://example.org/nothing").number_of_nodes() == 0
        assert neighbourhood(seed_store, "not an IRI").number_of_nodes() == 0
        assert "rk-graph" in to_svg(one, seg)

    def test_reports_page_and_count(self, multi_store):
        n = len(multi_store.reports())
        assert multi_store.report_count() == n >= 4 and multi_store.has_reports()
        page = multi_store.reports_page(limit=2)
        assert len(page) == 2 and {"report", "title"} <= set(page[0])
        rest = multi_store.reports_page(limit=10, offset=2)
        assert {r["report"] for r in page + rest} == {r["report"] for r in multi_store.reports()}
        assert multi_store.report_count("推理芯片") == len(multi_store.reports_page(search="推理芯片")) == 1

    def test_services_and_notes_use_the_caps(self, seed_store):
        from ui.app import merge_choices, page_note
        from ui.server import Services, Settings
        sv = Services(seed_store, Settings(figure_rows=3, report_rows=1, choices=2))
        page = sv.figure_page()
        assert len(page.rows) == 3 and page.total == 15
        assert page_note(3, 15, "figure", "refine the filters") == \
            "Showing the first 3 of 15 figures: refine the filters."
        assert page_note(15, 15, "figure", "x") == "15 figures." and page_note(1, 1, "report", "x") == "1 report."
        assert page_note(200, 5000, "figure", "x", at_least=True).startswith("Showing the first 200 of more than 5,000")
        assert not sv.figure_choices("segment").complete and len(sv.figure_choices("segment").values) == 2
        rows, total = sv.reports_page()
        assert len(rows) == 1 and total == 1 and sv.report_count() == 1
        assert merge_choices(["a"], ["b", "a"]) == ["b", "a"] and merge_choices(["x"], ["b"]) == ["x", "b"]

    def test_charts_keep_reports_apart_and_cap_series(self):
        from ui.app import MAX_SERIES, _chart_rows, _line_frame, legends

        def fig(report, title, market="m", region="China", year=2024, value=1.0):
            return {"report": report, "reportTitle": title, "market": market, "region": region, "year": year,
                    "value": value, "metric": "market size", "unit": "亿元", "comparator": "eq"}
        one = _chart_rows([fig("r1", "A"), fig("r1", "A", year=2030)], "market size")
        assert {d["series"] for d in one} == {"China · total"}                 # one report: as before
        two = _chart_rows([fig("r1", "A"), fig("r2", "B")], "market size")
        assert {d["series"] for d in two} == {"A · China · total", "B · China · total"}   # never added up
        same_title = _chart_rows([fig("x/r1", "A"), fig("x/r2", "A")], "market size")
        assert {d["series"] for d in same_title} == {"r1 · China · total", "r2 · China · total"}
        markets = _chart_rows([fig("r1", "A", market="m1"), fig("r2", "B", market="m2")], "market size")
        assert {d["series"] for d in markets} == {"m1 · China · total", "m2 · China · total"}
        many = [fig("r1", "A", region=f"R{i}") for i in range(MAX_SERIES + 1)]
        line = _line_frame(many, "market size")
        assert line.empty and str(line["year"].dtype) != "float64"             # typed, so axes stay nominal
        assert legends(line, line) == ([], [])

    def test_line_chart_is_on_a_time_axis_with_its_unit(self):
        from ui.app import _line_frame, axis_title
        rows = [{"report": "r", "reportTitle": "A", "market": "m", "region": "Global", "year": y, "value": v,
                 "metric": "market size", "unit": "亿元人民币", "comparator": "eq"}
                for y, v in ((2023, 1.0), (2024, 2.0), (2030, 9.0))]
        line = _line_frame(rows, "market size")
        assert str(line["year"].dtype).startswith("datetime64")               # 2024→2030 spaced as six years
        assert (line["year"].iloc[2] - line["year"].iloc[1]).days > 5 * 365
        assert axis_title(line, "market size") == "market size (亿元人民币)"

    def test_figures_csv_is_one_link_carrying_the_filters(self):
        from ui.app import figures_csv_link
        link = figures_csv_link({"market": ["AI 推理芯片"], "year": ["2024", "2030"], "region": []})
        href = re.search(r'href="([^"]+)"', link).group(1)
        assert href.startswith("api/figures?format=csv&amp;market=AI+%E6") and "year=2024%2C2030" in href
        assert "region" not in href and 'download="figures.csv"' in link

    def test_an_answer_exports_with_its_sources(self, seed_store):
        from qa import ask
        from ui.app import ANSWER_CSV_COLUMNS, answer_csv, answer_markdown
        out = ask("What share of the global market did edge inference have in 2024?", store=seed_store).to_json()
        text = answer_markdown(out)
        assert text.startswith("## What share") and "**Derived:**" in text and "### Sources" in text
        assert "全球 AI 推理芯片行业报告" in text and "§1.3" in text and "line " in text
        import csv
        import io
        rows = list(csv.DictReader(io.StringIO(answer_csv(out))))
        assert list(rows[0]) == ANSWER_CSV_COLUMNS
        derived = [r for r in rows if r["row"] == "figure" and r["figure_status"] == "derived"]
        assert derived and derived[0]["formula"] and all(r["quote"] for r in rows if r["row"] == "source")

    def test_evidence_renders_markdown_and_highlights_inside_it(self):
        from kg.graphview import rendered
        text = "### 1.3 规模\n\n**云端推理:** 2,275 亿元\n\n<b>raw</b> and a [link](javascript:alert(1))"
        a = text.index("云端")
        html_ = rendered(text, (a, text.index(" 亿元") + 3))
        assert "<h3>1.3 规模</h3>" in html_ and "**" not in html_
        assert '<strong><mark class="rk-quote">云端推理:</mark></strong><mark class="rk-quote"> 2,275 亿元</mark>' in html_
        assert "<b>" not in html_ and "&lt;b&gt;" in html_ and "href=\"javascript" not in html_

    def test_a_crowded_neighbourhood_is_drawn_grouped_by_kind(self, seed_store):
        from kg import graphview
        report = seed_store.reports()[0]["report"]
        sub = graphview.neighbourhood(seed_store, report)
        drawn = graphview.grouped(sub, report, keep=4)
        kinds = {}
        for n, d in drawn.nodes(data=True):
            kinds.setdefault(d["kind"], []).append(d)
        assert all(len(v) <= 5 for v in kinds.values())                   # four of a kind and a group node
        groups = [d for d in drawn.nodes.values() if d.get("group")]
        assert groups and sum(d["group"] for d in groups) == len(sub) - len(drawn) + len(groups)
        svg = graphview.to_svg(drawn, report)
        assert svg.count("data-iri=") == len(drawn) - len(groups)            # every entity but a group is clickable

    def test_app_builds_bounded_on_a_small_cap(self, seed_store):
        """The Blocks config holds a page of figures and capped choices, not the store."""
        from ui.app import build_blocks
        from ui.server import Services, Settings
        demo = build_blocks(Services(seed_store, Settings(figure_rows=3, choices=12)))
        cfg = {c["props"].get("elem_id"): c["props"] for c in demo.get_config_file()["components"]}
        assert len(cfg["rk-figures-table"]["value"]["data"]) == 3
        assert "Showing the first 3 of 15 figures" in cfg["rk-figures-note"]["value"]
        assert len(cfg["rk-entity"]["choices"]) <= 12 * 12 // 6


@pytest.mark.slow
def test_endpoint_over_a_remote_store(tmp_path):
    """The same guarantees with a remote store (a real `oxigraph serve`): the answer is read as a stream,
    cut at the row cap, and abandoned at the deadline."""
    import shutil
    import subprocess
    import sys
    from ingest.stores import open_store
    from kg.endpoint import Endpoint, EndpointError, Limits
    from server_fixtures import free_port
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        pytest.skip("the oxigraph server (pip package `oxigraph`) is not installed")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "ox"), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        ep = Endpoint(open_store(f"http://127.0.0.1:{port}/query", fill=True), Limits(deadline=2, row_limit=50))
        r = ep.query(SECTIONS, fmt="csv")
        assert not r.truncated and b"1.3" in r.body
        t0 = time.monotonic()
        r = ep.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert r.truncated and r.rows == 50 and time.monotonic() - t0 < 2
        with pytest.raises(EndpointError) as e:
            ep.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert e.value.status == 503
        with pytest.raises(EndpointError) as e:
            ep.query("drop all")
        assert e.value.status == 403
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ------------------------------------------------------------------------------------- service basics

def test_health(live_server):
    r = httpx.get(live_server.url + "/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok" and h["reports"] >= 1 and h["store"] == "embedded"
    assert h["sparql"]["deadline_seconds"] == 2 and h["sparql"]["row_limit"] == 500
    assert str(live_server.store) not in r.text


def test_openapi_docs(live_server):
    r = httpx.get(live_server.url + "/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    spec = httpx.get(live_server.url + "/openapi.json").json()
    for path in ("/api/ask", "/api/figures", "/api/reports", "/sparql", "/health"):
        assert path in spec["paths"], path


def test_ui_is_served_hardened(live_server):
    r = httpx.get(live_server.url + "/")
    assert r.status_code == 200 and "gradio" in r.text.lower()
    assert r.headers["x-content-type-options"] == "nosniff" and "server" not in r.headers
    assert "fonts.googleapis.com" not in r.text
    cfg = httpx.get(live_server.url + "/config").json()
    assert cfg.get("analytics_enabled") is False
    assert not cfg.get("share_url")
    # the store directory is not servable through Gradio's file routes
    r = httpx.get(live_server.url + "/gradio_api/file=" + str(live_server.store / "CURRENT"))
    assert r.status_code in (403, 404)


# ------------------------------------------------------------------------------------- SPARQL: results

SECTIONS = "SELECT ?id ?title WHERE { ?s a rk:Section ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id"


def _wrapper(live_server, query, fmt, method="GET"):
    from SPARQLWrapper import GET, POST, SPARQLWrapper
    sw = SPARQLWrapper(live_server.sparql)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(POST if method == "POST" else GET)
    return sw.query()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(live_server, method):
    from SPARQLWrapper import JSON
    res = _wrapper(live_server, "PREFIX rk: <https://w3id.org/reportkg/ns#>\n"
                   "PREFIX dcterms: <http://purl.org/dc/terms/>\n" + SECTIONS, JSON, method).convert()
    ids = [b["id"]["value"] for b in res["results"]["bindings"]]
    assert "1.3" in ids and "2.1" in ids
    assert "truncated" not in res


def test_sparqlwrapper_select_xml(live_server):
    from SPARQLWrapper import XML
    doc = _wrapper(live_server, SECTIONS, XML).convert()
    names = [b.getAttribute("name") for b in doc.getElementsByTagName("binding")]
    assert "id" in names and "title" in names


@pytest.mark.parametrize("fmt,sep", [("csv", ","), ("tsv", "\t")])
def test_sparqlwrapper_select_csv_tsv(live_server, fmt, sep):
    from SPARQLWrapper import CSV, TSV
    raw = _wrapper(live_server, SECTIONS, CSV if fmt == "csv" else TSV).convert()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    header, *rows = text.strip().splitlines()
    assert header.replace("?", "").split(sep) == ["id", "title"]
    assert any("1.3" in r for r in rows)


def test_sparqlwrapper_construct_turtle(live_server):
    from rdflib import Graph
    from SPARQLWrapper import TURTLE
    q = "CONSTRUCT { ?s dcterms:title ?t } WHERE { ?s a rk:Section ; dcterms:title ?t }"
    raw = _wrapper(live_server, q, TURTLE).convert()
    g = Graph().parse(data=raw.decode("utf-8") if isinstance(raw, bytes) else raw, format="turtle")
    assert len(g) >= 8


@pytest.mark.parametrize("accept,check", [
    ("application/n-triples", lambda t: t.strip().endswith(".") and "<http://purl.org/dc/terms/title>" in t),
    ("application/ld+json", lambda t: isinstance(json.loads(t), (list, dict))),
])
def test_construct_other_formats(live_server, accept, check):
    q = "CONSTRUCT { ?s dcterms:title ?t } WHERE { ?s a rk:Section ; dcterms:title ?t }"
    r = httpx.post(live_server.sparql, content=q, headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert check(r.text)


def test_describe_and_ask(live_server):
    r = httpx.get(live_server.sparql, params={"query": f"DESCRIBE <{SEED_IRI}>"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "全球 AI 推理芯片行业报告" in r.text
    r = httpx.get(live_server.sparql, params={"query": "ASK { ?r a rk:Report }", "format": "json"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_form_post_and_format_param(live_server):
    r = httpx.post(live_server.sparql, data={"query": SECTIONS, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines()[0] == "id,title"


def test_from_named_local_graph_allowed(live_server):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{SEED_IRI}> WHERE {{ ?s ?p ?o }}"
    r = httpx.get(live_server.sparql, params={"query": q})
    assert r.status_code == 200
    n = int(r.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n < count_triples(live_server.url)


def test_cors_open_on_read_routes_only(live_server):
    """#12: read-only routes answer any origin without credentials; the app and Gradio's API answer none
    (Gradio reflected any localhost origin with Allow-Credentials)."""
    pre = httpx.options(live_server.sparql, headers={"Origin": "https://yasgui.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in pre.headers
    r = httpx.get(live_server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "x-reportkg-truncated" in r.headers["access-control-expose-headers"]
    r = httpx.get(live_server.url + "/api/figures", params={"limit": 1}, headers={"Origin": "https://elsewhere.example"})
    assert r.headers["access-control-allow-origin"] == "*" and "access-control-allow-credentials" not in r.headers
    for origin in ("http://localhost:9999", "http://127.0.0.1:1234", "http://evil.example"):
        for path in ("/", "/config", "/gradio_api/info", "/gradio_api/upload", "/api/reports"):
            pre = httpx.options(live_server.url + path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                                 "Access-Control-Request-Headers": "content-type"})
            assert pre.status_code == 403 and not any(k.startswith("access-control-") for k in pre.headers), (origin, path)
        r = httpx.get(live_server.url + "/config", headers={"Origin": origin})
        assert not any(k.startswith("access-control-") for k in r.headers), origin


# ------------------------------------------------------------------------------------- SPARQL: refusals

INSERTED = "ASK { <http://evil.example/s> ?p ?o }"


@pytest.mark.parametrize("how,request_kw", [
    ("update= on GET", dict(method="GET", params={"update": "INSERT DATA { <http://evil.example/s> <http://p> 1 }"})),
    ("update= in a form", dict(method="POST", data={"update": "INSERT DATA { <http://evil.example/s> <http://p> 1 }"})),
    ("sparql-update body", dict(method="POST", content="INSERT DATA { <http://evil.example/s> <http://p> 1 }",
                                headers={"Content-Type": "application/sparql-update"})),
    ("INSERT after a comment", dict(method="POST", content="# harmless?\nINSERT DATA { <http://evil.example/s> <http://p> 1 }",
                                    headers={"Content-Type": "application/sparql-query"})),
    ("lowercase drop", dict(method="GET", params={"query": "drop all"})),
    ("DELETE after prefixes", dict(method="POST", data={"query": "PREFIX ex: <http://example.org/>\n# SELECT\nDELETE WHERE { ?s ?p ?o }"})),
    ("LOAD", dict(method="GET", params={"query": "LOAD <http://evil.example/data.ttl>"})),
    ("CLEAR", dict(method="GET", params={"query": "ClEaR ALL"})),
    ("query then update", dict(method="GET", params={"query": "SELECT * WHERE { ?s ?p ?o } ; DROP ALL"})),
])
def test_updates_refused_graph_unchanged(live_server, how, request_kw):
    before = count_triples(live_server.url)
    reports = httpx.get(live_server.url + "/api/reports").json()
    method = request_kw.pop("method")
    r = httpx.request(method, live_server.sparql, **request_kw)
    assert r.status_code == 403, (how, r.status_code, r.text)
    assert "read-only" in r.text
    assert_clean(r.text)
    assert count_triples(live_server.url) == before
    assert httpx.get(live_server.url + "/api/reports").json() == reports
    assert httpx.get(live_server.sparql, params={"query": INSERTED}).json()["boolean"] is False


def test_sparqlwrapper_update_refused(live_server):
    from SPARQLWrapper import POST, SPARQLWrapper
    sw = SPARQLWrapper(live_server.sparql, updateEndpoint=live_server.sparql)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <http://evil.example/s> <http://p> 1 }")
    with pytest.raises(urllib.error.HTTPError) as e:
        sw.query()
    assert e.value.code == 403


@pytest.mark.parametrize("query,needle", [
    ("SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("select * where { ?x ?y ?z . service silent <http://127.0.0.1:1/sparql> { ?x ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <http://dbpedia.org/resource/Berlin> WHERE { ?s ?p ?o }", "never fetches"),
    ("SELECT * FROM NAMED <https://example.org/remote.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "never fetches"),
])
def test_federation_refused(live_server, query, needle):
    r = httpx.get(live_server.sparql, params={"query": query})
    assert r.status_code == 403 and needle in r.text
    assert_clean(r.text)


def test_remote_default_graph_uri_refused(live_server):
    r = httpx.get(live_server.sparql, params={"query": "ASK {}", "default-graph-uri": "http://remote.example/g"})
    assert r.status_code == 403


def test_syntax_error_is_clean_400(live_server):
    r = httpx.get(live_server.sparql, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400 and "syntax" in r.text.lower()
    assert_clean(r.text)
    r = httpx.get(live_server.sparql)
    assert r.status_code == 400 and "query" in r.text


def test_unknown_format_is_400(live_server):
    r = httpx.get(live_server.sparql, params={"query": "ASK {}", "format": "pdf"})
    assert r.status_code == 400


# ------------------------------------------------------------------------------------- SPARQL: limits

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_row_cap_is_flagged(live_server):
    r = httpx.get(live_server.sparql, params={"query": CROSS}, timeout=30)
    assert r.status_code == 200
    assert r.headers["x-reportkg-truncated"] == "true" and r.headers["x-reportkg-row-limit"] == "500"
    doc = r.json()
    assert doc["truncated"] is True and doc["rowLimit"] == 500
    assert len(doc["results"]["bindings"]) == 500
    r = httpx.get(live_server.sparql, params={"query": CROSS, "format": "csv"}, timeout=30)
    import csv
    import io
    assert r.headers["x-reportkg-truncated"] == "true" and len(list(csv.reader(io.StringIO(r.text)))) == 501
    r = httpx.get(live_server.sparql, params={"query": SECTIONS})
    assert r.headers["x-reportkg-truncated"] == "false" and "truncated" not in r.json()


def test_construct_row_cap(live_server):
    r = httpx.get(live_server.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    assert r.status_code == 200 and r.headers["x-reportkg-truncated"] == "true"
    assert r.headers["x-reportkg-rows"] == "500" and len(r.text.strip().splitlines()) == 500


@pytest.mark.slow
def test_deadline_503_and_server_keeps_serving(live_server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    cancelled = httpx.get(live_server.url + "/health").json()["sparql"]["cancelled"]
    out = {}

    def run_slow():
        t0 = time.monotonic()
        out["r"] = httpx.get(live_server.sparql, params={"query": slow}, timeout=60)
        out["t"] = time.monotonic() - t0

    th = threading.Thread(target=run_slow)
    th.start()
    time.sleep(0.5)
    # while the slow query runs, other clients are answered promptly
    from server_fixtures import client_at
    t0 = time.monotonic()
    with client_at("127.0.0.2", timeout=10) as other:
        r = other.get(live_server.sparql, params={"query": SECTIONS})
    assert r.status_code == 200 and time.monotonic() - t0 < 1.5
    assert httpx.post(live_server.url + "/api/ask", json={"question": "What was the global AI inference chip "
                                                                     "market size in 2024?"}).status_code == 200
    th.join(30)
    assert out["r"].status_code == 503, out["r"].text
    assert "did not finish within 2 s" in out["r"].text
    assert 1.8 <= out["t"] < 8
    # the worker was replaced; the endpoint still answers
    for _ in range(3):
        assert httpx.get(live_server.sparql, params={"query": "ASK { ?s a rk:Report }"}, timeout=10).status_code == 200
    assert httpx.get(live_server.url + "/health").json()["sparql"]["cancelled"] == cancelled + 1


@pytest.mark.slow
def test_concurrent_slow_queries_do_not_starve_the_app(live_server):
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i ?e"
    results = []
    ths = [threading.Thread(target=lambda: results.append(httpx.get(live_server.sparql, params={"query": slow},
                                                                        timeout=60).status_code)) for _ in range(3)]
    for t in ths:
        t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert httpx.get(live_server.url + "/health", timeout=5).status_code == 200
    assert httpx.post(live_server.url + "/api/ask", json={"question": "那中国呢？"}, timeout=10).status_code == 200
    assert time.monotonic() - t0 < 2
    for t in ths:
        t.join(60)
    assert all(s == 503 for s in results), results
    assert httpx.get(live_server.sparql, params={"query": "ASK {}"}).status_code == 200


def test_body_caps_413(live_server):
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 70_000
    r = httpx.post(live_server.sparql, content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = httpx.post(live_server.sparql, data={"query": big})
    assert r.status_code == 413

    def chunks():                       # no Content-Length: the cap applies while streaming
        for _ in range(20):
            yield b"#" + b"y" * 8191

    r = httpx.post(live_server.sparql, content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = httpx.post(live_server.url + "/api/ask", content=json.dumps({"question": "x" * 100_000}),
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert httpx.get(live_server.url + "/health").status_code == 200


# ------------------------------------------------------------------------------------- JSON API

def test_api_ask_with_follow_up(live_server):
    r = httpx.post(live_server.url + "/api/ask", json={"question": "2024年全球AI推理芯片市场规模是多少？"})
    assert r.status_code == 200
    a = r.json()
    assert a["lang"] == "zh" and a["status"] == "answered"
    assert "6,067" in a["answer"]
    assert a["citations"] and a["citations"][0]["section"] == "1.3" and "6,067" in a["citations"][0]["quote"]
    assert a["sparql"].strip() and a["interpretation"]
    for key in ("question", "values", "conversation_id"):
        assert key in a
    cid = a["conversation_id"]
    r = httpx.post(live_server.url + "/api/ask", json={"question": "那中国呢？", "conversation_id": cid})
    b = r.json()
    assert r.status_code == 200 and b["status"] == "answered" and b["conversation_id"] == cid
    assert "1,608" in b["answer"] and b["citations"]


def test_api_ask_english_and_not_found(live_server):
    a = httpx.post(live_server.url + "/api/ask", json={"question": "What was the global AI inference chip market "
                                                                   "size in 2024?"}).json()
    assert a["lang"] == "en" and a["status"] == "answered" and "RMB 606.7 billion" in a["answer"]   # one language
    n = httpx.post(live_server.url + "/api/ask", json={"question": "What is the weather like in Paris?"}).json()
    assert n["status"] == "not_found" and n["citations"] == []


def test_api_ask_bad_input(live_server):
    assert httpx.post(live_server.url + "/api/ask", json={}).status_code == 422
    assert httpx.post(live_server.url + "/api/ask", json={"question": ""}).status_code == 422
    r = httpx.post(live_server.url + "/api/ask", json={"question": "那中国呢？", "conversation_id": "nope"})
    assert r.status_code == 404 and "conversation" in r.json()["error"]
    r = httpx.post(live_server.url + "/api/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert_clean(r.text)


def test_api_figures_json_and_csv(live_server):
    r = httpx.get(live_server.url + "/api/figures")
    doc = r.json()
    assert r.status_code == 200 and doc["count"] == len(doc["figures"]) > 0
    assert {"metric", "region", "segment", "year", "value", "unit", "status", "section", "quote"} <= set(doc["columns"])
    assert any(f["valueText"] == "6,067" and f["year"] == 2024 for f in doc["figures"])
    china = httpx.get(live_server.url + "/api/figures", params={"region": "China"}).json()
    assert 0 < china["count"] < doc["count"] and all(f["region"] == "China" for f in china["figures"])
    for kw in (dict(params={"format": "csv"}), dict(headers={"Accept": "text/csv"})):
        r = httpx.get(live_server.url + "/api/figures", **kw)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        lines = r.text.strip().splitlines()
        assert lines[0].startswith("report,reportTitle,metric") and len(lines) == doc["count"] + 1


def test_api_figures_and_reports_are_paged(live_server):
    whole = httpx.get(live_server.url + "/api/figures").json()
    assert whole["total"] == whole["count"] and whole["truncated"] is False
    page = httpx.get(live_server.url + "/api/figures", params={"limit": 4, "offset": 4}).json()
    assert page["count"] == 4 and page["total"] == whole["total"] and page["truncated"] is True
    assert [f["quote"] for f in page["figures"]] != [f["quote"] for f in whole["figures"][:4]]
    csv_page = httpx.get(live_server.url + "/api/figures", params={"format": "csv", "limit": 2}).text
    assert len(csv_page.strip().splitlines()) == 3
    assert httpx.get(live_server.url + "/api/figures", params={"limit": 10**6}).status_code == 422
    reports = httpx.get(live_server.url + "/api/reports", params={"limit": 0}).json()
    assert reports["reports"] == [] and reports["total"] >= 1 and reports["truncated"] is True
    found = httpx.get(live_server.url + "/api/reports", params={"q": "推理芯片"}).json()
    assert found["count"] == 1 and found["reports"][0]["report"] == SEED_IRI


# ------------------------------------------------------------------------------------- gradio_client

def test_gradio_client_chat_with_follow_up(live_server):
    from gradio_client import Client
    c = Client(live_server.url + "/", verbose=False)
    _, history, _, _, status, evidence, md_file, csv_file = c.predict("2024年全球AI推理芯片市场规模是多少？", [],
                                                                      api_name="/chat")
    text = json.dumps(history, ensure_ascii=False)
    assert "6,067" in text and "§1.3" in text and "回答过程" in text          # in the question's language
    assert 'data-status="answered"' in status
    assert '<mark class="rk-quote">' in evidence and "6,067" in evidence       # the first citation, highlighted
    # the answer with its sources (the client hands the buttons' updates over as they are)
    assert "### 来源" in Path(md_file["value"]).read_text(encoding="utf-8")
    assert ",source," in Path(csv_file["value"]).read_text(encoding="utf-8")
    _, history, *_ = c.predict("那中国呢？", history, api_name="/chat")
    assert "1,608" in json.dumps(history[-2:], ensure_ascii=False)
    fresh = Client(live_server.url + "/", verbose=False)           # a new session: a new conversation
    _, history, _, _, status, *_ = fresh.predict("今天天气怎么样？", [], api_name="/chat")
    assert 'data-status="not_found"' in status and "报告中未找到" in json.dumps(history[-2:], ensure_ascii=False)
    assert "报告" in json.dumps(history[-2:], ensure_ascii=False)      # says what the report does cover


def test_gradio_client_ask_endpoint(live_server):
    from gradio_client import Client
    c = Client(live_server.url + "/", verbose=False)
    a = c.predict("What was the global AI inference chip market size in 2024?", None, api_name="/ask")
    assert a["status"] == "answered" and a["citations"]
    b = c.predict("And in 2030?", a["conversation_id"], api_name="/ask")
    assert "RMB 3,069.6 billion" in b["answer"]


def test_gradio_client_sparql_tab(live_server):
    from gradio_client import Client
    c = Client(live_server.url + "/", verbose=False)
    info, table, _, csv_file, json_file = c.predict(SECTIONS, api_name="/sparql_query")
    assert "rows" in info and table["data"]
    assert Path(csv_file).read_text(encoding="utf-8").startswith("id,title")
    info, *_ = c.predict("DROP ALL", api_name="/sparql_query")
    assert "refused (403)" in info and "read-only" in info


def test_gradio_client_bad_upload(live_server, tmp_path):
    from gradio_client import Client, handle_file
    bad = tmp_path / "broken.md"
    bad.write_bytes(b"\x00\x01\x02 binary")
    before = count_triples(live_server.url)
    c = Client(live_server.url + "/", verbose=False)
    status, *_ = c.predict(handle_file(str(bad)), api_name="/upload_report")   # refused in the status line
    assert "Refused" in status and "binary" in status and "unchanged" in status
    assert str(tmp_path) not in status
    assert count_triples(live_server.url) == before


# ------------------------------------------------------------------------------------- uploads (last: they change the graph)

def test_upload_bad_files_leave_graph_unchanged(live_server, tmp_path):
    url = live_server.url + "/api/reports"
    before = count_triples(live_server.url)
    reports = httpx.get(url).json()["reports"]
    cases = [
        ("binary.md", b"\x00\x01\x02\x03 not text", 422, "binary"),
        ("latin1.md", "# 1. Überblick\n\nDer Markt wuchs um 5 % im Jahr 2024.\n".encode("latin-1"), 422, "UTF-8"),
        ("empty.txt", b"", 422, "empty"),
        ("slides.pdf", b"%PDF-1.7 ...", 422, "PDF"),               # a PDF's signature, no PDF behind it
        ("notes.pdf", b"# 1. Notes\n\nThe market grew 5% in 2024.\n", 415, "not a PDF"),
        ("slides.pptx", b"PK\x03\x04 a zip", 415, ".docx"),
        ("notes.docx", b"# 1. Notes\n\nThe market grew 5% in 2024.\n", 422, "Word document"),
        ("broken.docx", b"PK\x03\x04 a zip cut short", 422, "Word document"),
        ("page.html", "<html><meta charset='utf-8'><p>市场</p></html>".encode("gb18030"), 422, "utf-8"),
        ("big.md", b"# 1. Big\n\n" + b"x" * 400_000, 413, "limit"),
        ("no-claims.md", "# 1. Notes\n\nNothing to see here, just prose without any figures.\n".encode(), 422, "claims"),
    ]
    for name, data, status, needle in cases:
        r = httpx.post(url, files={"file": (name, data, "text/markdown")}, headers=live_server.write_headers)
        assert r.status_code == status, (name, r.status_code, r.text)
        msg = r.json()["error"]
        assert needle in msg and (name in msg or status == 413), (name, msg)
        assert_clean(r.text)
    assert count_triples(live_server.url) == before
    assert httpx.get(url).json()["reports"] == reports


def test_upload_report_then_query_it(live_server):
    src = FIXTURE_REPORTS / "en-optical-interconnect.md"
    r = httpx.post(live_server.url + "/api/reports", files={"file": (src.name, src.read_bytes(), "text/markdown")},
                   headers=live_server.write_headers, timeout=60)
    assert r.status_code == 201, r.text
    res = r.json()
    assert res["figures"] > 0 and res["replaced"] is False
    reports = httpx.get(live_server.url + "/api/reports").json()["reports"]
    assert len(reports) == 2 and any(x["report"] == res["report"] for x in reports)
    # the SPARQL workers see the new graph (their snapshot is refreshed after the write)
    r = httpx.get(live_server.sparql, params={"query": f"ASK {{ <{res['report']}> a rk:Report }}"})
    assert r.json()["boolean"] is True
    a = httpx.post(live_server.url + "/api/ask", json={"question": "What was the global data center optical "
                                                                   "interconnect market size in 2024?"}).json()
    assert a["status"] == "answered" and "13.7" in a["answer"]
    # the same file again replaces, not duplicates
    r = httpx.post(live_server.url + "/api/reports", files={"file": (src.name, src.read_bytes(), "text/markdown")},
                   headers=live_server.write_headers, timeout=60)
    assert r.status_code == 201 and r.json()["replaced"] is True
    assert len(httpx.get(live_server.url + "/api/reports").json()["reports"]) == 2


def test_a_question_several_markets_could_mean_is_asked_back_over_the_api(live_server):
    """With two markets stored, /api/ask answers 'which market?' with options and no figure; the reply in the
    same conversation answers the question that was pending."""
    src = FIXTURE_REPORTS / "zh-medical-robots.md"
    r = httpx.post(live_server.url + "/api/reports", files={"file": (src.name, src.read_bytes(), "text/markdown")},
                   headers=live_server.write_headers, timeout=60)
    assert r.status_code == 201, r.text
    try:
        a = httpx.post(live_server.url + "/api/ask", json={"question": "2024年哪个细分市场规模最大？"}, timeout=30).json()
        assert a["status"] == "not_found" and not a["values"] and "请指明" in a["answer"]
        assert {"手术机器人", "AI 推理芯片"} <= set(a["options"])
        b = httpx.post(live_server.url + "/api/ask", json={"question": "手术机器人",
                                                           "conversation_id": a["conversation_id"]}, timeout=30).json()
        assert b["status"] == "answered" and b["family"] == "superlative" and "腔镜" in b["answer"], b["answer"]
        assert {c["report_title"] for c in b["citations"]} == {"全球及中国手术机器人行业研究报告"}
    finally:
        assert httpx.delete(live_server.url + "/api/reports/zh-medical-robots",
                            headers=live_server.write_headers).status_code == 200


def test_upload_a_word_document_then_ask_about_it(live_server):
    """A .docx (a real report written by python-docx) is converted in the ingest worker; its figures answer."""
    from office_docs import to_docx
    src = ROOT / "tests" / "fixtures" / "real" / "hans-liquid-seasoning.md"
    data = to_docx(src.read_text(encoding="utf-8"))
    r = httpx.post(live_server.url + "/api/reports", files={"file": ("seasoning.docx", data, "application/vnd."
                   "openxmlformats-officedocument.wordprocessingml.document")}, headers=live_server.write_headers,
                   timeout=60)
    assert r.status_code == 201, r.text
    try:
        assert r.json()["figures"] > 0
        a = httpx.post(live_server.url + "/api/ask", json={"question": "2020年液态调味品的销量是多少？"},
                       timeout=30).json()
        assert a["status"] == "answered" and "1,833" in a["answer"], a["answer"]
        assert a["citations"][0]["report_title"] and "1,833吨" in a["citations"][0]["quote"]
    finally:
        assert httpx.delete(live_server.url + "/api/reports/seasoning",
                            headers=live_server.write_headers).status_code == 200


def test_remove_a_report_over_the_api(live_server):
    """DELETE /api/reports/{id}: refused without the token or for a name that designates no report; removed,
    the report leaves the list, the SPARQL endpoint's snapshot and the answers."""
    src = FIXTURE_REPORTS / "en-battery-recycling.md"
    r = httpx.post(live_server.url + "/api/reports", files={"file": (src.name, src.read_bytes(), "text/markdown")},
                   headers=live_server.write_headers, timeout=60)
    assert r.status_code == 201, r.text
    iri = r.json()["report"]
    listed = {x["id"]: x for x in httpx.get(live_server.url + "/api/reports").json()["reports"]}
    row = listed["en-battery-recycling"]
    assert (row["status"], row["figures"], row["publisher"]) == ("current", 11, "Meridian Research Partners")
    question = {"question": "What was the global lithium-ion battery recycling market size in 2024?"}
    assert httpx.post(live_server.url + "/api/ask", json=question).json()["status"] == "answered"
    url = live_server.url + "/api/reports/en-battery-recycling"
    assert httpx.delete(url).status_code == 403                                  # no token
    missing = httpx.delete(live_server.url + "/api/reports/no-such-report", headers=live_server.write_headers)
    assert missing.status_code == 404 and "no-such-report" in missing.json()["error"]
    gone = httpx.delete(url, headers=live_server.write_headers)
    assert gone.status_code == 200 and gone.json()["report"] == iri
    assert "en-battery-recycling" not in {x["id"] for x in httpx.get(live_server.url + "/api/reports").json()["reports"]}
    r = httpx.get(live_server.sparql, params={"query": f"ASK {{ <{iri}> ?p ?o }}"})
    assert r.json()["boolean"] is False
    assert httpx.post(live_server.url + "/api/ask", json=question).json()["status"] == "not_found"
    assert httpx.delete(url, headers=live_server.write_headers).status_code == 404  # removed once
