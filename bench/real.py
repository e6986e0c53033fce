"""Score extraction against the real-document corpus (tests/fixtures/real/, hand-written ground truth).

A claim the extractor gives is *located* when it states a truth claim's number at the truth claim's place:
the same value in base units (money in units of currency, percent as the percent number, counts as counts;
relative tolerance 1e-6 after rounding to what was written), a quote overlapping the truth quote (one holds
the other, or they share a run of 12 characters around the number), and, for PDF documents, the same page.
It is *correct* when, besides, what it says about the number is right:

- the time: the same year (a CAGR: the same period; neither side giving a year also agrees);
- the kind: the extractor's metric maps to the truth kind (see KIND_OF_METRIC and COMPATIBLE);
- the direction of a growth or change: the truth writes the number as the text does and its direction in
  ``sign`` ('下滑16.09%': 16.09, '-'), the extractor a signed value (-16.09); it is located on the magnitude;
- the subject: the market, segment or company the extractor credits shares a content word (Latin) or a
  character bigram (CJK) with the truth's subject, market, segment or company — "eport predicts that" or
  "81.1 percent" credited as the market is not correct; a company's figure must be credited to the company
  (a firm's profit credited to the market it competes in is not correct).

Matching is one to one (a truth claim is credited to one extracted claim, the best by the checks passed).
Recall = correct truth claims / truth claims; precision = correct extracted claims / extracted claims;
both are given per kind, per script and for running text against table and chart cells.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"
PDFS = ROOT / "tests" / "fixtures" / "pdf"
SPLIT = REAL / "split.json"

SIGNED = {"growth", "change"}         # kinds whose truth gives the direction in 'sign'
KINDS = ("market_size", "cagr", "growth", "change", "share", "company_figure", "rank", "volume", "price", "other")

# the extractor's metric label -> the truth kind it states
KIND_OF_METRIC = {
    "market size": "market_size", "CAGR": "cagr", "market share": "share", "penetration rate": "share",
    "share": "share", "growth rate": "growth", "growth": "growth", "change": "change", "absolute change": "change", "shipments": "volume",
    "sales volume": "volume", "installed base": "volume", "volume": "volume", "average selling price": "price",
    "price": "price", "revenue": "company_figure", "rank": "rank", "rank position": "rank", "count": "other",
}
# a truth kind -> the extracted kinds that state it (a company's revenue is a size or volume of the company)
COMPATIBLE = {
    "company_figure": {"company_figure", "market_size", "volume", "price", "other"},
    "other": {"other", "volume"},
    "volume": {"volume", "other"},
}
STOP = {
    "the", "and", "for", "with", "market", "markets", "industry", "global", "world", "china", "chinese", "size",
    "total", "share", "sales", "revenue", "growth", "rate", "year", "percent", "billion", "million", "its", "of",
    "市场", "行业", "全球", "中国", "产业", "规模", "市場", "行業", "產業", "規模", "销售", "銷售", "收入", "份额", "份額",
    "增长", "增長", "同比", "场规", "場規",
}


@dataclass
class Doc:
    slug: str
    lang: str
    text: str
    meta: dict
    truth: list[dict]
    pdf: Path | None = None
    pages: tuple[int, int] | None = None


@dataclass
class Extracted:
    kind: str
    subject: str
    year: int | None
    period: tuple[int, int] | None
    value: float
    base: float
    quote: str
    page: int | None
    in_table: bool
    raw: dict = field(default_factory=dict)


def front_matter(text: str) -> dict:
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    meta = {}
    for line in (m.group(1).splitlines() if m else []):
        k, _, v = line.partition(":")
        meta[k.strip()] = v.strip()
    return meta


def load(slugs: list[str] | None = None) -> list[Doc]:
    docs = []
    for md in sorted(REAL.glob("*.md")):
        if md.name == "README.md" or (slugs and md.stem not in slugs):
            continue
        truth_file = md.with_suffix(".truth.jsonl")
        if not truth_file.exists():
            continue
        text = md.read_text("utf-8")
        meta = front_matter(text)
        truth = [json.loads(ln) for ln in truth_file.read_text("utf-8").splitlines() if ln.strip()]
        pdf = PDFS / meta["pdf"] if meta.get("pdf") else None
        pages = None
        if meta.get("pages"):
            a, _, b = meta["pages"].partition("-")
            pages = (int(a), int(b or a))
        docs.append(Doc(md.stem, meta.get("lang", ""), text, meta, truth, pdf, pages))
    return docs


def split() -> dict[str, set[str]]:
    data = json.loads(SPLIT.read_text("utf-8"))
    return {"heldout": set(data["heldout"])}


def script(doc: Doc) -> str:
    lang = doc.lang.lower()
    s = "zh-Hant" if "hant" in lang else "zh-Hans" if lang.startswith("zh") else "en"
    return f"{s} (pdf)" if doc.pdf else s


# --------------------------------------------------------------------------- extraction

def frames_doc(doc: Doc) -> list[Extracted]:
    """The sentence-level claim frames alone (ingest.frames), before document-level resolution."""
    from ingest.document import parse_document, read_source
    from ingest.frames import frames
    path = doc.pdf if doc.pdf else REAL / f"{doc.slug}.md"
    text, layout = read_source(path)
    d = parse_document(text, str(path), layout)
    out = []
    for b in d.blocks:
        if not b.mine:
            continue
        for s in b.sentences:
            if doc.pages and s.page is not None and not (doc.pages[0] <= s.page <= doc.pages[1]):
                continue
            for f in frames(s.text, s.norm):
                subject = " ".join(x for x in (f.company, f.subject) if x)
                out.append(Extracted(f.kind, subject, f.year, f.period, f.value, f.base, s.text, s.page,
                                     b.kind == "row", {"form": f.form, "unit": f.unit}))
    return out


def extract_doc(doc: Doc) -> list[Extracted]:
    """The extractor's figures for a document, read the way `reportkg claims` reads it."""
    from ingest.errors import IngestError
    from ingest.pipeline import read_claims
    path = doc.pdf if doc.pdf else REAL / f"{doc.slug}.md"
    try:
        _, claims = read_claims(path)
    except IngestError:
        return []
    out = []
    for f in claims.figures:
        ev = f.evidence
        if doc.pages and ev.page is not None and not (doc.pages[0] <= ev.page <= doc.pages[1]):
            continue
        kind = KIND_OF_METRIC.get(f.metric_label, "other")
        company = getattr(f, "company", None)
        subject = " ".join(x for x in (company, f.segment, f.market) if x)
        out.append(Extracted(kind, subject, f.year, tuple(f.period) if f.period else None, f.value,
                             f.normalized, ev.quote, ev.page, ev.cell is not None,
                             {"metric": f.metric_label, "market": f.market, "segment": f.segment,
                              "unit": f.unit, "section": ev.section}))
    return out


