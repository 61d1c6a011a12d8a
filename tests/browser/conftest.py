"""Browser tests: Voilà serves the notebooks, headless Chromium (Debian's) opens them.

Fixtures
--------
voila : a running Voilà server on a free port, with the repository's ``voila.json`` and
    offline template, an empty store of its own; ``voila.url(slug, lang="en")``,
    ``voila.store()``.
page : a fresh Chromium page; every request to a host other than 127.0.0.1/localhost is
    blocked and recorded, and the test fails if there was any.
Helpers
-------
open_notebook(page, voila, slug, lang="en") waits until Voilà has run every cell and the
    widgets are drawn, then checks that no error or traceback shows.
screenshot(page, name) saves ``test-artifacts/screenshots/<name>.png`` (git-ignored).

Without Chromium the tests skip with a message, except under ``CI=true`` where they fail.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CXKIT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
ERROR_MARKERS = ("Traceback", "There was an error when executing cell", "Error executing",
                 "Cell execution timed out", "cxkit-error")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _require_browser():
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test cannot run in CI: {missing}")
        pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
    def __init__(self, tmp: Path, notebooks: Path | str = "notebooks/", env: dict | None = None,
                 extra_args: list[str] | None = None):
        self.port = _free_port()
        self.db = tmp / "workshop.sqlite"
        extra_env = env
        env = dict(os.environ, JUPYTER_PATH=str(ROOT / "share" / "jupyter"), CXKIT_DB=str(self.db))
        env.pop("CXKIT_LANG", None)  # the language comes from ?lang= as in the app
        env.update(extra_env or {})
        voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
        self.log = open(tmp / "voila.log", "w")
        self.proc = subprocess.Popen(
            [voila, f"--port={self.port}", "--no-browser", *(extra_args or []), str(notebooks)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voilà exited: see {self.log.name}")
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except urllib.error.HTTPError:  # it answers (room mode: "ask the trainer", 403)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("Voilà did not start within 60 s")

    def url(self, slug: str, lang: str = "en") -> str:
        return f"{self.base}/voila/render/{slug}.ipynb?lang={lang}"

    def store(self):
        from cxkit.store import Store

        return Store(self.db)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    _require_browser()
    server = VoilaServer(tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def offline_context(browser, outside: list[str], **options):
    """A browser context in which every request to a host other than 127.0.0.1/localhost
    is blocked and its address appended to ``outside``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context


@pytest.fixture
def page(browser):
    outside: list[str] = []
    context = offline_context(browser, outside, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"


def open_notebook(page, voila, slug: str, lang: str = "en"):
    """Open a notebook in Voilà, wait for every cell and widget, fail on any error text."""
    page.goto(voila.url(slug, lang), wait_until="load", timeout=120_000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    page.wait_for_load_state("networkidle")
    assert_no_error(page)
    return page


def assert_no_error(page):
    text = page.content()
    for marker in ERROR_MARKERS:
        assert marker not in text, f"the page shows {marker!r}"
    stderr = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    assert stderr == [], f"the page shows error output: {stderr}"


def screenshot(page, name: str) -> Path:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Voilà scrolls inside its own container: make the window as tall as the page for the shot.
    size = page.viewport_size
    height = page.evaluate("(document.querySelector('#rendered_cells') || document.body).scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height + 40, size["height"]), 16000)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
