"""The comparison page: the status articles' shared questionnaire, municipality by municipality.

The articles ask the same questions in slightly different words, so questions are grouped
by similarity of their normalised text rather than by exact equality.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.datastructures import MultiDict

from soev_search.document import FIGURE_KEYS, Document, Figure
from soev_search.web.context import engine

bp = Blueprint("compare", __name__)

SAME_QUESTION_RATIO = 0.75
MAX_SLUG_WORDS = 8


@dataclass
class Question:
    """One question of the questionnaire and each document's answer to it (by document id)."""

    slug: str
    text: str
    answers: dict[str, str] = field(default_factory=dict)
    positions: list[float] = field(default_factory=list)
    wordings: Counter = field(default_factory=Counter)
    key: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    figure: Figure | None
    width_percent: float


# The questionnaire documents of the index version last seen: reading every document to
# find them is the slow part of the page (0.2 s per 2,000 documents), and they change only
# when the index does.
_cached: tuple[tuple, list[Document]] | None = None


@bp.get("/compare")
def compare() -> str:
    return render_template("compare.html", **compare_context(_questionnaire_documents(),
                                                             request.args))


def _questionnaire_documents() -> list[Document]:
    global _cached
    stats = engine().stats()
    version = (id(engine()), stats.get("build"), stats.get("built_at"),
               stats.get("updated_at"))
    cached = _cached
    if cached is None or cached[0] != version:
        cached = (version, questionnaire_documents(engine().documents(None)))
        _cached = cached
    return cached[1]


def compare_context(documents: list[Document], args: MultiDict[str, str]) -> dict[str, Any]:
    """What the comparison template shows for these documents and request parameters."""
    all_docs = questionnaire_documents(documents)
    chosen = [name for name in args.getlist("municipality") if name]
    docs = [d for d in all_docs if d.municipality in chosen] if chosen else all_docs
    questions = group_questions(docs)
    slug = args.get("question", "")
    selected = next((q for q in questions if q.slug == slug), questions[0] if questions else None)
    return {
        "docs": docs,
        "all_municipalities": sorted({d.municipality for d in all_docs if d.municipality}),
        "chosen": chosen,
        "questions": questions,
        "selected": selected,
        "figure_keys": FIGURE_KEYS,
        "charts": {key: figure_bars(docs, key) for key in FIGURE_KEYS},
    }


def questionnaire_documents(documents: list[Document]) -> list[Document]:
    """Documents with question/answer sections, by municipality then date."""
    with_sections = [d for d in documents if d.sections]
    return sorted(with_sections, key=lambda d: (d.municipality or "~", d.date or "", d.id))


def group_questions(documents: list[Document]) -> list[Question]:
    """Questions across documents, similar wordings merged, in questionnaire order."""
    questions: list[Question] = []
    for doc in documents:
        count = len(doc.sections)
        for position, section in enumerate(doc.sections):
            key = _normalise(section.question)
            if not key:
                continue
            question = _closest(questions, key)
            if question is None:
                question = Question(slug="", text=section.question, key=key)
                questions.append(question)
            question.answers.setdefault(doc.id, section.answer)
            question.positions.append(position / max(1, count - 1))
            question.wordings[section.question.strip()] += 1
    for question in questions:
        question.text = question.wordings.most_common(1)[0][0]
    questions.sort(key=lambda q: (-min(len(q.answers), 2), sum(q.positions) / len(q.positions)))
    _assign_slugs(questions)
    return questions


def figure_bars(documents: list[Document], key: str) -> list[Bar]:
    """One bar per document; width relative to the largest number; None where not given."""
    figures = [d.figures.get(key) for d in documents]
    largest = max((f.value for f in figures if f is not None), default=0)
    return [
        Bar(
            label=column_label(doc),
            figure=figure,
            width_percent=(100.0 * figure.value / largest) if figure and largest else 0.0,
        )
        for doc, figure in zip(documents, figures, strict=True)
    ]


def column_label(doc: Document) -> str:
    """The municipality and, since one municipality may answer twice, the year."""
    name = doc.municipality or doc.title
    return f"{name} {doc.year}" if doc.year else name


def _closest(questions: list[Question], key: str) -> Question | None:
    best, best_ratio = None, SAME_QUESTION_RATIO
    for question in questions:
        ratio = SequenceMatcher(None, question.key, key).ratio()
        if ratio >= best_ratio:
            best, best_ratio = question, ratio
    return best


def _normalise(question: str) -> str:
    """Lower case, no parenthesised asides, no punctuation: what the wordings have in common."""
    text = re.sub(r"\([^)]*\)", " ", question.casefold())
    text = "".join(c if c.isalnum() or c.isspace() else " " for c in text)
    return " ".join(text.split())


def _assign_slugs(questions: list[Question]) -> None:
    used: set[str] = set()
    for question in questions:
        base = _slugify(question.key) or "spoergsmaal"
        slug, number = base, 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        question.slug = slug


def _slugify(text: str) -> str:
    folded = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:MAX_SLUG_WORDS])
