"""The one core every front end calls: ``ask`` and ``Conversation``."""
from __future__ import annotations

import re
import threading

from ingest.text import is_traditional, script_neutral, squash, to_simplified, to_traditional

from .answer import Answer
from .common import Context, Fig, join, not_found
from .families import FAMILIES
from .frame import Frame
from .lexicon import QALexicon, lexicon_for
from .parse import MAX_QUESTION, Parser, _named_qualifier, detect_lang, normalise

_PARSERS: dict[int, tuple[QALexicon, Parser]] = {}
_LOCK = threading.Lock()
_DEFAULT_STORE = None
_SURROGATE = re.compile("[\ud800-\udfff]")


def default_store():
    global _DEFAULT_STORE
    if _DEFAULT_STORE is None:
        from ingest.stores import open_store
        _DEFAULT_STORE = open_store()
    return _DEFAULT_STORE


def parser_for(store) -> tuple[QALexicon, Parser]:
    lex = lexicon_for(store)
    key = getattr(store, "uid", None) or id(store)
    hit = _PARSERS.get(key)
    if hit and hit[0] is lex:
        return hit
    with _LOCK:
        hit = _PARSERS.get(key)
        if not (hit and hit[0] is lex):
            hit = (lex, Parser(lex, FAMILIES))
            _PARSERS[key] = hit
    passages_for(store, lex)       # built with the parser (the dictionary too): no question pays for it later
    return hit


_PASSAGES: dict = {}


def passages_for(store, lex: QALexicon):
    """The store's passage index (qa/passages.py), rebuilt when its reports change (the lexicon's version)."""
    from .parse import function_words
    from .passages import PassageIndex
    key = getattr(store, "uid", None) or id(store)
    hit = _PASSAGES.get(key)
    if hit and hit[0] is lex:
        return hit[1]
    from .passages import dictionary
    dictionary()
    with _LOCK:
        hit = _PASSAGES.get(key)
        if not (hit and hit[0] is lex):
            en, zh = function_words()
            # Chinese text is cut at multi-character function words and at particles only: a single
            # character such as 据 or 达 is as often part of a word (数据, 达到)
            cuts = tuple(w for w in zh if len(w) >= 2) + tuple("的了吗呢吧啊呀和与及或在对把被这那其该各每都也就还又才是")
            hit = (lex, PassageIndex.from_store(store, en, cuts))
            _PASSAGES[key] = hit
    return hit[1]


class Conversation:
    """Questions asked in turn; follow-ups ("那中国呢？", "And in 2030?", "What share … is that?") resolve
    against the previous turn."""

    def __init__(self, store=None):
        self.store = store
        self.frame: Frame | None = None
        self.answer: Answer | None = None
        self.figs: list[Fig] = []
        self.turns: list[Answer] = []     # the last HISTORY turns that used figures (all a follow-up reads)
        self.traditional = False
        self.pending: Frame | None = None  # a question answered by a question back ("which market?")

    HISTORY = 2

    def ask(self, question: str) -> Answer:
        ans = ask(question, store=self.store, conversation=self)
        if ans.status != "not_found" and ans.used:
            self.turns.append(ans)
            del self.turns[:-self.HISTORY]
        return ans


