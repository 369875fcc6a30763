"""Relaxed matching: which queries relax, and how relaxed matches are found, ranked and counted
(a real Whoosh index of hand-made documents)."""

from __future__ import annotations

import pytest

from soev_search.document import FIGURE_KEYS, Document
from soev_search.index import index_documents
from soev_search.query import parse
from soev_search.relaxed import NOTICE_RELAXED, minimum_should_match, relaxation
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine


def doc(doc_id: str, text: str, municipality: str, year: int = 2018) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title=f"Notat {doc_id}", text=text,
                    source="text", content_hash=doc_id, figures=dict.fromkeys(FIGURE_KEYS),
                    municipality=municipality, year=year, date=f"{year}-01", doctype="notat")


DOCUMENTS = [
    doc("all3", "Kantine med café og cykelværksted.", "Aalborg", 2015),
    doc("kantine_cafe", "Kantine og café, kantine gentaget.", "Aalborg", 2016),
    doc("cafe_vaerksted", "En café med cykelværksted.", "Odense", 2017),
    doc("kantine_only", "Kun en kantine her.", "Odense", 2018),
    doc("nothing", "Om noget helt andet: skoler og veje.", "Vejle", 2019),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    index_dir = tmp_path_factory.mktemp("relaxed") / "index"
    index_documents(DOCUMENTS, index_dir)
    return SearchEngine(index_dir)


def hit_ids(engine: SearchEngine, query: str, **request) -> list[str]:
    return [hit.id for hit in engine.search(SearchRequest(query, **request)).hits]


@pytest.mark.parametrize(("query", "relaxable"), [
    ("kantine café værksted", True),
    ("kantine café -skole", True),
    ("(kantine OR café) værksted", True),
    ("kantine AND café", False),          # an explicit AND
    ('kantine "café med"', False),         # a phrase
    ("kantine title:café", False),         # a field
    ("kantine", False),                    # nothing to relax
])
def test_which_queries_may_be_relaxed(query, relaxable):
    assert (relaxation(parse(query).tree) is not None) is relaxable


@pytest.mark.parametrize(("words", "minimum"), [(2, 1), (3, 2), (4, 2), (5, 3), (6, 3)])
def test_most_of_the_words(words, minimum):
    assert minimum_should_match(words) == minimum


def test_full_matches_come_first_then_most_words(engine):
    result = engine.search(SearchRequest("kantine café cykelværksted"))
    assert result.relaxed and result.notice == NOTICE_RELAXED
    assert result.exact_total == 1
    ids = [hit.id for hit in result.hits]
    assert ids[0] == "all3"
    # Two of the three words; one word is not "most" of three.
    assert set(ids[1:]) == {"kantine_cafe", "cafe_vaerksted"}
    assert result.total == 3


def test_relaxed_hits_rank_below_every_full_match(engine):
    # "kantine_cafe" scores higher on the words it has than "all3" on all of them.
    ids = hit_ids(engine, "kantine café")
    assert ids[:2] == ["kantine_cafe", "all3"] or ids[:2] == ["all3", "kantine_cafe"]
    exact = engine.search(SearchRequest("kantine café")).exact_total
    assert exact == 2
    assert set(ids[exact:]) == {"cafe_vaerksted", "kantine_only"}


def test_totals_and_facets_count_the_relaxed_set(engine):
    result = engine.search(SearchRequest("kantine café cykelværksted"))
    counts = {fv.value: fv.count for fv in result.facets["municipality"]}
    assert counts == {"Aalborg": 2, "Odense": 1}
    assert sum(counts.values()) == result.total


def test_not_a_relaxed_query_when_a_page_is_full(engine):
    result = engine.search(SearchRequest("kantine café", per_page=2))
    assert not result.relaxed and result.notice is None
    assert result.total == result.exact_total == 2


@pytest.mark.parametrize("query", ["kantine AND café AND cykelværksted",
                                   'cykelværksted "kantine med café"',
                                   "kantine text:cykelværksted"])
def test_and_phrase_and_field_queries_are_never_relaxed(engine, query):
    result = engine.search(SearchRequest(query))
    assert not result.relaxed and result.notice is None
    assert [hit.id for hit in result.hits] == ["all3"]


def test_excluded_words_stay_excluded(engine):
    ids = hit_ids(engine, "kantine café cykelværksted -gentaget")
    assert "kantine_cafe" not in ids
    assert set(ids) == {"all3", "cafe_vaerksted"}


def test_filters_apply_to_relaxed_matches(engine):
    result = engine.search(SearchRequest("kantine café cykelværksted", municipality=("Odense",)))
    assert [hit.id for hit in result.hits] == ["cafe_vaerksted"]
    assert result.exact_total == 0 and result.total == 1
    # Disjunctive facets: the municipality facet still counts the other values.
    counts = {fv.value: fv.count for fv in result.facets["municipality"]}
    assert counts == {"Aalborg": 2, "Odense": 1}


def test_date_order_keeps_full_matches_first(engine):
    ids = hit_ids(engine, "kantine café cykelværksted", sort="date")
    assert ids == ["all3", "cafe_vaerksted", "kantine_cafe"]


def test_paging_through_a_relaxed_result(engine):
    first = hit_ids(engine, "kantine café", per_page=3)
    second = hit_ids(engine, "kantine café", per_page=3, page=2)
    assert len(first) == 3 and len(second) == 1
    assert set(first + second) == {"all3", "kantine_cafe", "cafe_vaerksted", "kantine_only"}


def test_no_match_for_any_word_is_still_no_match(engine):
    result = engine.search(SearchRequest("xylofon trompet"))
    assert result.total == 0 and not result.relaxed and result.hits == []
