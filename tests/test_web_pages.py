"""The HTML pages through Flask's test client, against a real index of the test corpus."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask, render_template
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from soev_search.document import FIGURE_KEYS, Document, Figure, Section
from soev_search.questionnaire import group_questions
from soev_search.results import SearchRequest
from soev_search.web import create_app
from soev_search.web.compare import compare_context
from soev_search.web.context import engine
from soev_search.web.pages import _original_path
from web_support import (
    HOSTILE_QUESTION,
    HOSTILE_TITLE,
    SECTION_WORD,
    UNIQUE_WORD,
    questionnaire_app,
    web_app,
)

XSS_QUERY = "<script>alert(1)</script>"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def search(app: Flask, **fields) -> object:
    with app.app_context():
        return engine().search(SearchRequest(**fields))


def assert_no_inline_code(page: BeautifulSoup) -> None:
    """The CSP forbids inline scripts and styles; a page relying on them would break."""
    assert all(script.get("src") for script in page.find_all("script"))
    assert not page.find_all("style")
    assert not page.find_all(style=True)
    assert not [tag for tag in page.find_all(True)
                if any(attr.startswith("on") for attr in tag.attrs)]


# --- the search page -----------------------------------------------------------------------

def test_front_page_is_danish_accessible_and_lists_everything(app: Flask,
                                                              client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "da"
    assert page.find("meta", attrs={"name": "viewport"})
    assert page.find("a", class_="skip-link")["href"] == "#main"
    assert page.find("main", id="main")
    assert page.find("nav") and page.find(attrs={"role": "search"})
    search_box = page.find("input", attrs={"name": "q"})
    assert page.find("label", attrs={"for": search_box["id"]})
    assert page.find("link", rel="search")["href"].endswith("/opensearch.xml")
    hits = page.select("li.hit")
    assert len(hits) == min(10, search(app).total) > 0
    assert page.select(".examples a")
    assert_no_inline_code(page)
    # no external hosts: every asset is served by the app itself
    for tag in page.find_all(["script", "link", "img"]):
        assert not (tag.get("src") or tag.get("href") or "").startswith(("http:", "https:", "//"))


def test_security_headers_are_set(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "img-src 'self' data:", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_search_shows_count_title_metadata_and_marked_snippet(client: FlaskClient) -> None:
    page = soup(client.get("/", query_string={"q": UNIQUE_WORD}))
    assert page.find(id="results-heading").get_text(" ", strip=True).startswith("1 dokument")
    (hit,) = page.select("li.hit")
    link = hit.select_one(".hit-title a")
    assert link.get_text() == HOSTILE_TITLE  # markup in a title is shown as text
    assert parse_qs(urlsplit(link["href"]).query) == {"q": [UNIQUE_WORD]}
    assert hit.select_one(".hit-meta").get_text(strip=True)
    assert {m.get_text().lower() for m in hit.select(".snippet mark")} == {UNIQUE_WORD}


def test_a_snippet_shows_the_question_it_answers(client: FlaskClient) -> None:
    page = soup(client.get("/", query_string={"q": "kantinedriften"}))
    (hit,) = page.select("li.hit")
    assert hit.select_one(".snippet .snippet-section").get_text() == (
        "Bruges strategien aftalen aktivt?")
    assert [m.get_text() for m in hit.select(".snippet mark")] == ["kantinedriften"]


def test_markup_in_a_question_stays_text_in_the_snippet_label(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    client = questionnaire_app(tmp_path_factory).test_client()
    html = client.get("/", query_string={"q": SECTION_WORD}).get_data(as_text=True)
    assert "<b>strategi" not in html and "<img src=x" not in html
    label = BeautifulSoup(html, "html.parser").select_one(".snippet .snippet-section")
    assert label is not None and not label.find_all(True)  # text only, no elements
    assert label.get_text().startswith(HOSTILE_QUESTION[:30])


def test_document_markup_never_becomes_page_markup(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": UNIQUE_WORD}).get_data(as_text=True)
    assert "&lt;script&gt;alert" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b>fed" not in html
    assert_no_inline_code(BeautifulSoup(html, "html.parser"))


def test_a_hostile_query_is_echoed_as_text(client: FlaskClient) -> None:
    response = client.get("/", query_string={"q": XSS_QUERY})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert XSS_QUERY not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert soup(response).find("input", attrs={"name": "q"})["value"] == XSS_QUERY


def test_clicking_a_facet_filters_and_keeps_the_query(app: Flask, client: FlaskClient) -> None:
    query = "socialøkonomisk"
    facet_link = soup(client.get("/", query_string={"q": query})).select_one("a.facet-link")
    expected_count = int(facet_link.select_one(".facet-count").get_text().replace(".", ""))
    url = urlsplit(facet_link["href"])
    params = parse_qs(url.query)
    assert params["q"] == [query]
    filtered = soup(client.get(facet_link["href"]))
    count_text = filtered.find(id="results-heading").get_text(" ", strip=True)
    assert int(re.match(r"(\d+)", count_text).group(1)) == expected_count
    selected = filtered.select_one("a.facet-link.selected")
    assert selected["aria-current"] == "true"
    chip = filtered.select_one(".active-filters a.chip")
    assert "Fjern filter" in chip["aria-label"]
    # the chip removes the filter and keeps the query
    assert parse_qs(urlsplit(chip["href"]).query) == {"q": [query]}


def test_pagination_and_sort_links_keep_the_other_parameters(app: Flask,
                                                             client: FlaskClient) -> None:
    total = search(app, query="socialøkonomi").total
    assert total >= 3
    first = soup(client.get("/", query_string={"q": "socialøkonomi", "per_page": 1}))
    pager = first.select_one("nav.pagination")
    assert pager["aria-label"] == "Sider"
    next_link = pager.select_one("a[rel=next]")
    assert parse_qs(urlsplit(next_link["href"]).query) == {
        "q": ["socialøkonomi"], "page": ["2"], "per_page": ["1"]}
    second = soup(client.get(next_link["href"]))
    assert (second.select_one(".hit-title a")["href"]
            != first.select_one(".hit-title a")["href"])
    sort_link = first.select_one(".sort-links a")
    assert parse_qs(urlsplit(sort_link["href"]).query)["sort"] == ["date"]


def test_no_results_gives_tips_and_examples(client: FlaskClient) -> None:
    page = soup(client.get("/", query_string={"q": "qqzzxxvvww", "doctype": "referat"}))
    assert "Ingen dokumenter fundet" in page.find(id="results-heading").get_text()
    assert page.select(".empty-state li") and page.select(".examples a")
    assert "fjerne filtrene" in page.select_one(".empty-state").get_text()


def test_did_you_mean_links_to_the_suggestion(app: Flask, client: FlaskClient) -> None:
    suggestion = search(app, query="socialøkonmi").suggestion
    assert suggestion
    link = soup(client.get("/", query_string={"q": "socialøkonmi"})).select_one(".suggestion a")
    assert link.get_text() == suggestion
    assert parse_qs(urlsplit(link["href"]).query) == {"q": [suggestion]}


def test_the_library_notice_is_shown(app: Flask, client: FlaskClient) -> None:
    query = '"ubalanceret citat'
    notice = search(app, query=query).notice
    assert notice
    assert soup(client.get("/", query_string={"q": query})).select_one(".notice").get_text() \
        == notice


@pytest.mark.parametrize("query_string", [
    "page=abc", "year=xx", "sort=foo", "per_page=1000", "doctype=roman", "page=0",
    "q=" + "x" * 501,
])
def test_wrong_parameters_give_a_danish_400_page(client: FlaskClient, query_string: str) -> None:
    response = client.get("/?" + query_string)
    assert response.status_code == 400
    page = soup(response)
    assert page.html["lang"] == "da"
    assert "Forkert forespørgsel" in page.find("h1").get_text()
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_parameters_are_ignored(client: FlaskClient) -> None:
    assert client.get("/?foo=bar&utm_source=x").status_code == 200


def test_wrong_method_gives_a_405_page(client: FlaskClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "Metoden er ikke tilladt" in response.get_data(as_text=True)


# --- the document page ---------------------------------------------------------------------

def hostile_id(app: Flask) -> str:
    return search(app, query=UNIQUE_WORD).hits[0].id


def test_document_page_shows_text_metadata_and_marks_the_query(app: Flask,
                                                               client: FlaskClient) -> None:
    doc_id = hostile_id(app)
    response = client.get(f"/documents/{doc_id}", query_string={"q": UNIQUE_WORD})
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h1").get_text() == HOSTILE_TITLE
    text = page.select_one(".fulltext")
    assert len(text.find_all("p")) >= 2  # paragraphs, not one block
    assert {m.get_text().lower() for m in text.find_all("mark")} == {UNIQUE_WORD}
    assert "<img src=x" in text.get_text()  # shown as text ...
    assert not text.find("img") and not text.find("b")  # ... never as markup
    labels = [dt.get_text() for dt in page.select(".meta-list dt")]
    assert labels[:5] == ["Kommune", "Dato", "Type", "Sprog", "Kilde"]
    original = page.find("a", string="Åbn originalfilen")
    assert original["href"] == f"/documents/{doc_id}/original"
    assert_no_inline_code(page)


def test_document_without_query_has_no_marks(app: Flask, client: FlaskClient) -> None:
    page = soup(client.get(f"/documents/{hostile_id(app)}"))
    assert not page.find_all("mark")


def test_mentioned_municipalities_link_to_searches(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        [note] = [d for d in engine().documents() if d.path.startswith("hilleroed-notat")]
    # The Hillerød note names four municipalities in its text (the bundled corpus).
    assert note.municipalities_mentioned == ["Hillerød", "Kolding", "København", "Roskilde"]
    page = soup(client.get(f"/documents/{note.id}"))
    links = [a["href"] for a in page.select(".inline-list a")]
    names = [parse_qs(urlsplit(href).query)["mentions"][0] for href in links]
    assert names == note.municipalities_mentioned
    for link, name in zip(links, names, strict=True):
        found = [a["href"] for a in soup(client.get(link)).select(".hit-title a")]
        assert f"/documents/{note.id}" in found
        with app.app_context():
            hits = [engine().document(href.split("/")[2].split("?")[0]) for href in found]
        assert all(name in hit.municipalities_mentioned for hit in hits)


def test_unknown_document_is_a_danish_404(client: FlaskClient) -> None:
    for url in ("/documents/does-not-exist", "/documents/" + "a" * 300, "/no/such/page"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Siden findes ikke" in response.get_data(as_text=True)


def test_original_html_is_served_as_plain_text_in_a_sandbox(app: Flask,
                                                            client: FlaskClient) -> None:
    with app.app_context():
        docs = [d for d in engine().documents() if d.path.endswith(".html")]
    assert docs, "the test corpus has an HTML file"
    response = client.get(f"/documents/{docs[0].id}/original")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert b'<script>alert("original")</script>' in response.data  # the raw file, as text


def test_original_paths_outside_the_corpus_are_refused(app: Flask) -> None:
    with app.app_context():
        for path in ("../../../etc/passwd", "/etc/passwd", "missing.txt", ""):
            doc = Document(id="x", path=path, title="", text="", source="text",
                           content_hash="")
            assert _original_path(doc) is None


# --- errors when the index is missing ------------------------------------------------------

def test_missing_index_gives_503_in_danish(tmp_path: Path) -> None:
    client = create_app(tmp_path / "no-index", tmp_path).test_client()
    response = client.get("/", query_string={"q": "strategi"})
    assert response.status_code == 503
    assert "Søgningen er ikke tilgængelig" in response.get_data(as_text=True)
    assert client.get("/compare").status_code == 503
    assert client.get("/documents/abc").status_code == 503


def test_an_unexpected_error_is_a_500_page_without_details(tmp_path_factory) -> None:
    app = web_app(tmp_path_factory)
    app.config["TESTING"] = False

    def explode() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/explode", view_func=explode)
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Der opstod en fejl" in html
    assert "secret internals" not in html and "Traceback" not in html


# --- the comparison page -------------------------------------------------------------------

def status_doc(doc_id: str, municipality: str, answers: list[str],
               figures: dict[str, Figure | None]) -> Document:
    questions = ["Har I en strategi for socialøkonomiske virksomheder?",
                 "Hvor mange socialøkonomiske virksomheder har I i kommunen?"]
    return Document(
        id=doc_id, path=f"{doc_id}.txt", title=f"Status {municipality}", text="",
        source="text", content_hash="", municipality=municipality, year=2018,
        doctype="artikel",
        sections=[Section(q, a) for q, a in zip(questions, answers, strict=True)],
        figures={key: figures.get(key) for key in FIGURE_KEYS},
    )


COMPARE_DOCS = [
    status_doc("a", "Aalborg", ["Ja, siden 2016.", "Omkring 40"],
               {"social_enterprises": Figure(40, approximate=True, raw="ca. 40"),
                "staff_ordinary": Figure(100, lower_bound=True, raw="mere end 100")}),
    status_doc("s", "Silkeborg", ["<b>Nej</b>, men vi arbejder på det.", "23"],
               {"social_enterprises": Figure(23, raw="23"), "staff_flex": Figure(0, raw="0")}),
    Document(id="n", path="n.txt", title="Et notat", text="", source="text", content_hash=""),
]


def render_compare(app: Flask, args: MultiDict) -> BeautifulSoup:
    with app.test_request_context("/compare"):
        return BeautifulSoup(render_template("compare.html",
                                             **compare_context(COMPARE_DOCS, args)),
                             "html.parser")


def test_compare_shows_answers_side_by_side_and_escapes_them(app: Flask) -> None:
    page = render_compare(app, MultiDict())
    cards = page.select(".answer-card")
    assert [c.find("h3").get_text(strip=True) for c in cards] == ["Aalborg 2018",
                                                                   "Silkeborg 2018"]
    assert "<b>Nej</b>, men vi arbejder på det." in cards[1].get_text()
    assert not cards[1].find("b")
    options = page.select("#question option")
    assert len(options) == 2 and options[0].has_attr("selected")


def test_compare_picks_the_question_from_the_url(app: Flask) -> None:
    slug = group_questions(COMPARE_DOCS[:2])[1].slug
    page = render_compare(app, MultiDict([("question", slug)]))
    assert [p.get_text() for p in page.select(".answer-card p")] == ["Omkring 40", "23"]


def test_compare_filters_municipalities(app: Flask) -> None:
    page = render_compare(app, MultiDict([("municipality", "Silkeborg")]))
    assert [c.find("h3").get_text(strip=True) for c in page.select(".answer-card")] == [
        "Silkeborg 2018"]


def test_compare_figures_mark_approximate_lower_bound_and_missing(app: Flask) -> None:
    page = render_compare(app, MultiDict())
    rows = {row.find("th").get_text(strip=True): [td.get_text(strip=True)
                                                   for td in row.find_all("td")]
            for row in page.select(".figures-compare tbody tr")}
    assert rows["Aalborg 2018"] == ["ca. 40", "–", "mindst 100", "–", "–", "–"]
    assert rows["Silkeborg 2018"] == ["23", "–", "–", "0", "–", "–"]  # a real 0 is kept
    charts = page.select("figure.chart")
    assert len(charts) == len(FIGURE_KEYS)
    first = charts[0]
    assert first.find("svg")["role"] == "img"
    assert [t.get_text() for t in first.select(".bar-value")] == ["ca. 40", "23"]
    registered = charts[1]
    assert [t.get_text() for t in registered.select(".bar-missing")] == ["ikke oplyst"] * 2
    assert not registered.select("rect")


def test_compare_page_renders_from_the_index(client: FlaskClient) -> None:
    response = client.get("/compare")
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h1").get_text() == "Sammenlign kommuner"
    # the four status articles of the bundled corpus share the questionnaire
    names = {box["value"] for box in page.select("input[name=municipality]")}
    assert {"Aalborg", "Jammerbugt", "Roskilde", "Silkeborg"} <= names
    assert len(page.select(".answer-card")) >= 4
    assert_no_inline_code(page)


def test_developer_page_shows_the_embed_tag(client: FlaskClient) -> None:
    page = soup(client.get("/developers"))
    snippet = page.find("pre").get_text()
    assert snippet.startswith('<script src="http://localhost/embed.js"')
    target = next(row for row in page.select("tr") if "data-target" in row.get_text())
    # every target embed.js accepts
    assert [code.get_text() for code in target.select("td code")[1:]] == [
        "_blank", "_self", "_parent", "_top"]


def test_search_page_shows_relaxed_matches_with_a_notice(client: FlaskClient) -> None:
    page = soup(client.get("/", query_string={"q": "markedsvilkår xylofon"}))
    count = " ".join(page.find(class_="result-count").get_text().split())
    assert count.startswith("2 dokumenter (0 med alle ordene)")
    assert "Kun få dokumenter" in page.find(class_="notice").get_text()