def ask(question: str, store=None, conversation: Conversation | None = None) -> Answer:
    """Answer one question (optionally as a turn of a conversation). Never raises for any text."""
    if not isinstance(question, str):
        question = "" if question is None else str(question)
    if len(question) > MAX_QUESTION:
        question = question[:MAX_QUESTION + 1]      # refused as too long: read no more of it (bounded work)
    if _SURROGATE.search(question):
        # a UTF-16 pair split in two code points (text from JavaScript) is joined; a lone half becomes U+FFFD,
        # so the Answer (which echoes the question) always encodes as UTF-8
        question = question.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    store = store if store is not None else (conversation.store if conversation and conversation.store else default_store())
    if conversation is not None and conversation.store is None:
        conversation.store = store
    text = normalise(question)
    lang = detect_lang(text)
    if not text:
        return _refuse(question[:MAX_QUESTION], lang, "请输入一个问题。", "Please ask a question.")
    if len(question) > MAX_QUESTION:
        return _refuse(question[:200], lang, f"问题过长（上限 {MAX_QUESTION} 个字符）。",
                       f"The question is too long (limit {MAX_QUESTION} characters).")
    if not re.search(r"[\w\u4e00-\u9fff]", text):
        return _refuse(question, lang, "没有看懂这个问题：请用中文或英文提问。", "I could not read a question in that text; "
                       "please ask in Chinese or English.")
    lex, parser = parser_for(store)
    frame = parser.parse(question)
    if conversation is not None and conversation.pending is not None and _names_only_a_market(frame):
        frame = resume(conversation.pending, frame)         # "光互连" after "which market?": the question asked
    elif conversation is not None and conversation.frame is not None:
        frame = merge(frame, conversation.frame)
    ctx = Context(store, lex, previous=conversation.answer if conversation else None,
                  previous_frame=conversation.frame if conversation else None)
    ctx.previous_figs = conversation.figs if conversation else []
    ctx.history = [t.used for t in conversation.turns] if conversation else []
    ans = None
    if frame.unknown:
        ans = _unknown(frame, ctx)
    elif frame.unknown_market and not frame.segments and not (frame.companies or frame.products) and (
            not frame.markets and not frame.cues & {"drivers", "trends", "metadata", "definition"} or
            _named_qualifier(frame.text, frame.unknown_market) and not frame.cues & {"drivers", "trends", "metadata"}):
        ans = _unknown_market(frame, ctx)
    else:
        for fam in FAMILIES:
            frame.family = fam.NAME
            if fam.matches(frame, ctx) and ((fam.NAME in COMPUTING and _ambiguous(frame, ctx)) or
                                            (fam.NAME in LISTING and _too_many(frame, ctx))):
                ans = ask_which_market(frame, ctx)
                break
            if fam.matches(frame, ctx) and frame.leftover and _accountable(fam.NAME, frame) and \
                    not (fam.NAME == "company" and (frame.companies or frame.products or
                                                    all(w in fam.HOLDERS for w in frame.leftover))):
                # (a company's question: its family reads the words its tables' captions hold, '线上', '11月')
                ans = _unaccounted(frame, ctx)      # a word names what the report does not hold: no nearby figure
                break
            if fam.matches(frame, ctx) and frame.negated and fam.NAME in FIGURE_FAMILIES - NEGATION_AWARE:
                ans = _negation_unread(frame, ctx)  # 'not', 'excluding …': a figure of the whole would be wrong
                break
            if fam.matches(frame, ctx):
                ans = fam.answer(frame, ctx)
                if ans is not None:
                    break
        else:
            frame.family = None
    if (ans is None or ans.status == "not_found" and ans.family in PASSAGE_FALLBACK and not ans.options) \
            and _asks_in_words(frame):
        ans = _passage_answer(frame, ctx, store) or ans
    if ans is None:
        ans = _not_understood(frame, ctx)
    ans.question = question if len(question) <= MAX_QUESTION else question[:MAX_QUESTION]
    traditional = is_traditional(question) or bool(conversation and conversation.traditional and script_neutral(question))
    if lang == "zh":
        # answer in the script of the question (a neutral follow-up keeps the conversation's); quotes stay as written
        script = to_traditional if traditional else to_simplified
        ans.answer = script(ans.answer)
        ans.options = [script(o) for o in ans.options]
        ans.answer = re.sub(r"(?<=[\u4e00-\u9fff])(?=[\d$])", " ", ans.answer)     # "为 1,234亿元", as reports write
        if conversation is not None:
            conversation.traditional = traditional
    if conversation is not None:
        conversation.pending = frame if ans.options else None
    if conversation is not None and (frame.has_content() or ans.status != "not_found"):
        conversation.frame = frame          # an off-topic turn ("今天天气怎么样？") leaves the context as it was
        if ans.status != "not_found":
            conversation.answer = ans
            conversation.figs = list(ans.used)
    return ans


