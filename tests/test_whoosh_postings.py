"""whoosh_postings against Whoosh's own matching, on a real two-segment index of the sample
texts: the same documents with the same scores, to the last bit, for every kind of query
the compiler makes (words, phrases in title and text, prefixes, NOT, OR, filters, ranges,
synonyms, nothing found), with Whoosh's small-segment OR and with its union trees, and again
from the per-build caches."""

from __future__ import annotations

import threading

import pytest
from whoosh import query as wq

from conftest import BUNDLED_CORPUS
from soev_search.index import rebuild
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.whoosh_engine import WhooshEngine, _Search
from soev_search.whoosh_postings import PostingsCache, scores

# Hand-made texts for the tricky phrase cases: words out of order, split by a stop word,
# repeated, a phrase's words split between title and text.
EDGE_TEXTS = {
    "omvendt.txt": "Omvendt rækkefølge\n\nEn virksomhed socialøkonomisk set; virksomhed "
                   "og så socialøkonomisk.",
    "kanten.txt": "Notat om kanten\n\nMange står på kanten af arbejdsmarkedet i kommunen. "
                  "Kanten af det hele.",
    "gentaget.txt": "Socialøkonomisk virksomhed\n\nsocialøkonomisk socialøkonomisk virksomhed "
                    "virksomhed socialøkonomisk virksomhed.",
    "delt.txt": "Om det socialøkonomiske\n\nVirksomhed i Aalborg og beskæftigelse.",
}

