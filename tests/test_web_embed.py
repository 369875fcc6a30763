"""The embed script and the iframe page /embed."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from soev_search.results import SearchRequest
from soev_search.web.context import engine


def status_count(page: BeautifulSoup) -> int:
    """The number the status line starts with ("12 dokumenter", "1.234 dokumenter")."""
    text = page.find(attrs={"role": "status"}).get_text(" ", strip=True)
    number = re.match(r"(\d{1,3}(?:\.\d{3})*)(?!\d)", text)
    assert number is not None, text
    return int(number.group(1).replace(".", ""))


def a_facet_value(app: Flask, facet: str) -> tuple[str, int]:
    with app.app_context():
        value = engine().facets()[facet][0]
    return value.value, value.count


def test_embed_script_is_served_as_javascript_to_any_origin(client: FlaskClient) -> None:
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    script = response.get_data(as_text=True)
    assert "attachShadow" in script and "document.currentScript" in script
    assert "innerHTML" not in script  # all DOM built from text


def test_only_the_embed_page_may_be_framed(client: FlaskClient) -> None:
    embed = client.get("/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert "script-src 'self'" in embed.headers["Content-Security-Policy"]
    for url in ("/", "/compare", "/developers"):
        assert "frame-ancestors 'none'" in client.get(url).headers["Content-Security-Policy"]


def test_embed_page_applies_the_options(app: Flask, client: FlaskClient) -> None:
    doctype, count = a_facet_value(app, "doctype")
    response = client.get("/embed", query_string={"doctype": doctype, "limit": 2,
                                                  "target": "_self"})
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.html["lang"] == "da"
    assert page.find("label", attrs={"for": "embed-q"})
    assert status_count(page) == count
    links = page.select(".hits a.hit-title")
    assert len(links) == min(2, count)
    assert all(a["target"] == "_self" and a["href"].startswith("http://localhost/documents/")
               for a in links)
    hidden = {(i["name"], i["value"]) for i in page.select("form input[type=hidden]")}
    assert ("doctype", doctype) in hidden and ("lock", "doctype") in hidden
    assert ("limit", "2") in hidden


def test_embed_facets_leave_out_the_locked_ones_and_keep_options(app: Flask,
                                                                client: FlaskClient) -> None:
    doctype, _ = a_facet_value(app, "doctype")
    page = BeautifulSoup(client.get("/embed", query_string={
        "doctype": doctype, "facets": "true", "limit": 3}).get_data(as_text=True), "html.parser")
    summaries = [s.get_text() for s in page.select(".embed-facet summary")]
    assert summaries and not any(s.startswith("Dokumenttype") for s in summaries)
    link = page.select_one(".embed-facet a.facet-link")
    params = parse_qs(urlsplit(link["href"]).query)
    assert params["doctype"] == [doctype] and params["lock"] == ["doctype"]
    assert params["limit"] == ["3"] and params["facets"] == ["true"]
    assert client.get(link["href"]).status_code == 200


def test_embed_page_default_target_is_a_new_tab(app: Flask, client: FlaskClient) -> None:
    page = BeautifulSoup(client.get("/embed?target=javascript:alert(1)").get_data(as_text=True),
                         "html.parser")
    link = page.select_one(".hits a.hit-title")
    assert link["target"] == "_blank" and link["rel"] == ["noopener"]


def test_embed_page_rejects_bad_options(client: FlaskClient) -> None:
    assert client.get("/embed?limit=abc").status_code == 400
    assert client.get("/embed?limit=500").status_code == 400


def test_embed_page_escapes_the_query(app: Flask, client: FlaskClient) -> None:
    html = client.get("/embed", query_string={"q": "<script>alert(1)</script>"}).get_data(
        as_text=True)
    assert "<script>alert(1)" not in html


def test_embed_page_search_matches_the_library(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        total = engine().search(SearchRequest(query="fleksjob")).total
    page = BeautifulSoup(client.get("/embed?q=fleksjob").get_data(as_text=True), "html.parser")
    assert status_count(page) == total


def test_embed_page_shows_relaxed_matches_with_a_notice(client: FlaskClient) -> None:
    page = BeautifulSoup(client.get("/embed?q=markedsvilk%C3%A5r+xylofon").get_data(
        as_text=True), "html.parser")
    assert page.find(attrs={"role": "status"}).get_text(" ", strip=True).startswith(
        "2 dokumenter (0 med alle ordene)")
    assert "Kun få dokumenter indeholder alle ordene" in page.find(class_="notice").get_text()
