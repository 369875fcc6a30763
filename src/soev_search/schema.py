"""The Whoosh side of one build: fields, the analyzer adapter, the vocabulary file, opening.

A build's schema is always made here (never unpickled from the index) so the analyzer carries
the build's learned compound vocabulary at both index and query time.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from whoosh import fields, formats, index
from whoosh.analysis import Analyzer, Token
from whoosh.filedb.filestore import FileStorage

from soev_search.analysis import DanishAnalyzer, Vocabulary
from soev_search.document import Document
from soev_search.errors import IndexUnavailable
from soev_search.filters import FILTERS
from soev_search.store import REBUILD_HINT

VOCABULARY_FILE = "vocabulary.txt"


class WhooshDanishAnalyzer(Analyzer):
    """Feeds DanishAnalyzer's tokens to Whoosh; compound parts only when indexing.

    Pickled (into Whoosh's TOC, or to a writer process) it keeps only the path of its
    vocabulary file and reloads it from there.
    """

    def __init__(self, vocabulary: Vocabulary | None = None,
                 vocabulary_file: Path | None = None) -> None:
        self.danish = DanishAnalyzer(vocabulary)
        self.vocabulary_file = vocabulary_file

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        for text, position, start, end in self.danish.spans(value, index=mode == "index"):
            token.text = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def __getstate__(self) -> dict:
        return {"vocabulary_file": self.vocabulary_file}

    def __setstate__(self, state: dict) -> None:
        self.vocabulary_file = state.get("vocabulary_file")
        source = self.vocabulary_file
        vocabulary = _read_vocabulary(source) if source and source.is_file() else None
        self.danish = DanishAnalyzer(vocabulary)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WhooshDanishAnalyzer)

    def __hash__(self) -> int:
        return hash(type(self))


class DanishPositions(formats.Positions):
    """Whoosh's Positions format (the same postings, byte for byte), fed by the Danish
    analyzer's term positions directly when indexing instead of a Token object per term."""

    def word_values(self, value, analyzer, **kwargs):
        if (kwargs.get("mode") != "index" or not isinstance(value, str)
                or not isinstance(analyzer, WhooshDanishAnalyzer)):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in analyzer.danish.term_positions(value).items():
            if len(positions) == 1:
                yield term, 1, boost, _single_position(positions[0])
            else:
                yield term, len(positions), len(positions) * boost, self.encode(positions)


@lru_cache(maxsize=65_536)
def _single_position(position: int) -> bytes:
    """Positions.encode of one position (most postings of short documents), remembered."""
    return formats.Positions().encode([position])


def _danish_text(analyzer: WhooshDanishAnalyzer, stored: bool = False) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, phrase=True, stored=stored)
    field.format = DanishPositions(field_boost=field.format.field_boost)
    return field


def make_schema(vocabulary: Vocabulary, vocabulary_file: Path | None = None) -> fields.Schema:
    danish = WhooshDanishAnalyzer(vocabulary, vocabulary_file)
    # A single-valued filter is a sortable column (facet counts); a multi-valued one keywords.
    filters = {f.name: fields.KEYWORD(commas=True, scorable=False) if f.multi_valued
               else fields.ID(sortable=True) for f in FILTERS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_danish_text(danish, stored=True),
        text=_danish_text(danish),
        sections=_danish_text(danish),
        date=fields.ID(sortable=True),
        document=fields.STORED,
        **filters,
    )


def document_fields(doc: Document) -> dict:
    """The values one Document gives the index (absent filter values are left out)."""
    values = {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "sections": "\n".join(f"{s.question}\n{s.answer}" for s in doc.sections),
        "date": doc.date or "",
        "document": pack_document(doc),
        **{f.name: ",".join(f.read(doc)) for f in FILTERS},
    }
    return {name: value for name, value in values.items() if value != ""}


def pack_document(doc: Document) -> bytes:
    """The stored form of a Document: UTF-8 JSON. Not compressed here: Whoosh compresses
    every document's stored fields together (zlib), so compressing first cost a rebuild
    0.1 ms per document for nothing."""
    return json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")


def unpack_document(packed: bytes) -> Document:
    return Document.from_dict(json.loads(packed))


def save_vocabulary(build: Path, vocabulary: Vocabulary) -> None:
    (build / VOCABULARY_FILE).write_text("\n".join(sorted(vocabulary.stems)), encoding="utf-8")


def load_vocabulary(build: Path) -> Vocabulary:
    try:
        return _read_vocabulary(build / VOCABULARY_FILE)
    except OSError as exc:
        raise IndexUnavailable(
            f"the search index in {build.parent.parent} is damaged ({VOCABULARY_FILE}: "
            f"{exc.strerror}); rebuild it with: {REBUILD_HINT}"
        ) from None


def _read_vocabulary(path: Path) -> Vocabulary:
    return Vocabulary(line for line in path.read_text(encoding="utf-8").splitlines() if line)


def create_index(build: Path, vocabulary: Vocabulary) -> index.Index:
    """A new empty index; save_vocabulary(build, vocabulary) must have run (writer processes
    load the vocabulary from the build's file)."""
    return index.create_in(str(build), make_schema(vocabulary, build / VOCABULARY_FILE))


def open_index(build: Path, vocabulary: Vocabulary, readonly: bool = True) -> index.Index:
    """Open a build; anything wrong with its files becomes IndexUnavailable.

    Segment files are read, not memory-mapped: every searcher (one per server thread) maps
    the whole segment anew, and the pages it touches count in the process's resident memory
    once per searcher, so a 50,000-document server held about 1 GB. Read, a 19,281-document
    index costs 3 MB to open instead of 59 MB (bench/README.md)."""
    try:
        schema = make_schema(vocabulary, build / VOCABULARY_FILE)
        storage = FileStorage(str(build), supports_mmap=False, readonly=readonly)
        return storage.open_index(schema=schema)
    except Exception as exc:  # Whoosh raises many kinds on damaged files
        raise IndexUnavailable(
            f"the search index in {build.parent.parent} is damaged or unreadable "
            f"({type(exc).__name__}); rebuild it with: {REBUILD_HINT}"
        ) from None
