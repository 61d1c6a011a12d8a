"""The double penalty: what a support call costs the customer, minute by minute.

A call journey is a table of steps (menu, waiting, identification, transfer …), each with
its minutes and whether the caller gets any service during it. :func:`call_cost` prices
it from the customer's side: minutes on the line, minutes without service, what the call
cost in money (a premium-rate number charges every minute) and in time, and whether the
problem was solved before the line's cut-off forced the caller to start again.

The story comes from the seed article 002 ("Faut-il abolir la double peine…", August
2007): the caller pays to wait, is identified twice, transferred, and around 20 minutes
the line drops and everything starts again.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import io
from .errors import DataError
from .i18n import get_language, t

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = ("step", "label_fr", "label_en", "minutes", "service")

__all__ = ["load_journey", "clean_steps", "call_cost", "timeline", "compare", "waiting_cost_per_hour", "COLUMNS"]


def clean_steps(steps: pd.DataFrame, *, name: str | None = None) -> pd.DataFrame:
    """The journey as typed columns: ``step`` (text), ``minutes`` (float ≥ 0), ``service``
    (bool), plus ``label`` (the label in the current language when ``label_fr``/``label_en``
    are given, else ``step``).

    Raises ``DataError`` when there is no step, a column is missing, or minutes are not a
    number or negative (the cxkit.io parsers name the row and the column).
    """
    if not isinstance(steps, pd.DataFrame):
        raise DataError(t("journey.error_not_table"))
    frame = io.read_table(steps, name=name or steps.attrs.get("source") or "steps")
    if len(frame) == 0:
        raise DataError(t("journey.error_no_steps"), file=frame.attrs.get("source"))
    io.require_columns(frame, ["step", "minutes", "service"])
    minutes = io.parse_number(frame, "minutes", minimum=0)
    service = frame["service"]
    if service.dtype != bool:
        service = io.parse_bool(frame, "service") == 1.0
    lang_column = f"label_{get_language()}"
    label = frame[lang_column] if lang_column in frame.columns else frame["step"]
    return pd.DataFrame({"step": frame["step"].astype(str).to_numpy(),
                         "label": label.astype(str).to_numpy(),
                         "minutes": minutes.to_numpy(dtype=float),
                         "service": service.to_numpy(dtype=bool)})


def load_journey(which: str = "today") -> pd.DataFrame:
    """The shipped journey ``"today"`` or ``"improved"`` (``data/journey_<which>.csv``),
    with columns ``step, label_fr, label_en, minutes, service`` (minutes float, service bool).
    See ``data/README.md`` for where the minutes come from."""
    if which not in ("today", "improved"):
        raise DataError(t("journey.error_which", which=which))
    frame = io.read_table(DATA / f"journey_{which}.csv")
    io.require_columns(frame, COLUMNS)
    out = frame.loc[:, list(COLUMNS)].reset_index(drop=True)
    out["minutes"] = io.parse_number(frame, "minutes", minimum=0).to_numpy()
    out["service"] = (io.parse_bool(frame, "service") == 1.0).to_numpy()
    out.attrs["source"] = f"journey_{which}.csv"
    return out


def _within(minutes: np.ndarray, limit: float) -> np.ndarray:
    """Minutes of each step that fall before ``limit`` minutes from the start of the call."""
    starts = np.concatenate([[0.0], np.cumsum(minutes)[:-1]])
    return np.clip(limit - starts, 0.0, minutes)


def call_cost(steps: pd.DataFrame, price_per_minute: float, time_value_per_hour: float,
              cutoff_minutes: float | None = 20, max_attempts: int = 3) -> dict:
    """What one support call costs the customer, counting the attempts the cut-off forces.

    Rules
    -----
    - One attempt goes through the steps in order. If the journey's total length ``L`` is at
      most ``cutoff_minutes`` (or there is no cut-off, ``None``/``inf``/``0``), the attempt
      finishes: ``attempts = 1``, ``resolved = True``, ``minutes = L``.
    - Otherwise the line drops when the call reaches the cut-off: the attempt lasted
      exactly ``cutoff_minutes``, the caller redials and starts again from the first step
      (with someone new, so nothing done before is kept). Every attempt is the same journey,
      so every attempt is cut: the caller gives up after ``max_attempts`` attempts,
      ``minutes = max_attempts · cutoff``, ``resolved = False``. A call is resolved only if
      an attempt finishes all its steps within the cut-off.
    - Cut attempts count in full: every minute on the line is paid and is time lost. The
      minutes of a cut attempt are split into service / no service by the steps they cover
      (a step running when the line drops counts pro rata). The service minutes of a cut
      attempt are NOT useful: they are lost with the attempt.

    Returns
    -------
    dict with
        ``minutes``: minutes on the line over all attempts;
        ``minutes_without_service``: minutes in steps marked no service, over all attempts;
        ``cut_minutes``: minutes spent in attempts that were cut;
        ``useful_minutes``: service minutes of the attempt that finished (0 if none did);
        ``useful_share = useful_minutes / minutes`` (0 when ``minutes = 0``);
        ``money_cost = minutes · price_per_minute`` (money; 0 for a free number);
        ``time_cost = minutes / 60 · time_value_per_hour`` (money);
        ``total_cost = money_cost + time_cost``; ``attempts``; ``resolved``.

    Example: steps of 5 (no service), 10 (no service) and 10 minutes (service), cut-off 20,
    3 attempts: each attempt is cut at 20 minutes (15 without service, 5 of service lost),
    so 60 minutes, 45 without service, useful share 0, not resolved.
    """
    table = clean_steps(steps)
    price = _money(price_per_minute, "price_per_minute")
    value = _money(time_value_per_hour, "time_value_per_hour")
    tries = int(max_attempts) if float(max_attempts) == int(max_attempts) else 0
    if tries < 1:
        raise DataError(t("journey.error_attempts", value=max_attempts))
    minutes = table["minutes"].to_numpy()
    service = table["service"].to_numpy()
    length = float(minutes.sum())
    cutoff = math.inf if cutoff_minutes in (None, 0) else _money(cutoff_minutes, "cutoff_minutes")
    if length <= cutoff:
        total, without = length, float(minutes[~service].sum())
        useful, attempts, resolved, cut = float(minutes[service].sum()), 1, True, 0.0
    else:
        covered = _within(minutes, cutoff)
        attempts, resolved = tries, False
        total = cut = tries * cutoff
        without = tries * float(covered[~service].sum())
        useful = 0.0
    money = total * price
    time_cost = total / 60.0 * value
    return {"minutes": total, "minutes_without_service": without, "cut_minutes": cut,
            "useful_minutes": useful, "useful_share": useful / total if total > 0 else 0.0,
            "money_cost": money, "time_cost": time_cost, "total_cost": money + time_cost,
            "attempts": attempts, "resolved": resolved}


def waiting_cost_per_hour(price_per_minute: float = 0.35, time_value_per_hour: float = 15.0) -> float:
    """What an hour of waiting costs the caller, in money per hour: the line's price plus
    the caller's time, ``60 · price_per_minute + time_value_per_hour``.

    The defaults are notebook 04's journey (a premium-rate line at 0.35 a minute, the
    caller's time valued at 15 an hour, both workshop assumptions): 60·0.35 + 15 = 36 an
    hour. ``cxkit.queueing.cost_optimal_agents`` uses it as the callers' waiting cost.
    """
    return 60.0 * _money(price_per_minute, "price_per_minute") + _money(time_value_per_hour, "time_value_per_hour")


def _money(value, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise DataError(t("journey.error_number", name=name, value=value)) from None
    if math.isnan(x) or x < 0:
        raise DataError(t("journey.error_negative", name=name, value=value))
    return x


def timeline(steps: pd.DataFrame, cutoff_minutes: float | None = 20, max_attempts: int = 3) -> pd.DataFrame:
    """The call as segments on a time axis, attempt after attempt, for the timeline chart.

    Columns: ``attempt`` (1, 2, …), ``step``, ``label``, ``start`` and ``end`` (minutes from
    the first dial), ``service`` (bool) and ``cut`` (True for the segment the line drops in).
    Uses the same rules as :func:`call_cost`, so ``end.max()`` equals its ``minutes``.
    """
    table = clean_steps(steps)
    minutes = table["minutes"].to_numpy()
    length = float(minutes.sum())
    cutoff = math.inf if cutoff_minutes in (None, 0) else _money(cutoff_minutes, "cutoff_minutes")
    attempts = 1 if length <= cutoff else int(max_attempts)
    covered = _within(minutes, cutoff) if length > cutoff else minutes
    starts = np.concatenate([[0.0], np.cumsum(covered)[:-1]])
    last = int(np.nonzero(covered > 0)[0].max()) if (covered > 0).any() else -1
    rows = []
    for k in range(attempts):
        offset = k * (cutoff if length > cutoff else 0.0)
        for i in range(len(table)):
            if covered[i] <= 0:
                continue
            rows.append({"attempt": k + 1, "step": table["step"].iat[i], "label": table["label"].iat[i],
                         "start": offset + starts[i], "end": offset + starts[i] + covered[i],
                         "service": bool(table["service"].iat[i]), "cut": length > cutoff and i == last})
    return pd.DataFrame(rows, columns=["attempt", "step", "label", "start", "end", "service", "cut"])


def compare(journeys: dict, prices: dict, time_value_per_hour: float,
            cutoff_minutes: float | None = 20, max_attempts: int = 3) -> pd.DataFrame:
    """:func:`call_cost` for several journeys side by side: one column per journey name,
    one row per measure (``minutes``, ``minutes_without_service``, ``money_cost`` …).
    ``prices`` gives each journey's price per minute (by the same names)."""
    return pd.DataFrame({name: call_cost(steps, prices[name], time_value_per_hour, cutoff_minutes, max_attempts)
                         for name, steps in journeys.items()})
