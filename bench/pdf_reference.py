"""A second, independent reading of a PDF's running text, to check the PDF route against (tests, bench).

pdfplumber (pdfminer's layout analysis, not pdfium) reads each page cropped to its body — the top and bottom
tenth cut away by position, so no running header, footer or page number survives — and its lines are joined
into paragraphs where a line ending a sentence stops short of the right edge. Chart labels come out as runs
of numbers and title-case words; ``running_text`` keeps only sentences of prose. Nothing here is on the
ingest path; pdfplumber is a test dependency only.
"""
from __future__ import annotations

import re
from pathlib import Path

_END = tuple("。！？；.!?;:：")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SPLIT = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+(?=[A-Z\u4e00-\u9fff(“\"])")
_FIGURE = re.compile(r"\d[\d,.]*\s*(?:%|％|[万亿兆千百]|billion|million|trillion|thousand|units?\b|EB\b|GW)", re.I)
_NUMBER_WORD = re.compile(r"[(（]?[-+]?[$¥]?[\d,.]+[%EF]?[)）]?")


def paragraphs(path: str | Path, pages: range | None = None, band: float = 0.1,
               page_text: dict[int, str] | None = None) -> list[tuple[int, str]]:
    """(page a paragraph starts on, its text) for the body of ``pages`` (1-based); ``page_text`` receives each
    page's body text in comparable form (``key``)."""
    import pdfplumber
    out: list[tuple[int, str]] = []
    with pdfplumber.open(str(path)) as pdf:
        para: list[str] = []
        start = 0
        for no in pages or range(1, len(pdf.pages) + 1):
            page = pdf.pages[no - 1]
            body = page.crop((0, page.height * band, page.width, page.height * (1 - band)))
            rows = body.extract_text_lines(x_tolerance=1.5)
            right = max((r["x1"] for r in rows), default=0)
            if page_text is not None:
                page_text[no] = key("".join(r["text"] for r in rows))
            for r in rows:
                line = r["text"].replace("\ufffe", "-").strip()
                if not line:
                    continue
                if not para:
                    start = no
                para.append(line)
                if line.endswith(_END) and r["x1"] < right - 0.05 * page.width:   # a short line ends it
                    out.append((start, _join(para)))
                    para = []
        if para:
            out.append((start, _join(para)))
    return out


def clean_text(path: str | Path, pages: range | None = None) -> str:
    return "# reference\n\n" + "\n\n".join(t for _, t in paragraphs(path, pages)) + "\n"


def figure_sentences(path: str | Path, pages: range | None = None) -> list[tuple[int, str]]:
    """The running-text sentences that state a figure (a number with a unit or a per cent), with their page."""
    out = []
    bodies: dict[int, str] = {}
    for page, text in paragraphs(path, pages, page_text=bodies):
        for s in _SPLIT.split(text):
            s = s.strip()
            if s and _FIGURE.search(s) and running_text(s):
                head = key(s)[:16]        # the page the sentence starts on: the first to hold its opening
                at = next((p for p in range(page, page + 8) if head in bodies.get(p, "")), page)
                out.append((at, s))
    return out


def running_text(sentence: str) -> bool:
    """A sentence of prose, not a chart's labels read in a row: at least 40 characters, at most a quarter of
    its words numbers and never three in a row, fewer than three year ranges, and (in English) at least two
    in five words starting in lower case."""
    words = sentence.split()
    flags = [bool(_NUMBER_WORD.fullmatch(w)) for w in words]
    run = max((len(m) for m in "".join("1" if f else "0" for f in flags).split("0")), default=0)
    ranges = len(re.findall(r"(?:19|20)\d{2}E?\s*[-–]\s*(?:19|20)\d{2}E?", sentence))
    latin = [w for w in words if re.match(r"[A-Za-z]", w)]
    lower = sum(w[0].islower() for w in latin)
    return len(sentence) >= 40 and sum(flags) <= 0.25 * len(words) and run < 3 and ranges < 3 and \
        (len(latin) < 5 or lower >= 0.4 * len(latin))


def key(text: str) -> str:
    """Comparable form: no spaces or hyphens, full-width folded, the (cid:N) glyphs pdfminer cannot map gone."""
    from ingest.text import fold
    return re.sub(r"\(cid:\d+\)|[\s\-‐-―•·]+", "", fold(text))


def _join(lines: list[str]) -> str:
    text = lines[0]
    for ln in lines[1:]:
        if _CJK.match(text[-1:]) or _CJK.match(ln[:1]) or text.endswith("-"):
            text += ln
        else:
            text += " " + ln
    return text


def lost(sentences: list[tuple[int, str]], sentences_read: list[tuple[int | None, str]]):
    """Compare the reference's figure sentences with what the PDF route read: (found, same_page, lost, moved),
    ``lost`` the reference sentences whose text from their first figure on is nowhere in what was read (a
    title the reference ran into the sentence does not count), ``moved`` those found on another page."""
    import bisect
    keys = [key(t) for _, t in sentences_read]
    blob = "\x00".join(keys)
    starts, pos = [], 0
    for k in keys:
        starts.append(pos)
        pos += len(k) + 1
    found, same, missing, moved = 0, 0, [], []
    for page, s in sentences:
        k = key(s)
        m = _FIGURE.search(k)
        tail = k[max(0, m.start() - 10):] if m else k
        i = blob.find(tail)
        if i < 0:
            missing.append((page, s))
            continue
        found += 1
        at = sentences_read[bisect.bisect_right(starts, i) - 1][0]
        if at == page:
            same += 1
        else:
            moved.append((page, at, s))
    return found, same, missing, moved
