"""Question -> Frame with spaCy rule components on blank pipelines (no model download).

The pipelines are ``spacy.blank("zh")`` (character tokens) and ``spacy.blank("en")`` plus:
- ``reportkg_norm``: English token norms, singular and typo-corrected against the lexicon's vocabulary;
- a PhraseMatcher whose patterns are the graph's SKOS labels (markets, segments, regions, metrics),
  so a newly ingested report's terms are recognised with no code change;
- a PhraseMatcher of cue phrases declared by each question family (qa/families/*).
Years, periods, units and thresholds are read by the shared number normaliser (ingest.quantities).
"""
from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ingest.quantities import EN_SCALES, ZH_SCALES, find_periods, find_quantities, find_years
from ingest.text import fold, has_cjk, replace_zh_years, squash, tokenizer_safe

from kg.namespaces import METRIC_CAGR, METRIC_GROWTH, METRIC_MARKET_SIZE

from .frame import Frame
from .lexicon import QALexicon

MAX_QUESTION = 2000
WORDS = Path(__file__).with_name("words.toml")
EN_STOP = set("""a an the of in on for to by at and or is are was were be been what which who whom whose how why when where
much many did does do will would could should can shall may might this that these those it its their there here than then
as with from into about over under between among per vs versus also just please tell me show give list i we you our your
any all each every some more most less least size market markets value report reports figure figures number""".split())
_NON_NAMES = {"I", "CAGR", "RMB", "USD", "CNY", "AI", "What", "Which", "Who", "How", "Why", "When", "Where", "Is", "Are",
              "Was", "Were", "Do", "Does", "Did", "Compare", "List", "Show", "Give", "Tell", "Estimate", "And", "Rank",
              "Sum", "Check", "E", "US", "U.S.", "EU", "UK", "YoY", "EUR", "GBP", "JPY", "HKD", "TWD", "NT", "KRW",
              "INR", "NTD", "USD", "RMB", "CNY", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "FY", "CEO"}


# months ('Jan-Nov', 'November') and top-N lists ('TOP10') are a time and a ranking, no names
_MONTH_OR_TOP = re.compile(r"(?i)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
                           r"(?:-(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)?|top-?\d{1,3}")


def normalise(text: str) -> str:
    """Full-width to half-width, traditional to simplified, one space, no control characters."""
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \t")
    text = replace_zh_years(fold(text[:MAX_QUESTION]))
    return re.sub(r"\s+", " ", text).strip()


def detect_lang(text: str) -> str:
    return "zh" if has_cjk(text) else "en"


# ----------------------------------------------------------------------------- typo-tolerant English norms

def _singular(w: str) -> str:
    if w in EN_STOP:
        return w
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _deletes(w: str) -> set[str]:
    return {w[:i] + w[i + 1:] for i in range(len(w))}


class Speller:
    """Edit-distance-1 correction against the lexicon's English words of five letters or more: a letter missing
    ('clod'), or, in words of five letters or more, one extra, wrong or two swapped. Nothing becomes a shorter
    word or an acronym ('mean' is not 'MEA', 'advice' not 'device')."""

    def __init__(self, words: set[str]):
        self.words = {w for w in words if w.isalpha()}
        self.index: dict[str, tuple[str, int]] = {}
        for w in sorted(self.words):
            if len(w) >= 5:
                for i in range(len(w)):
                    self.index.setdefault(w[:i] + w[i + 1:], (w, i))

    def correct(self, w: str) -> str:
        if w in self.words or len(w) < 4 or not w.isalpha() or w in EN_STOP:
            return w
        hit = self.index.get(w)                     # one letter missing ('clod': 'cloud')
        if hit:
            return hit[0]
        if len(w) < 5:
            return w
        for i in range(len(w)):
            d = w[:i] + w[i + 1:]
            if d in self.words and len(d) >= 5:     # one letter too many
                return d
            hit = self.index.get(d)
            if hit:                                 # one letter wrong (same place), or two swapped
                word, j = hit
                if i == j or abs(i - j) == 1 and w[i] == word[j]:
                    return word
        return w


