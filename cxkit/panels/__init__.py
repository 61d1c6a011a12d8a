"""Widget panels: sliders and forms wired to the models and charts.

``cxkit.panels.base`` holds the shared building blocks (re-exported here); each notebook's
panels live in a submodule named after its topic (``cx.panels.home``, ``cx.panels.audit``
…), imported on first use.
"""
from __future__ import annotations

from .._lazy import submodule_getattr
from .base import (XLSX_MIME, AmountText, ChartView, Download, Status, card, download_link, guarded,
                   styled, uploaded_file)

__all__ = ["XLSX_MIME", "AmountText", "ChartView", "Download", "Status", "card", "download_link", "guarded",
           "styled", "uploaded_file"]


__getattr__ = submodule_getattr(__name__, globals())
