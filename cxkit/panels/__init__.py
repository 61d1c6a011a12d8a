"""Widget panels: sliders and forms wired to the models and charts.

``cxkit.panels.base`` holds the shared building blocks (re-exported here); each notebook's
panels live in a submodule named after its topic (``cx.panels.home``, ``cx.panels.audit``
…), imported on first use.
"""
from __future__ import annotations

import importlib

from .base import (XLSX_MIME, ChartView, Download, Status, card, download_link, guarded,
                   styled, uploaded_file)

__all__ = ["XLSX_MIME", "ChartView", "Download", "Status", "card", "download_link", "guarded",
           "styled", "uploaded_file"]


def __getattr__(name: str):
    try:
        module = importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        raise
    globals()[name] = module
    return module
