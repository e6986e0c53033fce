"""Every report (the seed and fixtures of other industries, zh / en / zh-Hant with PDF noise) yields exactly
its expected claims: figures with market, region, segment, year or period, value, unit, comparator,
status and section; segments, definitions, drivers, trends, charts, sources, metadata, sections."""
from __future__ import annotations

import json

import pytest

from conftest import ALL_REPORTS, EXPECTED
from ingest.pipeline import read_claims
from ingest.text import squash


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
