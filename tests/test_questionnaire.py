"""The questionnaire comparison as a library: grouping, selection, figures, JSON, the cache."""

from __future__ import annotations

from soev_search.document import FIGURE_KEYS, Document, Figure, Section
from soev_search.questionnaire import QuestionnaireCache, compare, group_questions

QUESTIONS = ["Har I en strategi for socialøkonomiske virksomheder?",
             "Hvor mange socialøkonomiske virksomheder har I i kommunen?"]


def status_doc(doc_id: str, municipality: str, answers: list[str],
               figures: dict[str, Figure] | None = None, year: int = 2018) -> Document:
    return Document(
        id=doc_id, path=f"{doc_id}.txt", title=f"Status {municipality}", text="",
        source="text", content_hash="", municipality=municipality, year=year,
        sections=[Section(q, a) for q, a in zip(QUESTIONS, answers, strict=True)],
        figures={key: (figures or {}).get(key) for key in FIGURE_KEYS},
    )


DOCS = [
    status_doc("s", "Silkeborg", ["Nej.", "23"], {"social_enterprises": Figure(23, raw="23")}),
    status_doc("a", "Aalborg", ["Ja, siden 2016.", "Omkring 40"],
               {"social_enterprises": Figure(40, approximate=True, raw="ca. 40")}),
    Document(id="n", path="n.txt", title="Et notat", text="", source="text", content_hash=""),
]


def test_differently_worded_questions_are_grouped() -> None:
    docs = [status_doc("x", "Aarhus", ["a", "b"]), status_doc("y", "Odense", ["c", "d"])]
    docs[1].sections[0] = Section("Har I en strategi for socialøkonomiske virksomheder "
                                  "eller en aftale?", "c")
    questions = group_questions(docs)
    assert len(questions) == 2
    assert questions[0].answers == {"x": "a", "y": "c"}
    assert len({q.slug for q in questions}) == 2


def test_compare_orders_by_municipality_and_ignores_documents_without_questions() -> None:
    comparison = compare(DOCS)
    assert [d.id for d in comparison.documents] == ["a", "s"]
    assert comparison.municipalities == ["Aalborg", "Silkeborg"]
    assert comparison.selected is comparison.questions[0]
    assert [bar.width_percent for bar in comparison.charts["social_enterprises"]] == [
        100.0, 100.0 * 23 / 40]


def test_a_question_is_chosen_by_number_or_slug_and_municipalities_filter() -> None:
    comparison = compare(DOCS, question="2")
    assert comparison.selected.text == QUESTIONS[1]
    assert compare(DOCS, question=comparison.selected.slug).selected.text == QUESTIONS[1]
    assert compare(DOCS, question="99").selected.text == QUESTIONS[0]
    only = compare(DOCS, municipalities=["Silkeborg"])
    assert [d.id for d in only.documents] == ["s"] and only.chosen == ["Silkeborg"]


def test_municipalities_are_chosen_in_any_case_with_or_without_kommune() -> None:
    comparison = compare(DOCS, municipalities=["silkeborg", "AALBORG KOMMUNE", "Atlantis"])
    assert compare(DOCS, municipalities=["Silkebørg"]).chosen == ["Silkeborg"]
    assert [d.id for d in comparison.documents] == ["a", "s"]
    assert comparison.chosen == ["Silkeborg", "Aalborg", "Atlantis"]


def test_json_holds_answers_by_document_and_figures() -> None:
    data = compare(DOCS, question="2").to_dict(only_selected=True)
    [question] = data["questions"]
    assert question["number"] == 2 and question["answers"] == {"a": "Omkring 40", "s": "23"}
    assert data["figures"]["a"]["social_enterprises"] == {
        "value": 40, "approximate": True, "lower_bound": False, "raw": "ca. 40"}
    assert data["figures"]["s"]["staff_flex"] is None
    assert len(compare(DOCS).to_dict()["questions"]) == 2


def test_the_cache_reads_the_documents_once_per_build() -> None:
    cache, loads = QuestionnaireCache(), []

    def load() -> list[Document]:
        loads.append(1)
        return DOCS

    assert [d.id for d in cache.documents("build-1", load)] == ["a", "s"]
    cache.documents("build-1", load)
    assert len(loads) == 1
    cache.documents("build-2", load)
    assert len(loads) == 2
