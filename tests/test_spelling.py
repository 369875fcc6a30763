"""The per-build word list behind "did you mean" and typeahead."""

from __future__ import annotations

from soev_search.spelling import SpellingWords, surface_words


def test_surface_words_are_lower_cased_letters_only_and_distinct():
    assert surface_words("Kantine kantine i 2019, KANTINEDRIFT og e-mail") == {
        "kantine", "kantinedrift", "mail"}


def test_within_finds_close_words_sharing_the_first_letter():
    words = SpellingWords()
    words.add(["socialøkonomi", "socialøkonomisk", "kantine", "rocialøkonomi"])
    assert set(words.within("socialøkonmi", 1, prefix=1)) == {"socialøkonomi"}
    assert set(words.within("socialøkonmi", 2, prefix=1)) == {"socialøkonomi"}
    assert set(words.within("socialøkonomiks", 2, prefix=1)) == {
        "socialøkonomi", "socialøkonomisk"}
    assert list(words.within("xyz", 2, prefix=1)) == []


def test_counts_documents_and_forgets_removed_ones(tmp_path):
    words = SpellingWords()
    words.add({"kantine", "drift"})
    words.add({"kantine"})
    words.remove({"kantine", "drift"})
    assert (words.frequency("kantine"), words.frequency("drift")) == (1, 0)
    assert list(words.within("drift", 1)) == []

    words.save(tmp_path)
    assert dict(SpellingWords.load(tmp_path).items()) == {"kantine": 1}
    assert dict(SpellingWords.load(tmp_path / "missing").items()) == {}
