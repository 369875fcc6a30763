"""Similar documents on the web: GET /api/documents/<id>/similar, its OpenAPI entry, and the
"Lignende dokumenter" list on the document page (the web test corpus, a real index)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask, render_template
from flask.testing import FlaskClient

from soev_search.similar import SimilarDocument
from soev_search.web.context import engine
from soev_search.web.openapi import openapi_spec
from web_support import HOSTILE_TITLE


def status_ids(app: Flask) -> dict[str, str]:
    """Status article id → its municipality."""
    with app.app_context():
        return {d.id: d.municipality for d in engine().documents() if "-status-" in d.path}


def test_api_answers_what_the_library_finds(app: Flask, client: FlaskClient) -> None:
    source = sorted(status_ids(app))[0]
    response = client.get(f"/api/documents/{source}/similar", query_string={"limit": 3})
    assert response.status_code == 200
    body = response.get_json()
    with app.app_context():
        expected = engine().similar(source, limit=3)
    assert body == {"id": source, "similar": [s.to_dict() for s in expected]}
    assert len(body["similar"]) == 3
    first = body["similar"][0]
    assert set(first) == {"id", "title", "municipality", "year", "date", "doctype", "score",
                          "shared", "reason"}
    assert first["reason"].startswith("Fælles nøgleord: ")
    # the nearest of a status article are the other status articles
    assert {s["id"] for s in body["similar"]} == set(status_ids(app)) - {source}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_default_limit_is_five(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        cafe = next(d.id for d in engine().documents() if d.path == "cafe-side.html")
    every = client.get(f"/api/documents/{cafe}/similar?limit=50").get_json()["similar"]
    assert len(every) > 5 and cafe not in {s["id"] for s in every}
    default = client.get(f"/api/documents/{cafe}/similar").get_json()["similar"]
    assert default == every[:5]


@pytest.mark.parametrize("limit", ["0", "51", "abc", "-1"])
def test_bad_limit_is_a_json_400(app: Flask, client: FlaskClient, limit: str) -> None:
    source = sorted(status_ids(app))[0]
    response = client.get(f"/api/documents/{source}/similar", query_string={"limit": limit})
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_unknown_document_is_a_json_404(client: FlaskClient) -> None:
    for doc_id in ("no-such-document", "x" * 500):
        response = client.get(f"/api/documents/{doc_id}/similar")
        assert response.status_code == 404
        assert response.get_json()["status"] == 404


def test_openapi_describes_the_similar_endpoint() -> None:
    path = openapi_spec()["paths"]["/api/documents/{doc_id}/similar"]["get"]
    assert [p["name"] for p in path["parameters"]] == ["doc_id", "limit"]
    assert set(path["responses"]) >= {"200", "400", "404"}


def test_document_page_lists_similar_documents(app: Flask, client: FlaskClient) -> None:
    statuses = status_ids(app)
    source = sorted(statuses)[2]
    page = BeautifulSoup(client.get(f"/documents/{source}").get_data(as_text=True), "html.parser")
    section = page.select_one("section.similar")
    assert section.h2.get_text(strip=True) == "Lignende dokumenter"
    links = [a["href"] for a in section.select(".similar-list li > a")]
    assert links[:3] == [f"/documents/{d}" for d in _ranked(app, source)][:3]
    assert {link.rsplit("/", 1)[1] for link in links[:3]} == set(statuses) - {source}
    reasons = [r.get_text(strip=True) for r in section.select(".similar-reason")]
    assert reasons and all(r.startswith("Fælles nøgleord: ") for r in reasons)
    more = section.select_one(".similar-more a")["href"]
    assert more.startswith("/?q=mlt") and source in more


def test_similar_titles_and_reasons_are_escaped(app: Flask) -> None:
    with app.app_context():
        doc = next(d for d in engine().documents() if d.path == "cafe-side.html")
    hostile = SimilarDocument(id="x", title=HOSTILE_TITLE, municipality="<b>Aalborg</b>",
                              year=2018, date=None, doctype="notat", score=1.0,
                              shared=("<img>",), reason="Fælles nøgleord: <img src=x>")
    with app.test_request_context(f"/documents/{doc.id}"):
        html = render_template("document.html", doc=doc, query="", paragraphs=[],
                               sections=[], has_original=False, similar=[hostile])
    item = BeautifulSoup(html, "html.parser").select_one(".similar-list li")
    assert item.a.get_text() == HOSTILE_TITLE  # shown as text
    assert item.select("script, img, b") == []
    assert "<img src=x>" in item.select_one(".similar-reason").get_text()


def _ranked(app: Flask, source: str) -> list[str]:
    with app.app_context():
        return [s.id for s in engine().similar(source, limit=5)]
