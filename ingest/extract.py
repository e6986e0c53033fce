"""Document -> Claims, with spaCy rule components on blank pipelines.

The annotator is a blank ``zh`` / ``en`` pipeline with an ``entity_ruler`` whose phrase patterns come
from the glossary (regions, metrics) and a ``reportkg_quantities`` component that marks amounts,
percentages, years and periods. The extractor then reads each sentence's spans with a few general
rules: which market a figure measures (the noun phrase before 市场/行业/market), its region and year
(nearest mention, else inherited from the sentence that introduces a list), forecast cues, bounds.
Nothing here names a report's markets, segments or figures.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import Lexicon, load_lexicon
from kg.namespaces import METRIC_CAGR, METRIC_GROWTH, METRIC_MARKET_SIZE, METRIC_SHARE, REGION_GLOBAL

from .claims import (Chart, Claims, Definition, Driver, Evidence, Figure, Market, ReportInfo, Segment, Source,
                     Trend)
from .document import Block, Document, Sentence
from .frames import _CJK_SPACES, BASE_PERIOD, COMPARISON_BASE, Frame, is_base_year, names_that_year, titled_quarter, catalogue as frame_catalogue, continues_time, document_names, frames as sentence_frames, names_nothing, verb_headed
from .markup import dated_title, parse_date
from .quantities import find_periods, find_quantities, find_years
from .text import fold, has_cjk, is_traditional, replace_zh_years, squash, tokenizer_safe

if not Doc.has_extension("quantities"):
    Doc.set_extension("quantities", default=None)
    Doc.set_extension("years", default=None)
    Doc.set_extension("periods", default=None)


@Language.component("reportkg_quantities")
def quantities_component(doc: Doc) -> Doc:
    text = doc.text
    periods = find_periods(text)
    doc._.periods = periods
    doc._.years = find_years(text, periods)
    doc._.quantities = find_quantities(text, doc.user_data.get("original", text))
    return doc


MARKET_WORDS_ZH = ("市场规模", "行业规模", "产业规模", "市场总规模", "市场", "行业", "产业")
MARKET_WORDS_EN = re.compile(r"\b(?:(market|industry|sector)s?|(segment)(s?))\b", re.I)
# "the fastest-growing segment reached …": a segment the words do not name, only rank or point at
VAGUE_SEGMENT_WORDS = {"largest", "biggest", "smallest", "fastest", "slowest", "highest", "lowest", "strongest",
                       "weakest", "leading", "dominant", "top", "first", "second", "third", "last", "remaining", "other",
                       "another", "which", "what", "one", "each", "every", "growing", "performing", "key", "main",
                       "major", "single", "same", "given", "particular", "respective", "any", "either", "both",
                       "core", "emerging", "new", "mature", "niche", "smaller", "larger", "high-growth", "fast-growing",
                       "among", "several", "various", "many", "some", "two", "three", "four", "five"}
# ... or ranks first and then says what kind: "the largest end-user segment", "the second-largest product segment"
RANKED_SEGMENT = re.compile(r"^(?:\w+-)?(?:largest|biggest|smallest|fastest|slowest|highest|lowest|strongest|weakest|"
                            r"leading|dominant|remaining)(?:[\s-]+growing)?(?:\s|$)", re.I)
# "the market segment for …", "across all segments": words that name no segment
NOT_A_SEGMENT_NAME = {"market", "industry", "sector", "all", "these", "those", "such", "said",
                      "its", "their", "our", "this", "that", "by", "per", "across", "every", "each", "we", "they", "you"}
WHOLE_MARKET = {"all", "across", "total", "combined", "overall", "entire"}     # "across all segments": the market
SEGMENT_SUFFIX = re.compile(r"(?:\s+segments?|\s*[细細]分(?:[市][场場]|行[业業]|[领領][域])?)$", re.I)
MARKET_WORD_END = re.compile(r"\s+(?:market|industry|sector)$", re.I)       # "the smart widget market segment"
SEGMENT_WORD_ZH = "细分"
SEGMENT_VERB = re.compile(r"\s+(?:the|this|its|their|our|it|them|demand|customers|users|buyers)\b", re.I)
MARKET_WORD = re.compile(r"市场|行业|产业|\b(?:market|industry|sector)s?\b", re.I)
VAGUE_SEGMENT_ZH = re.compile(r"最(?:大|小|快|慢|高|低|强|弱|多|少|重要|主要|具)|其他|其余|其它|另一|一个|某|主要|哪|各|"
                              r"排名|第[一二三四五六七八九十\d]|前[一二三四五六七八九十\d]")
# leading words of a Chinese name that are not part of it: years, 其中, 而, 预计到 …
ZH_LEADING = re.compile(r"\s*(?:(?:19|20)\d{2}\s*年?|\d{1,2}\s*月(?:份)?|预计到?|到|其中|而|则|全部|其|该|此|这一|整个|已|将|年)\s*")
GENERIC_HEADS = {"细分", "整体", "总体", "该", "此", "本", "全", "国内", "国际", "相关", "上述", "各", "各细分",
                 "其", "这一", "总", "细分行业", "细分市场", "overall", "total", "entire", "whole", "same", "this",
                 "that", "its", "their", "global", "the", "our", "end", "each", "target", "addressable",
                 "total addressable", "broader", "wider", "overall global", "区域", "地区", "区域性", "全国",
                 "regional", "national", "largest national", "domestic", "local", "key", "major", "main", "市场规模",
                 "规模", "行业规模", "市场", "最大", "最小", "largest regional", "最大区域", "最大的区域"}
GENERIC_KEYS = {squash(w) for w in GENERIC_HEADS}
FORECAST_CUES = re.compile(r"预计|预期|预测|将会|将达|将|有望|估计|forecast|expected|expects|projected|projection|"
                           r"will|estimated to|anticipated|is set to|by\s+(?:19|20)\d{2}", re.I)
EN_STOP = {"the", "a", "an", "in", "of", "for", "and", "with", "by", "to", "at", "was", "is", "were", "are", "its",
           "this", "that", "from", "on", "as", "which", "while", "whereas", "where", "total", "overall", "be",
           "has", "have", "had", "been", "reach", "reached", "valued", "worth", "size", "sized"}
# the subject of a rate: "the penetration rate of electric vehicles in Europe rose …" (one to five words)
RATE_OF = re.compile(r"\s+(?:of|for|among)\s+([\w\-/+]+(?:\s+[\w\-/+]+){0,4}?)(?=\s+(?:in|among|across|for|at|by|"
                     r"to|from|was|is|will|has|had|reached|stood|rose|grew)\b|[,;.]|$)", re.I)
SEGMENT_INTRO = re.compile(r"(如下|分别为|分别是|包括|细分为|as follows|following|breaks down|splits|by segment|"
                           r"by product|by type|by application)\s*[:：]?\s*$|[:：]\s*$", re.I)
DRIVER_SECTION = re.compile(r"驱动|推动因素|动力|增长因素|driver|growth factor|catalyst|tailwind", re.I)
TREND_SECTION = re.compile(r"趋势|trend", re.I)
SHIFT = re.compile(r"从.{1,24}?(?:向|到|转向|转为).{1,24}?(?:转变|转型|转移|演进|迁移|过渡|发展)|"
                   r"\b(?:shift(?:ing|s)?|transition(?:ing|s)?|mov(?:ing|es)|migrat(?:ing|es|ion))\b.{0,40}?\bfrom\b.{1,60}?\bto\b",
                   re.I)
DEPLOY = re.compile(r"(?:通常)?(?:用于|部署于|部署在|应用于|应用在|适用于|安装于|用在|used in|deployed (?:in|at|on)|"
                    r"installed in|found in|embedded in|applied in|serve[sd]?)\s*(.+?)(?:[，,。；;]|$)", re.I)
PRIORITY = re.compile(r"(?:优先考量|优先考虑|注重|侧重|强调|需要在|要求|专为|prioriti[sz]es?|focus(?:es)? on|emphasi[sz]es?|designed for|"
                      r"require[sd]?|optimi[sz]ed for)\s*(.+?)(?:。|$)", re.I)
EXAMPLE = re.compile(r"(?:例如|比如|如|包括|such as|including|e\.g\.)\s*(.+?)(?:等|[。]|$)", re.I)
SOURCE_PREFIX = re.compile(r"^(资料来源|数据来源|来源|sources?)\s*[:：]\s*", re.I)
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?P<y>(?:19|20)\d{2})?\s*(?P<p>[^。.,，|]+?)\s*(?:版权所有|保留所有权利|all rights reserved|[.。,，]|$)", re.I)
PUBLISHED_BY = re.compile(r"(?:published by|prepared by)\s*(?P<p>[^。.,，|]{2,40}?)\s*(?:[.。,，|]|$)|"
                          r"由\s*(?P<p2>[^。.,，]{2,40}?)\s*(?:发布|编制|出具|撰写|制作)", re.I)
ORG_WORDS = re.compile(r"advisory|research|consult|insight|partners|group|capital|securities|analytics|intelligence|"
                       r"associates|institute|研究院|研究所|咨询|智库|证券|资本|研究中心|顾问|数据", re.I)
MARKET_IN_TITLE = re.compile(r"((?:[A-Za-z][\w\-&/+.']*\s+){1,6}?)(?:market|industry|sector)\b|"
                             r"([\u4e00-\u9fffA-Za-z0-9]{2,20}?)(?:市场|行业|产业)", re.I)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")   # bounded: linear on any text
URL = re.compile(r"https?://[^\s)\]>]+")
SHARE_CUE = re.compile(r"占据?|accounted for|accounts for|account for|represent(?:ed|s)?|made up|makes up|held|holds", re.I)
DEF_SECTION = re.compile(r"定义|概述|概览|简介|范围|definition|overview|introduction|scope|summary|摘要", re.I)
SAME_PERIOD = re.compile(r"same period|同期|该期间|同一期间|over this period", re.I)
RESPECTIVELY = re.compile(r"分别|respectively|各自", re.I)
STRONG_TITLE_WORDS = re.compile(r"报告|白皮书|蓝皮书|report|white paper|outlook", re.I)
TITLE_WORDS = re.compile(r"报告|白皮书|蓝皮书|研究|report|outlook|study|analysis|review|survey|white paper", re.I)


@dataclass
class Mention:
    start: int
    end: int
    iri: str
    text: str


@dataclass
class Context:
    """What a sentence inherits when it does not say it (the list intro, the paragraph before)."""
    market: str | None = None
    region: str | None = None
    year: int | None = None
    status: str | None = None
    segment: tuple[str, int] | None = None   # a segment the paragraph's last figure named, and that paragraph
    metrics: frozenset[str] = frozenset()    # what the figures of the sentence that gave `year` measure
    period: tuple[int, int] | None = None    # the period the sentence before stated ('From 2020 to 2024, …')
    told: int | None = None                  # the year a sentence after `year`'s told with no figure ('早在2019年，…')


@dataclass
class _Annotated:
    sent: Sentence
    block: Block
    regions: list[Mention]
    metrics: list[Mention]
    doc: Doc


@functools.lru_cache(maxsize=4)
def build_annotator(lang: str) -> Language:
    """A blank spaCy pipeline with glossary phrase patterns and the quantity component."""
    lex = load_lexicon()
    nlp = spacy.blank("zh" if lang == "zh" else "en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True})
    patterns, seen = [], set()
    for concepts, label in ((lex.regions, "REGION"), (lex.metrics, "METRIC")):
        for c in concepts:
            for text, _lang in c.labels():
                key = (label, fold(text).lower(), c.iri)
                if key in seen or len(text.strip()) < 2:
                    continue
                seen.add(key)
                patterns.append({"label": label, "pattern": fold(text).lower(), "id": c.iri})
    ruler.add_patterns(patterns)
    nlp.add_pipe("reportkg_quantities")
    return nlp


def _ascii_bounded(text: str, start: int, end: int) -> bool:
    span = text[start:end]
    if not span.isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


class Extractor:
    def __init__(self, doc: Document, lexicon: Lexicon | None = None):
        self.doc = doc
        self.lex = lexicon or load_lexicon()
        self.nlp = build_annotator(doc.lang)
        self.region_label = {c.iri: c.label("en") for c in self.lex.regions}
        self.metric_by_iri = {c.iri: c for c in self.lex.metrics}
        self.cagr_iris = {METRIC_CAGR}
        self.market_size_iri = METRIC_MARKET_SIZE
        self.share_iri = METRIC_SHARE
        self.sentences: list[_Annotated] = []
        self.claims: Claims | None = None
        self._last_period: tuple[int, int] | None = None

    # ------------------------------------------------------------------ annotate
    def annotate(self) -> None:
        size = min(MAX_SENTENCE, self.nlp.max_length - 1)
        items = [(piece, b) for b in self.doc.blocks if b.mine for s in b.sentences for piece in _pieces(s, size)]
        texts = [tokenizer_safe(s.norm.lower()) for s, _ in items]
        for (s, b), d in zip(items, self.nlp.pipe(texts)):
            d.user_data["original"] = s.text
            d._.quantities = find_quantities(d.text, s.text)
            regions = [Mention(e.start_char, e.end_char, e.ent_id_, e.text) for e in d.ents
                       if e.label_ == "REGION" and _ascii_bounded(d.text, e.start_char, e.end_char)]
            metrics = [Mention(e.start_char, e.end_char, e.ent_id_, e.text) for e in d.ents
                       if e.label_ == "METRIC" and _ascii_bounded(d.text, e.start_char, e.end_char)]
            self.sentences.append(_Annotated(s, b, regions, metrics, d))

    # ------------------------------------------------------------------ run
    def run(self) -> Claims:
        self.annotate()
        self.names = document_names([a.sent.text for a in self.sentences],
                                    list(self.doc.front) + [s.title for s in self.doc.sections],
                                    {fold(l).lower() for c in self.lex.regions for l, _ in c.labels()})
        self._last_subject: dict[int, tuple[str, str, str | None]] = {}
        dated = self.dateline()
        self.dated_year, self.dated_month = dated if dated else (None, None)
        self.dated_subperiod = None
        if dated is None:       # a news item titled with its quarter ('… (Q3 2015 IDC and Gartner PC shipment data)')
            titled = next(filter(None, map(titled_quarter, self._titles())), None)
            if titled:
                self.dated_year, self.dated_subperiod = titled
        runs = re.findall(r"[\u4e00-\u9fff]{2,}", self.doc.text[:20000])
        self.roc = bool(runs) and sum(map(is_traditional, runs)) >= 0.2 * len(runs)   # Taiwan's 民國 years
        info = self.report_info()
        # a market report: its title names a market (a PDF's title may wrap over its first lines)
        titles = [info.title or "", " ".join(self.doc.front[:3]), (getattr(self.doc.layout, "meta", None) or {}).get("title", "")]
        self.market_report = any(MARKET_IN_TITLE.search(fold(t)) for t in titles if t)
        self.claims = Claims(report=info)
        self.figures()
        if self.dated_subperiod:      # an item titled with its quarter: its figures of that year are the quarter's
            for f in self.claims.figures:  # (not a forecast, nor one its sentence dates with the year alone: '… in 2015')
                if f.year == self.dated_year and not f.period and not f.subperiod and f.status == "actual" and \
                        str(f.year) not in f.evidence.quote:
                    f.subperiod = self.dated_subperiod
        self._local_yuan()
        self.resolve_markets()
        self.definitions()
        self.drivers_and_trends()
        self.charts_and_sources()
        self._prefer_full_labels()
        return self.claims

    def _local_yuan(self) -> None:
        """'全國營運中工廠總營收達21.9兆元' in a Taiwanese news item: a bare 元 of a traditional-script document is the
        currency of the place it is about (ingest/frames.toml [bare_yuan]), not the mainland's yuan."""
        if not self.roc:
            return
        text = fold(self.doc.text).lower()
        counts = {cur: sum(text.count(w) for w in words) for cur, words in frame_catalogue().bare_yuan.items()}
        cur = max(counts, key=counts.get, default=None)
        if cur is None or counts[cur] == 0 or sorted(counts.values())[-2:] == [counts[cur]] * 2:
            return
        for f in self.claims.figures:
            unit = fold(f.unit or "")
            if f.currency == "CNY" and unit.endswith("元") and not re.search(r"人民|rmb|cny", unit, re.I):
                f.currency = cur

    def _prefer_full_labels(self) -> None:
        """A segment's preferred label is the one that names its market ('腔镜手术机器人', not '腔镜');
        siblings that share a head ('800G transceivers', '400G transceivers'; '腔镜手术机器人', '骨科手术机器人')
        are also known by what sets them apart ('800G', '腔镜')."""
        by_market: dict[str, list[Segment]] = {}
        for seg in self.claims.segments.values():
            by_market.setdefault(seg.market_key, []).append(seg)
        for sibs in by_market.values():
            heads = Counter(_head(seg.labels[0]) for seg in sibs)
            for seg in sibs:
                h = _head(seg.labels[0])
                if h and heads[h] >= 2:
                    short = seg.labels[0][: len(seg.labels[0]) - len(h)].strip()
                    if len(squash(short)) >= 2 and squash(short) != squash(seg.qualifier):
                        seg.aliases.append(short)
        for seg in self.claims.segments.values():
            full = [l for l in seg.labels if seg.market_key and seg.market_key in squash(l)]
            if full and has_cjk(full[0]):
                seg.zh = full[0]
            elif full:
                seg.en = full[0]

    def evidence(self, a: _Annotated | None = None, sent: Sentence | None = None, block: Block | None = None) -> Evidence:
        s = sent or a.sent
        b = block or a.block
        return Evidence(b.section, s.text, s.start, s.end, s.line, page=s.page, page_label=self.page_label(s.page))

    def page_label(self, page: int | None) -> str | None:
        layout = self.doc.layout
        return layout.page_labels.get(page) if layout is not None and page is not None else None

    # ------------------------------------------------------------------ report metadata
    def report_info(self) -> ReportInfo:
        d = self.doc
        title = next((t for t in d.front if STRONG_TITLE_WORDS.search(fold(t))), None) or \
            next((t for t in d.front if MARKET_IN_TITLE.search(fold(t))), None) or \
            next((t for t in d.front if TITLE_WORDS.search(fold(t))), None) or \
            next((s.title for s in d.sections if TITLE_WORDS.search(fold(s.title))), None) or \
            (d.front[-1] if d.front else d.sections[0].title)
        publisher, year, ev = None, None, None
        for a in self.sentences:
            m = COPYRIGHT.search(fold(a.sent.text))
            if m and m.group("p").strip():
                publisher = a.sent.text[m.start("p"):m.end("p")].strip()
                year = int(m.group("y")) if m.group("y") else None
                ev = self.evidence(a)
                break
        if publisher is None:
            for a in self.sentences:
                parts = [p.strip() for p in a.sent.text.split("|")]
                if len(parts) == 2 and squash(title) in (squash(parts[0]), squash(parts[1])):
                    publisher = parts[0] if squash(parts[1]) == squash(title) else parts[1]
                    ev = self.evidence(a)
                    break
        if publisher is None:
            for a in self.sentences:
                m = PUBLISHED_BY.search(a.sent.text)
                if m:
                    publisher, ev = (m.group("p") or m.group("p2")).strip(), self.evidence(a)
                    break
        if publisher is None:          # 'Halden & Roe Advisory — Industry Research Series, October 2024'
            cover = [a for a in self.sentences[:6] if d.sections and a.block.section == d.sections[0].id
                     and d.sections[0].number is None]
            for a in cover:
                lead = re.split(r"\s+[—–|-]\s+|\s*\|\s*|[,，]", a.sent.text)[0].strip()
                if squash(lead) != squash(title) and ORG_WORDS.search(fold(lead)) and len(lead) <= 60:
                    publisher, ev = lead, self.evidence(a)
                    break
        if publisher is None and d.front and d.front[0] != title:
            publisher = d.front[0]
        dated = self.dateline()
        if d.meta.get("title"):
            title = d.meta["title"]            # a saved page's front matter names it
        if publisher is None and (d.meta.get("publisher") or d.meta.get("author")):
            publisher = d.meta.get("publisher") or d.meta.get("author")
        if year is None and dated:
            year = dated[0]
        if year is None:
            m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title)
            year = int(m.group(1)) if m else None
        contact = sorted(set(EMAIL.findall(d.text)) | set(u.rstrip(".,;") for u in URL.findall(d.text)))
        return ReportInfo(title=title, publisher=publisher, year=year, contact=contact, lang=d.lang, evidence=ev)

    def _titles(self) -> list[str]:
        meta = self.doc.meta or (getattr(self.doc.layout, "meta", None) or {})
        return [meta.get("title", "")] + list(self.doc.front[:2]) + [s.title for s in self.doc.sections[:1]]

    def dateline(self) -> tuple[int, int | None] | None:
        """(year, month) the document is dated: its front matter's date, a PDF's cover date."""
        meta = self.doc.meta or (getattr(self.doc.layout, "meta", None) or {})
        if meta.get("date"):
            return parse_date(meta["date"])
        for title in self._titles():
            dated = dated_title(title)          # '財經新聞（2025年2月27日）': a news item's day
            if dated:
                return dated
        # 'date 2025-12-02 機車市場…', '更新於 2022年09月23日10:57' under a page's banner: the body's, in its first lines
        for first in [b.sentences[0].text for b in self.doc.blocks[:8] if b.sentences]:
            m = _dateline_rx().match(fold(first).lower())
            if m:
                return dated_title(first[m.end():m.end() + 40])
        return None

    # ------------------------------------------------------------------ figures
    def market_phrases(self, text: str, a: _Annotated) -> list[tuple[int, int, str, str]]:
        """(start, end, label as written, kind) for each 'X 市场规模' / 'the X market' / 'the X segment' in the
        sentence. kind is 'market'; 'segment' for 'the X segment' / 'X细分市场' (a segment, of a market the
        sentence need not name); 'vague' for 'the fastest-growing segment' (a segment it does not name)."""
        out = []
        original = a.sent.text
        if self.doc.lang == "zh" or has_cjk(text):
            inside_word = self._in_glossary_words(text)
            for m in re.finditer("|".join(MARKET_WORDS_ZH), text):
                left = m.start()
                i = left
                cut = frame_catalogue().cut        # the claim frames' subject cuts (ingest/frames.toml)
                while i > 0 and left - i < 24 and (i - 1 in inside_word or text[i - 1] not in cut):
                    i -= 1
                chunk = self._trim_chunk(text, i, left, a)
                said = text[i:left].strip()
                if said.endswith(SEGMENT_WORD_ZH):
                    # '增长最快的细分市场规模为 …', '其他细分市场', '最大细分市场': a segment the sentence does not name
                    if VAGUE_SEGMENT_ZH.search(said if chunk else text[max(0, i - 12):left]):
                        out.append(_ranked_named(text, original, i, m.end()) or (i, m.end(), SEGMENT_WORD_ZH, "vague"))
                        continue
                if chunk and verb_headed(text[chunk[0]:chunk[1]]):
                    chunk = None                   # '正式投入市场': putting on the market, no market's name
                if chunk:
                    cs, ce = chunk
                    label = _clean_label(original[cs:ce])
                    named = text[cs:ce].rstrip()
                    base = _clean_label(original[cs:cs + len(named) - len(SEGMENT_WORD_ZH)]) \
                        if named.endswith(SEGMENT_WORD_ZH) else ""
                    if base and base.endswith(frame_catalogue().locatives):
                        out.append((cs, m.end(), SEGMENT_WORD_ZH, "vague"))   # '数字产业化内部细分行业': within it
                        continue
                    if base and squash(base) not in GENERIC_HEADS:     # '消费级细分市场': the segment '消费级'
                        out.append((cs, m.end(), base, "segment"))
                    else:
                        out.append((cs, m.end(), label, "market"))
        in_name = {i for p in self.lex.en_phrases.finditer(text.lower()) for i in range(p.start(), p.end())}
        for m in MARKET_WORDS_EN.finditer(text):
            words = list(re.finditer(r"[A-Za-z0-9][\w\-&/+.]*", text[:m.start()]))
            keep = []
            for w in reversed(words):
                lw = w.group().lower().rstrip(".")
                gap = text[w.end():(keep[-1].start() if keep else m.start())]
                possessive = lw == "s" and text[w.start() - 1:w.start()] == "'"     # "China's"
                if lw in EN_STOP and w.start() not in in_name or re.search(r"[,;:()\"]", gap) or len(keep) >= 6 or \
                        possessive or \
                        any(r.start <= w.start() < r.end for r in a.regions) or re.fullmatch(r"(19|20)\d\d", lw):
                    break
                keep.append(w)
            if not keep:
                continue
            cs, ce = keep[-1].start(), keep[0].end()
            label = original[cs:ce].strip()
            if squash(label) in GENERIC_KEYS or re.fullmatch(r"[\d.,]+", label):
                continue
            if not m.group(2):
                out.append((cs, m.end(), label, "market"))
                continue
            if SEGMENT_VERB.match(text, m.end()):    # 'we segment the market by payload'
                continue
            words = set(re.split(r"[\s\-]+", label.lower())) - {""}
            if m.group(3) and not RESPECTIVELY.search(text):
                # 'across all segments': the market; 'the security and lighting segments together', 'other
                # segments', 'both segments': a sum or a segment the sentence does not name
                if not words <= WHOLE_MARKET | NOT_A_SEGMENT_NAME:
                    out.append((cs, m.end(), label, "vague"))
                continue
            if words <= VAGUE_SEGMENT_WORDS | NOT_A_SEGMENT_NAME or RANKED_SEGMENT.match(label):
                if words - NOT_A_SEGMENT_NAME:        # 'the fastest-growing segment', 'the largest end-user segment'
                    out.append(_ranked_named(text, original, cs, m.end()) or (cs, m.end(), label, "vague"))
            else:                                     # 'the consumer segment'; not 'the market segment'
                out.append((cs, m.end(), label, "segment"))
        return _segments_of(sorted(out), text, a.regions)

    def _in_glossary_words(self, text: str) -> set[int]:
        """Positions inside the glossary's Chinese words, which a boundary character does not split: '雷达' holds
        no verb '达', '在线教育' no preposition '在'."""
        return {i for w in self.lex.zh_words.finditer(text) for i in range(w.start(), w.end())}

    def _trim_chunk(self, text: str, i: int, left: int, a: _Annotated) -> tuple[int, int] | None:
        # drop leading years, cue words and region names
        for r in a.regions:
            if i <= r.start < left and r.end <= left:
                i = max(i, r.end)
        while True:
            seg = text[i:left]
            m = ZH_LEADING.match(seg)
            if m and m.end() > 0 and m.end() < len(seg):
                i += m.end()
                continue
            break
        while i < left and text[i] == " ":
            i += 1
        end = left
        while end > i and text[end - 1] == " ":
            end -= 1
        chunk = text[i:end]
        if ZH_LEADING.fullmatch(chunk):          # '2024年市场规模同比增长…': a year, not a market's name
            return None
        if len(squash(chunk)) < 2 or squash(chunk) in GENERIC_KEYS or re.search(r"\d", chunk) and not re.search(r"[a-z\u4e00-\u9fff]", chunk):
            return None
        return i, end

    @functools.cached_property
    def default_region(self) -> str | None:
        """Where a figure that names no region is: the region in the report's title, else none."""
        title = fold(self.claims.report.title).lower()
        d = self.nlp(tokenizer_safe(title))
        regions = [e.ent_id_ for e in d.ents if e.label_ == "REGION" and _ascii_bounded(d.text, e.start_char, e.end_char)]
        return regions[0] if regions else None

    def figures(self) -> None:
        ctx_by_section: dict[str, Context] = {}
        list_ctx: Context | None = None
        list_block_idx = -10
        for idx, a in enumerate(self.sentences):
            b = a.block
            if b.kind == "row":          # tables are read by their headers (ingest.tables), not as sentences
                list_ctx = None
                continue
            ctx = ctx_by_section.get(b.section)
            if ctx is None:          # a section headed 'Market Size Analysis of Integrated Circuits Industry'
                ctx = ctx_by_section[b.section] = Context(market=self._heading_market(b.section))
            qs = a.doc._.quantities or []
            in_list = (list_ctx is not None and b.kind in ("lead", "item") and b.lead
                       and self._block_index(b) == list_block_idx + 1)
            if in_list:
                list_block_idx += 1
                for q in qs[:1]:
                    if q.percent and not q.amount and list_ctx.market is None:
                        continue
                    self.claims.figures.append(self._segment_figure(a, q, list_ctx))
                continue
            if b.kind not in ("lead", "item") or not (list_ctx and self._block_index(b) == list_block_idx + 1):
                list_ctx = None
            figs = self._framed(a, self._sentence_figures(a, ctx) if qs else [], ctx)
            lead = self._item_segment(a) if figs else None
            for f in figs:         # '（一）餐飲外送：2024年規模為786億元': an item with no list introduced before it
                if lead and not f.segment and (not f.market or f.market == ctx.market):
                    f.market, f.segment = "", lead
            self.claims.figures.extend(figs)
            if figs:               # the period a sentence states is the one 'the same period' after it means
                ctx.period = next((tuple(f.period) for f in figs if f.period), None)
                # the sentence's main figure: the latest actual year ('$13.7 billion in 2024, up from $6.2 billion in 2020')
                plain = [f for f in figs if f.metric == self.market_size_iri] or \
                    [f for f in figs if f.metric_label != "CAGR"] or figs
                actual = [f for f in plain if f.status == "actual" and f.year]
                last = max(actual, key=lambda f: f.year) if actual else plain[-1]
                if not last.segment:
                    ctx.market, ctx.segment = last.market, None
                elif not last.market:  # 'The DC segment reached …. It is expected to grow …': the segment
                    ctx.segment = (last.segment, id(b))
                ctx.region = last.region
                # the measures stated for the year, over the sentences that keep to it; a comparison's base is
                # not ('sold 70.98 million units compared with 79.56 million units in 2014': not 2014's sentence)
                # (nor a year 'a year ago' gives: 'In the same quarter a year ago, Apple shipped …'; a sentence that
                # writes its year, '2024年…，较去年同期增长25%', keeps to it)
                if last.year and not (last.form or "").startswith("compared-base") and \
                        (str(last.year) in a.sent.norm or
                         not any(w in a.sent.norm.lower() for w in frame_catalogue().base_time)):
                    ctx.told = None
                    same = ctx.metrics if last.year == ctx.year else frozenset()
                    ctx.year, ctx.metrics = last.year, same | {f.metric for f in figs if f.year == last.year}
                ctx.status = last.status
            else:                  # a sentence of a year and no figure ('早在2019年，精英动漫与卡游达成授权合作'): the
                told = [y for y in a.doc._.years if not is_base_year(a.doc.text, y)]   # year 'that year' means next
                ctx.told = told[-1].year if told else ctx.told
            if SEGMENT_INTRO.search(a.sent.norm) and a.sent is b.sentences[-1]:
                base = next((f for f in reversed(figs) if f.kind == "figure" and not f.segment), None)
                yr = a.doc._.years
                list_ctx = Context(market=base.market if base else ctx.market,
                                   region=base.region if base else (a.regions[-1].iri if a.regions else ctx.region),
                                   year=base.year if base else (yr[-1].year if yr else ctx.year),
                                   status=base.status if base else ctx.status)
                list_block_idx = self._block_index(b)
        self._unplaced_regions()
        from .tables import TableReader
        self.claims.figures.extend(TableReader(self).figures())
        # a figure with neither a year nor a period ('by the end of the decade') cannot be placed in time: left out
        self.claims.figures = [f for f in self.claims.figures if f.year or f.period]
        self._uncredit_nothing_names()

    fallback_region: str | None = None

    def _uncredit_nothing_names(self) -> None:
        """A label that names nothing is taken off the figure it was credited to: a lone adjective or verb
        ('new', '活跃') or a cited source ('英国调查公司') as its market, segment or company; a figure left with no
        subject is dropped."""
        kept = []
        for f in self.claims.figures:
            taken = False
            for slot in ("market", "segment", "company"):
                if names_nothing(getattr(f, slot)):
                    setattr(f, slot, "" if slot == "market" else None)
                    taken = True
            if not taken or f.market or f.segment or f.company:
                kept.append(f)
        self.claims.figures = kept

    def _heading_market(self, sid: str) -> str | None:
        """The market a section's heading names ('Market Size Analysis of Integrated Circuits Industry',
        '中国调味品行业市场规模分析'), by the heading forms of ingest/frames.toml; what 'the overall market size'
        in the section is of."""
        cache = self.__dict__.setdefault("_heading_markets", {})
        if sid not in cache:
            cache[sid] = self._read_heading_market(sid)
        return cache[sid]

    def _read_heading_market(self, sid: str) -> str | None:
        sec = self.doc.section(sid)
        if sec is None:
            return None
        title = fold(sec.title).strip()
        for rx in frame_catalogue().heading_markets:
            m = rx.search(title)
            if m and m.group("name"):
                name = re.sub(r"^(?:the|global|worldwide|china'?s?|chinese|全球|中国|我国)\s*", "", m.group("name").strip(), flags=re.I)
                if len(squash(name)) >= 2 and squash(name) not in GENERIC_KEYS and not re.search(r"\d", name):
                    return sec.title[m.start("name") + len(m.group("name")) - len(name):m.end("name")].strip() \
                        if len(sec.title) == len(title) else name
        return None

    def _unplaced_regions(self) -> None:
        """A report whose title names no region and whose first stated total is global ('The global X market is
        estimated at …'): its figures that name no region are global too."""
        if self.default_region is not None:
            return
        first = next((f for f in self.claims.figures if f.region and not f.segment and f.metric == self.market_size_iri),
                     None)
        if first is None or first.region != REGION_GLOBAL:
            return
        self.fallback_region = REGION_GLOBAL
        for f in self.claims.figures:
            if f.region is None:
                f.region, f.region_label = REGION_GLOBAL, self.region_label.get(REGION_GLOBAL)

    def _item_segment(self, a: _Annotated) -> str | None:
        """The segment an enumerated or labelled item names ('（一）餐飲外送：…', '**Hardware:** …') when no list
        was introduced before it: not a region, metric, year or market the glossary or the report knows, not a
        heading word ('结论', 'Outlook'), and not in a driver or trend section, whose leads are drivers."""
        b = a.block
        if b.kind not in ("item", "lead") or not b.lead:
            return None
        sec = self.doc.section(b.section)
        if sec and (DRIVER_SECTION.search(fold(sec.title)) or TREND_SECTION.search(fold(sec.title))):
            return None
        label = _clean_label(ITEM_NUMBER.sub("", b.lead)).strip(" *:：")
        if not (2 <= len(squash(label)) <= 24) or NOT_AN_ITEM.search(fold(label)) or re.search(r"\d", label):
            return None
        doc = self.nlp(tokenizer_safe(fold(label).lower()))
        if any(e.label_ in ("REGION", "METRIC") for e in doc.ents) or MARKET_WORD.search(label) and \
                not SEGMENT_SUFFIX.search(label):
            return None
        return label

    @functools.cached_property
    def _block_positions(self) -> dict[int, int]:
        return {id(b): i for i, b in enumerate(self.doc.blocks)}

    def _block_index(self, b: Block) -> int:
        return self._block_positions[id(b)]

    def _segment_figure(self, a: _Annotated, q, ctx: Context) -> Figure:
        label = _clean_label(a.block.lead)
        status = ctx.status or "actual"
        metric = self.market_size_iri if q.amount else (self.share_iri or self.market_size_iri)
        return Figure(metric=metric, metric_label=self._metric_label(metric), market=ctx.market or "",
                      region=ctx.region, region_label=self.region_label.get(ctx.region), segment=label,
                      year=ctx.year, period=None, value=q.value, value_text=q.value_text, unit=q.unit,
                      currency=q.currency, mult=q.mult, comparator=q.comparator, status=status,
                      evidence=self.evidence(a))

    # ------------------------------------------------------------------ claim frames
    def _framed(self, a: _Annotated, figs: list[Figure], ctx: Context) -> list[Figure]:
        """The sentence's figures checked against its claim frames (ingest.frames): a figure no frame
        confirms (same value, a compatible measure, the same year) is dropped; a frame no figure states is
        added, where its subject and time are known."""
        fr = sentence_frames(a.sent.text, a.sent.norm, self.names, self.dated_year, self.roc, self.dated_month)
        held = [x for x in fr if x.pronoun]
        if held:
            firm = self._firm_before(a)
            for x in held:
                if firm is None:
                    x.subject_type = "vague"          # 'its share': of whom the paragraph does not say
                else:
                    x.company, x.subject_type = firm, "company"
        carried = self._last_subject.get(id(a.block))
        for x in fr:          # a sentence that names no subject continues its paragraph's ('… It grew 8%.')
            if x.subject is None and carried is not None and x.kind not in ("rank",):
                x.subject, x.subject_type, x.company = carried
                x.form = (x.form or "") + "+paragraph"
        named = [x for x in fr if x.subject]
        if named:
            self._last_subject[id(a.block)] = (named[-1].subject, named[-1].subject_type, named[-1].company)
        used: set[int] = set()
        out = []
        item = None                       # '（一）餐飲外送：…': the item's label names the segment (read after)
        for f in figs:
            if f.metric == self.market_size_iri and f.currency and not f.mult and abs(f.value) < 1e6:
                continue                  # '$13,735' with no scale word is a price or a count, never a market's size
            j = next((j for j, x in enumerate(fr) if j not in used and _confirms(x, f)), None)
            if j is None:
                continue
            used.add(j)
            x = fr[j]
            if x.untimed and x.year is None:
                continue                  # '去年…769亿元' in an undated text: a time the text does not give
            if x.firm and not x.company:
                continue                  # a profit, a valuation: a firm's, and the text does not say which firm
            if x.subject_type == "vague" and not x.company and not f.segment:
                continue                  # 'the top three companies accounted for 46.9%': whose share it does not name
            if x.period_end and x.year is None and not f.period:
                if ctx.period is None:
                    continue              # 'grew from A to B' over a period the text before does not give
                f.year = ctx.period[0] if x.period_end == "first" else ctx.period[1]
            if x.kind in ("growth", "share", "cagr") and x.kind not in _KIND_OF_LABEL.get(f.metric_label, set()) or \
                    x.kind == "change" and x.metric != f.metric:      # 'an increase of US$20 billion': no market's size
                f.metric, f.metric_label = x.metric, self._metric_label(x.metric)   # '盈利…按年升28%': a growth
            if x.company and f.market and squash(fold(x.company)) in squash(fold(f.market)):
                f.market = ""              # '银河娱乐去年' is the company (and a time), no market
            if x.year is not None and not f.period:
                f.year = x.year
            if x.value_high is not None and f.value_high is None:
                f.value_high, f.comparator = x.value_high, "approx"    # '28.4%至31.4%': a range, its bounds
            longer = x.subject and f.market and squash(f.market) != squash(x.subject) and \
                squash(x.subject).startswith(squash(f.market)) and self._is_name(x.subject)   # '数字' of '数字产业化'
            inside = x.subject and f.market and squash(fold(_CJK_SPACES.sub("", x.subject))) in \
                squash(fold(_CJK_SPACES.sub("", f.market))) and not self._conjunct(x.subject, f.market)
            # ('線教育' of '在 線 教 育': a fragment of the name; but '電腦電子產品及光學業' is a name of its own, one of
            # the conjuncts of '電子零組件業與電腦電子產品及光學業')
            if x.subject and not x.company and not f.segment and not inside and (longer or not _words(f.market) & _words(x.subject) and
                                                                  (x.explicit or not self._is_name(f.market) and self._is_name(x.subject))):
                f.market = _clean_label(x.subject)      # the frame's subject, a name of the document, over a fragment
            elif x.subject and not x.company and not f.segment and f.market and self._conjunct(x.subject, f.market):
                f.market = _clean_label(x.subject)      # one of the conjuncts the sentence before named together
            elif self._local_over_carried(a, x, f):
                f.market = _clean_label(x.subject)      # the sentence's own subject over one carried from context
            if (not f.market or f.market == ctx.market) and not f.segment and item is None:
                item = self._item_segment(a) or ""
            # the report's market: 'the market' named generically, or a region's ('In 2024, China alone reached …')
            # (only in a report whose title names its market: news and essays have no market to credit)
            generic = item or not f.market and self.market_report and (
                x.subject is None and (GENERIC_MARKET.search(a.sent.norm) or a.regions) or
                x.subject is not None and fold(x.subject).lower() in self.names.exclude)
            headed = x.subject is None and f.market and f.market == self._heading_market(a.block.section) and \
                GENERIC_MARKET.search(a.sent.norm)      # 'the overall market size' under a heading naming the market
            if not (x.company or f.segment or self._is_name(f.market) or generic or headed or
                    f.market and (x.explicit or x.subject and _words(f.market) & _words(x.subject))):
                if f.market:
                    continue              # whose figure it is neither the sentence nor a name of the document says
                f.unplaced = True         # unless a segment the document lists is named in its clause
            f.claim, f.company, f.subperiod, f.sign, f.form = (x.kind if x.kind != "listed" else None), x.company, x.subperiod, x.sign, x.form
            f.subject_type = x.subject_type if x.company else ("segment" if f.segment else "market")
            out.append(f)
        for j, x in enumerate(fr):
            if j not in used:
                g = self._frame_figure(a, x, ctx)
                if g is not None:
                    out.append(g)
        out.sort(key=lambda f: f.at)
        return out

    @staticmethod
    def _local_over_carried(a: _Annotated, x: Frame, f: Figure) -> bool:
        """'全国农产品网络零售额达4221亿元' in a section on retail platforms: the market the sentence names before
        its measure, not the section's, which the sentence never names (local evidence over carried context)."""
        if not (x.local and x.subject and has_cjk(x.subject)) or x.company or f.segment or x.subject_type != "market" \
                or fold(x.subject).endswith(frame_catalogue().measure_ends):
            return False
        m, sj = squash(fold(f.market)), squash(fold(x.subject))
        if not f.market or m in sj or sj in m or len(_words(f.market) & _words(x.subject)) >= 2:
            return False                  # the same name, or one that shares more than a word ('动漫') with it
        core = frame_catalogue().cue_rx.sub("", fold(x.subject).lower())
        for g in sorted(frame_catalogue().generic, key=len, reverse=True):
            core = core.replace(g, "")
        if len(squash(core)) < 2:
            return False                  # '市场规模将达到120亿美元': a measure named, no subject
        return squash(fold(f.market).lower()) not in squash(a.sent.norm.lower())

    def _is_name(self, label: str | None) -> bool:
        """A name the document uses for what it measures (ingest.frames.Names), not a fragment of a clause."""
        if not label or re.search(r"\d", label):
            return False
        label = _CJK_SPACES.sub("", label)          # PDF text's '在 線 教 育'
        found = self.names.find(fold(label).lower(), 0, len(label))
        return bool(found) and sum(b - a for a, b, _, _ in found) >= 0.6 * len(squash(label))

    def _firm_before(self, a: _Annotated) -> str | None:
        """The company the paragraph names last before the sentence ('云涌控股主要做的是批发业务。…其…'): whom
        its '其' refers to; None when the paragraph names none, or more than one."""
        b = a.block
        k = next((i for i, x in enumerate(b.sentences) if x is a.sent), None)
        before = " ".join(x.norm for x in b.sentences[:k]) if k else ""
        t = before.lower()
        firms = [x for x in self.names.find(t, 0, len(t)) if x[3] == "company"]
        if not firms or len({squash(x[2]) for x in firms}) > 1:
            return None                   # none, or two firms: which one '其' is, is not certain
        return firms[-1][2]

    def _frame_figure(self, a: _Annotated, x: Frame, ctx: Context) -> Figure | None:
        if x.subject is not None and x.company is None and not x.explicit and not self._is_name(x.subject):
            return None                   # a subject the document never names as a market: not trusted
        if x.subject is None and x.company is None:
            if x.kind not in ("market_size", "cagr", "growth") or not GENERIC_MARKET.search(a.sent.norm) or \
                    not self._is_name(ctx.market):
                return None               # whose figure it is the sentence does not say: dropped, not guessed
        if x.kind == "listed":
            return None                   # a list item no figure reads: its list was not introduced
        if x.firm and not x.company:
            return None                   # a firm's measure of no firm the text names
        if x.subject_type == "vague":
            return None                   # 'the largest segment', '其他细分市场': a segment the sentence does not name
        if x.kind == "cagr" and x.period is None:
            return None                   # a CAGR over 'the same period' is placed by the reader of lists, not here
        year = x.year
        if x.untimed and year is None:
            return None                   # '去年…' in an undated text: no year to lend it
        if x.period_end and year is None and x.period is None:
            if ctx.period is None:
                return None               # 'grew from A to B' over a period the text before does not give
            year = ctx.period[0] if x.period_end == "first" else ctx.period[1]
        if year is None and x.period is None and ctx.year and ctx.status and x.status != ctx.status:
            return None                   # '… are projected to reach 128.1 million units' after actual figures of
                                          # 2024: a forecast's year is not the year of the actuals before it
        if year is None and x.period is None:
            year = self._carried_year(a, ctx)      # the year of the section's sentence before ('其中，消费级…为8亿美元'),
            if year is None and self.dated_year:   # else the dateline's ('恒指收市報23718點' in a dated news item), and
                year = self.dated_year             # the period a title dates the item with ('Q3 2015 … shipment data')
                                                  # else the dateline's ('恒指收市報23718點' in a dated news item)
        if year is None and x.period is None:
            return None
        regions = [m for m in a.regions if m.start <= x.start]
        region = regions[-1].iri if regions else (a.regions[0].iri if a.regions else ctx.region)
        market = ctx.market or "" if x.company or x.subject is None else _clean_label(x.subject)
        unit = {"percent": "%", "pp": "pp"}.get(x.unit_class, x.unit)
        return Figure(metric=x.metric, metric_label=self._metric_label(x.metric), market=market, region=region,
                      region_label=self.region_label.get(region), segment=None, year=year, period=x.period,
                      value=-abs(x.value) if x.sign == "-" else x.value, value_text=x.value_text, unit=unit, currency=x.currency, mult=x.mult,
                      comparator="approx" if x.comparator == "range" else x.comparator, status=x.status,
                      evidence=self.evidence(a), at=x.start, claim=x.kind, company=x.company,
                      subject_type=x.subject_type or "market", subperiod=x.subperiod, value_high=x.value_high,
                      sign=x.sign, form=x.form)

    @staticmethod
    def _conjunct(label: str, whole: str) -> bool:
        """Whether `label` is a conjunct of `whole` ('電腦電子產品及光學業' of '電子零組件業與電腦電子產品及光學業'): its
        start or its end, at a coordinating word ([subjects] zh_coordinators)."""
        a, b = squash(fold(label)), squash(fold(whole))
        joins = frame_catalogue().zh_coordinators
        return len(a) < len(b) and (b.endswith(a) and b[-len(a) - 1] in joins or b.startswith(a) and b[len(a)] in joins)

    def _carried_year(self, a: _Annotated, ctx: Context) -> int | None:
        """The year a sentence with none of its own continues: its section's last figure's, or the year told since
        where it names it as that one ('该年', 'that year')."""
        return ctx.told if ctx.told and names_that_year(a.sent.norm) else ctx.year

    def _metric_label(self, iri: str) -> str:
        c = self.metric_by_iri.get(iri)
        if not c:
            return iri.rsplit("/", 1)[-1]
        lab = c.label("en")
        return lab if lab.isupper() else lab.lower()

    def _sentence_figures(self, a: _Annotated, ctx: Context) -> list[Figure]:
        text = a.doc.text
        qs = a.doc._.quantities
        years = list(a.doc._.years)
        periods = a.doc._.periods
        markets = self.market_phrases(text, a)
        respective = self._respective(text, a.sent.text, markets, qs, a.regions)
        regions_paired = self._respective_regions(text, qs, a.regions)
        report_year = self.claims.report.year
        out: list[Figure] = []
        plain = []       # (quantity, metric) needing a year
        prev_end = 0
        for q in qs:
            cue_text = text[prev_end:q.start]
            prev_end = q.end
            metric, period = None, None
            if q.percent:
                cagr = [m for m in a.metrics if m.iri in self.cagr_iris and (m.end <= q.start or 0 <= m.start - q.end <= 12)]
                if cagr:
                    metric = cagr[-1].iri
                    near = min(periods, key=lambda p: abs(p.start - q.start), default=None)
                    if near:
                        period = (near.first, near.last)
                    elif len(years) >= 2:
                        period = (min(y.year for y in years), max(y.year for y in years))
                    elif SAME_PERIOD.search(text) and self._last_period:
                        period = self._last_period
                    else:
                        continue
                    self._last_period = period
                else:
                    rate = [m for m in a.metrics if m.iri not in self.cagr_iris and m.iri != self.market_size_iri
                            and (m.end <= q.start or 0 <= m.start - q.end <= 4)]
                    if rate:
                        metric = rate[-1].iri
                    elif re.search(r"accounted for|account for|represent(?:ed|s)?|made up|占据?|占比|share of", text[:q.start], re.I) and self.share_iri:
                        metric = self.share_iri
                    elif _change(text, q):
                        metric = METRIC_GROWTH      # 'down 8.4% from 2023', '较前一年成长15.4%'
                    else:
                        continue
            elif q.amount:
                metric = self.market_size_iri
            else:
                continue
            tentative = None
            if metric == self.share_iri:
                region = self._share_region(a, text, q, qs) or ctx.region or self.default_region
                tentative = self._share_subject(a, text)
            else:
                region = regions_paired.get(q.start) or self._region_after(text, q, a.regions) or \
                    self._nearest_before(a.regions, q.start) or ctx.region or self.default_region
            market, segment = respective.get(q.start) or self._market_for(markets, q.start, metric, a, text, ctx)
            if market is None:          # 'the fastest-growing segment reached …': whose figure, it does not say
                continue
            fc = bool(FORECAST_CUES.search(cue_text)) or bool(re.search(r"预计|预测|expected|forecast|projected", text[:q.start], re.I) and period)
            fig = Figure(metric=metric, metric_label=self._metric_label(metric), market=market, region=region,
                         region_label=self.region_label.get(region), segment=segment, year=None, period=period,
                         value=q.value, value_text=q.value_text, unit=q.unit, currency=q.currency, mult=q.mult,
                         comparator=q.comparator, status="forecast" if fc else "actual", evidence=self.evidence(a))
            fig.tentative_segment = tentative
            fig.at = q.start
            if metric == METRIC_GROWTH and _change(text, q) == "down":
                fig.value, fig.value_text = -q.value, f"-{q.value_text}"
            if period:
                if (report_year and period[1] > report_year) or any(p.estimate for p in periods):
                    fig.status = "forecast"
                out.append(fig)
            else:
                plain.append((q, fig))
                out.append(fig)
        # a comparison's base period ('compared with the same period in 2014') is no figure's year; nor a change's
        # base year ('up 14% from 2023', '比2023年下降3.5%')
        years = [y for y in years if not BASE_PERIOD.search(text[max(0, y.start - 90):y.start])
                 and not COMPARISON_BASE.search(text[max(0, y.start - 16):y.start])]
        if any(f.metric == METRIC_GROWTH for _, f in plain):
            years = [y for y in years if not re.search(r"(?:from|over|versus|vs\.?|than|compared (?:with|to)|较|比)\s*"
                                                         r"(?:the\s+)?$", text[max(0, y.start - 16):y.start], re.I)]
        # years: greedy nearest assignment, a year used once while others are free; amounts written together
        # ('$14.0 billion and $24.0 billion in 2020', '14亿和24亿') take one year, the one nearest any of them
        group = _coordinated(text, [q for q, _ in plain])
        pairs = sorted(((abs((y.start if y.start >= q.end else y.end) - (q.start if y.start < q.start else q.end))
                         * self._year_after_weight(text, q, y), group[i], j)
                        for i, (q, _) in enumerate(plain) for j, y in enumerate(years)))
        taken_g, taken_y = set(), set()
        for _, g, j in pairs:
            if g in taken_g or j in taken_y:
                continue
            taken_g.add(g); taken_y.add(j)
            for i in (i for i in range(len(plain)) if group[i] == g):
                plain[i][1].year = years[j].year
                if years[j].estimate:
                    plain[i][1].status = "forecast"
        carry = any(f.year is None for _, f in plain) and (
            continues_time(text) or any(f.metric in ctx.metrics or f.metric == METRIC_GROWTH for _, f in plain))
        for i, (q, fig) in enumerate(plain):
            if END_OF_PERIOD.match(text, q.end):
                fig.year = None           # 'by the end of the forecast period': no year places it (left out)
                continue
            if fig.year is None:
                near = min(years, key=lambda y: abs(y.start - q.start), default=None)
                # a sentence with no time of its own takes the one before's when it goes on with a same
                # measure ('2024年，工业…规模为12亿美元。消费级细分市场规模为8亿美元。'), gives the growth of
                # what was measured ('… USD 6.8 billion. Revenue grew 18.2% year over year.') or says it continues
                # it ('During the same period, …', '其中…'); else its frame may place it (a month against the
                # dateline), or nothing does and it is left out ('…占了约40%的市场份额' after a size of 2021)
                fig.year = near.year if near else self._carried_year(a, ctx) if carry else None
            if fig.year and YEAR_EARLIER.match(text, q.end) and re.search(r"from\s*$", text[:q.start]):
                fig.year -= 1                              # 'up 21.3% from USD 3.42 billion a year earlier'

            if report_year and fig.year and fig.year > report_year:
                fig.status = "forecast"
        # an amount that names no market counts when the sentence is about a market or region
        about_market = bool(a.regions) or bool(MARKET_WORDS_EN.search(text)) or any(w in text for w in MARKET_WORDS_ZH) \
            or bool(re.search(r"revenue|sales|规模|营收|销售额", text, re.I))
        return [f for f in out if f.market or f.metric != self.market_size_iri or about_market]

    def _year_after_weight(self, text: str, q, y) -> float:
        """How much farther a year after an amount counts: Chinese puts the year first ('2024年规模为…'), so one
        after the amount is less likely its own, and one past a clause break ('812亿元，2024年规模达到…') belongs
        to the next clause."""
        if y.start < q.start or self.doc.lang == "en":
            return 1.0
        return 40.0 if re.search(r"[，,；;]", text[q.end:y.start]) else 1.6

    def _share_subject(self, a: _Annotated, text: str) -> str | None:
        """What holds the share when it is not a region: '直流快充桩占…市场的 68.1%' -> '直流快充桩'."""
        cue = SHARE_CUE.search(text)
        if not cue:
            return None
        start = max((m.end() for m in re.finditer(r"[，,。;；:：]", text[:cue.start()])), default=0)
        i = start
        for r in a.regions:
            if start <= r.start < cue.start():
                i = max(i, r.end)
        chunk = a.sent.text[i:cue.start()].strip()
        chunk = re.sub(r"^(?:(?:19|20)\d{2}\s*年?|其中|而|the)\s*", "", chunk).strip()
        return chunk if 2 <= len(squash(chunk)) <= 24 else None

    def _share_region(self, a: _Annotated, text: str, q, qs) -> str | None:
        """The region whose share it is: the subject before '占 / accounted for', not the whole after it."""
        cue = SHARE_CUE.search(text)
        if not cue:
            share_words = [m for m in a.metrics if m.iri == self.share_iri]
            pos = share_words[0].start if share_words else q.start
        else:
            pos = cue.start()
        subjects = [r for r in a.regions if r.end <= pos]
        if not subjects:
            return None
        shares = [x for x in qs if x.percent and x.start > pos]
        if len(subjects) > 1 and len(subjects) == len(shares) and RESPECTIVELY.search(text):
            return subjects[shares.index(q)].iri if q in shares else subjects[-1].iri
        return subjects[-1].iri

    @staticmethod
    def _respective_regions(text: str, qs, regions) -> dict[int, str]:
        """'in China and Europe reached $6.0 billion and $3.1 billion, respectively', '中国和美国充电桩市场规模分别为
        650亿元和280亿元': the region of each amount by its position, when the regions before the first figure
        are one coordinated list and the amounts pair up with it."""
        if not RESPECTIVELY.search(text) or not qs:
            return {}
        before = [r for r in regions if r.end <= qs[0].start]
        listed = before[-1:]
        for r in reversed(before[:-1]):
            if not re.fullmatch(r"\s*(?:,|、|和|与|及|以及|and|, and|&)\s*", text[r.end:listed[0].start]):
                break
            listed.insert(0, r)
        amounts = [q for q in qs if q.amount]
        if len(listed) < 2 or not amounts or len(amounts) % len(listed):
            return {}
        return {q.start: listed[i % len(listed)].iri for i, q in enumerate(amounts)}

    def _region_after(self, text: str, q, regions: list[Mention]) -> str | None:
        """'reached 18% in France but only 4% in Germany': in English a region right after the number is its own."""
        if self.doc.lang != "en":
            return None
        for r in regions:
            if r.start >= q.end and re.fullmatch(r"\s+(?:in|across|within)\s+(?:the\s+)?", text[q.end:r.start]):
                return r.iri
        return None

    @staticmethod
    def _nearest_before(mentions: list[Mention], pos: int) -> str | None:
        before = [m for m in mentions if m.end <= pos]
        if before:
            return before[-1].iri
        return mentions[0].iri if mentions else None

    @staticmethod
    def _respective(text: str, original: str, markets, qs, regions) -> dict[int, tuple[str | None, str | None]]:
        """'工业和消费级细分市场规模分别为40亿美元和20亿美元', 'the hardware and software segments reached $5.0
        billion and $4.0 billion (up from $3.1 billion and $2.2 billion in 2020), respectively': (market,
        segment) of each figure by its position among the figures of its kind; a figure of a kind that does
        not pair up with the names is nobody's the sentence says ((None, None): dropped)."""
        if not RESPECTIVELY.search(text) or not qs:
            return {}
        first = qs[0].start
        named = [p for p in markets if p[0] < first and p[3] == "segment"]
        if not named or max((p for p in markets if p[0] < first), default=named[-1]) is not named[-1]:
            return {}
        phrase = named[-1]
        names, head = [phrase[2]], phrase[0]
        while True:      # 'X、Y和Z细分市场', 'the X, Y and Z segments'
            m = re.search(r"([\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9\-]{0,15})(?:和|与|及|、)$", text[:head]) or \
                re.search(r"\b([A-Za-z][\w\-]*(?: [A-Za-z][\w\-]*){0,2})(?:, and |, | and | ?& ?)$", text[:head])
            if not m:
                break
            start, end = m.start(1), m.end(1)
            while (lead := ZH_LEADING.match(text, start, end)) and lead.end() > start and lead.end() < end:
                start = lead.end()               # '2024年体外诊断、…': the name is '体外诊断'
            # 'revenue from hardware and': the name is the words after the last stop word
            words = list(re.finditer(r"\S+", text[start:end]))
            last_stop = max((i for i, w in enumerate(words) if w.group().lower() in EN_STOP | NOT_A_SEGMENT_NAME
                             | {"both"}), default=-1)
            if last_stop == len(words) - 1:
                break
            start += words[last_stop + 1].start()
            if any(r.start < end and start < r.end for r in regions):   # '华东和华南…', 'China and Europe': regions
                return {}
            names.insert(0, original[start:end])
            head = m.start()
        if len(names) < 2 and len(named) >= 2:   # 'the hardware segment and the software segment reached …'
            names = [p[2] for p in named]
        if len(names) < 2:
            return {}
        out: dict[int, tuple[str | None, str | None]] = {}
        by_kind: dict[tuple, list] = {}
        for q in qs:
            if q.start > phrase[0]:
                by_kind.setdefault((q.amount, q.percent), []).append(q)
        for group in by_kind.values():
            paired = len(group) % len(names) == 0
            for i, q in enumerate(group):
                out[q.start] = _named((0, 0, names[i % len(names)], "segment" if paired else "vague"))
        return out

    def _market_for(self, markets, pos: int, metric: str, a: _Annotated, text: str, ctx: Context):
        before = [m for m in markets if m[0] < pos]
        if metric != self.market_size_iri and metric not in self.cagr_iris and metric != self.share_iri:
            # a rate: its subject is the phrase just before the metric word ("AI 智能设备渗透率"),
            # or after it in English ("the penetration rate of co-packaged optics in ..."),
            # or the market phrase of the clause ("市场规模达到 …，较上年增长 21.3%")
            before_metric = [x for x in a.metrics if x.iri == metric and x.end <= pos]
            if not before_metric:      # "grew 18.2% year over year": the rate of the clause's market
                return _named(before[-1]) if before else self._carried(ctx, text, a)
            m = before_metric[-1]
            of = RATE_OF.match(text[m.end:])
            if of:
                start, end = m.end + of.start(1), m.end + of.end(1)
                # "of health monitoring features worldwide rose": the subject ends where a region begins;
                # "of China electric vehicles": and starts after a region it begins with
                start = max([r.end for r in a.regions if r.start <= start < r.end] + [start])
                end = min([r.start for r in a.regions if start < r.start < end] + [end])
                if text[start:end].strip():
                    return a.sent.text[start:end].strip(), None
            in_clause = [x for x in before if not re.search(r"[。;；]", text[x[1]:m.start])]
            if in_clause:
                return _named(in_clause[-1])
            i = m.start
            inside_word = self._in_glossary_words(text)
            while i > 0 and m.start - i < 20 and (i - 1 in inside_word or text[i - 1] not in "，,。：:；;、（）()\"“”的在从和与及或"):
                i -= 1
            chunk = self._trim_chunk(text, i, m.start, a)
            if chunk:
                return a.sent.text[chunk[0]:chunk[1]].strip(), None
            return self._carried(ctx, text, a)
        if before:
            return _named(before[-1])
        after = [m for m in markets if m[0] >= pos]
        if after and self.doc.lang == "en":
            return _named(after[0])
        return self._carried(ctx, text, a)

    @staticmethod
    def _carried(ctx: Context, text: str, a: _Annotated) -> tuple[str, str | None]:
        """What a sentence naming no market is about: the segment the paragraph's last figure named ('It is
        expected to grow …', '预计…复合增长率为 …'), unless it speaks of the market ('The market will …')."""
        if ctx.segment and ctx.segment[1] == id(a.block) and not MARKET_WORD.search(text):
            return "", ctx.segment[0]
        return ctx.market or "", None

    # ------------------------------------------------------------------ markets and segments
    def resolve_markets(self) -> None:
        """Decide which market labels are markets and which are segments of another market."""
        figs = self.claims.figures
        for f in figs:           # 'Hardware segment: $5.0 billion', '工业细分市场：40亿美元': the segment 'Hardware'
            if f.segment:
                f.segment = _segment_name(f.segment)
        self._title_aliases(figs)
        labels, keys, market_of, main = self._market_tree(figs, self.claims.report.title)
        if main is None and any(not f.market for f in figs):
            named = self._title_market()     # 'Global cyber insurance gross written premiums totalled …'
            if named:
                for f in figs:
                    f.market = f.market or named
                labels, keys, market_of, main = self._market_tree(figs, self.claims.report.title)
        unplaced = [f for f in figs if f.segment and not f.market]       # 'the consumer segment reached …'
        if main is None and unplaced:   # no market named anywhere: the segments are what the report measures
            for f in unplaced:
                f.market, f.segment = f.segment, None
            labels, keys, market_of, main = self._market_tree(figs, self.claims.report.title)
        for f in unplaced:   # 'the smart widget (market) segment' of a smart widget report: the market
            if not f.segment:
                continue
            name = next((n for n in (f.segment, MARKET_WORD_END.sub("", f.segment)) if squash(n) in market_of), None)
            if name:
                f.market, f.segment = name, None
        for k in keys:
            if market_of[k] == k:
                self.claims.markets[k] = self._market(k, [l for l, _ in labels[k].most_common()])
        for f in figs:
            if not f.market and main:
                f.market = self.claims.markets[main].labels[0]
            if not f.market:
                continue
            k = squash(f.market)
            mk = market_of.get(k, k)
            f.market_key = mk
            if mk != k and not f.segment:           # "全球云端 AI 推理芯片市场" -> segment of the market
                f.segment = f.market
                f.market = self.claims.markets[mk].labels[0]
            if f.segment:
                f.segment_key = self.segment(mk, f.segment).key
        self._subject_segments(figs)
        # a figure whose holder its sentence did not name, and no segment of the document claimed: dropped
        figs = [f for f in figs if not f.unplaced or f.segment]
        text_keys = {_identity(f) for f in figs if not f.evidence.cell}
        self.claims.figures = figs = [f for f in figs if not f.evidence.cell or _identity(f) not in text_keys]
        for f in figs:   # a share held by something the lists named a segment
            t = getattr(f, "tentative_segment", None)
            if t and not f.segment and f.market_key:
                t = _segment_name(t)
                key = f"{f.market_key}/{qualifier(squash(t), f.market_key)}"
                if key in self.claims.segments:
                    f.segment, f.segment_key = _clean_label(t), key

    def _title_aliases(self, figs: list[Figure]) -> None:
        """In a report titled for the residential heat pump market, 'the heat pump market' is that market, not a
        broader one whose segment it would be."""
        title = squash(self.claims.report.title or "")
        named = Counter(f.market for f in figs if f.market and len(squash(f.market)) >= 2 and squash(f.market) in title)
        if not named:
            return
        full = max(named, key=lambda m: (len(squash(m)), named[m]))
        k = squash(full)
        for f in figs:
            fk = squash(f.market)
            if f.market and fk != k and k.endswith(fk) and len(fk) >= 2:
                f.market = full

    def _title_market(self) -> str | None:
        """The market the report's title names ('GLOBAL CYBER INSURANCE MARKET: SIZE, SHARE & FORECAST' -> 'cyber
        insurance'), for figures whose sentences name none."""
        title = self.claims.report.title or ""
        norm = fold(title)
        m = MARKET_IN_TITLE.search(norm)
        if not m:
            return None
        s, e = m.span(1) if m.group(1) else m.span(2)
        doc = self.nlp(tokenizer_safe(norm.lower()))
        for ent in doc.ents:                 # leading regions: 'Global', '全球及中国'
            if ent.label_ == "REGION" and ent.start_char <= s + 1 and ent.end_char > s:
                s = ent.end_char
        words = title[s:e].strip().strip("及和与 ")
        while words and (ZH_LEADING.match(words).end() if ZH_LEADING.match(words) else 0):
            words = words[ZH_LEADING.match(words).end():]
        words = re.sub(r"^(?:the|and|&)\s+", "", words.strip(), flags=re.I)
        if len(squash(words)) < 2 or squash(words) in GENERIC_KEYS:
            return None
        return words.lower() if words.isupper() else words

    def _subject_segments(self, figs: list[Figure]) -> None:
        """'其中主粮预计将增至1,620亿元', 'Air-to-water heat pumps accounted for €10.1 billion': a figure given to the
        market whose clause, before its number, names one segment the report lists for that market is that
        segment's."""
        by_market: dict[str, list[tuple[str, Segment]]] = {}
        for seg in self.claims.segments.values():
            for lab in {seg.labels[0], *seg.labels, *([seg.qualifier] if len(squash(seg.qualifier)) >= 2 else [])}:
                by_market.setdefault(seg.market_key, []).append((fold(lab).lower(), seg))
        for f in figs:
            if f.segment or f.at < 0 or f.metric == self.share_iri and f.tentative_segment or not f.market_key:
                continue
            text = fold(f.evidence.quote).lower()[:f.at]
            clause = re.split(r"[，,](?!\s*(?:with|at|worth|valued|reaching|accounting|generating|representing)\b)|"
                              r"[；;。]|其中|while|whereas|\band\b", text)[-1]
            market = self.claims.markets.get(f.market_key)
            for lab in sorted(market.labels if market else [], key=len, reverse=True):
                clause = clause.replace(fold(lab).lower(), "|")        # '订阅制氢能' holds no segment '制氢'
            hits = {seg.key: seg for lab, seg in by_market.get(f.market_key, [])
                    if lab and (re.search(rf"(?<![a-z0-9]){re.escape(lab)}(?![a-z0-9])", clause) if lab.isascii()
                                else lab in clause)}
            if len(hits) == 1:
                seg = next(iter(hits.values()))
                f.segment, f.segment_key = seg.labels[0], seg.key

    @staticmethod
    def _market_tree(figs: list[Figure], title: str | None = None) \
            -> tuple[dict[str, Counter], list[str], dict[str, str], str | None]:
        """Market labels by key, the keys, each key's market (itself or the market it is a segment of) and the
        report's main market: the one most market sizes measure."""
        labels: dict[str, Counter] = {}
        for f in figs:
            if f.market:
                labels.setdefault(squash(f.market), Counter())[f.market] += 1
        counts = {k: sum(c.values()) for k, c in labels.items()}
        keys = sorted(counts, key=lambda k: (len(k), -counts[k]))
        market_of: dict[str, str] = {}
        for k in keys:
            # head-final: "云端ai推理芯片" is a segment of "ai推理芯片"; "电动车充电桩" is not one of "电动车"
            parent = next((p for p in keys if p != k and len(p) < len(k) and k.endswith(p) and p in market_of.values()), None)
            market_of[k] = parent or k
        # figures that name no market ("its market", "the market") measure the report's main market
        amounts = Counter(market_of[squash(f.market)] for f in figs if f.market and f.metric == METRIC_MARKET_SIZE) \
            or Counter(market_of[squash(f.market)] for f in figs if f.market)     # a market only its CAGR names
        main = amounts.most_common(1)[0][0] if amounts else None
        titled = [k for k in amounts if len(k) >= 2 and k in squash(title or "")]
        if titled:               # the market the report's title names, when figures measure it
            main = max(titled, key=lambda k: (len(k), amounts[k]))
        return labels, keys, market_of, main

    def _market(self, key: str, labels: list[str]) -> Market:
        lab = labels[0]
        if lab[:1].isupper() and not lab[:2].isupper():
            # 'Agricultural drone' from a caption or a sentence's start: 'agricultural drone' when written so too
            lower = next((x for x in labels if x[:1].islower() and x.lower() == lab.lower()), None)
            if lower:
                labels = [lower] + [x for x in labels if x != lower]
                lab = lower
        tr = self.lex.translate(lab)
        zh = lab if has_cjk(lab) else tr
        en = tr if has_cjk(lab) else lab
        return Market(key, labels, en, zh)

    def segment(self, market_key: str, label: str) -> Segment:
        qual = qualifier(squash(label), market_key)
        key = f"{market_key}/{qual}"
        seg = self.claims.segments.get(key)
        if seg is None:
            market = self.claims.markets.get(market_key)
            qual_text = _qualifier_text(label, market.labels[0] if market else "")
            q_tr = self.lex.translate(qual_text) if qual_text else None
            m_en = market.en if market else None
            m_zh = market.zh if market else None
            whole = squash(qual_text or label) == squash(label)
            if has_cjk(label):
                zh = label
                en = f"{q_tr} {m_en}" if q_tr and m_en and not whole else self.lex.translate(label)
            else:
                en = label
                zh = f"{q_tr}{m_zh}" if q_tr and m_zh and not whole else self.lex.translate(label)
            seg = Segment(key, market_key, qual_text or label, [label], en, zh)
            self.claims.segments[key] = seg
        elif label not in seg.labels:
            seg.labels.append(label)
        return seg

    def _segment_for_label(self, label: str) -> Segment | None:
        k = squash(label)
        for seg in self.claims.segments.values():
            if k in {squash(l) for l in seg.labels} or k == f"{squash(seg.qualifier)}":
                return seg
        return None

    def _market_for_label(self, label: str) -> str | None:
        """The market a lead label (definition) belongs to, if it shares most of a market's name."""
        k = squash(label)
        best = None
        for mk in self.claims.markets:
            if mk == k:
                return mk
            common = _lcs(k, mk)
            if len(common) >= 2 and len(common) >= 0.5 * len(mk):
                if best is None or len(common) > best[1]:
                    best = (mk, len(common))
        return best[0] if best else None

    # ------------------------------------------------------------------ definitions
    def definitions(self) -> None:
        seen = set()
        for a in self.sentences:
            b = a.block
            if b.kind not in ("lead", "item") or not b.lead or a.sent is not b.sentences[0] or id(b) in seen:
                continue
            sec = self.doc.section(b.section)
            if sec and DRIVER_SECTION.search(fold(sec.title)):
                continue
            if any(q.amount for s in b.sentences for q in find_quantities(s.norm, s.text)):
                continue
            known = self._segment_for_label(b.lead)
            mk = known.market_key if known else self._market_for_label(b.lead)
            if not mk:
                continue
            seen.add(id(b))
            body = b.text[b.body_start:] if b.body_start else b.text
            deployment, priorities = [], []
            for s in b.sentences:
                for m in DEPLOY.finditer(s.text):
                    deployment.extend(_items(m.group(1)))
                for m in EXAMPLE.finditer(s.text):
                    deployment.extend(_items(m.group(1)))
                for m in PRIORITY.finditer(s.text):
                    priorities.extend(_items(m.group(1)))
            d = Definition(b.lead, b.text, _dedupe(deployment), _dedupe(priorities),
                           Evidence(b.section, b.text, b.start, b.end, b.line, page=b.page, page_label=self.page_label(b.page)), market_key=mk)
            if known:
                d.segment_key = known.key
                if _clean_label(b.lead) not in known.labels:
                    known.labels.append(_clean_label(b.lead))
            elif squash(b.lead) != mk:
                d.segment_key = self.segment(mk, _clean_label(b.lead)).key
            self.claims.definitions.append(d)

        self._market_definitions()

    def _market_definitions(self) -> None:
        """'AI 推理芯片专为高能效、低时延设计…', 'The … market covers …': the first sentence of a definition or
        overview section that opens with a market's name defines that market."""
        done = set()
        for a in self.sentences:
            sec = self.doc.section(a.block.section)
            if not sec or not DEF_SECTION.search(fold(sec.title)) or a.block.kind != "paragraph":
                continue
            head = squash(re.sub(r"^(?:the|a|an)\s+", "", a.sent.text.strip(), flags=re.I))
            mk = next((k for k in sorted(self.claims.markets, key=len, reverse=True) if head.startswith(k)), None)
            if mk is None or mk in done or find_quantities(a.sent.norm, a.sent.text):
                continue
            done.add(mk)
            priorities = [x for m in PRIORITY.finditer(a.sent.text) for x in _items(m.group(1))]
            self.claims.definitions.append(Definition(self.claims.markets[mk].labels[0], a.sent.text, [], priorities,
                                                      self.evidence(a), market_key=mk))

    # ------------------------------------------------------------------ drivers and trends
    def drivers_and_trends(self) -> None:
        seen_blocks, seen_trends = set(), set()
        # a driver section written as bold-lead paragraphs: its plain paragraphs are not drivers
        lead_sections = {b.section for b in self.doc.blocks if b.kind == "lead"}
        for a in self.sentences:
            b = a.block
            sec = self.doc.section(b.section)
            title = fold(sec.title) if sec else ""
            if DRIVER_SECTION.search(title) and id(b) not in seen_blocks and b.kind in ("lead", "paragraph", "item") \
                    and not COPYRIGHT.search(fold(b.text)) and not (b.kind == "paragraph" and b.section in lead_sections):
                seen_blocks.add(id(b))
                label = b.lead or re.split(r"[，,。:：;；]", b.text, 1)[0][:30]
                body = b.text[b.body_start:].strip() if b.lead else b.text
                if len(body) < 8:
                    continue
                self.claims.drivers.append(Driver(label.strip().rstrip(":：.。"), body, self._segments_named(body),
                                                  Evidence(b.section, b.text, b.start, b.end, b.line, page=b.page, page_label=self.page_label(b.page))))
                continue
            if DRIVER_SECTION.search(title):
                continue
            is_trend = bool(SHIFT.search(a.sent.norm)) or (TREND_SECTION.search(title) and b.kind in ("lead", "paragraph", "item"))
            if is_trend and a.sent.text not in seen_trends and len(a.sent.text) > 8:
                seen_trends.add(a.sent.text)
                self.claims.trends.append(Trend(a.sent.text, self.evidence(a)))

    def _segments_named(self, text: str) -> list[str]:
        t = squash(text)
        out = []
        for seg in self.claims.segments.values():
            names = {squash(seg.qualifier)} | {squash(l) for l in seg.labels}
            if seg.en:
                names.add(squash(seg.en.split()[0]))
            if any(n and len(n) >= 2 and n in t for n in names):
                out.append(seg.key)
        return out

    # ------------------------------------------------------------------ charts and sources
    def charts_and_sources(self) -> None:
        blocks = self.doc.blocks
        for i, b in enumerate(blocks):
            if b.kind == "chart":
                ys = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", b.norm)]
                period = (min(ys), max(ys)) if len(ys) >= 2 else None
                unit = None
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if nxt is not None and nxt.kind == "unit" and nxt.section == b.section:
                    unit = nxt.text.strip("()（） ")
                forecast = bool(re.search(r"预测|forecast|projected|\d{4}\s?E\b", b.norm, re.I))
                self.claims.charts.append(Chart(b.text, period, unit, forecast,
                                                Evidence(b.section, b.text, b.start, b.end, b.line, page=b.page, page_label=self.page_label(b.page))))
            elif b.kind == "source":
                m = SOURCE_PREFIX.match(b.norm)
                body = b.text[m.end():] if m else b.text
                items = [x.strip() for x in re.split(r"[、,;；，]", body) if x.strip()]
                if items:
                    self.claims.sources.append(Source(items, Evidence(b.section, b.text, b.start, b.end, b.line, page=b.page, page_label=self.page_label(b.page))))


