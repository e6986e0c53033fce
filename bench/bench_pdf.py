"""The PDF route on the real corpus PDFs (tests/fixtures/pdf): speed, and no running-text figure lost.

    python bench/bench_pdf.py            # every fixture PDF; writes bench/results/pdf.json

For each PDF: the text layer read by pypdfium2 and by pdfplumber (the library comparison), ``read_pdf``
(text layer + layout) in pages per second, PDF to claims (parse + extract, one core) in pages per second,
and the share of the running-text sentences stating a figure in an independent pdfplumber reading
(bench/pdf_reference.py) that the PDF route reads whole and on the same page. For the 490-page application
proof also ``reportkg ingest`` end to end into a fresh store (a subprocess: imports, validation, store
write included). Targets (issue 13): >= 50 pages/s per core to claims, <= 15 s for the proof end to end,
>= 98 % of the figure sentences.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PY, ROOT, save, table  # noqa: E402

PDFS = ROOT / "tests" / "fixtures" / "pdf"
PROOF = PDFS / "hkex-application-proof-giantec-semiconductor-2026.pdf"


def _time(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def pypdfium2_text(path: Path) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(path))
    n = 0
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        n += len(tp.get_text_range())
        tp.close()
    doc.close()
    return n


def pdfplumber_text(path: Path, pages: int) -> int:
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        return sum(len(p.extract_text() or "") for p in pdf.pages[:pages])


def one(path: Path) -> dict:
    from bench.pdf_reference import figure_sentences, lost
    from ingest.document import parse_document
    from ingest.extract import extract
    from ingest.pdf import read_pdf

    got = read_pdf(path)
    pages = got.layout.pages
    t_pdfium, _ = _time(lambda: pypdfium2_text(path))
    sample = min(pages, 40)
    t_plumber, _ = _time(lambda: pdfplumber_text(path, sample), repeat=1)
    t_read, got = _time(lambda: read_pdf(path))

    def to_claims():
        g = read_pdf(path)
        doc = parse_document(g.text, str(path), g.layout)
        return doc, extract(doc)
    t_claims, (doc, claims) = _time(to_claims, repeat=2)
    span = got.layout.chapter_pages or (1, pages)
    ref = figure_sentences(path, range(span[0], span[1] + 1))
    found, same, missing, moved = lost(ref, [(s.page, s.text) for b in doc.blocks if b.mine for s in b.sentences])
    return {"file": path.name, "pages": pages, "chapter": got.layout.chapter_pages,
            "skipped_pages": got.layout.skipped_pages,
            "pypdfium2_pages_per_s": pages / t_pdfium, "pdfplumber_pages_per_s": sample / t_plumber,
            "read_pdf_pages_per_s": pages / t_read, "claims_pages_per_s": pages / t_claims,
            "claims_s": t_claims, "figures": len(claims.figures),
            "figure_sentences": len(ref), "found": found, "same_page": same,
            "lost": [s[:120] for _, s in missing], "moved": [(a, b, s[:80]) for a, b, s in moved]}


def end_to_end(path: Path) -> float:
    with tempfile.TemporaryDirectory() as store:
        t = time.perf_counter()
        subprocess.run([PY, "-m", "ui.cli", "--store", store, "ingest", str(path)], cwd=ROOT, check=True,
                       capture_output=True)
        return time.perf_counter() - t


def main() -> int:
    results = [one(p) for p in sorted(PDFS.glob("*.pdf"))]
    e2e = end_to_end(PROOF)
    rows = [[r["file"][:40], r["pages"], f"{r['pypdfium2_pages_per_s']:.0f}", f"{r['pdfplumber_pages_per_s']:.1f}",
             f"{r['read_pdf_pages_per_s']:.0f}", f"{r['claims_pages_per_s']:.0f}", r["figures"],
             f"{r['found']}/{r['figure_sentences']}", r["same_page"]] for r in results]
    print(table(["pdf", "pages", "pdfium p/s", "pdfplumber p/s", "read_pdf p/s", "to claims p/s", "figures",
                 "figure sentences found", "same page"], rows))
    print(f"\n{PROOF.name}: reportkg ingest end to end {e2e:.1f} s (target <= 15 s)")
    for r in results:
        for s in r["lost"]:
            print(f"lost in {r['file']}: {s}")
    save("pdf", {"results": results, "proof_end_to_end_s": e2e})
    return 0


if __name__ == "__main__":
    sys.exit(main())
