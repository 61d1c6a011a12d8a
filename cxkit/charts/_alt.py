"""altair for the topic modules, with the workbook's theme and SVG renderer enabled once
``cxkit.setup()`` asked for them (:func:`cxkit.charts.prepare`)."""
from __future__ import annotations

import functools

import altair as alt
from altair.utils import schemapi

from . import _prepared, enable

if _prepared:
    enable()


@functools.lru_cache(maxsize=1)
def _converter() -> schemapi._FromDict:
    """altair's table from schemas to their classes, built once. altair builds it again
    for every encoding given as a shorthand ("value:Q"): hashing some 850 schemas, about
    10 ms each time, most of the time a chart of a slider's move took to build."""
    return schemapi._FromDict(schemapi.SchemaBase._default_wrapper_classes())


def _from_dict(cls, dct, validate: bool = True):
    """``SchemaBase.from_dict`` (altair 6), with the table built once (:func:`_converter`)."""
    if validate:
        cls.validate(dct)
    return _converter().from_dict(dct, cls)


if hasattr(schemapi, "_FromDict") and hasattr(schemapi.SchemaBase, "_default_wrapper_classes"):
    schemapi.SchemaBase.from_dict = classmethod(_from_dict)

__all__ = ["alt"]
