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
                            "Hvad søger du", "erhverv@favrskov.dk"],
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
    assert news.title == "Ny café skal give job til borgere på kanten"  # not "Nyheder"
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


ARTICLE_TEXT = [
    "Kantinen i rådhuset drives nu af en socialøkonomisk virksomhed",
    "Fra 1. marts driver den socialøkonomiske virksomhed Madglad kantinen i rådhuset. "
    "Virksomheden ansætter borgere i fleksjob og virksomhedspraktik.",
    "Kommunen har valgt at bruge sociale klausuler i udbuddet, så flere ledige kan komme "
    "tættere på arbejdsmarkedet.",
    "Borgmesteren opfordrer: læs også kommunens indkøbspolitik, før I byder på opgaven.",
    "Ordningen evalueres i foråret 2020, og resultatet forelægges byrådet.",
]


def furnished_page(furniture: dict[str, str]) -> str:
    """An article with furniture inside <article>: the share bar after the headline, the
    teaser in the middle, the rest after the text."""
    first, *middle, last = (f"<p>{text}</p>" for text in ARTICLE_TEXT[1:])
    return (f"<html><head><title>{ARTICLE_TEXT[0]}</title></head><body>"
            f"<nav><a href='/'>Forside</a></nav><main><article><h1>{ARTICLE_TEXT[0]}</h1>"
            f"{furniture['share']}{first}{middle[0]}{furniture['teaser']}{middle[1]}{last}"
            f"{furniture['tags']}{furniture['author']}{furniture['feedback']}"
            f"{furniture['related']}</article></main></body></html>")


FURNITURE = {
    "danish, with furniture classes": {
        "share": "<div class='share-tools'><span>Del artiklen</span> <a href='#'>Facebook</a>"
                 " <a href='#'>LinkedIn</a> <a href='#'>Udskriv</a></div>",
        "teaser": "<aside class='laes-ogsaa'>Læs også: <a href='/x'>Ny café i Holstebro</a>"
                  "</aside>",
        "tags": "<div class='post-tags'>Emner: <a href='#'>beskæftigelse</a>, "
                "<a href='#'>indkøb</a></div>",
        "author": "<div class='author-box'><h3>Om forfatteren</h3><p>Mette Holm er "
                  "kommunikationsmedarbejder i Erhverv og Beskæftigelse.</p></div>",
        "feedback": "<div class='page-feedback'><p>Var siden nyttig?</p><button>Ja</button>"
                    "<button>Nej</button></div>",
        "related": "<div class='related-articles'><h2>Relaterede artikler</h2><ul>"
                   "<li><a href='/a'>Genbrugsbutik åbner i Struer</a></li>"
                   "<li><a href='/b'>Frivillige driver cykelværksted</a></li></ul></div>",
    },
    "danish, furniture told by its words": {
        "share": "<p>Del på Facebook · Del på LinkedIn · Udskriv</p>",
        "teaser": "<p>Læs også: <a href='/x'>Ny café i Holstebro</a></p>",
        "tags": "<p>Emneord: beskæftigelse, indkøb, sociale klausuler</p>",
        "author": "<h3>Om forfatteren</h3><p>Mette Holm er kommunikationsmedarbejder i "
                  "Erhverv og Beskæftigelse.</p>",
        "feedback": "<div><p>Var denne side nyttig?</p><p>Ja</p><p>Nej</p>"
                    "<p>Tak for din feedback!</p></div>",
        "related": "<h2>Læs også</h2><ul><li><a href='/a'>Genbrugsbutik åbner i Struer</a>"
                   "</li><li><a href='/b'>Frivillige driver cykelværksted</a></li></ul>",
    },
    "danish, other municipal wording": {
        "share": "<div class='tools'><a href='#'>Del</a> <a href='#'>Print</a> "
                 "<a href='#'>Lyt</a></div><p>Forside &gt; Erhverv &gt; Socialøkonomi</p>",
        "teaser": "<p>Se også: <a href='/x'>Ny café i Holstebro</a></p>",
        "tags": "<p>Publiceret 12. marts 2019</p><p>Kategorier: beskæftigelse, indkøb</p>",
        "author": "<p>Skrevet af Mette Holm</p>",
        "feedback": "<div><h2>Hvad synes du om siden?</h2><p>Fik du svar på dit spørgsmål?</p>"
                    "<p>Ja</p><p>Nej</p></div><p>Tilmeld dig vores nyhedsbrev</p>",
        "related": "<div><h2>Relaterede links</h2><ul><li><a href='/a'>Genbrugsbutik åbner i "
                   "Struer</a></li><li><a href='/b'>Frivillige driver cykelværksted</a></li>"
                   "</ul></div>",
    },
    "english wording": {
        "share": "<div class='entry-utility'><a href='#'>Share on Facebook</a> "
                 "<a href='#'>Tweet</a> <a href='#'>Print</a></div>",
        "teaser": "<p>Read also: <a href='/x'>Ny café i Holstebro</a></p>",
        "tags": "<p>Filed under: beskæftigelse, indkøb</p>",
        "author": "<section><h3>About the author</h3><p>Mette Holm is a communications "
                  "officer in Erhverv og Beskæftigelse.</p></section>",
        "feedback": "<div><p>Was this page helpful? Yes No</p></div>",
        "related": "<div><h2>Related posts</h2><ul><li><a href='/a'>Genbrugsbutik åbner i "
                   "Struer</a></li><li><a href='/b'>Frivillige driver cykelværksted</a></li>"
                   "</ul></div>",
    },
}
FORBIDDEN_FURNITURE = ["Facebook", "LinkedIn", "Udskriv", "Print", "Tweet", "Del artiklen",
                       "Ny café i Holstebro", "Læs også:", "Read also", "Emne", "Filed under",
                       "indkøb,", "Mette Holm", "forfatteren", "About the author", "nyttig",
                       "helpful", "feedback", "Genbrugsbutik", "cykelværksted",
                       "Relaterede artikler", "Related posts", "Forside", "Lyt", "Publiceret",
                       "Kategorier", "Hvad synes du", "svar på dit", "nyhedsbrev",
                       "Relaterede links"]


