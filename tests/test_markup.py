"""Markup a saved page carries into a text report (ingest/markup.py): HTML inside markdown, YAML front matter
and its dateline, read through the real pipeline."""
from __future__ import annotations

from ingest.markup import front_matter, parse_date, strip_html
from ingest.pipeline import read_claims

POST = """---
title: 'A股医药公司两年换天地'
date: Sun, 08 May 2022 05:27:21 GMT
author: 36kr
---

<div>
<p class="image-wrapper"><img src="https://img.example/a.png" referrerpolicy="no-referrer"></p>
<h2>一、行业概况</h2>
<p><strong>万泰生物</strong>（603392.SH）2020年营业收入23.5亿元，比2019年的11.8亿元增长了99%。</p>
<p>去年，中国医疗器械市场规模同比增长12.0%&nbsp;左右。</p>
</div>
"""


def test_html_becomes_the_markdown_the_parser_reads():
    text = strip_html(POST)
    assert "<p" not in text and "<strong>" not in text and "img" not in text
    assert "## 一、行业概况" in text
    assert "万泰生物（603392.SH）2020年营业收入23.5亿元" in text        # inline tags leave no gap
    assert "&nbsp;" not in text


def test_text_without_html_is_untouched():
    for text in ("Shares below 5% <10 players> were counted.", "a < b and c > d", "2024年规模<1亿元"):
        assert strip_html(text) == text


def test_front_matter_is_metadata_not_text_and_offsets_stay():
    text, meta = front_matter(POST)
    assert meta == {"title": "A股医药公司两年换天地", "date": "Sun, 08 May 2022 05:27:21 GMT", "author": "36kr"}
    assert len(text) == len(POST) and text.index("<div>") == POST.index("<div>")
    assert "title:" not in text
    # a markdown rule around one line is no front matter
    rule = "---\nNot a field\n---\n\n# Title\n"
    assert front_matter(rule) == (rule, {})


def test_datelines():
    assert parse_date("Sun, 08 May 2022 05:27:21 GMT") == (2022, 5)
    assert parse_date("2025-03-01") == (2025, 3)
    assert parse_date("2024年11月") == (2024, 11)
    assert parse_date("Q3") is None


def test_a_saved_post_ingests_with_its_title_date_and_companies(tmp_path):
    p = tmp_path / "post.md"
    p.write_text(POST, encoding="utf-8")
    _, claims = read_claims(p)
    assert claims.report.title == "A股医药公司两年换天地" and claims.report.year == 2022
    rows = [r for r in claims.to_json() if r["kind"] == "figure"]
    revenue = next(r for r in rows if r["value"] == 23.5)
    assert revenue["company"] == "万泰生物" and revenue["year"] == 2020
    assert "<" not in revenue["quote"]
    # '去年' in a post dated 2022 is 2021
    growth = next(r for r in rows if r["value"] == 12.0)
    assert growth["year"] == 2021
