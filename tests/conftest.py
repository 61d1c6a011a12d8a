"""Test settings shared by unit tests, nbval kernels and the browser test.

Everything runs in English against an empty temporary store, so the outputs compared by
nbval do not depend on the machine or on a workshop that was run here.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    tmp = Path(tempfile.mkdtemp(prefix="cxkit-test-"))
    os.environ["CXKIT_LANG"] = "en"
    os.environ["CXKIT_DB"] = str(tmp / "cxkit.sqlite")
    os.environ.pop("QUERY_STRING", None)
    os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """Each test starts in English; a test that switches language cannot leak it."""
    from cxkit import i18n

    monkeypatch.setattr(i18n, "_current", "en")


@pytest.fixture
def store(tmp_path):
    """An empty store in a temporary folder."""
    from cxkit.store import Store

    return Store(tmp_path / "store.sqlite")
