"""The text of an uploaded report: .txt (UTF-8 or cp1251), .html (stdlib parser) or .pdf (pypdf's
text layer). Pure Python; the caller bounds the size before it reads the upload."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

MAX_BYTES = 5 * 1024 * 1024  # a press report is tens of kilobytes; 5 MB is generous for a PDF
MAX_CHARS = 200_000  # of extracted text: the extractor's time grows with it
MAX_PDF_PAGES = 200


class NotText(ValueError):
    """The file has no text we can read; the message says why, for a person."""


class _Text(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "blockquote",
        "header",
        "footer",
        "title",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NotText("The file is not valid UTF-16.") from exc
    if b"\x00" in data:
        raise NotText("The file is not text (it holds binary data).")
    for enc in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        # cp1251 decodes almost anything: demand that most characters are printable letters.
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
        if text and printable / len(text) > 0.95:
            return text
    raise NotText("The file is not text in UTF-8 or Windows-1251.")


def tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(_decode(data))
    parser.close()
    return re.sub(r"[ \t]+", " ", "".join(parser.parts))


def pdf_text(data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise NotText("The file is not a PDF.")
    from pypdf import PdfReader  # imported here: only PDF uploads pay for it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise NotText(f"The PDF has more than {MAX_PDF_PAGES} pages.")
        parts = []
        for page in reader.pages:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_CHARS:
                break
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, NotText):
            raise
        raise NotText("The PDF could not be read.") from exc
    text = "\n".join(parts)
    if not text.strip():
        raise NotText("The PDF has no text layer (a scan?): paste its text instead.")
    return text


def file_text(name: str, data: bytes, *, any_extension: bool = False) -> str:
    """The report's text from a file's name and bytes; NotText when it has none.

    `any_extension` (the command line) reads a file of another extension as text, sniffing
    PDF and HTML by their first bytes; uploads keep to .txt, .html and .pdf."""
    if len(data) > MAX_BYTES:
        raise NotText(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    lower = name.lower()
    if lower.endswith(".pdf"):
        text = pdf_text(data)
    elif lower.endswith((".html", ".htm")):
        text = html_text(data)
    elif lower.endswith((".txt", ".text", ".md")) or "." not in lower:
        text = _decode(data)
    elif any_extension and data.startswith(b"%PDF"):
        text = pdf_text(data)
    elif any_extension and data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        text = html_text(data)
    elif any_extension:
        text = _decode(data)
    else:
        raise NotText("Only .txt, .html and .pdf files are accepted.")
    text = tidy(text)
    if not text:
        raise NotText("The file holds no text.")
    if len(text) > MAX_CHARS:
        raise NotText(f"The text is longer than {MAX_CHARS:,} characters.")
    return text
