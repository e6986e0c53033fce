"""Bad PDFs: every PDF the route cannot read is refused with one line that says why, through ``read_pdf`` and
through the CLI (``reportkg ingest`` leaves the store as it was; ``reportkg claims`` prints one line), never a
traceback; a page whose font has a broken Unicode map is skipped, not mined for garbage.

Every bad PDF is real and written here (tmp_path or bytes): a password-protected copy of a fixture (pypdf),
pages rendered to images and saved as an image-only PDF (pypdfium2, PIL), truncated and random bytes, a text
file named .pdf, a page tree that promises more pages than it has, 3,001 blank pages. No mocks; the caps are
monkeypatched only where making a file past them would be slow (200 MB) or where a boundary is checked.

A page the page tree promises but lacks (the fuzzer found it) is skipped and counted, the others read.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import io
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import ingest.pdf
from conftest import ROOT, SEED
from ingest.errors import Errors, IngestError
from ingest.pdf import read_pdf
from test_fuzz import Timer, fuzz

PDFS = ROOT / "tests" / "fixtures" / "pdf"
SMALL = PDFS / "avc-china-kitchen-waste-disposers-2023-11.pdf"     # 8 pages, 0.5 MB
DECK = PDFS / "te-enterprise-aigc-adoption-2023.pdf"              # 57 pages; page 57's font map is broken
OTHERS = [p for p in sorted(PDFS.glob("*.pdf")) if p != DECK]
REPORTKG = Path(sys.executable).with_name("reportkg")
MUTATED_LIMIT = 3.0          # CPU seconds for reading one mutated PDF


# --------------------------------------------------------------------------- real bad PDFs, written here

def _bytes(writer) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def small_pdf() -> bytes:
    """The fixture's first two pages (real fonts, real text), 0.2 MB: read in ~20 ms, the fuzzer's base."""
    import pypdf
    w = pypdf.PdfWriter()
    for page in pypdf.PdfReader(SMALL).pages[:2]:
        w.add_page(page)
    return _bytes(w)


@functools.lru_cache(maxsize=None)
def encrypted(algorithm: str = "AES-256", user: str = "secret") -> bytes:
    import pypdf
    w = pypdf.PdfWriter(clone_from=SMALL)
    w.encrypt(user_password=user, owner_password="owner", algorithm=algorithm)
    return _bytes(w)


@functools.lru_cache(maxsize=None)
def _renders(n: int) -> tuple:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(SMALL)
    try:
        return tuple(doc[i].render(scale=1).to_pil().convert("RGB") for i in range(n))
    finally:
        doc.close()


@functools.lru_cache(maxsize=None)
def image_pdf(pages: int = 1, via: str = "pil") -> bytes:
    """A scan: the fixture's pages as pictures, no text layer."""
    images = _renders(pages)
    buf = io.BytesIO()
    if via == "pil":
        images[0].save(buf, "PDF", save_all=True, append_images=list(images[1:]))
        return buf.getvalue()
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument.new()
    for im in images:
        w, h = im.size
        page = doc.new_page(w, h)
        obj = pdfium.PdfImage.new(doc)
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(im))
        obj.set_matrix(pdfium.PdfMatrix().scale(w, h))
        page.insert_obj(obj)
        page.gen_content()
    doc.save(buf)
    return buf.getvalue()


def scan_with_text_cover() -> bytes:
    """One page of text and four scanned pages (80 %): a scan, though its cover has text."""
    import pypdf
    w = pypdf.PdfWriter()
    w.add_page(pypdf.PdfReader(SMALL).pages[0])
    for page in pypdf.PdfReader(io.BytesIO(image_pdf(4))).pages:
        w.add_page(page)
    return _bytes(w)


@functools.lru_cache(maxsize=None)
def blank_pages(n: int) -> bytes:
    import pypdf
    w = pypdf.PdfWriter()
    for _ in range(n):
        w.add_blank_page(72, 72)
    return _bytes(w)


def doubled() -> bytes:
    """The fixture's 8 pages twice: 16 real pages."""
    import pypdf
    w = pypdf.PdfWriter()
    for _ in range(2):
        for page in pypdf.PdfReader(SMALL).pages:
            w.add_page(page)
    return _bytes(w)


@functools.lru_cache(maxsize=None)
def missing_page() -> bytes:
    """The fixture whose page tree says 9 pages and holds 8 (a page lost in a botched edit)."""
    import pypdf
    data = _bytes(pypdf.PdfWriter(clone_from=SMALL))
    assert data.count(b"/Count 8") == 1
    return data.replace(b"/Count 8", b"/Count 9")


def only_mojibake() -> bytes:
    import pypdf
    w = pypdf.PdfWriter()
    w.add_page(pypdf.PdfReader(DECK).pages[56])
    return _bytes(w)


