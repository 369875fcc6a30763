"""Which backend holds the index: Whoosh (the embedded default) or PostgreSQL.

Chosen by the settings `backend`, `database_url` and `database_read_url` (`SOEV_BACKEND`,
`SOEV_DATABASE_URL`, `SOEV_DATABASE_READ_URL` or the CLI options). The CLI and the web call
rebuild, update and the engine through here, so both backends offer the same operations; the
PostgreSQL modules (and psycopg) load only when that backend is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from soev_search import settings
from soev_search.errors import SoevError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from soev_search.document import Document
    from soev_search.index import BuildReport, Progress, UpdateReport
    from soev_search.postgres.database import Router
    from soev_search.search import SearchBackend


def backend_options(args: object) -> dict[str, str | None]:
    """The backend settings a command line gave (argparse's namespace), for settings.load();
    commands without the options leave them to the settings."""
    return {name: getattr(args, name, None)
            for name in ("backend", "database_url", "database_read_url")}


@dataclass(frozen=True)
class Backend:
    """Which backend holds the index, and the PostgreSQL backend's databases."""

    name: str = "whoosh"
    # The primary: rebuild and update write there.
    database_url: str | None = None
    # Replicas that searches read from, in turn; the primary when none answers.
    read_urls: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, config: settings.Settings | None = None) -> Backend:
        config = config or settings.current()
        reads = tuple(url.strip() for url in config.database_read_url.split(",") if url.strip())
        if config.backend == "postgres" and not config.database_url and not reads:
            raise SoevError("the postgres backend needs a database: set SOEV_DATABASE_URL "
                            "(and SOEV_DATABASE_READ_URL for replicas) or --database-url")
        return cls(config.backend, config.database_url or None, reads)

    @property
    def postgres(self) -> bool:
        return self.name == "postgres"

    def router(self) -> Router:
        from soev_search.postgres.database import Router

        return Router(self.database_url, self.read_urls)

    def engine(self, index_dir: Path) -> SearchBackend:
        if self.postgres:
            from soev_search.postgres.engine import PostgresSearchEngine

            return PostgresSearchEngine(self.router())
        from soev_search.search import SearchEngine

        return SearchEngine(index_dir)

    def rebuild(self, corpus_dir: Path, index_dir: Path, progress: Progress | None = None,
                workers: int | None = None) -> BuildReport:
        if self.postgres:
            from soev_search.postgres import write

            return write.rebuild(corpus_dir, self.router(), progress, workers)
        from soev_search import index

        return index.rebuild(corpus_dir, index_dir, progress, workers)

    def index_documents(self, documents: Iterable[Document], index_dir: Path) -> int:
        """Build straight from Documents (tests, benchmarks)."""
        if self.postgres:
            from soev_search.postgres import write

            return write.index_documents(documents, self.router())
        from soev_search import index

        return index.index_documents(documents, index_dir)

    def update(self, corpus_dir: Path, index_dir: Path, progress: Progress | None = None,
               workers: int | None = None) -> UpdateReport:
        if self.postgres:
            from soev_search.postgres import write

            return write.update(corpus_dir, self.router(), progress, workers)
        from soev_search import index

        return index.update(corpus_dir, index_dir, progress, workers)

    def index_exists(self, index_dir: Path) -> bool:
        if self.postgres:
            from soev_search.postgres.write import live_build

            return live_build(self.router()) is not None
        from soev_search.index import index_exists

        return index_exists(index_dir)

    def require_readable(self, index_dir: Path) -> None:
        """Raise IndexUnavailable (one line) unless searches can read the index."""
        if self.postgres:
            self.engine(index_dir).document_count()
            return
        from soev_search.store import readable_build

        readable_build(index_dir)

    def where(self, index_dir: Path) -> str:
        """Where the index lives, for messages."""
        if self.postgres:
            from soev_search.postgres.database import describe

            return f"PostgreSQL at {describe(self.database_url or self.read_urls[0])}"
        return str(index_dir)
