"""The QA lexicon, read from the graph: SKOS labels of markets, segments, regions and metrics.

A newly ingested report's markets and segments become askable as soon as it is in the store: the
lexicon is rebuilt when the store's reports change.
"""
from __future__ import annotations

import functools
import re
import threading
import time
from sys import intern
from dataclasses import dataclass, field

from ingest.text import fold, has_cjk, squash
from kg.namespaces import sparql_prefixes

P = sparql_prefixes()

# Every report graph about a market states the market's and its segments' type and labels again, and a
# union default graph (Oxigraph's) returns each copy: joined pattern by pattern, k copies became k^3 rows
# (over 4 GB and minutes at 10,000 reports). Each part is made DISTINCT before the join (0.5 s there).
CONCEPTS = P + """
SELECT ?c ?kind ?label ?broader ?close ?code ?unitKind WHERE {
  { SELECT DISTINCT ?c ?kind WHERE { VALUES ?kind { rk:Market rk:Segment rk:Region rk:Metric rk:Term } ?c a ?kind } }
  { SELECT DISTINCT ?c ?label WHERE { { ?c skos:prefLabel ?label } UNION { ?c skos:altLabel ?label } } }
  OPTIONAL { SELECT DISTINCT ?c ?broader WHERE { ?c skos:broader ?broader } }
  OPTIONAL { SELECT DISTINCT ?c ?close WHERE { ?c skos:closeMatch ?close } }
  OPTIONAL { SELECT DISTINCT ?c ?code WHERE { ?c rk:code ?code } }
  OPTIONAL { SELECT DISTINCT ?c ?unitKind WHERE { ?c rk:unitKind ?unitKind } }
}"""

PREF = P + """
SELECT ?c ?label WHERE {
  { SELECT DISTINCT ?c WHERE { VALUES ?kind { rk:Market rk:Segment rk:Region rk:Metric rk:Term } ?c a ?kind } }
  { SELECT DISTINCT ?c ?label WHERE { ?c skos:prefLabel ?label } }
}"""

MARKET_USE = P + """
SELECT DISTINCT ?market ?report ?metric WHERE { ?obs rk:market ?market ; rk:report ?report ; rk:metric ?metric }"""

COMPANIES = P + """
SELECT DISTINCT ?c ?label WHERE { ?c a rk:Company ; rdfs:label ?label }"""
PRODUCTS = P + """
SELECT DISTINCT ?p WHERE { ?obs rk:product ?p }"""
PRODUCT_BASE = "urn:reportkg:product:"          # a product's name in a question (its figures carry rk:product)
REPORT_DATES = P + """
SELECT ?report ?date WHERE { ?report a rk:Report ; dcterms:date ?date }"""

PUBLISHERS = P + """
SELECT DISTINCT ?name WHERE { ?report a rk:Report . { ?report dcterms:publisher ?name } UNION { ?report rk:consultant ?name } }"""

# where a segment's products are used, as its definition says ('智能手机', 'data center'): words a question may
# describe a segment by ('手机、汽车等终端设备上的AI推理芯片')
DEPLOYMENTS = P + """
SELECT DISTINCT ?place ?concept WHERE { ?def rk:deployment ?place . OPTIONAL { ?def rk:definedConcept ?concept } }"""

VERSION = P + "SELECT (COUNT(?r) AS ?n) (MAX(STR(?h)) AS ?h) WHERE { ?r a rk:Report ; rk:contentHash ?h }"


@dataclass
class Entity:
    iri: str
    kind: str                                      # Market | Segment | Region | Metric
    labels: dict[str, str] = field(default_factory=dict)   # lang -> preferred label
    aliases: set[str] = field(default_factory=set)
    broader: set[str] = field(default_factory=set)
    close: set[str] = field(default_factory=set)              # skos:closeMatch (China ~ Mainland China)
    code: str | None = None
    unit_kind: str | None = None

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en" if lang == "zh" else "zh") or \
            next(iter(self.aliases), self.iri.rsplit("/", 1)[-1])


