"""The workshop's state, in one place: the room's store, grid, calls, answers, decisions,
saved language, and what the trainer opened or locked for the room.

Everything here is read from (and written to) the workshop's store, so every page of the
room agrees: notebook 02 saves the grid the room chose (:data:`ROOM_GRID`), notebook 03's
panels and the report of notebook 08 both score the calls with :func:`room_grid`; the
trainer's console reveals an exercise's answer or a result to every page (:func:`reveal`)
and locks the entry forms (:func:`lock_forms`). :func:`store` is the one place a
:class:`cxkit.store.Store` is built for the panels, the report and the notebooks.

It sits below the charts and the panels (no widget, no chart): the report imports it.
:mod:`cxkit.i18n` does not import it (nor the store): importing this module tells i18n
where the saved language is kept (:func:`cxkit.i18n.use_saved_language`).
"""
from __future__ import annotations

import json
import logging

import pandas as pd

from . import audit, i18n
from .store import Store, workspace_dir

log = logging.getLogger("cxkit.workshop")

#: The store's setting that holds the room's grid choices (:func:`cxkit.audit.grid_choices`).
ROOM_GRID = "audit_grid"
#: The store's setting that lists the answers and results the trainer opened for the room.
REVEALED = "revealed"
#: The store's setting that says whether the trainer locked the entry forms.
FORMS_LOCKED = "forms_locked"
#: The store's setting that holds the language last chosen on the home page.
LANGUAGE = "language"
#: The store's setting that holds the room's decisions (overrides of :data:`DECISION_DEFAULTS`).
DECISIONS = "decisions"
#: The store's setting that holds the run sheet's clock (:func:`start_clock`).
CLOCK = "clock"
#: Answers kinds the room produces: 01's self-assessment and the closing action plan.
SELF_ASSESSMENT = "self_assessment"
ACTION_PLAN = "action_plan"

#: The improvement plan the room starts from (notebook 05's dashboard and the report of
#: notebook 08): target share of badly handled calls, yearly and one-off cost in euros,
#: years. The workbook's own illustrative assumptions, not a quote.
DECISION_DEFAULTS = {"target_bad_call_rate": 0.08, "yearly_cost": 250_000.0, "one_off_cost": 0.0, "years": 3}


def store(room: str | None = None) -> Store:
    """The workshop's store, scoped to ``room`` (default: the room currently open).

    The one place the panels, the report and the notebooks build a
    :class:`cxkit.store.Store`: its file (or database) comes from ``CXKIT_DB``, else the
    ``workspace`` folder."""
    return Store() if room is None else Store(room=room)


def _store(given: Store | None) -> Store:
    return store() if given is None else given


# --- what the room entered ------------------------------------------------------------

def room_grid(store: Store | None = None) -> pd.DataFrame:
    """The shipped grid with the weights and critical items the room chose in notebook 02.

    ``store`` is a :class:`cxkit.store.Store` (default: :func:`store`). Without a
    choice in the store this is the shipped grid (:func:`cxkit.audit.load_grid`); with one,
    :func:`cxkit.audit.with_choices` applies it (the criteria themselves never change).
    ``attrs["room_choices"]`` is the number of criteria whose weight or critical flag
    differs from the shipped grid (0 for the shipped grid).
    """
    store = _store(store)
    shipped = audit.load_grid()
    grid = audit.with_choices(shipped, store.setting(ROOM_GRID))
    changed = (grid["weight"] != shipped["weight"]) | (grid["critical"] != shipped["critical"])
    grid.attrs["room_choices"] = int(changed.sum())
    return grid


def save_room_grid(choices, store: Store | None = None) -> None:
    """Keep the room's grid choices (:func:`cxkit.audit.grid_choices`); ``None`` forgets them."""
    store = _store(store)
    if choices is None:
        store.delete_setting(ROOM_GRID)
    else:
        store.save_setting(ROOM_GRID, choices)


def calls(store: Store | None = None) -> pd.DataFrame:
    """The room's calls as stored (one row per call, ``call_id`` first)."""
    return _store(store).calls()


def scored_calls(store: Store | None = None) -> pd.DataFrame:
    """The room's calls read like a campaign file, with the room's grid
    (:func:`cxkit.audit.calls_from_records`)."""
    store = _store(store)
    return audit.calls_from_records(store.calls(), room_grid(store))


def answers(kind: str, store: Store | None = None) -> pd.DataFrame:
    """The room's answers of one kind (e.g. :data:`SELF_ASSESSMENT`, :data:`ACTION_PLAN`)."""
    return _store(store).answers(kind)


def decisions(store: Store | None = None) -> dict:
    """The room's plan: :data:`DECISION_DEFAULTS` with what the room saved over them."""
    saved = _store(store).setting(DECISIONS) or {}
    return {key: saved.get(key, value) for key, value in DECISION_DEFAULTS.items()}


