"""Settings for every pytest run from the repository (unit tests, nbval, browser tests).

Everything runs in English against an empty temporary store, so the outputs nbval compares
do not depend on this machine or on a workshop that was run here.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def pytest_configure(config):
    tmp = Path(tempfile.mkdtemp(prefix="cxkit-test-"))
    os.environ["CXKIT_LANG"] = "en"
    os.environ["CXKIT_DB"] = str(tmp / "cxkit.sqlite")
    os.environ.pop("QUERY_STRING", None)
    os.environ.pop("SERVER_SOFTWARE", None)
    os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_collection_modifyitems(session, config, items):
    """The browser tests run last. Their Chromium (Playwright's sync API, one per session)
    keeps an asyncio loop running in the main thread until the session ends, and tests that
    run a loop of their own (``asyncio.run``, the JupyterHub smoke test's Playwright) cannot
    start one while it runs."""
    browser = Path(__file__).resolve().parent / "tests" / "browser"
    items.sort(key=lambda item: browser in Path(str(item.path)).parents)
