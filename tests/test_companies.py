"""Companies: a table of the leading players gives each company's rank, revenue and share (rk:company), QA answers
them by company, and a company's share never answers a question about its market (nor the other way round)."""
from __future__ import annotations

import pytest

from ingest.pipeline import ingest_file, read_claims
from kg.store import open_store

REPORT = """# 中国工业机器人市场研究报告

## 1. 市场规模

2024年中国工业机器人市场规模为850亿元，同比增长6.5%。

## 2. 竞争格局

表3：2024年中国工业机器人市场前五大企业（按收入）

| 排名 | 公司 | 收入（亿元） | 市场份额 |
| --- | --- | --- | --- |
| 1 | 埃斯顿 | 85.2 | 10.0% |
| 2 | 汇川技术 | 68.0 | 8.0% |
| 3 | 新松机器人 | 42.5 | 5.0% |
| 4 | 埃夫特 | 25.5 | 3.0% |
| 5 | 其他 | 17.0 | 2.0% |

Leading players by revenue:
"""

AFTER = """# 2023年11月中国厨余垃圾处理器市场总结

## 畅销榜TOP10机型

| 品牌 | 机型 | 均价（元） | 额市占 | 排名 |
| --- | --- | --- | --- | --- |
| 贝克巴斯 | E60EVO | 1683 | 6.59% | 1 |
| 爱适易 | E100 | 3885 | 6.38% | 2 |

| 品牌 | 机型 | 均价（元） | 额市占 | 排名 |
| --- | --- | --- | --- | --- |
| 卡萨帝 | CLD550-A1 | 2652 | 7.95% | 1 |
| 爱适易 | E200 | 5601 | 7.18% | 2 |

#### 2023M1-11线上市场零售额畅销榜TOP10产品

#### 2023M1-11线下市场零售额畅销榜TOP10产品

# 欢迎试用
"""


def _companies(claims):
    return {(r["company"], r.get("product"), r["claim"], r["value"], r["year"], r.get("subperiod"))
            for r in claims.to_json() if r["kind"] == "figure" and r.get("company")}


def test_a_table_of_leading_players_gives_each_companys_figures(tmp_path):
    p = tmp_path / "robots.md"
    p.write_text(REPORT, encoding="utf-8")
    _, claims = read_claims(p)
    got = _companies(claims)
    assert ("埃斯顿", None, "rank", 1, 2024, None) in got
    assert ("埃斯顿", None, "share", 10.0, 2024, None) in got
    assert ("汇川技术", None, "company_figure", 68.0, 2024, None) in got
    assert not any(c == "其他" for c, *_ in got)            # 'others' is no company


def test_tables_captioned_after_them_take_their_captions_in_order(tmp_path):
    """A deck's two ranking tables, each captioned by a heading after the pair: the first table's products are
    the online ranking's, the second's the offline one's (January to November 2023); the cell says which."""
    p = tmp_path / "disposers.md"
    p.write_text(AFTER, encoding="utf-8")
    _, claims = read_claims(p)
    got = _companies(claims)
    assert ("贝克巴斯", "E60EVO", "share", 6.59, 2023, "1-11月") in got
    assert ("卡萨帝", "CLD550-A1", "rank", 1, 2023, "1-11月") in got
    assert ("爱适易", "E200", "price", 5601, 2023, "1-11月") in got
    cells = {r["value"]: r["cell"] for r in claims.to_json() if r["kind"] == "figure" and r.get("company")}
    assert cells[6.59].startswith("2023M1-11线上") and cells[7.95].startswith("2023M1-11线下")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("companies")
    p = d / "robots.md"
    p.write_text(REPORT, encoding="utf-8")
    s = open_store(str(d / "store"))
    ingest_file(s, p)
    return s