@dataclass
class QALexicon:
    entities: dict[str, Entity]
    markets_with: dict[str, set[str]]              # metric IRI -> markets that have figures of it
    reports_of: dict[str, set[str]]                # market IRI -> reports
    version: tuple
    report_year: dict[str, int] = field(default_factory=dict)   # report IRI -> year of publication
    census: tuple | None = None                    # the reports counted when it was built (see lexicon_for)
    publishers: tuple[str, ...] = ()               # who wrote the reports ('CIC 灼识咨询'): names a question may use
    deployments: tuple[str, ...] = ()              # where the segments' products are used (their definitions)
    _patterns: list | None = field(default=None, repr=False)

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    def close_matches(self, iri: str) -> list[str]:
        """Concepts linked by skos:closeMatch either way."""
        return self._close.get(iri, [])

    @functools.cached_property
    def _close(self) -> dict[str, list[str]]:
        links: dict[str, set[str]] = {}
        for e in self.entities.values():
            for c in e.close:
                links.setdefault(e.iri, set()).add(c)
                links.setdefault(c, set()).add(e.iri)
        return {k: sorted(v - {k}) for k, v in links.items()}

    def ancestors(self, iri: str) -> set[str]:
        """Everything ``iri`` is narrower than, transitively (East China -> China -> Greater China -> …)."""
        out, todo = set(), [iri]
        while todo:
            e = self.entities.get(todo.pop())
            for b in (e.broader if e else ()):
                if b not in out:
                    out.add(b)
                    todo.append(b)
        return out

    def market_of(self, segment_iri: str) -> str | None:
        e = self.entities.get(segment_iri)
        return next((b for b in e.broader if b in self.entities and self.entities[b].kind == "Market"), None) if e else None

    def patterns(self) -> list[tuple[str, str, str]]:
        """(surface text, kind, iri) for every label and useful variant (computed once)."""
        if self._patterns is None:
            self._patterns = self._make_patterns()
        return self._patterns

    @functools.cached_property
    def known_words(self) -> frozenset[str]:
        """Every Latin-script word of every label: names the graph knows."""
        words = set()
        texts = [t for t, _k, _i in self.patterns()] + [a for e in self.of_kind("Term") for a in e.aliases]
        for text in texts + list(self.publishers):      # 'CIC', who wrote the report, is no unknown name
            words.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9.&\-]*", text))
        return frozenset(words)

    def _make_patterns(self) -> list[tuple[str, str, str]]:
        out = []
        synonyms = self._synonyms()
        partial: dict[str, set[tuple[str, str]]] = {}
        for e in self.entities.values():
            if e.kind == "Term":
                continue
            for text in {*e.labels.values(), *e.aliases}:
                for v in variants(text, e.kind):
                    forms = {v} | (swap_synonyms(v, synonyms) if e.kind in ("Market", "Segment") else set())
                    out.extend((x, e.kind, e.iri) for x in forms)
                    if e.kind == "Market":
                        for f in forms:
                            for p in partial_names(f):
                                partial.setdefault(p, set()).add((e.kind, e.iri))
        exact = {t for t, _k, _i in out}
        for p, owners in partial.items():
            # a shortened name counts only when it names one market and is not another concept's own label
            if len(owners) == 1 and p not in exact:
                kind, iri = next(iter(owners))
                out.append((p, kind, iri))
        return out

    @functools.cached_property
    def graph_words(self) -> frozenset[str]:
        """Latin-script words of the graph's own labels (not the glossary), singular."""
        words = set()
        for text, _k, _i in self.patterns():
            for w in re.findall(r"[a-z][a-z0-9.&\-]*", text.lower()):
                words.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
        return frozenset(words)

    @functools.cached_property
    def _held_labels(self) -> list[str]:
        """The labels of what the graph holds figures about or names itself: markets, segments, the reports'
        publishers and where the segments are deployed. (Glossary regions and terms are not: '上海', '训练芯片'
        are known words, but the reports hold no figure of them.)"""
        return [t for t, k, _i in self.patterns() if k in ("Market", "Segment")] + list(self.publishers) + \
            list(self.deployments)

    @functools.cached_property
    def name_words(self) -> frozenset[str]:
        """Latin-script words of the held labels, singular: a word of a question that is part of one is accounted
        for even where no whole label matched."""
        words = set()
        for text in self._held_labels:
            for w in re.findall(r"[a-z][a-z0-9.&\-]*", text.lower()):
                words.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
        return frozenset(words)

    @functools.cached_property
    def held_text(self) -> str:
        """The held labels, squashed and joined: a Chinese word of a question inside one is accounted for."""
        return "|".join(squash(fold(t).lower()) for t in self._held_labels)

    @functools.cached_property
    def label_text(self) -> str:
        """Every market and segment label, squashed and joined: to tell a known name from an unknown one."""
        return "|".join(squash(t) for t, k, _i in self.patterns() if k in ("Market", "Segment"))

    def _synonyms(self) -> list[tuple[str, list[str]]]:
        """Glossary terms as (preferred form, other forms), longest first: 'electric vehicle' -> ['ev', …]."""
        out = []
        for e in self.of_kind("Term"):
            forms = {fold(a).lower() for a in e.aliases if len(squash(a)) >= 2}
            for lang_label in e.labels.values():
                others = sorted(f for f in forms if f != fold(lang_label).lower() and has_cjk(f) == has_cjk(lang_label))
                if others:
                    out.append((fold(lang_label).lower(), others))
        return sorted(out, key=lambda p: -len(p[0]))


