"""What poor phone handling costs a year: a market-damage model with its uncertainty.

The model follows the spirit of TARP's and John Goodman's work on complaint behaviour
and word of mouth (TARP 1986 for the US Office of Consumer Affairs; Goodman 2009,
*Strategic Customer Service*): a badly handled call makes some customers leave (more of
them when they stay silent than when they complain), makes them talk, loses enquiries
from prospects, and brings more calls. Every figure is an assumption with a low, likely
and high value and a source (``data/assumptions.csv``, read by :func:`load_assumptions`).

One formula, :func:`loss_components`, works on numbers or on numpy arrays; the likely
estimate (:func:`annual_loss`), the simulation (:func:`simulate`), the tornado
(:func:`tornado`) and the improvement plan all call it.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import t
from .io import check_unique, na_mask, parse_number, read_table, require_columns, source_name
from .retention import clv

DATA = Path(__file__).resolve().parent.parent / "data"
ASSUMPTIONS_FILE = DATA / "assumptions.csv"

#: The model's inputs, in the order the dashboard shows them, with their group.
GROUPS = {
    "customers_calls": ("customers", "contact_rate", "bad_call_rate", "repeat_calls"),
    "churn": ("complain_rate", "churn_if_silent", "churn_if_complained"),
    "value": ("annual_margin", "retention_rate", "discount_rate"),
    "prospects": ("wom_reach", "wom_loss", "prospect_calls", "conversion_rate"),
    "costs": ("acquisition_cost", "cost_per_call"),
}
INPUTS = tuple(name for names in GROUPS.values() for name in names)
#: Inputs that are shares of something: they must lie in [0, 1].
SHARES = frozenset({"contact_rate", "bad_call_rate", "complain_rate", "churn_if_silent",
                    "churn_if_complained", "retention_rate", "discount_rate", "wom_loss",
                    "conversion_rate"})
COMPONENTS = ("churn", "word_of_mouth", "lost_sales", "replacement", "rework")
COLUMNS = ("name", "label_fr", "label_en", "unit", "low", "likely", "high", "source", "source_fr", "notes")
#: Seed 003 ("Le client et la baignoire") claims, without a source, that efficient firms
#: spend under 10 % of operating expenses on failures and neglectful ones up to 40 % (the
#: 40 % matches a figure in Crosby, *Quality Is Free*, 1979), and that winning a customer
#: costs ~5x keeping one (published ratios run from about 2x to 25x). They are the
#: article's orders of magnitude, shown as such, not standards.
EFFICIENT_SHARE = 0.10
NEGLECTFUL_SHARE = 0.40
ACQUISITION_TO_RETENTION = 5.0


# --- checking inputs --------------------------------------------------------------------

def check_inputs(values: Mapping[str, float | np.ndarray]) -> dict[str, np.ndarray]:
    """The inputs as float arrays, after checking each one; raises ``DataError`` naming it.

    A missing input, a value that is not a finite number, a share outside [0, 1], a
    negative count or amount, or a retention rate not below ``1 + discount_rate`` is refused.
    """
    arrays: dict[str, np.ndarray] = {}
    for name in INPUTS:
        if name not in values or values[name] is None:
            raise DataError(t("losses.missing_input", name=name))
        arrays[name] = check_value(name, values[name])
    too_high = arrays["retention_rate"] >= 1 + arrays["discount_rate"]
    if np.any(too_high):
        raise DataError(t("losses.retention_too_high", name="retention_rate",
                          value=_first(np.broadcast_to(arrays["retention_rate"], too_high.shape), too_high)))
    return arrays


def check_value(name: str, value) -> np.ndarray:
    """One input as a float array, checked: a finite number, in [0, 1] for a share,
    not negative otherwise; raises ``DataError`` naming the input."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise DataError(t("losses.not_a_number", name=name, value=value)) from None
    if not np.isfinite(arr).all():
        raise DataError(t("losses.not_a_number", name=name, value=_first(arr, ~np.isfinite(arr))))
    if name in SHARES and ((arr < 0) | (arr > 1)).any():
        raise DataError(t("losses.not_a_share", name=name, value=_first(arr, (arr < 0) | (arr > 1))))
    if (arr < 0).any():
        raise DataError(t("losses.negative", name=name, value=_first(arr, arr < 0)))
    return arr


def _first(arr: np.ndarray, mask) -> float:
    return float(np.broadcast_to(arr, np.shape(mask))[mask].flat[0])


# --- the formula --------------------------------------------------------------------------

def customer_value(annual_margin, retention_rate, discount_rate):
    """Lifetime value of one customer, for numbers or arrays: :func:`cxkit.retention.clv`.

    ``clv = annual_margin · retention_rate / (1 + discount_rate − retention_rate)``, in
    money per customer (Gupta & Lehmann 2003); the formula lives in ``clv`` only.
    """
    value = clv(annual_margin, retention_rate, discount_rate)
    return value if np.ndim(value) == 0 else np.asarray(value, dtype=float)