# --------------------------------------------------------------------------- matching

def _squash(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"[\s\\*_|#>`]+", "", s)


def _same_value(truth: dict, x: Extracted) -> bool:
    b = truth.get("base_value")
    if b is None:
        b = truth.get("value")
    if b is None:
        return False
    if truth.get("kind") in SIGNED and truth.get("sign"):
        # the truth gives a change as written and its direction apart ('下滑16.09%': 16.09, sign '-'); the
        # extractor's value carries the direction (-16.09): located on the magnitude, the sign is a check
        return math.isclose(abs(float(b)), abs(float(x.base)), rel_tol=1e-6, abs_tol=1e-9)
    return math.isclose(float(b), float(x.base), rel_tol=1e-6, abs_tol=1e-9)


def _same_place(truth: dict, x: Extracted) -> bool:
    if truth.get("page") is not None and x.page is not None and truth["page"] != x.page:
        return False
    a, b = _squash(truth["quote"]), _squash(x.quote)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    num = _squash(truth.get("number_text", ""))
    if truth.get("in_table") and truth.get("page") is not None and x.page == truth["page"] and \
            (x.in_table or num and re.search(rf"(?<![\d.]){re.escape(num)}(?![\d])", b)):
        return True                       # a chart's or table's cell on its page (the same value, checked before)
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    if m.size >= 12 and (not num or num in a[m.a:m.a + m.size] or num in b):
        return True
    return False


def _words(s: str) -> set[str]:
    acronyms = {w.lower() for w in re.findall(r"(?<![A-Za-z])[A-Z][A-Z0-9]\b", unicodedata.normalize("NFKC", s or ""))}
    s = unicodedata.normalize("NFKC", (s or "").lower())
    # a plural is its singular ('vehicles' names what 'vehicle sales' does)
    out = {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
           for w in re.findall(r"[a-z][a-z0-9\-]{2,}", s) if w not in STOP}
    out |= acronyms                       # 'AI PC', 'XR': two-letter names
    for run in re.findall(r"[\u3400-\u9fff]+", s):
        if len(run) == 1:
            out.add(run)
        out |= {run[i:i + 2] for i in range(len(run) - 1)} - STOP
    return out


