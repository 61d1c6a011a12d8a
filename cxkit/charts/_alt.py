"""altair for the topic modules, with the workbook's theme and SVG renderer enabled once
``cxkit.setup()`` asked for them (:func:`cxkit.charts.prepare`)."""
from __future__ import annotations

import altair as alt

from . import _prepared, enable

if _prepared:
    enable()

__all__ = ["alt"]
