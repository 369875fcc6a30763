"""The pages people read: search, a document, its original file, and the developer page."""

from __future__ import annotations

import math
import mimetypes
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    send_file,
    send_from_directory,
)
from markupsafe import Markup, escape

from soev_search import settings
from soev_search.document import Document
from soev_search.results import SearchRequest
from soev_search.web.context import engine, service
from soev_search.web.params import parse_search_request

bp = Blueprint("pages", __name__)

SIMILAR_SHOWN = 5

EXAMPLE_SEARCHES = (
    "socialøkonomi",
    "strategi",
    "fleksjob",
    "indkøb",
    "frivillige",
    '"registrerede socialøkonomiske virksomheder"',
)
TEXT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".md", ".csv"}


@bp.get("/")
def search() -> str:
    search_request = parse_search_request(request.args)
    result = engine().search(search_request)
    pages = math.ceil(result.total / search_request.per_page)
    last_page = min(settings.current().max_page, max(1, pages))
    return render_template(
        "search.html",
        req=search_request,
        result=result,
        last_page=last_page,
        page_numbers=_page_window(search_request.page, last_page),
        is_landing=_is_landing(search_request),
        examples=EXAMPLE_SEARCHES,
    )


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> str:
    doc = _find_document(doc_id)
    query = (request.args.get("q") or "").strip()[:settings.current().max_query_chars]
    return render_template(
        "document.html",
        doc=doc,
        query=query,
        paragraphs=[_with_breaks(p) for p in split_paragraphs(_marked_html(doc.text, query))],
        sections=[(_with_breaks(_marked_html(s.question, query)),
                   [_with_breaks(p) for p in split_paragraphs(_marked_html(s.answer, query))])
                  for s in doc.sections],
        has_original=_original_path(doc) is not None,
        similar=engine().similar(doc.id, limit=SIMILAR_SHOWN) or [],
    )


@bp.get("/documents/<doc_id>/original")
def original(doc_id: str) -> Response:
    doc = _find_document(doc_id)
    path = _original_path(doc)
    if path is None:
        abort(404)
    mimetype, charset = _safe_content_type(path)
    response = send_file(path, mimetype=mimetype, download_name=path.name,
                         as_attachment=False, conditional=True)
    if charset:
        response.headers["Content-Type"] = f"{mimetype}; charset={charset}"
    if mimetype == "text/plain":
        # The original may be untrusted HTML: shown as text, and sandboxed should a browser
        # ever render it.
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(bp.root_path + "/static", "favicon.svg", mimetype="image/svg+xml",
                               max_age=86400)


@bp.get("/developers")
def developers() -> str:
    return render_template("developers.html")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; single line breaks stay inside a paragraph."""
    paragraphs, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _marked_html(text: str, query: str) -> str:
    """The text HTML-escaped, with the query's words in <mark> when there is a query.

    A <mark> wraps one word, never a line break, so the result splits into paragraphs and
    lines like the text itself.
    """
    return engine().mark(text, query) if query else str(escape(text))


def _with_breaks(html: str) -> Markup:
    # Safe: `html` comes from _marked_html, escaped by the engine (or markupsafe) with only
    # <mark> added.
    return Markup(html.replace("\n", "<br>\n"))


def _find_document(doc_id: str) -> Document:
    if len(doc_id) > settings.current().max_id_chars:
        abort(404)
    doc = engine().document(doc_id)
    if doc is None:
        abort(404)
    return doc


def _original_path(doc: Document) -> Path | None:
    """The original file, only if it lies inside the corpus folder (no path traversal)."""
    root = service().corpus_dir.resolve()
    try:
        path = (root / doc.path).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _safe_content_type(path: Path) -> tuple[str, str | None]:
    """PDF as PDF; everything else as plain text, never as HTML the browser would run."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "application/pdf", None
    if suffix in TEXT_SUFFIXES or (mimetypes.guess_type(path.name)[0] or "").startswith("text/"):
        return "text/plain", _charset_of(path)
    return "application/octet-stream", None


def _charset_of(path: Path) -> str | None:
    """utf-8 when the file decodes as UTF-8; otherwise leave the browser to guess."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _is_landing(search_request: SearchRequest) -> bool:
    """No words and no filters: the front page, browsing everything."""
    return not (search_request.query or search_request.filter_values()
                or search_request.ranges())


def _page_window(page: int, last_page: int, width: int = 2) -> list[int | None]:
    """Page numbers around the current one, with None where a gap (…) goes."""
    numbers = sorted({1, last_page, *range(max(1, page - width), min(last_page, page + width) + 1)})
    window: list[int | None] = []
    for number in numbers:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window