QUERIES = [
    "socialøkonomi",
    "kommunen",
    "kommunen virksomhed",
    '"socialøkonomisk virksomhed"',
    '"på kanten af arbejdsmarkedet"',
    '"socialøkonomiske virksomhed"',
    "socialøkonomiske virksomheder kommune",
    "beskæftig*",
    "socialøkonom* -kommunen",
    "kantine OR virksomhed",
    "virksomhed -\"socialøkonomisk virksomhed\"",
    "title:socialøkonomisk",
    'title:"socialøkonomisk virksomhed"',
    "title:notat*",
    "virksomhed municipality:Aalborg",
    "virksomhed mentions:Aalborg",
    "virksomhed year:2015..2016",
    "virksomhed year:..2018",
    "zzqxv",
    '"zzqxv virksomhed"',
    "-kommunen",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> WhooshEngine:
    """A two-segment index (two writer processes) of a few hundred notes cut from the sample
    texts, plus the edge texts."""
    root = tmp_path_factory.mktemp("postings")
    corpus = root / "corpus"
    corpus.mkdir()
    paragraphs = [p for f in sorted(BUNDLED_CORPUS.glob("*.txt"))
                  for p in f.read_text().split("\n\n") if len(p) > 200]
    for number in range(240):
        chosen = [paragraphs[(number * 7 + k) % len(paragraphs)] for k in range(5)]
        text = f"Notat nummer {number} om socialøkonomi\n\n" + "\n\n".join(chosen)
        (corpus / f"notat-{number:04d}.txt").write_text(text)
    for name, text in EDGE_TEXTS.items():
        (corpus / name).write_text(text)
    rebuild(corpus, root / "index", workers=2)
    engine = SearchEngine(root / "index")
    assert isinstance(engine, WhooshEngine)
    return engine


def compiled(engine: WhooshEngine, text: str) -> wq.Query | None:
    build = engine._current()
    with build.searcher() as searcher:
        return _Search(build, searcher, SearchRequest(query=text)).query


def whoosh_scores(searcher, query: wq.Query) -> dict[int, float]:
    return {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}


def test_the_index_has_two_segments(engine: WhooshEngine) -> None:
    with engine._current().searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2


@pytest.mark.parametrize("union_trees", [False, True], ids=["preloaded-or", "union-trees"])
def test_same_documents_and_scores_as_whoosh(engine: WhooshEngine, union_trees: bool,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if union_trees:  # Whoosh's choice for segments over 5,000 documents
        monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    cache = PostingsCache()
    found_any = 0
    with engine._current().searcher() as searcher:
        for text in QUERIES:
            query = compiled(engine, text)
            if query is None:
                continue
            expected = whoosh_scores(searcher, query)
            assert scores(searcher, query, cache) == expected, text
            assert scores(searcher, query, cache) == expected, f"{text} (cached)"
            found_any += bool(expected)
    assert found_any == len(QUERIES) - 2  # all but the two zzqxv queries find documents


def test_phrase_edge_cases_are_told_apart(engine: WhooshEngine) -> None:
    cache = PostingsCache()
    build = engine._current()
    with build.searcher() as searcher:
        query = compiled(engine, 'text:"socialøkonomisk virksomhed"')
        names = {build.load(searcher, d).path for d in scores(searcher, query, cache)}
        gaps = compiled(engine, 'text:"kanten af arbejdsmarkedet"')
        gapped = {build.load(searcher, d).path for d in scores(searcher, gaps, cache)}
    assert "gentaget.txt" in names
    assert "omvendt.txt" not in names  # the words only in the other order
    assert "kanten.txt" in gapped


def test_the_compiled_queries_are_evaluated_here(engine: WhooshEngine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    queries = [q for text in QUERIES if (q := compiled(engine, text)) is not None]

    def refuse(*args, **kwargs):
        raise AssertionError("left to Whoosh's search")

    with engine._current().searcher() as searcher:
        monkeypatch.setattr(type(searcher), "search", refuse)
        for query in queries:
            scores(searcher, query, PostingsCache())


def test_queries_whoosh_builds_otherwise_are_left_to_whoosh(engine: WhooshEngine) -> None:
    query = wq.DisjunctionMax([wq.Term("text", "virksom"), wq.Term("title", "notat")])
    with engine._current().searcher() as searcher:
        expected = whoosh_scores(searcher, query)
        assert expected
        assert scores(searcher, query, PostingsCache()) == expected


def test_ranked_pages_are_whooshs_top_hits(engine: WhooshEngine) -> None:
    build = engine._current()
    with build.searcher() as searcher:
        for text in ("socialøkonomi", '"socialøkonomisk virksomhed"', "beskæftig*"):
            query = compiled(engine, text)
            top = [(d, s) for s, d in searcher.search(query, limit=7).top_n]
            assert build.ranked(searcher, query, None, (), 7) == top
            allowed = set(list(build.matches(searcher, query))[::3])
            filtered = [(d, s) for s, d in
                        searcher.search(query, limit=5, filter=allowed).top_n]
            assert build.ranked(searcher, query, allowed, ("every third",), 5) == filtered


def test_search_results_stay_the_same_when_cached(engine: WhooshEngine) -> None:
    request = SearchRequest(query="socialøkonomisk virksomhed", per_page=20)
    first = engine.search(request)
    again = engine.search(request)
    assert first.total == again.total > 0
    assert [(h.id, h.score) for h in first.hits] == [(h.id, h.score) for h in again.hits]
    assert first.facets == again.facets


def test_the_build_keeps_what_it_read(engine: WhooshEngine) -> None:
    cache = PostingsCache(postings_kept=10)
    with engine._current().searcher() as searcher:
        query = compiled(engine, '"socialøkonomisk virksomhed"')
        expected = scores(searcher, query, cache)
        assert cache.phrases.get((0, (("text", b"socialokonomi"), ("text", b"virksom")), 1)) \
            is not None
        assert scores(searcher, query, cache) == expected  # small posting cache: re-read


def test_threads_sharing_a_build_get_the_same_results(engine: WhooshEngine) -> None:
    texts = ["socialøkonomi", '"socialøkonomisk virksomhed"', "beskæftig*", "kommunen",
             "socialøkonomiske virksomheder kommune", "title:notat*"]
    build = engine._current()
    with build.searcher() as searcher:
        expected = {text: whoosh_scores(searcher, compiled(engine, text)) for text in texts}
    cache = PostingsCache(postings_kept=2_000)  # small: entries come and go meanwhile
    failures: list[str] = []

    def search(offset: int) -> None:
        with build.searcher() as searcher:
            for round_number in range(6):
                text = texts[(offset + round_number) % len(texts)]
                if scores(searcher, compiled(engine, text), cache) != expected[text]:
                    failures.append(text)

    threads = [threading.Thread(target=search, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
