"""Extraction against the real-document corpus (tests/fixtures/real/): recall and precision per claim kind,
per script and for running text against table and chart cells (bench/real.py says how claims are matched).

    python bench/bench_real.py               # development documents; writes bench/results/real.json
    python bench/bench_real.py --heldout     # the held-out documents too (at the end of an issue only)
    python bench/bench_real.py --doc SLUG -v # one document, every truth claim missed and every wrong claim

Targets (issue 14): running text recall >= 90 %, precision >= 97 %; table and chart cells recall >= 75 %,
precision >= 95 %; zh-Hant within 5 points of zh-Hans; every kind >= 80 % recall.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import save, table  # noqa: E402
from bench.real import extract_doc, frames_doc, load, run, split, tallies  # noqa: E402


def _rows(group: dict) -> list[list]:
    rows = []
    for k, t in sorted(group.items()):
        rows.append([k, t.truth, t.located, t.found, t.recall, t.extracted, t.right, t.precision])
    return rows


HEAD = ["", "truth", "located", "correct", "recall", "extracted", "right", "precision"]


def report(name: str, scored) -> dict:
    tal = tallies(scored)
    print(f"\n== {name}: {len(scored)} documents")
    for g in ("all", "place", "script", "kind", "doc"):
        print(table([g] + HEAD[1:], _rows(tal[g])))
        print()
    return {g: {k: vars(t) | {"recall": t.recall, "precision": t.precision} for k, t in tal[g].items()}
            for g in tal}


def verbose(scored) -> None:
    for s in scored:
        good_t, good_x = s.correct_truth(), s.correct_extracted()
        print(f"\n--- {s.doc.slug}")
        for ti, t in enumerate(s.doc.truth):
            if ti in good_t:
                continue
            hit = s.truth_hit.get(ti)
            why = "not located" if hit is None else "wrong " + ",".join(k for k, v in hit[1].items() if not v)
            print(f"  MISS {t['id']} [{t['kind']}] {t['number_text']!r} y={t.get('year')} "
                  f"subj={t.get('subject')!r} ({why}) | {t['quote'][:110]}")
            if hit is not None:
                x = s.extracted[hit[0]]
                print(f"       got [{x.kind}] y={x.year} p={x.period} subj={x.subject!r}")
        for xi, x in enumerate(s.extracted):
            if xi not in good_x and xi not in {v[0] for v in s.truth_hit.values()}:
                print(f"  EXTRA [{x.kind}] {x.value} base={x.base:g} y={x.year} subj={x.subject!r} | {x.quote[:110]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--doc", action="append")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--frames", action="store_true", help="the sentence-level frames alone")
    a = ap.parse_args()
    held = split()["heldout"]
    docs = load(a.doc)
    dev = [d for d in docs if d.slug not in held or a.doc]
    route = frames_doc if a.frames else extract_doc
    out = {"dev": report("development", (sd := run(dev, route)))}
    if a.verbose:
        verbose(sd)
    if a.heldout and not a.doc:
        out["heldout"] = report("held out", run([d for d in docs if d.slug in held], route))
    if not a.doc and not a.frames:
        save("real", out)


if __name__ == "__main__":
    main()
