"""The JSON API under /api/: open to any origin for reading (CORS), errors as JSON."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from soev_search import settings
from soev_search.questionnaire import compare as compare_documents
from soev_search.questionnaire import find_question
from soev_search.similar import DEFAULT_LIMIT as DEFAULT_SIMILAR
from soev_search.similar import MAX_LIMIT as MAX_SIMILAR
from soev_search.web.compare import questionnaire_documents
from soev_search.web.context import engine
from soev_search.web.openapi import openapi_spec
from soev_search.web.params import (
    DEFAULT_COMPLETIONS,
    MAX_COMPLETIONS,
    ParamError,
    bounded_int,
    parse_query,
    parse_search_request,
)

bp = Blueprint("api", __name__, url_prefix="/api")

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


@bp.after_app_request
def _cors(response: Response) -> Response:
    # Registered app-wide so error answers to cross-origin API calls are readable too. Flask
    # answers OPTIONS (the preflight) for every route itself; this adds the CORS headers.
    if request.path.startswith("/api/") or request.path == "/embed.js":
        response.headers.update(CORS_HEADERS)
    return response


@bp.get("/search")
def search() -> Response:
    return jsonify(engine().search(parse_search_request(request.args)).to_dict())


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> Response:
    doc = engine().document(doc_id) if len(doc_id) <= settings.current().max_id_chars else None
    if doc is None:
        abort(404)
    return jsonify(doc.to_dict())


@bp.get("/documents/<doc_id>/similar")
def similar(doc_id: str) -> Response:
    limit = bounded_int(request.args, "limit", DEFAULT_SIMILAR, 1, MAX_SIMILAR)
    found = (engine().similar(doc_id, limit=limit)
             if len(doc_id) <= settings.current().max_id_chars else None)
    if found is None:
        abort(404)
    return jsonify({"id": doc_id, "similar": [s.to_dict() for s in found]})


@bp.get("/facets")
def facets() -> Response:
    return jsonify({
        facet: [{"value": v.value, "count": v.count} for v in values]
        for facet, values in engine().facets().items()
    })


@bp.get("/complete")
def complete() -> Response:
    query = parse_query(request.args)
    limit = bounded_int(request.args, "limit", DEFAULT_COMPLETIONS, 1, MAX_COMPLETIONS)
    # The engine completes the last word and keeps the words before it.
    return jsonify({"query": query, "suggestions": engine().complete(query, limit=limit)})


@bp.get("/compare")
def compare() -> Response:
    """The questionnaire comparison: every question, or only `question` (slug or number)."""
    question = request.args.get("question")
    comparison = compare_documents(questionnaire_documents(),
                                   request.args.getlist("municipality"), question)
    if question and find_question(comparison.questions, question) is None:
        count = len(comparison.questions)
        raise ParamError(f"Ukendt spørgsmål '{question[:40]}': "
                         + (f"brug et nummer fra 1 til {count} eller spørgsmålets korte navn."
                            if count else "de valgte kommuner har ingen statusartikler."))
    return jsonify(comparison.to_dict(only_selected=bool(question)))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_spec())

