"""PDF → text with pypdf: per page, minus running headers/footers and page numbers, with the
wrapped lines of each paragraph joined again (hyphenation undone) and sentences that a page
break cut in two rejoined.
"""

from __future__ import annotations

import io
import logging
import math
import re
from dataclasses import dataclass
from statistics import median

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from soev_search.ingest.headings import break_at_numbered_headings
from soev_search.ingest.text import join_blocks, normalize_text

MAX_PDF_PAGES = 2_000
# Lines at the top/bottom of a page that are checked for running headers/footers.
_EDGE = 3
# A header/footer repeats on at least this share of the pages (and on two pages at least).
_RUNNING_SHARE = 0.5
_PAGE_NUMBER = re.compile(
    r"^(?:(?:side|page|s\.)\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:af|of|/|ud af)\s*\d{1,4})?$",
    re.IGNORECASE)
_BULLET = re.compile(r"^(?:[•▪◦●■□➢►*·-]|–|\d{1,2}[.)]\s|[a-z][.)]\s|o\s)")
_SENTENCE_END = re.compile(r"[.!?:;]$")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÆØÅ]")
# A heading line is shorter than this share of the typical line width.
_HEADING_SHARE = 0.6
_KEEP_HYPHEN_BEFORE = {"og", "eller", "samt", "til", "and", "or"}
# Titles that name a file or nothing: the text's first line says more.
_GENERIC_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\b.*|untitled.*|uden\s+titel.*|dokument\d*|"
    r".*\.(?:docx?|pdf|odt|pptx?))$", re.IGNORECASE)

logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfUnreadable(ValueError):
    """The PDF cannot be read (damaged, encrypted, or images only)."""


@dataclass
class PdfText:
    text: str
    title: str | None
    date: str | None
    truncated: bool


def extract_pdf(raw: bytes, max_chars: int) -> PdfText:
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable("encrypted PDF")
        pages, truncated = _page_texts(reader, max_chars)
        title, date = _metadata(reader)
    except PdfUnreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise PdfUnreadable(f"damaged PDF ({type(exc).__name__})") from exc
    if not any(page.strip() for page in pages):
        raise PdfUnreadable("PDF without extractable text (scanned images?)")
    return PdfText(pages_to_text(pages), title, date, truncated)


def _page_texts(reader: PdfReader, max_chars: int) -> tuple[list[str], bool]:
    pages: list[str] = []
    total = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or total >= max_chars:
            return pages, True
        text = normalize_text(page.extract_text() or "")
        pages.append(text)
        total += len(text)
    return pages, False


def _metadata(reader: PdfReader) -> tuple[str | None, str | None]:
    info = reader.metadata
    if info is None:
        return None, None
    title = " ".join(str(info.title or "").split())
    title = "" if _GENERIC_TITLE.match(title) else title
    created = info.get("/CreationDate")
    match = re.match(r"D:(\d{4})(\d{2})", str(created or ""))
    date = f"{match.group(1)}-{match.group(2)}" if match else None
    return (title if len(title) >= 4 else None), date


def pages_to_text(pages: list[str]) -> str:
    """Page texts → one text: running lines and page numbers out, paragraphs rebuilt."""
    page_lines = [page.split("\n") for page in pages]
    running = _running_lines(page_lines)
    paragraphs: list[str] = []
    for lines in page_lines:
        kept = _strip_page_edges(lines, running)
        page_paragraphs = rebuild_paragraphs(kept)
        if page_paragraphs and paragraphs and _continues(paragraphs[-1], page_paragraphs[0]):
            paragraphs[-1] = _join_lines(paragraphs[-1], page_paragraphs.pop(0))
        paragraphs.extend(page_paragraphs)
    return break_at_numbered_headings(join_blocks(paragraphs))


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.casefold().split()))


def _edges(lines: list[str]) -> list[str]:
    content = [line for line in lines if line.strip()]
    return content[:_EDGE] + content[-_EDGE:]


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    if len(page_lines) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in page_lines:
        for key in {_line_key(line) for line in _edges(lines)}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, math.ceil(_RUNNING_SHARE * len(page_lines)))
    return {key for key, count in counts.items() if count >= needed}


def _strip_page_edges(lines: list[str], running: set[str]) -> list[str]:
    """Drop running headers/footers and page numbers among the first/last lines of a page."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    edge = set(content[:_EDGE] + content[-_EDGE:])
    return [line for i, line in enumerate(lines)
            if i not in edge or not (_line_key(line) in running or _PAGE_NUMBER.match(line))]


def rebuild_paragraphs(lines: list[str]) -> list[str]:
    """Wrapped lines → paragraphs. A paragraph ends at a blank line, at a short line ending a
    sentence, or after a heading-like short line; a heading line after a sentence end is a
    paragraph of its own; list items keep their own lines."""
    widths = [len(line) for line in lines if len(line) > 20]
    typical = median(widths) if widths else 60
    paragraphs: list[str] = []
    current = ""
    stripped = [line.strip() for line in lines]
    for index, line in enumerate(stripped):
        if not line:
            paragraphs.append(current)
            current = ""
        elif _is_heading(current.rsplit("\n", 1)[-1], line, _next(stripped, index), typical):
            paragraphs += [current, line]
            current = ""
        elif not current:
            current = line
        elif _BULLET.match(line):
            current = f"{current}\n{line}"
        elif _ends_paragraph(current.rsplit("\n", 1)[-1], line, typical):
            paragraphs.append(current)
            current = line
        else:
            current = _join_lines(current, line)
    paragraphs.append(current)
    return [p for p in paragraphs if p.strip()]


def _next(lines: list[str], index: int) -> str:
    return next((line for line in lines[index + 1:] if line), "")


def _is_heading(previous: str, line: str, following: str, typical: float) -> bool:
    """A short line without a sentence end, capitalised or numbered ("7. Socialøkonomisk
    politik"), between a sentence end (or the start) and a capitalised line."""
    return (len(line) < _HEADING_SHARE * typical and not _SENTENCE_END.search(line)
            and (line[:1].isupper() or bool(_NUMBERED.match(line)))
            and (not previous or bool(_SENTENCE_END.search(previous)))
            and following[:1].isupper())


def _ends_paragraph(previous: str, line: str, typical: float) -> bool:
    short = len(previous) < 0.75 * typical
    if short and _SENTENCE_END.search(previous):
        return True
    heading = len(previous) < 0.5 * typical and not _SENTENCE_END.search(previous)
    return heading and line[:1].isupper()


def _continues(previous: str, following: str) -> bool:
    """A page break inside a sentence: no sentence end before it, lowercase after it."""
    return not _SENTENCE_END.search(previous) and following[:1].islower()


def _join_lines(previous: str, line: str) -> str:
    """Join a wrapped line; "beskæf-" + "tigelse" → "beskæftigelse", "social-" + "og" kept."""
    if re.search(r"\w-$", previous) and line[:1].islower():
        first_word = line.split(maxsplit=1)[0]
        if first_word not in _KEEP_HYPHEN_BEFORE:
            return previous[:-1] + line
    return f"{previous} {line}"
