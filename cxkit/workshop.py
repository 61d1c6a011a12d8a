"""The workshop's state: what the room decided, read from the workshop's store.

Notebook 02 lets the room choose the audit grid's weights and critical items and keeps
that choice in the store under the setting :data:`ROOM_GRID`. Notebook 03's panels and
the report of notebook 08 both score the calls with :func:`room_grid`, so the page and the
report always agree on the grid. No widget here: panels and the report both import it.
"""
from __future__ import annotations

import pandas as pd

from . import audit

#: The store's setting that holds the room's grid choices (:func:`cxkit.audit.grid_choices`).
ROOM_GRID = "audit_grid"


def room_grid(store=None) -> pd.DataFrame:
    """The shipped grid with the weights and critical items the room chose in notebook 02.

    ``store`` is a :class:`cxkit.store.Store` (default: the workshop's store). Without a
    choice in the store this is the shipped grid (:func:`cxkit.audit.load_grid`); with one,
    :func:`cxkit.audit.with_choices` applies it (the criteria themselves never change).
    ``attrs["room_choices"]`` is the number of criteria whose weight or critical flag
    differs from the shipped grid (0 for the shipped grid).
    """
    if store is None:
        from .store import Store

        store = Store()
    shipped = audit.load_grid()
    grid = audit.with_choices(shipped, store.setting(ROOM_GRID))
    changed = (grid["weight"] != shipped["weight"]) | (grid["critical"] != shipped["critical"])
    grid.attrs["room_choices"] = int(changed.sum())
    return grid
