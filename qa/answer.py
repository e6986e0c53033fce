"""The Answer: what every front end shows. Schema in DESIGN.md (Interfaces)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Value:
    label: str
    value: float
    unit: str
    year: int | None = None
    market: str | None = None
    region: str | None = None
    segment: str | None = None
    comparator: str = "eq"
    status: str = "actual"          # actual | forecast | derived
    period: list[int] | None = None
    normalized: float | None = None
    report: str | None = None
    text: str | None = None         # the value as the answer phrases it, in its language ('RMB 606.7 billion')


@dataclass
class Citation:
    report: str
    section: str
    section_title: str
    quote: str
    line: int | None = None
    report_title: str | None = None
    cell: str | None = None        # a figure read from a table: the row and column of its cell
    page: int | None = None        # the physical page (1-based) of a paged source (a PDF); None for text
    page_label: str | None = None  # the page number printed on that page, where it differs from ``page``

    def where(self) -> str:
        """'line 2376, p. 120 (printed 110)', 'line 12', 'p. 3'."""
        return ", ".join(x for x in ((f"line {self.line}" if self.line is not None else ""),
                                     page_text(self.page, self.page_label)) if x)


def page_text(page: int | None, label: str | None = None) -> str:
    """'p. 120 (printed 110)' (the printed number only where it differs from the physical page), or ''."""
    if page is None:
        return ""
    return f"p. {page}" + (f" (printed {label})" if label and str(label) != str(page) else "")


@dataclass
class Answer:
    question: str
    lang: str
    status: str                      # answered | derived | not_found
    answer: str
    values: list[Value] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sparql: str = ""
    interpretation: str = ""
    family: str = ""
    formula: str | None = None       # for derived answers: how the number was computed
    used: list = field(default_factory=list, repr=False, compare=False)   # the stated figures behind it (not serialised)
    options: list[str] = field(default_factory=list)   # a question back: the markets one of which is meant

    def to_json(self) -> dict:
        d = {
            "question": self.question, "lang": self.lang, "status": self.status, "answer": self.answer,
            "values": [{k: v for k, v in asdict(x).items() if v is not None or k in ("year", "segment", "region", "market")}
                       for x in self.values],
            "citations": [{k: v for k, v in asdict(c).items() if k != "cell" or v} for c in self.citations],
            "sparql": self.sparql, "interpretation": self.interpretation, "family": self.family,
        }
        if self.formula:
            d["formula"] = self.formula
        if self.options:
            d["options"] = list(self.options)
        return d

    def render(self) -> str:
        """Plain text for the terminal: answer, then citations."""
        lines = [self.answer]
        for c in self.citations:
            sec = f"§{c.section} {c.section_title}" if c.section != c.section_title else c.section_title
            where = ", ".join(x for x in (c.where(), f"table cell {c.cell}" if c.cell else "") if x)
            lines.append(f"  [{sec}] “{c.quote}”" + (f" ({where})" if where else ""))
        if self.interpretation:
            lines.append(f"  ({self.interpretation})")
        return "\n".join(lines)
