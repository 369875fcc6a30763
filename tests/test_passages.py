"""Passages and the corpus's repeated text, learned from the sample corpus by real rebuilds
and updates of an index on disk."""

from __future__ import annotations

import os
import zlib
from collections import Counter
from pathlib import Path

import pytest

from soev_search import ingest
from soev_search.document import Document
from soev_search.index import rebuild, update
from soev_search.passages import (
    FILE,
    REPEATED,
    TABLE_SLOTS,
    RepeatedPassages,
    RepeatedSlots,
    document_slots,
    passage_words,
    split_passages,
)
from soev_search.store import current_build

INTRO = "Hvordan er status for kommunernes arbejde med socialøkonomi?"
INTRO_2 = "Det spørgsmål stiller vi skarpt på i en række artikler i nyhedsbrevet."
STATUS_FILES = ("aalborg-status-september-2018.txt", "jammerbugt-status-2018.txt",
                "roskilde-status-august-2018.txt", "silkeborg-status-2018.txt")


def pieces(text: str, max_chars: int = 240) -> list[str]:
    return [text[p.start:p.end] for p in split_passages(text, max_chars)]


def sample_documents(corpus: Path) -> list[Document]:
    docs = [ingest.ingest_file(path, corpus) for path in ingest.corpus_files(corpus)]
    return [doc for doc in docs if isinstance(doc, Document)]


def passage_of(doc: Document, opening: str) -> str:
    return next(p for p in pieces(doc.text) if p.startswith(opening))


def test_passages_are_sentences_and_lines():
    text = ("Hvordan går det? Det går godt. Strategien er bl.a. skrevet ind, f.eks. i "
            "indkøb, og ca. 40 % er udsatte.\nOrdinært ansatte: 12\n\n  Frivillige: ca. 30  ")
    assert pieces(text) == [
        "Hvordan går det?", "Det går godt.",
        "Strategien er bl.a. skrevet ind, f.eks. i indkøb, og ca. 40 % er udsatte.",
        "Ordinært ansatte: 12", "Frivillige: ca. 30"]


def test_a_run_without_punctuation_is_cut_at_spaces_into_snippet_sized_passages():
    text = " ".join(f"ord{i}" for i in range(200))
    parts = pieces(text, max_chars=100)
    assert len(parts) > 5 and all(len(part) <= 100 for part in parts)
    assert " ".join(parts) == text  # nothing lost, no word cut


def test_words_compare_lower_case_with_every_digit_alike():
    assert passage_words("Status 2018: Aalborg, 12 RSV") == ["status", "0000", "aalborg", "00",
                                                              "rsv"]


def test_learning_counts_the_words_passage_words_gives_even_when_lower_case_grows(tmp_path):
    # "İ" lowers to two characters: the offsets of the whole lowered text would shift
    text = "İstanbul nævnes her. Kantinen i Silkeborg åbnede i 2018 med fleksjob."
    repeated = RepeatedPassages()
    for _ in range(3):
        repeated.add(text)
    assert repeated.repetition("Kantinen i Silkeborg åbnede i 2019 med fleksjob.") == 1.0
    assert repeated.repetition("İstanbul nævnes her.") == 1.0


def test_copied_text_is_repeated_a_template_partly_and_a_documents_own_text_not(corpus_dir):
    docs = sample_documents(corpus_dir)
    repeated = RepeatedPassages()
    for doc in docs:
        repeated.add(doc.text)
    assert repeated.documents == 5
    silkeborg = next(d for d in docs if d.municipality == "Silkeborg")
    assert repeated.repetition(INTRO) == repeated.repetition(INTRO_2) == 1.0
    assert repeated.repetition("Har I en strategi for socialøkonomiske virksomheder eller en "
                               "aftale?") == 1.0
    # the intro's third sentence names the person: a template, partly repeated
    template = passage_of(silkeborg, "Her har vi stillet et par spørgsmål til John")
    assert 0.3 < repeated.repetition(template) < REPEATED
    assert repeated.repetition(passage_of(silkeborg, "En enkelt kontrakt")) == 0.0


def test_text_in_fewer_than_three_documents_is_not_repeated(corpus_dir):
    docs = sample_documents(corpus_dir)
    repeated = RepeatedPassages()
    for doc in [d for d in docs if "status" in d.title][:2]:
        repeated.add(doc.text)
    assert repeated.repetition(INTRO) == 0.0


def test_removing_documents_takes_back_exactly_what_adding_them_counted(corpus_dir):
    docs = sample_documents(corpus_dir)
    repeated = RepeatedPassages()
    for doc in docs:
        repeated.add(doc.text)
    first = docs[:2]
    alone = RepeatedPassages()
    for doc in docs[2:]:
        alone.add(doc.text)
    for doc in first:
        repeated.remove(doc.text)
    assert repeated.documents == alone.documents == 3
    assert repeated.counts == alone.counts


