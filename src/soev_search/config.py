"""Where the corpus and the index live: option, then environment, then the working directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    corpus: Path
    index: Path


def resolve_paths(corpus: str | os.PathLike | None = None,
                  index: str | os.PathLike | None = None) -> Paths:
    """Options override `SOEV_CORPUS`/`SOEV_INDEX`, which override `./corpus` and `./index`."""
    return Paths(
        corpus=Path(corpus or os.environ.get("SOEV_CORPUS") or "corpus"),
        index=Path(index or os.environ.get("SOEV_INDEX") or "index"),
    )