# families that compute one number from figures: with several candidate markets they ask which is meant
COMPUTING = {"estimate", "growth", "share", "compare", "consistency"}


# families whose answer is about one market: when the question (and the conversation) names none and several
# markets hold what they read, they ask which one is meant instead of giving a list that mixes markets (the
# reports of one market are still listed side by side, each named)
LISTING = {"lookup", "cagr", "rate", "superlative", "filter", "drivers", "trends"}


# what these families read is stated per report (a report's drivers, its trends), not per market
PER_REPORT = {"drivers", "trends"}


def _too_many(frame: Frame, ctx: Context) -> bool:
    if frame.markets or frame.segments:
        return False
    if frame.family in PER_REPORT:
        return len({r for rs in ctx.lex.reports_of.values() for r in rs}) > 1
    from .resolve import target_metric
    return len(ctx.markets_for(frame, target_metric(frame))) > 1


def _ambiguous(frame: Frame, ctx: Context) -> bool:
    if frame.markets or frame.segments:
        return False
    from kg.namespaces import METRIC_MARKET_SIZE
    return len(ctx.markets_for(frame, METRIC_MARKET_SIZE)) > 1


def ask_which_market(frame: Frame, ctx: Context) -> Answer:
    from kg.namespaces import METRIC_MARKET_SIZE
    lang = frame.lang
    from . import queries as Q
    from .common import MAX_REPORTS_LISTED
    candidates = ctx.markets_for(frame, METRIC_MARKET_SIZE) or sorted(ctx.lex.reports_of)
    shown = candidates[:MAX_REPORTS_LISTED]
    title_of = {}
    for rep in sorted({r for m in shown for r in ctx.lex.reports_of.get(m, ())}):
        title_of.update({r["report"]: r["reportTitle"] for r in ctx.select(Q.REPORT_TITLE, report=rep)})
    opts = []
    for m in shown:
        titles = sorted({title_of.get(r, r.rsplit("/", 1)[-1]) for r in ctx.lex.reports_of.get(m, ())})
        opts.append(f"{ctx.label(m, lang)}（{'、'.join(titles)}）" if lang == "zh" else f"{ctx.label(m, lang)} ({', '.join(titles)})")
    more = len(candidates) - len(shown)
    more_zh, more_en = (f"；另有 {more} 个" if more else ""), (f"; and {more} more" if more else "")
    ans = not_found(frame, f"图谱中有多个市场，请指明是哪一个：{'；'.join(opts)}{more_zh}。",
                    f"Several markets could be meant; which one? {'; '.join(opts)}{more_en}.",
                    interpretation=f"{frame.family}: market not named and {len(opts)} markets hold figures", ctx=ctx,
                    family=frame.family or "")
    ans.options = [ctx.label(m, lang) for m in shown]
    return ans


def _names_only_a_market(frame: Frame) -> bool:
    """A reply to "which market?": a market (or a segment) named, and no cue or measure of its own."""
    return bool(frame.markets or frame.segments) and not frame.cues - {"lookup"} and not frame.metrics \
        and not frame.unknown and not frame.leftover


def resume(pending: Frame, reply: Frame) -> Frame:
    """The pending question, about the market the reply names (and its region, segment or years, if given)."""
    merged = pending.copy()
    merged.markets, merged.segments = list(reply.markets), list(reply.segments)
    if reply.regions:
        merged.regions = list(reply.regions)
    if reply.years or reply.period:
        merged.years, merged.period = list(reply.years), reply.period
    return merged