def loss_components(values: Mapping[str, float | np.ndarray], *,
                    value: float | np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The yearly loss by component, for one set of inputs or for arrays of them.

    Formula (money per year; every input is described in ``data/README.md``)::

        clv           = annual_margin · retention_rate / (1 + discount_rate − retention_rate)
        badly_served  = customers · contact_rate · bad_call_rate
        defectors     = badly_served · ((1 − complain_rate) · churn_if_silent
                                        + complain_rate · churn_if_complained)
        churn         = defectors · clv
        word_of_mouth = badly_served · wom_reach · wom_loss · clv
        lost_sales    = prospect_calls · bad_call_rate · conversion_rate · clv
        replacement   = defectors · acquisition_cost
        rework        = badly_served · repeat_calls · cost_per_call
        total         = churn + word_of_mouth + lost_sales + replacement + rework

    A market-damage model in the spirit of TARP/Goodman (TARP 1986; Goodman 2009). The
    inputs are not checked here: call :func:`check_inputs` first. ``value``, when given,
    is the ``clv`` already computed for the same margins, retention and discount rates
    (it saves recomputing it for a second scenario on the same draws).

    Returns
    -------
    dict
        ``churn``, ``word_of_mouth``, ``lost_sales``, ``replacement``, ``rework``,
        ``total``, plus ``badly_served``, ``defectors`` and ``clv`` (counts per year and
        money per customer), each a float or an array shaped like the inputs.
    """
    v = values
    if value is None:
        value = customer_value(v["annual_margin"], v["retention_rate"], v["discount_rate"])
    badly_served = v["customers"] * v["contact_rate"] * v["bad_call_rate"]
    defectors = badly_served * ((1 - v["complain_rate"]) * v["churn_if_silent"]
                                + v["complain_rate"] * v["churn_if_complained"])
    out = {
        "churn": defectors * value,
        "word_of_mouth": badly_served * v["wom_reach"] * v["wom_loss"] * value,
        "lost_sales": v["prospect_calls"] * v["bad_call_rate"] * v["conversion_rate"] * value,
        "replacement": defectors * v["acquisition_cost"],
        "rework": badly_served * v["repeat_calls"] * v["cost_per_call"],
    }
    out["total"] = sum(out[c] for c in COMPONENTS)
    out.update(badly_served=badly_served, defectors=defectors, clv=value)
    return out


def annual_loss(inputs: Mapping[str, float]) -> pd.Series:
    """The yearly loss (money) of one set of inputs, by component and in total.

    See :func:`loss_components` for the formula and its source; inputs are checked by
    :func:`check_inputs` (``DataError`` naming the bad input).

    Returns
    -------
    Series
        ``churn``, ``word_of_mouth``, ``lost_sales``, ``replacement``, ``rework``, ``total``.
    """
    parts = loss_components({k: float(v) for k, v in check_inputs(inputs).items()})
    return pd.Series({c: float(parts[c]) for c in (*COMPONENTS, "total")}, name="loss")


# --- assumptions ---------------------------------------------------------------------------

def abandon_cost(assumptions: pd.DataFrame | None = None) -> float:
    """What one caller who hangs up costs the company, in money: the loss model's chance
    that a badly served customer leaves, times the customer's value.

    ``abandon_cost = ((1 − complain_rate)·churn_if_silent + complain_rate·churn_if_complained)
    · customer_value(annual_margin, retention_rate, discount_rate)``, likely values of
    ``assumptions`` (default: the shipped ``data/assumptions.csv``, workshop estimates).
    It counts every caller who hangs up as a badly served customer, which is an upper
    reading; notebook 04 uses it as the default of ``cxkit.queueing.cost_optimal_agents``.
    Shipped values: (0.85·0.20 + 0.15·0.12) · 120·0.85/(1.08 − 0.85) = 0.188 · 443.48 ≈ 83.37.
    """
    v = likely_values(load_assumptions() if assumptions is None else assumptions)
    leave = (1 - v["complain_rate"]) * v["churn_if_silent"] + v["complain_rate"] * v["churn_if_complained"]
    return float(leave * customer_value(v["annual_margin"], v["retention_rate"], v["discount_rate"]))


def load_assumptions(source=None, *, name: str | None = None) -> pd.DataFrame:
    """The loss model's assumptions: one row per input, indexed by ``name``.

    Parameters
    ----------
    source : path, bytes, file object or DataFrame, optional
        A CSV or ``.xlsx`` table with the columns ``name, low, likely, high, source``
        (``label_fr, label_en, unit, notes`` are taken from the shipped file when absent).
        Default: the shipped sample company, ``data/assumptions.csv``.
    name : str, optional
        The file name used in messages (for bytes).

    Returns
    -------
    DataFrame
        Indexed by ``name`` in the dashboard's order; ``low``, ``likely``, ``high`` floats.

    Raises
    ------
    DataError
        A missing column or input, an unknown or repeated input, a value that is not a
        number or out of range, ``low ≤ likely ≤ high`` broken, or an empty ``source``;
        the message names the file, the row and the column.
    """
    frame = read_table(ASSUMPTIONS_FILE if source is None else source,
                       name=name or (None if source is not None else ASSUMPTIONS_FILE.name))
    file = frame.attrs.get("source") or source_name(source)
    require_columns(frame, ("name", "low", "likely", "high", "source"))
    no_name = na_mask(frame["name"])
    if no_name.any():
        raise DataError(t("io.required"), file=file, row=no_name.idxmax(), column="name")
    frame["name"] = frame["name"].astype(str).str.strip()
    check_unique(frame, "name")
    for row, value in frame["name"].items():
        if value not in INPUTS:
            raise DataError(t("losses.unknown_input", name=value, expected=", ".join(INPUTS)),
                            file=file, row=row, column="name")
    missing = [n for n in INPUTS if n not in set(frame["name"])]
    if missing:
        raise DataError(t("losses.missing_input", name=missing[0]), file=file, column="name")
    for col in ("low", "likely", "high"):
        frame[col] = parse_number(frame, col)
    for row, rec in frame.iterrows():
        _check_row(rec, file, row)
    no_source = na_mask(frame["source"])
    if no_source.any():
        row = no_source.idxmax()
        raise DataError(t("losses.no_source", name=frame.at[row, "name"]), file=file, row=row, column="source")
    by_name = {r["name"]: row for row, r in frame.iterrows()}
    if frame.loc[by_name["retention_rate"], "high"] >= 1 + frame.loc[by_name["discount_rate"], "low"]:
        raise DataError(t("losses.retention_too_high", name="retention_rate",
                          value=frame.loc[by_name["retention_rate"], "high"]),
                        file=file, row=by_name["retention_rate"], column="high")
    frame = frame.set_index("name").loc[list(INPUTS)]
    shipped = load_assumptions() if source is not None else None
    for col in ("label_fr", "label_en", "unit", "notes"):
        given = frame[col] if col in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        fallback = shipped[col] if shipped is not None else ""
        frame[col] = given.where(~na_mask(given), fallback)
    # The shipped file gives a French source where it is more than "workshop estimate";
    # a user's file has one source, shown as written in both languages (a French one
    # left over from the shipped file could contradict the source they wrote).
    french = frame["source_fr"] if shipped is None and "source_fr" in frame.columns else frame["source"]
    frame["source_fr"] = french.where(~na_mask(french), frame["source"])
    frame.attrs["source"] = file
    return frame[list(COLUMNS[1:])]


def _check_row(rec: pd.Series, file: str, row: int) -> None:
    name = rec["name"]
    for col in ("low", "likely", "high"):
        try:
            check_value(name, rec[col])
        except DataError as exc:
            raise DataError(exc.problem, file=file, row=row, column=col) from None
    if rec["low"] > rec["likely"]:
        raise DataError(t("losses.low_above_likely", name=name, low=rec["low"], likely=rec["likely"]),
                        file=file, row=row, column="low")
    if rec["likely"] > rec["high"]:
        raise DataError(t("losses.likely_above_high", name=name, likely=rec["likely"], high=rec["high"]),
                        file=file, row=row, column="high")


def likely_values(assumptions: pd.DataFrame) -> dict[str, float]:
    """The likely value of each input, ``{name: value}``."""
    return {n: float(assumptions.at[n, "likely"]) for n in INPUTS}


def with_likely(assumptions: pd.DataFrame, values: Mapping[str, float]) -> pd.DataFrame:
    """The assumptions with new likely values (from the sliders).

    The low–high range is kept and stretched when a likely value leaves it, so that
    ``low ≤ likely ≤ high`` always holds.
    """
    frame = assumptions.copy()
    for name, value in values.items():
        frame.at[name, "likely"] = float(value)
        frame.at[name, "low"] = min(frame.at[name, "low"], float(value))
        frame.at[name, "high"] = max(frame.at[name, "high"], float(value))
    return frame


def _audit_counts(scored: pd.DataFrame) -> tuple[int, int, object, object]:
    """Good calls, calls, first and last date of a scored campaign (second scorings made
    for calibration, ``ref_call`` set, left out)."""
    if not isinstance(scored, pd.DataFrame) or "good" not in scored.columns:
        raise DataError(t("evidence.from_audit_no_calls", n=0))
    calls = scored[scored["ref_call"].isna()] if "ref_call" in scored.columns else scored
    n = int(len(calls))
    if n == 0:
        raise DataError(t("evidence.from_audit_no_calls", n=0))
    good = int(calls["good"].astype(bool).sum())
    dates = pd.to_datetime(calls["date"], errors="coerce").dropna() if "date" in calls.columns else pd.Series([])
    first, last = (dates.min().date(), dates.max().date()) if len(dates) else (None, None)
    return good, n, first, last


def _bad_call_band(good: float, n: float, confidence: float) -> tuple[float, float, float]:
    from .audit import wilson_interval

    low_good, high_good = wilson_interval(good, n, confidence)
    likely = 1.0 - good / n
    # Clipped so that 0 ≤ low ≤ likely ≤ high ≤ 1: with every call good (13 of 13) the
    # Wilson upper bound comes out as 0.9999999999999999, which would put low (1e-16)
    # above likely (0) and make the simulation refuse the row.
    return min(max(1.0 - high_good, 0.0), likely), likely, max(min(1.0 - low_good, 1.0), likely)


def from_audit(assumptions: pd.DataFrame, scored: pd.DataFrame, confidence: float = 0.95, *,
               lang: str | None = None) -> pd.DataFrame:
    """The assumptions with ``bad_call_rate`` measured by the audit; every other row unchanged.

    With ``good`` good calls out of ``n`` (the calls of ``scored``, from
    :func:`cxkit.audit.score_calls`; second scorings for calibration left out) and
    ``[g_low, g_high]`` the Wilson interval of the good-call share
    (:func:`cxkit.audit.wilson_interval`)::

        likely = 1 − good / n        (the share of calls that are not good)
        low    = 1 − g_high
        high   = 1 − g_low

    A call that is "not good" (below the threshold, or a critical criterion failed) is
    taken as "badly handled"; the row's ``notes`` say so and its ``source`` names the
    audit: the number of calls, the dates of the first and last, and the confidence.
    Shares in [0, 1]. ``lang`` is the language of that source text (default: current);
    a ``source_fr`` column, when there is one, gets the French text.

    Raises
    ------
    DataError
        ``scored`` has no call (or no ``good`` column).
    """
    good, n, first, last = _audit_counts(scored)
    low, likely, high = _bad_call_band(good, n, confidence)
    from .i18n import fmt_date, fmt_percent

    out = assumptions.copy()
    out.attrs = dict(assumptions.attrs)
    out.loc["bad_call_rate", ["low", "likely", "high"]] = [low, likely, high]
    def source(lang):
        dates = (t("evidence.from_audit_dates", lang, first=fmt_date(first, lang), last=fmt_date(last, lang))
                 if first is not None else "")
        return t("evidence.from_audit_source", lang, n=n, good=good, dates=dates, conf=fmt_percent(confidence, 0, lang))

    out.loc["bad_call_rate", "source"] = source(lang)
    if "source_fr" in out.columns:  # read by cxkit.i18n.localized on French pages
        out.loc["bad_call_rate", "source_fr"] = source("fr")
    if "notes" in out.columns:
        out.loc["bad_call_rate", "notes"] = t("evidence.from_audit_notes", lang)
    out.attrs["audit"] = {"good": good, "n": n, "first": first, "last": last, "confidence": confidence}
    return out


def from_audit_projection(assumptions: pd.DataFrame, scored: pd.DataFrame, extra_calls=(0, 10, 50, 100),
                          confidence: float = 0.95, n: int = 20000, seed: int = 0) -> pd.DataFrame:
    """How the loss band would narrow if ``extra_calls`` more calls came at the same rate.

    For each ``e`` in ``extra_calls`` the audit is taken to have ``n_calls = n + e`` calls
    with the same share of good calls (``good · n_calls / n``, not rounded: the likely
    path, not a draw), ``bad_call_rate`` set as in :func:`from_audit`, and:

    * ``loss_at_low`` / ``loss_at_high``: the yearly loss with ``bad_call_rate`` at its
      low / high bound, every other input at its likely value (the part of the band the
      audit controls; :func:`annual_loss`);
    * ``p10``, ``median``, ``p90``: the simulated yearly loss (:func:`simulate`, ``n``
      draws, the same ``seed`` for every row so that rows differ only by the audit).

    This is what more calls would *likely* make of the band, assuming the share stays as
    observed; a real second batch will move the centre as well.

    Returns
    -------
    DataFrame
        One row per ``extra_calls``: ``extra_calls``, ``calls``, ``bad_call_low``,
        ``bad_call_likely``, ``bad_call_high``, ``loss_at_low``, ``loss_likely``,
        ``loss_at_high``, ``p10``, ``median``, ``p90`` (shares and money per year).
    """
    good, calls, _, _ = _audit_counts(scored)
    base = from_audit(assumptions, scored, confidence)
    rows = []
    for extra in extra_calls:
        if isinstance(extra, bool) or not float(extra).is_integer() or extra < 0:
            raise DataError(t("losses.negative", name="extra_calls", value=extra))
        total = calls + int(extra)
        low, likely, high = _bad_call_band(good * total / calls, total, confidence)
        frame = base.copy()
        frame.loc["bad_call_rate", ["low", "likely", "high"]] = [low, likely, high]
        inputs = likely_values(frame)
        spread = band(simulate(frame, n=n, seed=seed)["total"])
        rows.append({"extra_calls": int(extra), "calls": total, "bad_call_low": low, "bad_call_likely": likely,
                     "bad_call_high": high,
                     "loss_at_low": float(annual_loss({**inputs, "bad_call_rate": low})["total"]),
                     "loss_likely": float(annual_loss(inputs)["total"]),
                     "loss_at_high": float(annual_loss({**inputs, "bad_call_rate": high})["total"]),
                     "p10": float(spread["p10"]), "median": float(spread["median"]), "p90": float(spread["p90"])})
    return pd.DataFrame(rows)


# --- uncertainty ---------------------------------------------------------------------------

def draw_inputs(assumptions: pd.DataFrame, n: int = 20000, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` random draws of every input, each from its triangular (low, likely, high).

    An input with ``low == high`` is that fixed value. Draws are taken input by input in
    the model's order from ``numpy.random.default_rng(seed)``: same seed, same draws.
    """
    if int(n) != n or n < 1:
        raise DataError(t("losses.bad_draws", n=n))
    n = int(n)
    check_inputs(assumptions["low"].to_dict())
    check_inputs(assumptions["high"].to_dict())
    if assumptions.at["retention_rate", "high"] >= 1 + assumptions.at["discount_rate", "low"]:
        raise DataError(t("losses.retention_too_high", name="retention_rate",
                          value=assumptions.at["retention_rate", "high"]))
    rng = np.random.default_rng(seed)
    draws = {}
    for name in INPUTS:
        low, likely, high = (float(assumptions.at[name, c]) for c in ("low", "likely", "high"))
        if not low <= likely <= high:
            raise DataError(t("losses.low_above_likely" if low > likely else "losses.likely_above_high",
                              name=name, low=low, likely=likely, high=high))
        draws[name] = np.full(n, likely) if low == high else rng.triangular(low, likely, high, n)
    return draws


def simulate(assumptions: pd.DataFrame, n: int = 20000, seed: int = 0) -> pd.DataFrame:
    """The yearly loss for ``n`` random draws of the inputs (Monte Carlo).

    Each input is drawn from a triangular distribution (low, likely, high), or fixed when
    ``low == high`` (:func:`draw_inputs`), and the loss is :func:`loss_components` on the
    arrays of draws, all at once.

    Returns
    -------
    DataFrame
        One row per draw; columns ``churn, word_of_mouth, lost_sales, replacement,
        rework, total`` (money per year).
    """
    parts = loss_components(draw_inputs(assumptions, n, seed))
    return pd.DataFrame({c: parts[c] for c in (*COMPONENTS, "total")})


def band(totals, low: float = 0.10, high: float = 0.90) -> pd.Series:
    """The ``low`` and ``high`` quantiles (P10, P90: an 80 % band), the median and the mean."""
    values = np.asarray(totals, dtype=float)
    p_low, median, p_high = np.quantile(values, [low, 0.5, high])
    return pd.Series({"p10": p_low, "median": median, "p90": p_high, "mean": values.mean()})


def distribution(totals, bins: int = 40, upper: float = 0.995) -> pd.DataFrame:
    """The simulated totals counted in ``bins`` equal bins from the smallest total to the
    ``upper`` quantile (the far tail is left out of the picture, not of the shares):
    ``start``, ``end``, ``share`` (of all draws)."""
    values = np.asarray(totals, dtype=float)
    top = float(np.quantile(values, upper))
    low = float(values.min())
    counts, edges = np.histogram(values, bins=bins, range=(low, top if top > low else low + 1.0))
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "share": counts / values.size})


