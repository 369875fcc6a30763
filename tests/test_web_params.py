"""Request parameters → SearchRequest: defaults, repeated values, bounds, wrong types."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from soev_search import settings
from soev_search.results import SearchRequest
from soev_search.web.params import (
    ParamError,
    parse_search_request,
    request_to_params,
)

LIMITS = settings.current()
MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS = (LIMITS.max_page, LIMITS.max_per_page,
                                           LIMITS.max_query_chars)


def parse(pairs: list[tuple[str, str]]) -> SearchRequest:
    return parse_search_request(MultiDict(pairs))


def test_empty_parameters_give_the_default_request() -> None:
    assert parse([]) == SearchRequest()


def test_repeated_parameters_are_multiple_values_and_blank_ones_are_ignored() -> None:
    request = parse([("q", "  strategi "), ("municipality", "Aalborg"), ("municipality", ""),
                     ("municipality", "Silkeborg"), ("year", "2018"), ("year", "2017"),
                     ("doctype", "notat"), ("language", "da"), ("sort", "date"),
                     ("page", "3"), ("per_page", "25"), ("unknown", "ignored")])
    assert request == SearchRequest(
        query="strategi", municipality=("Aalborg", "Silkeborg"), year=(2018, 2017),
        doctype=("notat",), language=("da",), sort="date", page=3, per_page=25)


def test_duplicate_values_count_once() -> None:
    assert parse([("year", "2018"), ("year", "2018")]).year == (2018,)


@pytest.mark.parametrize("pairs", [
    [("page", "abc")], [("page", "0")], [("page", str(MAX_PAGE + 1))], [("page", "-1")],
    [("page", "1" * 5000)], [("page", "١")],  # an Arabic-Indic digit is not ASCII
    [("per_page", "0")], [("per_page", str(MAX_PER_PAGE + 1))], [("per_page", "2.5")],
    [("year", "xx")], [("year", "18")], [("year", "99999")],
    [("sort", "foo")], [("doctype", "roman")], [("language", "dansk")],
    [("q", "x" * (MAX_QUERY_CHARS + 1))], [("municipality", "y" * 101)],
    [("municipality", str(n)) for n in range(21)],
])
def test_wrong_values_raise_a_danish_param_error(pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(ParamError) as caught:
        parse(pairs)
    assert str(caught.value)  # a message to show


def test_a_query_at_the_limit_is_accepted() -> None:
    assert len(parse([("q", "x" * MAX_QUERY_CHARS)]).query) == MAX_QUERY_CHARS


def test_request_to_params_round_trips_and_leaves_defaults_out() -> None:
    request = SearchRequest(query="fleksjob", municipality=("Roskilde",), year=(2018,),
                            sort="date", page=2)
    params = request_to_params(request)
    assert params == {"q": "fleksjob", "municipality": ["Roskilde"], "year": [2018],
                      "sort": "date", "page": 2}
    pairs = [(k, str(v)) for k, values in params.items()
             for v in (values if isinstance(values, list) else [values])]
    assert parse(pairs) == request
    assert request_to_params(SearchRequest()) == {}


def test_request_to_params_applies_changes() -> None:
    request = SearchRequest(query="a", page=4)
    assert request_to_params(request, page=1, doctype=("notat",)) == {
        "q": "a", "doctype": ["notat"]}
