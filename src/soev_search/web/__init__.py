"""The web service: search pages, JSON API, embed widget and feeds over one SearchEngine.

`flask --app soev_search.web run` uses `create_app()` with the paths from the settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from soev_search import settings
from soev_search.backend import Backend
from soev_search.questionnaire import QuestionnaireCache
from soev_search.web import (
    api,
    compare,
    embed,
    errors,
    feeds,
    health,
    pages,
    security,
    templating,
)
from soev_search.web.context import ServiceContext


def create_app(index_dir: str | os.PathLike | None = None,
               corpus_dir: str | os.PathLike | None = None,
               config: dict[str, Any] | None = None, backend: Backend | None = None) -> Flask:
    """An app serving the index in `index_dir`, or the database `backend` names (by default
    the one the settings name); `corpus_dir` holds the originals to download."""
    paths = settings.load(corpus=corpus_dir, index=index_dir)
    app = Flask(__name__)
    app.config.update(JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if config:
        app.config.update(config)
    app.extensions["soev_search"] = ServiceContext(
        engine=(backend or Backend.from_settings(paths)).engine(Path(paths.index)),
        corpus_dir=Path(paths.corpus),
        index_dir=Path(paths.index),
        questionnaire=QuestionnaireCache(),
    )
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for blueprint in (pages.bp, compare.bp, api.bp, feeds.bp, embed.bp, health.bp):
        app.register_blueprint(blueprint)
    return app
