"""`soev-index serve`: build the index when there is none, then serve the app with waitress."""

from __future__ import annotations

import sys
from typing import TextIO

from soev_search.backend import Backend
from soev_search.config import Paths
from soev_search.errors import SoevError

THREADS = 8


def serve(paths: Paths, host: str, port: int, out: TextIO = sys.stdout,
          backend: Backend | None = None) -> None:
    """Serve until interrupted; prints the URL once the server listens."""
    import waitress

    from soev_search.index_cli import Progress, print_build_report
    from soev_search.web import create_app

    backend = backend or Backend.resolve()
    if not backend.index_exists(paths.index):
        print(f"No index in {backend.where(paths.index)}: building it from {paths.corpus} ...",
              file=out, flush=True)
        with Progress(out) as progress:
            report = backend.rebuild(paths.corpus, paths.index, progress=progress)
        print_build_report(report, out)
    app = create_app(paths.index, paths.corpus, backend=backend)
    try:
        server = waitress.create_server(app, host=host, port=port, threads=THREADS)
    except OSError as exc:
        raise SoevError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                        "choose another with --port") from exc
    shown_host = f"[{host}]" if ":" in host else host
    print(f"Serving on http://{shown_host}:{server.effective_port}/", file=out, flush=True)
    try:
        server.run()
    finally:
        server.close()