def tornado(assumptions: pd.DataFrame) -> pd.DataFrame:
    """One-at-a-time sensitivity: the total with each input at its low then its high
    value, every other input at its likely value.

    Returns
    -------
    DataFrame
        Indexed by input name, columns ``at_low``, ``at_high`` (money per year) and
        ``swing = |at_high − at_low|``, largest swing first, and the inputs' ``label_fr``
        and ``label_en`` when the assumptions have them; inputs with ``low == high``
        are left out. ``attrs["base"]`` holds the total at the likely values.
    """
    likely = likely_values(assumptions)
    check_inputs(assumptions["low"].to_dict())
    check_inputs(assumptions["high"].to_dict())
    varying = [n for n in INPUTS if assumptions.at[n, "low"] != assumptions.at[n, "high"]]
    size = 2 * len(varying) + 1
    arrays = {n: np.full(size, likely[n]) for n in INPUTS}
    for i, name in enumerate(varying):
        arrays[name][2 * i] = assumptions.at[name, "low"]
        arrays[name][2 * i + 1] = assumptions.at[name, "high"]
    check_inputs(arrays)
    total = loss_components(arrays)["total"]
    result = pd.DataFrame({"at_low": total[0:-1:2], "at_high": total[1:-1:2]},
                          index=pd.Index(varying, name="name"))
    result["swing"] = (result["at_high"] - result["at_low"]).abs()
    for col in ("label_fr", "label_en"):
        if col in assumptions.columns:
            result[col] = assumptions.loc[varying, col].to_numpy()
    result = result.sort_values("swing", ascending=False, kind="stable")
    result.attrs["base"] = float(total[-1])
    return result