def save_decisions(values: dict, store: Store | None = None) -> dict:
    """Keep some of the room's decisions (keys of :data:`DECISION_DEFAULTS`); returns them all."""
    unknown = set(values) - set(DECISION_DEFAULTS)
    if unknown:
        raise KeyError(f"unknown decisions: {sorted(unknown)}")
    store = _store(store)
    merged = {**(store.setting(DECISIONS) or {}), **values}
    store.save_setting(DECISIONS, merged)
    return decisions(store)


# --- the trainer's switches ---------------------------------------------------------------

def revealed(store: Store | None = None) -> set[str]:
    """The keys of the answers and results the trainer opened for every page of the room
    (e.g. ``"03.1"``: notebook 03, exercise 1)."""
    try:
        keys = _store(store).setting(REVEALED) or []
    except Exception:  # a page keeps working (answers closed) when the store cannot be read
        log.exception("could not read the revealed answers")
        return set()
    return {str(k) for k in keys}


def reveal(key: str, shown: bool = True, store: Store | None = None) -> set[str]:
    """Open (``shown=True``) or close the answer or result ``key`` on every page of the
    room; returns the keys now open."""
    store = _store(store)
    keys = revealed(store)
    keys = keys | {str(key)} if shown else keys - {str(key)}
    store.save_setting(REVEALED, sorted(keys))
    return keys


def forms_locked(store: Store | None = None) -> bool:
    """True when the trainer closed the entry forms (mystery calls, self-assessments)."""
    try:
        return bool(_store(store).setting(FORMS_LOCKED, False))
    except Exception:
        log.exception("could not read whether the forms are locked")
        return False


def lock_forms(locked: bool = True, store: Store | None = None) -> None:
    """Close (``locked=True``) or reopen the room's entry forms."""
    _store(store).save_setting(FORMS_LOCKED, bool(locked))


def start_clock(cut: str = "full", start: float | None = None, store: Store | None = None) -> dict:
    """Start the run sheet's clock for the room now (or at ``start``, seconds since 1970):
    ``cut`` is ``"full"`` or ``"manager"`` (:func:`cxkit.nav.run_sheet`). Returns the clock."""
    import time

    value = {"start": float(time.time() if start is None else start), "cut": str(cut)}
    _store(store).save_setting(CLOCK, value)
    return value


def clock(store: Store | None = None) -> dict | None:
    """The room's clock (``{"start": seconds since 1970, "cut": ...}``), or None before it starts."""
    value = _store(store).setting(CLOCK)
    return value if isinstance(value, dict) and "start" in value else None


def stop_clock(store: Store | None = None) -> None:
    """Stop the room's clock."""
    _store(store).delete_setting(CLOCK)


# --- the saved language ---------------------------------------------------------------------

def _old_settings_language() -> str | None:
    """The language saved by earlier versions in ``workspace/settings.json``, if any."""
    path = workspace_dir() / "settings.json"
    try:
        lang = json.loads(path.read_text(encoding="utf-8")).get("language")
    except (OSError, ValueError, AttributeError):
        return None
    return lang if lang in i18n.LANGUAGES else None


def language(store: Store | None = None) -> str | None:
    """The language last chosen on the home page (kept in the store's settings), or None.

    A language saved by an earlier version in ``workspace/settings.json`` is read once and
    moved into the store, so nothing is lost."""
    try:
        store = _store(store)
        lang = store.setting(LANGUAGE)
        if lang is None:
            lang = _old_settings_language()
            if lang is not None:
                store.save_setting(LANGUAGE, lang)
    except Exception:  # no store to read: the language falls back to the default
        log.exception("could not read the saved language")
        return None
    return lang if lang in i18n.LANGUAGES else None


def save_language(lang: str, store: Store | None = None) -> str:
    """Keep ``lang`` (``"fr"`` or ``"en"``) for the notebooks opened afterwards."""
    lang = str(lang).strip().lower()[:2]
    if lang not in i18n.LANGUAGES:
        raise ValueError(f"language must be one of {i18n.LANGUAGES}, not {lang!r}")
    _store(store).save_setting(LANGUAGE, lang)
    return lang


# --- how fresh the room is ----------------------------------------------------------------------

def data_version(store: Store | None = None) -> int:
    """A number that changes after any write in the room (:meth:`cxkit.store.Store.data_version`)."""
    store = _store(store)
    if hasattr(store, "data_version"):
        return int(store.data_version())
    return _counted_version(store)


def _counted_version(store: Store) -> int:
    """Stand-in for a store without ``data_version``: counts and latest times of its rows."""
    with store._connect() as con:
        row = con.execute("SELECT (SELECT COUNT(*) FROM calls), (SELECT MAX(created) FROM calls), "
                          "(SELECT COUNT(*) FROM answers), (SELECT MAX(id) FROM answers), "
                          "(SELECT COUNT(*) FROM settings), (SELECT MAX(created) FROM settings)").fetchone()
    return hash(row) & 0x7FFFFFFFFFFFFFFF


def present(within_seconds: float = 30, store: Store | None = None) -> int:
    """Pages of the room seen open in the last ``within_seconds`` (:meth:`cxkit.store.Store.present`)."""
    store = _store(store)
    return int(store.present(within_seconds)) if hasattr(store, "present") else 0


i18n.use_saved_language(language, save_language)
