"""What `soev-index show FILE` prints: a readable summary, one JSON object, or the clean text.

Corpus-level boilerplate is learned when the file lies in the configured corpus, from at most
SHOW_LEARN_FILES of its files (edges of text files only, so well under a second); a file from
elsewhere is cleaned by the rules alone.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from soev_search import settings
from soev_search.document import Document
from soev_search.ingest.repeated import RepeatedLines, learn_repeated_lines

SHOW_LEARN_FILES = 5_000
_PREVIEW_CHARS = 600


def corpus_of(path: Path) -> Path | None:
    """The configured corpus folder when `path` lies inside it."""
    corpus = settings.current().corpus
    try:
        path.resolve().relative_to(corpus.resolve())
    except (ValueError, OSError):
        return None
    return corpus


def repeated_for(corpus: Path | None) -> RepeatedLines | None:
    if corpus is None:
        return None
    from soev_search.ingest import corpus_files

    return learn_repeated_lines(itertools.islice(corpus_files(corpus), SHOW_LEARN_FILES))


def as_json(document: Document) -> str:
    return json.dumps(document.to_dict(), ensure_ascii=False, indent=2)


def as_summary(document: Document) -> str:
    contact = document.contact
    mark = _by_hand_marker(document)
    lines = [
        f"title:       {document.title}{mark('title')}",
        f"id:          {document.id}",
        f"path:        {document.path}",
        f"url:         {document.url or '-'}",
        f"fetched:     {document.fetched or '-'}",
        f"source:      {document.source}",
        f"doctype:     {document.doctype}{mark('doctype')}",
        f"language:    {document.language}{mark('language')}",
        f"date:        {document.date or '-'}{mark('date')}",
        f"municipality: {document.municipality or '-'}{mark('municipality')}",
        f"mentions:    {', '.join(document.municipalities_mentioned) or '-'}",
        f"contact:     {_contact_line(contact) if contact else '-'}",
        f"sections:    {len(document.sections)}",
        "figures:     " + (", ".join(
            f"{key}={figure.as_text()}" for key, figure in document.figures.items()
            if figure is not None) or "-"),
        f"text:        {len(document.text):,} characters",
    ]
    lines += [f"note:        {note}" for note in document.notes]
    preview = document.text[:_PREVIEW_CHARS]
    ellipsis = " …" if len(document.text) > _PREVIEW_CHARS else ""
    return "\n".join(lines) + "\n\n" + preview + ellipsis


def _by_hand_marker(document: Document):
    """A suffix for fields the document's sidecar set by hand."""
    return lambda key: "  (set by hand)" if key in document.set_by_hand else ""


def _contact_line(contact: object) -> str:
    parts = [getattr(contact, key) for key in ("name", "email", "phone")]
    return ", ".join(part for part in parts if part) or "-"

