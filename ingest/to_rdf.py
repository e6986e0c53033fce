"""Claims -> RDF quads in the report's named graph (Data Cube + SKOS + PROV + Web Annotation + DCTERMS)."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.lexicon import load_lexicon
from kg.namespaces import (DCTERMS, ID_BASE, OA, PROV, QB, RDF, RDFS, RK, SDMX_ATT, SDMX_CODE, SDMX_DIM, SKOS, XSD,
                           slice_iri)

from .claims import Claims, Evidence
from .document import GRAPH_MODEL, Document
from .markup import parse_date
from .text import has_cjk

_N = ox.NamedNode
STATUS = {"actual": SDMX_CODE["obsStatus-A"], "forecast": SDMX_CODE["obsStatus-F"],
          "estimate": SDMX_CODE["obsStatus-E"]}
UNITS = {"CNY": RK.CNY, "USD": RK.USD, "TWD": RK.TWD, "EUR": RK.EUR, "JPY": RK.JPY, "HKD": RK.HKD, "GBP": RK.GBP,
         "KRW": RK.KRW, "INR": RK.INR}


# a company written with its other name in brackets ('山葉（YAMAHA）', '奥维云网（AVC）')
_ALIASED = re.compile(r"^\s*([^（）()]+?)\s*[（(]\s*([^（）()]+?)\s*[)）]\s*$")


def slug(text: str) -> str:
    s = re.sub(r"[^\w\-]+", "-", text.strip().lower()).strip("-")
    return quote(s or "x", safe="-_")


def report_iri(path: str | Path) -> str:
    return f"{ID_BASE}report/{slug(Path(path).stem)}"


def market_iri(key: str) -> str:
    return f"{ID_BASE}market/{quote(key, safe='')}"


def segment_iri(key: str) -> str:
    market, _, qual = key.partition("/")
    return f"{ID_BASE}segment/{quote(market, safe='')}/{quote(qual, safe='')}"


def company_iri(name: str) -> str:
    return f"{ID_BASE}company/{slug(name)}"


def section_iri(report: str, sid: str) -> str:
    return f"{report}/section/{quote(sid, safe='.')}"


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang or ("zh" if has_cjk(text) else "en"))


def _typed(value, dtype) -> ox.Literal:
    return ox.Literal(str(value), datatype=_N(str(dtype)))


def _num(value: float) -> ox.Literal:
    """An xsd:decimal in plain notation: '0.00001', never repr's '1e-05' (no decimal lexical form)."""
    text = format(Decimal(repr(float(value))), "f")
    return _typed(text if "." in text else f"{text}.0", XSD.decimal)


