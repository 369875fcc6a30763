"""The synonyms file: its format, the shipped groups, and their effect on a real index, at
query time (re-read when the file changes) and at rebuild (its words become compound parts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from soev_search.analysis import DanishAnalyzer
from soev_search.document import FIGURE_KEYS, Document
from soev_search.index import index_documents
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.synonyms import (
    ENVIRONMENT,
    Synonyms,
    SynonymsUnreadable,
    read_synonyms_text,
    synonym_words,
)

ANALYZER = DanishAnalyzer()


def analyse(text: str) -> list[str]:
    return ANALYZER.terms(text, index=False)


def doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title=f"Notat {doc_id}", text=text,
                    source="text", content_hash=doc_id, figures=dict.fromkeys(FIGURE_KEYS),
                    municipality="Aalborg", year=2018, date="2018-01", doctype="notat")


DOCUMENTS = [
    doc("soev", "Kommunen støtter en SØV i Nørresundby."),
    doc("long", "Der er åbnet en ny socialøkonomisk virksomhed ved havnen."),
    doc("plural", "Tre socialøkonomiske virksomheder fik tilskud."),
    doc("rsv", "Caféen er nu en RSV."),
    doc("registered", "Caféen blev en registreret socialøkonomisk virksomhed i år."),
    doc("flex", "Ti medarbejdere i flexjob."),
    doc("fleks", "Fleksjobordningen er udvidet."),
    doc("apart", "Virksomheden arbejder socialt; økonomisk går det godt."),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    index_dir = tmp_path_factory.mktemp("synonyms") / "index"
    index_documents(DOCUMENTS, index_dir)
    return SearchEngine(index_dir)


def ids(engine: SearchEngine, query: str) -> set[str]:
    result = engine.search(SearchRequest(query, per_page=100))
    return {hit.id for hit in result.hits[:result.exact_total]}


def test_format_groups_comments_and_problems():
    synonyms = Synonyms.parse(
        "# a comment\n\nSØV, socialøkonomisk virksomhed  # trailing comment\n"
        "fleksjob\nflexjob, FLEXJOB\nfleksjob, flexjob, skånejob\n", analyse)
    assert synonyms.of(analyse("søv")) == ("socialøkonomisk virksomhed",)
    assert synonyms.of(analyse("Socialøkonomiske virksomheder")) == ("SØV",)
    assert set(synonyms.of(analyse("flexjob"))) == {"fleksjob", "skånejob"}
    assert synonyms.problems == ("line 4: fewer than two different entries",
                                 "line 5: fewer than two different entries")
    assert synonyms.of(analyse("virksomhed")) == ()


def test_the_shipped_file_has_the_fields_abbreviations():
    synonyms = Synonyms.parse(read_synonyms_text(None), analyse)
    assert synonyms.problems == ()
    assert "socialøkonomisk virksomhed" in synonyms.of(analyse("SØV"))
    assert "registreret socialøkonomisk virksomhed" in synonyms.of(analyse("RSV"))
    assert "flexjob" in synonyms.of(analyse("fleksjob"))


@pytest.mark.parametrize(("query", "expected"), [
    ("SØV", {"soev", "long", "plural", "registered"}),
    ("soev", {"soev", "long", "plural", "registered"}),
    ("socialøkonomisk virksomhed", {"soev", "long", "plural", "registered"}),
    ('"socialøkonomiske virksomheder"', {"soev", "long", "plural", "registered"}),
    ("RSV", {"rsv", "registered"}),
    ("registreret socialøkonomisk virksomhed", {"rsv", "registered"}),
    ("flexjob", {"flex", "fleks"}),   # "Fleksjobordningen": a rebuild learned "fleksjob"
    ("fleksjob", {"flex", "fleks"}),
])
def test_a_search_for_one_entry_finds_the_others(engine, query, expected):
    assert ids(engine, query) == expected


def test_words_of_an_entry_alone_mean_only_themselves(engine):
    # "virksomhed" is part of an entry but no entry: it does not bring in "SØV" or "RSV".
    assert ids(engine, "virksomhed") == {"long", "plural", "registered", "apart"}
    assert "soev" not in ids(engine, "socialøkonomisk")


def test_entry_words_with_other_words_still_need_them(engine):
    assert ids(engine, "SØV havnen") == {"long"}
    assert ids(engine, "socialøkonomisk virksomhed Nørresundby") == {"soev"}


def test_the_operators_file_is_read_at_query_time(engine, tmp_path, monkeypatch):
    own = tmp_path / "synonyms.txt"
    own.write_text("café, kaffebar\n", encoding="utf-8")
    monkeypatch.setenv(ENVIRONMENT, str(own))
    assert ids(engine, "kaffebar") == {"rsv", "registered"}
    assert ids(engine, "RSV") == {"rsv"}  # the shipped groups are replaced
    own.write_text("café, kaffebar\nRSV, registreret socialøkonomisk virksomhed\n",
                   encoding="utf-8")
    os.utime(own, ns=(1, 1))  # a changed file, even within the clock's resolution
    assert ids(engine, "RSV") == {"rsv", "registered"}


def test_an_unreadable_file_keeps_the_last_good_synonyms(engine, tmp_path, monkeypatch):
    own = tmp_path / "synonyms.txt"
    own.write_text("café, kaffebar\n", encoding="utf-8")
    monkeypatch.setenv(ENVIRONMENT, str(own))
    assert ids(engine, "kaffebar") == {"rsv", "registered"}
    own.unlink()
    assert ids(engine, "kaffebar") == {"rsv", "registered"}


def test_rebuild_learns_the_words_and_names_a_missing_file(tmp_path, monkeypatch):
    assert {"fleksjob", "flexjob", "SØV"} <= synonym_words()
    monkeypatch.setenv(ENVIRONMENT, str(tmp_path / "missing.txt"))
    with pytest.raises(SynonymsUnreadable, match="missing.txt"):
        synonym_words()
    with pytest.raises(SynonymsUnreadable):
        index_documents(DOCUMENTS[:1], tmp_path / "index")
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_unreadable_synonyms_are_one_clear_cli_error(tmp_path: Path, monkeypatch):
    from soev_search.cli import main

    monkeypatch.setenv(ENVIRONMENT, str(tmp_path / "missing.txt"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Titel\n\nEn kantine.", encoding="utf-8")
    assert main(["rebuild", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]) != 0


@pytest.mark.parametrize(("query", "doc_id", "marked"), [
    ("SØV", "long", ["socialøkonomisk", "virksomhed"]),
    ("socialøkonomiske virksomheder", "soev", ["SØV"]),
    ("flexjob", "fleks", ["Fleksjobordningen"]),  # the compound holding the synonym
])
def test_snippets_mark_the_synonyms_searched(engine, query, doc_id, marked):
    import re

    result = engine.search(SearchRequest(query, per_page=100))
    snippet = next(hit.snippet for hit in result.hits if hit.id == doc_id)
    assert re.findall(r"<mark>(.*?)</mark>", snippet) == marked
