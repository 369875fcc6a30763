"""Snippets: passages chosen by score, repeated text avoided, the question an answer answers,
and everything escaped. The first tests search a real index of the bundled sample corpus;
the others score hand-written texts with the real Danish analyzer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from soev_search.analysis import DanishAnalyzer
from soev_search.document import Section
from soev_search.highlight import Highlighter, highlighter_for, section_label
from soev_search.index import rebuild
from soev_search.query import parse
from soev_search.results import Hit, SearchRequest, label_with_separator
from soev_search.search import SearchEngine
from soev_search.synonyms import Synonyms

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
INTRO = ("Hvordan er status for kommunernes arbejde med socialøkonomi?",
         "Det spørgsmål stiller vi skarpt på i en række artikler i nyhedsbrevet.")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> SearchEngine:
    index_dir = tmp_path_factory.mktemp("highlight") / "index"
    rebuild(BUNDLED_CORPUS, index_dir)
    return SearchEngine(index_dir)


def status_hits(engine: SearchEngine, query: str) -> dict[str, Hit]:
    hits = engine.search(SearchRequest(query, doctype=("artikel",))).hits
    return {hit.municipality: hit for hit in hits}


def plain(snippet: str) -> str:
    return re.sub(r"</?mark>", "", snippet).replace("&quot;", '"')


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def test_the_status_articles_get_four_different_passages_none_the_shared_introduction(sample):
    hits = status_hits(sample, "socialøkonomi")
    assert set(hits) == {"Aalborg", "Jammerbugt", "Roskilde", "Silkeborg"}
    snippets = [plain(hit.snippet) for hit in hits.values()]
    assert len(set(snippets)) == 4
    for municipality, hit in hits.items():
        text = plain(hit.snippet)
        assert not any(sentence in text for sentence in INTRO), municipality
        assert not text.strip(" …").startswith(hit.title), municipality  # not the title line
        assert marked(hit.snippet), municipality
        assert any(word.lower().startswith("socialøkonom") for word in marked(hit.snippet))
        # the body says it: the body is chosen, not even the intro's template sentence
        assert "Her har vi stillet" not in text, municipality


def test_a_word_found_only_in_the_introduction_still_gets_the_introduction(sample):
    hits = status_hits(sample, "nyhedsbrevet")
    assert len(hits) == 4
    for hit in hits.values():
        assert INTRO[1].replace("nyhedsbrevet", "<mark>nyhedsbrevet</mark>") in hit.snippet
        assert hit.snippet_section is None


def test_a_snippet_from_an_answer_names_its_question(sample):
    [hit] = sample.search(SearchRequest("kantinedriften")).hits
    assert hit.municipality == "Silkeborg"
    assert hit.snippet_section == "Bruges strategien aftalen aktivt?"
    assert marked(hit.snippet) == ["kantinedriften"]
    # a question too long for a label is cut at a word; its aside is dropped
    hits = status_hits(sample, "fleksjob")
    assert hits["Silkeborg"].snippet_section == "Hvad ønsker kommunen at opnå gennem en …"
    assert all(len(hit.snippet_section or "") <= 50 for hit in hits.values())


def test_the_label_gets_a_colon_only_when_its_section_has_no_end_of_its_own(sample):
    [hit] = sample.search(SearchRequest("kantinedriften")).hits
    assert hit.snippet_label == "Bruges strategien aftalen aktivt?"
    assert status_hits(sample, "fleksjob")["Silkeborg"].snippet_label == (
        "Hvad ønsker kommunen at opnå gennem en …")
    assert [label_with_separator(s) for s in ("Formål", "Formål:", "Status.", "", None)] == [
        "Formål:", "Formål:", "Status.", None, None]


def test_the_notes_snippet_has_no_section(sample):
    hits = sample.search(SearchRequest("socialøkonomi", doctype=("notat",))).hits
    assert [hit.snippet_section for hit in hits] == [None]
    assert "<mark>" in hits[0].snippet


def test_without_a_matching_word_the_opening_skips_the_title_and_repeated_text(sample):
    hits = sample.search(SearchRequest("", doctype=("artikel",))).hits
    assert len(hits) == 4
    for hit in hits:
        text = plain(hit.snippet)
        assert text and not any(sentence in text for sentence in INTRO)
        assert not text.startswith(hit.title)


# --- scoring, on hand-written texts -------------------------------------------------------


@pytest.fixture(scope="module")
def analyzer() -> DanishAnalyzer:
    return DanishAnalyzer()


def highlighter(analyzer: DanishAnalyzer, query: str, **weights: float) -> Highlighter:
    return Highlighter(analyzer, analyzer.terms(query, index=False), weights=weights)


def test_distinct_words_weigh_more_than_repeats(analyzer):
    text = ("Fleksjob, fleksjob og atter fleksjob fylder det hele her i kommunens plan. "
            "Vi skriver om helt andre ting i denne sætning, om vejret. "
            "Her arbejder fleksjob og frivillige side om side i caféen.")
    snippet = highlighter(analyzer, "fleksjob frivillige").snippet(text, length=90).html
    assert plain(snippet) == "… Her arbejder fleksjob og frivillige side om side i caféen."


def test_rare_words_weigh_more_than_common_ones(analyzer):
    text = ("Kommunen har mange planer for de kommende år og flere udvalg. "
            "Der er også noget om vejret i en lang sætning her. "
            "En kantinedrift er startet i rådhuset.")
    query = "kommunen kantinedrift"
    rare = highlighter(analyzer, query, kommun=0.1, kantinedrift=5.0).snippet(text, 60).html
    common = highlighter(analyzer, query, kommun=5.0, kantinedrift=0.1).snippet(text, 70).html
    assert marked(rare) == ["kantinedrift"]
    assert marked(common) == ["Kommunen"]


def test_words_close_together_weigh_more(analyzer):
    text = ("Kantinen ligger i stueetagen, og langt nede i teksten om alt muligt andet står "
            "der til sidst noget om fleksjob. Her er en sætning uden noget. "
            "Kantinen giver fleksjob til seks borgere hvert år i byen.")
    snippet = plain(highlighter(analyzer, "kantine fleksjob").snippet(text, length=150).html)
    assert "Kantinen giver fleksjob til seks borgere" in snippet
    assert "langt nede" not in snippet


def test_context_passages_are_marked_too(analyzer):
    # too long to be the second passage (it would need room for " … "), short enough to
    # follow the best one as its context
    text = "Kantinen er ny, kantinen er stor. Her er en kantine."
    snippet = highlighter(analyzer, "kantine").snippet(text, length=53).html
    assert plain(snippet) == text
    assert marked(snippet) == ["Kantinen", "kantinen", "kantine"]


def test_the_best_two_passages_are_shown_in_document_order(analyzer):
    text = ("Caféen har åbent hver dag. Der er frivillige i caféen om lørdagen. "
            "Vejret var godt. Fleksjob og frivillige i caféen: mange frivillige.")
    snippet = highlighter(analyzer, "frivillige caféen").snippet(text, length=200).html
    assert plain(snippet) == ("… Der er frivillige i caféen om lørdagen. … "
                              "Fleksjob og frivillige i caféen: mange frivillige.")


def test_repeated_text_and_the_title_line_lose_to_any_other_match(analyzer):
    title = "Kantinen i Aalborg"
    shared = "Kantinen er et fælles emne for alle kantiner i kantinernes nyhedsbrev."
    text = f"{title}\n\n{shared}\n\nI år fik kantinen nye borde."
    copied = {shared: 1.0}
    snippet = highlighter(analyzer, "kantine").snippet(
        text, title=title, repetition=lambda passage: copied.get(passage, 0.0)).html
    assert plain(snippet) == "… I år fik kantinen nye borde."
    alone = highlighter(analyzer, "nyhedsbrev").snippet(
        text, title=title, repetition=lambda passage: copied.get(passage, 0.0)).html
    # the repeated sentence, and the document's own sentence after it to tell it apart
    assert plain(alone) == f"… {shared} I år fik kantinen nye borde."


def test_a_lone_passage_gets_its_own_neighbours_as_context_while_they_fit(analyzer):
    text = ("Fælles indledning for alle. Sætning før. Kantinen åbnede i maj. Sætning efter. "
            "En meget lang sætning til sidst, som slet ikke kan være med i uddraget her.")
    shared = {"Fælles indledning for alle.": 1.0}
    snippet = highlighter(analyzer, "kantine").snippet(
        text, length=70, repetition=lambda passage: shared.get(passage, 0.0)).html
    assert plain(snippet) == "… Sætning før. Kantinen åbnede i maj. Sætning efter. …"
    short = highlighter(analyzer, "kantine").snippet(text, length=30).html
    assert plain(short) == "… Kantinen åbnede i maj. …"


def test_a_lone_passage_is_followed_by_as_much_of_the_next_sentence_as_fits(analyzer):
    text = ("Kantinen åbnede i maj. En lang sætning efter med mange ord om alt muligt andet "
            "her i byen og omegnen.")
    snippet = plain(highlighter(analyzer, "kantine").snippet(text, length=80).html)
    assert snippet == ("Kantinen åbnede i maj. En lang sætning efter med mange ord om alt muligt "
                       "andet …")
    assert len(snippet) <= 80 + len(" …")


def test_a_word_found_only_in_the_title_line_gets_the_opening_without_the_title(analyzer):
    title = "Kantinen i Aalborg"
    text = f"{title}\n\nBorgerne spiser frokost hver dag. Der er åbent for alle."
    snippet = highlighter(analyzer, "kantine").snippet(text, title=title).html
    assert plain(snippet) == "… Borgerne spiser frokost hver dag. Der er åbent for alle."


def test_the_section_is_the_question_the_passage_answers(analyzer):
    sections = [Section("Har I en strategi?", "Ja, en strategi for 2020."),
                Section("Hvor mange frivillige (ca.)?", "Der er 30 frivillige.")]
    text = ("Indledning om strategi.\n\nHar I en strategi?\nJa, en strategi for 2020.\n\n"
            "Hvor mange frivillige (ca.)?\nDer er 30 frivillige.")
    hl = highlighter(analyzer, "frivillige")
    found = hl.snippet(text, sections=sections, repetition=lambda p: 1.0 if "?" in p else 0.0)
    assert found.section == "Hvor mange frivillige?"
    assert plain(found.html) == "Der er 30 frivillige."  # the answer's start: no "…"
    intro = highlighter(analyzer, "indledning").snippet(text, sections=sections)
    assert intro.section is None


def test_section_labels_are_short():
    assert section_label("Bruges strategien aftalen aktivt?") == "Bruges strategien aftalen aktivt?"
    assert section_label("Hvor mange er registrerede socialøkonomiske virksomheder? (og hvor "
                         "mange jobs har de skabt til udsatte?)") == (
        "Hvor mange er registrerede socialøkonomiske …")


def test_everything_but_the_marks_is_escaped_wherever_the_passage_comes_from(analyzer):
    title = "<script>alert('titel')</script>"
    text = (f"{title}\n\nOm kantine <script>alert('x')</script> & <b>fed</b> \"citat\".\n\n"
            "Kantine <img src=x onerror=alert(1)> igen.")
    for repeated in (0.0, 1.0):
        snippet = highlighter(analyzer, "kantine alert").snippet(
            text, title=title, repetition=lambda passage, r=repeated: r).html
        assert "<script" not in snippet and "<img" not in snippet and "<b>" not in snippet
        assert re.sub(r"</?mark>", "", snippet).count("<") == 0
        assert "&lt;" in snippet


def test_a_prefix_counts_as_one_word_whether_it_matched_as_typed_or_stemmed(analyzer):
    hl = highlighter_for(analyzer, parse("beskæftigelse*").tree)
    assert hl.keys("beskæftigelsesindsatsen") == hl.keys("beskæftigelse") == {"beskaeftigelse"}
    assert hl.keys("kantine") == frozenset()


def test_a_multi_word_synonyms_words_are_marked_only_as_that_phrase():
    analyzer = DanishAnalyzer()
    synonyms = Synonyms.parse("socialøkonomi, social økonomi\n",
                              lambda text: analyzer.terms(text, index=False))
    highlighter = highlighter_for(analyzer, parse("socialøkonomi").tree, synonyms)
    text = ("Sociale tilbud og socialvirksomhed; social økonomi i kommunen, "
            "socialøkonomi og økonomi.")
    assert marked(highlighter.mark(text)) == ["social", "økonomi", "socialøkonomi"]
    # typed as words, each word is itself a query word and marked wherever it occurs
    typed = highlighter_for(analyzer, parse("social økonomi").tree, synonyms)
    assert marked(typed.mark(text)) == ["Sociale", "socialvirksomhed", "social", "økonomi",
                                        "socialøkonomi", "økonomi"]


def test_socialoekonomi_marks_no_lone_social_in_the_corpus(sample):
    # Hillerød writes "sociale økonomiske virksomheder": the synonym as a phrase, marked
    phrase = re.compile(r"<mark>sociale</mark> <mark>økonomiske</mark>", re.IGNORECASE)
    for query in ("socialøkonomi", "socialøkonomi kantine cykel fleksjob"):
        words = {word.lower() for hit in sample.search(SearchRequest(query)).hits
                 for word in marked(phrase.sub("", hit.snippet))}
        assert words and not words & {"social", "sociale", "socialservice",
                                      "socialvirksomhed", "økonomiske"}, (query, words)
