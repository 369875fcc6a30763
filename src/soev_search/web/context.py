"""What every request handler needs: the engine and where the corpus is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from soev_search.questionnaire import QuestionnaireCache

if TYPE_CHECKING:
    from soev_search.search import SearchBackend


@dataclass(frozen=True)
class ServiceContext:
    engine: SearchBackend
    corpus_dir: Path
    index_dir: Path
    questionnaire: QuestionnaireCache


def service() -> ServiceContext:
    return current_app.extensions["soev_search"]


def engine() -> SearchBackend:
    return service().engine
