"""`soev-index serve`: build the index when there is none, then serve the app with waitress."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from soev_search.config import Paths
from soev_search.errors import SoevError

THREADS = 8
PROGRESS_EVERY_SECONDS = 2.0


class ProgressLines:
    """Plain progress lines ("ingest 120/5000"), at most one per stage every few seconds."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last.get(stage, 0.0) < PROGRESS_EVERY_SECONDS:
            return
        self.last[stage] = now
        print(f"  {stage} {done}/{total}", file=self.out, flush=True)


def serve(paths: Paths, host: str, port: int, out: TextIO = sys.stdout) -> None:
    """Serve until interrupted; prints the URL once the server listens."""
    import waitress

    from soev_search.index import index_exists, rebuild
    from soev_search.web import create_app

    if not index_exists(paths.index):
        print(f"No index in {paths.index}: building it from {paths.corpus} ...", file=out,
              flush=True)
        report = rebuild(paths.corpus, paths.index, progress=ProgressLines(out))
        print(f"Indexed {report.indexed} documents, skipped {len(report.skipped)} "
              f"in {report.seconds:.1f} s", file=out, flush=True)
    app = create_app(paths.index, paths.corpus)
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
