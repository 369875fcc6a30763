"""Shared by the web and browser tests: one real index, built once per test session.

The corpus is the bundled sample plus documents written to attack the pages: markup in the
title and text (must show as text, never run) and a word no other document has.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import waitress
from flask import Flask

from soev_search.index import rebuild
from soev_search.web import create_app

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# A word found only in the hostile document, so a search for it has exactly one hit.
UNIQUE_WORD = "xylofonkantine"
HOSTILE_TITLE = '<script>alert("title")</script> Xylofonkantine i kommunen'
HOSTILE_TEXT = f"""{HOSTILE_TITLE}

Kommunen har åbnet en {UNIQUE_WORD} som socialøkonomisk virksomhed.
<img src=x onerror="alert('text')"> og <b>fed</b> tekst & "citater" skal vises som tekst.

=HYPERLINK("http://example.com") står her også.
"""
HOSTILE_HTML = """<!doctype html>
<html lang="da"><head><title>Socialøkonomisk café i kommunen</title></head>
<body><main><h1>Socialøkonomisk café i kommunen</h1>
<p>Caféen er en socialøkonomisk virksomhed med fleksjob og frivillige. Den drives af en
forening, og kommunen køber frokost til personalet i caféen hver uge.</p>
<script>alert("original")</script>
</main></body></html>
"""

# A questionnaire whose question carries markup: the snippet's section label must stay text.
SECTION_WORD = "zebrastrategi"
HOSTILE_QUESTION = "Har I en <b>strategi</b> for <img src=x onerror=alert(1)> kantiner?"
HOSTILE_QUESTIONNAIRE = f"""Spørgeskema om kantiner

{HOSTILE_QUESTION}
Ja, vores {SECTION_WORD} er vedtaget i byrådet.

Hvor mange kantiner har I?
Tre kantiner.

Hvem kan vi kontakte?
Kantinechefen.
"""

_built: dict[str, tuple[Path, Path]] = {}


def make_web_corpus(target: Path) -> Path:
    shutil.copytree(BUNDLED_CORPUS, target)
    (target / "hostile-markup.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (target / "cafe-side.html").write_text(HOSTILE_HTML, encoding="utf-8")
    return target


def built_index(factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index) of the web test corpus; the index is built on first use only."""
    if "web" not in _built:
        base = factory.mktemp("web")
        corpus = make_web_corpus(base / "corpus")
        index = base / "index"
        rebuild(corpus, index)
        _built["web"] = (corpus, index)
    return _built["web"]


def questionnaire_app(factory: pytest.TempPathFactory) -> Flask:
    """The web app over an index of the hostile questionnaire alone."""
    base = factory.mktemp("questionnaire")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "hostile-questionnaire.txt").write_text(HOSTILE_QUESTIONNAIRE, encoding="utf-8")
    rebuild(corpus, base / "index")
    app = create_app(base / "index", corpus)
    app.config["TESTING"] = True
    return app


def web_app(factory: pytest.TempPathFactory) -> Flask:
    corpus, index = built_index(factory)
    app = create_app(index, corpus)
    app.config["TESTING"] = True
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(app, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app with waitress in a thread; yields its base URL (no trailing slash)."""
    server = waitress.create_server(app, host=host, port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
