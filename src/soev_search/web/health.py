"""/healthz for monitoring: 200 with the document count when the index opens, else 503."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from soev_search.errors import IndexUnavailable
from soev_search.web.context import engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        documents = engine().document_count()
    except IndexUnavailable as exc:
        return jsonify({"status": "unavailable", "error": str(exc)}), 503
    return jsonify({"status": "ok", "documents": documents}), 200
