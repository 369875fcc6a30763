"""Embedding the search in other sites: the embed.js widget and the iframe page /embed.

Both take the same options: municipality and doctype fix the scope ("locked" filters the
visitor cannot remove), limit is the number of results, target where result links open,
facets whether to offer filters for the facets that are not locked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, Response, render_template, request, send_from_directory
from werkzeug.datastructures import MultiDict

from soev_search.results import FACETS
from soev_search.web.context import engine
from soev_search.web.params import bounded_int, parse_search_request
from soev_search.web.security import allow_framing

bp = Blueprint("embed", __name__)

LOCKABLE = ("municipality", "doctype")
TARGETS = ("_blank", "_self", "_parent", "_top")
DEFAULT_LIMIT = 5
MAX_LIMIT = 50


@dataclass(frozen=True)
class EmbedOptions:
    limit: int
    target: str
    facets: bool
    locked: tuple[str, ...]

    def as_params(self) -> dict[str, str | int]:
        """The options as URL parameters, so links inside the iframe keep them."""
        return {"limit": self.limit, "target": self.target,
                "facets": "true" if self.facets else "false",
                "lock": ",".join(self.locked) or "none"}


@bp.get("/embed.js")
def embed_script() -> Response:
    response = send_from_directory(bp.root_path + "/static", "embed.js",
                                   mimetype="text/javascript", max_age=3600)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return response


@bp.get("/embed")
@allow_framing
def embed_page() -> str:
    options = parse_options(request.args)
    args = MultiDict(request.args)
    args.setlist("per_page", [str(options.limit)])
    search_request = parse_search_request(args, default_per_page=DEFAULT_LIMIT,
                                          max_per_page=MAX_LIMIT)
    search_request = replace(search_request, per_page=options.limit)
    result = engine().search(search_request)
    return render_template(
        "embed.html",
        req=search_request,
        result=result,
        options=options,
        extra=options.as_params(),
        # a span of years from the embedder is a fixed scope too: no year choices inside it
        open_facets=[f for f in FACETS if f not in options.locked
                     and search_request.value_range(f) is None] if options.facets else [],
    )


def parse_options(args: MultiDict[str, str]) -> EmbedOptions:
    target = args.get("target") or "_blank"
    lock = args.get("lock")
    if lock is None:  # the embedder's own URL: what it filters on is the fixed scope
        locked = tuple(f for f in LOCKABLE if any(v.strip() for v in args.getlist(f)))
    else:
        locked = tuple(f for f in LOCKABLE if f in lock.split(","))
    return EmbedOptions(
        limit=bounded_int(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        target=target if target in TARGETS else "_blank",
        facets=(args.get("facets") or "").lower() in ("1", "true", "yes"),
        locked=locked,
    )
