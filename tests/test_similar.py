"""Similar documents: key terms, the sample corpus's status articles, other municipalities
first, readable reasons, the `mlt:` query and documents from outside the index.

The engine tests use a real index of the bundled corpus plus a near copy of one status
article that belongs to the same municipality (built once per module).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search.analysis import DanishAnalyzer, Vocabulary
from soev_search.document import Document
from soev_search.index import rebuild
from soev_search.ingest import ingest_file
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.similar import key_terms, reason

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
STATUS_FILES = ("aalborg-status-september-2018.txt", "jammerbugt-status-2018.txt",
                "roskilde-status-august-2018.txt", "silkeborg-status-2018.txt")
# A second Aalborg document: the Aalborg status article's text under another title.
AALBORG_COPY = "aalborg-nyhedsbrev-kopi.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("similar") / "corpus"
    shutil.copytree(BUNDLED_CORPUS, target)
    text = (BUNDLED_CORPUS / STATUS_FILES[0]).read_text(encoding="utf-8")
    (target / AALBORG_COPY).write_text(
        "Nyhedsbrev fra Aalborg Kommune om socialøkonomi\n\n" + text.split("\n", 1)[1],
        encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def engine(corpus: Path) -> SearchEngine:
    index_dir = corpus.parent / "index"
    rebuild(corpus, index_dir)
    return SearchEngine(index_dir)


def doc_id(engine: SearchEngine, filename: str) -> str:
    return next(d.id for d in engine.documents() if d.path == filename)


def test_key_terms_keep_distinctive_words_and_drop_the_rest() -> None:
    analyzer = DanishAnalyzer()
    text = ("Kantinen kantinen kantinen og fleksjob. Formanden takker. 2018 2018. "
            "Aalborg Aalborg. Unikaord.")
    df = {"kantin": 3, "fleksjob": 10, "formand": 60, "tak": 80, "2018": 5, "aalborg": 4,
          "unikaord": 1}
    terms = key_terms(text, analyzer, lambda term: df.get(term, 0), total=100)
    # boilerplate (in over half of 100 documents), numbers, municipality names and a word
    # no other document has are left out; the rest, rarer and more frequent first
    assert [t.term for t in terms] == ["kantin", "fleksjob"]
    assert [t.word for t in terms] == ["kantinen", "fleksjob"]
    assert terms[0].weight > terms[1].weight > 0


def test_in_a_small_corpus_idf_alone_weighs_common_terms() -> None:
    terms = key_terms("formanden formanden kantine", DanishAnalyzer(),
                      lambda term: {"formand": 4, "kantin": 2}.get(term, 0), total=5)
    assert [t.term for t in terms] == ["kantin", "formand"]


def test_compound_parts_are_key_terms_shown_in_the_documents_own_words() -> None:
    analyzer = DanishAnalyzer(Vocabulary(["partnerskab", "aftal"]))
    text = "Partnerskabsaftalen og partnerskabsaftalen. Socialøkonomiske virksomheder."
    terms = key_terms(text, analyzer, lambda term: 2, total=10)
    words = {t.term: t.word for t in terms}
    # the part "aftal" is never written alone here, so it is shown as its compound
    assert words["aftal"] == "partnerskabsaftalen"
    # a word's own term is shown as the word, whatever stem the analyzer makes of it
    assert words[analyzer.terms("socialøkonomiske", index=False)[0]] == "socialøkonomiske"


def test_reason_lists_the_first_shared_words_in_danish() -> None:
    assert reason(("fleksjob",)) == "Fælles nøgleord: fleksjob"
    assert (reason(("fleksjob", "kantine", "frivillige", "indkøb", "udbud"))
            == "Fælles nøgleord: fleksjob, kantine, frivillige og indkøb")
    assert reason(()) == ""


def test_each_status_article_is_nearest_to_the_other_status_articles(
        engine: SearchEngine) -> None:
    # the near copy of Aalborg's article is one of them too
    status = {doc_id(engine, name): engine.document(doc_id(engine, name)).municipality
              for name in (*STATUS_FILES, AALBORG_COPY)}
    notat = doc_id(engine, "hilleroed-notat-socialoekonomi-2017.txt")
    for source, municipality in status.items():
        found = [s.id for s in engine.similar(source, limit=6)
                 if s.municipality != municipality]  # the same municipality's come last
        others = {d for d, m in status.items() if m != municipality}
        assert set(found[:len(others)]) == others, source
        assert found[len(others)] == notat

def test_other_municipalities_come_first(engine: SearchEngine) -> None:
    aalborg = doc_id(engine, STATUS_FILES[0])
    copy = doc_id(engine, AALBORG_COPY)
    found = engine.similar(aalborg, limit=10)
    scores = {s.id: s.score for s in found}
    # the near copy is by far the most similar, yet it is Aalborg's own and comes last
    assert scores[copy] == max(scores.values())
    assert found[-1].id == copy
    assert all(s.municipality != "Aalborg" for s in found[:-1])
    assert aalborg not in scores


def test_every_result_has_a_readable_reason_from_both_texts(engine: SearchEngine) -> None:
    source_id = doc_id(engine, STATUS_FILES[2])
    source = engine.document(source_id)
    for similar in engine.similar(source_id, limit=4):
        other = engine.document(similar.id)
        assert similar.shared and similar.reason.startswith("Fælles nøgleord: ")
        assert similar.shared[0] in similar.reason
        for word in similar.shared:
            assert word in source.text.lower()  # the document's own spelling
        # each shared word's term is in the other document too
        analyzer = DanishAnalyzer()
        other_terms = set(analyzer.terms(other.text.lower() + "\n" + "\n".join(
            f"{s.question}\n{s.answer}" for s in other.sections)))
        for word in similar.shared:
            assert set(analyzer.terms(word, index=False)) & other_terms or any(
                part in other_terms for part in analyzer.terms(word)), word


def test_limit_and_unknown_documents(engine: SearchEngine) -> None:
    source = doc_id(engine, STATUS_FILES[1])
    assert len(engine.similar(source, limit=2)) == 2
    assert engine.similar(source, limit=0) == []
    assert engine.similar("no-such-document") is None


def test_a_document_from_outside_the_index(engine: SearchEngine, tmp_path: Path) -> None:
    outside = tmp_path / "ny-status.txt"
    text = (BUNDLED_CORPUS / STATUS_FILES[3]).read_text(encoding="utf-8")
    outside.write_text(text.replace("Silkeborg", "Viborg"), encoding="utf-8")
    doc = ingest_file(outside, None, None)
    assert isinstance(doc, Document)
    found = engine.similar_to(doc, limit=3)
    assert found[0].id == doc_id(engine, STATUS_FILES[3])  # the text it was made from


def test_mlt_query_ranks_the_same_documents(engine: SearchEngine) -> None:
    source = doc_id(engine, STATUS_FILES[3])
    result = engine.search(SearchRequest(query=f"mlt:{source}", per_page=3))
    assert result.notice is None
    assert source not in {hit.id for hit in result.hits}
    by_score = [s.id for s in sorted(engine.similar(source, limit=3), key=lambda s: -s.score)]
    assert [hit.id for hit in result.hits] == by_score
    # combined with filters and words like any other query; the Danish name works too
    narrowed = engine.search(SearchRequest(query=f"lignende:{source} fleksjob",
                                           municipality=("Roskilde",)))
    assert {hit.municipality for hit in narrowed.hits} == {"Roskilde"}
    assert engine.search(SearchRequest(query="mlt:no-such-document")).total == 0


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "soev_search.cli", "similar", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_by_id_by_file_and_from_outside(engine: SearchEngine, corpus: Path,
                                           tmp_path: Path) -> None:
    index = str(engine.index_dir)
    source = doc_id(engine, STATUS_FILES[1])
    expected = [s.to_dict() for s in engine.similar(source, limit=3)]
    by_id = cli(source, "--limit", "3", "--json", "--index", index)
    assert by_id.returncode == 0, by_id.stderr
    assert json.loads(by_id.stdout)["similar"] == expected
    by_file = cli(str(corpus / STATUS_FILES[1]), "--limit", "3", "--json", "--index", index,
                  "--corpus", str(corpus))
    assert json.loads(by_file.stdout) == json.loads(by_id.stdout)

    text = cli(source, "--limit", "3", "--index", index)
    assert text.returncode == 0
    assert "Fælles nøgleord: " in text.stdout
    assert all(item["id"] in text.stdout for item in expected)

    outside = tmp_path / "kopi.txt"
    shutil.copy(corpus / STATUS_FILES[1], outside)  # not in the corpus: compared, not looked up
    copied = json.loads(cli(str(outside), "--json", "--limit", "10", "--index", index,
                            "--corpus", str(corpus)).stdout)["similar"]
    # its original is the most similar, and last: the same municipality's come last
    assert copied[-1]["id"] == source
    assert copied[-1]["score"] == max(item["score"] for item in copied)


def test_cli_errors(engine: SearchEngine, tmp_path: Path) -> None:
    index = str(engine.index_dir)
    unknown = cli("no-such-document", "--index", index)
    assert unknown.returncode == 1 and "no-such-document" in unknown.stderr
    empty = tmp_path / "tom.txt"
    empty.write_text("", encoding="utf-8")
    unreadable = cli(str(empty), "--index", index)
    assert unreadable.returncode == 2 and "tom.txt" in unreadable.stderr
    bad_limit = cli(doc_id(engine, STATUS_FILES[0]), "--limit", "0", "--index", index)
    assert bad_limit.returncode == 1 and "--limit" in bad_limit.stderr

