"""PDFs made with reportlab: running header/footer and page numbers go, paragraphs come back."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from soev_search.document import Document, Skipped
from soev_search.ingest import ingest_file

HEADER = "Hillerød Kommune – Notat om socialøkonomi"
PAGES = [
    ["Socialøkonomi i Hillerød Kommune", "",
     "Kommunen ønsker at styrke samarbejdet med de socialøkonomiske virk-",
     "somheder, fordi de skaber job til borgere på kanten af arbejdsmarkedet.",
     "Det gælder både social- og beskæftigelsesområdet.", "",
     "Der er i dag to registrerede virksomheder i kommunen, og flere er på vej"],
    ["mod en registrering i løbet af budget 2017-2020.", "",
     "2. Væsentlig erhvervsdrift er et af de fem kriterier for registrering."],
    ["Notatet blev skrevet i november 2017 af Team Innovation og Strategi.", "",
     "TINS, 201117"],
]


def make_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, HEADER)
        pdf.setFont("Helvetica", 11)
        y = height - 100
        for line in lines:
            if line:
                pdf.drawString(72, y, line)
            y -= 14 if line else 24
        pdf.setFont("Helvetica", 9)
        pdf.drawString(width / 2, 30, f"Side {number} af {len(pages)}")
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def note(tmp_path_factory) -> Document:
    folder = tmp_path_factory.mktemp("pdf")
    document = ingest_file(make_pdf(folder / "notat.pdf", PAGES), folder)
    assert isinstance(document, Document), document
    return document


def test_running_header_and_page_numbers_are_gone(note):
    assert HEADER not in note.text
    assert "Side 1" not in note.text and "af 3" not in note.text


def test_paragraphs_are_rebuilt(note):
    text = note.text
    assert ("Kommunen ønsker at styrke samarbejdet med de socialøkonomiske virksomheder, fordi "
            "de skaber job til borgere på kanten af arbejdsmarkedet.") in text
    assert "social- og beskæftigelsesområdet" in text
    # A sentence cut by a page break is one again; a new paragraph on the next page is not.
    assert "og flere er på vej mod en registrering i løbet af budget 2017-2020." in text
    assert "2017-2020.\n2. Væsentlig erhvervsdrift" in text


def test_metadata_of_a_pdf(note):
    assert note.source == "pdf"
    assert note.title == "Socialøkonomi i Hillerød Kommune"
    assert note.municipality == "Hillerød"
    assert note.date == "2017-11"
    assert note.text.rstrip().endswith("TINS, 201117")


def test_pdf_metadata_title_wins_unless_generic(tmp_path):
    named = ingest_file(make_pdf(tmp_path / "a.pdf", PAGES, "Notat: socialøkonomi"), tmp_path)
    assert named.title == "Notat: socialøkonomi"
    generic = ingest_file(make_pdf(tmp_path / "b.pdf", PAGES, "Microsoft Word - notat3.docx"),
                          tmp_path)
    assert generic.title == "Socialøkonomi i Hillerød Kommune"


def test_pdf_without_text_is_skipped(tmp_path):
    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"))
    pdf.rect(10, 10, 100, 100, fill=1)
    pdf.showPage()
    pdf.save()
    result = ingest_file(tmp_path / "scan.pdf", tmp_path)
    assert isinstance(result, Skipped) and "without extractable text" in result.reason


def test_truncated_pdf_is_skipped_or_read_never_raises(tmp_path):
    whole = make_pdf(tmp_path / "whole.pdf", PAGES).read_bytes()
    (tmp_path / "half.pdf").write_bytes(whole[: len(whole) // 2])
    result = ingest_file(tmp_path / "half.pdf", tmp_path)
    assert isinstance(result, Document | Skipped)
    # Not the catch-all "could not read: <exception>": the PDF reader recognises the damage.
    if isinstance(result, Skipped):
        assert result.reason.startswith("damaged PDF"), result.reason
    else:
        assert PAGES[0].split()[0] in result.text


HEADED = [[
    "Som en del af forliget om budget 2017-2020 blev det aftalt i byrådet, at",
    "forvaltningen skulle lave et oplæg om socialøkonomi til Økonomiudvalget:",
    "7. Socialøkonomisk politik",
    "Forligspartierne ønsker et oplæg om, hvordan Hillerød Kommune kan arbejde",
    "med en politik for socialøkonomi på baggrund af udbuds- og indkøbspolitikken.",
    "Hvad er en socialøkonomisk virksomhed",
    "Virksomheder skal leve op til fem lovbestemte kriterier for at blive registreret",
    "som socialøkonomisk virksomhed hos Erhvervsstyrelsen, og de skal drive forretning.",
]]
RUN_ON = [[
    "Som en del af forliget om budget 2017-2020 blev det aftalt, at: 7. Socialøkonomisk",
    "politik Forligspartierne ønsker et oplæg om socialøkonomi til Økonomiudvalget. Vi",
    "mødes kl. 10. Derefter går udvalget videre med kriterierne (fra Erhvervsstyrelsen):",
    "1. Socialt formål Virksomhedens primære formål har samfundsgavnlig karakter med et",
    "socialt sigte. 3. Uafhængighed af det offentlige Virksomheden fungerer uden væsentlig",
    "offentlig indflydelse på ledelsen og driften af virksomheden i kommunen.",
]]


def test_heading_lines_after_a_sentence_end_are_paragraphs_of_their_own(tmp_path):
    document = ingest_file(make_pdf(tmp_path / "headed.pdf", HEADED), tmp_path)
    paragraphs = document.text.split("\n\n")
    assert "7. Socialøkonomisk politik" in paragraphs
    assert "Hvad er en socialøkonomisk virksomhed" in paragraphs
    assert any(p.startswith("Forligspartierne ønsker et oplæg") and
               p.endswith("indkøbspolitikken.") for p in paragraphs)
    assert any(p.startswith("Som en del af forliget") and p.endswith("Økonomiudvalget:")
               for p in paragraphs)


def test_numbered_headings_inside_a_run_of_text_get_their_own_paragraph(tmp_path):
    document = ingest_file(make_pdf(tmp_path / "run-on.pdf", RUN_ON), tmp_path)
    paragraphs = document.text.split("\n\n")
    for heading in ("7. Socialøkonomisk politik", "1. Socialt formål",
                    "3. Uafhængighed af det offentlige"):
        assert heading in paragraphs, paragraphs
    assert any(p.startswith("Virksomhedens primære formål") for p in paragraphs)
    # "kl. 10." is a time, not a heading.
    assert "mødes kl. 10. Derefter går udvalget videre" in document.text