@Language.factory("reportkg_norm", default_config={})
def make_norm(nlp: Language, name: str):
    return NormComponent()


class NormComponent:
    speller: Speller | None = None

    def __call__(self, doc: Doc) -> Doc:
        sp = self.speller
        for t in doc:
            w = t.lower_
            if w.isalpha():
                w = _singular(w)
                if sp is not None and not (t.text.isupper() and len(t.text) >= 2):     # 'ASIC' is not 'Asia'
                    w = _singular(sp.correct(w))
            t.norm_ = w
        return doc


# ----------------------------------------------------------------------------- the parser

class Parser:
    """Question parser for one lexicon (rebuilt when the lexicon changes)."""

    def __init__(self, lex: QALexicon, families):
        self.lex = lex
        self.families = families
        self.nlp = {"zh": spacy.blank("zh"), "en": spacy.blank("en")}
        norm = self.nlp["en"].add_pipe("reportkg_norm")
        en_words = set()
        for text, kind, iri in lex.patterns():
            if not has_cjk(text):
                en_words.update(_singular(w) for w in re.findall(r"[a-z]+", text.lower()))
        for fam in families:
            for cue in fam.CUES.get("en", ()):
                en_words.update(_singular(w) for w in re.findall(r"[a-z]+", cue.lower()))
        norm.speller = Speller(en_words)
        self.entities = {lang: PhraseMatcher(nlp.vocab, attr="NORM" if lang == "en" else "ORTH")
                         for lang, nlp in self.nlp.items()}
        self.cues = {lang: PhraseMatcher(nlp.vocab, attr="NORM" if lang == "en" else "ORTH")
                     for lang, nlp in self.nlp.items()}
        by_key: dict[str, dict[str, list[str]]] = {"zh": {}, "en": {}}
        for text, kind, iri in lex.patterns():
            # Latin-script names in a Chinese question go through the English matcher (see _latin_spans): the
            # Chinese pipeline splits Latin text into characters, and 44,000 English labels as character
            # chains cost 75 MB of trie at 10,000 reports
            by_key["zh" if has_cjk(text) else "en"].setdefault(f"{kind}|{iri}", []).append(text)
        for lang, nlp in self.nlp.items():
            for key, texts in by_key[lang].items():
                self.entities[lang].add(key, list(nlp.pipe(sorted(set(texts)))))
            for fam in families:
                for cue_lang in ("zh", "en"):
                    cues = fam.CUES.get(cue_lang, ())
                    if cues and (lang == cue_lang or cue_lang == "en"):
                        self.cues[lang].add(fam.NAME, list(nlp.pipe([c.lower() for c in cues])))

    def parse(self, question: str) -> Frame:
        text = normalise(question)
        # '2023年台灣外送市場規模為何？': 為何 closing a question about a figure asks what it is, not why
        text = re.sub(r"(?<=[\u4e00-\u9fff%\d])为何(?=\s*[?？]?\s*$)", "为多少", text) \
            if re.search(r"规模|率|额|值|价|量|份额|占比|多少|几", text) else text
        lang = detect_lang(text)
        low = text.lower()
        doc = self.nlp[lang](tokenizer_safe(low))
        frame = Frame(text=text, lang=lang)
        spans = []
        for key, start, end in self.entities[lang](doc):
            span = Span(doc, start, end, label=key)
            if lang == "zh" and _inside_ascii_word(low, span.start_char, span.end_char):
                continue
            spans.append(span)
        if lang == "zh":
            spans += self._latin_spans(doc, low)
        kept = filter_spans(spans)
        frame.unknown_market = _unknown_market(doc, lang, kept, self.lex)
        for span in kept:
            kind, iri = span.label_.split("|", 1)
            if kind in ("Segment", "Region") and _negates(low, span.start_char, span.end_char):
                # 'non-cloud', 'excluding China', '除中国以外', '不含云端': what the question takes out
                frame.negated = True
                out = frame.negated_segments if kind == "Segment" else frame.negated_regions
                if iri not in out:
                    out.append(iri)
                continue
            target = {"Market": frame.markets, "Segment": frame.segments, "Region": frame.regions,
                      "Metric": frame.metrics, "Company": frame.companies, "Product": frame.products}[kind]
            if iri not in target:
                target.append(iri)
        frame.negated = frame.negated or bool(NEGATION.search(low))
        cue_spans = []
        for key, start, end in self.cues[lang](doc):
            if lang == "zh" and _inside_ascii_word(low, doc[start:end].start_char, doc[start:end].end_char):
                continue
            frame.cues.add(self.nlp[lang].vocab.strings[key])
            cue_spans.append(doc[start:end])
        periods = find_periods(text)
        if periods:
            frame.period = (periods[0].first, periods[0].last)
        years = [y.year for y in find_years(text, periods)]
        frame.years = sorted(set(years), key=years.index)
        if periods and not years:
            frame.years = []
        if HOW_FAST.search(low) and not [m for m in frame.metrics if m != METRIC_MARKET_SIZE]:
            # "how fast did it grow in 2024" asks a growth rate; over a period it asks the CAGR
            frame.metrics = [METRIC_CAGR if (frame.period or len(frame.years) >= 2) else METRIC_GROWTH]
        frame.unit = _asked_unit(low)
        frame.threshold = _threshold(text)
        frame.unknown = _unknown_names(question, self.lex) if lang == "en" else \
            _unknown_latin_names(text, kept, self.lex) + _unknown_zh_subject(text, kept, self.lex)
        frame.leftover = accounted(low, lang, doc, kept, cue_spans, self.lex)
        frame.followup = bool(re.search(r"呢[?？]?\s*$|^(那|那么|and|what about|how about|same for|and in|and for)\b|^那", low))
        frame.refers_back = bool(re.search(r"\b(that|this|it)\b|这个|这一|该数|那个", low)) and lang == "en" or \
            bool(re.search(r"(这个|这一|该|那)(数字|数值|规模|值)?(占|是)", low))
        return frame


    def _latin_spans(self, doc: Doc, low: str) -> list[Span]:
        """Names written in Latin script inside a Chinese question ('2024年中国HBM市场', '全球data center光模块'),
        matched by the English matcher (with its plural and typo handling) and mapped back onto the question."""
        out = []
        for run in LATIN_RUN.finditer(low):
            sub = self.nlp["en"](tokenizer_safe(run.group()))
            for key, start, end in self.entities["en"](sub):
                # (the label as text: a key the English matcher made is not in the Chinese pipeline's strings)
                span = doc.char_span(run.start() + sub[start].idx, run.start() + sub[end - 1].idx + len(sub[end - 1]),
                                     label=self.nlp["en"].vocab.strings[key], alignment_mode="expand")
                if span is not None:
                    out.append(span)
        return out