# kind -> (the file's bytes, the message it must get); `None`: reading may succeed or fail with one line
BAD = {
    "encrypted": (lambda: encrypted(), Errors.PDF_ENCRYPTED),
    "truncated": (lambda: SMALL.read_bytes()[:2000], Errors.PDF_CORRUPT),
    "random": (lambda: random.Random(13).randbytes(4096), Errors.PDF_CORRUPT),
    "random-after-header": (lambda: b"%PDF-1.7\n" + random.Random(14).randbytes(4096), Errors.PDF_CORRUPT),
    "header-only": (lambda: b"%PDF-1.4\n", Errors.PDF_CORRUPT),
    "text-renamed": (lambda: SEED.read_bytes(), Errors.PDF_CORRUPT),
    "scanned": (lambda: image_pdf(1), Errors.PDF_SCANNED.format(pages=1)),
    "empty": (lambda: b"", Errors.EMPTY),
    "too-many-pages": (lambda: blank_pages(3001), Errors.PDF_TOO_MANY_PAGES.format(pages=3001, limit=3000)),
    "missing-page": (missing_page, None),
}


def _param(kind: str, _how: object = None):
    """A kind as a test parameter, named by the kind."""
    return pytest.param(kind, id=kind)


def write_bad(tmp_path: Path, kind: str) -> tuple[Path, str | None]:
    make, detail = BAD[kind]
    p = tmp_path / f"{kind}-report.pdf"
    p.write_bytes(make())
    return p, detail


def read_or_refusal(path, data: bytes | None = None):
    """What read_pdf gives: text from at least one page, or an IngestError of one line naming the file; any
    other exception propagates."""
    try:
        got = read_pdf(path, data)
    except IngestError as e:
        assert "\n" not in str(e) and str(e).startswith(f"{path}: "), str(e)
        return e
    assert got.text.strip() and got.layout.pages >= 1
    return got


def refused(path, data: bytes | None = None) -> IngestError:
    """read_pdf's IngestError, checked to be one line that starts with the file's name."""
    got = read_or_refusal(path, data)
    assert isinstance(got, IngestError), f"{path} was read: {got.layout.pages} pages"
    return got


# --------------------------------------------------------------------------- read_pdf

@pytest.mark.parametrize("kind", [_param(k) for k in BAD])
def test_read_pdf_reads_or_refuses_in_one_line(tmp_path, kind):
    path, detail = write_bad(tmp_path, kind)
    if detail is None:                   # readable pages are read, or one line says why not
        read_or_refusal(path)
    else:
        assert refused(path).detail == detail


