"""Chart builders: tidy data in, ``alt.Chart`` out, one shared look.

This module holds the shared theme and rendering; each topic's builders live in a
submodule (``cxkit.charts.audit``, ``cxkit.charts.queueing`` …), imported on first use.
Every builder in cxkit has the signature ``name_chart(data, *, title=None, **options)
-> alt.Chart`` and takes its labels from :mod:`cxkit.i18n`.

Offline rendering
-----------------
Charts are drawn as static SVG by ``vl-convert`` inside the kernel (altair's ``svg``
renderer). Nothing is fetched from the internet, in JupyterLab, in Voilà or in exported
HTML, and the same chart gives byte-identical SVG on every run, which nbval can compare.
Tooltips and selections are given up for that; a panel redraws a chart by replacing
its SVG (:func:`to_svg`). :func:`enable` sets this up; it is called by ``cxkit.setup()``,
never as a side effect of ``import``.
"""
from __future__ import annotations

import altair as alt
import vl_convert as vlc

from .._lazy import submodule_getattr

#: The workbook's colours: service/good, no service/bad, neutral, accent.
COLORS = {
    "good": "#2a9d8f",
    "bad": "#e76f51",
    "neutral": "#8d99ae",
    "accent": "#264653",
    "warn": "#e9c46a",
}
PALETTE = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae", "#6d597a", "#b5838d"]
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
WIDTH = 520
HEIGHT = 260


def theme() -> alt.theme.ThemeConfig:
    """The workbook's chart theme: readable on a projector, no chart border."""
    return {
        "config": {
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "font": FONT,
            "title": {"fontSize": 15, "anchor": "start", "color": "#222"},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "range": {"category": PALETTE},
            "background": "white",
        }
    }


def enable() -> None:
    """Register and enable the theme and the offline SVG renderer (idempotent)."""
    if "cxkit" not in alt.theme.names():
        alt.theme.register("cxkit", enable=False)(theme)
    alt.theme.enable("cxkit")
    alt.renderers.enable("svg")
    alt.data_transformers.disable_max_rows()


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document (drawn offline by vl-convert).

    The spec is not validated again here (altair's validation costs ~40 ms a chart, which
    a slider's redraw cannot afford); builders are validated by the tests and nbval."""
    return vlc.vegalite_to_svg(chart.to_dict(validate=False), vl_version=_vl_version())


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (for reports and Excel)."""
    return vlc.vegalite_to_png(chart.to_dict(validate=False), vl_version=_vl_version(), scale=scale)


def _vl_version() -> str:
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def decorate(chart: alt.Chart, *, title: str | None = None, width: int | None = None,
             height: int | None = None) -> alt.Chart:
    """Set title and size in one call (``None`` keeps the theme's)."""
    props = {}
    if title is not None:
        props["title"] = title
    if width is not None:
        props["width"] = width
    if height is not None:
        props["height"] = height
    return chart.properties(**props) if props else chart


__getattr__ = submodule_getattr(__name__, globals())