_CHANGE_BEFORE = re.compile(r"(?:\b(?P<verb>up|down|grew|grows|grown|rose|rises|risen|fell|falls|fallen|declined|"
                            r"declines|decreased|increased|jumped|surged|dropped|contracted|expanded|climbed|slipped)"
                            r"(?:\s+by)?|\b(?:an?\s+)?(?P<noun>increase|decrease|decline|drop|rise|jump|fall|contraction)"
                            r"\s+of|(?:较|比)(?:前一年|上一年|上年|去年|(?:19|20)\d{2}年?)(?:同期)?(?P<zh>增长|成长|增加|上升|下降|"
                            r"减少|下滑|衰退))\s*(?:约|近|超过)?\s*$", re.I)
END_OF_PERIOD = re.compile(r"\s*(?:by|at|towards?)\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(?:forecast\s+period|decade|"
                           r"period|outlook\s+period)|\s*(?:到|至)?(?:预测期末|预测期结束)", re.I)


@functools.lru_cache(maxsize=1)
def _dateline_rx() -> re.Pattern:
    """A dateline label at the start of a body ('date 2025-12-02', '发布时间：2024年5月8日'), then a full date."""
    labels = "|".join(map(re.escape, sorted(frame_catalogue().dateline_labels, key=len, reverse=True)))
    return re.compile(rf"\s*(?:{labels})\s*[:：]?\s*(?=(?:19|20)\d{{2}}\s*[-/.年])")


