"""The compact facet columns: saved beside the index by the builder, the same as reading the
Whoosh columns, ignored when stale or damaged, and right after an update deletes documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from soev_search.document import FIGURE_KEYS, Document
from soev_search.filters import COLUMN_FILTERS, KEYWORD_FILTERS
from soev_search.index import index_documents, rebuild, update
from soev_search.results import SearchRequest
from soev_search.schema import load_vocabulary, open_index
from soev_search.search import SearchEngine
from soev_search.store import current_build
from soev_search.whoosh_facets import FACETS_FILE, FacetColumns


def doc(doc_id: str, **meta) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title=f"Notat {doc_id}",
                    text="Kommunen og socialøkonomiske virksomheder.", source="text",
                    content_hash=doc_id, figures=dict.fromkeys(FIGURE_KEYS), **meta)


DOCUMENTS = [
    doc("a", municipality="Aalborg", year=2018, date="2018-09", doctype="artikel"),
    doc("b", municipality="Silkeborg", year=2018, date="2018-03", doctype="notat"),
    doc("c", municipality="Aalborg", year=2017, date="2017", doctype="notat", language="en"),
    doc("d", year=2015, date="2015", doctype="andet",
        municipalities_mentioned=["Odense"]),
]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    index_documents(DOCUMENTS, tmp_path / "index")
    return current_build(tmp_path / "index")


def both(build: Path) -> tuple[FacetColumns, FacetColumns]:
    """The saved form and the form read from the Whoosh columns."""
    with open_index(build, load_vocabulary(build)).reader() as reader:
        return (FacetColumns.open(build, reader, COLUMN_FILTERS, KEYWORD_FILTERS),
                FacetColumns.read(reader, COLUMN_FILTERS, KEYWORD_FILTERS))


def test_the_builder_saves_facets_equal_to_the_index_columns(built):
    assert (built / FACETS_FILE).is_file()
    saved, read = both(built)
    for name in COLUMN_FILTERS:
        assert [saved.value(name, d) for d in range(4)] == [read.value(name, d)
                                                          for d in range(4)]
    assert list(saved.date_rank) == list(read.date_rank)
    assert list(saved.alive) == list(read.alive) == [0, 1, 2, 3]
    assert saved.resolve("municipality", "aalborg") == "Aalborg"
    assert saved.resolve("mentions", "ODENSE") == "Odense"


def test_counts_are_disjunctive_on_the_codes(built):
    saved, _ = both(built)
    matching, counts = saved.count(saved.alive, SearchRequest(municipality=("aalborg",),
                                                              doctype=("notat",)))
    assert [saved.value("municipality", d) for d in matching] == ["Aalborg"]
    assert counts["municipality"] == {"Aalborg": 1, "Silkeborg": 1}
    assert counts["doctype"] == {"artikel": 1, "notat": 1}
    assert counts["year"] == {"2017": 1}


@pytest.mark.parametrize("damage", [b"", b"not json\n", b'{"format": 1, "documents": 99}\n'])
def test_a_damaged_or_stale_file_is_ignored_and_the_columns_read(built, damage):
    (built / FACETS_FILE).write_bytes(damage)
    saved, read = both(built)
    assert saved.values == read.values and list(saved.date_rank) == list(read.date_rank)


def test_update_saves_facets_without_the_deleted_documents(corpus_dir: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    rebuild(corpus_dir, index_dir)
    engine = SearchEngine(index_dir)
    before = engine.stats()["documents"]
    removed = sorted(corpus_dir.rglob("*.txt"))[0]
    removed.unlink()
    assert update(corpus_dir, index_dir).deleted == 1
    build = current_build(index_dir)
    saved, read = both(build)
    assert list(saved.alive) == list(read.alive) and len(saved.alive) == before - 1
    assert engine.stats()["documents"] == before - 1
    assert sum(v["count"] for v in engine.stats()["facets"]["doctype"]) == before - 1