LATIN_RUN = re.compile(r"[a-z0-9][a-z0-9 .&/\-]*[a-z0-9]|[a-z]")


# ------------------------------------------------------------------ negation

_NEG_BEFORE = re.compile(r"(?:\bnon-?\s*|\bexcluding\s+|\bexcept(?:\s+for)?\s+|\bother\s+than\s+|\boutside(?:\s+of)?\s+|"
                         r"\bwithout\s+|\bex-\s*|\bnot\s+(?:the\s+|in\s+)?|除了?|不含|不包括|不计|扣除|剔除|非)"
                         r"(?:the\s+)?$")
_NEG_AFTER = re.compile(r"^\s*(?:以外|之外)")
# a negation no named segment or region carries ('not', '不是'): figure families do not answer it
NEGATION = re.compile(r"\b(?:not|non|excluding|except|without|other than|outside)\b|不含|不包括|除了?.{1,12}?(?:以外|之外|外)|"
                      r"扣除|剔除|(?<![\u4e00-\u9fff])非|不是")


def _negates(low: str, start: int, end: int) -> bool:
    """Is the name at low[start:end] excluded: 'non-cloud', 'global excluding China', '除中国以外', '不含中国'?"""
    before = low[max(0, start - 14):start]
    return bool(_NEG_BEFORE.search(before)) or (bool(_NEG_AFTER.match(low[end:])) and "除" in low[max(0, start - 6):start])


# ------------------------------------------------------------------ accountable parsing

