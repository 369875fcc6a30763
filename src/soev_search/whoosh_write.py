"""Writing Whoosh segments: a faster segment writer, and segments written by several processes
committed as one index.

Whoosh's own multi-process writer (MpWriter) makes the calling process unpickle every document
and pickle it again into job files that its writer processes unpickle once more; here each
process writes its own segment straight from the documents it is given, and the calling
process only commits the list of segments. Parts of Whoosh used that are not public API
(pinned whoosh-reloaded 2.7.5): SegmentWriter's `_finalize_segment`, `_close_segment`,
`_commit_toc` and `_finish`, the same calls MpWriter makes for its `multisegment` commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from soev_search.errors import SoevError

# Seconds a writer waits for the index's lock (another writer may be committing).
LOCK_TIMEOUT = 30.0


class LengthsInMemory:
    """A just-written segment's field lengths, read once per field.

    Whoosh's writer asks for the length of the field for every posting it writes, through a
    column reader that unpacks one byte from the file each time: a sixth of the CPU time of
    indexing short documents. Reading each field's lengths column once gives the same values.
    """

    def __init__(self, reader, fieldnames: Iterable[str]) -> None:
        self._columns = {name: reader.column_reader(_lenfield(name), LENGTHS_COLUMN).load()
                         for name in fieldnames if reader.has_column(_lenfield(name))}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        column = self._columns.get(fieldname)
        if column is None:
            return default
        encoded = column[docnum]
        # As Whoosh's reader: None (no length) for a document without the field.
        return byte_to_length(encoded) if encoded else None


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter writing the same segment, with field lengths read once."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            scorable = [name for name, field in self.schema.items() if field.scorable]
            self.fieldwriter.add_postings(self.schema, LengthsInMemory(lengths, scorable),
                                          self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            lengths.close()


def writer(ix: Index, limitmb: int) -> FastSegmentWriter:
    """A writer holding the index's lock (update: add, delete, commit)."""
    return FastSegmentWriter(ix, timeout=LOCK_TIMEOUT, limitmb=limitmb)


def write_segment(ix: Index, documents: Iterable[dict], limitmb: int) -> Segment | None:
    """Write the documents (Whoosh field values) as a new segment of the index, not yet part
    of it (None when there were none); runs in a worker process, without the index's lock,
    which the process that commits the segments holds."""
    segment_writer = FastSegmentWriter(ix, _lk=False, limitmb=limitmb)
    try:
        for fields in documents:
            segment_writer.add_document(**fields)
        if not segment_writer.doc_count():
            segment_writer._close_segment()
            return None
        return segment_writer._finalize_segment()
    except BaseException:
        segment_writer._close_segment()
        raise


def commit_segments(ix: Index, segments: list[Segment]) -> None:
    """Make the segments (written by `write_segment`, in docnum order) the index's content;
    files of no listed segment are removed."""
    committer = SegmentWriter(ix, timeout=LOCK_TIMEOUT)
    try:
        if committer.segments:
            raise SoevError("commit_segments is for a new, empty index")
        committer._close_segment()  # its own segment stays empty
        committer._commit_toc(segments)
    finally:
        committer._finish()
