"""Atom feed, CSV export and OpenSearch description."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from soev_search.document import FIGURE_KEYS, Document
from soev_search.index import index_documents
from soev_search.results import SearchRequest
from soev_search.web import create_app
from soev_search.web.context import engine
from soev_search.web.feeds import CSV_COLUMNS, atom_date, neutralise_formula
from web_support import HOSTILE_TITLE, UNIQUE_WORD

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_atom_feed_lists_a_search_newest_first(app: Flask, client: FlaskClient) -> None:
    response = client.get("/feed", query_string={"q": "socialøkonomi"})
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert "socialøkonomi" in feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    with app.app_context():
        expected = engine().search(SearchRequest(query="socialøkonomi", sort="date",
                                                 per_page=20))
    assert len(entries) == len(expected.hits) > 0
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry, hit in zip(entries, expected.hits, strict=True):
        assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/documents/{hit.id}"
        assert entry.findtext(f"{ATOM}title") == (hit.title or "Uden titel")
        assert entry.findtext(f"{ATOM}summary")
        assert "<mark>" not in entry.findtext(f"{ATOM}summary")


def test_atom_feed_keeps_markup_as_text(client: FlaskClient) -> None:
    feed = ET.fromstring(client.get("/feed", query_string={"q": UNIQUE_WORD}).data)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == HOSTILE_TITLE  # parsed back as text, not markup
    assert entry.find(f"{ATOM}title").get("type") in (None, "text")


def test_atom_feed_rejects_bad_parameters(client: FlaskClient) -> None:
    assert client.get("/feed?year=abc").status_code == 400


def test_atom_dates_are_the_first_moment_of_the_known_period() -> None:
    assert atom_date("2018").isoformat() == "2018-01-01T00:00:00+00:00"
    assert atom_date("2018-09").isoformat() == "2018-09-01T00:00:00+00:00"
    assert atom_date("2018-09-14").isoformat() == "2018-09-14T00:00:00+00:00"
    assert atom_date(None) is None and atom_date("2018-13") is None


def test_csv_export_has_bom_columns_and_every_hit(app: Flask, client: FlaskClient) -> None:
    response = client.get("/export.csv", query_string={"q": "socialøkonomi"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    with app.app_context():
        total = engine().search(SearchRequest(query="socialøkonomi")).total
    assert len(rows) - 1 == total
    assert all(row[-1].startswith("http://localhost/documents/") for row in rows[1:])


FORMULA_DOCUMENT = Document(
    id="=1+1", path="formula.txt", title='=HYPERLINK("http://example.com","Klik")',
    text="Kantine.", source="text", content_hash="x", municipality="+45 Kommune", year=2018,
    date="-2018", doctype="notat", language="@da", figures=dict.fromkeys(FIGURE_KEYS))


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    # Every exported column of this document starts like a formula.
    index_documents([FORMULA_DOCUMENT], tmp_path / "index")
    client = create_app(tmp_path / "index", tmp_path).test_client()
    text = client.get("/export.csv").data.decode("utf-8-sig")
    [header, row] = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, row, strict=True))
    for column in ("id", "title", "municipality", "date", "language"):
        value = str(getattr(FORMULA_DOCUMENT, column))
        assert cells[column] == f"'{value}", column
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("x")', '\'=HYPERLINK("x")'), ("+45 12", "'+45 12"), ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Silkeborg", "Silkeborg"), (None, ""),
    (2018, "2018"),
])
def test_neutralise_formula(value: object, expected: str) -> None:
    assert neutralise_formula(value) == expected


def test_opensearch_description_points_at_the_search(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    description = ET.fromstring(response.data)
    templates = {url.get("type"): url.get("template")
                 for url in description.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"].startswith("http://localhost/?q={searchTerms}")
    assert templates["application/atom+xml"] == "http://localhost/feed?q={searchTerms}"