# --- decisions ------------------------------------------------------------------------------

def improvement_plan(inputs: Mapping[str, float], target_bad_call_rate: float,
                     yearly_cost: float, one_off_cost: float = 0.0, years: int = 3) -> pd.Series:
    """What bringing the bad-call rate from today's to a target returns, year by year.

    Money per year unless said otherwise; the losses come from :func:`annual_loss`::

        saving         = total(today) − total(bad_call_rate = target)       (per year)
        net_gain       = saving − yearly_cost                               (per year)
        payback_months = 12 · one_off_cost / net_gain    when net_gain > 0
                         (0 when there is no one-off cost), infinite otherwise
        npv            = − one_off_cost + Σ_{t=1..years} net_gain / (1 + d)^t
        roi            = (years · net_gain − one_off_cost) / (years · yearly_cost + one_off_cost)

    ``d`` is the inputs' ``discount_rate``. Convention: the one-off cost (training,
    tools, set-up) is paid at t = 0, undiscounted; the yearly saving and the yearly cost
    fall at the end of years 1 … ``years``. ``roi`` is the undiscounted gain over the
    horizon per euro spent over it (with no one-off cost it is ``net_gain / yearly_cost``).
    A plan whose yearly cost exceeds its yearly saving never pays back, whatever its
    one-off cost: ``payback_months`` is infinite and ``pays_back`` is False.
    Source: the usual capital-budgeting definitions (e.g. Brealey, Myers & Allen,
    *Principles of Corporate Finance*, ch. 2 and 5).

    Parameters
    ----------
    inputs : mapping
        The loss model's inputs (:data:`INPUTS`), checked by :func:`check_inputs`.
    target_bad_call_rate : float
        The bad-call rate the plan reaches, a share in [0, 1].
    yearly_cost : float
        What the plan costs every year (staff, coaching, licences), ≥ 0 (money per year).
    one_off_cost : float, default 0
        What it costs once, at the start, ≥ 0 (money). ``yearly_cost + one_off_cost > 0``.
    years : int, default 3
        The horizon of the NPV and the ROI, a whole number ≥ 1.

    Returns
    -------
    Series
        ``loss_today``, ``loss_target``, ``saving``, ``yearly_cost``, ``plan_cost`` (the
        same as ``yearly_cost``, kept for older callers), ``one_off_cost``, ``net_gain``,
        ``roi``, ``payback_months``, ``pays_back`` (1.0 or 0.0), ``npv``, ``years``,
        ``discount_rate``.

    Raises
    ------
    DataError
        A target outside [0, 1], a negative or non-numeric cost, both costs 0, or a
        horizon that is not a whole number ≥ 1; the message names the input.
    """
    target_bad_call_rate = float(check_value("target_bad_call_rate", target_bad_call_rate))
    yearly_cost = float(check_value("yearly_cost", yearly_cost))
    one_off_cost = float(check_value("one_off_cost", one_off_cost))
    if target_bad_call_rate > 1:
        raise DataError(t("losses.not_a_share", name="target_bad_call_rate", value=target_bad_call_rate))
    if not yearly_cost + one_off_cost > 0:
        raise DataError(t("losses.not_positive", name="yearly_cost", value=yearly_cost))
    if isinstance(years, bool) or not float(years).is_integer() or years < 1:
        raise DataError(t("losses.not_positive", name="years", value=years))
    years = int(years)
    today = annual_loss(inputs)["total"]
    target = annual_loss({**inputs, "bad_call_rate": target_bad_call_rate})["total"]
    saving = today - target
    net = saving - yearly_cost
    rate = float(inputs["discount_rate"])
    annuity = sum((1 + rate) ** -k for k in range(1, years + 1))
    if net > 0:
        payback = 12 * one_off_cost / net if one_off_cost > 0 else 0.0
    else:
        payback = float("inf")
    return pd.Series({
        "loss_today": today, "loss_target": target, "saving": saving,
        "yearly_cost": yearly_cost, "plan_cost": yearly_cost, "one_off_cost": one_off_cost,
        "net_gain": net,
        "roi": (years * net - one_off_cost) / (years * yearly_cost + one_off_cost),
        "payback_months": payback, "pays_back": float(net > 0),
        "npv": -one_off_cost + net * annuity, "years": float(years), "discount_rate": rate,
    })


