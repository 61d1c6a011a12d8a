"""Chart builders: tidy data in, ``alt.Chart`` out, one shared look.

This module holds the shared theme and rendering; each topic's builders live in a
submodule (``cxkit.charts.audit``, ``cxkit.charts.queueing`` …), imported on first use.
Every builder in cxkit has the signature ``name_chart(data, *, title=None, **options)
-> alt.Chart`` and takes its labels from :mod:`cxkit.i18n`.

Offline rendering
-----------------
Charts are drawn as static SVG by ``vl-convert`` (the ``cxkit`` altair renderer). Nothing
is fetched from the internet, in JupyterLab, in Voilà or in exported HTML, and the same
chart gives byte-identical SVG on every run, which nbval can compare. Tooltips and
selections are given up for that. :func:`enable` sets this up when ``cxkit.setup()`` asks
for it (:func:`prepare`), never as a side effect of ``import``.

Light kernels
-------------
This module does not import altair; the topic modules do. Panels draw by builder name
(:func:`svg`), so in the app, where one chart engine serves every kernel
(:mod:`cxkit.charts.engine`), a participant's kernel that only shows panels never loads
altair or vl-convert: the engine builds and draws its charts.
"""
from __future__ import annotations

import sys

from .._lazy import submodule_getattr
from . import engine

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


def theme() -> dict:
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


_prepared = False


def prepare() -> None:
    """Have the theme and the SVG renderer enabled as soon as altair is in use: now if it
    is already imported, else when the first topic module imports it (:mod:`._alt`)."""
    global _prepared
    _prepared = True
    if "altair" in sys.modules:
        enable()


def enable() -> None:
    """Register and enable the theme and the offline SVG renderer (idempotent)."""
    import altair as alt

    if "cxkit" not in alt.theme.names():
        alt.theme.register("cxkit", enable=False)(theme)
    alt.theme.enable("cxkit")
    if "cxkit" not in alt.renderers.names():
        alt.renderers.register("cxkit", _svg_renderer)
    alt.renderers.enable("cxkit")
    alt.data_transformers.disable_max_rows()


def svg(builder: str, *args, **options) -> str:
    """The SVG of the chart ``builder`` ("topic.name_chart", e.g. ``"audit.trend_chart"``)
    draws from ``args`` and ``options``, in the current language.

    Built and drawn by the app's chart engine when one runs (the kernel then needs no
    altair), else here: ``svg("audit.trend_chart", data)`` is
    ``to_svg(audit.trend_chart(data))``."""
    from ..i18n import get_language

    return engine.build_svg(builder, args, options, get_language())


class Drawing:
    """A drawn chart as a notebook output: the same ``image/svg+xml`` output as altair's
    SVG renderer gives, without altair in the kernel."""

    def __init__(self, svg: str):
        self.svg = svg

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"image/svg+xml": self.svg}


def show(builder: str, *args, **options) -> Drawing:
    """The chart ``builder`` ("topic.name_chart") draws from ``args``, to show in a
    notebook: ``show("retention.cohort_chart", data)`` looks like
    ``retention.cohort_chart(data)`` but, in the app, is built by the chart engine."""
    return Drawing(svg(builder, *args, **options))


def build(builder: str, *args, **options):
    """The ``alt.Chart`` that ``builder`` ("topic.name_chart") makes of ``args``."""
    import importlib

    topic, _, name = builder.partition(".")
    if not (topic.isidentifier() and name.endswith("_chart") and name.isidentifier()):
        raise ValueError(f"not a chart builder: {builder!r} (expected 'topic.name_chart')")
    return getattr(importlib.import_module(f"{__name__}.{topic}"), name)(*args, **options)


def to_svg(chart) -> str:
    """The chart as an SVG document (drawn offline by vl-convert).

    The spec is not validated again here (altair's validation costs ~40 ms a chart, which
    a slider's redraw cannot afford); builders are validated by the tests and nbval."""
    return engine.convert(chart.to_dict(validate=False), "svg", vl_version=_vl_version())


def to_png(chart, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (for reports and Excel)."""
    return engine.convert(chart.to_dict(validate=False), "png", vl_version=_vl_version(), scale=scale)


def _svg_renderer(spec: dict, **metadata) -> dict[str, str]:
    """altair renderer: the same SVG output as altair's own ``svg`` renderer, drawn by
    :func:`cxkit.charts.engine.convert`."""
    return {"image/svg+xml": engine.convert(spec, "svg", vl_version=_vl_version())}


def _vl_version() -> str:
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def decorate(chart, *, title: str | None = None, width: int | None = None,
             height: int | None = None):
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