@pytest.mark.parametrize("kind", sorted(FURNITURE))
def test_furniture_inside_the_article_goes_and_the_article_stays(tmp_path, kind):
    path = tmp_path / "page.html"
    path.write_text(furnished_page(FURNITURE[kind]), encoding="utf-8")
    document = ingest_file(path, tmp_path)
    assert isinstance(document, Document), document
    text = squeeze(document.text)
    for paragraph in ARTICLE_TEXT[1:]:
        assert paragraph in text
    assert text.endswith(ARTICLE_TEXT[-1])
    for phrase in FORBIDDEN_FURNITURE:
        assert phrase not in text, phrase


# Side columns and contact boxes next to the article, in markup other than the fixtures'.
SIDE_COLUMNS = {
    "wordpress widget area, english": (
        "<div id='secondary' class='widget-area sidebar-right' role='complementary'>"
        "<section class='widget'><h2>Contact us</h2><p>Mette Holm, phone 12 34 56 78, "
        "open Monday to Thursday 9 to 15, write to us at info@example.dk any time.</p>"
        "</section><section class='widget'><h2>Most read</h2><p>Genbrugsbutik åbner i Struer "
        "og søger frivillige til at sortere tøj, møbler og bøger hver lørdag.</p>"
        "<p>Frivillige driver cykelværksted for unge i Vinderup, og flere værksteder er på vej"
        " i de andre byer i kommunen i løbet af foråret.</p></section></div>"),
    "danish contact card in the article": (
        "<div class='kontaktboks'><h3>Kontaktperson</h3><p>Mette Holm<br>Erhvervskonsulent<br>"
        "Tlf. 12 34 56 78</p></div>"),
    "complementary section with a contact card": (
        "<section role='complementary'><div class='ContactCard'><strong>Spørgsmål?</strong>"
        " Ring til Mette Holm på 12 34 56 78</div><h2>Mest læste</h2><p>Genbrugsbutik åbner "
        "i Struer og søger frivillige.</p></section>"),
    "side column of a layout table": (
        "<table><tr><td class='sideColumn'><h3>Kontakt</h3><p>Mette Holm, tlf. 12 34 56 78"
        "</p><p>Frivillige driver cykelværksted for unge i Vinderup.</p></td></tr></table>"),
}
FORBIDDEN_SIDE_COLUMN = ["Mette Holm", "12 34 56 78", "Contact us", "Kontakt", "Most read",
                         "Mest læste", "Genbrugsbutik", "cykelværksted", "Spørgsmål?"]