def audit_value(totals_today, totals_target, plan_cost: float, audit_cost: float) -> pd.Series:
    """Might an audit be worth its cost? Its cost next to the most any audit could change.

    The audit matters because it can change one decision: whether to pay for the
    improvement plan. Over the simulated draws, ``saving = today − target`` (money per
    year). Without the audit one decides on the average:
    ``value_without = max(mean(saving) − plan_cost, 0)``; knowing the true loss one would
    act only where it pays: ``value_with = mean(max(saving − plan_cost, 0))``.
    ``information_value = value_with − value_without`` is the expected value of perfect
    information (EVPI; Raiffa & Schlaifer 1961), for one year of the plan. It is an
    upper bound: a real audit of a few hundred calls is worth less (see
    :func:`audit_sample_value`). So an audit costing more than the EVPI is not worth it,
    and one costing less *may* be worth it (``worth_it`` = 1.0 means only that).
    Seed 000 ("Le client mal aimé") asks the same question: measuring the losses costs
    money, to be weighed against the losses.

    Returns
    -------
    Series
        ``expected_loss`` (the *mean* of today's simulated totals), ``median``, ``p10``,
        ``p90``, ``audit_cost``, ``cost_share`` (audit cost / mean loss), ``days_of_loss``
        (days of mean loss the audit costs), ``information_value`` (EVPI) and
        ``worth_it`` (1.0 when the cost is below the EVPI: the audit *may* be worth it;
        0.0: it is not).
    """
    today = np.asarray(totals_today, dtype=float)
    saving = today - np.asarray(totals_target, dtype=float)
    check_value("audit_cost", audit_cost)
    value_without = max(saving.mean() - plan_cost, 0.0)
    value_with = np.maximum(saving - plan_cost, 0.0).mean()
    info = float(value_with - value_without)
    spread = band(today)
    expected = float(today.mean())
    return pd.Series({
        "expected_loss": expected, "median": spread["median"], "p10": spread["p10"], "p90": spread["p90"],
        "audit_cost": float(audit_cost),
        "cost_share": audit_cost / expected if expected > 0 else float("inf"),
        "days_of_loss": 365 * audit_cost / expected if expected > 0 else float("inf"),
        "information_value": info, "worth_it": float(audit_cost < info),
    })