YEAR_EARLIER = re.compile(r"\s*(?:a|one)\s+year\s+(?:earlier|before)|\s*(?:in\s+)?the\s+(?:previous|prior)\s+year", re.I)
_CHANGE_AFTER = re.compile(r"\s*(?:from|over|versus|vs\.?|compared (?:with|to)|on|year[- ]on[- ]year|year[- ]over[- ]year|"
                           r"yoy|y/y)\b", re.I)
_DOWN = re.compile(r"down|fell|falls|fallen|declin|decreas|dropped|contract|slipped|drop|fall|下降|减少|下滑|衰退", re.I)


GENERIC_MARKET = re.compile(r"市场|行业|产业|market|industry|sector", re.I)
_KIND_OF_LABEL = {"market size": {"market_size", "company_figure", "change"}, "CAGR": {"cagr"},
                  "market share": {"share"}, "penetration rate": {"share"}, "growth rate": {"growth"},
                  "shipments": {"volume", "company_figure", "other"}, "sales volume": {"volume", "company_figure", "other"},
                  "installed base": {"volume", "other"}, "average selling price": {"price", "market_size"}}


def _words(label: str | None) -> set[str]:
    t = fold(label or "").lower()
    out = {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
           for w in re.findall(r"[a-z0-9]{2,}", t)}           # 'circuits' and 'circuit' share a word
    for run in re.findall(r"[\u3400-\u9fff]+", t):
        out |= {run[i:i + 2] for i in range(len(run) - 1)} or {run}
    return out


