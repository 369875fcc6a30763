"""HTML pages: main text kept, page furniture gone, title and date read, nothing raises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from soev_search.document import Document
from soev_search.ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
# Words of page furniture in the fixtures (navigation, cookie banners, share buttons, comments,
# related posts, "Se også", sidebars, footers) that must not reach the index.
FORBIDDEN = {
    "blog_post.html": ["Forside", "Vi bruger cookies", "Privatlivspolitik", "Del denne artikel",
                       "Twitter", "Relaterede indlæg", "Slagelse", "Spændende læsning",
                       "Skriv et svar", "Din e-mailadresse", "Seneste indlæg", "Tilmeld",
                       "Vesterbrogade", "Copyright", "Back To Top", "skip to Main Content",
                       "Se også", "Redaktionen", "Søg på sitet"],
    "municipal_page.html": ["Denne hjemmeside bruger cookies", "Tillad alle", "Gå til indhold",
                            "Selvbetjening", "Om kommunen", "Forside", "Del siden", "Facebook",
                            "Sidst opdateret", "Skovvej", "Instagram", "Tilgængelighedserklæring",
                            "Kunne du bruge siden", "Se også", "Indkøbspolitik",
                            "Hvad søger du"],
    "legacy_news.html": ["Kalender", "Frivilligjob", "Tilbage til nyheder", "Udskriv",
                         "Nørregade", "Åbent man-tors"],
    "theme_post.html": ["skip to Main Content", "Status i kommunerne", "Del dette indlæg",
                        "This Post Has", "Skriv et svar", "Din e-mailadresse", "Seneste nyt",
                        "Aalborg", "Arkiv", "Copyright", "Back To Top", "Se også"],
}
PAGES = sorted(FORBIDDEN)


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    result = {name: ingest_file(FIXTURES / name, FIXTURES) for name in PAGES}
    assert all(isinstance(d, Document) for d in result.values()), result
    return result


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", PAGES)
def test_every_line_of_the_article_is_kept(documents, name):
    truth = (FIXTURES / name).with_suffix(".truth.txt").read_text(encoding="utf-8")
    text = squeeze(documents[name].text)
    for line in truth.split("\n"):
        assert squeeze(line) in text, line


@pytest.mark.parametrize("name", PAGES)
def test_page_furniture_is_gone(documents, name):
    text = documents[name].text
    for phrase in FORBIDDEN[name]:
        assert phrase not in text, phrase


def test_title_date_and_type_from_the_page(documents):
    blog = documents["blog_post.html"]
    assert blog.title == "Socialøkonomi i Roskilde Kommune – status august 2018"
    assert blog.date == "2018-08-21" and blog.year == 2018
    assert blog.doctype == "artikel" and blog.source == "html"
    assert blog.municipality == "Roskilde"
    municipal = documents["municipal_page.html"]
    assert municipal.title == "Socialøkonomiske virksomheder"
    assert municipal.date == "2019-03-12"
    assert municipal.municipality == "Favrskov"


def test_declared_windows_1252_page_reads_right(documents):
    assert b"\xf8" in (FIXTURES / "municipal_page.html").read_bytes()  # ø in cp1252
    assert "økonomi" in documents["municipal_page.html"].text


def test_page_without_semantic_markup_finds_its_text(documents):
    news = documents["legacy_news.html"]
    assert news.text.startswith("Ny café skal give job til borgere på kanten")
    assert news.municipality == "Holstebro"


def test_fifty_thousand_levels_deep_does_not_raise(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 50_000 + "Dybt begravet tekst om socialøkonomi."
                    + "</div>" * 50_000 + "</body></html>", encoding="utf-8")
    result = ingest_file(path, tmp_path)
    assert isinstance(result, Document)
    assert result.text == "Dybt begravet tekst om socialøkonomi."


def test_truncated_html_keeps_what_is_there(tmp_path):
    path = tmp_path / "cut.html"
    path.write_text("<html><head><title>Halv side</title></head><body><article><h1>Halv side"
                    "</h1><p>Denne side blev afbrudt midt i en sætning om socialøkonomiske "
                    "virksomheder i Odense Kommune og", encoding="utf-8")
    result = ingest_file(path, tmp_path)
    assert isinstance(result, Document)
    assert result.title == "Halv side"
    assert result.text.endswith("i Odense Kommune og")


def test_script_in_a_page_never_reaches_the_text(tmp_path):
    path = tmp_path / "x.html"
    path.write_text("<html><body><p>Tekst <script>alert('x')</script>om job.</p>"
                    "<p onclick=\"evil()\">Mere &lt;b&gt;tekst&lt;/b&gt;.</p></body></html>",
                    encoding="utf-8")
    result = ingest_file(path, tmp_path)
    assert "alert" not in result.text and "evil" not in result.text
    assert re.search(r"Tekst\s+om job\.", result.text)
