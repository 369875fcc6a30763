"""The five bundled seed documents: boilerplate gone, own text kept, metadata as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from soev_search.document import Document
from soev_search.ingest import corpus_files, ingest_file, learn_repeated_lines

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BLOG_FILES = ("jammerbugt-status-2018.txt", "aalborg-status-september-2018.txt",
              "silkeborg-status-2018.txt", "roskilde-status-august-2018.txt")
HILLEROD = "hilleroed-notat-socialoekonomi-2017.txt"
BLOG_BOILERPLATE = ("skip to Main Content", "This Post Has", "Skriv et svar",
                    "Din e-mailadresse vil ikke blive publiceret", "Krævede felter",
                    "Back To Top", "Se også")
# First and last lines of each seed's own text, as in the file.
FIRST_AND_LAST = {
    "jammerbugt-status-2018.txt": (
        "Socialøkonomi i Jammerbugt Kommune – status 2018",
        "For yderligere information kan man kontakte Peter Mortensen på: tlf. 41 91 14 84 "
        "Email. pmn@jammerbugt.dk"),
    "aalborg-status-september-2018.txt": (
        "Socialøkonomi i Aalborg Kommune – status september 2018",
        "For yderligere oplysninger kontakt: Frida Tarp på: tlf. 25 20 01 31 eller email. "
        "frit@aalborg.dk"),
    "silkeborg-status-2018.txt": (
        "Socialøkonomi i Silkeborg Kommune – status 2018",
        "Hensigten er indskrevet i Silkeborg Kommunes indkøbs strategi."),
    "roskilde-status-august-2018.txt": (
        "Socialøkonomi i Roskilde Kommune – status august 2018",
        "Ja det gør kommunen. Kommunen vil dog i den næste strategiperiode undersøge muligheder "
        "for at styrke socialøkonomi i indkøbs- og udbudsprocesser."),
}
EXPECTED = {
    "jammerbugt-status-2018.txt": ("Jammerbugt", "2018", "artikel"),
    "aalborg-status-september-2018.txt": ("Aalborg", "2018-09", "artikel"),
    "silkeborg-status-2018.txt": ("Silkeborg", "2018", "artikel"),
    "roskilde-status-august-2018.txt": ("Roskilde", "2018-08", "artikel"),
    HILLEROD: ("Hillerød", "2017-11", "notat"),
}


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    paths = list(corpus_files(CORPUS))
    repeated = learn_repeated_lines(paths)
    result = {}
    for path in paths:
        document = ingest_file(path, CORPUS, repeated)
        assert isinstance(document, Document), document
        result[path.name] = document
    return result


@pytest.mark.parametrize("name", BLOG_FILES)
def test_blog_boilerplate_is_gone(documents, name):
    text = documents[name].text
    for phrase in BLOG_BOILERPLATE:
        assert phrase.casefold() not in text.casefold(), phrase


@pytest.mark.parametrize("name", BLOG_FILES)
def test_blog_first_and_last_line_kept(documents, name):
    lines = [squeeze(line) for line in documents[name].text.split("\n") if line.strip()]
    first, last = FIRST_AND_LAST[name]
    assert lines[0] == first
    assert lines[-1] == last


def test_no_sentence_of_the_blog_text_is_lost(documents):
    """Every line of the seed between title and boilerplate is in the cleaned text."""
    raw = (CORPUS / "jammerbugt-status-2018.txt").read_text(encoding="utf-8").split("\n")
    own = raw[raw.index("Socialøkonomi i Jammerbugt Kommune – status 2018"):]
    own = own[:next(i for i, line in enumerate(own) if line.startswith("Se også"))]
    text = squeeze(documents["jammerbugt-status-2018.txt"].text)
    for line in own:
        assert squeeze(line) in text


def test_aalborg_sibling_titles_after_se_ogsaa_are_gone(documents):
    text = documents["aalborg-status-september-2018.txt"].text
    assert "Slagelse" not in text
    assert "Socialøkonomi i Roskilde Kommune" not in text


def test_roskilde_links_list_is_gone_but_text_naming_links_stays(documents):
    text = documents["roskilde-status-august-2018.txt"].text
    assert "Notat om socialøkonomi i Roskilde Kommune" not in text
    assert "\nLinks" not in text


def test_hillerod_related_documents_gone(documents):
    text = documents[HILLEROD].text
    assert "Relaterede dokumenter" not in text
    assert "Transkript" not in text
    assert "Horsens" not in text and "Veteranstrategi" not in text
    assert documents[HILLEROD].title == "Hillerød Kommune og socialøkonomisk virksomhed notat"


def test_hillerod_page_numbers_removed_real_numbers_kept(documents):
    text = squeeze(documents[HILLEROD].text)
    assert "aktivt medborgerskab. 2. Væsentlig erhvervsdrift" in text
    assert "medborgerskab. 1" not in text
    assert "udfordringer er manglende finansiering" in text
    assert text.endswith("TINS, 201117")
    assert "budget 2017-2020" in text
    assert "Det gør flere kommuner ved at drive" in text
    assert text.startswith("Hillerød Kommune og socialøkonomisk virksomhed notat Afsæt")


def test_hillerod_numbered_headings_are_paragraphs_of_their_own(documents):
    paragraphs = documents[HILLEROD].text.split("\n\n")
    for heading in ("7. Socialøkonomisk politik", "15. Socialøkonomisk målsætning",
                    "1. Socialt formål", "2. Væsentlig erhvervsdrift"):
        assert heading in paragraphs
    assert any(p.startswith("Forligspartierne ønsker et oplæg") for p in paragraphs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata(documents, name):
    document = documents[name]
    municipality, date, doctype = EXPECTED[name]
    assert document.municipality == municipality
    assert document.date == date
    assert document.year == int(date[:4])
    assert document.doctype == doctype
    assert document.language == "da"
    assert document.path == name
    assert document.source == ("document-site" if name == HILLEROD else "blog")


def test_mentions_come_from_cleaned_text_only(documents):
    assert documents["aalborg-status-september-2018.txt"].municipalities_mentioned == ["Aalborg"]
    assert documents["silkeborg-status-2018.txt"].municipalities_mentioned == ["Silkeborg"]
    hillerod = documents[HILLEROD].municipalities_mentioned
    assert "Hillerød" in hillerod and "Roskilde" in hillerod and "Kolding" in hillerod
    assert "Horsens" not in hillerod and "Esbjerg" not in hillerod


def test_ids_are_stable_and_distinct(documents):
    again = ingest_file(CORPUS / HILLEROD, CORPUS)
    assert again.id == documents[HILLEROD].id
    assert again.content_hash == documents[HILLEROD].content_hash
    assert len({d.id for d in documents.values()}) == len(documents)
