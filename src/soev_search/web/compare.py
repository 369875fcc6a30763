"""The comparison page (/compare): the questionnaire comparison of soev_search.questionnaire."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.datastructures import MultiDict

from soev_search.document import FIGURE_KEYS, Document
from soev_search.questionnaire import compare as compare_documents
from soev_search.web.context import engine, service

bp = Blueprint("compare", __name__)


@bp.get("/compare")
def compare() -> str:
    return render_template("compare.html",
                           **compare_context(questionnaire_documents(), request.args))


def questionnaire_documents() -> list[Document]:
    """The current build's questionnaire documents, read once per build."""
    current = engine()
    return service().questionnaire.documents(current.build_id(), current.documents)


def compare_context(documents: list[Document], args: MultiDict[str, str]) -> dict[str, Any]:
    """What the comparison template shows for these documents and request parameters."""
    comparison = compare_documents(documents, args.getlist("municipality"),
                                   args.get("question"))
    return {
        "docs": comparison.documents,
        "all_municipalities": comparison.municipalities,
        "chosen": comparison.chosen,
        "questions": comparison.questions,
        "selected": comparison.selected,
        "figure_keys": FIGURE_KEYS,
        "charts": comparison.charts,
    }