def _signed(x: Frame) -> float:
    """A frame's value as figures hold it: a decline negative ('down 8.4%' -> -8.4)."""
    v = x.value if x.unit_class in ("percent", "pp") else x.base
    return -abs(v) if x.sign == "-" else v


def _confirms(x: Frame, f: Figure) -> bool:
    """Does the frame state the figure: the same number, a measure of the same kind, the same time?"""
    if not math.isclose(_signed(x), f.normalized, rel_tol=1e-9):
        return False
    if x.kind == "listed":
        return True                       # a list item: the list's introduction says what it measures
    if x.kind not in _KIND_OF_LABEL.get(f.metric_label, {x.kind}):
        return False
    if "same-period" in (x.form or "") and f.period and not x.period:
        return True
    if f.period or x.period:
        return f.period == x.period
    return x.year is None or f.year is None or x.year == f.year


def _identity(f: Figure) -> tuple:
    """What makes two figures the same claim: a table cell the text also states is kept once (the text's)."""
    return (f.metric, f.market_key, f.segment_key, f.company, f.product, f.region, f.year, f.period,
            round(f.normalized, 6))


def _change(text: str, q) -> str | None:
    """'down 8.4% from 2023', 'an increase of 11% over 2022', 'fell 31% year-on-year', '较前一年成长15.4%': a
    change on an earlier period ('up' or 'down'), else None."""
    m = _CHANGE_BEFORE.search(text[max(0, q.start - 40):q.start])
    if not m:
        return None
    if not m.group("zh") and not _CHANGE_AFTER.match(text, q.end):
        return None                     # 'grew 12%' alone may be a CAGR or a share: not read as a change
    return "down" if _DOWN.search(m.group(0)) else "up"


