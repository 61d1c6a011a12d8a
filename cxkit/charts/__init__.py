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
from ..io import LINE_BREAKS

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


def vega(builder: str, *args, **options) -> str:
    """What a page needs to draw the chart ``builder`` itself, in the current language:
    JSON text of the compiled Vega spec and the language's number format
    (:func:`cxkit.charts.engine.build_vega`). :class:`cxkit.panels.ChartView` sends it
    when a participant moves a slider; the page's Vega draws it."""
    from ..i18n import get_language

    return engine.build_vega(builder, args, options, get_language())


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
    """The ``alt.Chart`` that ``builder`` ("topic.name_chart") makes of ``args``, its
    text cleaned first (:func:`clean_data`): a second line of defence behind the checks
    at every door, so that one stored label cannot stop the drawing of a chart."""
    import importlib

    topic, _, name = builder.partition(".")
    if not (topic.isidentifier() and name.endswith("_chart") and name.isidentifier()):
        raise ValueError(f"not a chart builder: {builder!r} (expected 'topic.name_chart')")
    make = getattr(importlib.import_module(f"{__name__}.{topic}"), name)
    args = tuple(clean_data(value, engine.TITLE_MAX) for value in args)
    options = {key: clean_data(value, engine.TITLE_MAX) for key, value in options.items()}
    return make(*args, **options)


def clean_label(text: str, limit: int = engine.LABEL_MAX) -> str:
    """A label safe to draw: no character XML forbids nor other control characters
    (they made the drawing engine abort), on one line, at most ``limit`` characters
    (a longer one ends with "…")."""
    return engine.clean_text(text, limit)


def clean_data(value, limit: int = engine.TITLE_MAX):
    """``value`` with every string cleaned by :func:`clean_label`: the values and the
    index of a DataFrame or Series (cut to ``LABEL_MAX``; column names only lose their
    illegal characters), the items of a list, tuple or dict, or a string itself (cut to
    ``limit``: a title). Anything else is returned as it is; nothing is changed in place."""
    import pandas as pd

    if isinstance(value, str):
        return clean_label(value, limit)
    if isinstance(value, pd.DataFrame):
        frame = value.copy(deep=False)
        frame.columns = _clean_index(frame.columns, None)
        for column in range(frame.shape[1]):
            cleaned = _clean_series(frame.iloc[:, column])
            if cleaned is not None:
                frame.isetitem(column, cleaned)
        frame.index = _clean_index(frame.index, engine.LABEL_MAX)
        return frame
    if isinstance(value, pd.Series):
        cleaned = _clean_series(value)
        series = value if cleaned is None else cleaned
        return series.set_axis(_clean_index(series.index, engine.LABEL_MAX))
    if isinstance(value, dict):
        return {clean_data(k, engine.LABEL_MAX): clean_data(v, limit) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_data(v, engine.LABEL_MAX) for v in value)
    return value


def _needs_cleaning(text, limit: int | None) -> bool:
    return isinstance(text, str) and ((limit is not None and len(text) > limit)
                                      or engine._ILLEGAL.search(text) is not None
                                      or (limit is not None and LINE_BREAKS.search(text) is not None))


def _clean_one(text, limit: int | None):
    return engine.clean_text(text, limit, one_line=limit is not None) if _needs_cleaning(text, limit) else text


def _clean_series(series):
    """The series with its text cleaned, or None when it has none to clean."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if not any(_needs_cleaning(c, engine.LABEL_MAX) for c in categories):
            return None
        cleaned = [_clean_one(c, engine.LABEL_MAX) for c in categories]
        if len(set(cleaned)) == len(cleaned):
            return series.cat.rename_categories(cleaned)
        series = series.astype(object)
    elif series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
        return None
    if not series.map(lambda v: _needs_cleaning(v, engine.LABEL_MAX)).any():
        return None
    return series.map(lambda v: _clean_one(v, engine.LABEL_MAX))


def _clean_index(index, limit: int | None):
    import pandas as pd

    if isinstance(index, pd.MultiIndex) or not any(_needs_cleaning(v, limit) for v in index):
        return index
    return index.map(lambda v: _clean_one(v, limit))


def to_svg(chart) -> str:
    """The chart as an SVG document (drawn offline by vl-convert).

    The spec is not validated again here (altair's validation costs ~40 ms a chart, which
    a slider's redraw cannot afford); builders are validated by the tests and nbval.
    Axis numbers follow the current language (:func:`cxkit.charts.engine.number_format`)."""
    return engine.convert(chart.to_dict(validate=False), "svg", vl_version=_vl_version(), **_numbers())


def to_png(chart, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (for reports and Excel)."""
    return engine.convert(chart.to_dict(validate=False), "png", vl_version=_vl_version(), scale=scale, **_numbers())


def _svg_renderer(spec: dict, **metadata) -> dict[str, str]:
    """altair renderer: the same SVG output as altair's own ``svg`` renderer, drawn by
    :func:`cxkit.charts.engine.convert`."""
    return {"image/svg+xml": engine.convert(spec, "svg", vl_version=_vl_version(), **_numbers())}


def _numbers() -> dict:
    """The drawing option for the current language's number format."""
    from ..i18n import get_language

    return engine.number_format(get_language())


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
