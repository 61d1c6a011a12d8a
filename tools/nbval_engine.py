"""pytest plugin for `make test` (``-p tools.nbval_engine``): one chart engine for every
notebook that nbval runs.

Each notebook's kernel would otherwise start vl-convert's JavaScript engine (and altair)
itself, about four seconds a notebook. The engine (:func:`cxkit.charts.engine.standalone`)
starts when the first notebook cell is set up; its address is in the environment only
while notebook cells are set up (a notebook's kernel starts then and keeps it), never for
the unit tests, which draw in their own process or start their own engine. Drawings are
byte-identical either way (tests/test_chart_engine.py), so the outputs nbval compares do
not change.
"""
from __future__ import annotations

import os

import pytest

_ENGINE: dict = {}


def _is_notebook_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    from cxkit.charts import engine

    if not _is_notebook_cell(item):
        if _ENGINE and os.environ.get(engine.ENV_ADDRESS) == _ENGINE["address"]:
            os.environ.pop(engine.ENV_ADDRESS, None)
            os.environ.pop(engine.ENV_KEY, None)
        return
    if not _ENGINE and os.environ.get("CXKIT_CHART_ENGINE_FOR_NBVAL", "on") != "off":
        process, address, key = engine.standalone()
        _ENGINE.update(process=process, address=address, key=key)
    if _ENGINE:
        os.environ[engine.ENV_ADDRESS] = _ENGINE["address"]
        os.environ[engine.ENV_KEY] = _ENGINE["key"]


def pytest_unconfigure(config):
    process = _ENGINE.pop("process", None)
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except Exception:  # noqa: BLE001
            process.kill()
        address = _ENGINE.get("address", "")
        for path in (address, os.path.dirname(address)):
            try:
                os.unlink(path) if path == address else os.rmdir(path)
            except OSError:
                pass
