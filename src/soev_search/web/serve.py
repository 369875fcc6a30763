"""`soev-index serve`: build the index when there is none, then serve the app with waitress."""

from __future__ import annotations

import subprocess
import sys
from typing import TextIO

from soev_search.backend import Backend
from soev_search.errors import SoevError
from soev_search.settings import Settings


def serve(config: Settings, host: str, port: int, out: TextIO = sys.stdout,
          watch: bool = False) -> None:
    """Serve until interrupted; prints the URL once the server listens. With `watch`, a
    child process keeps the index current as the corpus changes (soev_search.watch)."""
    import waitress

    from soev_search.index_cli import Progress, print_build_report
    from soev_search.web import create_app

    backend = Backend.from_settings(config)
    if watch and backend.postgres:
        raise SoevError("--watch keeps a Whoosh index folder current; with the postgres "
                        "backend run soev-index update where the corpus is")
    if not backend.index_exists(config.index):
        print(f"No index in {backend.where(config.index)}: building it from {config.corpus} ...",
              file=out, flush=True)
        with Progress(out) as progress:
            report = backend.rebuild(config.corpus, config.index, progress=progress,
                                     workers=config.workers)
        print_build_report(report, out)
    backend.require_readable(config.index)  # another format, or no database: one line
    app = create_app(config.index, config.corpus, backend=backend)
    try:
        server = waitress.create_server(app, host=host, port=port, threads=config.threads)
    except OSError as exc:
        raise SoevError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                        "choose another with --port") from exc
    watcher = _start_watcher(config) if watch else None
    shown_host = f"[{host}]" if ":" in host else host
    print(f"Serving on http://{shown_host}:{server.effective_port}/", file=out, flush=True)
    try:
        server.run()
    finally:
        server.close()
        if watcher is not None:
            watcher.terminate()
            watcher.wait(timeout=10)


def _start_watcher(config: Settings) -> subprocess.Popen:
    from soev_search.watch import start_watcher_process

    return start_watcher_process(config.corpus, config.index, config.workers)
