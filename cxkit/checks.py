"""Checks of a model's inputs: an impossible value raises ``DataError`` naming the input
and the value, in the user's language (issue 14, item 8).

Each function takes the input's name (as the function's parameter is called) and its
value, and returns the value as a float (or a float array, for element-wise models).
"""
from __future__ import annotations

import numpy as np

from .errors import DataError
from .i18n import t


def _array(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise DataError(t("evidence.input_number", name=name, value=value), column=name) from None
    if np.isnan(arr).any():
        raise DataError(t("evidence.input_number", name=name, value=value), column=name)
    return arr


def _out(arr: np.ndarray, value):
    return float(arr) if arr.ndim == 0 else arr


def _first(arr: np.ndarray, mask) -> float:
    return float(np.broadcast_to(arr, np.shape(mask))[mask].flat[0])


def number(name: str, value, *, finite: bool = True):
    """A number (finite unless ``finite=False``)."""
    arr = _array(name, value)
    if finite and not np.isfinite(arr).all():
        raise DataError(t("evidence.input_number", name=name, value=_first(arr, ~np.isfinite(arr))), column=name)
    return _out(arr, value)


def share(name: str, value, *, below_one: bool = False):
    """A share in [0, 1] (in [0, 1) when ``below_one``)."""
    arr = _array(name, value)
    bad = ~((arr >= 0) & ((arr < 1) if below_one else (arr <= 1)))
    if bad.any():
        key = "evidence.input_share_below_one" if below_one else "evidence.input_share"
        raise DataError(t(key, name=name, value=_first(arr, bad)), column=name)
    return _out(arr, value)


def at_least(name: str, value, minimum: float, *, finite: bool = True):
    """A number ≥ ``minimum``."""
    arr = _array(name, value)
    bad = ~(arr >= minimum) | (~np.isfinite(arr) if finite else np.zeros(arr.shape, bool))
    if bad.any():
        raise DataError(t("evidence.input_at_least", name=name, value=_first(arr, bad), minimum=minimum),
                        column=name)
    return _out(arr, value)


def whole(name: str, value, minimum: int = 0) -> int:
    """A whole number ≥ ``minimum``."""
    if isinstance(value, bool):
        raise DataError(t("evidence.input_whole", name=name, value=value, minimum=minimum), column=name)
    x = number(name, value)
    if np.ndim(x) or x != int(x) or x < minimum:
        raise DataError(t("evidence.input_whole", name=name, value=value, minimum=minimum), column=name)
    return int(x)
