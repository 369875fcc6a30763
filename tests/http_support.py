"""A real HTTP server on loopback for the `add` tests: pages, PDFs, redirects, errors, a slow
and a huge answer. Each test gets its own server (a thread) and can change what it serves."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Socialøkonomisk strategi for Silkeborg</title>
</head><body><nav><a href="/">Forside</a></nav><main>
<h1>Socialøkonomisk strategi for Silkeborg</h1>
<p>Silkeborg Kommune vil styrke de socialøkonomiske virksomheder med fleksjob, praktik og
frivillige. Strategien gælder fra 2019 og bygger på et samarbejde med {word}.</p>
<p>Kommunen køber ind hos virksomhederne, når det giver mening for borgerne.</p>
</main></body></html>
"""
SLOW_SECONDS = 3.0
HUGE_BYTES = 3 * 1024 * 1024


def make_pdf_bytes(lines: list[str], title: str = "Notat om socialøkonomi") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    y = A4[1] - 100
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass
class Site:
    """What the server answers, path → (status, content type, body); tests may change it."""

    port: int = 0
    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, word: str = "frivilligcentret") -> None:
        self.routes[path] = (200, "text/html; charset=utf-8",
                             PAGE.format(word=word).encode("utf-8"))


def default_site() -> Site:
    site = Site()
    site.page("/strategi/socialøkonomi.html")
    site.routes["/notat.pdf"] = (200, "application/pdf", make_pdf_bytes([
        "Notat om socialøkonomi i Hillerød Kommune",
        "Kommunen samarbejder med socialøkonomiske virksomheder om pdfnotatord.",
    ]))
    site.routes["/download?id=7"] = (200, "application/octet-stream", make_pdf_bytes([
        "Referat fra udvalgsmødet om oktetdokument og socialøkonomi."]))
    site.routes["/fake.pdf"] = (200, "application/pdf", b"<html><body>Ikke en PDF</body></html>")
    site.routes["/logo.png"] = (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200))
    site.routes["/empty.html"] = (200, "text/html", b"")
    site.redirects["/old-address"] = "/strategi/socialøkonomi.html"
    site.redirects["/loop"] = "/loop"
    return site


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        from urllib.parse import unquote

        path = unquote(self.path)
        self.site.requests.append(path)
        if path in self.site.redirects:
            self.send_response(302)
            self.send_header("Location", self.site.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._answer(200, "text/html", PAGE.format(word="langsom").encode())
        elif path in ("/huge.pdf", "/huge-declared.pdf"):
            self._huge(declared=path == "/huge-declared.pdf")
        elif path in self.site.routes:
            self._answer(*self.site.routes[path])
        else:
            self._answer(404, "text/html", b"<html><body>Ikke fundet</body></html>")

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _huge(self, declared: bool) -> None:
        """A PDF far over the test's limit, streamed without end in sight."""
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        if declared:
            self.send_header("Content-Length", str(HUGE_BYTES))
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"%PDF-1.4\n" + b"0" * 65527
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its limit, as it should

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
