"""Frame: what a question asks, as slots (intent + entities), before any query runs."""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass
class Frame:
    text: str                                   # the normalised question
    lang: str                                   # zh | en
    cues: set[str] = field(default_factory=set) # family cue names found ("share", "compare", ...)
    markets: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)     # companies the graph holds figures of ('贝克巴斯')
    products: list[str] = field(default_factory=list)      # their products (models) ('E60EVO'), as stored
    years: list[int] = field(default_factory=list)
    period: tuple[int, int] | None = None
    unit: tuple[str | None, int | None] | None = None     # asked-for (currency, power of ten)
    threshold: tuple[str, float] | None = None            # ("gt", 2e11) for "segments above 2,000 亿元"
    unknown: list[str] = field(default_factory=list)      # names the graph does not know ("AMD")
    unknown_market: str | None = None                     # "the training chip market": a market no report covers
    leftover: list[str] = field(default_factory=list)     # content words nothing accounts for (qa/words.toml)
    negated: bool = False                                 # 'non-cloud', '除中国以外', 'not': something is excluded
    negated_segments: list[str] = field(default_factory=list)   # what is excluded (not in segments/regions)
    negated_regions: list[str] = field(default_factory=list)
    followup: bool = False
    refers_back: bool = False                             # "that", "这", "该" point at the previous answer
    family: str | None = None

    def copy(self, **kw) -> "Frame":
        return replace(self, **kw)

    def has_content(self) -> bool:
        return bool(self.markets or self.segments or self.regions or self.metrics or self.years or self.period)
