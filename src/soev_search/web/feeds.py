"""Ways out of the page: OpenSearch description, Atom feed of a search, CSV export."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, url_for

from soev_search import settings
from soev_search.results import Hit
from soev_search.web.context import engine
from soev_search.web.params import parse_search_request

bp = Blueprint("feeds", __name__)

FEED_ENTRIES = 20
CSV_COLUMNS = ("id", "title", "municipality", "year", "date", "doctype", "language", "url")
# Cells starting with these are formulas to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TAG = re.compile(r"<[^>]*>")


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    body = render_template("opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.get("/feed")
def feed() -> Response:
    search_request = replace(parse_search_request(request.args, default_per_page=FEED_ENTRIES),
                             sort="date", page=1)
    result = engine().search(search_request)
    entries = [_entry(hit) for hit in result.hits]
    updated = max((e["updated"] for e in entries), default=_epoch())
    body = render_template("feed.xml", req=search_request, entries=entries, updated=updated,
                           self_url=request.url)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/export.csv")
def export_csv() -> Response:
    search_request = parse_search_request(request.args)
    out = io.StringIO()
    out.write("\ufeff")  # the BOM makes Excel read UTF-8 (æ, ø, å) correctly
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    # documents() gives every match in result order without building snippets, several times
    # faster than paging through search() (measured: 0.1 s against 0.7 s per 100 hits).
    for doc in engine().documents(search_request)[:settings.current().max_export_rows]:
        url = url_for("pages.document", doc_id=doc.id, _external=True)
        row = (doc.id, doc.title, doc.municipality, doc.year, doc.date, doc.doctype,
               doc.language, url)
        writer.writerow([neutralise_formula(value) for value in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="soegeresultater.csv"'
    return response


def neutralise_formula(value: object) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def atom_date(date: str | None) -> datetime | None:
    """The document's ISO date, as precise as known, as the first moment it covers."""
    if not date:
        return None
    parts = (date.split("-") + ["1", "1"])[:3]
    try:
        return datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC)
    except ValueError:
        return None


def _entry(hit: Hit) -> dict[str, object]:
    updated = atom_date(hit.date) or (atom_date(str(hit.year)) if hit.year else None)
    return {
        "id": hit.id,
        "title": hit.title or "Uden titel",
        "url": url_for("pages.document", doc_id=hit.id, _external=True),
        "updated": updated or _epoch(),
        "summary": html.unescape(TAG.sub("", hit.snippet)).strip(),  # plain text
        "municipality": hit.municipality,
        "doctype": hit.doctype,
    }


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)
