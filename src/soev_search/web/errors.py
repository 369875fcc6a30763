"""Every error answered cleanly: Danish HTML pages for people, JSON for the API, no traceback.

The JSON form is chosen for /api/ and /healthz; everything else gets an HTML page.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from soev_search.errors import IndexUnavailable
from soev_search.web.params import ParamError

log = logging.getLogger(__name__)

DANISH_TITLES = {
    400: "Forkert forespørgsel",
    404: "Siden findes ikke",
    405: "Metoden er ikke tilladt",
    413: "Forespørgslen er for stor",
    500: "Der opstod en fejl",
    503: "Søgningen er ikke tilgængelig lige nu",
}

DANISH_MESSAGES = {
    404: "Vi kunne ikke finde det, du leder efter. Prøv at søge efter det i stedet.",
    405: "Denne adresse kan ikke bruges på den måde.",
    413: "Forespørgslen er for stor.",
    500: "Noget gik galt hos os. Prøv igen om lidt.",
    503: "Søgeindekset kan ikke åbnes. Prøv igen om lidt.",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(ParamError, lambda exc: _answer(400, str(exc)))
    app.register_error_handler(IndexUnavailable, _index_unavailable)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _index_unavailable(exc: IndexUnavailable) -> Response:
    log.warning("index unavailable: %s", exc)
    return _answer(503, DANISH_MESSAGES[503], detail=str(exc))


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    message = DANISH_MESSAGES.get(code) or exc.description or DANISH_TITLES.get(code, "Fejl")
    response = _answer(code, message)
    if code == 405 and exc.response is None:
        allowed = exc.get_headers()
        for name, value in allowed:
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.path)
    return _answer(500, DANISH_MESSAGES[500])


def _answer(code: int, message: str, detail: str | None = None) -> Response:
    if wants_json():
        body = {"error": message, "status": code}
        if detail:
            body["detail"] = detail
        response = jsonify(body)
    else:
        response = Response(render_template(
            "error.html", code=code, title=DANISH_TITLES.get(code, "Fejl"), message=message,
            detail=detail,
        ), mimetype="text/html")
    response.status_code = code
    return response
