"""Rebuild, update, the atomic swap, the writer lock and damaged indexes, on real folders."""

from __future__ import annotations

import json
import os
import stat
import zlib
from collections import Counter
from pathlib import Path

import pytest

from soev_search.analysis import Vocabulary, part_counts, raw_words
from soev_search.document import Document
from soev_search.errors import IndexUnavailable, SoevError
from soev_search.filters import COLUMN_FILTERS, KEYWORD_FILTERS
from soev_search.index import (
    CHUNK_FILES,
    POOL_THRESHOLD,
    REPEATED,
    TAIL_CHUNK_FILES,
    TAIL_CHUNKS,
    Spooled,
    _chunk_bounds,
    _even_runs,
    index_exists,
    learn_vocabulary,
    rebuild,
    update,
    vocabulary_of_parts,
)
from soev_search.ingest import RepeatedLines, ingest_file
from soev_search.results import SearchRequest
from soev_search.schema import load_vocabulary, open_index
from soev_search.search import SearchEngine
from soev_search.store import (
    BUILD_INFO,
    BUILDS,
    FORMAT,
    POINTER,
    IndexBusy,
    current_build,
    writer_lock,
)
from soev_search.whoosh_facets import FacetColumns


def total(engine: SearchEngine, query: str) -> int:
    return engine.search(SearchRequest(query)).total


