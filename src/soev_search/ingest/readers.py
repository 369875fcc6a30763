"""File → cleaned main text, by format: plain-text captures, HTML and PDF.

Limits (documented in the README): a file larger than MAX_FILE_BYTES is skipped unread; a
text longer than MAX_TEXT_CHARS is cut there and the cut is noted on the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from soev_search.ingest.boilerplate import (
    detect_capture,
    document_site_title,
    remove_boilerplate,
)
from soev_search.ingest.encoding import NotText, decode_text
from soev_search.ingest.headings import break_at_numbered_headings
from soev_search.ingest.pages import remove_page_numbers
from soev_search.ingest.repeated import RepeatedLines, strip_repeated
from soev_search.ingest.text import cut_at_line, lines_to_text, normalize_text

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf")
_MAGIC = (
    (b"\x89PNG", "image file (PNG)"), (b"\xff\xd8\xff", "image file (JPEG)"),
    (b"GIF8", "image file (GIF)"), (b"II*\x00", "image file (TIFF)"),
    (b"MM\x00*", "image file (TIFF)"), (b"PK\x03\x04", "zip archive (e.g. .docx or .xlsx)"),
    (b"\xd0\xcf\x11\xe0", "MS Office document (old .doc/.xls)"), (b"\x1f\x8b", "gzip archive"),
)
_RIFF_IMAGE = b"WEBP"


class Unreadable(Exception):
    """The file cannot become a document; the message is the one-line reason."""


@dataclass
class Extracted:
    text: str
    source: str
    title: str | None = None
    # A date the format states (HTML meta/time): better than anything read from the text.
    date: str | None = None
    # A date the format only suggests (PDF creation date): used when the text has none.
    fallback_date: str | None = None
    is_article: bool = False
    # Text naming who publishes the document (an HTML page's site name): evidence of the
    # document's own municipality, not part of its text.
    publisher: str = ""
    notes: list[str] = field(default_factory=list)


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise Unreadable("no such file")
    if path.is_dir():
        raise Unreadable("is a directory, not a file")
    if not path.is_file():
        raise Unreadable("not a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise Unreadable(f"file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,})")
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise Unreadable(f"file too large (limit {MAX_FILE_BYTES:,} bytes)")
    if not raw:
        raise Unreadable("empty file")
    if not raw.strip():
        raise Unreadable("file holds only whitespace")
    return raw


def extract(path: Path, raw: bytes, repeated: RepeatedLines | None) -> Extracted:
    """Dispatch on the suffix, checked against the content; raise Unreadable with a reason."""
    suffix = path.suffix.lower()
    looks_like_pdf = b"%PDF-" in raw[:1024]
    if suffix == ".pdf" or looks_like_pdf:
        if not looks_like_pdf:
            raise Unreadable("not a PDF: no %PDF header (named .pdf)")
        extracted = _from_pdf(raw)
    else:
        _refuse_binary(raw)
        if suffix in (".html", ".htm"):
            extracted = _from_html(raw, repeated)
        elif suffix == ".txt":
            extracted = _from_text(raw, repeated)
        else:
            raise Unreadable(f"unsupported file type: {suffix or 'no suffix'}")
    extracted.text = _limited(extracted.text, extracted.notes)
    if not extracted.text.strip():
        raise Unreadable("no text left after removing page furniture")
    return extracted


def _refuse_binary(raw: bytes) -> None:
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            raise Unreadable(kind)
    if raw.startswith(b"RIFF") and raw[8:12] == _RIFF_IMAGE:
        raise Unreadable("image file (WebP)")


def _limited(text: str, notes: list[str]) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    notes.append(f"text cut to the first {MAX_TEXT_CHARS:,} of {len(text):,} characters")
    return cut_at_line(text, MAX_TEXT_CHARS)


def _decoded(raw: bytes) -> str:
    try:
        return decode_text(raw)
    except NotText as exc:
        raise Unreadable(str(exc)) from exc


def _from_text(raw: bytes, repeated: RepeatedLines | None) -> Extracted:
    notes: list[str] = []
    # Cut before cleaning so a huge file costs no more than the limit.
    text = normalize_text(_limited(_decoded(raw), notes))
    lines = text.split("\n")
    capture = detect_capture(lines)
    title = document_site_title(lines) if capture == "document-site" else None
    lines, note = strip_repeated(remove_boilerplate(lines), repeated)
    notes += [note] if note else []
    text = lines_to_text(lines)
    if capture != "blog":
        text = break_at_numbered_headings(remove_page_numbers(text))
    return Extracted(text=text, source=capture or "text", title=title, notes=notes)


def _from_html(raw: bytes, repeated: RepeatedLines | None) -> Extracted:
    # The HTML and PDF readers (BeautifulSoup, lxml, pypdf) are imported when a file needs
    # them, so a corpus of text files, `show` of a .txt and every search start without them.
    from soev_search.ingest.html import extract_html

    try:
        page = extract_html(raw)
    except NotText as exc:  # e.g. NUL bytes after the first kilobyte
        raise Unreadable(str(exc)) from exc
    lines, note = strip_repeated(remove_boilerplate(page.text.split("\n")), repeated)
    return Extracted(text=lines_to_text(lines), source="html", title=page.title, date=page.date,
                     is_article=page.is_article, publisher=page.publisher,
                     notes=[note] if note else [])


def _from_pdf(raw: bytes) -> Extracted:
    from soev_search.ingest.pdf import PdfUnreadable, extract_pdf

    try:
        pdf = extract_pdf(raw, MAX_TEXT_CHARS)
    except PdfUnreadable as exc:
        raise Unreadable(str(exc)) from exc
    notes = ["PDF text cut at the per-document limit"] if pdf.truncated else []
    return Extracted(text=pdf.text, source="pdf", title=pdf.title, fallback_date=pdf.date,
                     notes=notes)