@pytest.mark.parametrize("algorithm", ["RC4-40", "RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf(algorithm):
    assert refused("locked.pdf", encrypted(algorithm)).detail == Errors.PDF_ENCRYPTED


def test_pdf_with_only_an_owner_password_is_read():
    """No password is needed to open it (only to edit): it is read like the original."""
    assert read_pdf("owner-only.pdf", encrypted("AES-256", user="")).text == read_pdf(SMALL).text


def test_encrypted_pdf_under_a_text_name(tmp_path):
    """A PDF saved as .md still goes the PDF route (by its %PDF- header) and gets the PDF's reason."""
    from ingest.document import read_source
    p = tmp_path / "report.md"
    p.write_bytes(encrypted())
    with pytest.raises(IngestError) as e:
        read_source(p)
    assert e.value.detail == Errors.PDF_ENCRYPTED and str(e.value).startswith(f"{p}: ")


@pytest.mark.parametrize("pages,via", [(1, "pil"), (3, "pil"), (3, "pdfium")])
def test_image_only_pdf_needs_ocr(pages, via):
    e = refused("scan.pdf", image_pdf(pages, via))
    assert e.detail == Errors.PDF_SCANNED.format(pages=pages) and "OCR" in e.detail


def test_scan_with_a_text_cover_needs_ocr():
    e = refused("scan.pdf", scan_with_text_cover())
    assert e.detail == Errors.PDF_SCANNED.format(pages=4) and "OCR" in e.detail


def test_page_cap(monkeypatch):
    data = doubled()
    monkeypatch.setattr(ingest.pdf, "MAX_PAGES", 15)
    assert refused("long.pdf", data).detail == Errors.PDF_TOO_MANY_PAGES.format(pages=16, limit=15)
    monkeypatch.setattr(ingest.pdf, "MAX_PAGES", 16)      # at the cap: read
    assert read_pdf("long.pdf", data).layout.pages == 16


def test_size_cap(monkeypatch):
    monkeypatch.setattr(ingest.pdf, "MAX_PDF_BYTES", 1000)
    size = SMALL.stat().st_size
    assert refused(SMALL).detail == Errors.TOO_BIG.format(size=size, limit=1000)
    assert refused("given.pdf", b"%PDF-" + b" " * 1000).detail == Errors.TOO_BIG.format(size=1005, limit=1000)


def test_empty_and_missing(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    assert refused(p).detail == Errors.EMPTY
    assert refused("given.pdf", b"").detail == Errors.EMPTY
    assert refused(tmp_path / "nowhere.pdf").detail == Errors.NOT_FOUND


# --------------------------------------------------------------------------- broken font maps

def _page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        out = []
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            out.append(tp.get_text_range())
            tp.close()
        return out
    finally:
        doc.close()


def test_mojibake_page_is_skipped():
    got = read_pdf(DECK)
    assert got.layout.pages == 57 and got.layout.skipped_pages == [57]
    assert 57 not in got.layout.page_numbers
    pages = _page_texts(DECK)
    elsewhere = set("".join(pages[:56]))
    garbage = {c for c in pages[56] if not c.isspace()} - elsewhere     # characters only page 57 has
    assert {"☳", "䰕"} <= garbage and len(garbage) >= 20
    assert not garbage & set(got.text), sorted(garbage & set(got.text))


def test_pdf_of_only_mojibake_pages_is_refused():
    assert refused("garbage.pdf", only_mojibake()).detail == Errors.PDF_MOJIBAKE.format(pages=1)


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.stem)
def test_other_fixtures_skip_no_page(path):
    got = read_pdf(path)
    print(f"{path.name}: {len(got.layout.skipped_pages)} of {got.layout.pages} pages skipped")
    assert got.layout.skipped_pages == []


# --------------------------------------------------------------------------- mutated bytes (hypothesis)

# where a mutation lands: next to a structure pdfium parses (the page tree, a page, the xref table, the
# trailer), or anywhere (None: at a fraction of the file)
ANCHORS = [None, b"%PDF-", b"/Type /Pages", b"/Count", b"/Kids", b"/Type /Page\n", b"/MediaBox", b"/Resources",
           b"/Font", b"/Contents", b"stream", b"endstream", b"\nxref", b"trailer", b"startxref", b"%%EOF"]
MUTATION = st.tuples(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite"]),
                     st.sampled_from(ANCHORS), st.integers(-8, 64), st.integers(0, 10**6), st.integers(0, 7),
                     st.binary(min_size=1, max_size=16))


def mutate(data: bytes, mutations) -> bytes:
    d = bytearray(data)
    for op, anchor, delta, fraction, bit, payload in mutations:
        if not d:
            break
        at = d.find(anchor) if anchor else -1
        pos = min(max(at + delta if at >= 0 else len(d) * fraction // 10**6, 0), len(d) - 1)
        if op == "flip":
            d[pos] ^= 1 << bit
        elif op == "truncate":
            del d[pos:]
        elif op == "insert":
            d[pos:pos] = payload
        elif op == "delete":
            del d[pos:pos + 4 * len(payload)]
        else:
            d[pos:pos + len(payload)] = payload
    return bytes(d)


@fuzz(50)
@example(mutations=[("flip", b"/Count", 7, 0, 0, b"-")])      # '/Count 2' -> '/Count 3': found by this test
@example(mutations=[("flip", None, 0, 17056, 2, b"\x00")])      # a NaN text matrix: found by this test
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_pdf_reads_or_refuses(mutations):
    data = mutate(small_pdf(), mutations)
    with Timer() as t:
        read_or_refusal("mutated.pdf", data)
    t.check("mutated pdf", MUTATED_LIMIT, f"{len(data):,} bytes after {mutations!r}")


# --------------------------------------------------------------------------- the CLI

def cli(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(REPORTKG)] if REPORTKG.exists() else [sys.executable, "-m", "ui.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


def snapshot(store_dir: str) -> dict:
    """What a store holds: its reports, its quads (counted and hashed) and its revision (new at every write)."""
    from kg.store import open_store
    store = open_store(store_dir, read_only=True)
    try:
        quads = sorted(store.dump("nq").splitlines())
        return {"reports": store.reports(), "quads": len(quads), "revision": store.revision(),
                "digest": hashlib.sha256(b"\n".join(quads)).hexdigest()}
    finally:
        store.close()
        del store
        gc.collect()                   # let the read-only handle go before a CLI process opens the store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[str, dict]:
    """A store holding the seed report, ingested through the CLI (never empty, so 'unchanged' means
    something), and its snapshot; never written again: tests write to copies of it."""
    d = str(tmp_path_factory.mktemp("bad-pdf-store") / "store")
    r = cli("--store", d, "ingest", str(SEED))
    assert r.returncode == 0, r.stderr
    held = snapshot(d)
    assert len(held["reports"]) == 1 and held["quads"] > 0
    return d, held


@pytest.fixture(scope="module")
def store_dir(seeded, tmp_path_factory) -> str:
    """The CLI processes' store, shared by their tests (each compares it before and after)."""
    d = str(tmp_path_factory.mktemp("bad-pdf-cli") / "store")
    shutil.copytree(seeded[0], d)
    return d


def assert_one_line(r: subprocess.CompletedProcess, path: Path, detail: str | None) -> None:
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    if detail is None and r.returncode == 0:
        return
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and path.name in lines[0], r.stderr
    if detail is not None:
        assert lines[0] == f"reportkg: {path}: {detail}"


@pytest.mark.parametrize("kind", [_param(k, AssertionError) for k in ("encrypted", "truncated", "missing-page")])
def test_cli_ingest_bad_pdf_one_line_store_unchanged(tmp_path, store_dir, kind):
    path, detail = write_bad(tmp_path, kind)
    before = snapshot(store_dir)
    r = cli("--store", store_dir, "ingest", str(path))
    assert_one_line(r, path, detail)
    if r.returncode != 0:
        assert r.stdout == ""
        assert snapshot(store_dir) == before


@pytest.mark.parametrize("kind", [_param(k) for k in BAD])
def test_cli_main_ingest_every_bad_pdf(tmp_path, seeded, capsys, kind):
    """Every kind through the CLI's own code (ui.cli.main in this process, where a process costs 2.5 s): an
    exception that escaped would fail the test as the traceback it would print. Each on its own copy of the
    store: an escaped exception's frames would keep the store open (locked) for the other tests."""
    from ui.cli import main
    path, detail = write_bad(tmp_path, kind)
    store = str(tmp_path / "store")
    shutil.copytree(seeded[0], store)
    rc = main(["--store", store, "ingest", str(path)])
    out, err = capsys.readouterr()
    assert_one_line(subprocess.CompletedProcess([], rc, out, err), path, detail)
    if rc != 0:
        assert out == "" and snapshot(store) == seeded[1]


@pytest.mark.parametrize("kind", [_param(k, AssertionError) for k in ("encrypted", "missing-page")])
def test_cli_claims_bad_pdf_one_line(tmp_path, kind):
    path, detail = write_bad(tmp_path, kind)
    r = cli("claims", str(path), "--json")
    assert_one_line(r, path, detail)
    if r.returncode != 0:
        assert r.stdout == ""


def test_cli_ingest_directory_of_bad_pdfs(tmp_path, store_dir):
    folder = tmp_path / "reports"
    folder.mkdir()
    want = {}
    for kind in ("encrypted", "truncated", "scanned"):
        path, detail = write_bad(folder, kind)
        want[str(path)] = detail
    before = snapshot(store_dir)
    r = cli("--store", store_dir, "ingest", str(folder))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    got = sorted(r.stderr.strip().splitlines())
    assert got == sorted(f"reportkg: {p}: {d}" for p, d in want.items()), r.stderr
    assert snapshot(store_dir) == before


# --------------------------------------------------------------------------- invisible text

def _with_invisible(visible: bool) -> bytes:
    """A page of a report (text a reader sees, when ``visible``) and, drawn invisible (render mode 3), a
    fingerprint string with a figure in it: what a tracking stamp or a scan's OCR layer looks like."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    lines = ["1. Market Overview", "The global widget market reached US$12.0 billion in 2024, and it is",
             "expected to reach US$20.5 billion in 2030."]
    for k, line in enumerate(lines):
        t = c.beginText(72, 760 - 18 * k)
        t.setFont("Helvetica-Bold" if k == 0 else "Helvetica", 14 if k == 0 else 11)
        t.setTextRenderMode(0 if visible else 3)
        t.textLine(line)
        c.drawText(t)
    t = c.beginText(72, 400)
    t.setFont("Helvetica", 11)
    t.setTextRenderMode(3)
    t.textLine("Copy 7F3A-2031 issued to reader: the widget market reached US$99.9 billion in 2031.")
    c.drawText(t)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_invisible_text_on_a_page_that_shows_text_is_not_read():
    text = read_pdf("stamped.pdf", data=_with_invisible(True)).text
    assert "US$12.0 billion in 2024" in text and "US$20.5 billion" in text
    assert "7F3A" not in text and "99.9" not in text


def test_a_page_whose_text_is_all_invisible_is_an_ocr_layer_and_is_read():
    text = read_pdf("ocr.pdf", data=_with_invisible(False)).text
    assert "US$12.0 billion in 2024" in text and "99.9" in text
