"""Questionnaire sections, figures and contact of the seeds, and the number reading rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from soev_search.document import FIGURE_KEYS, Contact, Document, Figure
from soev_search.ingest import ingest_file
from soev_search.ingest.figures import parse_figure
from soev_search.ingest.structure import extract_sections

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NAMES = {
    "jammerbugt": "jammerbugt-status-2018.txt",
    "aalborg": "aalborg-status-september-2018.txt",
    "silkeborg": "silkeborg-status-2018.txt",
    "roskilde": "roskilde-status-august-2018.txt",
    "hillerod": "hilleroed-notat-socialoekonomi-2017.txt",
}


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    result = {key: ingest_file(CORPUS / name, CORPUS) for key, name in NAMES.items()}
    assert all(isinstance(d, Document) for d in result.values())
    return result


def values(document: Document) -> dict[str, tuple[int, bool, bool] | None]:
    return {key: (f.value, f.approximate, f.lower_bound) if f else None
            for key, f in document.figures.items()}


def test_every_figure_key_present(docs):
    for document in docs.values():
        assert tuple(document.figures) == FIGURE_KEYS


def test_jammerbugt_figures(docs):
    assert values(docs["jammerbugt"]) == {
        "social_enterprises": (6, False, False), "registered": (6, False, False),
        "staff_ordinary": (43, False, False), "staff_flex": (81, False, False),
        "staff_placements": (21, False, False), "staff_volunteers": (35, False, False)}


def test_aalborg_gives_no_numbers(docs):
    assert values(docs["aalborg"]) == dict.fromkeys(FIGURE_KEYS)


def test_silkeborg_figures(docs):
    assert values(docs["silkeborg"]) == {
        "social_enterprises": (23, False, False), "registered": (10, False, False),
        "staff_ordinary": (100, False, True), "staff_flex": (80, False, False),
        "staff_placements": (50, False, False), "staff_volunteers": (30, True, False)}


def test_roskilde_figures(docs):
    assert values(docs["roskilde"]) == {
        "social_enterprises": (7, False, False), "registered": (3, False, False),
        "staff_ordinary": (7, True, False), "staff_flex": (12, True, False),
        "staff_placements": (12, True, False), "staff_volunteers": (30300, True, False)}


def test_the_note_is_no_questionnaire(docs):
    assert docs["hillerod"].sections == []
    assert values(docs["hillerod"]) == dict.fromkeys(FIGURE_KEYS)


@pytest.mark.parametrize("key", ["jammerbugt", "aalborg", "silkeborg", "roskilde"])
def test_status_articles_answer_the_questionnaire(docs, key):
    sections = docs[key].sections
    assert len(sections) == 10
    assert sections[0].question == ("Har I en strategi for socialøkonomiske virksomheder "
                                    "eller en aftale?")
    assert sections[-1].question.startswith("Arbejder kommunen aktivt med indkøbspolitik")
    assert all(s.question.endswith(("?", "?)")) for s in sections)


def test_answer_runs_to_the_next_question(docs):
    sections = {s.question: s.answer for s in docs["jammerbugt"].sections}
    answer = sections["Hvor mange er registrerede socialøkonomiske virksomheder? "
                      "(og hvor mange jobs har de skabt til udsatte?)"]
    assert answer == "Alle seks virksomheder er registrerede. Se endvidere ovenstående."


def test_contacts(docs):
    assert docs["jammerbugt"].contact == Contact("Peter Mortensen", "pmn@jammerbugt.dk",
                                                 "41 91 14 84")
    assert docs["roskilde"].contact == Contact("Trine Faber Velling", "trinev@roskilde.dk",
                                               "+45 29 26 92 91")
    assert docs["aalborg"].contact == Contact("Frida Tarp", "frit@aalborg.dk", "25 20 01 31")
    assert docs["silkeborg"].contact is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("ca. 12", Figure(12, approximate=True, raw="ca. 12")),
    ("mere end 100", Figure(100, lower_bound=True, raw="mere end 100")),
    ("ca. 30.300 (primært frivillige)", Figure(30300, approximate=True,
                                               raw="ca. 30.300 (primært frivillige)")),
    ("ikke opgjort men skønnes til omkring 30 personer",
     Figure(30, approximate=True, raw="ikke opgjort men skønnes til omkring 30 personer")),
    ("seks", Figure(6, raw="seks")),
    ("", None),
    ("Se ovenstående.", None),
])
def test_parse_figure(raw, expected):
    assert parse_figure(raw) == expected


def test_one_rhetorical_question_makes_no_sections():
    text = "Hvad er socialøkonomi?\nEn måde at drive virksomhed på.\n\nMere tekst her."
    assert extract_sections(text) == []
