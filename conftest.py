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