ITEM_NUMBER = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[.、．])\s*")
NOT_AN_ITEM = re.compile(r"^(?:结论|总结|小结|注|说明|背景|要点|核心观点|概述|概况|展望|预测|趋势|风险|建议|来源|资料来源|方法|"
                         r"summary|conclusion|note|notes|overview|key takeaways?|outlook|forecast|trends?|risks?|"
                         r"methodology|source|sources|definition|scope|highlights?|"
                         r"(?:[东南西北中]部|沿海|内陆|东北|西北|西南|东南|中西部)(?:及.{1,4})?(?:地区|区域)?|"
                         r"(?:north|south|east|west|central|northern|southern|eastern|western)(?:ern)?(?: region)?)$", re.I)


_COORDINATION = re.compile(r"\s*(?:,|，|、|and|, and|和|与|及|以及|&)\s*", re.I)


def _coordinated(text: str, qs: list) -> list[int]:
    """For each quantity, the index of the first quantity of the coordination it is part of: amounts joined
    by nothing but 'and', commas or 和/与/、 ('$14.0 billion and $24.0 billion', '40亿美元和20亿美元')."""
    group: list[int] = []
    for i, q in enumerate(qs):
        joined = i > 0 and q.amount and qs[i - 1].amount and _COORDINATION.fullmatch(text[qs[i - 1].end:q.start])
        group.append(group[i - 1] if joined else i)
    return group


