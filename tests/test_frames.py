"""The claim-frame catalogue (ingest/frames.toml): every worked example gives exactly its frames."""
from __future__ import annotations

import math

import pytest

from ingest.frames import catalogue, frames

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
    got = frames(example["text"])
    want = example["frames"]
    assert len(got) == len(want), [(g.kind, g.value, g.year, g.subject) for g in got]
    for w in want:
        assert any(_agrees(g, w) for g in got), (w, [(g.kind, g.value, g.year, g.period, g.subject, g.company,
                                                      g.sign, g.subperiod, g.status, g.comparator) for g in got])


def test_every_form_has_an_example():
    assert all(form["examples"] for form in catalogue().forms)
