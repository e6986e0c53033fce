"""Regression sets written by a second reader who had not seen the QA code (paraphrases, both scripts, typos,
units, follow-ups, unanswerables) over the seed alone and over all fixture reports. Scored like
../shared/tools/score_questions.py; a few known gaps are allowed, wrong numbers are not."""
from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import pytest

from qa import Conversation, ask

HERE = Path(__file__).parent / "fixtures" / "questions"
NUM = re.compile(r"(?<![\w.])[-+]?\d[\d,，]*(?:\.\d+)?")


def _check(row, ans) -> list[str]:
    exp, why = row["expect"], []
    if (exp["status"] == "not_found") != (ans.status == "not_found"):
        why.append(f"status {ans.status}")
    if exp["status"] == "derived" and ans.status != "derived":
        why.append("not derived")
    found = [float(m.replace(",", "").replace("，", "")) for m in NUM.findall(ans.answer)]
    found += [float(v.value) for v in ans.values]
    for group in exp["nums"]:
        if not any(abs(x - e) <= max(0.005 * abs(e), 0.051) for e in group for x in found):
            why.append(f"none of {group}")
    if exp.get("section") and exp["section"] not in {c.section for c in ans.citations}:
        why.append(f"no citation of {exp['section']}")
    hay = (ans.answer + " " + " ".join(c.quote for c in ans.citations)).lower()
    for group in exp["kw"]:
        if not any(k.lower() in hay for k in group):
            why.append(f"none of {group}")
    return why


def _run(rows, store) -> list[tuple[str, str, list[str]]]:
    convs: dict[str, Conversation] = collections.defaultdict(lambda: Conversation(store=store))
    failures = []
    for r in rows:
        a = convs[r["conv"]].ask(r["q"]) if r.get("conv") else ask(r["q"], store=store)
        why = _check(r, a)
        if why:
            failures.append((r["id"], r["q"], why))
    return failures


@pytest.fixture(scope="module")
def companies_store(tmp_path_factory):
    """The AVC deck (its two ranking tables of models) and a Taiwan news item on motorcycle brands."""
    from ingest.pipeline import ingest_file
    from kg.store import open_store
    fixtures = Path(__file__).parent / "fixtures"
    store = open_store(str(tmp_path_factory.mktemp("companies-store")))
    ingest_file(store, fixtures / "pdf" / "avc-china-kitchen-waste-disposers-2023-11.pdf")
    ingest_file(store, fixtures / "real" / "hant-motorcycle-registrations.md")
    return store


# Known failures, by id (docs/qa-gaps.md): a new failure fails the test, and so does a known one that now
# passes (take it off the list). The paraphrase set is a third reader's 159 analyst questions; many of its
# known failures ask in words in English of the Chinese report (method, disclaimer, currency), where the
# passage search's scores stay under its threshold.
KNOWN = {
    "heldout-seed.jsonl": {"s58"},
    "heldout-multi.jsonl": {"b20", "r6"},
    "heldout-seed-paraphrases.jsonl": {
        "h12", "h33", "h34", "h40", "h48", "h49", "h50", "h69", "h70", "h76", "h82", "h92",
        "h95", "h96", "h97", "h106", "h107", "h108", "h109", "h135", "h141", "h146"},
    # a second reader's 60 unanswerable and 30 answerable questions on the seed (written without the code):
    # every unanswerable is not_found; two figure questions and a typo ('推里') are not answered
    "heldout-trust.jsonl": {"t73", "t74", "t87"},
    # a second reader's 40 questions on companies (22 answerable, 18 not) of the AVC deck and a Taiwan news item
    # (written without the code; used since in development): every unanswerable is not_found; open: a channel
    # asked in English with no company named, which ranked n-th, two measures in one question; of the companies
    # named only in running text (the motorcycle brands, '光陽（KYMCO）'), one written in Latin alone (Gogoro),
    # the maker with the highest share, and Yamaha's Jan-Nov share asked in English
    "heldout-companies.jsonl": {"c3", "c6", "c7", "c8", "c9", "c10", "c13", "c19", "c20", "c22"},
}


@pytest.mark.parametrize("name,store_fixture", [
    ("heldout-seed.jsonl", "seed_store"),
    ("heldout-multi.jsonl", "multi_store"),
    ("heldout-seed-paraphrases.jsonl", "seed_store"),
    ("heldout-trust.jsonl", "seed_store"),
    ("heldout-companies.jsonl", "companies_store"),
])
def test_heldout_questions(request, name, store_fixture):
    rows = [json.loads(l) for l in (HERE / name).read_text(encoding="utf-8").splitlines() if l.strip()]
    failures = _run(rows, request.getfixturevalue(store_fixture))
    failed = {i for i, _q, _w in failures}
    new = [f"{i} {q}: {w}" for i, q, w in failures if i not in KNOWN[name]]
    assert not new, "new failures:\n" + "\n".join(new)
    fixed = KNOWN[name] - failed
    assert not fixed, f"now passing, take off the known list: {sorted(fixed)}"