def merge(new: Frame, prev: Frame) -> Frame:
    """Fill the slots a follow-up leaves out from the previous turn; what it says replaces what was said."""
    elliptical = new.followup or new.refers_back or (new.has_content() and not new.cues - {"lookup"} and not new.metrics
                                                     and not new.markets
                                                     and len(new.regions) + len(new.segments) + len(new.years) <= 2)
    if not elliptical:
        if new.markets or new.segments or not prev.markets or new.unknown or new.unknown_market \
                or not (new.has_content() or new.cues - {"lookup"}):
            return new
        topical = new.copy()            # a new question that names no market stays in the conversation's market
        topical.markets = list(prev.markets)
        return topical
    merged = new.copy()
    if not new.markets and not new.segments:
        merged.markets = list(prev.markets)
    if not new.segments and not (new.markets and new.markets != prev.markets):
        merged.segments = list(prev.segments)
    if not new.regions:
        merged.regions = list(prev.regions)
    elif "share" in new.cues and prev.regions and not set(new.regions) & set(prev.regions):
        # '占全球的比例呢？' after China's figure: China's share of the global market, not the global figure
        merged.regions = list(prev.regions) + list(new.regions)
    if not new.metrics:
        merged.metrics = list(prev.metrics)
    if not new.years and not new.period:
        merged.years, merged.period = list(prev.years), prev.period
    if not (new.cues - {"lookup"}):
        merged.cues = set(prev.cues) | new.cues
    if new.segments and not new.markets and prev.markets:
        merged.markets = list(prev.markets)
    return merged


def _refuse(question: str, lang: str, zh: str, en: str) -> Answer:
    return Answer(question=question, lang=lang, status="not_found", answer=zh if lang == "zh" else en,
                  interpretation="no question recognised")


COVERAGE_LISTED = 12      # markets named when saying what the reports cover; the closest to the question first


def _coverage(ctx: Context, lang: str, near: str = "") -> str:
    """The markets the reports cover: all of them, or with many, those whose names are closest to ``near``."""
    labels = sorted({ctx.label(m, lang) for m in ctx.lex.reports_of})
    if len(labels) <= COVERAGE_LISTED:
        return join(labels, lang)
    grams = _bigrams(near)
    closest = sorted(labels, key=lambda x: (-len(grams & _bigrams(x)), x))[:COVERAGE_LISTED - 1]
    more = len(labels) - len(closest)
    return "、".join(closest) + f"等{len(labels)}个市场" if lang == "zh" else \
        ", ".join(closest) + f" and {more} more markets"


def _bigrams(text: str) -> set[str]:
    t = squash(to_simplified(text)).lower()
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _unknown(frame: Frame, ctx: Context) -> Answer:
    names = join(frame.unknown, frame.lang)
    cov = _coverage(ctx, frame.lang, near=" ".join(frame.unknown))
    return not_found(frame, f"报告没有提到{names}；报告涵盖的是：{cov}。",
                     f"The report does not mention {names}; it covers: {cov}.",
                     interpretation=f"unknown name(s): {', '.join(frame.unknown)}", ctx=ctx, family="unknown")


# families answering with figures: every word of their question must be accounted for (qa/parse.py `accounted`);
# the families answering in words (drivers, trends, metadata) read free text, a definition so when it names a term
FIGURE_FAMILIES = {"lookup", "cagr", "rate", "share", "growth", "estimate", "compare", "superlative", "filter",
                   "consistency", "parts", "company"}


# families that read what a question excludes ('global excluding China' compared with China is the difference)
NEGATION_AWARE = {"parts", "compare", "share"}


def _negation_unread(frame: Frame, ctx: Context) -> Answer:
    cov = _coverage(ctx, frame.lang, near=frame.text)
    return not_found(frame, f"报告没有给出除去所排除部分后的数据（问题含否定或排除）；报告涵盖的是：{cov}。",
                     f"The report states no figure with that exclusion (the question negates or excludes something); "
                     f"it covers: {cov}.", interpretation="negation not answered", ctx=ctx, family="negation")


# not_found answers a passage of the report may still answer: no family, a word family, a word left over
PASSAGE_FALLBACK = {"", "drivers", "trends", "definition", "metadata", "unaccounted"}
# asking in words: why, how, what does, which kind, the difference, the effect
_WORDS_ASK = re.compile(r"为什么|为何|如何|怎样|怎么|什么|哪些|哪类|哪一类|哪几类|区别|影响|作用|\bwhy\b|\bhow (?:does|do|is|are|can|will)\b|"
                        r"\bwhat (?:does|do|is|are|kind)\b|\bwhich\b|\bexplain\b|\bdescribe\b|\bdifference\b|\bimpact\b|"
                        r"\brole\b|\bis (?:this|the|it)\b", re.I)
