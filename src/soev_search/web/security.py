"""Security headers on every response: a strict CSP, no sniffing, a short referrer.

Pages may only be framed where a view opts in (the /embed page) via `allow_framing`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, g

CSP_BASE = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'")

# "*" matches only network schemes; file: lets a page opened from disk (web/embed-demo.html)
# frame the embed page too.
FRAME_ANYWHERE = "; frame-ancestors * file:"


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)


def allow_framing(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose page any site may show in an iframe."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.allow_framing = True
        return view(*args, **kwargs)
    return wrapper


def _add_headers(response: Response) -> Response:
    framing = g.get("allow_framing", False)
    response.headers.setdefault(
        "Content-Security-Policy",
        CSP_BASE + (FRAME_ANYWHERE if framing else "; frame-ancestors 'none'"),
    )
    if not framing:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
