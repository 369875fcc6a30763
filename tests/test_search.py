"""The search library against both backends, each built once per module: a real Whoosh index
on disk, and a real PostgreSQL database written on the primary and read on a streaming replica.

Most tests use hand-made Documents with known metadata (`index_documents`), so they do not
depend on what the ingester extracts; the last ones search the bundled corpus via `rebuild`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import backend_for, replayed
from soev_search.document import FIGURE_KEYS, Document
from soev_search.errors import IndexUnavailable
from soev_search.query import NOTICE_MALFORMED
from soev_search.results import FACETS, SearchRequest
from soev_search.search import SearchEngine


def doc(doc_id: str, title: str, text: str, **meta) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title=title, text=text, source="text",
                    content_hash=doc_id, figures=dict.fromkeys(FIGURE_KEYS), **meta)


DOCUMENTS = [
    doc("aalborg", "Socialøkonomi i Aalborg", "Kommunen har indgået en partnerskabsaftale "
        "med seks virksomheder. Aftalen gælder kantinedriften. Sociale iværksættere får "
        "gratis rådgivning. Vi samarbejder med Randers.", municipality="Aalborg", year=2018,
        date="2018-09", doctype="artikel", municipalities_mentioned=["Aalborg", "Randers"]),
    doc("silkeborg", "Strategi for Silkeborg", "En virksomhed i Silkeborg driver en kantine. "
        "Aftale om indkøb og en ordning for skolemøbler. Vi ringer til iværksættere, der er "
        "sociale.", municipality="Silkeborg", year=2018, date="2018-03", doctype="strategi",
        municipalities_mentioned=["Silkeborg"]),
    doc("silkeborg2", "Notat om drift", "Driften af kantinen og partnerskaber. Vores "
        "indkøbsordning. Kantine og drift. Partnerskabet er godt. Indkøb er indkøb.",
        municipality="Silkeborg", year=2017, date="2017-11", doctype="notat"),
    doc("roskilde", "Skovens rand", "Randen af skoven. En rand. Ring til os, "
        "ring nu. Socialoekonomi på Roskilde-egnen. Ordningen er ny.", municipality="Roskilde",
        year=2017, date="2017", doctype="notat", municipalities_mentioned=["Roskilde", "Aalborg"]),
    doc("strand", "Strandens café", "Ved stranden ligger en café. Strandene er rene.",
        year=2015, date="2015", doctype="andet"),
    doc("english", "Social economy in Denmark", "Partnerships and aftale words here. "
        "Socialøkonomiske virksomheder virker.", year=2016, date="2016-05", doctype="artikel",
        language="en"),
    doc("script", "<script>alert('titel')</script>", "Om kantine <script>alert('x')</script> "
        "& <b>fed</b> \"citat\" virker.", municipality="Aalborg", year=2016, date="2016-01",
        doctype="andet"),
]


@pytest.fixture(scope="module", params=["whoosh", "postgres"])
def kind(request) -> str:
    """Which backend every test of this module runs against."""
    return request.param


def built(kind: str, request, tmp_path_factory, documents: list[Document]):
    """A new index of `documents` in the backend, and a function making engines over it."""
    backend = backend_for(kind, request)
    index_dir = tmp_path_factory.mktemp("search") / "index"
    backend.index_documents(documents, index_dir)
    replayed(backend, request)
    return lambda: backend.engine(index_dir)


@pytest.fixture(scope="module")
def engine(kind, request, tmp_path_factory) -> SearchEngine:
    return built(kind, request, tmp_path_factory, DOCUMENTS)()


def ids(engine: SearchEngine, query: str, **filters) -> set[str]:
    """The documents matching the whole query (relaxed matches, ranked after them, left out)."""
    result = engine.search(SearchRequest(query=query, per_page=100, **filters))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits[:result.exact_total]}


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def test_all_plain_words_must_match(engine):
    assert ids(engine, "kantine") == {"aalborg", "silkeborg", "silkeborg2", "script"}
    assert ids(engine, "kantine aftale") == {"aalborg", "silkeborg"}


def test_plural_and_definite_forms_find_the_singular(engine):
    assert "silkeborg" in ids(engine, "virksomheder")
    assert "aalborg" in ids(engine, "virksomhed")
    assert "silkeborg2" in ids(engine, "kantinen")


@pytest.mark.parametrize("spelling", ["socialoekonomi", "socialokonomi", "SOCIALØKONOMI",
                                      "socialøkonomi"])
def test_every_spelling_of_socialoekonomi_finds_the_same(engine, spelling):
    # "Socialøkonomiske" (english) is of the same stem family.
    assert ids(engine, spelling) == {"aalborg", "roskilde", "english"}


@pytest.mark.parametrize(("part", "expected"), [
    ("aftale", {"aalborg", "silkeborg", "english"}),  # "partnerskabsaftale", "Aftalen"
    ("partnerskab", {"aalborg", "silkeborg2"}),
    ("kantine", {"aalborg", "silkeborg", "silkeborg2", "script"}),  # "kantinedriften"
    ("drift", {"aalborg", "silkeborg2"}),
    ("indkøb", {"silkeborg", "silkeborg2"}),
    ("ordning", {"silkeborg", "silkeborg2", "roskilde"}),  # "indkøbsordning"
])
def test_a_part_finds_the_compound(engine, part, expected):
    assert ids(engine, part) == expected


@pytest.mark.parametrize(("query", "not_expected"), [
    ("rand", "strand"), ("ring", "silkeborg2"), ("virke", "aalborg"),
    ("rand", "aalborg"),  # names Randers in its text
])
def test_unrelated_words_do_not_match(engine, query, not_expected):
    found = ids(engine, query)
    assert found  # the word itself is in the index
    assert not_expected not in found


def test_compound_is_marked_in_the_snippet(engine):
    [hit] = [h for h in engine.search(SearchRequest("partnerskab")).hits if h.id == "aalborg"]
    assert marked(hit.snippet) == ["partnerskabsaftale"]


def test_phrase_needs_the_words_in_order(engine):
    assert ids(engine, '"sociale iværksættere"') == {"aalborg"}
    assert ids(engine, '"iværksættere sociale"') == set()  # "iværksættere, der er sociale"
    assert ids(engine, '"partnerskabsaftale med seks"') == {"aalborg"}  # "med" is a stop word
    assert ids(engine, '"aftale med seks"') == {"aalborg"}  # a compound part in a phrase
    assert ids(engine, "sociale iværksættere") == {"aalborg", "silkeborg"}


def test_or_not_and_minus(engine):
    assert ids(engine, "strand OR partnerskabsaftale") == {"strand", "aalborg"}
    assert ids(engine, "kantine NOT aftale") == {"silkeborg2", "script"}
    assert ids(engine, "kantine -aftale") == {"silkeborg2", "script"}
    assert ids(engine, "kantine AND NOT aftale") == {"silkeborg2", "script"}
    assert ids(engine, "(strand OR skolemøbler) kantine") == {"silkeborg"}


@pytest.mark.parametrize("first", ["kantine", "aftale", "drift", "sociale", "virker"])
@pytest.mark.parametrize("second", ["kantine", "aftale", "drift", "strand", "virker"])
def test_minus_removes_exactly_the_documents_with_the_word(engine, first, second):
    assert ids(engine, f"{first} -{second}") == ids(engine, first) - ids(engine, second)


def test_a_multi_word_synonym_entry_matches_as_typed_or_as_its_synonym(engine):
    # The shipped synonyms file: "SØV, socialøkonomisk virksomhed".
    assert ids(engine, "socialøkonomiske virksomheder") >= {"english"}
    assert ids(engine, "SØV") == {"english"}  # only the phrase "socialøkonomiske virksomheder"


def test_field_queries(engine):
    assert ids(engine, "title:strategi") == {"silkeborg"}
    assert ids(engine, "municipality:silkeborg") == {"silkeborg", "silkeborg2"}
    assert ids(engine, "kommune:Aalborg kantine") == {"aalborg", "script"}
    assert ids(engine, "year:2017") == {"silkeborg2", "roskilde"}
    assert ids(engine, "doctype:notat -drift") == {"roskilde"}
    assert ids(engine, "language:en") == {"english"}
    assert ids(engine, "mentions:aalborg") == {"aalborg", "roskilde"}
    assert ids(engine, "municipality:Atlantis") == set()


def test_a_field_takes_a_quoted_value(engine):
    result = engine.search(SearchRequest('title:"strategi for silkeborg"'))
    assert {hit.id for hit in result.hits} == {"silkeborg"} and result.notice is None
    assert ids(engine, 'title:"silkeborg strategi"') == set()  # a phrase: in order
    assert ids(engine, 'kommune:"Roskilde Kommune" OR kommune:"aalborg"') == {
        "roskilde", "aalborg", "script"}


def test_prefix(engine):
    assert ids(engine, "partnersk*") == {"aalborg", "silkeborg2"}
    assert ids(engine, "strand*") == {"strand"}


@pytest.mark.parametrize("query", [
    '"sociale iværksættere', "OR", "AND NOT", "kantine OR", "foo:bar", "*", "()", "kantine (",
    "kantine )", "NOT", "-", "title:", ":", '"', "a" * 5000, "kantine " * 300, "ø*", "((((",
    "AND AND OR", "\x00", "kantine:drift",
])
def test_malformed_queries_never_raise(engine, query):
    result = engine.search(SearchRequest(query=query))
    assert result.notice is not None
    assert result.total >= 0


def test_malformed_query_searches_its_words(engine):
    result = engine.search(SearchRequest(query='kantine "aftale'))
    assert result.notice == NOTICE_MALFORMED
    assert {h.id for h in result.hits} == {"aalborg", "silkeborg"}
    assert ids(engine, "foo:kantine") == set()  # "foo" is a word too, in no document


def test_empty_query_browses_everything_newest_first(engine):
    result = engine.search(SearchRequest(per_page=100))
    assert result.total == len(DOCUMENTS)
    dates = [h.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert result.notice is None


def test_sort_by_date_and_paging(engine):
    request = dict(query="kantine", sort="date", per_page=2)
    first = engine.search(SearchRequest(**request))
    second = engine.search(SearchRequest(page=2, **request))
    assert [h.id for h in first.hits] == ["aalborg", "silkeborg"]
    assert [h.id for h in second.hits] == ["silkeborg2", "script"]
    assert first.total == second.total == 4


def test_relevance_puts_title_matches_first(engine):
    hits = engine.search(SearchRequest("strategi OR drift")).hits
    assert hits[0].id in ("silkeborg", "silkeborg2")
    assert hits[0].score >= hits[-1].score


def counts(result, facet: str) -> dict[str, int]:
    return {fv.value: fv.count for fv in result.facets[facet]}


def test_facets_count_the_whole_result(engine):
    result = engine.search(SearchRequest("kantine", per_page=1))
    assert counts(result, "municipality") == {"Aalborg": 2, "Silkeborg": 2}
    assert counts(result, "year") == {"2018": 2, "2017": 1, "2016": 1}
    assert counts(result, "doctype") == {"artikel": 1, "strategi": 1, "notat": 1, "andet": 1}
    assert set(result.facets) == set(FACETS)


def test_facet_counts_are_disjunctive(engine):
    result = engine.search(SearchRequest("kantine", municipality=("Aalborg",)))
    assert {h.id for h in result.hits} == {"aalborg", "script"}
    # Its own filter is ignored: the other municipalities stay visible with their counts.
    assert counts(result, "municipality") == {"Aalborg": 2, "Silkeborg": 2}
    # The other facets apply the municipality filter.
    assert counts(result, "year") == {"2018": 1, "2016": 1}
    both = engine.search(SearchRequest("kantine", municipality=("Aalborg",), year=(2018,)))
    assert {h.id for h in both.hits} == {"aalborg"}
    assert counts(both, "municipality") == {"Aalborg": 1, "Silkeborg": 1}
    assert counts(both, "year") == {"2018": 1, "2016": 1}


def test_filters_are_or_within_a_facet_and_accept_any_spelling(engine):
    assert ids(engine, "", municipality=("aalborg", "ROSKILDE")) == {
        "aalborg", "roskilde", "script"}
    assert ids(engine, "", year=(2016,), language=("en",)) == {"english"}
    assert ids(engine, "", mentions=("Randers",)) == {"aalborg"}
    # a municipality named with its "Kommune", as people write it
    assert ids(engine, "", municipality=("Roskilde Kommune", "aalborg kommune")) == {
        "aalborg", "roskilde", "script"}
    assert ids(engine, "", mentions=("Randers Kommune",)) == {"aalborg"}


def test_an_active_filter_value_without_matches_is_still_listed(engine):
    result = engine.search(SearchRequest("rand", municipality=("Silkeborg",)))
    assert result.total == 0
    assert counts(result, "municipality") == {"Roskilde": 1, "Silkeborg": 0}


def test_snippet_escapes_everything_but_mark(engine):
    [hit] = engine.search(SearchRequest("kantine", municipality=("Aalborg",),
                                        doctype=("andet",))).hits
    assert "<script" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0
    assert hit.title == "<script>alert('titel')</script>"  # raw; the page escapes titles


def test_mark_marks_forms_and_parts_and_escapes(engine):
    text = "Aftalen <b>om</b> partnerskabsaftalens kantine & Socialoekonomi"
    assert engine.mark(text, "aftale socialøkonomi") == (
        "<mark>Aftalen</mark> &lt;b&gt;om&lt;/b&gt; <mark>partnerskabsaftalens</mark> "
        "kantine &amp; <mark>Socialoekonomi</mark>")
    assert engine.mark(text, "NOT kantine") == engine.mark(text, "")


def test_did_you_mean(engine):
    result = engine.search(SearchRequest("socialøkonmi"))
    assert result.total == 0
    assert result.suggestion == "socialøkonomi"
    assert engine.search(SearchRequest("kantime virksomhed")).suggestion == (
        "kantine virksomhed")
    assert engine.search(SearchRequest("kantine")).suggestion is None
    assert engine.search(SearchRequest("socialoekonomi")).suggestion is None


def test_document_and_documents(engine):
    assert engine.document("roskilde").municipalities_mentioned == ["Roskilde", "Aalborg"]
    assert engine.document("missing") is None
    found = engine.documents(SearchRequest(municipality=("Silkeborg",)))
    assert [d.id for d in found] == ["silkeborg", "silkeborg2"]
    assert len(engine.documents()) == len(DOCUMENTS)


def test_facets_and_stats_cover_all_documents(engine):
    facets = engine.facets()
    assert {fv.value: fv.count for fv in facets["municipality"]} == {
        "Aalborg": 2, "Silkeborg": 2, "Roskilde": 1}
    stats = engine.stats()
    assert stats["documents"] == len(DOCUMENTS)
    assert stats["size_bytes"] > 0 and stats["built_at"]
    assert {v["value"] for v in stats["facets"]["language"]} == {"da", "en"}


def test_complete(engine):
    assert engine.complete("kanti")[:2] == ["kantine", "kantinedriften"] or set(
        engine.complete("kanti")) >= {"kantine", "kantinedriften"}
    assert engine.complete("socialok") == ["socialoekonomi", "socialøkonomi",
                                           "socialøkonomiske"] or "socialøkonomi" in (
        engine.complete("socialok"))
    assert engine.complete("strategi for sil") == ["strategi for silkeborg"]
    assert engine.complete("k") == []


def test_missing_index_is_one_clear_error(kind, request, tmp_path):
    with pytest.raises(IndexUnavailable, match="soev-index rebuild"):
        backend_for(kind, request).engine(tmp_path / "nothing").search(SearchRequest("x"))


# --- the bundled sample corpus ---------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_engine(kind, request, tmp_path_factory) -> SearchEngine:
    backend = backend_for(kind, request)
    index_dir = tmp_path_factory.mktemp("corpus") / "index"
    backend.rebuild(Path(__file__).resolve().parent.parent / "corpus", index_dir)
    replayed(backend, request)
    return backend.engine(index_dir)


@pytest.mark.parametrize(("query", "expected"), [
    ("kantine", 2), ("partnerskab", 2), ("Velling Koller", 1), ('"Frida Tarp"', 1),
])
def test_sample_corpus_queries(corpus_engine, query, expected):
    assert corpus_engine.search(SearchRequest(query)).total >= expected


def test_a_synonyms_entry_is_known_so_no_did_you_mean(corpus_engine):
    # "flexjob" is in no document but is the shipped synonym of "fleksjob"
    result = corpus_engine.search(SearchRequest("flexjob"))
    assert result.total >= 4 and result.suggestion is None
    assert corpus_engine.search(SearchRequest("flexjob kantime")).suggestion == (
        "flexjob kantine")


def municipalities(engine: SearchEngine, query: str) -> set[str]:
    """The municipalities of the documents matching the whole query."""
    result = engine.search(SearchRequest(query, per_page=100))
    return {hit.municipality for hit in result.hits[:result.exact_total]}


@pytest.mark.parametrize(("query", "expected"), [
    ("vilkår", {"Roskilde", "Silkeborg"}),        # "markedsvilkår"
    ("indsats", {"Jammerbugt"}),                  # "uddannelsesindsatsen"
])
def test_sample_corpus_compounds_found_by_their_parts(corpus_engine, query, expected):
    assert expected <= municipalities(corpus_engine, query)


def test_sample_corpus_compound_in_the_query_means_that_compound(corpus_engine):
    # Hillerød writes "vilkår" but never "markedsvilkår", and "uddannelse" and "indsats"
    # apart but never "uddannelsesindsats".
    assert "Hillerød" in municipalities(corpus_engine, "vilkår")
    assert municipalities(corpus_engine, "markedsvilkår") == {"Roskilde", "Silkeborg"}
    assert "Hillerød" in municipalities(corpus_engine, "uddannelse indsats")
    assert municipalities(corpus_engine, "uddannelsesindsats") == {"Jammerbugt"}


@pytest.mark.parametrize("word", ["rand", "havn", "ring"])
def test_sample_corpus_parts_that_are_not_parts_find_nothing(corpus_engine, word):
    # "strand", "Frederikshavn", "prioritering"/"indkøbsordning" hold no such word.
    assert corpus_engine.search(SearchRequest(word)).total == 0


@pytest.mark.parametrize("word", ["publiceret", "Krævede", '"Back To Top"', "Relaterede",
                                  "Frederikshavn", "Kommentarer"])
def test_boilerplate_is_not_searchable(corpus_engine, word):
    assert corpus_engine.search(SearchRequest(word)).total == 0


# Enough matches that ranking stops early (top-k) and later pages must rank further.
MANY = [doc(f"m{n:03d}", f"Notat {n}", " ".join(["kantine"] * (1 + n % 7) + ["drift"] * (n % 3)
                                                 + ["ord"] * (n % 11)),
            municipality=("Aalborg", "Odense", "Vejle")[n % 3], year=2010 + n % 9,
            date=f"{2010 + n % 9}-0{1 + n % 9}", doctype="notat")
        for n in range(140)]


@pytest.fixture(scope="module")
def many(kind, request, tmp_path_factory):
    """Makes a fresh engine over an index of MANY on each call."""
    return built(kind, request, tmp_path_factory, MANY)


def paged_ids(engine: SearchEngine, per_page: int, **request) -> list[str]:
    first = engine.search(SearchRequest(per_page=per_page, **request))
    pages = -(-first.total // per_page)
    found = [hit.id for hit in first.hits]
    for page in range(2, pages + 2):  # one page past the end is empty
        found += [hit.id for hit in engine.search(
            SearchRequest(per_page=per_page, page=page, **request)).hits]
    assert len(found) == first.total
    return found


@pytest.mark.parametrize("request_", [
    dict(query="kantine"), dict(query="kantine drift"), dict(query='"kantine drift"'),
    dict(query="kanti*"), dict(query="kantine", municipality=("Odense",)),
    dict(query='"kantine drift"', year=(2012, 2013)), dict(query="kantine -drift"),
    dict(query="kantine", sort="date", municipality=("Vejle",)),
])
def test_every_page_agrees_with_the_full_ranking(many, request_):
    full = [d.id for d in many().documents(SearchRequest(**request_))]
    assert full, request_
    # Page by page in one engine (cached rankings grow) and each page in a fresh engine.
    assert paged_ids(many(), 30, **request_) == full
    fresh = [hit.id for page in range(1, 6) for hit in many().search(
        SearchRequest(per_page=30, page=page, **request_)).hits]
    assert fresh == full


def test_scores_fall_along_the_pages(many):
    engine = many()
    scores = [hit.score for page in (1, 2, 3) for hit in engine.search(
        SearchRequest("kantine", per_page=40, page=page)).hits]
    assert len(scores) == 120 and scores == sorted(scores, reverse=True)


def test_a_filter_matching_none_of_the_query_gives_no_hits(many):
    engine = many()
    # Aalborg's documents here never say "drift"; Whoosh reads an empty filter as none.
    result = engine.search(SearchRequest("drift", municipality=("Aalborg",)))
    assert result.total == 0 and result.hits == []
    assert {fv.value for fv in result.facets["municipality"]} == {"Aalborg", "Odense", "Vejle"}


# --- both backends side by side ----------------------------------------------------------------

ALIKE_QUERIES = ["kantine", "kantine aftale", "socialoekonomi", '"aftale med seks"', "social*",
                 "kantine -aftale", "strand OR partnerskabsaftale", "title:strategi",
                 "mentions:aalborg", "kantime", "", "med", "kantine (", "xylofon",
                 "socialøkonomiske virksomheder", "SØV", "sociale virksomheder drift",
                 "year:2017..2018", "kantine year:..2017", "year:2018.. drift"]


def test_both_backends_give_the_same_answers_but_for_scores(request, tmp_path_factory):
    fetched = doc("fetched", "Hentet notat", "Et notat om kantine og drift.", year=2019,
                  date="2019-02", doctype="notat", url="https://example.dk/notat.pdf")
    engines = [built(kind, request, tmp_path_factory, [*DOCUMENTS, fetched])()
               for kind in ("whoosh", "postgres")]
    for query in ALIKE_QUERIES:
        for sort in ("relevance", "date"):
            whoosh, postgres = (engine.search(SearchRequest(query, sort=sort, per_page=100))
                                for engine in engines)
            unscored = [[{**h.__dict__, "score": None} for h in r.hits]
                        for r in (whoosh, postgres)]
            if sort == "date" or not query:
                assert unscored[0] == unscored[1], (query, sort)
            else:  # the same hits; their order follows each backend's ranking
                assert sorted(map(repr, unscored[0])) == sorted(map(repr, unscored[1])), query
            assert (whoosh.total, whoosh.facets, whoosh.suggestion, whoosh.notice) == (
                postgres.total, postgres.facets, postgres.suggestion, postgres.notice), query
    assert {h.url for h in engines[1].search(SearchRequest("hentet")).hits} == {
        "https://example.dk/notat.pdf"}
    ranged = [engine.search(SearchRequest("kantine", year_from=2017, year_to=2018))
              for engine in engines]
    assert ranged[0].total == ranged[1].total > 0
    assert ranged[0].facets == ranged[1].facets
    assert ranged[0].without_value == ranged[1].without_value


def test_similar_documents(engine):
    found = engine.similar("silkeborg2")
    assert found and "silkeborg2" not in {s.id for s in found}
    assert all(s.shared and s.reason.startswith("Fælles nøgleord") for s in found)
    assert "silkeborg" in {s.id for s in found}  # "kantine", "indkøb", "ordning"
    assert found[0].municipality != "Silkeborg"  # other municipalities first
    assert engine.similar("missing") is None
    outside = doc("outside", "Kantinen", "Driften af kantinen og indkøbsordningen.",
                  municipality="Silkeborg", year=2020, date="2020", doctype="notat")
    assert {s.id for s in engine.similar_to(outside)} >= {"silkeborg2"}