class _Builder:
    def __init__(self, graph: str):
        self.g = _N(graph)
        self.quads: list[ox.Quad] = []

    def add(self, s, p, o) -> None:
        s = s if isinstance(s, (ox.NamedNode, ox.BlankNode)) else _N(str(s))
        if not isinstance(o, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            o = _N(str(o))
        self.quads.append(ox.Quad(s, _N(str(p)), o, self.g))


def to_quads(doc: Document, claims: Claims, path: str | Path) -> tuple[str, list[ox.Quad]]:
    rep = report_iri(path)
    b = _Builder(rep)
    info = claims.report
    b.add(rep, RDF.type, RK.Report)
    b.add(rep, RDF.type, DCTERMS.BibliographicResource)
    b.add(rep, DCTERMS.title, _lit(info.title))
    if info.publisher:
        b.add(rep, DCTERMS.publisher, _lit(info.publisher))
    if info.year:
        b.add(rep, DCTERMS.date, _typed(info.year, XSD.gYear))
    b.add(rep, DCTERMS.language, ox.Literal(info.lang))
    for c in info.contact:
        b.add(rep, RK.contact, ox.Literal(c))
    b.add(rep, RK.contentHash, ox.Literal(doc.content_hash))
    b.add(rep, RK.sourceFile, ox.Literal(Path(path).name))
    b.add(rep, RK.graphModel, _typed(GRAPH_MODEL, XSD.integer))
    if info.evidence:
        _evidence(b, f"{rep}/about", rep, info.evidence)
    layout = doc.layout
    dated = parse_date(doc.meta["date"]) if doc.meta.get("date") else None
    if layout is None and dated and dated[1]:
        b.add(rep, RK.documentDate, _typed("%04d-%02d" % dated, XSD.gYearMonth))
    if layout is not None:
        b.add(rep, RK.pages, _typed(layout.pages, XSD.integer))
        meta = layout.meta
        for key, prop in (("company", RK.issuer), ("consultant", RK.consultant), ("document", RK.documentKind)):
            if meta.get(key):
                b.add(rep, prop, _lit(meta[key]))
        if meta.get("date"):
            b.add(rep, RK.documentDate, _typed(meta["date"], XSD.gYearMonth))
        if layout.chapter_pages:
            b.add(rep, RK.minedPages, ox.Literal("%d-%d" % layout.chapter_pages))
        if layout.skipped_pages:
            b.add(rep, RK.skippedPages, ox.Literal(",".join(map(str, layout.skipped_pages))))

    for s in doc.sections:
        si = section_iri(rep, s.id)
        b.add(si, RDF.type, RK.Section)
        b.add(si, DCTERMS.identifier, ox.Literal(s.number or s.id))
        b.add(si, DCTERMS.title, _lit(s.title))
        b.add(si, DCTERMS.isPartOf, section_iri(rep, s.parent) if s.parent else rep)
        b.add(si, RK.report, rep)
        b.add(si, RK.level, _typed(s.level, XSD.integer))
        b.add(si, RK.order, _typed(s.order, XSD.integer))
        b.add(si, RK.line, _typed(s.line, XSD.integer))
        if s.page is not None:
            b.add(si, RK.page, _typed(s.page, XSD.integer))
        b.add(si, RK.text, _lit(doc.text[s.start:s.end].strip() or s.title))

    for m in claims.markets.values():
        mi = market_iri(m.key)
        b.add(mi, RDF.type, SKOS.Concept)
        b.add(mi, RDF.type, RK.Market)
        b.add(mi, SKOS.inScheme, f"{ID_BASE}scheme/markets")
        _labels(b, mi, m.zh, m.en, m.labels)
    for sg in claims.segments.values():
        gi = segment_iri(sg.key)
        b.add(gi, RDF.type, SKOS.Concept)
        b.add(gi, RDF.type, RK.Segment)
        b.add(gi, SKOS.inScheme, f"{ID_BASE}scheme/segments")
        b.add(gi, SKOS.broader, market_iri(sg.market_key))
        extra = list(sg.labels) + [sg.qualifier] + list(sg.aliases)
        q_en = load_lexicon().translate(sg.qualifier) if has_cjk(sg.qualifier) else None
        if q_en:
            extra.append(q_en)
        _labels(b, gi, sg.zh, sg.en, extra)

    ds = f"{rep}/dataset"
    b.add(ds, RDF.type, QB.DataSet)
    b.add(ds, DCTERMS.source, rep)
    slices: set[str] = set()
    for n, f in enumerate(claims.figures, 1):
        oi = f"{rep}/obs/{n}"
        if f.market_key and f.region:
            _slice(b, slices, oi, ds, market_iri(f.market_key), str(f.metric), str(f.region))
        b.add(oi, RDF.type, QB.Observation)
        b.add(oi, QB.dataSet, ds)
        b.add(oi, RK.report, rep)
        b.add(oi, RK.metric, f.metric)
        if f.market_key:
            b.add(oi, RK.market, market_iri(f.market_key))
        if f.region:
            b.add(oi, SDMX_DIM.refArea, f.region)
        if f.segment_key:
            b.add(oi, RK.segment, segment_iri(f.segment_key))
        if f.year:
            b.add(oi, SDMX_DIM.refPeriod, _typed(f.year, XSD.gYear))
            b.add(oi, RK.year, _typed(f.year, XSD.integer))
        if f.period:
            b.add(oi, RK.periodStart, _typed(f.period[0], XSD.integer))
            b.add(oi, RK.periodEnd, _typed(f.period[1], XSD.integer))
            b.add(oi, SDMX_DIM.refPeriod, ox.Literal(f"{f.period[0]}/{f.period[1]}"))
        b.add(oi, RK.value, _num(f.value))
        b.add(oi, RK.valueText, ox.Literal(f.value_text))
        b.add(oi, RK.unitText, _lit(f.unit))
        b.add(oi, SDMX_ATT.unitMeasure, UNITS.get(f.currency, RK.percent) if (f.currency or f.unit == "%") else RK.units)
        b.add(oi, SDMX_ATT.unitMult, _typed(f.mult, XSD.integer))
        b.add(oi, RK.normalizedValue, _typed(repr(float(f.normalized)), XSD.double))
        b.add(oi, SDMX_ATT.obsStatus, STATUS[f.status])
        b.add(oi, RK.comparator, getattr(RK, f.comparator))
        if f.company:                 # the company the figure is about (its revenue, share, rank)
            ci = company_iri(f.company)
            b.add(ci, RDF.type, RK.Company)
            b.add(ci, RDFS.label, _lit(f.company))
            for name in _ALIASED.findall(f.company):   # '山葉（YAMAHA）': '山葉' and 'YAMAHA' name it too
                for part in name:
                    b.add(ci, RDFS.label, _lit(part))
            b.add(oi, RK.company, ci)
        if f.product:                 # the company's product (model) it is about
            b.add(oi, RK.product, _lit(f.product))
        if f.claim:
            b.add(oi, RK.claimKind, ox.Literal(f.claim))
        if f.subperiod:
            b.add(oi, RK.subperiod, ox.Literal(f.subperiod))
        if f.value_high is not None:
            b.add(oi, RK.upperValue, _num(f.value_high))
        _evidence(b, oi, rep, f.evidence)

    for n, d in enumerate(claims.definitions, 1):
        di = f"{rep}/definition/{n}"
        b.add(di, RDF.type, RK.Definition)
        b.add(di, RK.report, rep)
        b.add(di, RK.definedConcept, segment_iri(d.segment_key) if d.segment_key else market_iri(d.market_key))
        b.add(di, RK.label, _lit(d.label))
        b.add(di, RK.text, _lit(d.text))
        for x in d.deployment:
            b.add(di, RK.deployment, _lit(x))
        for x in d.priorities:
            b.add(di, RK.priority, _lit(x))
        _evidence(b, di, rep, d.evidence)
    for n, d in enumerate(claims.drivers, 1):
        di = f"{rep}/driver/{n}"
        b.add(di, RDF.type, RK.Driver)
        b.add(di, RK.report, rep)
        b.add(di, RK.order, _typed(n, XSD.integer))
        b.add(di, RDFS.label, _lit(d.label))
        b.add(di, RK.text, _lit(d.text))
        for k in d.segments:
            b.add(di, RK.namesSegment, segment_iri(k))
        _evidence(b, di, rep, d.evidence)
    for n, t in enumerate(claims.trends, 1):
        ti = f"{rep}/trend/{n}"
        b.add(ti, RDF.type, RK.Trend)
        b.add(ti, RK.report, rep)
        b.add(ti, RK.text, _lit(t.text))
        _evidence(b, ti, rep, t.evidence)
    for n, c in enumerate(claims.charts, 1):
        ci = f"{rep}/chart/{n}"
        b.add(ci, RDF.type, RK.Chart)
        b.add(ci, RK.report, rep)
        b.add(ci, DCTERMS.title, _lit(c.title))
        if c.period:
            b.add(ci, RK.periodStart, _typed(c.period[0], XSD.integer))
            b.add(ci, RK.periodEnd, _typed(c.period[1], XSD.integer))
        if c.unit:
            b.add(ci, RK.chartUnit, _lit(c.unit))
        b.add(ci, RK.dataInText, _typed("false", XSD.boolean))
        _evidence(b, ci, rep, c.evidence)
    for n, s in enumerate(claims.sources, 1):
        si = f"{rep}/source/{n}"
        b.add(si, RDF.type, RK.Source)
        b.add(si, RK.report, rep)
        for item in s.items:
            b.add(si, RDFS.label, _lit(item))
        _evidence(b, si, rep, s.evidence)
    return rep, b.quads


def _slice(b: _Builder, made: set[str], obs: str, ds: str, market: str, metric: str, region: str) -> None:
    """Put the observation in its market-metric-region slice (described once per report)."""
    si = slice_iri(market, metric, region)
    if si not in made:
        made.add(si)
        b.add(si, RDF.type, QB.Slice)
        b.add(si, QB.sliceStructure, RK.sliceByMarketMetricArea)
        b.add(si, RK.market, market)
        b.add(si, RK.metric, metric)
        b.add(si, SDMX_DIM.refArea, region)
        b.add(ds, QB.slice, si)
    b.add(si, QB.observation, obs)


def _labels(b: _Builder, iri: str, zh: str | None, en: str | None, alts: list[str]) -> None:
    prefs = set()
    if zh:
        b.add(iri, SKOS.prefLabel, _lit(zh, "zh"))
        prefs.add(("zh", zh))
    if en:
        b.add(iri, SKOS.prefLabel, _lit(en, "en"))
        prefs.add(("en", en))
    seen = set()
    for a in alts:
        key = ("zh" if has_cjk(a) else "en", a)
        if a and key not in prefs and key not in seen:
            seen.add(key)
            b.add(iri, SKOS.altLabel, _lit(a))


def _evidence(b: _Builder, claim: str, rep: str, ev: Evidence) -> None:
    ei = f"{claim}/evidence"
    b.add(claim, PROV.wasDerivedFrom, section_iri(rep, ev.section))
    b.add(claim, RK.evidence, ei)
    b.add(ei, RDF.type, OA.TextQuoteSelector)
    b.add(ei, RDF.type, OA.TextPositionSelector)
    b.add(ei, OA.exact, _lit(ev.quote))
    b.add(ei, OA.start, _typed(ev.start, XSD.integer))
    b.add(ei, OA.end, _typed(ev.end, XSD.integer))
    b.add(ei, RK.line, _typed(ev.line, XSD.integer))
    if ev.page is not None:
        b.add(ei, RK.page, _typed(ev.page, XSD.integer))
        label = ev.page_label
        if label:
            b.add(ei, RK.pageLabel, ox.Literal(label))
    if ev.cell:
        b.add(ei, RK.tableCell, _lit(ev.cell))
