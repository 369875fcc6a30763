"""Ingest: a file in the corpus becomes a cleaned, described Document, or a Skipped with a reason.

`corpus_files` lists the candidates, `learn_repeated_lines` learns the corpus's own template
lines in one cheap pass, and `ingest_file` (pure, never raising, safe in a process pool) reads,
cleans and describes one file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from soev_search.document import FIGURE_KEYS, Document, Skipped
from soev_search.ingest.dates import body_date, labelled_date, title_date
from soev_search.ingest.figures import extract_figures
from soev_search.ingest.language import detect_language
from soev_search.ingest.metadata import doctype, title_from_text
from soev_search.ingest.places import mentions, own_municipality
from soev_search.ingest.readers import (
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    SUPPORTED_SUFFIXES,
    Extracted,
    Unreadable,
    extract,
    read_bytes,
)
from soev_search.ingest.repeated import RepeatedLines, learn_repeated_lines
from soev_search.ingest.sidecar import (
    apply_sidecar,
    document_of_sidecar,
    is_sidecar,
    read_sidecar,
)
from soev_search.ingest.structure import emails, extract_contact, extract_sections

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "SUPPORTED_SUFFIXES",
    "RepeatedLines",
    "corpus_files",
    "document_id",
    "ingest_file",
    "learn_repeated_lines",
    "orphan_sidecars",
]


def corpus_files(corpus_root: Path, sidecars: list[Path] | None = None) -> Iterator[Path]:
    """Every candidate below the corpus root in a stable order: all files (unsupported ones
    too, so they are reported as skipped) and directories named like supported files.
    Hidden files and folders, README.md and sidecars (`NAME.meta.json`, read with the
    document they describe) are left out; the sidecars are appended to `sidecars` if given.

    The order is that of the paths' parts, sorted: each folder's entries by name, a folder's
    contents right after it. One os.scandir per folder (no pathlib per file) keeps `update`'s
    scan of a large corpus cheap."""
    yield from _walk(corpus_root, sidecars)


def orphan_sidecars(sidecars: list[Path]) -> list[Path]:
    """Sidecars with no document beside them (`strategi.meta.json` for `strategi.pdf`)."""
    return [path for path in sidecars if not document_of_sidecar(path).is_file()]


def _walk(folder: Path, sidecars: list[Path] | None) -> Iterator[Path]:
    try:
        with os.scandir(folder) as entries:
            listed = sorted((entry.name, entry.is_dir(), entry.is_dir(follow_symlinks=False))
                            for entry in entries if not entry.name.startswith("."))
    except OSError:
        return
    for name, is_dir, is_real_dir in listed:
        path = folder / name
        if not is_dir:
            if is_sidecar(name):
                if sidecars is not None:
                    sidecars.append(path)
            elif name != "README.md":
                yield path
            continue
        if Path(name).suffix.lower() in SUPPORTED_SUFFIXES and name != "README.md":
            yield path
        if is_real_dir:  # like rglob: symlinked folders are listed, not entered
            yield from _walk(path, sidecars)


def document_id(relative_path: str) -> str:
    """Stable id of a document: derived from its path relative to the corpus."""
    return hashlib.sha1(relative_path.encode("utf-8")).hexdigest()[:16]


def ingest_file(path: Path, corpus_root: Path | None = None,
                repeated: RepeatedLines | None = None) -> Document | Skipped:
    """Read, clean and describe one file, with the corrections of its sidecar if it has one.
    Never raises: problems become Skipped(reason)."""
    rel = _relative(path, corpus_root)
    try:
        raw = read_bytes(path)
        return apply_sidecar(_describe(extract(path, raw, repeated), rel, raw),
                             read_sidecar(path))
    except Unreadable as exc:
        return Skipped(rel, str(exc))
    except RecursionError:
        return Skipped(rel, "too deeply nested to read")
    except MemoryError:
        return Skipped(rel, "too large to read in memory")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a rebuild
        return Skipped(rel, " ".join(f"could not read: {type(exc).__name__}: {exc}".split())[:300])


def _describe(extracted: Extracted, rel: str, raw: bytes) -> Document:
    text = extracted.text
    title = extracted.title or title_from_text(text)
    date = (extracted.date or title_date(title) or labelled_date(text) or body_date(text)
            or extracted.fallback_date)
    sections = extract_sections(text)
    mentioned = mentions(text)
    return Document(
        id=document_id(rel),
        path=rel,
        title=title,
        text=text,
        source=extracted.source,
        content_hash=hashlib.sha256(raw).hexdigest(),
        municipality=own_municipality(f"{title} {extracted.publisher}", text, emails(text),
                                      mentioned),
        municipalities_mentioned=sorted(mentioned),
        date=date,
        year=int(date[:4]) if date else None,
        doctype=doctype(title, text, extracted.source, extracted.is_article),
        language=detect_language(text),
        sections=sections,
        figures=extract_figures(sections, text) if sections else dict.fromkeys(FIGURE_KEYS),
        contact=extract_contact(text),
        notes=extracted.notes,
    )


def _relative(path: Path, corpus_root: Path | None) -> str:
    """The path below the corpus root: as listed (a rebuild's paths are the root joined with
    the rest; resolving both costs two realpath walks per file), else resolved; else the name."""
    if corpus_root is not None:
        try:
            relative = path.relative_to(corpus_root)
            if ".." not in relative.parts:
                return relative.as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(corpus_root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name