@functools.lru_cache(maxsize=1)
def function_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """(English function words, Chinese ones longest first): qa/words.toml, the closed bilingual list."""
    data = tomllib.loads(WORDS.read_text("utf-8"))
    en = set(data["en"]["words"].split())
    # two letters swapped ('teh', 'waht'): the speller leaves words this short alone
    en |= {w[:i] + w[i + 1] + w[i] + w[i + 2:] for w in list(en) if w.isalpha() for i in range(len(w) - 1)}
    en = frozenset(en)
    zh = tuple(sorted({fold(w) for w in data["zh"]["words"].split()}, key=len, reverse=True))
    return en, zh


_NUMBERISH = re.compile(r"(?:us\$|rmb|nt\$|hk\$|\$|€|¥)?\d[\d,.]*\s*(?:%|e\b|f\b)?|(?:19|20)\d{2}\s*e?|"
                        r"[一二三四五六七八九十两百千]+(?=年|个|大|家|种|类|项|成|倍|亿|万)")
_UNIT_WORDS = re.compile(r"百分点|百分比|个百分点|万亿|兆|亿|万|千|百|元|人民币|美元|港元|新台币|欧元|日元|英镑|"
                         r"\b(?:billions?|millions?|trillions?|thousands?|bn|mn|usd|rmb|cny|eur|hkd|twd|jpy|gbp|dollars?|yuan|"
                         r"percent|percentage|points?|pp)\b")


def accounted(low: str, lang: str, doc, spans, cue_spans, lex: QALexicon) -> list[str]:
    """The content words of a question nothing accounts for: not a label the graph holds, a family's cue, a time,
    a number or unit, nor a function word (qa/words.toml). Each names something the report does not hold."""
    covered = bytearray(len(low))
    for sp in list(spans) + list(cue_spans):
        covered[sp.start_char:sp.end_char] = b"\1" * (sp.end_char - sp.start_char)
    for rx in (_NUMBERISH, _UNIT_WORDS):
        for m in rx.finditer(low):
            covered[m.start():m.end()] = b"\1" * (m.end() - m.start())
    en, zh = function_words()
    out: list[str] = []
    norms = {t.idx: t.norm_ for t in doc} if lang == "en" else {}
    for m in re.finditer(r"[a-z][a-z0-9\-']*", low):
        if any(covered[m.start():m.end()]):
            continue
        w = m.group().strip("'-").removesuffix("'s")
        forms = {w, _singular(w), norms.get(m.start(), w)}        # the norm: singular, a typo corrected
        if len(w) < 2 or forms & en or forms & lex.name_words:
            continue
        out.append(w)
    for m in re.finditer(r"[\u4e00-\u9fff]+", low):
        run = "".join(ch if not covered[i] else " " for i, ch in enumerate(m.group(), m.start()))
        for piece in run.split():
            rest = _strip_function_words(piece, zh)
            if rest and squash(rest) not in lex.held_text and squash(piece) not in lex.held_text:
                out.append(_trim_function_words(piece, zh))
    return out


def _trim_function_words(piece: str, zh: tuple[str, ...]) -> str:
    """'帮我写一段快速' -> '写一段快速': function words off a piece's ends only (to name what is missing)."""
    changed = True
    while changed and piece:
        changed = False
        for w in zh:
            if len(w) < 2:
                continue
            if len(w) < len(piece) and piece.startswith(w):
                piece, changed = piece[len(w):], True
            if len(w) < len(piece) and piece.endswith(w):
                piece, changed = piece[:-len(w)], True
    return piece


def split_at_words(run: str, words: tuple[str, ...]) -> list[str]:
    """A Chinese run cut at the given words (longest first, from the left), the pieces between them:
    '有多少家' -> [], '一颗推理芯片多少钱' with 推理芯片 covered elsewhere -> ['一颗', '钱']."""
    out, cur, i = [], [], 0
    while i < len(run):
        w = next((w for w in words if run.startswith(w, i)), None)
        if w:
            if cur:
                out.append("".join(cur))
                cur = []
            i += len(w)
        else:
            cur.append(run[i])
            i += 1
    if cur:
        out.append("".join(cur))
    return out


