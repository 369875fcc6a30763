"""The shipped data files, read as importlib.resources would read them."""

from __future__ import annotations

from importlib.resources import files

import pytest

from soev_search.package_data import read_text


@pytest.mark.parametrize("name", ["lexicon.tsv", "municipalities.tsv", "synonyms.txt"])
def test_a_shipped_file_reads_as_the_package_resource(name):
    text = read_text(name)
    assert text.strip()
    assert text == files("soev_search").joinpath("data", name).read_text(encoding="utf-8")


def test_a_missing_file_is_an_error_not_an_empty_text():
    with pytest.raises(FileNotFoundError):
        read_text("no-such-file.tsv")
