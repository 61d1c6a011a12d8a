"""The JupyterHub recipe (deploy/jupyterhub) end to end: three users log in, each saves a
call from notebook 03 through the page, and the shared store holds three calls with three
evaluator names.

The hub runs on 127.0.0.1 on free ports with the "dummy" authenticator (any name, no
password) and SimpleLocalProcessSpawner (every user's server runs as the current Unix
user), a state folder and a store of its own: a temporary SQLite file, or a fresh
database on the PostgreSQL server named by ``CXKIT_TEST_PG`` (a ``postgresql://`` URL)
when that is set. Headless Chromium (Debian's) drives the pages.

Needs ``jupyterhub`` and ``jupyterhub-idle-culler`` (``pip install -e ".[hub]"``) and
``configurable-http-proxy`` (``npm install -g configurable-http-proxy``). Without npm's
proxy the test skips and says why; without the Python parts it skips too, except under
``CI=true`` (``.ci/run`` installs them), where it fails.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
USERS = ("ann", "bob", "chloe")
BIN = Path(sys.executable).parent


def _browser_conftest():
    """``tests/browser/conftest.py`` as a module (Chromium's path and arguments)."""
    spec = importlib.util.spec_from_file_location("cxkit_hub_browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _missing() -> tuple[str | None, bool]:
    """(what is missing, whether CI may skip for it): npm's proxy may be missing anywhere."""
    if shutil.which("configurable-http-proxy") is None:
        return ("configurable-http-proxy (npm) is not installed: the JupyterHub smoke test needs it "
                "(npm install -g configurable-http-proxy; .ci/run does it when npm is available)", True)
    for module, package in (("jupyterhub", "jupyterhub"), ("jupyterhub_idle_culler", "jupyterhub-idle-culler")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (pip install -e '.[hub]')", False
    if not (BIN / "jupyterhub").exists():
        return f"no jupyterhub command beside {sys.executable}", False
    return None, True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _store_url(tmp: Path) -> str:
    """A fresh store: a new database on ``CXKIT_TEST_PG``'s server (helper of the store's
    tests), else a SQLite file."""
    if not os.environ.get("CXKIT_TEST_PG", "").strip():
        return str(tmp / "hub-store.sqlite")
    from store_engines import new_database, pg_server

    return new_database(pg_server())


class Hub:
    """A JupyterHub started from the recipe's config, stopped (with what it started) by stop()."""

    def __init__(self, tmp: Path, db: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = db
        env = dict(os.environ,
                   CXKIT_HUB_URL=self.url,
                   CXKIT_HUB_API_URL=f"http://127.0.0.1:{_free_port()}",
                   CXKIT_HUB_PROXY_API_URL=f"http://127.0.0.1:{_free_port()}",
                   CXKIT_HUB_STATE=str(tmp / "hub"),
                   CXKIT_HUB_AUTHENTICATOR="dummy",
                   CXKIT_HUB_SPAWNER="simple",
                   CXKIT_HUB_ADMINS="trainer",
                   CXKIT_HUB_START_TIMEOUT="90",
                   CXKIT_DB=db,
                   PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        self.log = open(tmp / "jupyterhub.log", "w")
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(CONFIG)], cwd=tmp, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited: {self.tail()}")
            try:  # the proxy answers 404 until the hub has added its own route: wait for a 200
                with urllib.request.urlopen(self.url + "/hub/login", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:  # refused, or an HTTPError such as the proxy's 404
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not start within 90 s: {self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        import psutil

        started = psutil.Process(self.proc.pid).children(recursive=True)
        self.proc.send_signal(signal.SIGTERM)  # the hub stops the users' servers and its proxy
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for child in started:  # whatever it started and did not stop
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        self.log.close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    missing, may_skip = _missing()
    if missing:
        if os.environ.get("CI") == "true" and not may_skip:
            pytest.fail(f"JupyterHub smoke test cannot run in CI: {missing}")
        pytest.skip(missing)
    tmp = tmp_path_factory.mktemp("hub")
    db = _store_url(tmp)
    server = Hub(tmp, db)
    yield server
    server.stop()
    if db.startswith("postgresql"):
        from store_engines import drop_database

        drop_database(db)


@pytest.fixture(scope="module")
def chromium():
    conftest = _browser_conftest()
    conftest._require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _log_in(chromium, hub, name: str, then: str = ""):
    """A new browser context logged in as ``name``; returns its page, on the user's landing
    page (the hub's default URL), or on ``then`` (a path under the user's server)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        spawn = "/hub/spawn?next=" + quote(f"/user/{name}/{then}", safe="")  # start the server, then go there
        page.goto(f"{hub.url}/hub/login" + (f"?next={quote(spawn, safe='')}" if then else ""))
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", "x")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(f"**/user/{name}/voila/render/**", wait_until="commit")
    except Exception:
        print(hub.tail())
        context.close()
        raise
    return page


def test_three_users_each_save_a_call_from_03_into_one_store(hub, chromium):
    """three hub users, each in their own Voilà server, save a call from 03: the shared
    store holds three calls under the three login names"""
    scoring = "voila/render/03_scoring_the_phone_audit.ipynb?lang=en"
    for name in USERS:
        first = name == USERS[0]  # the first one lands on the home page; the others go to 03 at once
        page = _log_in(chromium, hub, name, then="" if first else scoring)
        try:
            if first:
                assert page.url.split("?")[0].endswith(f"/user/{name}/voila/render/00_workshop.ipynb")
                page.wait_for_selector(".cxkit-map", state="visible")
                page.goto(f"{hub.url}/user/{name}/{scoring}")
            page.wait_for_selector(".cxkit-audit-submit", state="visible")
            assert page.locator(".cxkit-audit-evaluator input").input_value() == name
            page.locator(".cxkit-field-wait_seconds input").fill("45")
            for field in ("greeting", "line_kept", "answered_or_callback"):
                page.locator(f".cxkit-field-{field} select").select_option(label="yes")
            page.locator(".cxkit-audit-submit").click()
            page.wait_for_function(
                "() => /saved|enregistr/i.test(document.querySelector('.cxkit-audit-form-status').innerText)",
                timeout=60_000)
            # participants' servers serve neither the trainer's console nor JupyterLab
            assert page.request.get(f"{hub.url}/user/{name}/voila/render/trainer.ipynb").status == 404
            assert page.request.get(f"{hub.url}/user/{name}/lab").status == 404
            if first and (ROOT / "notebooks" / "guide" / "glossary.html").exists():  # what the home page links to
                assert page.request.get(f"{hub.url}/user/{name}/voila/render/guide/glossary.html").status == 200
        except Exception:
            print(hub.tail())
            raise
        finally:
            page.context.close()
    from cxkit.store import Store

    calls = Store(hub.db).calls()
    assert len(calls) == 3
    assert sorted(calls["evaluator"]) == list(USERS)


def test_the_trainer_gets_the_console_and_jupyterlab(hub, chromium):
    """an admin user's server serves notebooks/ itself: the trainer's console (when the
    workbook has one) and JupyterLab, which participants' servers do not serve"""
    page = _log_in(chromium, hub, "trainer")
    try:
        console = ROOT / "notebooks" / "trainer.ipynb"
        landing = "trainer.ipynb" if console.exists() else "00_workshop.ipynb"
        assert page.url.split("?")[0].endswith(f"/user/trainer/voila/render/{landing}")
        assert page.request.get(f"{hub.url}/user/trainer/lab").status == 200
        listed = page.request.get(f"{hub.url}/user/trainer/api/contents").json()
        assert {item["name"] for item in listed["content"]} >= {"03_scoring_the_phone_audit.ipynb"} | (
            {"trainer.ipynb"} if console.exists() else set())
    finally:
        page.context.close()
