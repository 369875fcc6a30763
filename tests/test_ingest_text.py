"""Plain-text normalisation: the quick path for clean text gives what the full pass gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from soev_search.ingest.text import _normalize_lines, normalize_text

# Every kind of character the normalisation treats specially, and ordinary ones.
TRICKY = "ab \n\r\f\t\v\x1c\x85\u00a0\u2002\u2028\u200b\u00ad\ufeff\u3000é"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=TRICKY, max_size=30))
def test_normalize_text_is_the_line_by_line_pass_on_any_text(text):
    assert normalize_text(text) == _normalize_lines(text)


def test_clean_and_unclean_text():
    assert normalize_text("Titel\n\nEn linje.\nTo linjer.\n") == "Titel\n\nEn linje.\nTo linjer."
    unclean = " Titel \r\n\r\n\r\n\r\nEn\u00a0 linje.\u200b\t\n"
    assert normalize_text(unclean) == "Titel\n\nEn linje."