def _strip_function_words(piece: str, zh: tuple[str, ...]) -> str:
    """The characters of a Chinese run no function word covers: '有多少家' -> '', '企业' -> '企业'."""
    return "".join(split_at_words(piece, zh))


def _inside_ascii_word(text: str, start: int, end: int) -> bool:
    span = text[start:end]
    if not span.isascii():
        return False
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


_UNIT_ASK = re.compile(r"(?:in|以|按|用)\s*(?P<cur>rmb|cny|usd|us\$|\$|人民币|美元|元)?\s*(?P<scale>trillion|billion|million|万亿|兆|亿|十亿|百万)"
                       r"|多少\s*(?P<zscale>万亿|兆|千亿|百亿|十亿|亿|百万|万)\s*(?P<zcur>元|美元|人民币)?"
                       r"|(?P<cur2>in rmb|in usd|in us dollars|in dollars|in yuan)", re.I)


def _asked_unit(low: str) -> tuple[str | None, int | None] | None:
    m = _UNIT_ASK.search(low)
    if not m:
        return None
    scale = m.group("scale") or m.group("zscale")
    cur = m.group("cur") or m.group("zcur") or m.group("cur2") or ""
    mult = ZH_SCALES.get(scale) if scale in ZH_SCALES else EN_SCALES.get(scale or "")
    # a bare 元 names no currency: '多少兆元' is asked of New Taiwan dollars as much as of renminbi
    code = "USD" if re.search(r"usd|\$|美元|dollar", cur) else ("CNY" if re.search(r"rmb|cny|人民币|yuan", cur) else None)
    return code, mult


_THRESHOLD = re.compile(r"(?P<cmp>above|over|more than|greater than|exceeding|exceeded|exceeds?|surpass(?:ed|es)?|topped|"
                        r"larger than|bigger than|超过|高于|大于|多于|突破|超出|"
                        r"below|under|less than|smaller than|低于|小于|少于|不足)\s*", re.I)


def _threshold(text: str) -> tuple[str, float] | None:
    for m in _THRESHOLD.finditer(text):
        qs = find_quantities(text[m.end():], text[m.end():])
        if qs and qs[0].start == 0 and not qs[0].percent:
            q = qs[0]
            op = "lt" if re.match(r"below|under|less|smaller|低于|小于|少于|不足", m.group("cmp"), re.I) else "gt"
            return op, q.value * 10 ** q.mult
    m = re.search(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万亿|亿|十亿|billion|million)[^\d]{0,6}?(以上|以下)", text, re.I)
    if m:
        q = find_quantities(m.group(0), m.group(0))
        if q:
            return ("gt" if m.group(3) == "以上" else "lt"), q[0].value * 10 ** q[0].mult
    return None


_STARTERS = {"The", "In", "For", "By", "From", "Between", "Please", "Can", "Could", "Would", "Will", "Should", "Has",
             "Have", "Had", "On", "At", "Of", "To", "Global", "Overall", "Total", "Provide", "Find", "Calculate",
             "Compute", "Explain", "Describe", "Summarize", "Summarise", "According", "Based", "If", "Assuming",
             "Suppose", "Given", "Approximately", "Roughly", "About", "Let", "Also", "Now", "Then", "So", "Ok", "OK",
             "Any", "All", "Top", "Break", "Split", "Name", "Define", "Market", "Revenue", "Size", "Share", "Growth",
             "Forecast", "Projected", "Expected", "Worldwide", "Cloud", "Edge", "Sum", "Add", "Average", "Smallest",
             "Largest", "Biggest", "Highest", "Lowest", "Fastest", "Slowest", "Latest", "Current", "Estimated",
             "Implied", "Sort", "Segment", "Segments", "Region", "Regions", "Country", "Countries", "Penetration",
             "Definition", "Drivers", "Key", "Main", "Major", "Percentage", "Percent", "Ratio", "Difference", "Change",
             "Trend", "Trends", "Outlook", "Projection", "Value", "Number", "Figures", "Data", "Report", "Source",
             "Sources", "Publisher", "Author", "Date", "Year", "Annual", "Yearly", "Combined", "Both", "Share",
             "Shares", "Growth", "Demand", "Sales", "Revenues", "Size", "Sizes", "Chinese", "American", "European"}


