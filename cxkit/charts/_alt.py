"""altair for the topic modules, with the workbook's theme and SVG renderer enabled once
``cxkit.setup()`` asked for them (:func:`cxkit.charts.prepare`)."""
from __future__ import annotations

import altair as alt
from altair.utils import schemapi

from . import _prepared, enable

if _prepared:
    enable()


_CONVERTERS: dict = {}


def _converter(cls) -> schemapi._FromDict:
    """altair's table from schemas to their classes for ``cls``, built once per family of
    classes (``_default_wrapper_classes``: Vega-Lite's, the expressions' …). altair builds
    it again for every encoding given as a shorthand ("value:Q"): hashing some 850
    schemas, about 10 ms each time, most of the time a chart of a slider's move took."""
    family = getattr(cls._default_wrapper_classes, "__func__", cls._default_wrapper_classes)
    converter = _CONVERTERS.get(family)
    if converter is None:
        converter = _CONVERTERS[family] = schemapi._FromDict(cls._default_wrapper_classes())
    return converter


def _from_dict(cls, dct, validate: bool = True):
    """``SchemaBase.from_dict`` (altair 6), with the table built once (:func:`_converter`)."""
    if validate:
        cls.validate(dct)
    return _converter(cls).from_dict(dct, cls)


if hasattr(schemapi, "_FromDict") and hasattr(schemapi.SchemaBase, "_default_wrapper_classes"):
    schemapi.SchemaBase.from_dict = classmethod(_from_dict)