@pytest.mark.parametrize("kind", sorted(SIDE_COLUMNS))
def test_side_columns_and_contact_boxes_go_and_the_article_stays(tmp_path, kind):
    first, *rest = (f"<p>{text}</p>" for text in ARTICLE_TEXT[1:])
    inside = kind.endswith("in the article")
    side = SIDE_COLUMNS[kind]
    path = tmp_path / "page.html"
    path.write_text(
        f"<html><head><title>{ARTICLE_TEXT[0]}</title></head><body><div class='has-sidebar'>"
        f"<div class='content'><article><h1>{ARTICLE_TEXT[0]}</h1>{first}"
        f"{side if inside else ''}{''.join(rest)}</article></div>{'' if inside else side}"
        f"</div></body></html>", encoding="utf-8")
    document = ingest_file(path, tmp_path)
    assert isinstance(document, Document), document
    text = squeeze(document.text)
    for paragraph in ARTICLE_TEXT[1:]:
        assert paragraph in text
    for phrase in FORBIDDEN_SIDE_COLUMN:
        assert phrase not in text, phrase


OLD_PAGE = ("<html><head><title>{title}</title></head><body><table><tr><td>"
            "<a href='/'><img src='logo.gif' alt='Frivilligcenter Vest'></a><br>"
            "<a href='/nyheder'>Nyheder</a><br><a href='/kurser'>Kurser</a></td><td>{headline}"
            "<p>Til foråret åbner en ny socialøkonomisk café i den gamle stationsbygning. "
            "Caféen drives af foreningen Fælles Bord, som i forvejen har tre genbrugsbutikker."
            "</p><p>Borgere i fleksjob og virksomhedspraktik skal stå for madlavning, servering"
            " og rengøring, mens to faste medarbejdere tager sig af ledelse og oplæring.</p>"
            "</td></tr></table></body></html>")
HEADLINE = "Ny café giver job til borgere på kanten"


@pytest.mark.parametrize(("title", "headline"), [
    ("Nyheder", f"<font size='4'><b>{HEADLINE}</b></font>"),  # a section word
    ("Kurser - Frivilligcenter Vest", f"<b>{HEADLINE}</b><br>"),  # a menu entry's text
    ("Frivilligcenter Vest", f"<strong>{HEADLINE}</strong>"),  # the site's name (logo's alt)
    ("Aktuelt", f"<h2 class='overskrift'>{HEADLINE}</h2>"),
])
def test_old_page_with_a_generic_title_takes_its_headline(tmp_path, title, headline):
    path = tmp_path / "old.html"
    path.write_text(OLD_PAGE.format(title=title, headline=headline), encoding="utf-8")
    document = ingest_file(path, tmp_path)
    assert isinstance(document, Document), document
    assert document.title == HEADLINE


def test_old_page_keeps_a_title_of_its_own(tmp_path):
    path = tmp_path / "old.html"
    path.write_text(OLD_PAGE.format(title="Café åbner på stationen - Frivilligcenter Vest",
                                    headline=f"<b>{HEADLINE}</b>"), encoding="utf-8")
    assert ingest_file(path, tmp_path).title == "Café åbner på stationen"
