"""The document model: its plain-data form (what the index stores and the API returns)."""

from dataclasses import asdict

from soev_search.document import Contact, Document, Figure, Section


def full_document() -> Document:
    return Document(
        id="silkeborg-strategi", path="silkeborg/strategi.txt", title="Strategi",
        text="Tekst om socialøkonomi.", source="text", content_hash="abc",
        municipality="Silkeborg", municipalities_mentioned=["Aarhus", "Silkeborg"],
        date="2019-05", year=2019, doctype="strategi", language="da",
        sections=[Section("Har kommunen en strategi?", "Ja.")],
        figures={"registered": Figure(12, approximate=True, raw="ca. 12"), "staff_flex": None},
        contact=Contact(name="Anne", email="anne@example.dk"), notes=["text cut"],
        url="https://example.dk/s", fetched="2026-01-02", set_by_hand=["title"])


def test_to_dict_is_the_dataclass_fields_as_plain_data():
    doc = full_document()
    assert doc.to_dict() == asdict(doc)


def test_to_dict_shares_no_mutable_value_with_the_document():
    doc = full_document()
    data = doc.to_dict()
    data["municipalities_mentioned"].append("Odense")
    data["sections"][0]["answer"] = "Nej."
    data["figures"]["registered"]["value"] = 1
    assert doc.municipalities_mentioned == ["Aarhus", "Silkeborg"]
    assert doc.sections[0].answer == "Ja."
    assert doc.figures["registered"].value == 12


def test_from_dict_restores_the_document():
    doc = full_document()
    assert Document.from_dict(doc.to_dict()) == doc
    bare = Document(id="a", path="a.txt", title="A", text="a", source="text", content_hash="h")
    assert Document.from_dict(bare.to_dict()) == bare
