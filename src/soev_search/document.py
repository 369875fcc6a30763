"""The document model that flows from the ingester to the index, the search and the web."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

DOCTYPES = (
    "artikel",
    "notat",
    "strategi",
    "politik",
    "handleplan",
    "referat",
    "kvalitetsstandard",
    "andet",
)

# Where a document's text came from (Document.source): a plain file, a web page, a PDF, or a
# text file captured from a blog or a document-sharing site.
SOURCES = ("text", "html", "pdf", "blog", "document-site")

# Keys of Document.figures, in the order of the shared questionnaire.
FIGURE_KEYS = (
    "social_enterprises",
    "registered",
    "staff_ordinary",
    "staff_flex",
    "staff_placements",
    "staff_volunteers",
)


@dataclass(frozen=True)
class Figure:
    """A number as the text gives it: "ca. 12" is approximate, "mere end 100" a lower bound."""

    value: int
    approximate: bool = False
    lower_bound: bool = False
    raw: str = ""

    def as_text(self) -> str:
        """Plain and short, for terminals: "~12", ">=100", "7"."""
        if self.lower_bound:
            return f">={self.value}"
        return f"~{self.value}" if self.approximate else str(self.value)


@dataclass(frozen=True)
class Section:
    """One question of a questionnaire and the document's answer to it."""

    question: str
    answer: str


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class Document:
    """A cleaned, described document. `date` is ISO and as precise as the text: 2018, 2018-09."""

    id: str
    path: str
    title: str
    text: str
    source: str
    content_hash: str
    municipality: str | None = None
    municipalities_mentioned: list[str] = field(default_factory=list)
    date: str | None = None
    year: int | None = None
    doctype: str = "andet"
    language: str = "da"
    sections: list[Section] = field(default_factory=list)
    # Every key of FIGURE_KEYS is present; None means the document gives no number.
    figures: dict[str, Figure | None] = field(default_factory=dict)
    contact: Contact | None = None
    # What the ingester changed beyond cleaning, one line each ("text cut at 2,000,000 chars").
    notes: list[str] = field(default_factory=list)
    # From the document's sidecar (ingest/sidecar.py): where it was fetched from and when,
    # and which of title, municipality, date, doctype, language were set by hand there.
    url: str | None = None
    fetched: str | None = None
    set_by_hand: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON. By hand, not dataclasses.asdict: that recurses and deep-copies
        every value, which made it a tenth of a rebuild's cost per short document."""
        data = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        data["municipalities_mentioned"] = list(self.municipalities_mentioned)
        data["sections"] = [vars(section).copy() for section in self.sections]
        data["figures"] = {key: vars(figure).copy() if figure is not None else None
                           for key, figure in self.figures.items()}
        data["contact"] = vars(self.contact).copy() if self.contact is not None else None
        data["notes"] = list(self.notes)
        data["set_by_hand"] = list(self.set_by_hand)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        values = dict(data)
        values["sections"] = [Section(**s) for s in values.get("sections", [])]
        values["figures"] = {
            key: Figure(**fig) if fig is not None else None
            for key, fig in values.get("figures", {}).items()
        }
        contact = values.get("contact")
        values["contact"] = Contact(**contact) if contact else None
        return cls(**values)


_DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))


@dataclass(frozen=True)
class Skipped:
    """A file the ingester could not turn into a document, and why, in one line."""

    path: str
    reason: str