def sample_information_value(bad_call_rates, net_gains, n_calls: int) -> float:
    """The expected value of sample information (EVSI) of an audit of ``n_calls`` calls.

    ``bad_call_rates[i]`` and ``net_gains[i]`` are one simulated draw of the true
    bad-call rate and of the plan's yearly net gain (saving − plan cost) on the same
    inputs; every draw is equally likely (the prior). The audit counts ``K`` badly handled
    calls, ``K ~ Binomial(n_calls, bad_call_rate)``; after seeing ``K = k`` one does the
    plan only if its expected net gain given ``k`` is positive (Bayes' rule over the
    draws). Summed exactly over every ``k``::

        w[k, i]       = C(n, k) · b_i^k · (1 − b_i)^(n−k)
        value_with    = Σ_k max( mean_i(w[k, i] · net_i), 0 )
        value_without = max( mean_i(net_i), 0 )
        EVSI          = value_with − value_without        (money per year, ≥ 0)

    0 calls give 0; as ``n_calls`` grows the EVSI rises towards the value of perfect
    information about the bad-call rate (never above :func:`audit_value`'s EVPI).
    Above 4,000 draws they are grouped in 1,000 equal-width bins of the bad-call rate
    (each at its members' mean rate, with their summed net gains), which changes the
    result by far less than the simulation's own noise; up to 4,000 draws it is exact.
    Source: Raiffa & Schlaifer (1961), *Applied Statistical Decision Theory*, ch. 4
    (preposterior analysis); Ades, Lu & Claxton (2004), *Medical Decision Making*
    24:207–227 (EVSI by simulation).
    """
    from scipy.special import gammaln, xlog1py, xlogy  # here: scipy adds memory to every kernel

    b = np.asarray(bad_call_rates, dtype=float).ravel()
    net = np.broadcast_to(np.asarray(net_gains, dtype=float), b.shape).ravel()
    if isinstance(n_calls, bool) or not float(n_calls).is_integer() or n_calls < 0:
        raise DataError(t("losses.negative", name="n_calls", value=n_calls))
    n_calls = int(n_calls)
    without = max(float(net.mean()), 0.0)
    if n_calls == 0 or b.size == 0:
        return 0.0
    total_draws = b.size
    if b.size > 4000 and b.max() > b.min():
        # many draws: group them in 1,000 narrow bins of the bad-call rate (each bin at its
        # members' mean rate, with their summed net gain); the binomial likelihood hardly
        # changes across a bin (the sample company's bins are 0.025 point wide)
        edges = np.linspace(b.min(), b.max(), 1001)
        which = np.clip(np.searchsorted(edges, b, side="right") - 1, 0, 999)
        count = np.bincount(which, minlength=1000)
        keep = count > 0
        b = (np.bincount(which, weights=b, minlength=1000)[keep] / count[keep])
        net = np.bincount(which, weights=net, minlength=1000)[keep]
    else:
        net = net.copy()
    k = np.arange(n_calls + 1, dtype=float)[:, None]
    log_comb = gammaln(n_calls + 1.0) - gammaln(k + 1.0) - gammaln(n_calls - k + 1.0)
    acc = np.zeros(n_calls + 1)
    step = max(1, 2_000_000 // (n_calls + 1))  # keep the (k × draws) matrix to ~16 MB
    for start in range(0, b.size, step):
        chunk = b[None, start:start + step]
        pmf = np.exp(log_comb + xlogy(k, chunk) + xlog1py(n_calls - k, -chunk))
        acc += pmf @ net[start:start + step]
    return max(float(np.maximum(acc / total_draws, 0.0).sum()) - without, 0.0)


def _decision_draws(assumptions: pd.DataFrame, target_bad_call_rate: float, plan_cost: float,
                    draws: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    check_value("target_bad_call_rate", target_bad_call_rate)
    check_value("plan_cost", plan_cost)
    sample = draw_inputs(assumptions, draws, seed)
    today = loss_components(sample)
    target = loss_components({**sample, "bad_call_rate": np.full(int(draws), float(target_bad_call_rate))},
                             value=today["clv"])
    saving = today["total"] - target["total"]
    return sample["bad_call_rate"], saving - float(plan_cost), today["total"]


def audit_sample_value(assumptions: pd.DataFrame, n_calls: int, *, target_bad_call_rate: float,
                       plan_cost: float, audit_cost: float = 0.0, draws: int = 20000, seed: int = 0) -> pd.Series:
    """What an audit of ``n_calls`` calls is worth for the decision on the plan.

    The inputs are drawn ``draws`` times (:func:`draw_inputs`, ``numpy`` Generator with
    ``seed``); on each draw the plan's yearly net gain is the saving of bringing the
    bad-call rate to ``target_bad_call_rate`` minus ``plan_cost``. The EVSI of ``n_calls``
    calls is :func:`sample_information_value`; the EVPI (:func:`audit_value`) bounds it.

    Returns
    -------
    Series
        ``n_calls``, ``evsi`` and ``evpi`` (money, for one year of the plan),
        ``audit_cost``, ``net_value = evsi − audit_cost`` and ``worth_it`` (1.0 when
        ``net_value > 0``: on these assumptions the audit is expected to pay for itself
        through a better decision on the plan).
    """
    b, net, _ = _decision_draws(assumptions, target_bad_call_rate, plan_cost, draws, seed)
    check_value("audit_cost", audit_cost)
    evsi = sample_information_value(b, net, n_calls)
    evpi = float(np.maximum(net, 0.0).mean() - max(net.mean(), 0.0))
    return pd.Series({"n_calls": float(n_calls), "evsi": evsi, "evpi": evpi, "audit_cost": float(audit_cost),
                      "net_value": evsi - float(audit_cost), "worth_it": float(evsi - audit_cost > 0)})


def best_audit_size(assumptions: pd.DataFrame, *, target_bad_call_rate: float, plan_cost: float,
                    cost_per_call: float, fixed_cost: float = 0.0, n_values=None,
                    draws: int = 20000, seed: int = 0) -> dict:
    """The number of calls that makes an audit worth most: ``max_n EVSI(n) − cost(n)``.

    ``cost(n) = fixed_cost + cost_per_call · n`` (money); ``EVSI(n)`` is
    :func:`sample_information_value` on one set of ``draws`` draws (the same for every
    ``n``, so that the curve is smooth). ``n_values`` defaults to 0, 10, 20 … 400 calls.
    ``n = 0`` (no audit) is always a candidate, worth 0: when no audit size pays for
    itself the answer is 0 calls. This answers seed 000's "measuring the losses has a
    cost, to weigh against the losses" with a number of calls.

    Returns
    -------
    dict
        ``n_calls`` (the best n), ``evsi``, ``cost``, ``net_value`` at that n, ``evpi``,
        and ``curve`` (DataFrame: ``n_calls``, ``evsi``, ``cost``, ``net_value``).
    """
    check_value("cost_per_call", cost_per_call)
    check_value("fixed_cost", fixed_cost)
    values = sorted({0, *(int(v) for v in (range(0, 401, 10) if n_values is None else n_values))})
    if values[0] < 0:
        raise DataError(t("losses.negative", name="n_values", value=values[0]))
    b, net, _ = _decision_draws(assumptions, target_bad_call_rate, plan_cost, draws, seed)
    evsi = np.array([sample_information_value(b, net, n) for n in values])
    cost = np.array([0.0 if n == 0 else fixed_cost + cost_per_call * n for n in values])
    curve = pd.DataFrame({"n_calls": values, "evsi": evsi, "cost": cost, "net_value": evsi - cost})
    best = int(curve["net_value"].to_numpy().argmax())
    return {"n_calls": int(curve.at[best, "n_calls"]), "evsi": float(curve.at[best, "evsi"]),
            "cost": float(curve.at[best, "cost"]), "net_value": float(curve.at[best, "net_value"]),
            "evpi": float(np.maximum(net, 0.0).mean() - max(net.mean(), 0.0)), "curve": curve}


def cost_of_non_quality(failure_costs: float, opex: float) -> pd.Series:
    """The share of operating expenses spent on failures, and where it falls.

    ``share = failure_costs / opex``; ``band`` is ``"efficient"`` below 10 %,
    ``"neglectful"`` from 40 %, ``"between"`` otherwise. The marks are seed 003's ("Le
    client et la baignoire"), given there without a source (the 40 % matches a figure in
    Crosby, *Quality Is Free*, 1979): the band places a company against the article's
    orders of magnitude, it does not rate it. Failure costs are money per year: repeat
    calls, complaint handling, compensation, returns.
    """
    if not opex > 0:
        raise DataError(t("losses.not_positive", name="opex", value=opex))
    if not failure_costs >= 0:
        raise DataError(t("losses.negative", name="failure_costs", value=failure_costs))
    share = failure_costs / opex
    where = "efficient" if share < EFFICIENT_SHARE else "neglectful" if share >= NEGLECTFUL_SHARE else "between"
    return pd.Series({"failure_costs": float(failure_costs), "opex": float(opex), "share": share,
                      "band": where}, dtype=object)


def acquisition_vs_retention(defectors: float, acquisition_cost: float,
                             ratio: float = ACQUISITION_TO_RETENTION) -> pd.Series:
    """What replacing the lost customers costs next to what keeping them would have.

    ``replacing = defectors · acquisition_cost``; ``keeping = replacing / ratio``, with
    ``ratio`` = 5 by default (seed 003's "winning a customer costs about five times keeping
    one", given without a source; published ratios run from about 2 to 25): a what-if,
    not a measurement. ``extra = replacing − keeping`` (money per year).
    """
    check_value("defectors", defectors)
    check_value("acquisition_cost", acquisition_cost)
    if not float(check_value("ratio", ratio)) > 0:
        raise DataError(t("losses.not_positive", name="ratio", value=ratio))
    replacing = defectors * acquisition_cost
    keeping = replacing / ratio
    return pd.Series({"defectors": float(defectors), "replacing": float(replacing),
                      "keeping": float(keeping), "extra": float(replacing - keeping)})


def dashboard(assumptions: pd.DataFrame, *, target_bad_call_rate: float, plan_cost: float,
              audit_cost: float, opex: float, other_failure_costs: float,
              n: int = 20000, seed: int = 0, one_off_cost: float = 0.0, years: int = 3) -> dict:
    """Everything the manager's dashboard shows, recomputed in one call.

    The inputs are drawn once (:func:`draw_inputs`); the same draws give today's and the
    target's simulated totals. Failure costs for the cost of non-quality are the likely
    ``rework`` plus ``other_failure_costs`` (complaints, compensation, returns). The plan
    is :func:`improvement_plan` with ``plan_cost`` as its yearly cost, ``one_off_cost``
    paid at the start and its NPV over ``years``.

    The headline is the *median* of the simulated yearly losses, with its P10–P90 band:
    given the ranges of the assumptions, one is 80 % confident that the yearly loss lies
    in the band. The draws describe uncertainty about the inputs, not variation from one
    year to the next. The total with every input at its likely value (``all_likely``) is
    one scenario, not the median: skewed ranges put it elsewhere in the simulation
    (``all_likely_rank`` = share of draws at or below it).

    Returns
    -------
    dict
        ``headline`` (Series: ``median``, ``p10``, ``p90``, ``mean``, ``all_likely``,
        ``all_likely_rank``), ``loss`` (Series, all inputs at their likely values, by
        component), ``parts`` (badly_served, defectors, clv), ``simulation``
        (DataFrame), ``band`` (``p10``, ``median``, ``p90``, ``mean``), ``distribution``,
        ``tornado``, ``plan``, ``audit``, ``non_quality``, ``acquisition``.
    """
    inputs = likely_values(assumptions)
    loss = annual_loss(inputs)
    parts = loss_components(inputs)
    draws = draw_inputs(assumptions, n, seed)
    today = loss_components(draws)
    target = loss_components({**draws, "bad_call_rate": np.full(int(n), float(target_bad_call_rate))},
                             value=today["clv"])
    simulation = pd.DataFrame({c: today[c] for c in (*COMPONENTS, "total")})
    spread = band(today["total"])
    headline = pd.Series({"median": spread["median"], "p10": spread["p10"], "p90": spread["p90"],
                          "mean": spread["mean"], "all_likely": float(loss["total"]),
                          "all_likely_rank": float(np.mean(today["total"] <= loss["total"]))})
    return {
        "headline": headline,
        "loss": loss,
        "parts": pd.Series({k: float(parts[k]) for k in ("badly_served", "defectors", "clv")}),
        "simulation": simulation,
        "band": spread,
        "distribution": distribution(today["total"]),
        "tornado": tornado(assumptions),
        "plan": improvement_plan(inputs, target_bad_call_rate, plan_cost, one_off_cost, years),
        "audit": audit_value(today["total"], target["total"], plan_cost, audit_cost),
        "non_quality": cost_of_non_quality(loss["rework"] + other_failure_costs, opex),
        "acquisition": acquisition_vs_retention(parts["defectors"], inputs["acquisition_cost"]),
    }


def results_table(result: dict) -> pd.DataFrame:
    """The dashboard's headline figures as a two-column table (``item``, ``value``),
    for the Excel download."""
    rows = [(f"headline.{k}", v) for k, v in result["headline"].items()] if "headline" in result else []
    rows += [(f"loss.{k}", v) for k, v in result["loss"].items()]
    rows += [(f"band.{k}", v) for k, v in result["band"].items()]
    rows += [(f"plan.{k}", v) for k, v in result["plan"].items()]
    rows += [(f"audit.{k}", v) for k, v in result["audit"].items()]
    rows += [(f"non_quality.{k}", v) for k, v in result["non_quality"].items()]
    rows += [(f"acquisition.{k}", v) for k, v in result["acquisition"].items()]
    return pd.DataFrame(rows, columns=["item", "value"])
