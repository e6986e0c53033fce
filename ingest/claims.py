"""Claims read out of a report: every one carries the evidence it came from."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Evidence:
    section: str          # section id ("1.3" or a title)
    quote: str            # the sentence, as written (markup removed)
    start: int            # character offsets into the report file
    end: int
    line: int
    cell: str | None = None   # a table figure: its row and column as the table heads them ('协作机器人 × 2030E')
    page: int | None = None   # the page the quote starts on, where the source has pages
    page_label: str | None = None   # the number printed on that page, where it differs


@dataclass
class Figure:
    """A number the report states: a market size, a rate, a share, a CAGR (metric 'CAGR', with a period)."""
    metric: str                     # metric concept IRI
    metric_label: str               # e.g. "market size", "CAGR", "penetration rate"
    market: str                     # market label as written
    region: str | None              # region concept IRI
    region_label: str | None        # canonical English region label
    segment: str | None             # segment label as written, None for the total
    year: int | None
    period: tuple[int, int] | None
    value: float                    # as written
    value_text: str                 # "1,046.8" as written
    unit: str                       # as written: "亿元人民币", "%", "USD billion"
    currency: str | None            # ISO code or None
    mult: int                       # power of ten of the unit (亿 = 8)
    comparator: str                 # eq | lt | gt | approx
    status: str                     # actual | forecast
    evidence: Evidence
    market_key: str = ""            # resolved market / segment keys (filled by resolve())
    segment_key: str | None = None
    tentative_segment: str | None = None    # a share's holder, kept if it names a known segment
    at: int = -1                            # where its number is in the sentence (figures read from sentences)
    claim: str | None = None                # the frame kind (ingest/frames.toml): market_size, cagr, growth, share, ...
    company: str | None = None              # the company it is about, as written
    subject_type: str | None = None         # market | segment | company | product
    product: str | None = None              # the company's product it is about ('E60EVO' of 贝克巴斯), as written
    subperiod: str | None = None            # Q3, H1, 1-11月, FY
    value_high: float | None = None         # the upper bound of a range ('USD 10-12 billion')
    sign: str | None = None                 # + or - for a growth or change
    form: str | None = None                 # the catalogue form that read it
    unplaced: bool = False                  # whose it is the sentence does not say: kept only if a segment the
                                            # document lists claims it (resolved with the document), else dropped

    @property
    def normalized(self) -> float:
        if self.unit == "%":
            return self.value
        return self.value * 10 ** self.mult

    @property
    def kind(self) -> str:
        return "cagr" if self.period else "figure"


@dataclass
class Definition:
    label: str                      # the segment / market as written in the lead
    text: str
    deployment: list[str]
    priorities: list[str]
    evidence: Evidence
    market_key: str = ""
    segment_key: str | None = None


@dataclass
class Driver:
    label: str
    text: str
    segments: list[str]             # segment keys the driver names
    evidence: Evidence


@dataclass
class Trend:
    text: str
    evidence: Evidence


@dataclass
class Chart:
    title: str
    period: tuple[int, int] | None
    unit: str | None
    forecast: bool
    evidence: Evidence


@dataclass
class Source:
    items: list[str]
    evidence: Evidence


@dataclass
class ReportInfo:
    title: str
    publisher: str | None
    year: int | None
    contact: list[str]
    lang: str
    evidence: Evidence | None


@dataclass
class Market:
    key: str
    labels: list[str]               # as written, most frequent first
    en: str | None
    zh: str | None


@dataclass
class Segment:
    key: str                        # "<market key>/<qualifier key>"
    market_key: str
    qualifier: str                  # the distinctive part: "云端"
    labels: list[str]
    en: str | None
    zh: str | None
    aliases: list[str] = field(default_factory=list)   # what sets it apart from its siblings ('800G')


@dataclass
class Claims:
    report: ReportInfo
    figures: list[Figure] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    markets: dict[str, Market] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)

    def count(self) -> int:
        return len(self.figures) + len(self.definitions) + len(self.drivers) + len(self.trends)

    def to_json(self) -> list[dict]:
        """The `reportkg claims --json` array (DESIGN.md): one object per claim."""
        out: list[dict] = []
        seg_label = {k: s.labels[0] for k, s in self.segments.items()}
        for f in self.figures:
            out.append({
                "kind": f.kind, "metric": f.metric_label, "market": f.market, "region": f.region_label,
                "segment": f.segment, "year": f.year, "period": list(f.period) if f.period else None,
                "value": int(f.value) if float(f.value).is_integer() else f.value, "unit": f.unit,
                "comparator": f.comparator, "status": f.status, "normalized": f.normalized,
                "currency": f.currency, **_frame_fields(f), **_ev(f.evidence)})
        for d in self.definitions:
            out.append({"kind": "definition", "segment": d.label, "text": d.text, "deployment": d.deployment,
                        "priorities": d.priorities, **_ev(d.evidence)})
        for d in self.drivers:
            out.append({"kind": "driver", "label": d.label, "text": d.text,
                        "segments": [seg_label.get(k, k) for k in d.segments], **_ev(d.evidence)})
        for t in self.trends:
            out.append({"kind": "trend", "text": t.text, **_ev(t.evidence)})
        for c in self.charts:
            out.append({"kind": "chart", "title": c.title, "period": list(c.period) if c.period else None,
                        "unit": c.unit, "forecast": c.forecast, **_ev(c.evidence)})
        for s in self.sources:
            out.append({"kind": "source", "items": s.items, **_ev(s.evidence)})
        r = self.report
        out.append({"kind": "report", "title": r.title, "publisher": r.publisher, "year": r.year,
                    "contact": r.contact, "lang": r.lang, **(_ev(r.evidence) if r.evidence else {})})
        return out


def _frame_fields(f: Figure) -> dict:
    out = {"claim": f.claim or ("cagr" if f.period else "market_size" if f.metric_label == "market size" else None),
           "subject_type": f.subject_type or ("segment" if f.segment else "market"), "company": f.company}
    for k in ("product", "subperiod", "value_high", "sign"):
        if getattr(f, k) is not None:
            out[k] = getattr(f, k)
    return out


def _ev(e: Evidence) -> dict:
    d = asdict(e)
    out = {"section": d["section"], "quote": d["quote"], "line": d["line"], "start": d["start"], "end": d["end"]}
    if e.cell:
        out["cell"] = e.cell
    if e.page is not None:
        out["page"] = e.page
        if e.page_label:
            out["page_label"] = e.page_label
    return out
