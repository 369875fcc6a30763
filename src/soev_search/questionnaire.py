"""The status articles' shared questionnaire, compared municipality by municipality.

The articles ask the same questions in slightly different words, so questions are grouped
by similarity of their normalised text rather than by exact equality. Used by the web page
(/compare), the API (/api/compare) and `soev-index compare`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from soev_search.analysis import normalize
from soev_search.document import FIGURE_KEYS, Document, Figure

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


@dataclass
class Comparison:
    """The questionnaire documents of the chosen municipalities (all when none is chosen),
    their questions in questionnaire order, the selected question and the figure bars."""

    documents: list[Document]
    municipalities: list[str]  # every municipality that answers, to choose from
    chosen: list[str]
    questions: list[Question]
    selected: Question | None
    charts: dict[str, list[Bar]]

    def to_dict(self, only_selected: bool = False) -> dict[str, Any]:
        """JSON-ready: documents, questions with answers by document id, figures."""
        questions = [self.selected] if only_selected and self.selected else self.questions
        return {
            "municipalities": self.municipalities,
            "chosen": self.chosen,
            "documents": [{"id": d.id, "title": d.title, "municipality": d.municipality,
                           "year": d.year, "date": d.date, "label": column_label(d)}
                          for d in self.documents],
            "selected": self.selected.slug if self.selected else None,
            "questions": [{"number": self.questions.index(q) + 1, "slug": q.slug,
                           "text": q.text, "answers": q.answers} for q in questions],
            "figures": {d.id: {key: _figure_dict(d.figures.get(key)) for key in FIGURE_KEYS}
                        for d in self.documents},
        }


def compare(documents: list[Document], municipalities: Sequence[str] = (),
            question: str | None = None) -> Comparison:
    """The comparison of `documents` (any documents; those with questions are used), for the
    chosen municipalities; `question` is a slug or a number counted from 1 (default: the
    first question)."""
    all_docs = questionnaire_documents(documents)
    answering = sorted({d.municipality for d in all_docs if d.municipality})
    chosen = _chosen_municipalities(municipalities, answering)
    docs = [d for d in all_docs if d.municipality in chosen] if chosen else all_docs
    questions = group_questions(docs)
    return Comparison(
        documents=docs,
        municipalities=answering,
        chosen=chosen,
        questions=questions,
        selected=select_question(questions, question),
        charts={key: figure_bars(docs, key) for key in FIGURE_KEYS},
    )


def _chosen_municipalities(wanted: Sequence[str], answering: list[str]) -> list[str]:
    """The wanted names as the documents spell them: any case and spelling, as in a search
    filter, with or without "Kommune"; a name no document has is kept as typed."""
    by_key = {_municipality_key(name): name for name in answering}
    return [by_key.get(_municipality_key(name), name.strip()) for name in wanted if name.strip()]


def _municipality_key(name: str) -> str:
    words = normalize(name).split()
    if len(words) > 1 and words[-1] == "kommune":
        words.pop()
    return " ".join(words)


def select_question(questions: list[Question], wanted: str | None) -> Question | None:
    """The question with this slug or number (from 1); the first when none is wanted or
    the wanted one does not exist."""
    return find_question(questions, wanted) or (questions[0] if questions else None)


def find_question(questions: list[Question], wanted: str | None) -> Question | None:
    """The question with this slug or number (from 1), or None."""
    wanted = (wanted or "").strip()
    if wanted.isdigit() and 1 <= int(wanted) <= len(questions):
        return questions[int(wanted) - 1]
    return next((q for q in questions if q.slug == wanted), None)


class QuestionnaireCache:
    """The questionnaire documents of the build last seen. Reading every document to find
    them is the slow part (0.2 s per 2,000 documents), and they change only with the build."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: object = None
        self._documents: list[Document] = []

    def documents(self, build_id: object, load: Callable[[], list[Document]]) -> list[Document]:
        """The questionnaire documents of build `build_id`; `load` reads all documents."""
        with self._lock:
            if self._key != build_id:
                self._documents = questionnaire_documents(load())
                self._key = build_id
            return self._documents


def _figure_dict(figure: Figure | None) -> dict[str, Any] | None:
    return asdict(figure) if figure is not None else None
