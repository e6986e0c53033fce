"""How much work one report may cause, in proportion to its text: a report past a cap is refused with one
line, before the expensive step it would blow up (measured in docs/serve.md, "Bounded ingest").

A real report, however long, has a heading every few hundred characters at most, a figure every few dozen,
and some tens of triples per figure. Text shaped otherwise (100,000 headings in 2 MB, a figure in every
20 characters for megabytes) is not a report, and building its graph would take minutes and gigabytes:

    budget = Budget()
    budget.check_text(path, text)           # before anything: numbers with units, counted by one regex
    budget.check_document(doc)              # after parsing: headings and blocks
    budget.check_claims(doc, claims)        # after extraction: claims
    budget.check_triples(doc, n)            # after the graph is built, before it is validated and stored

Each cap is ``floor + per_char * characters``, so a short report is never refused for being short, and
an absolute ``ceiling`` keeps the largest accepted report within the serving targets (60 s, 1.5 GB).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Errors, IngestError

# what may become a figure: a number with a scale, a currency or a percent sign next to it (a cheap count,
# made before any tokenising, so that text made of figures is refused at once rather than after minutes)
_AMOUNT = re.compile(r"\d[\d,.]*\s?(?:%|亿|万|兆|億|bn|mn|billion|million|trillion|thousand)|(?:US\$|\$|RMB|USD|HK\$|€|£|¥)\s?\d",
                     re.I)


_HASH_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]", re.M)


@dataclass(frozen=True)
class Cap:
    floor: int
    per_char: float
    ceiling: int

    def of(self, chars: int) -> int:
        return min(self.ceiling, self.floor + int(self.per_char * chars))


@dataclass(frozen=True)
class Budget:
    sections: Cap = Cap(200, 1 / 100, 50_000)        # headings: one per 100 characters
    lines: Cap = Cap(2_000, 1 / 8, 400_000)            # lines, blank ones included, counted on the raw text
    blocks: Cap = Cap(1_000, 1 / 40, 100_000)         # paragraphs, items, rows: one per 40 characters
    amounts: Cap = Cap(1_000, 1 / 10, 20_000)         # numbers with a unit, counted on the raw text
    claims: Cap = Cap(500, 1 / 40, 10_000)            # figures, CAGRs, definitions, drivers
    triples: Cap = Cap(20_000, 1.0, 300_000)          # the report's graph

    def _check(self, what: str, n: int, cap: Cap, doc) -> None:
        chars = len(doc.text)
        limit = cap.of(chars)
        if n > limit:
            raise IngestError(doc.path, Errors.OVER_BUDGET.format(n=n, what=what, limit=limit, chars=chars))

    def check_text(self, path: str, text: str) -> None:
        """Before parsing: refuse text with more candidate figures than a report this long may give."""
        lines = text.count("\n") + 1
        if lines > self.lines.of(len(text)):
            raise IngestError(path, Errors.OVER_BUDGET.format(n=lines, what="lines", limit=self.lines.of(len(text)),
                                                              chars=len(text)))
        heads = len(_HASH_HEADING.findall(text))      # markdown headings: every one a section, so counted now
        if heads > self.sections.of(len(text)):
            raise IngestError(path, Errors.OVER_BUDGET.format(n=heads, what="headings", chars=len(text),
                                                              limit=self.sections.of(len(text))))
        cap = self.amounts.of(len(text))
        n = 0
        for n, _ in enumerate(_AMOUNT.finditer(text), 1):
            if n > cap:
                raise IngestError(path, Errors.OVER_BUDGET.format(n=len(_AMOUNT.findall(text)), what="amounts",
                                                                  limit=cap, chars=len(text)))

    def check_document(self, doc) -> None:
        self._check("headings", len(doc.sections), self.sections, doc)
        self._check("paragraphs, list items and table rows", len(doc.blocks), self.blocks, doc)

    def check_claims(self, doc, count: int) -> None:
        self._check("claims", count, self.claims, doc)

    def check_triples(self, doc, count: int) -> None:
        self._check("triples", count, self.triples, doc)


DEFAULT = Budget()
