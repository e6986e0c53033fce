"""Accountable parsing (#15): a figure question with a word nothing in the graph accounts for is not answered with
a nearby figure; exclusions and sums of named segments are computed, never answered with the whole market."""
from __future__ import annotations

import pytest

from qa import ask
from qa.parse import function_words

NOT_HELD = [
    ("中国有多少家AI推理芯片企业？", "企业"),
    ("一颗推理芯片多少钱？", "钱"),
    ("How many edge chips were shipped in 2024?", "shipped"),
    ("英伟达2024年推理芯片收入是多少？", "英伟达"),
    ("上海推理芯片市场有多大？", "上海"),
    ("What is the capital of France?", "capital"),
    ("帮我写一段快速排序代码", "代码"),
    ("qwerty 2024 zxcv", "qwerty"),
    ("What is the market size of AI training chips in 2024?", "training"),
    ("Who are the top five players?", "players"),
]


@pytest.mark.parametrize("question,word", NOT_HELD)
def test_a_word_the_graph_does_not_hold_is_not_answered(seed_store, question, word):
    a = ask(question, store=seed_store)
    assert a.status == "not_found", a.answer
    assert word in a.answer and not a.values, a.answer


@pytest.mark.parametrize("question,value", [
    ("2024年全球AI推理芯片市场规模是多少？", 6067),
    ("What was teh global clod inference market in 2024?", 2275),       # typos of a function word and a name
    ("What growth rate does CIC forecast for China's AI inference chip market through 2030?", 39.1),   # the publisher
    ("2024年中国AI推理芯片市场规模以十亿元计是多少？", 1608),
])
def test_questions_the_graph_accounts_for_are_answered(seed_store, question, value):
    a = ask(question, store=seed_store)
    assert a.status != "not_found" and any(abs(v.value - value) < 0.06 for v in a.values), a.answer


def test_excluding_a_segment_is_the_total_minus_it(seed_store):
    a = ask("What was the non-cloud global market in 2024?", store=seed_store)
    assert a.status == "derived" and any(v.value == 3792 for v in a.values), a.answer
    assert "6,067 - 2,275" in a.formula and {c.section for c in a.citations} == {"1.3"}


def test_excluding_a_region(seed_store):
    a = ask("2030年全球除中国以外的市场规模", store=seed_store)
    assert a.status == "derived" and any(v.value == 19032 for v in a.values), a.answer


def test_the_rate_of_a_complement_is_implied_from_its_sizes(seed_store):
    a = ask("What CAGR is implied for the rest of the world (global excluding China) from 2024 to 2030?",
            store=seed_store)
    assert a.status == "derived" and any(abs(v.value - 27.4) < 0.05 for v in a.values), a.answer


def test_a_sum_adds_the_segments_named_not_all(seed_store):
    a = ask("云端和边缘加起来2024年全球多少？", store=seed_store)
    assert a.status == "derived" and any(v.value == 3152 for v in a.values), a.answer
    assert "2,275 + 877" in a.formula


def test_a_negation_no_family_reads_is_not_answered_with_the_whole(seed_store):
    a = ask("What was the global market not counting the largest segment in 2024?", store=seed_store)
    assert a.status == "not_found" and not any(v.value == 6067 for v in a.values), a.answer


def test_function_words_are_data_and_hold_no_subject_matter():
    en, zh = function_words()
    assert {"what", "the", "how"} <= en and "多少" in zh
    for word in ("chip", "inference", "cloud", "推理", "芯片", "云端", "china", "中国"):
        assert word not in en and word not in zh


@pytest.mark.parametrize("question,words", [
    ("数据合规对AI推理芯片有什么影响？", ["本地化"]),
    ("哪些应用需要毫秒级处理？", ["智能驾驶"]),
    ("边缘推理芯片需要在什么之间取得平衡？", ["平衡"]),
    ("What does the disclaimer say?", ["免责声明"]),
])
def test_questions_asked_in_words_quote_the_report(seed_store, question, words):
    """The passage index (qa/passages.py): the best sentences, quoted with their section and line."""
    a = ask(question, store=seed_store)
    assert a.status == "answered" and a.family == "passage", a.answer
    assert all(c.line and c.section for c in a.citations)
    assert any(w in a.answer or any(w in c.section_title for c in a.citations) for w in words), a.answer


@pytest.mark.parametrize("question", ["What's Nvidia's share of the AI inference chip market?",
                                      "Who are the top five players?", "今天天气怎么样？", "帮我写一段快速排序代码"])
def test_no_passage_answers_what_the_report_does_not_say(seed_store, question):
    assert ask(question, store=seed_store).status == "not_found"


def test_english_reaches_chinese_text_through_the_dictionary():
    from qa.passages import dictionary
    en2zh, zh2en = dictionary()
    assert "投资" in en2zh["investment"] and "免责声明" in en2zh["disclaimer"] and "compliance" in zh2en["合规"]