def variants(text: str, kind: str) -> set[str]:
    """Surface forms of a label: as is, without spaces, without a leading acronym ('AI 推理芯片' -> '推理芯片'),
    English plurals ('inference chips')."""
    t = fold(text).strip()
    out = {t.lower()}
    if has_cjk(t):
        out.add(re.sub(r"\s+", "", t).lower())
        stripped = re.sub(r"^[A-Za-z]+\s*", "", t)
        if kind == "Market" and len(stripped) >= 3 and stripped != t:
            out.add(stripped.lower())
    else:
        low = t.lower()
        if kind in ("Market", "Segment"):
            words = low.split()
            if words and len(words[-1]) > 2 and not words[-1].endswith("s"):
                out.add(" ".join(words[:-1] + [words[-1] + "s"]))
            if kind == "Market" and len(words) >= 3 and len(words[0]) <= 3 and words[0].isalpha():   # "ai inference chip" -> "inference chip"
                out.add(" ".join(words[1:]))
        out.add(low.replace("-", " "))
        if kind == "Product":
            out.add(re.sub(r"[\s\-]", "", low))        # 'DTS800' for the model 'DTS-800'
    return {o for o in out if len(squash(o)) >= 2}


def swap_synonyms(text: str, synonyms: list[tuple[str, list[str]]], limit: int = 6) -> set[str]:
    """Variants of a label with one glossary term replaced by a synonym ('electric vehicle charging pile' ->
    'ev charging pile'), so analysts' own words find the concept."""
    def once(t: str) -> set[str]:
        found = set()
        for pref, others in synonyms:
            if pref in t:
                found.update(t.replace(pref, o, 1) for o in others)
        return found

    first = once(text)
    out = set(sorted(first)[:limit])
    for t in sorted(out):                 # two terms swapped: 'electric vehicle charging pile' -> 'ev charger'
        out.update(sorted(once(t) - {text})[:limit])
    return out


GENERIC_HEADS = {"pile", "piles", "equipment", "system", "systems", "product", "products",
                 "solution", "solutions", "service", "services", "station", "stations", "infrastructure"}


def partial_names(form: str) -> set[str]:
    """Shorter names analysts use for a market: 'lithium-ion battery recycling' -> 'battery recycling';
    'data center optical interconnect' -> 'optical interconnect'; 'ev charging pile' -> 'ev charging';
    '电动车充电桩' -> '充电桩'."""
    out = set()
    if has_cjk(form):
        flat = re.sub(r"\s+", "", form)
        for i in range(1, len(flat) - 2):
            tail = flat[i:]
            if len(tail) >= 3 and has_cjk(tail[0]):
                out.add(tail)
        return out
    words = form.split()
    for i in range(1, len(words) - 1):
        out.add(" ".join(words[i:]))
    if len(words) >= 3 and words[-1] in GENERIC_HEADS:
        out.add(" ".join(words[:-1]))
    return {o for o in out if len(o) >= 6}


_CACHE: dict[int, tuple[float, QALexicon]] = {}
_AUDITED: dict[int, float] = {}          # store.uid -> when its reports were last counted
RECHECK_SECONDS = 2.0
AUDIT_SECONDS = 60.0
_BUILDING = threading.Lock()
_CACHING = threading.Lock()
_NOT_COUNTED = ("not counted",)


def _census(store) -> tuple | None:
    """The number of reports and their largest content hash: a full count, so asked rarely."""
    v = store.select(VERSION)
    return (v[0].get("n", 0), v[0].get("h")) if v else None


