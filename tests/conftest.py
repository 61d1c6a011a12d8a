"""Fixtures shared by the unit tests (the environment is set in the root conftest.py)."""
from __future__ import annotations

import pytest


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