@pytest.fixture
def built(corpus_dir: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "index"
    rebuild(corpus_dir, index_dir)
    return index_dir


def test_rebuild_indexes_the_corpus_and_points_current_at_it(corpus_dir, tmp_path):
    index_dir = tmp_path / "index"
    assert not index_exists(index_dir)
    report = rebuild(corpus_dir, index_dir)
    assert report.indexed == 5 and report.skipped == [] and report.seconds > 0
    assert index_exists(index_dir)
    assert (index_dir / POINTER).read_text().strip() == f"{BUILDS}/{current_build(index_dir).name}"
    assert SearchEngine(index_dir).stats()["documents"] == 5


def test_rebuild_reports_skipped_files_and_indexes_the_rest(corpus_dir, tmp_path):
    (corpus_dir / "empty.txt").write_text("")
    report = rebuild(corpus_dir, tmp_path / "index")
    assert report.indexed == 5
    assert [s.path for s in report.skipped] == ["empty.txt"]


def test_a_serving_engine_picks_up_a_new_build(corpus_dir, built):
    engine = SearchEngine(built)
    assert total(engine, "xylofonværksted") == 0
    (corpus_dir / "ny.txt").write_text("Et nyt xylofonværksted i Vejle Kommune.\n" * 3)
    rebuild(corpus_dir, built)
    assert total(engine, "xylofonværksted") == 1


def test_rebuild_keeps_the_previous_build_and_removes_older_and_unfinished_ones(
        corpus_dir, built):
    first = current_build(built)
    unfinished = built / BUILDS / "00000000T000000-1-000000"
    unfinished.mkdir()
    (unfinished / "MAIN_garbage.seg").write_bytes(b"half written")
    rebuild(corpus_dir, built)
    second = current_build(built)
    assert not unfinished.exists()
    assert {p.name for p in (built / BUILDS).iterdir()} == {first.name, second.name}
    rebuild(corpus_dir, built)
    assert not first.exists() and second.exists()


def test_a_second_writer_is_refused_clearly(corpus_dir, built):
    with writer_lock(built), pytest.raises(IndexBusy, match="another rebuild or update"):
        rebuild(corpus_dir, built)
    with writer_lock(built), pytest.raises(IndexBusy):
        update(corpus_dir, built)


def test_update_adds_changes_and_deletes(corpus_dir, built):
    engine = SearchEngine(built)
    before = current_build(built)
    (corpus_dir / "ny.txt").write_text("Socialøkonomi i Vejle: et xylofonværksted.\n" * 3)
    changed = corpus_dir / "aalborg-status-september-2018.txt"
    head, _, rest = changed.read_text().partition("\n\n")
    changed.write_text(f"{head}\n\nOgså et trommeværksted.\n\n{rest}")
    (corpus_dir / "jammerbugt-status-2018.txt").unlink()

    report = update(corpus_dir, built)

    assert (report.added, report.changed, report.deleted) == (1, 1, 1)
    assert current_build(built) != before
    assert before.exists()  # readers still on it keep working
    assert total(engine, "xylofonværksted") == 1
    assert total(engine, "trommeværksted") == 1
    assert total(engine, "Jammerbugt") == 0
    assert engine.stats()["documents"] == 5


def test_facets_stay_right_when_an_update_adds_a_segment_without_a_facet(corpus_dir, built):
    engine = SearchEngine(built)
    before = {f: engine.facets()[f] for f in ("municipality", "year")}
    (corpus_dir / "uden.txt").write_text("Et notat om kantinedrift uden sted og tid.\n" * 3)
    assert update(corpus_dir, built).added == 1
    after = engine.facets()
    assert {f: after[f] for f in before} == before
    result = engine.search(SearchRequest("kantinedrift"))
    assert "uden.txt" in {engine.document(h.id).path for h in result.hits}


def test_update_without_changes_touches_nothing(corpus_dir, built):
    before = current_build(built)
    report = update(corpus_dir, built)
    assert (report.added, report.changed, report.deleted, report.skipped) == (0, 0, 0, [])
    assert current_build(built) == before


def test_update_ignores_a_new_mtime_with_the_same_content(corpus_dir, built):
    path = corpus_dir / "silkeborg-status-2018.txt"
    os.utime(path, ns=(1, 1))
    report = update(corpus_dir, built)
    assert (report.added, report.changed, report.deleted) == (0, 0, 0)
    # The manifest now has the new mtime: the next update does not even hash the file.
    again = update(corpus_dir, built)
    assert (again.added, again.changed, again.deleted) == (0, 0, 0)


def test_update_of_a_file_that_became_unreadable_deletes_its_document(corpus_dir, built):
    path = corpus_dir / "roskilde-status-august-2018.txt"
    path.write_bytes(b"")
    report = update(corpus_dir, built)
    assert report.deleted == 1 and [s.path for s in report.skipped] == [path.name]
    assert SearchEngine(built).stats()["documents"] == 4


def test_update_needs_an_index(corpus_dir, tmp_path):
    with pytest.raises(IndexUnavailable, match="soev-index rebuild"):
        update(corpus_dir, tmp_path / "index")


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(SoevError, match="corpus folder not found"):
        rebuild(tmp_path / "nope", tmp_path / "index")


def test_a_read_only_index_is_searchable(built):
    files_before = sorted(p.relative_to(built) for p in built.rglob("*"))
    modes = {}
    for path in [built, *built.rglob("*")]:
        modes[path] = path.stat().st_mode
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        engine = SearchEngine(built)
        assert total(engine, "socialøkonomi") == 5
        assert engine.complete("socialø")
        assert sorted(p.relative_to(built) for p in built.rglob("*")) == files_before
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def test_a_damaged_index_is_one_clear_error(built):
    for segment in current_build(built).glob("*.seg"):
        segment.write_bytes(b"\0garbage" * 100)
    with pytest.raises(IndexUnavailable, match="damaged.*soev-index rebuild"):
        SearchEngine(built).search(SearchRequest("socialøkonomi"))


def test_a_stored_document_that_does_not_decode_is_one_clear_error(built):
    """As a build of an earlier layout of the same format would hold (zlib, not JSON)."""
    build = current_build(built)
    ix = open_index(build, load_vocabulary(build), readonly=False)
    with ix.searcher() as searcher:
        fields = dict(searcher.stored_fields(0))
    writer = ix.writer()
    writer.delete_document(0)
    writer.add_document(**{**fields, "text": "xylofonkantine",
                           "document": zlib.compress(fields["document"])})
    writer.commit()
    with pytest.raises(IndexUnavailable, match="damaged.*soev-index rebuild"):
        SearchEngine(built).search(SearchRequest("xylofonkantine"))


def test_current_pointing_at_a_missing_build_is_one_clear_error(built):
    (built / POINTER).write_text(f"{BUILDS}/gone\n")
    with pytest.raises(IndexUnavailable, match="damaged.*soev-index rebuild"):
        SearchEngine(built).search(SearchRequest("x"))


def test_update_keeps_suggestions_and_completions_in_step_with_the_documents(corpus_dir, built):
    (corpus_dir / "ny.txt").write_text(
        "Cykelværkstedet Bæltebrems i Aalborg Kommune reparerer cykler med ledige borgere.",
        encoding="utf-8")
    update(corpus_dir, built)
    engine = SearchEngine(built)
    assert engine.complete("bæltebr") == ["bæltebrems"]
    assert engine.search(SearchRequest("bæltebrens")).suggestion == "bæltebrems"
    previous = current_build(built)

    (corpus_dir / "ny.txt").unlink()
    update(corpus_dir, built)
    assert engine.complete("bæltebr") == []
    assert engine.search(SearchRequest("bæltebrens")).suggestion is None
    # The build readers may still use kept its own word list.
    assert "bæltebrems" in (previous / "spelling.tsv").read_text(encoding="utf-8")


def test_every_build_records_the_format_and_saves_learned_repetition_as_json(built):
    build = current_build(built)
    assert json.loads((build / BUILD_INFO).read_text())["format"] == FORMAT
    learned = RepeatedLines.from_dict(json.loads((build / REPEATED).read_text()))
    assert learned.documents == 5


FOOTER = "Nyhedsbrevet udgives af Foreningen for Grønne Værksteder i Østjylland"
PROSE = ("Værkstedet har i år ansat {n} medarbejdere i fleksjob og samarbejder med kommunens "
         "jobcenter om praktikforløb for unge, der endnu ikke har fundet deres vej i arbejdslivet.")


def test_update_cleans_new_files_with_the_repetition_learned_at_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(4):
        (corpus / f"nyhed-{n}.txt").write_text(
            f"Nyhed nummer {n}\n\n{PROSE.format(n=n)}\n\n{FOOTER}\n", encoding="utf-8")
    rebuild(corpus, tmp_path / "index")
    new = corpus / "nyhed-ny.txt"
    new.write_text(f"Den nye nyhed\n\n{PROSE.format(n=9)}\n\n{FOOTER}\n", encoding="utf-8")
    # The rules alone keep the footer: only the learned repetition removes it.
    alone = ingest_file(new, corpus)
    assert isinstance(alone, Document) and FOOTER in alone.text
    assert update(corpus, tmp_path / "index").added == 1
    engine = SearchEngine(tmp_path / "index")
    [document] = [d for d in engine.documents() if d.path == "nyhed-ny.txt"]
    assert FOOTER not in document.text and "praktikforløb" in document.text
    assert all(FOOTER not in d.text for d in engine.documents())


def test_a_rebuild_in_two_processes_equals_one_in_a_single_process(big_corpus, tmp_path):
    seen: list[tuple[str, int, int]] = []
    rebuild(big_corpus, tmp_path / "one", workers=1)
    report = rebuild(big_corpus, tmp_path / "two", lambda *step: seen.append(step), workers=2)
    assert report.indexed == 300
    assert seen[-1] == ("index", 300, 300)
    one, two = SearchEngine(tmp_path / "one"), SearchEngine(tmp_path / "two")
    for request in (SearchRequest("socialøkonomi", per_page=300), SearchRequest("", per_page=300),
                    SearchRequest("kommune", municipality=["Aalborg"], per_page=300)):
        first, second = one.search(request), two.search(request)
        assert first.total == second.total > 0
        assert sorted(hit.id for hit in first.hits) == sorted(hit.id for hit in second.hits)
        assert first.facets == second.facets
    build = current_build(tmp_path / "two")
    with open_index(build, load_vocabulary(build)).reader() as reader:
        assert len(list(reader.leaf_readers())) == 2  # a segment per process
        saved = FacetColumns.open(build, reader, COLUMN_FILTERS, KEYWORD_FILTERS)
        read = FacetColumns.read(reader, COLUMN_FILTERS, KEYWORD_FILTERS)
    assert (saved.values, saved.codes, saved.date_rank) == (read.values, read.codes, read.date_rank)


def test_the_vocabulary_of_chunk_part_counts_is_that_of_the_whole_corpus(corpus_dir):
    texts = [path.read_text(encoding="utf-8") for path in sorted(corpus_dir.glob("*.txt"))]
    whole = Counter(word for text in texts for word in raw_words(text))
    chunks = [Counter(raw_words(text)) for text in texts]
    parts: Counter[str] = Counter()
    for chunk in chunks:
        parts.update(part_counts(chunk))
    learned = learn_vocabulary(whole)
    assert len(learned) > len(Vocabulary.lexicon())  # the corpus adds parts of its own
    assert vocabulary_of_parts(parts).stems == learned.stems


def test_a_rebuild_in_processes_where_every_file_is_skipped_gives_an_empty_index(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(POOL_THRESHOLD + 5):
        (corpus / f"tom-{number}.txt").write_text("")
    report = rebuild(corpus, tmp_path / "index", workers=2)
    assert report.indexed == 0 and len(report.skipped) == POOL_THRESHOLD + 5
    engine = SearchEngine(tmp_path / "index")
    assert engine.stats()["documents"] == 0 and total(engine, "kommune") == 0
    (corpus / "ny.txt").write_text("Kommunen og en socialøkonomisk virksomhed i Vejle.\n")
    assert update(corpus, tmp_path / "index").added == 1
    assert total(SearchEngine(tmp_path / "index"), "kommune") == 1


def test_ingest_tasks_are_large_first_and_small_at_the_end():
    bounds = _chunk_bounds(10_000, 2)
    assert bounds[0] == (0, CHUNK_FILES) and bounds[-1][1] == 10_000
    assert all(end == following[0] for (_, end), following
               in zip(bounds, bounds[1:], strict=False))
    tail = [end - start for start, end in bounds[-2 * TAIL_CHUNKS:]]
    assert max(tail) <= TAIL_CHUNK_FILES
    assert _chunk_bounds(0, 2) == [] and _chunk_bounds(5, 2) == [(0, 5)]


def test_segment_runs_share_a_spool_file_to_stay_even(tmp_path):
    spools = []
    for number, documents in enumerate((300, 10, 10)):
        path = tmp_path / f"{number}.pickle"
        path.write_bytes(b"x" * 100 * documents)  # 100 bytes a document
        spools.append(Spooled(path, documents, {}, [], Counter(), Counter(), Counter()))
    runs = _even_runs(spools, 2)
    assert [[(path.name, first, count) for path, first, count in run] for run in runs] == [
        [("0.pickle", 0, 160)], [("0.pickle", 160, 140), ("1.pickle", 0, 10),
                                  ("2.pickle", 0, 10)]]
    assert _even_runs(spools, 1) == [[(s.path, 0, s.documents) for s in spools]]
