"""The JSON API: results equal the library's, CORS, JSON errors, and a truthful OpenAPI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from soev_search.questionnaire import compare
from soev_search.results import SearchRequest
from soev_search.web import create_app
from soev_search.web.context import engine
from soev_search.web.openapi import openapi_spec
from soev_search.web.params import SEARCH_PARAMS
from web_support import UNIQUE_WORD


def library(app: Flask, method: str, *args):
    with app.app_context():
        return getattr(engine(), method)(*args)


def test_search_returns_the_library_result(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/search", query_string={"q": "socialøkonomi", "per_page": 3})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    expected = library(app, "search", SearchRequest(query="socialøkonomi", per_page=3))
    assert response.get_json() == expected.to_dict()
    assert len(response.get_json()["hits"]) == 3


def test_a_hit_names_the_question_its_snippet_answers(client: FlaskClient) -> None:
    [hit] = client.get("/api/search", query_string={"q": "kantinedriften"}).get_json()["hits"]
    assert hit["snippet_section"] == "Bruges strategien aftalen aktivt?"
    assert "<mark>kantinedriften</mark>" in hit["snippet"]
    [intro] = client.get("/api/search", query_string={"q": "nyhedsbrevet",
                                                      "per_page": 1}).get_json()["hits"]
    assert intro["snippet_section"] is None
    hit_schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Hit"]
    assert set(hit_schema["properties"]) == set(hit)


def test_repeated_parameters_filter_with_or(app: Flask, client: FlaskClient) -> None:
    facets = library(app, "facets")
    values = [v.value for v in facets["language"]][:2] or ["da"]
    query = [("language", v) for v in values] + [("per_page", "100")]
    data = client.get("/api/search", query_string=query).get_json()
    assert data["total"] == sum(v.count for v in facets["language"] if v.value in values)
    assert {hit["language"] for hit in data["hits"]} <= set(values)


def test_empty_search_browses_everything(app: Flask, client: FlaskClient) -> None:
    data = client.get("/api/search").get_json()
    assert data["total"] == library(app, "stats")["documents"] > 0


@pytest.mark.parametrize("query_string", [
    "page=abc", "per_page=0", "per_page=101", "page=1001", "year=xx", "sort=foo",
    "doctype=x", "q=" + "a" * 501,
])
def test_bad_parameters_are_json_400s(client: FlaskClient, query_string: str) -> None:
    response = client.get("/api/search?" + query_string)
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and body["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_hostile_query_is_plain_json(client: FlaskClient) -> None:
    response = client.get("/api/search", query_string={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert response.get_json()["query"] == "<script>alert(1)</script>"
    assert response.mimetype == "application/json"


def test_document_by_id_and_unknown_id(app: Flask, client: FlaskClient) -> None:
    hit = library(app, "search", SearchRequest(query=UNIQUE_WORD)).hits[0]
    response = client.get(f"/api/documents/{hit.id}")
    assert response.get_json() == library(app, "document", hit.id).to_dict()
    missing = client.get("/api/documents/nope")
    assert missing.status_code == 404
    assert missing.get_json()["error"]


def test_facets_are_the_library_counts(app: Flask, client: FlaskClient) -> None:
    expected = {facet: [{"value": v.value, "count": v.count} for v in values]
                for facet, values in library(app, "facets").items()}
    assert client.get("/api/facets").get_json() == expected


def test_complete_finishes_the_last_word(app: Flask, client: FlaskClient) -> None:
    data = client.get("/api/complete", query_string={"q": "kommunens socialø"}).get_json()
    assert data["query"] == "kommunens socialø"
    assert data["suggestions"] == library(app, "complete", "kommunens socialø", 8)
    assert "kommunens socialøkonomi" in data["suggestions"]
    assert client.get("/api/complete?q=").get_json()["suggestions"] == []
    assert client.get("/api/complete?q=soc&limit=abc").status_code == 400
    assert len(client.get("/api/complete?q=so&limit=2").get_json()["suggestions"]) <= 2


def test_cors_is_open_for_get_and_preflight(client: FlaskClient) -> None:
    origin = {"Origin": "https://www.example.dk"}
    response = client.get("/api/search?q=strategi", headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/search", headers={
        **origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    # pages are not part of the API and stay same-origin
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_api_errors_are_json(client: FlaskClient) -> None:
    for response, status in ((client.get("/api/nothing-here"), 404),
                             (client.post("/api/search"), 405)):
        assert response.status_code == status
        assert response.get_json()["status"] == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_missing_index_is_a_json_503(tmp_path: Path) -> None:
    client = create_app(tmp_path / "no-index", tmp_path).test_client()
    for url in ("/api/search?q=x", "/api/facets", "/api/documents/x", "/api/complete?q=so"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.get_json()["error"]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"


def test_healthz_counts_the_documents(app: Flask, client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok",
                                   "documents": library(app, "stats")["documents"]}


def test_build_id_and_document_count_agree_with_stats(app: Flask) -> None:
    stats = library(app, "stats")
    assert library(app, "build_id") == stats["build"]
    assert library(app, "document_count") == stats["documents"] > 0


def test_compare_api_is_the_library_comparison(app: Flask, client: FlaskClient) -> None:
    expected = compare(library(app, "documents"))
    data = client.get("/api/compare").get_json()
    assert data == expected.to_dict()
    assert len(data["documents"]) >= 4 and len(data["questions"]) >= 10
    one = client.get("/api/compare", query_string={"question": "2",
                                                   "municipality": "Silkeborg"}).get_json()
    [question] = one["questions"]
    assert question["number"] == 2 and question["text"] == data["questions"][1]["text"]
    assert [d["municipality"] for d in one["documents"]] == ["Silkeborg"]
    assert set(question["answers"]) <= {d["id"] for d in one["documents"]}
    unknown = client.get("/api/compare", query_string={"question": "999"})
    assert unknown.status_code == 400 and "999" in unknown.get_json()["error"]
    nobody = client.get("/api/compare", query_string={"question": "1",
                                                      "municipality": "Atlantis"})
    assert nobody.status_code == 400
    assert nobody.get_json()["error"] == ("Ukendt spørgsmål '1': de valgte kommuner har ingen "
                                          "statusartikler.")


# --- the OpenAPI description is true to the routes ----------------------------------------

def flask_rule(openapi_path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", openapi_path)


def test_openapi_is_served_and_well_formed(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec == openapi_spec()
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', str(spec).replace("'", '"'))
    assert set(refs) <= set(spec["components"]["schemas"])


def test_every_openapi_path_is_a_route_with_that_method(app: Flask) -> None:
    rules = {rule.rule: rule.methods for rule in app.url_map.iter_rules()}
    for path, operations in openapi_spec()["paths"].items():
        assert flask_rule(path) in rules, path
        for method in operations:
            assert method.upper() in rules[flask_rule(path)]
        for operation in operations.values():
            path_params = {p["name"] for p in operation.get("parameters", [])
                           if p["in"] == "path"}
            assert path_params == set(re.findall(r"\{(\w+)\}", path))


def test_every_api_route_is_described(app: Flask) -> None:
    described = {flask_rule(path) for path in openapi_spec()["paths"]}
    api_rules = {rule.rule for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/api/")}
    assert api_rules <= described


def test_search_parameters_match_what_the_server_reads(client: FlaskClient) -> None:
    described = [p["name"] for p in openapi_spec()["paths"]["/api/search"]["get"]["parameters"]]
    assert described == list(SEARCH_PARAMS)
    # and each described parameter is really read: a wrong value for it is refused
    for name in described:
        bad = "x" * 600 if name in ("q", "municipality", "mentions") else "not valid!"
        assert client.get("/api/search", query_string={name: bad}).status_code == 400, name


@pytest.mark.parametrize("query", ["markedsvilkår xylofon", "SØV", "indsats"])
def test_relaxed_compound_and_synonym_searches_are_the_library_result(
        app: Flask, client: FlaskClient, query: str) -> None:
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert data == library(app, "search", SearchRequest(query=query)).to_dict()
    assert data["total"] > 0


def test_a_relaxed_search_says_which_set_it_counts(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "markedsvilkår xylofon"}).get_json()
    assert data["relaxed"] is True and data["exact_total"] == 0 and data["total"] == 2
    assert data["notice"].startswith("Kun få dokumenter")
    assert sum(v["count"] for v in data["facets"]["municipality"]) == data["total"]
