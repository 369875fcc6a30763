"""Year ranges: `year:2017..2019` in the query language, `year_from`/`year_to` in the library,
the API, OpenAPI and the CLI, disjunctive facet counts, and documents without a year (left out
of a closed range, kept by an open one)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search.document import FIGURE_KEYS, Document
from soev_search.filters import ValueRange, filter_named
from soev_search.index import index_documents
from soev_search.query import NOTICE_MALFORMED, Range, parse
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine

YEARS = {"a2015": 2015, "b2016": 2016, "c2017": 2017, "d2017": 2017, "e2018": 2018,
         "f2019": 2019, "g2020": 2020, "undated": None}


def doc(doc_id: str, year: int | None) -> Document:
    municipality = "Aalborg" if doc_id in ("c2017", "e2018", "undated") else "Odense"
    return Document(id=doc_id, path=f"{doc_id}.txt", title=f"Kantine {doc_id}",
                    text=f"Kommunens kantine drives som socialøkonomisk virksomhed ({doc_id}).",
                    source="text", content_hash=doc_id, figures=dict.fromkeys(FIGURE_KEYS),
                    municipality=municipality, year=year,
                    date=None if year is None else str(year), doctype="notat")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    index_dir = tmp_path_factory.mktemp("years") / "index"
    index_documents([doc(doc_id, year) for doc_id, year in YEARS.items()], index_dir)
    return SearchEngine(index_dir)


def ids(engine: SearchEngine, query: str = "", **fields) -> set[str]:
    result = engine.search(SearchRequest(query=query, per_page=100, **fields))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


def between(low: int | None, high: int | None, undated: bool) -> set[str]:
    return {d for d, y in YEARS.items()
            if (y is None and undated)
            or (y is not None and (low is None or y >= low) and (high is None or y <= high))}


def test_value_range_contains() -> None:
    closed, from_2017, to_2017 = ValueRange(2016, 2018), ValueRange(2017), ValueRange(None, 2017)
    assert [closed.contains(v) for v in ("2015", "2016", "2018", "2019")] == [
        False, True, True, False]
    assert not closed.contains("")  # no year: not counted in a closed range
    assert from_2017.contains("") and to_2017.contains("")  # kept by an open one
    assert not from_2017.contains("2016") and not to_2017.contains("2018")
    assert [str(r) for r in (closed, from_2017, to_2017)] == ["2016..2018", "2017..", "..2017"]


@pytest.mark.parametrize(("text", "low", "high"), [
    ("year:2017..2019", 2017, 2019), ("år:2017..", 2017, None), ("aar:..2019", None, 2019),
    ("year:2017..2017", 2017, 2017),
])
def test_query_language_parses_ranges(text: str, low: int | None, high: int | None) -> None:
    parsed = parse(text)
    assert parsed.notice is None
    assert parsed.tree == Range("year", ValueRange(low, high))


@pytest.mark.parametrize("text", ["year:2019..2017", "year:..", "year:abc..2019",
                                  "year:1800..1850", "year:2017...2019"])
def test_a_bad_range_is_searched_as_words_with_a_notice(text: str) -> None:
    assert parse(text).notice == NOTICE_MALFORMED


@pytest.mark.parametrize(("low", "high"), [(2016, 2018), (2017, None), (None, 2017),
                                           (2017, 2017), (2030, None)])
def test_request_range_and_query_range_agree(engine: SearchEngine, low: int | None,
                                             high: int | None) -> None:
    expected = between(low, high, undated=low is None or high is None)
    assert ids(engine, year_from=low, year_to=high) == expected
    written = f"year:{'' if low is None else low}..{'' if high is None else high}"
    assert ids(engine, written) == expected
    assert ids(engine, f"kantine {written}") == expected  # with words, ranked


def test_range_combines_with_other_filters_and_year_values(engine: SearchEngine) -> None:
    assert ids(engine, year_from=2016, year_to=2019, municipality=("Aalborg",)) == {
        "c2017", "e2018"}
    assert ids(engine, year_from=2017, municipality=("Aalborg",)) == {
        "c2017", "e2018", "undated"}
    # a year chosen as a value and a range on the same facet: both must hold
    assert ids(engine, year=(2016, 2017), year_from=2017, year_to=2019) == {"c2017", "d2017"}


def test_year_facet_counts_ignore_the_range(engine: SearchEngine) -> None:
    everything = engine.search(SearchRequest())
    ranged = engine.search(SearchRequest(year_from=2017, year_to=2018))
    assert ranged.total == 3
    # the year facet counts as if no year filter were set, so the range can be widened ...
    assert ranged.facets["year"] == everything.facets["year"]
    # ... while the other facets count only what the range lets through
    assert {v.value: v.count for v in ranged.facets["municipality"]} == {
        "Aalborg": 2, "Odense": 1}


def test_result_says_how_many_documents_have_no_year(engine: SearchEngine) -> None:
    kept = engine.search(SearchRequest(year_from=2019))
    left_out = engine.search(SearchRequest(year_from=2015, year_to=2020))
    assert "undated" in {hit.id for hit in kept.hits}
    assert kept.without_value["year"] == left_out.without_value["year"] == 1
    assert left_out.total == len(YEARS) - 1
    assert engine.search(SearchRequest(municipality=("Odense",))).without_value["year"] == 0


def test_ranges_page_and_cache_apart(engine: SearchEngine) -> None:
    # the same words under different ranges: each answer its own (rankings are cached)
    first = ids(engine, "kantine", year_from=2015, year_to=2016)
    second = ids(engine, "kantine", year_from=2019, year_to=2020)
    assert first == {"a2015", "b2016"} and second == {"f2019", "g2020"}
    paged = engine.search(SearchRequest(query="kantine", year_from=2016, per_page=2, page=2))
    assert paged.total == 7 and len(paged.hits) == 2  # 2016 on, and the undated one


def test_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="slutning"):
        filter_named("year").value_range(2019, 2017)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "soev_search.cli", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_year_from_and_to(engine: SearchEngine) -> None:
    index = str(engine.index_dir)
    found = cli("search", "", "--year-from", "2017", "--year-to", "2018", "--json",
                "--limit", "100", "--index", index)
    assert found.returncode == 0, found.stderr
    assert {hit["id"] for hit in json.loads(found.stdout)["hits"]} == between(2017, 2018, False)
    open_end = cli("search", "kantine", "--year-to", "2016", "--json", "--index", index)
    assert {hit["id"] for hit in json.loads(open_end.stdout)["hits"]} == {
        "a2015", "b2016", "undated"}
    reversed_range = cli("search", "", "--year-from", "2019", "--year-to", "2017",
                         "--index", index)
    assert reversed_range.returncode != 0 and "2019" in reversed_range.stderr
    bad = cli("search", "", "--year-from", "tyve", "--index", index)
    assert bad.returncode != 0 and "tyve" in bad.stderr


def test_readme_says_what_happens_to_documents_without_a_year() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "without a year" in readme and "2017..2019" in readme


# The web, over the web test corpus (years 2017 and 2018, and two documents without a year).

def web_ids(client, **params) -> set[str]:
    body = client.get("/api/search", query_string={"per_page": 100, **params}).get_json()
    return {hit["id"] for hit in body["hits"]}


def library_ids(app, **fields) -> set[str]:
    from soev_search.web.context import engine as web_engine
    with app.app_context():
        result = web_engine().search(SearchRequest(per_page=100, **fields))
    return {hit.id for hit in result.hits}


def test_api_year_from_and_to(app, client) -> None:
    closed = web_ids(client, year_from=2018, year_to=2018)
    assert closed == library_ids(app, year=(2018,))  # no undated document in a closed range
    open_ended = web_ids(client, year_from=2018)
    undated = library_ids(app) - library_ids(app, year=(2017,)) - closed
    assert undated and open_ended == closed | undated  # kept by an open one
    assert web_ids(client, year_to=2017) == library_ids(app, year=(2017,)) | undated
    assert web_ids(client, q="year:2018..2018") == closed
    body = client.get("/api/search", query_string={"year_from": 2018}).get_json()
    assert {v["value"] for v in body["facets"]["year"]} == {"2017", "2018"}  # disjunctive


@pytest.mark.parametrize("params", [{"year_from": "tyve"}, {"year_to": "1800"},
                                    {"year_from": "2019", "year_to": "2017"}])
def test_api_refuses_bad_ranges_with_a_json_400(client, params: dict) -> None:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_openapi_lists_the_range_parameters() -> None:
    from soev_search.web.openapi import openapi_spec
    parameters = {p["name"]: p for p in
                  openapi_spec()["paths"]["/api/search"]["get"]["parameters"]}
    for name in ("year_from", "year_to"):
        assert parameters[name]["schema"]["type"] == "integer"
        assert "without a year" in parameters[name]["description"]


def test_page_range_control_chip_and_counts(client) -> None:
    from bs4 import BeautifulSoup
    page = BeautifulSoup(client.get("/?q=socialøkonomi&year_from=2018&doctype=artikel")
                         .get_data(as_text=True), "html.parser")
    form = page.select_one(".facet .range-form")
    assert form.select_one("input#year_from")["value"] == "2018"
    assert form.select_one("input#year_to")["value"] == ""
    assert form.find("label", attrs={"for": "year_from"}).get_text() == "Fra år"
    hidden = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
    assert hidden == {("q", "socialøkonomi"), ("doctype", "artikel")}
    chips = [c.get_text(" ", strip=True) for c in page.select(".active-filters .chip")]
    assert "År: fra 2018 ×" in chips
    year_chip = next(c for c in page.select(".active-filters .chip") if "fra 2018" in c.text)
    assert "year_from" not in year_chip["href"] and "doctype=artikel" in year_chip["href"]
    # choosing a year in the facet ends the range
    link = page.select_one("#facet-year ~ ul a.facet-link")
    assert "year=2018" in link["href"] and "year_from" not in link["href"]
    # the year facet counts as if no year were chosen: 2018 is offered under ..2017
    narrowed = BeautifulSoup(client.get("/?year_to=2017").get_data(as_text=True), "html.parser")
    offered = {v.text for v in narrowed.select("#facet-year ~ ul .facet-value")}
    assert offered == {"2017", "2018"}
    clear = page.select_one(".clear-filters")["href"]
    assert "year_from" not in clear and "doctype" not in clear
    # the search box keeps the range for the next words
    assert page.select_one("form.search-form input[name=year_from]")["value"] == "2018"


@pytest.mark.parametrize(("query", "note"), [
    ("year_from=2018", "2 dokumenter uden årstal er med."),
    ("year_from=2017&year_to=2018", "2 dokumenter uden årstal er ikke med."),
])
def test_page_says_what_became_of_documents_without_a_year(client, query: str,
                                                           note: str) -> None:
    from bs4 import BeautifulSoup
    page = BeautifulSoup(client.get(f"/?{query}").get_data(as_text=True), "html.parser")
    assert page.select_one(".range-unknown").get_text(" ", strip=True) == note
    assert client.get("/api/search?" + query).get_json()["without_value"]["year"] == 2


def test_page_rejects_a_reversed_range_with_a_danish_message(client) -> None:
    response = client.get("/?year_from=2019&year_to=2017")
    assert response.status_code == 400
    assert "slutning" in response.get_data(as_text=True)


def test_embed_keeps_a_span_as_its_scope(client) -> None:
    from bs4 import BeautifulSoup
    page = BeautifulSoup(client.get("/embed?year_from=2018&year_to=2018&facets=true")
                         .get_data(as_text=True), "html.parser")
    hidden = {(i["name"], i["value"]) for i in page.select("form input[type=hidden]")}
    assert {("year_from", "2018"), ("year_to", "2018")} <= hidden
    summaries = [s.get_text() for s in page.select(".embed-facet summary")]
    assert summaries and not any(s.startswith("År") for s in summaries)
    assert all("year_from=2018" in a["href"] for a in page.select(".embed-facet a"))
