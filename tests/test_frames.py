"""The claim-frame catalogue (ingest/frames.toml): every worked example gives exactly its frames."""
from __future__ import annotations

import math

import pytest

from ingest.frames import catalogue, document_names, frames

EXAMPLES = [(form["id"], i, ex) for form in catalogue().forms for i, ex in enumerate(form["examples"])]


def _agrees(f, want: dict) -> bool:
    for k, v in want.items():
        if k == "base":
            if not math.isclose(f.base, v, rel_tol=1e-9):
                return False
        elif k == "subject":
            got = (f.company or f.subject or "").lower()
            if v.lower() not in got and got not in v.lower():
                return False
        elif k == "unnamed":            # 'unnamed = true': the sentence names no subject (its document may)
            if (f.subject is None and f.company is None) != v:
                return False
        elif k == "undated":            # 'undated = true': the frame has no time
            if (f.year is None and f.period is None) != v:
                return False
        elif k == "period":
            if f.period != tuple(v):
                return False
        elif k == "value":
            if not math.isclose(f.value, v, rel_tol=1e-9):
                return False
        elif getattr(f, k) != v:
            return False
    return True


@pytest.mark.parametrize("form,i,example", EXAMPLES, ids=[f"{f}-{i}" for f, i, _ in EXAMPLES])
def test_catalogue_example(form, i, example):
    # 'dated' ('dated_month'): the year (month) of the document's dateline; 'roc': the document counts Republic-of-China years
    # 'names': sentences of the example's document besides it (the names it writes again)
    # 'regions': the glossary's regions the document's names exclude ('china': a place, not what is measured)
    names = document_names([example["text"], *example["names"]], [], set(example.get("regions", []))) \
        if example.get("names") else None
    got = frames(example["text"], names=names, dated=example.get("dated"), roc=example.get("roc", False),
                 dated_month=example.get("dated_month"))
    want = example["frames"]
    assert len(got) == len(want), [(g.kind, g.value, g.year, g.subject) for g in got]
    for w in want:
        assert any(_agrees(g, w) for g in got), (w, [(g.kind, g.value, g.year, g.period, g.subject, g.company,
                                                      g.sign, g.subperiod, g.status, g.comparator) for g in got])


def test_every_form_has_an_example():
    assert all(form["examples"] for form in catalogue().forms)


def test_company_quarter_and_range_figures_reach_the_graph(tmp_path):
    """A company's figure carries rk:company (an rk:Company with its label) and a quarter rk:subperiod; the
    report validates against the shapes (ingest_file validates) and the claims JSON says the same."""
    import json

    from ingest.pipeline import ingest_file, read_claims
    p = tmp_path / "lighting.md"
    p.write_text("# 中国汽车照明市场报告\n\n## 1. 市场\n\n2024年中国汽车照明市场规模为850亿元。"
                 "星宇股份有限公司2024年营业收入为102.3亿元。\n\n"
                 "2025年第三季度中国汽车照明市场规模为230亿元，同比增长6.5%。\n", encoding="utf-8")
    _, claims = read_claims(p)
    rows = [r for r in claims.to_json() if r["kind"] == "figure"]
    company = next(r for r in rows if r["value"] == 102.3)
    assert company["company"] == "星宇股份有限公司" and company["claim"] == "company_figure"
    quarter = next(r for r in rows if r["value"] == 230)
    assert quarter["subperiod"] == "Q3" and quarter["year"] == 2025
    from kg.store import open_store
    store = open_store(str(tmp_path / "store"))
    ingest_file(store, p)
    got = store.select("""PREFIX rk: <https://w3id.org/reportkg/ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?v ?q WHERE { GRAPH ?g { ?o rk:value ?v .
          OPTIONAL { ?o rk:company ?c . ?c a rk:Company ; rdfs:label ?label }
          OPTIONAL { ?o rk:subperiod ?q } } }""")
    assert any(str(r.get("label")) == "星宇股份有限公司" and float(r["v"]) == 102.3 for r in got), got
    assert any(str(r.get("q")) == "Q3" and float(r["v"]) == 230 for r in got), got
    json.dumps(rows, ensure_ascii=False)


def test_a_title_dates_a_news_item_with_its_one_quarter():
    from ingest.frames import titled_quarter
    assert titled_quarter("Apple Gaining Share in Shrinking PC Market (Q3 2015 IDC and Gartner PC shipment data)") == (2015, "Q3")
    assert titled_quarter("2025年第三季全球晶圓代工營收排名") == (2025, "Q3")
    assert titled_quarter("Global EV Outlook 2024") is None                 # a year alone dates no item
    assert titled_quarter("PC shipments: Q3 2015 versus Q3 2014") is None    # two periods: which, it does not say