def test_company_questions_answer_from_the_companys_figures(store):
    from qa import ask
    a = ask("埃斯顿的市场份额是多少？", store=store).to_json()
    assert a["status"] == "answered" and "10.0%" in a["answer"] and "埃斯顿" in a["answer"], a["answer"]
    a = ask("Which company ranked first?", store=store).to_json()
    assert a["status"] == "answered" and "埃斯顿" in a["answer"] and "汇川" not in a["answer"], a["answer"]
    a = ask("Who are the top three players?", store=store).to_json()
    assert a["status"] == "answered" and "新松机器人" in a["answer"] and "埃夫特" not in a["answer"], a["answer"]
    assert any("埃斯顿" in c["quote"] for c in a["citations"])


def test_a_companys_share_is_not_its_markets_and_an_unknown_company_is_not_found(store):
    from qa import ask
    a = ask("2024年中国工业机器人市场规模是多少？", store=store).to_json()
    assert a["status"] == "answered" and "850" in a["answer"] and "85.2" not in a["answer"], a["answer"]
    a = ask("中国工业机器人市场的市场份额是多少？", store=store).to_json()
    assert "10.0%" not in a["answer"] and "8.0%" not in a["answer"], a["answer"]
    a = ask("发那科的市场份额是多少？", store=store).to_json()
    assert a["status"] == "not_found", a["answer"]


def test_the_company_family_answers_its_own_examples(store):
    from qa import ask
    from qa.families import company
    for q in company.EXAMPLES:
        a = ask(q, store=store)
        assert a.status == "answered" and a.family == "company", (q, a.answer)


PROSPECTUS = """# Industry Overview: Global EEPROM Market

## 1 Competitive Landscape

The global EEPROM market reached US$3.2 billion in 2024. In 2024, the top three companies accounted for 46.9% of
the market share by revenue. Among them, the Company ranked first in the industry with a 17.8% market share.
In the automotive electronics EEPROM segment, the Company is the third-largest supplier worldwide.
"""


def test_a_prospectus_issuer_is_a_company_with_its_share_and_rank(tmp_path):
    """'the Company' (a prospectus's defined term for its issuer) holds its share and rank; a share of 'the top three
    companies' names no one's and is left out, never credited to the market; 'market' is no month (March)."""
    from qa import ask
    p = tmp_path / "eeprom.md"
    p.write_text(PROSPECTUS, encoding="utf-8")
    _, claims = read_claims(p)
    got = {(f.metric_label, f.value, f.company) for f in claims.figures}
    assert ("market share", 17.8, "the Company") in got and ("rank position", 1, "the Company") in got
    assert not any(f.value == 46.9 for f in claims.figures)
    s = open_store(str(tmp_path / "store"))
    ingest_file(s, p)
    for q in ("What is the Company's market share in 2024?", "What is the market share of the Company in 2024?"):
        a = ask(q, store=s).to_json()
        assert a["status"] == "answered" and "17.8%" in a["answer"], (q, a["answer"])
    a = ask("Which company ranked first in 2024?", store=s).to_json()
    assert a["status"] == "answered" and "the company" in a["answer"].lower() and "no. 1" in a["answer"], a["answer"]


PRONOUN = """# 中国集换式卡牌行业观察

## 主要企业

云涌控股主要做的是批发业务，包括集换式卡牌、游戏机和电子游戏等。市场份额方面，其2020年在亚太地区的集换式卡牌游戏分销方面排名第一，在亚太地区游戏及收藏品市场的市场占有率约为1.0%。

云涌控股与华立科技都在扩张。其2021年的市场占有率约为2.0%。
"""


def test_its_share_is_the_firm_its_paragraph_named(tmp_path):
    """'其…市场占有率约为1.0%': the share and rank of the one company the paragraph named before (云涌控股), never
    the market's; where the paragraph named two companies, whose '其' is is not certain and the share is left out."""
    p = tmp_path / "cards.md"
    p.write_text(PRONOUN, encoding="utf-8")
    _, claims = read_claims(p)
    got = {(f.metric_label, f.value, f.year, f.company) for f in claims.figures}
    assert ("market share", 1.0, 2020, "云涌控股") in got, got
    assert any(f.value == 1 and f.company == "云涌控股" and f.metric_label.startswith("rank") for f in claims.figures), got
    assert not any(f.value == 2.0 for f in claims.figures), got
