"""Property-based: no bytes make the ingester raise, no query makes the search raise or 500."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soev_search.document import Skipped
from soev_search.ingest import ingest_file
from soev_search.results import SearchRequest, SearchResult

REPO_ROOT = Path(__file__).resolve().parent.parent
BOUNDED = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])

SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".TXT", ".md", "")
# Pieces that stress a query parser: syntax, field names, Danish letters and other scripts.
QUERY_PIECES = ('"', "'", "(", ")", "*", "?", ":", "-", "+", "~", "^", "\\", "AND", "OR", "NOT",
                "title:", "year:", "municipality:", "[", "]", "{", "}", "TO", "socialøkonomi",
                "Æblegård", "ÅRHUS", "ø", "fleksjob", "2018", "<script>", "&amp;", "\x00",
                "日本語", "🙂", "ß", " ", "  ")
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=12).map("".join),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=12).map(" ".join),
)
# Text that looks like a document, in an encoding the file may or may not declare.
document_text = st.lists(
    st.one_of(st.text(max_size=80), st.sampled_from(("<p>", "</p>", "<html>", "<body>",
                                                     "<!--", "-->", "<meta charset=latin-1>",
                                                     "Socialøkonomi i Århus", "\n\n"))),
    max_size=30).map("".join)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def _check_ingest(root: Path, suffix: str, data: bytes) -> None:
    path = root / f"doc{suffix}"
    path.write_bytes(data)
    result = ingest_file(path, root)
    # ingest_file turns any exception into a Skipped "could not read: <exception>"; bad input
    # must instead be recognised by a reader and get its own reason.
    if isinstance(result, Skipped):
        assert result.reason.strip() and not result.reason.startswith("could not read:")
    else:
        assert result.text.strip() and "\x00" not in result.text


@BOUNDED
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=4096))
def test_ingest_never_raises_on_random_bytes(scratch: Path, suffix: str, data: bytes) -> None:
    _check_ingest(scratch, suffix, data)


@BOUNDED
@given(suffix=st.sampled_from(SUFFIXES), text=document_text,
       encoding=st.sampled_from(("utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252")))
def test_ingest_never_raises_on_text_like_input(scratch: Path, suffix: str, text: str,
                                                encoding: str) -> None:
    _check_ingest(scratch, suffix, text.encode(encoding, errors="replace"))


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from soev_search.index import rebuild

    base = tmp_path_factory.mktemp("properties")
    corpus = base / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    rebuild(corpus, base / "index")
    return base / "index"


@pytest.fixture(scope="module")
def engine(index_dir: Path):
    from soev_search.search import SearchEngine

    return SearchEngine(index_dir)


@BOUNDED
@given(query=queries, page=st.integers(1, 1000), sort=st.sampled_from(("relevance", "date")))
def test_search_never_raises(engine, query: str, page: int, sort: str) -> None:
    result = engine.search(SearchRequest(query=query, page=page, sort=sort))
    assert isinstance(result, SearchResult)
    assert result.total >= 0 and len(result.hits) <= result.per_page
    for hit in result.hits:
        assert "<script" not in hit.snippet.lower() and "<script" not in hit.title.lower()


@pytest.fixture(scope="module")
def postgres_engine(request):
    from conftest import backend_for

    backend = backend_for("postgres", request)
    backend.rebuild(REPO_ROOT / "corpus", Path("unused"))
    return backend.engine(Path("unused"))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, page=st.integers(1, 1000), sort=st.sampled_from(("relevance", "date")),
       mentions=st.lists(st.sampled_from(QUERY_PIECES), max_size=2))
def test_postgres_search_never_raises(postgres_engine, query: str, page: int, sort: str,
                                      mentions: list[str]) -> None:
    result = postgres_engine.search(SearchRequest(query=query, page=page, sort=sort,
                                                  mentions=tuple(mentions)))
    assert isinstance(result, SearchResult)
    assert result.total >= 0 and len(result.hits) <= result.per_page
    for hit in result.hits:
        assert "<script" not in hit.snippet.lower() and "<script" not in hit.title.lower()
    assert isinstance(postgres_engine.complete(query), list)


@pytest.fixture(scope="module")
def client(index_dir: Path):
    from soev_search.web import create_app

    return create_app(index_dir=index_dir, corpus_dir=REPO_ROOT / "corpus").test_client()


@BOUNDED
@given(query=queries, page=st.text(max_size=6), year=st.text(max_size=6))
def test_search_api_never_answers_500(client, query: str, page: str, year: str) -> None:
    response = client.get("/api/search", query_string={"q": query, "page": page, "year": year})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.is_json
