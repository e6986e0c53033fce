"""The one catalogue of errors users see from ingestion (one line each, naming the file and line)."""
from __future__ import annotations


class IngestError(Exception):
    """A report could not be ingested; the message is one line fit for a user."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path, self.line, self.detail = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class Errors:
    EMPTY = "the file is empty"
    BLANK = "the file holds only whitespace"
    TOO_BIG = "the file is {size:,} bytes, above the {limit:,}-byte limit for one report"
    BINARY = "this is a binary file, not report text (NUL byte at offset {offset})"
    ENCODING = "the text is not UTF-8 (invalid byte 0x{byte:02x}); save it as UTF-8 and try again"
    UTF16 = "the text starts with a UTF-16 byte-order mark but is not valid UTF-16 (cut short?); save it as UTF-8"
    NOT_FOUND = "no such file"
    NO_CLAIMS = "no recognisable claims (no market figures, growth rates, definitions or drivers) in this report"
    NO_SECTIONS = "no sections found: the report needs headings (numbered like '1.2 Title' or titled)"
    OVER_BUDGET = ("the report gives {n:,} {what}, more than the {limit:,} a text of {chars:,} characters may give "
                   "(is it a report? a longer one can be split)")
    TOO_SLOW = "ingesting the report took longer than {s:g} s and was stopped; nothing was stored (split the report)"
    TOO_MUCH_MEMORY = "ingesting the report needed more than {mb:,} MB and was stopped; nothing was stored (split the report)"
    WORKER_FAILED = "ingesting the report failed in its worker process; nothing was stored"
    PDF_ENCRYPTED = "the PDF is encrypted (password-protected); save an unprotected copy and try again"
    PDF_CORRUPT = "the PDF cannot be read (damaged or not a PDF)"
    PDF_TOO_MANY_PAGES = "the PDF has {pages:,} pages, more than the {limit:,} one report may have"
    PDF_SCANNED = ("the PDF has no text layer on {pages:,} page(s) (a scan?): it needs OCR first; "
                   "reportkg reads only text")
    PDF_MOJIBAKE = ("the PDF's text cannot be read: the fonts of its {pages:,} page(s) with text have broken "
                    "Unicode maps (the text comes out as garbage)")
    HTML_CHARSET = "the page declares the character set {charset!r}, which is unknown; save it as UTF-8"
    HTML_ENCODING = "the page is not valid {charset} (invalid byte 0x{byte:02x}); save it as UTF-8 and try again"
    NO_TEXT = "the {kind} holds no text (its paragraphs are empty; are its pages images?)"
    DOCX_NOT_DOCX = "the file cannot be read as a Word document (.docx: damaged, or another format renamed)"
    DOCX_TOO_BIG = "the Word document inflates to {size:,} bytes of XML, above the {limit:,}-byte limit"
    SHACL = "the graph for this report fails validation: {detail}"
