"""The Danish analyzer: folding, stemming, stop words, hyphens, compounds."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soev_search.analysis import (
    DanishAnalyzer,
    Decompounder,
    Vocabulary,
    fold,
    part_counts,
    raw_words,
    stem,
    words,
)

# Standalone words as a corpus would have them (each twice, so they are learned).
CORPUS = """
aftale aftalen partnerskaber partnerskabet kantine kantinen drift driften indkøb indkøbet
ordning ordningen rand randen ring ringe virke virker skole skolen møbler møblerne
""" * 2


@pytest.fixture(scope="module")
def analyzer() -> DanishAnalyzer:
    return DanishAnalyzer(Vocabulary.learn(part_counts(Counter(raw_words(CORPUS)))))


def index_terms(analyzer: DanishAnalyzer, text: str) -> set[str]:
    return set(analyzer.terms(text, index=True))


def query_terms(analyzer: DanishAnalyzer, text: str) -> list[str]:
    return analyzer.terms(text, index=False)


@pytest.mark.parametrize("spelling", ["socialoekonomi", "socialokonomi", "SOCIALØKONOMI",
                                      "Socialøkonomi"])
def test_four_spellings_of_oe_become_one_term(analyzer, spelling):
    assert query_terms(analyzer, spelling) == query_terms(analyzer, "socialøkonomi")


@pytest.mark.parametrize(("plain", "danish"), [("aarhus", "Århus"), ("vaerksted", "værksted"),
                                               ("Hilleroed", "Hillerød"), ("cafe", "café")])
def test_ascii_spellings_meet_the_danish_letters(analyzer, plain, danish):
    assert query_terms(analyzer, plain) == query_terms(analyzer, danish)


def test_fold_is_idempotent():
    for word in ("socialoekonomi", "øoe", "ooee", "æblegrød", "Århus"):
        assert fold(fold(word.lower())) == fold(word.lower())


@pytest.mark.parametrize("form", ["virksomheder", "virksomhederne", "virksomhedernes",
                                  "virksomhedens"])
def test_inflections_share_the_stem_of_the_singular(analyzer, form):
    assert query_terms(analyzer, form) == query_terms(analyzer, "virksomhed")


def test_different_words_keep_different_stems(analyzer):
    assert query_terms(analyzer, "kommune") != query_terms(analyzer, "kantine")
    assert query_terms(analyzer, "Randers") != query_terms(analyzer, "rand")


def test_stop_words_are_dropped(analyzer):
    assert query_terms(analyzer, "og i på at være også") == []
    assert query_terms(analyzer, "kantinen og driften") == ["kantin", "drift"]


def test_digits_and_danish_letters_stay_in_words():
    assert [w.text for w in words("Budget 2017-2020 for Ærø, kl. 10")] == [
        "Budget", "2017", "2020", "for", "Ærø", "kl", "10"]


def test_hyphenated_word_yields_pieces_and_at_index_time_the_joined_word(analyzer):
    tokens = list(analyzer.tokens("e-mail adresse", index=True))
    assert [(t.text, t.position) for t in tokens] == [
        ("e", 0), ("mail", 1), ("email", 0), (stem("adresse"), 2)]
    assert query_terms(analyzer, "e-mail") == ["e", "mail"]


def test_character_spans_point_at_the_word(analyzer):
    text = "Den nye Kantinedriften åbner"
    for token in analyzer.tokens(text):
        assert token.text in index_terms(analyzer, text[token.start:token.end])


@pytest.mark.parametrize(("compound", "part"), [
    ("partnerskabsaftale", "aftale"),
    ("Partnerskabsaftalens", "partnerskab"),
    ("Partnerskabsaftalens", "aftalen"),
    ("kantinedriften", "kantine"),
    ("kantinedriften", "drift"),
    ("indkøbsordningen", "indkøb"),
    ("indkøbsordningen", "ordning"),
    ("skolemøbler", "skole"),
])
def test_a_compound_is_found_by_its_parts(analyzer, compound, part):
    [term] = query_terms(analyzer, part)
    assert term in index_terms(analyzer, compound)


def test_compound_parts_share_the_compound_position(analyzer):
    tokens = list(analyzer.tokens("ny partnerskabsaftale nu", index=True))
    assert {t.position for t in tokens if t.text in ("partnerskab", "aftal")} == {1}


def test_the_query_side_does_not_split(analyzer):
    assert query_terms(analyzer, "partnerskabsaftale") == ["partnerskabsaftal"]


@pytest.mark.parametrize(("word", "unrelated"), [
    ("strand", "rand"),
    ("indkøbsordning", "ring"),
    ("virksomhed", "virke"),
    ("partnerskab", "skab"),
    ("aftale", "tale"),
    ("Frederikshavn", "havn"),
])
def test_unrelated_words_are_not_parts(analyzer, word, unrelated):
    assert not set(query_terms(analyzer, unrelated)) & index_terms(analyzer, word)


def test_words_not_in_the_vocabulary_are_not_split():
    empty = Decompounder(Vocabulary())
    assert empty.split("partnerskabsaftale") == ()


def test_rare_words_are_not_learned():
    vocabulary = Vocabulary.learn(part_counts(Counter(raw_words("kantine kantine xylofon"))))
    assert "kantine" in vocabulary
    assert "xylofon" not in vocabulary  # once in the corpus, and not in the lexicon
    assert stem("kantinen") in vocabulary.stems


# --- the shipped lexicon and stem families ----------------------------------------------------

def lexicon_only() -> Decompounder:
    """What a corpus of no words at all would split with: the shipped lexicon alone."""
    return Decompounder(Vocabulary.lexicon())


@pytest.mark.parametrize(("compound", "parts"), [
    ("markedsvilkår", ("markedsvilkår", "marked", "vilkår")),
    ("uddannelsesindsatsen", ("uddannelsesindsats", "uddannelse", "indsats")),
    ("beskæftigelsesindsats", ("beskæftigelsesindsats", "beskæftigelse", "indsats")),
])
def test_the_lexicon_splits_compounds_no_corpus_taught(compound, parts):
    analyzer = DanishAnalyzer()  # no vocabulary given: the lexicon
    assert set(analyzer.terms(compound)) == {stem(fold(part)) for part in parts}


@pytest.mark.parametrize("word", ["deportering", "betaling", "strand", "indkøbsordning",
                                  "sekundært", "Frederikshavn", "virksomhed"])
def test_the_lexicon_does_not_split_words_at_endings_or_names(word):
    parts = lexicon_only().split(fold(word.lower()))
    assert not {"ring", "ling", "rand", "havn", "aert", "somhed"} & set(parts)


def test_learned_vocabulary_includes_the_lexicon():
    vocabulary = Vocabulary.learn(Counter())
    assert "vilkår" not in raw_words("") and fold("vilkår") in vocabulary
    assert len(vocabulary) == len(Vocabulary.lexicon()) > 5_000


@pytest.mark.parametrize("family", [
    ("socialøkonomi", "socialøkonomien", "socialøkonomisk", "socialøkonomiske"),
    ("økologi", "økologisk", "økologiske"),
    ("politik", "politikken", "politisk", "politiske"),
    ("strategi", "strategien", "strategisk"),
    ("indsats", "indsatsen", "indsatser"),
    ("café", "caféen", "caféer"),
])
def test_derivations_users_treat_as_one_word_share_a_stem(family):
    assert len({stem(fold(word)) for word in family}) == 1


@pytest.mark.parametrize(("word", "other"), [
    ("politisk", "politi"),   # police is not politics
    ("nordisk", "nord"),      # no -i/-ik noun the lexicon knows: left alone
    ("økonomisk", "økonom"),  # the economist is another word
])
def test_stem_families_stay_apart_from_other_words(word, other):
    assert stem(fold(word)) != stem(fold(other))


TRICKY_TEXTS = [
    "Socialøkonomiske virksomheder i Randers og partnerskabsaftalen om kantinedrift.",
    "e-mail til COVID-19-ramte fleks-job-ordninger -- og - ord- -ord a-b-c-d-e",
    "Det er en af de og i som, der: 2018 ... 12,5 % (ca.) Hillerød/Hilleroed Aarhus' æøå ÆØÅ",
    "",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_term_positions_are_the_index_spans_grouped_by_term(text):
    analyzer = DanishAnalyzer(Vocabulary.learn(part_counts(Counter(raw_words(CORPUS)))))
    grouped: dict[str, list[int]] = {}
    for term, position, _, _ in analyzer.spans(text, index=True):
        grouped.setdefault(term, []).append(position)
    assert analyzer.term_positions(text) == grouped
    assert list(analyzer.term_positions(text)) == list(grouped)  # first-seen order too


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcæøå ÆØÅ-–.,'0123456789\n", max_size=80))
def test_term_positions_agree_with_spans_on_any_text(text):
    analyzer = DanishAnalyzer()
    grouped: dict[str, list[int]] = {}
    for term, position, _, _ in analyzer.spans(text, index=True):
        grouped.setdefault(term, []).append(position)
    assert analyzer.term_positions(text) == grouped