def checks(truth: dict, x: Extracted) -> dict[str, bool]:
    tk = truth["kind"]
    kind_ok = x.kind == tk or x.kind in COMPATIBLE.get(tk, set())
    if tk == "cagr" or x.kind == "cagr":
        tp = truth.get("period")
        tper = tuple(int(y) for y in re.findall(r"\d{4}", str(tp))) if tp else None
        time_ok = x.period == tper if tper else x.year == truth.get("year")
    else:
        time_ok = x.year == truth.get("year")
    # a company's figure is the company's: credited to the market it competes in, it is not correct
    own = ("subject", "company") if truth.get("subject_type") == "company" and (truth.get("company") or truth.get("subject")) \
        else ("subject", "market", "segment", "company")
    names = " ".join(str(truth.get(k) or "") for k in own)
    subject_ok = bool(_words(x.subject) & _words(names))
    sign_ok = tk not in SIGNED or not truth.get("sign") or (float(x.base) < 0) == (truth["sign"] == "-")
    return {"time": time_ok, "kind": kind_ok, "subject": subject_ok, "sign": sign_ok}


@dataclass
class Scored:
    doc: Doc
    extracted: list[Extracted]
    truth_hit: dict[int, tuple[int, dict]]       # truth index -> (extracted index, checks)

    def correct_truth(self) -> set[int]:
        return {t for t, (_, c) in self.truth_hit.items() if all(c.values())}

    def correct_extracted(self) -> set[int]:
        return {x for x, c in self.truth_hit.values() if all(c.values())}


def score_doc(doc: Doc, extracted: list[Extracted]) -> Scored:
    pairs = []
    for ti, t in enumerate(doc.truth):
        for xi, x in enumerate(extracted):
            if _same_value(t, x) and _same_place(t, x):
                c = checks(t, x)
                pairs.append((-sum(c.values()), ti, xi, c))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    hit: dict[int, tuple[int, dict]] = {}
    used: set[int] = set()
    for _, ti, xi, c in pairs:
        if ti in hit or xi in used:
            continue
        hit[ti] = (xi, c)
        used.add(xi)
    return Scored(doc, extracted, hit)


# --------------------------------------------------------------------------- tallies

@dataclass
class Tally:
    truth: int = 0
    found: int = 0          # truth claims extracted correctly
    located: int = 0        # truth claims whose number was extracted at its place
    extracted: int = 0
    right: int = 0          # extracted claims that are correct

    def add(self, other: "Tally") -> None:
        for k in ("truth", "found", "located", "extracted", "right"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def recall(self) -> float | None:
        return self.found / self.truth if self.truth else None

    @property
    def precision(self) -> float | None:
        return self.right / self.extracted if self.extracted else None


def tallies(scored: list[Scored]) -> dict[str, dict[str, Tally]]:
    """{'kind': {...}, 'script': {...}, 'place': {'running text', 'table/chart'}, 'all': {'all'}}."""
    out: dict[str, dict[str, Tally]] = {"kind": {}, "script": {}, "place": {}, "doc": {}, "all": {}}

    def bump(group: str, key: str, **kw) -> None:
        t = out[group].setdefault(key, Tally())
        for k, v in kw.items():
            setattr(t, k, getattr(t, k) + v)

    for s in scored:
        good_t, good_x = s.correct_truth(), s.correct_extracted()
        sc = script(s.doc)
        for ti, t in enumerate(s.doc.truth):
            keys = {"kind": t["kind"], "script": sc, "place": "table/chart" if t.get("in_table") else "running text",
                    "doc": s.doc.slug, "all": "all"}
            for g, k in keys.items():
                bump(g, k, truth=1, found=int(ti in good_t), located=int(ti in s.truth_hit))
        for xi, x in enumerate(s.extracted):
            keys = {"kind": x.kind, "script": sc, "place": "table/chart" if x.in_table else "running text",
                    "doc": s.doc.slug, "all": "all"}
            for g, k in keys.items():
                bump(g, k, extracted=1, right=int(xi in good_x))
    return out


def run(docs: list[Doc], route=None) -> list[Scored]:
    route = route or extract_doc
    return [score_doc(d, route(d)) for d in docs]