def test_rebuild_saves_the_counts_and_update_keeps_them_those_of_the_corpus(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    rebuild(corpus_dir, index_dir)
    before = current_build(index_dir)
    learned = RepeatedPassages.load(before)
    assert learned is not None and learned.documents == 5
    assert learned.repetition(INTRO) == 1.0

    # two of the four articles go, one changes: the intro is now in only two documents
    for name in STATUS_FILES[:2]:
        (corpus_dir / name).unlink()
    changed = corpus_dir / STATUS_FILES[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace(INTRO_2, "Ny indledning."),
                       encoding="utf-8")
    before_bytes = (before / FILE).read_bytes()
    update(corpus_dir, index_dir)
    after = RepeatedPassages.load(current_build(index_dir))
    assert after is not None and after.documents == 3
    assert after.repetition(INTRO) == 0.0
    # the previous build's file is untouched (the builds share files by hard links)
    assert (before / FILE).read_bytes() == before_bytes

    fresh_index = tmp_path / "fresh"
    rebuild(corpus_dir, fresh_index)
    fresh = RepeatedPassages.load(current_build(fresh_index))
    assert fresh is not None and after.counts == fresh.counts


def test_a_build_without_the_file_has_no_counts(tmp_path):
    assert RepeatedPassages.load(tmp_path) is None


def test_save_writes_aside_and_renames_so_a_hard_linked_copy_stays_as_it_was(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    repeated = RepeatedPassages()
    repeated.add("En sætning om kantinen.")
    repeated.save(old)
    os.link(old / FILE, new / FILE)
    repeated.add("En anden sætning.")
    repeated.save(new)
    old_loaded, new_loaded = RepeatedPassages.load(old), RepeatedPassages.load(new)
    assert old_loaded is not None and new_loaded is not None
    assert (old_loaded.documents, new_loaded.documents) == (1, 2)


def test_counts_hashed_by_another_python_are_not_used(tmp_path):
    repeated = RepeatedPassages()
    repeated.add("En sætning om kantinen.")
    repeated.save(tmp_path)
    data = bytearray((tmp_path / FILE).read_bytes())
    data[8:16] = (int.from_bytes(data[8:16], "little") ^ 1).to_bytes(8, "little")
    (tmp_path / FILE).write_bytes(bytes(data))
    assert RepeatedPassages.load(tmp_path) is None
    assert RepeatedSlots.load(tmp_path) is None


def saved_header(documents: int = 5) -> bytes:
    """The first bytes of a real file: the documents, the reference slot, the slots count."""
    repeated = RepeatedPassages()
    repeated.documents = documents
    return repeated.to_bytes()[:24]


@pytest.mark.parametrize("damaged", [b"", b"not a file of counts at all",
                                     zlib.compress(b"short")])
def test_a_damaged_file_reads_as_no_counts(tmp_path, damaged):
    (tmp_path / FILE).write_bytes(damaged)
    assert RepeatedPassages.load(tmp_path) is None
    assert RepeatedSlots.load(tmp_path) is None


def test_a_file_cut_short_reads_as_no_counts(tmp_path):
    header = saved_header()
    three_slots = header[:16] + (3).to_bytes(8, "little")
    for damaged in (header + b"not zlib", header + zlib.compress(b"short"),
                    three_slots + bytes(8), header[:16] + (TABLE_SLOTS + 1).to_bytes(8, "little")):
        (tmp_path / FILE).write_bytes(damaged)
        assert RepeatedPassages.load(tmp_path) is None
    (tmp_path / FILE).write_bytes(three_slots + bytes(8))  # two slots where three are listed
    assert RepeatedSlots.load(tmp_path) is None


def test_a_search_reads_the_repeated_slots_alone_and_rates_passages_as_the_counts_do(
        corpus_dir, tmp_path):
    docs = sample_documents(corpus_dir)
    repeated = RepeatedPassages()
    for doc in docs:
        repeated.add(doc.text)
    repeated.save(tmp_path)
    slots = RepeatedSlots.load(tmp_path)
    assert slots is not None and 0 < len(slots.slots) < 1000
    assert slots.slots == set(repeated.repeated_slots())
    passages = [passage for doc in docs for passage in pieces(doc.text)]
    assert {passage: slots.repetition(passage) for passage in passages} == {
        passage: repeated.repetition(passage) for passage in passages}
    assert slots.repetition(INTRO) == 1.0
    # the counts after the slots (8 MB once decompressed) are never read by a search
    data = (tmp_path / FILE).read_bytes()
    listed = 24 + 4 * len(slots.slots)
    assert len(data) > listed + 1000
    (tmp_path / FILE).write_bytes(data[:listed] + b"never read")
    cut = RepeatedSlots.load(tmp_path)
    assert cut is not None and cut.slots == slots.slots
    assert RepeatedPassages.load(tmp_path) is None  # update does need the counts


def test_repeated_slots_are_those_at_the_threshold_however_high_the_count(tmp_path):
    repeated = RepeatedPassages()
    repeated.documents = 100_000  # threshold 200: the count's high byte matters
    assert repeated.threshold == 200
    for slot, count in ((7, 199), (8, 200), (9, 256), (10, 0x1FF), (TABLE_SLOTS - 1, 60_000),
                        (11, 0x100 - 1), (12, 0x2C7)):
        repeated.counts[slot] = count
    assert list(repeated.repeated_slots()) == [8, 9, 10, 11, 12, TABLE_SLOTS - 1]
    repeated.documents = 200_000  # threshold 400: above a byte
    assert list(repeated.repeated_slots()) == [10, 12, TABLE_SLOTS - 1]
    repeated.documents = 2  # too few documents for anything to be repeated
    assert list(repeated.repeated_slots()) == []


def test_counts_merged_from_workers_equal_counts_added_one_by_one(corpus_dir):
    docs = sample_documents(corpus_dir)
    one_by_one = RepeatedPassages()
    for doc in docs:
        one_by_one.add(doc.text)
    merged = RepeatedPassages()
    for chunk in (docs[:2], docs[2:]):  # as two worker processes would count them
        counted: Counter[int] = Counter()
        for doc in chunk:
            counted.update(document_slots(doc.text))
        merged.merge(counted, len(chunk))
    assert merged.documents == one_by_one.documents == 5
    assert merged.counts == one_by_one.counts
