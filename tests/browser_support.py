"""Shared by the browser test modules: Debian's Chromium through Playwright, and host pages.

Each browser test module launches one browser (module scope) and serves the web test corpus
once; pages get a fresh context that records console errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from web_support import running, web_app

SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running(web_app(tmp_path_factory)) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def host_app(html: str) -> Callable:
    """A WSGI app on another port (so another origin) serving one HTML page."""
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]
    return app


@contextmanager
def hosting(page: Page, html: str) -> Iterator[str]:
    """Serve `html` on another origin (port) for `page`; yields its base URL. The page's
    browser context is closed on the way out, so the host server's keep-alive connections end
    and it stops at once instead of waiting for them."""
    with running(host_app(html)) as url:
        try:
            yield url
        finally:
            page.context.close()


def script_host_page(base_url: str, attributes: str = "") -> str:
    """A municipality's page with the script embed, styled to clash with the widget."""
    return f"""<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Kommunens side</title>
<style>
  body {{ font-family: Georgia, serif; background: #fafafa; }}
  a {{ color: rgb(255, 0, 0) !important; }}
  li {{ display: inline; }}
  button {{ background: rgb(0, 128, 0); color: #fff; }}
</style></head>
<body><main><h1>Kommunens side om socialøkonomi</h1>
<button id="host-button">Værtens knap</button>
<script src="{base_url}/embed.js" {attributes}></script>
<p>Tekst efter widgetten.</p></main></body></html>"""


def iframe_host_page(base_url: str, query: str = "") -> str:
    return f"""<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Iframe</title></head><body><main><h1>Iframe-indlejring</h1>
<iframe src="{base_url}/embed?{query}" title="Søg i socialøkonomi"
        width="700" height="520"></iframe></main></body></html>"""