MAX_SENTENCE = 5_000     # characters the pipeline sees at once: no real sentence is longer, and a 5 MB one-line
                         # "sentence" would otherwise be a million-token Doc held in memory (1.3 GB)


def _pieces(s: Sentence, size: int) -> list[Sentence]:
    """A sentence longer than ``size``, cut at clause or word boundaries into pieces."""
    if len(s.norm) <= size:
        return [s]
    out, start = [], 0
    while start < len(s.norm):
        end = min(len(s.norm), start + size)
        if end < len(s.norm):
            cut = max(s.norm.rfind(c, start + size // 2, end) for c in "，,;； ")
            end = cut + 1 if cut > start else end
        off = s.offsets[start:end]
        out.append(Sentence(s.text[start:end], s.norm[start:end], off[0], off[-1] + 1, s.line, off))
        start = end
    return out


def _head(label: str) -> str:
    """The head of a label: its last English word ('transceivers') or last two Chinese characters and more
    when shared ('手术机器人' is found by comparing siblings; here the last 2-5 CJK characters)."""
    label = label.strip()
    if has_cjk(label):
        m = re.search(r"[\u4e00-\u9fff]{2,5}$", label)
        return m.group() if m else ""
    words = label.split()
    return words[-1] if len(words) >= 2 else ""


# the name of a ranked segment: 'Skincare remained the largest segment', 'the fastest-growing segment, wearable
# monitors, reached …', 'the largest segment was hardware, at …', '规模最大的细分市场为护肤品，规模达 …'
_NAME_EN = r"[A-Za-z][\w\-'’]*(?: [A-Za-z][\w\-'’]*){0,3}?"
RANKED_NAME_BEFORE = re.compile(rf"\b({_NAME_EN})\s+(?:was|were|is|are|remained|remains|became|becomes)\s+(?:the|a)\s+$", re.I)
RANKED_NAME_AFTER = re.compile(rf"(?:\s*,\s*|\s+(?:was|is|were|remained|remains)\s+)({_NAME_EN})"
                               r"(?=\s*(?:,|\(|\s(?:reached|with|at|accounted|accounting|generated|grew|was|is|"
                               r"totall?ed|valued|worth|held|holding)\b))", re.I)
RANKED_NAME_APPOSED = re.compile(rf"^\s*({_NAME_EN}),\s+(?:the|a)\s+$", re.I)    # 'Hair care, the second-largest segment,'
RANKED_NAME_ZH = re.compile(r"(?:规模)?(?:为|是)([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9\-]{1,11}?)(?=[，,；;])")


def _ranked_named(text: str, original: str, start: int, end: int) -> tuple[int, int, str, str] | None:
    """A ranked segment the sentence names next to it, as a named segment phrase; None if it names none."""
    apposed = RANKED_NAME_APPOSED.match(text, 0, start) if re.match(r"\s*,", text[end:]) else None
    for m in (RANKED_NAME_BEFORE.search(text, 0, start), apposed, RANKED_NAME_AFTER.match(text, end),
              RANKED_NAME_ZH.match(text, end)):
        if not m:
            continue
        s0, e0 = m.span(1)
        words = text[s0:e0].split(" ")
        while words and words[0].lower() in EN_STOP | NOT_A_SEGMENT_NAME | VAGUE_SEGMENT_WORDS:
            s0 += len(words.pop(0)) + 1
        if words and not any(w.lower() in EN_STOP for w in words) and not re.search(r"\d", text[s0:e0]):
            return start, end, original[s0:e0], "segment"
    return None


_SEGMENT_OF = re.compile(r"\s+(?:of|in|within)\s+(?:the\s+)?", re.I)


def _segments_of(phrases: list[tuple], text: str, regions) -> list[tuple]:
    """'the EV segment of the (global) lithium-ion battery market': one phrase, the segment 'EV' of the market
    it names (a fifth element), not a segment followed by a market of its own."""
    out: list[tuple] = []
    for p in phrases:
        prev = out[-1] if out else None
        if prev and prev[3] == "segment" and len(prev) == 4 and p[3] == "market":
            gap = text[prev[1]:p[0]]
            for r in regions:            # 'of the global …', 'of China's …': a region between them
                if prev[1] <= r.start and r.end <= p[0]:
                    gap = gap.replace(text[r.start:r.end], " ")
            if _SEGMENT_OF.fullmatch(re.sub(r"\s+", " ", gap).replace("'s", "") + " "):
                out[-1] = (prev[0], p[1], prev[2], "segment", p[2])
                continue
        out.append(p)
    return out


def _named(phrase: tuple) -> tuple[str | None, str | None]:
    """(market, segment) a market phrase names: a market; a segment of the market it names, or of a market
    still to find (''); or, for a segment it does not name, (None, None)."""
    label, kind = phrase[2], phrase[3]
    if kind == "vague":
        return None, None
    return (phrase[4] if len(phrase) > 4 else "", label) if kind == "segment" else (label, None)


def _segment_name(label: str) -> str:
    """'Hardware segment' -> 'Hardware', '工业细分市场' -> '工业': one segment however it is written."""
    name = SEGMENT_SUFFIX.sub("", label).strip()
    return name if len(squash(name)) >= 2 else label


def _clean_label(label: str) -> str:
    """PDF noise in labels: no spaces between two CJK characters ('交流 慢充樁' -> '交流慢充樁')."""
    return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", label).strip()


def qualifier(seg_key: str, market_key: str) -> str:
    """The distinctive part of a segment name: '直流快充电动车充电桩' - '电动车充电桩' -> '直流快充'; '800g光模块' -> '800g'."""
    if not market_key:
        return seg_key
    common = _lcs(seg_key, market_key)
    if len(common) >= 2:
        rest = seg_key.replace(common, "", 1)
        # remove remaining pieces of the market name ("ai" left over in "云端ai推理芯片")
        for piece in re.findall(r"[a-z0-9]+|[\u4e00-\u9fff]{2,}", market_key):
            if piece in rest and rest != piece:
                rest = rest.replace(piece, "", 1)
        if len(rest) >= 1:
            return rest
    return seg_key


def _qualifier_text(label: str, market_label: str) -> str:
    q = qualifier(squash(label), squash(market_label))
    # recover the written form of the qualifier from the label
    flat = re.sub(r"\s+", "", fold(label))
    i = flat.lower().find(q)
    return flat[i:i + len(q)] if i >= 0 else q


def _lcs(a: str, b: str) -> str:
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


@functools.cache
def _list_split() -> re.Pattern:
    """Where a list's items part: punctuation, or a joining word of the catalogue (ingest/frames.toml)."""
    joins = "|".join(map(re.escape, frame_catalogue().list_joins))
    return re.compile(rf"[、,，;；/]|\s*(?:{joins})\s*")


def _items(text: str) -> list[str]:
    text = re.sub(r"^(?:[\u4e00-\u9fff]{2,8}的|the|a|an)\s*", "", text.strip())     # a leading modifier ('…的')
    parts = _list_split().split(text)
    return [p.strip(" 。.等") for p in parts if p and len(p.strip(" 。.等")) >= 2]


def _dedupe(xs: list[str]) -> list[str]:
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def extract(doc: Document, lexicon: Lexicon | None = None) -> Claims:
    return Extractor(doc, lexicon).run()
