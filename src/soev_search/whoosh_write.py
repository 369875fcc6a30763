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
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.fields import FieldType
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from soev_search.errors import SoevError

# Seconds a writer waits for the index's lock (another writer may be committing).
LOCK_TIMEOUT = 30.0
# Posting lists shorter than this are kept in the term's entry instead of a block of the
# postings file: most terms of short documents occur in one to three documents, and a block
# costs a header, a pickle and a zlib call each. Indexing 3,000 speeches took 18 % less CPU
# and the index 7 % less space (4 against 1, which is Whoosh's default: no inlining).
INLINE_POSTINGS = 4


class InliningPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer with inlining that works: whoosh-reloaded 2.7.5 calls
    `terminfo.set_inline`, a method its W3TermInfo names `set_inlined`, so any inline limit
    above Whoosh's default of 1 crashes. The reader side (`W3Codec.postings_reader`) reads
    inlined postings as they are written here."""

    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        # A format without values (an ID field) still needs one per posting: an inlined
        # posting list without them reads back "" (not bytes), which a merge refuses.
        values = self._values or [b""] * len(self._ids)
        terminfo.set_inlined(self._ids, self._weights, values)
        self._terminfo = None
        return terminfo


class LeanFieldWriter(W3FieldWriter):
    """Whoosh's field writer; a segment's sorted postings go to the postings writer
    without Whoosh's per-posting order and type checks and method calls (a third of the
    time of writing a segment of short documents)."""

    def add_postings(self, schema, lengths, items) -> None:
        if not isinstance(lengths, LengthsInMemory):
            super().add_postings(schema, lengths, items)
            return
        field_name = term = column = postings = None
        for name, text, docnum, weight, value in items:
            if docnum < 0:  # Whoosh's marker of a spelling word, not a posting
                continue
            if name != field_name:
                if term is not None:
                    self.finish_term()
                if field_name is not None:
                    self.finish_field()
                self.start_field(name, schema[name])
                field_name, term, column = name, None, lengths.column(name)
            if text != term:
                if term is not None:
                    self.finish_term()
                self.start_term(text)
                term, postings = text, self._postwriter
            encoded = column[docnum] if column is not None else 0
            _add_posting(postings, docnum, weight, value or b"",
                         byte_to_length(encoded) if encoded else 0)
        if term is not None:
            self.finish_term()
        if field_name is not None:
            self.finish_field()


def _index_values(field, value) -> Iterable[tuple[bytes, int, float, bytes]]:
    """field.index(value) without its per-term generator where the field type does not
    change how values are indexed (TEXT, ID, KEYWORD)."""
    if type(field).index is not FieldType.index or not isinstance(value, str):
        return field.index(value)
    values = field.format.word_values(value, field.analyzer, mode="index")
    return [(term.encode("utf-8"), frequency, weight, encoded)
            for term, frequency, weight, encoded in values]


def _add_posting(postings: W3PostingsWriter, docnum: int, weight: float, value: bytes,
                 length: int) -> None:
    """W3PostingsWriter.add_posting without its type assertions."""
    if len(postings._ids) >= postings._blocklimit:
        postings._write_block()
    postings._ids.append(docnum)
    postings._weights.append(weight)
    if weight > postings._maxweight:
        postings._maxweight = weight
    if value:
        postings._values.append(value)
    if length:
        if postings._minlength is None or length < postings._minlength:
            postings._minlength = length
        if length > postings._maxlength:
            postings._maxlength = length


class InliningCodec(W3Codec):
    """Whoosh's codec (same files, same readers) that inlines short posting lists and
    writes them with LeanFieldWriter."""

    def __init__(self, blocklimit: int = 128, compression: int = 3,
                 inlinelimit: int = INLINE_POSTINGS) -> None:
        super().__init__(blocklimit, compression, inlinelimit)

    def field_writer(self, storage, segment):
        return LeanFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression,
                                      inlinelimit=self._inlinelimit)


class LengthsInMemory:
    """A just-written segment's field lengths, read once per field.

    Whoosh's writer asks for the length of the field for every posting it writes, through a
    column reader that unpacks one byte from the file each time: a sixth of the CPU time of
    indexing short documents. Reading each field's lengths column once gives the same values.
    """

    def __init__(self, reader, fieldnames: Iterable[str]) -> None:
        self._columns = {name: reader.column_reader(_lenfield(name), LENGTHS_COLUMN).load()
                         for name in fieldnames if reader.has_column(_lenfield(name))}

    def column(self, fieldname: str):
        """The field's encoded lengths by docnum (None: the field keeps none)."""
        return self._columns.get(fieldname)

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        column = self._columns.get(fieldname)
        if column is None:
            return default
        encoded = column[docnum]
        # As Whoosh's reader: None (no length) for a document without the field.
        return byte_to_length(encoded) if encoded else None


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with field lengths read once per field and short posting
    lists inlined (InliningCodec)."""

    def __init__(self, ix: Index, **options) -> None:
        options.setdefault("codec", InliningCodec())
        super().__init__(ix, **options)
        self._plain = not any(field.vector or field.separate_spelling()
                              for _, field in self.schema.items())

    def add_document(self, **fields) -> None:
        """Whoosh's add_document for plain documents (no boosts, vectors, separate spelling
        or custom stored values: ours): each field's postings go to the pool in one extend
        instead of a call each, the pool's size accounted in bulk."""
        schema = self.schema
        if not self._plain or not all(name in schema and not name.startswith("_")
                                      for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        docnum, documents = self.docnum, self.perdocwriter
        documents.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is not None:
                    self._add_field(documents, docnum, name, schema[name], value)
        except Exception:
            documents.cancel_doc()
            raise
        documents.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_field(self, documents, docnum: int, name: str, field, value) -> None:
        length = 0
        if field.indexed:
            postings = []
            size = 0
            for term, frequency, weight, encoded in _index_values(field, value):
                length += frequency
                size += 110 + len(name) + 2 * len(term) + len(encoded or b"")
                postings.append((name, term, docnum, weight * 1.0, encoded))
            if not field.scorable:
                length = 0
            self._pool_postings(name, postings, size)
        documents.add_field(name, field, value if field.stored else None, length)
        if field.column_type:
            documents.add_column_value(name, field.column_type, field.to_column_value(value))

    def _pool_postings(self, name: str, postings: list[tuple], size: int) -> None:
        """PostingPool.add for many postings: its size estimate, one check for a full pool."""
        if postings:
            pool = self.pool
            pool.fieldnames.add(name)
            pool.currentsize += size
            pool.current.extend(postings)
            if pool.currentsize > pool.limit:
                pool.save()

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