_ZH_SUBJECT = re.compile(r"^\s*(?:(?:19|20)\d{2}年?\s*)?([\u4e00-\u9fff]{2,10}?)\s*(?:(?:19|20)\d{2}\s*年|的)?\s*"
                         r"(?:营收|收入|营业收入|营业额|净利润|利润|市占率|出货量|销量)")


def _unknown_zh_subject(text: str, spans, lex: QALexicon) -> list[str]:
    """A company a Chinese question opens with ('元太科技2023年營收是多少？'): a name the graph does not hold,
    before a company's measure (revenue, profit, its market share), is no market's."""
    m = _ZH_SUBJECT.match(text)
    if not m:
        return []
    covered = {i for sp in spans for i in range(sp.start_char, sp.end_char)}
    name = m.group(1)
    if any(i in covered for i in range(m.start(1), m.end(1))) or _ZH_GENERIC_OWNER.search(name) or \
            squash(name) in lex.label_text or name in lex.graph_words or _ZH_STOP.fullmatch(name):
        return []
    return [name]


def _unknown_latin_names(text: str, spans, lex: QALexicon) -> list[str]:
    """Names in Latin script in a Chinese question that the graph does not know ('Uber Eats在台灣的市占率')."""
    covered = {i for sp in spans for i in range(sp.start_char, sp.end_char)}
    out = []
    for m in re.finditer(r"[A-Z][A-Za-z0-9&.\-]*(?: [A-Z][A-Za-z0-9&.\-]*)*", text):
        words = [w for w in m.group().split() if w not in _NON_NAMES and w.lower() not in lex.known_words
                 and w.lower() not in EN_STOP and not re.fullmatch(r"[A-Z]\d*|\d+E?", w) and not _MONTH_OR_TOP.fullmatch(w)]
        if words and not any(i in covered for i in range(m.start(), m.end())):
            out.append(m.group())
    return out


def _unknown_names(question: str, lex: QALexicon) -> list[str]:
    """Capitalised names in an English question that the graph does not know (a company, a product)."""
    if not question:
        return []
    known = lex.known_words
    out = []
    for i, m in enumerate(re.finditer(r"\b([A-Z][A-Za-z0-9&\-]*(?:'s)?)", question)):
        w = m.group(1).removesuffix("'s")
        if w in _NON_NAMES or w.lower() in known or w.lower() in EN_STOP:
            continue
        if m.start() == 0 and not (w.isupper() or re.search(r"\d", w) or m.group(1).endswith("'s")) and \
                (w in _STARTERS or not re.match(r"\s+[a-z0-9]+\b(?:\s+(?:in|for|of)\b|\s+(?:19|20)\d\d|\??\s*$)",
                                                question[m.end():])):
            continue      # 'What …', 'Global …'; but 'Nvidia revenue 2024' names a company
        if re.fullmatch(r"[A-Z]\d*", w) or re.fullmatch(r"\d+E?", w) or _MONTH_OR_TOP.fullmatch(w):
            continue
        out.append(w)
    return out


HOW_FAST = re.compile(r"how fast|how quickly|增长多快|增速(?:是)?多少|增长得多快|成长多快")
_ZH_MARKET_WORD = re.compile(r"市场|行业|产业")
_ZH_STOP = re.compile(r"^(?:的|全球|细分|整体|总体|整个|各|该|这个|这|其|国内|国际|全|总|中|在|和|与|及|或|哪个|哪些|什么|多少|是|年|"
                      r"推动|驱动|带动|影响|促进|关于|对于|对|支撑|约占|占据|占|除了?|不含|不包括|以外|之外|\d+|\s)+|"
                      r"(?:的|整体|总体|细分|中|里|以外|之外)+$")
