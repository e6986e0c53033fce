"""The curated glossary (kg/vocab.ttl): regions, metrics and bilingual domain terms.

Ingestion uses it to recognise regions and metrics in report text and to give English labels to
concepts minted from Chinese text (and Chinese labels to English ones); QA uses it, with the labels
of the ingested graph, to build its phrase patterns.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ingest.text import fold, has_cjk, squash

VOCAB_PATH = Path(__file__).with_name("vocab.ttl")
SKOS = "http://www.w3.org/2004/02/skos/core#"
RK = "https://w3id.org/reportkg/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class Concept:
    iri: str
    kind: str                                  # Region | Metric | Term | Part
    pref: dict[str, str] = field(default_factory=dict)   # lang -> label
    alt: list[tuple[str, str]] = field(default_factory=list)  # (label, lang)
    broader: list[str] = field(default_factory=list)
    code: str | None = None
    unit_kind: str | None = None

    def label(self, lang: str) -> str:
        return self.pref.get(lang) or self.pref.get("en") or self.pref.get("zh") or self.iri.rsplit("/", 1)[-1]

    def labels(self) -> list[tuple[str, str]]:
        """Every (label, lang) of the concept, preferred first."""
        return [(v, k) for k, v in self.pref.items()] + self.alt


@dataclass
class Lexicon:
    concepts: dict[str, Concept]

    def of_kind(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.kind == kind]

    @functools.cached_property
    def regions(self) -> list[Concept]:
        return self.of_kind("Region")

    @functools.cached_property
    def metrics(self) -> list[Concept]:
        return self.of_kind("Metric")

    def part_of(self, title: str) -> str | None:
        """The document part a chapter or heading title names ('INDUSTRY OVERVIEW' -> rkv:part-industry)."""
        key = squash(title)
        return self._parts.get(key)

    @functools.cached_property
    def _parts(self) -> dict[str, str]:
        return {squash(lab): c.iri for c in self.of_kind("Part") for lab, _ in c.labels()}

    @functools.cached_property
    def _terms(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(zh_key, en label) and (en_key, zh label) pairs, longest key first."""
        zh2en, en2zh = [], []
        for c in self.of_kind("Term"):
            en, zh = c.pref.get("en"), c.pref.get("zh")
            for lab, lang in c.labels():
                if lang.startswith("zh") and en:
                    zh2en.append((squash(lab), en))
                elif lang == "en" and zh:
                    en2zh.append((squash(lab), zh))
        zh2en.sort(key=lambda p: -len(p[0]))
        en2zh.sort(key=lambda p: -len(p[0]))
        return zh2en, en2zh

    @functools.cached_property
    def zh_words(self) -> re.Pattern:
        """The glossary's Chinese labels (folded, lower case) as one pattern, longest first: words that a
        boundary rule must not split ('激光雷达' holds the verb '达', '在线教育' the preposition '在')."""
        words = {fold(lab).lower() for c in self.concepts.values() for lab, lang in c.labels()
                 if lang.startswith("zh") and len(lab) >= 2}
        # PDF text breaks words with spaces ('在 線 教 育'): any run of spaces may fall between characters
        return re.compile("|".join(r"\s*".join(map(re.escape, w.replace(" ", "")))
                                   for w in sorted(words, key=lambda w: (-len(w), w))))

    @functools.cached_property
    def en_phrases(self) -> re.Pattern:
        """The glossary's English labels of several words, as one pattern: a stop word inside one ('in vitro
        diagnostics', 'internet of things') is part of a name."""
        words = {fold(lab).lower() for c in self.concepts.values() for lab, lang in c.labels()
                 if lang == "en" and " " in lab.strip()}
        return re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, w.split()))
                                             for w in sorted(words, key=lambda w: (-len(w), w))) + r")\b")

    def translate(self, label: str) -> str | None:
        """Compose a label in the other language from glossary terms, or None if any part is unknown.

        "腔镜手术机器人" -> "laparoscopic surgical robot"; "DC fast charger" -> "直流快充桩".
        """
        zh2en, en2zh = self._terms
        if has_cjk(label):
            key, pairs, joiner = squash(label), zh2en, " "
            return _compose(key, pairs, joiner, keep_ascii=True)
        words = re.findall(r"[a-z0-9][a-z0-9.+\-]*", fold(label).lower())
        return _compose_words(words, en2zh)


def _compose(key: str, pairs: list[tuple[str, str]], joiner: str, keep_ascii: bool) -> str | None:
    out, i = [], 0
    while i < len(key):
        for k, v in pairs:
            if k and key.startswith(k, i):
                out.append(v)
                i += len(k)
                break
        else:
            m = re.match(r"[a-z0-9.+\-]+", key[i:]) if keep_ascii else None
            if not m:
                return None
            out.append(m.group().upper() if len(m.group()) <= 3 else m.group())
            i += m.end()
    return joiner.join(out) if out else None


def _compose_words(words: list[str], en2zh: list[tuple[str, str]]) -> str | None:
    out, i = [], 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            phrase = squash("".join(words[i:i + n]))
            hit = next((v for k, v in en2zh if k == phrase or k == phrase.rstrip("s")), None)
            if hit:
                out.append(hit)
                i += n
                break
        else:
            if re.fullmatch(r"[a-z0-9]{1,4}", words[i]):
                out.append(words[i].upper())
                i += 1
            else:
                return None
    return "".join(out) if out else None


def parse_concepts(data: bytes | str | None = None, path: Path | None = None) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}
    kinds = {RK + "Region": "Region", RK + "Metric": "Metric", RK + "Term": "Term", RK + "Part": "Part"}
    triples = list(ox.parse(data, ox.RdfFormat.TURTLE, path=path) if path else ox.parse(data, ox.RdfFormat.TURTLE))
    for q in triples:
        if q.predicate.value == RDF_TYPE and q.object.value in kinds:
            concepts[q.subject.value] = Concept(q.subject.value, kinds[q.object.value])
    for q in triples:
        c = concepts.get(q.subject.value)
        if c is None:
            continue
        p, o = q.predicate.value, q.object
        lang = getattr(o, "language", None) or "en"
        if p == SKOS + "prefLabel":
            c.pref[lang.lower() if lang.lower() != "zh-hans" else "zh"] = o.value
        elif p == SKOS + "altLabel":
            c.alt.append((o.value, lang.lower()))
        elif p == SKOS + "broader":
            c.broader.append(o.value)
        elif p == RK + "code":
            c.code = o.value
        elif p == RK + "unitKind":
            c.unit_kind = o.value
    return concepts


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return Lexicon(parse_concepts(path=VOCAB_PATH))