# asking for a figure: a passage holding numbers is no answer to these
_FIGURE_ASK = re.compile(r"多少|多大|几[家个年倍]|规模|份额|占比|比例|增速|增长率|复合|cagr|how (?:much|many|big|large|fast)|"
                         r"what (?:share|percentage|proportion)|market size|revenue|收入|营收|价格|price|\d{4}", re.I)
PASSAGE_MIN_SCORE = 4.0       # BM25 score of the best sentence below which the report is taken not to say


def _asks_in_words(frame: Frame) -> bool:
    return bool(_WORDS_ASK.search(frame.text)) and not _FIGURE_ASK.search(frame.text) and not frame.years \
        and not frame.period and not frame.unknown and not frame.companies and not frame.products
    # (a company's or a model's figure asked: a row quoted in its place could be the other channel's or year's)


def _passage_answer(frame: Frame, ctx: Context, store) -> Answer | None:
    from .passages import cite, query_terms
    index = passages_for(store, ctx.lex)
    terms = query_terms(frame.text, ctx.lex, index.stop, index.zh_words, topic=_topic(frame, ctx))
    hits = index.search(terms, k=3)
    if not hits or hits[0][0] < PASSAGE_MIN_SCORE:
        return None
    best = hits[0][0]
    kept = [p for s, p in hits if s >= 0.6 * best][:2]
    quotes = " ".join(f"“{p.text}”" for p in kept)
    zh = f"报告写道：{quotes}"
    en = f"The report says: {quotes}"
    ans = Answer(question=frame.text, lang=frame.lang, status="answered", answer=zh if frame.lang == "zh" else en,
                 citations=[cite(p) for p in kept], interpretation=f"passage search (score {best:.1f})",
                 family="passage")
    return ans


def _topic(frame: Frame, ctx: Context) -> list[str]:
    """The labels of what the question names (its markets, segments, regions): the topic, in every sentence."""
    out = []
    for iri in frame.markets + frame.segments + frame.regions:
        e = ctx.lex.entities.get(iri)
        if e:
            out.extend([*e.labels.values(), *e.aliases])
    return out


def _accountable(family: str, frame: Frame) -> bool:
    return family in FIGURE_FAMILIES or family == "definition" and not (frame.markets or frame.segments)


def _unaccounted(frame: Frame, ctx: Context) -> Answer:
    words = list(dict.fromkeys(frame.leftover))
    names = join([f"“{w}”" for w in words], frame.lang)
    cov = _coverage(ctx, frame.lang, near=" ".join(words))
    return not_found(frame, f"报告没有给出关于{names}的数据；报告涵盖的是：{cov}。",
                     f"The report gives no figures about {names}; it covers: {cov}.",
                     interpretation=f"not in the graph: {', '.join(words)}", ctx=ctx, family="unaccounted")


def _unknown_market(frame: Frame, ctx: Context) -> Answer:
    name = frame.unknown_market
    m = re.search(re.escape(name), frame.text, re.I)
    name = m.group() if m else name                 # as the question writes it: 'ASIC', not 'asic' 
    cov = _coverage(ctx, frame.lang, near=name)
    return not_found(frame, f"图谱中的报告没有涉及“{name}”市场；报告涵盖的是：{cov}。",
                     f"No report in the graph covers the {name} market; they cover: {cov}.",
                     interpretation=f"unknown market: {name}", ctx=ctx, family="unknown")


def _not_understood(frame: Frame, ctx: Context) -> Answer:
    cov = _coverage(ctx, frame.lang, near=frame.text)
    return not_found(frame, f"报告中没有找到可以回答这个问题的内容。报告涵盖：{cov}（市场规模、年复合增长率、驱动因素、细分市场定义等）。",
                     f"The report does not say. It covers: {cov} (market sizes, CAGRs, drivers, segment definitions).",
                     interpretation="no question family matched", ctx=ctx)
