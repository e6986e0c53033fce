"""Every report (the seed and fixtures of other industries, zh / en / zh-Hant with PDF noise) yields exactly
its expected claims: figures with market, region, segment, year or period, value, unit, comparator,
status and section; segments, definitions, drivers, trends, charts, sources, metadata, sections."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ALL_REPORTS, EXPECTED
from ingest.pipeline import read_claims
from ingest.text import despace_cjk, fold, squash


def _key(f: dict) -> tuple:
    return (f["metric"].lower(), squash(f["market"] or ""), f["region"], squash(f["segment"] or ""), f["year"],
            tuple(f["period"]) if f["period"] else None, round(float(f["value"]), 4), f["comparator"], f["status"],
            str(f["section"]))


@pytest.fixture(scope="module", params=ALL_REPORTS, ids=lambda p: p.stem)
def case(request):
    doc, claims = read_claims(request.param)
    expected = json.loads((EXPECTED / f"{request.param.stem}.json").read_text(encoding="utf-8"))
    return doc, claims, expected


def test_figures_exactly(case):
    _doc, claims, exp = case
    got = {_key(r) for r in claims.to_json() if r["kind"] in ("figure", "cagr")}
    want = {_key(f) for f in exp["figures"]}
    assert sorted(want - got, key=str) == [], "missing"
    assert sorted(got - want, key=str) == [], "extra"


def test_segments(case):
    _doc, claims, exp = case
    assert {squash(s.labels[0]) for s in claims.segments.values()} == {squash(s) for s in exp["segments"]}


def test_definitions_drivers_trends(case):
    _doc, claims, exp = case
    assert len([d for d in claims.definitions if d.segment_key]) == exp["definitions"]     # segment definitions
    assert len([d for d in claims.definitions if not d.segment_key]) <= 1                   # and the market's own
    assert [d.label for d in claims.drivers] == exp["drivers"]
    assert len(claims.trends) == exp["trends"]


def test_charts_and_sources(case):
    _doc, claims, exp = case
    assert [{"period": list(c.period), "unit": c.unit} for c in claims.charts] == exp["charts"]
    assert len({i for s in claims.sources for i in s.items}) == exp["sources"]


def test_report_metadata(case):
    _doc, claims, exp = case
    r = claims.report
    assert (r.title, r.publisher, r.year) == (exp["report"]["title"], exp["report"]["publisher"], exp["report"]["year"])


def test_sections_by_number_toc_skipped(case):
    doc, _claims, exp = case
    assert [s.id for s in doc.sections if s.title not in doc.front] == exp["sections"]


def test_every_claim_quotes_the_text(case):
    doc, claims, _exp = case
    for r in claims.to_json():
        if "quote" in r:
            # the quote is the original text between the offsets, markup removed
            raw = doc.text[r["start"]:r["end"]].replace("**", "").replace("\n", "")
            assert squash(r["quote"])[:12] in squash(raw), r
            assert doc.text.count("\n", 0, r["start"]) + 1 == r["line"]


def _letter_spaced(text: str) -> str:
    """What some PDF converters give for Chinese: a space between every character of a line."""
    out = []
    for line in text.split("\n"):
        if re.search(r"[\u4e00-\u9fff]", line):
            mark = re.match(r"#+ |[-*●] ", line)
            head = mark.group() if mark else ""
            line = head + re.sub(r"(?<=[^\s*])(?=[^\s*])", " ", line[len(head):])
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("path", [p for p in ALL_REPORTS if not p.stem.startswith("en-")], ids=lambda p: p.stem)
def test_letter_spaced_chinese_reads_as_the_report_does(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    spaced = tmp_path / path.name
    spaced.write_text(_letter_spaced(text), encoding="utf-8")
    assert "规 模" in fold(spaced.read_text(encoding="utf-8"))
    doc, claims = read_claims(path)
    doc2, claims2 = read_claims(spaced)
    figures = lambda c: sorted((_key(r) for r in c.to_json() if r["kind"] in ("figure", "cagr")), key=str)  # noqa: E731
    assert figures(claims2) == figures(claims)
    assert {squash(s.labels[0]) for s in claims2.segments.values()} == \
        {squash(s.labels[0]) for s in claims.segments.values()}
    assert [squash(d.label) for d in claims2.drivers] == [squash(d.label) for d in claims.drivers]
    assert [(squash(s.id), squash(s.title)) for s in doc2.sections] == [(squash(s.id), squash(s.title)) for s in doc.sections]
    assert claims2.report.title.replace(" ", "") == claims.report.title.replace(" ", "")
    assert len(doc2.text.split("\n")) == len(text.split("\n"))        # line numbers still point into the file


@pytest.mark.parametrize("line, want", [
    ("2 0 2 4 年 全 球 市 场 规 模 为 6 1 . 4 亿 美 元 。", "2024年全球市场规模为61.4亿美元。"),
    ("- 腔 镜 手 术 机 器 人 ：8 0 . 9 亿 美 元", "- 腔镜手术机器人：80.9亿美元"),       # the list marker stays
    ("## 1 . 3 行 业 规 模", "## 1.3行业规模"),
    ("全 球 AI 推 理 芯 片", "全球AI推理芯片"),
    ("年 份  2024  2025  2026", "年份  2024  2025  2026"),                        # columns stay apart
    # lines that are not letter-spaced are left as they are
    ("2024 年，全球 AI 推理芯片市场规模达到 6,067 亿元。", None),
    ("交流 慢充樁: 281.9 億元人民幣", None),
    ("2025 年,全球在 線 教 育市場規模達到 115.1 億美元。", None),
    ("表 1 全球市场规模", None),
    ("The market grew by a b c d.", None),
])
def test_despace_cjk(line, want):
    assert despace_cjk(line + "\n" + line) == ((want or line) + "\n" + (want or line))
