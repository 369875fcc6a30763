"""Writing segments: the faster writer writes what Whoosh's own writer writes, and segments
written in separate processes commit into one index with every document in order."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from whoosh.writing import SegmentWriter

from soev_search.analysis import Vocabulary
from soev_search.document import FIGURE_KEYS, Document
from soev_search.errors import SoevError
from soev_search.ingest import ingest_file
from soev_search.schema import create_index, document_fields, open_index, save_vocabulary
from soev_search.whoosh_write import FastSegmentWriter, commit_segments, write_segment

VOCABULARY = Vocabulary(["social", "okonomi", "virksomhed", "fleksjob", "kantine"])


def documents(corpus_dir: Path) -> list[Document]:
    """The bundled corpus and short synthetic notes: titles, sections, filters, hyphens."""
    real = [ingest_file(path, corpus_dir) for path in sorted(corpus_dir.glob("*.txt"))]
    notes = [Document(id=f"note-{n}", path=f"note-{n}.txt", title=f"Notat {n} om fleksjob",
                      text=f"Kantinen i {n}. kvartal: socialøkonomiske virksomheder og "
                           f"e-mail til borgere. " * (n % 4 + 1),
                      source="text", content_hash=str(n), municipality="Aalborg" if n % 2
                      else None, year=2015 + n % 5, date=f"{2015 + n % 5}", doctype="notat",
                      figures=dict.fromkeys(FIGURE_KEYS))
             for n in range(30)]
    return [*real, *notes]


def new_index(folder: Path):
    folder.mkdir()
    save_vocabulary(folder, VOCABULARY)
    return create_index(folder, VOCABULARY)


def postings(folder: Path) -> list[tuple]:
    """Every posting; no value and an empty value are the same to Whoosh's writer."""
    with open_index(folder, VOCABULARY).reader() as reader:
        return [(field, text, docnum, weight, value or b"")
                for field, text, docnum, weight, value in reader.iter_postings()]


def term_lengths(folder: Path) -> list[tuple]:
    """Each term's shortest and longest field among its documents (kept for scoring)."""
    with open_index(folder, VOCABULARY).reader() as reader:
        return [(field, text, reader.term_info(field, text).min_length(),
                 reader.term_info(field, text).max_length())
                for field, text in reader.all_terms()]


def lengths_and_stored(folder: Path) -> list[tuple]:
    with open_index(folder, VOCABULARY).reader() as reader:
        fields = [name for name, field in reader.schema.items() if field.scorable]
        return [(tuple(reader.doc_field_length(d, name) for name in fields),
                 reader.stored_fields(d)) for d in range(reader.doc_count_all())]


def test_the_fast_writer_writes_what_whooshs_writer_writes(corpus_dir, tmp_path):
    """Same postings, lengths and stored fields; the short posting lists inlined."""
    values = [document_fields(doc) for doc in documents(corpus_dir)]
    for folder, writer_class in ((tmp_path / "whoosh", SegmentWriter),
                                 (tmp_path / "fast", FastSegmentWriter)):
        writer = writer_class(new_index(folder))
        for fields in values:
            writer.add_document(**fields)
        writer.commit()
    assert len(postings(tmp_path / "fast")) > 1000
    assert postings(tmp_path / "fast") == postings(tmp_path / "whoosh")
    assert term_lengths(tmp_path / "fast") == term_lengths(tmp_path / "whoosh")
    assert lengths_and_stored(tmp_path / "fast") == lengths_and_stored(tmp_path / "whoosh")
    with open_index(tmp_path / "fast", VOCABULARY).reader() as reader:
        inlined = [reader.term_info(*term).is_inlined() for term in reader.all_terms()]
    assert any(inlined) and not all(inlined)


def test_segments_with_inlined_postings_merge(corpus_dir, tmp_path):
    """A later commit merges the segments, reading the inlined postings back: the same
    index as Whoosh's own writer makes by the same commits."""
    values = [document_fields(doc) for doc in documents(corpus_dir)]
    for name, writer_class in (("fast", FastSegmentWriter), ("whoosh", SegmentWriter)):
        ix = new_index(tmp_path / name)
        for part in (values[:20], values[20:]):
            writer = writer_class(open_index(tmp_path / name, VOCABULARY, readonly=False))
            for fields in part:
                writer.add_document(**fields)
            writer.commit(optimize=True)
        with ix.reader() as reader:
            assert reader.is_atomic()  # one segment: the first was merged into the second
    assert postings(tmp_path / "fast") == postings(tmp_path / "whoosh")
    assert lengths_and_stored(tmp_path / "fast") == lengths_and_stored(tmp_path / "whoosh")


def _write(args: tuple[Path, list[dict]]):
    folder, values = args
    return write_segment(open_index(folder, VOCABULARY, readonly=False), values, 32)


def test_segments_written_in_processes_commit_in_order(corpus_dir, tmp_path):
    values = [document_fields(doc) for doc in documents(corpus_dir)]
    new_index(tmp_path / "one")
    writer = FastSegmentWriter(open_index(tmp_path / "one", VOCABULARY, readonly=False))
    for fields in values:
        writer.add_document(**fields)
    writer.commit()
    ix = new_index(tmp_path / "parts")
    runs = [(tmp_path / "parts", values[:11]), (tmp_path / "parts", []),
            (tmp_path / "parts", values[11:])]
    with ProcessPoolExecutor(max_workers=2) as pool:
        segments = list(pool.map(_write, runs))
    assert segments[1] is None  # no documents, no segment
    commit_segments(ix, [segment for segment in segments if segment is not None])

    with open_index(tmp_path / "parts", VOCABULARY).reader() as parts, \
            open_index(tmp_path / "one", VOCABULARY).reader() as one:
        assert parts.doc_count_all() == one.doc_count_all() == len(values)
        assert [parts.stored_fields(d)["id"] for d in range(len(values))] == \
            [fields["id"] for fields in values]
        terms = list(one.all_terms())
        assert list(parts.all_terms()) == terms
        assert [parts.doc_frequency(*t) for t in terms] == [one.doc_frequency(*t) for t in terms]
    # Only the committed segments' files remain: the empty writers left nothing behind.
    assert not any(path.suffix == ".tmp" for path in (tmp_path / "parts").iterdir())


def test_commit_segments_refuses_an_index_that_has_content(corpus_dir, tmp_path):
    ix = new_index(tmp_path / "full")
    writer = ix.writer()
    writer.add_document(**document_fields(documents(corpus_dir)[0]))
    writer.commit()
    with pytest.raises(SoevError):
        commit_segments(ix, [])