_ZH_GENERIC_OWNER = re.compile(r"^(?:第?[一二三四五六七八九十两\d]+大|最大|最小|最快|前[一二三四五六七八九十\d]+|报告|地区|区域|"
                               r"国家|各地|部分|产品|类型|领域|板块|应用|下游|上游|本报告|该报告|未来|目前|当前|今年|明年|去年|近年|近几年|整体|总体|行业|市场|全球|"
                               r"国内|海外|各|所有|其中|其|它|他们|预测期|期间|同期|增速|增长|规模|份额|细分|哪个|哪些|什么)")
_EN_MARKET_WORD = {"market", "industry", "sector"}
_EN_GENERIC = {"global", "worldwide", "world", "overall", "total", "entire", "whole", "segment", "regional", "domestic",
               "international", "same", "other", "largest", "biggest", "smallest", "fastest", "growing", "end", "each"}


def _unknown_market(doc, lang: str, spans, lex: QALexicon) -> str | None:
    """A market named in the question that no ingested report covers ('the training chip market', '直觉外科的市场')."""
    covered = set()
    for sp in spans:
        covered.update(range(sp.start_char, sp.end_char))
    text = doc.text
    if lang == "zh":
        for m in _ZH_MARKET_WORD.finditer(text):
            i = m.start()
            while i > 0 and m.start() - i < 10 and text[i - 1] not in "，,。？?！!：:；;、（）()“”\"" and not text[i - 1].isdigit():
                i -= 1
            left = "".join(ch for k, ch in enumerate(text[i:m.start()], i) if k not in covered)
            left = _ZH_STOP.sub("", left.strip())
            if len(re.findall(r"[\u4e00-\u9fff]", left)) >= 2 and squash(left) not in lex.label_text and \
                    not _ZH_GENERIC_OWNER.search(left):
                return left
            latin = re.fullmatch(r"[a-z][a-z0-9\-]{1,15}", left)          # '全球GPU市场规模'
            if latin and left not in lex.graph_words and squash(left) not in lex.label_text:
                return left.upper() if len(left) <= 5 else left
        # '寒武纪的推理芯片收入': a name the graph does not hold, owning what the question asks
        for m in re.finditer(r"([\u4e00-\u9fffa-z][\u4e00-\u9fffa-z0-9]{1,11})的", text):
            s, e = m.span(1)
            after = text[e + 1:e + 12]
            if any(k in covered for k in range(s, e)) or not (any(k in covered for k in range(e + 1, e + 8)) or
                                                              re.search(r"市场|规模|收入|营收|份额|销售|出货|芯片|产品", after)):
                continue
            name = re.sub(r"^(?:按照?|根据|依据|据|从|在|对|由|以|照)", "", _ZH_STOP.sub("", m.group(1)))
            if len(squash(name)) >= 2 and not _ZH_GENERIC_OWNER.search(name) and squash(name) not in lex.label_text \
                    and name not in lex.graph_words:
                return name
        return None
    for tok in doc:
        if tok.norm_ not in _EN_MARKET_WORD:
            continue
        chunk, unknown = [], False
        for t in reversed(doc[max(0, tok.i - 5):tok.i]):
            if t.idx in covered or t.lower_ in ("'s", "’s", "'", "’"):
                continue                     # 'the Company's market share': the possessive names nothing
            if t.is_punct or t.norm_ in EN_STOP or t.like_num or t.norm_ in _EN_GENERIC:
                if chunk or t.is_punct or t.norm_ in {"the", "a", "an", "of", "in", "for", "what", "was", "is"}:
                    break
                continue
            chunk.append(t.text)
            unknown |= t.norm_ not in lex.graph_words and len(t.norm_) >= 2
        if unknown:
            return " ".join(reversed(chunk))
    return None


def _named_qualifier(question: str, unknown: str | None) -> bool:
    """Is what the question asks about, beyond a market it names, a name: 'ASIC', 'Nvidia' (as the question writes
    them, not an adjective like 'booming'), or '寒武纪' owning the market's figure ('寒武纪的推理芯片收入')?"""
    if not unknown:
        return False
    if has_cjk(unknown):
        return f"{unknown}的" in fold(question)
    for w in unknown.split():
        m = re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", question, re.I)
        if m and (m.group().isupper() and len(w) >= 2 or m.group()[:1].isupper() and m.start() > 0):
            return True
    return False