def lexicon_for(store) -> QALexicon:
    """The lexicon of a store, rebuilt when the store changes, whichever process wrote to it: its revision is
    checked at most every few seconds (one triple); and once a minute the reports are counted, for writes
    that bypassed reportkg (a bulk load straight into a remote SPARQL store bumps no revision). A lexicon
    carries the count it was built against, so a question racing a rebuild never puts an older one back."""
    now = time.monotonic()
    key = getattr(store, "uid", None) or id(store)
    hit = _CACHE.get(key)
    gen = getattr(store, "generation", 0)
    if hit and hit[1].version[0] == gen and now - hit[0] < RECHECK_SECONDS:
        return hit[1]
    rev = store.revision()
    if rev is None:                        # a store written before revisions: count the reports (slow at scale)
        rev = _census(store)
    version = (gen, rev)
    last = _AUDITED.get(key)
    census = _census(store) if last is None or now - last >= AUDIT_SECONDS else _NOT_COUNTED

    def current(lex: QALexicon) -> bool:
        return lex.version == version and (census is _NOT_COUNTED or lex.census == census)

    if hit and current(hit[1]):
        with _CACHING:                     # renew the one cached, unless a rebuild replaced it meanwhile
            now_cached = _CACHE.get(key)
            if now_cached and now_cached[1] is hit[1]:
                _CACHE[key] = (now, hit[1])
        if census is not _NOT_COUNTED:
            _AUDITED[key] = now
        return hit[1]
    with _BUILDING:                        # one build at a time: concurrent first questions share it
        hit = _CACHE.get(key)
        if hit and current(hit[1]):
            return hit[1]
        if census is _NOT_COUNTED:
            census = _census(store)
        try:
            lex = build(store, version)
        except BaseException:
            _AUDITED.pop(key, None)        # count again next time: the change is not in any lexicon yet
            raise
        lex.census = census
        with _CACHING:
            _CACHE[key] = (now, lex)
        _AUDITED[key] = now                # only once built: a failed rebuild is tried again
    return lex


def build(store, version: tuple = ()) -> QALexicon:
    """Read the lexicon, streaming the rows (at 10,000 reports a list of every row held ~100 MB more at its
    peak) and sharing one string per IRI."""
    ents: dict[str, Entity] = {}
    for r in store.rows(CONCEPTS):
        e = ents.get(r["c"])
        if e is None:
            e = ents[intern(r["c"])] = Entity(intern(r["c"]), r["kind"].rsplit("#", 1)[-1])
        e.aliases.add(r["label"])
        if "broader" in r:
            e.broader.add(intern(r["broader"]))
        if "close" in r:
            e.close.add(intern(r["close"]))
        if "code" in r:
            e.code = r["code"]
        if "unitKind" in r:
            e.unit_kind = r["unitKind"]
    for r in store.select_terms(PREF):
        e = ents.get(r["c"].value)
        lang = (r["label"].language or "en").lower()
        if e is not None:
            e.labels.setdefault("zh" if lang.startswith("zh") else lang, r["label"].value)
    for r in store.select_terms(COMPANIES):        # the companies the reports give figures of
        iri = intern(r["c"].value)
        e = ents.get(iri) or ents.setdefault(iri, Entity(iri, "Company"))
        e.aliases.add(r["label"].value)
        e.labels.setdefault("zh" if has_cjk(r["label"].value) else "en", r["label"].value)
    for r in store.select_terms(PRODUCTS):         # companies' products (models) the reports give figures of
        name = r["p"].value
        e = ents.setdefault(intern(PRODUCT_BASE + name), Entity(intern(PRODUCT_BASE + name), "Product"))
        e.aliases.add(name)
        e.labels.setdefault("en", name)
    markets_with: dict[str, set[str]] = {}
    reports_of: dict[str, set[str]] = {}
    for r in store.rows(MARKET_USE):
        market = intern(r["market"])
        markets_with.setdefault(intern(r["metric"]), set()).add(market)
        reports_of.setdefault(market, set()).add(intern(r["report"]))
    years = {intern(r["report"]): r["date"] for r in store.rows(REPORT_DATES) if isinstance(r.get("date"), int)}
    publishers = tuple(sorted({str(r["name"]) for r in store.rows(PUBLISHERS) if r.get("name")}))
    rows = [r for r in store.rows(DEPLOYMENTS) if r.get("place")]
    deployments = tuple(sorted({str(r["place"]) for r in rows}))
    used_in: dict[str, set[str]] = {}
    for r in rows:
        if r.get("concept"):
            used_in.setdefault(str(r["place"]), set()).add(intern(r["concept"]))
    for place, concepts in used_in.items():   # '数据中心推理芯片': the one segment whose definition places it there
        e = ents.get(next(iter(concepts))) if len(concepts) == 1 else None
        if e is not None and e.kind == "Segment":
            e.aliases.add(place)
    return QALexicon(ents, markets_with, reports_of, version, years, publishers=publishers, deployments=deployments)
