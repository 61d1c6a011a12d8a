"""Customer value over time: lifetime value, retention and the lock-in cliff."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import checks
from .errors import DataError
from .i18n import t


def clv(annual_margin: float, retention_rate: float, discount_rate: float) -> float:
    """Customer lifetime value of one existing customer, in money.

    ``clv = m · r / (1 + d − r) = Σ_{t≥1} m · r^t / (1 + d)^t``: the margin ``m`` earned
    each year the customer stays, with yearly retention ``r`` and discount rate ``d``,
    summed over an infinite horizon with the first margin one year from now, if the
    customer is still there then (Gupta & Lehmann 2003, "Customers as assets", Journal of
    Interactive Marketing 17(1)). It does not count the current year: without
    discounting (``d = 0``) it is ``m · r / (1 − r) = m · (L − 1)`` with
    ``L = 1 / (1 − r)`` the :func:`expected_lifetime`, which does count it.

    Parameters
    ----------
    annual_margin : float
        Margin per customer per year (money).
    retention_rate : float
        Share of customers still there a year later, in [0, 1].
    discount_rate : float
        Yearly discount rate (e.g. 0.08), ≥ 0, with ``retention_rate < 1 + discount_rate``.

    Numbers or numpy arrays (element by element, e.g. simulated draws) are accepted.
    A value outside these ranges (e.g. a retention of 1.05) raises ``DataError`` naming
    the input and the value.
    """
    checks.number("annual_margin", annual_margin)
    checks.share("retention_rate", retention_rate)
    checks.at_least("discount_rate", discount_rate, 0.0)
    denominator = 1.0 + np.asarray(discount_rate, dtype=float) - np.asarray(retention_rate, dtype=float)
    if np.any(denominator <= 0):
        bad = np.broadcast_to(np.asarray(retention_rate, dtype=float), np.shape(denominator))[denominator <= 0]
        raise DataError(t("losses.retention_too_high", name="retention_rate", value=float(bad.flat[0])),
                        column="retention_rate")
    value = np.asarray(annual_margin) * np.asarray(retention_rate) / denominator
    return float(value) if value.ndim == 0 else value


# --- lifetime, base value and the effect of a retention gain -----------------------------


def expected_lifetime(retention_rate: float) -> float:
    """Expected number of years a customer stays, ``1 / (1 − r)``.

    With a constant yearly retention ``r`` the time before leaving is geometric; its mean,
    counting the current year, is ``1 + r + r² + … = 1 / (1 − r)`` years (Berger & Nasr
    1998, "Customer lifetime value: marketing models and applications", Journal of
    Interactive Marketing 12(1)). ``r = 0.8`` gives 5 years; ``r = 0.9`` gives 10 years.
    :func:`clv` values the years *after* the current one (``r + r² + … = r / (1 − r)``
    undiscounted, i.e. ``L − 1``): the current year's margin is already earned.

    Parameters
    ----------
    retention_rate : float
        Share of customers still there a year later, in [0, 1).
    """
    retention_rate = checks.share("retention_rate", retention_rate, below_one=True)
    return 1.0 / (1.0 - retention_rate)


def base_value(customers: float, annual_margin: float, retention_rate: float,
               discount_rate: float) -> float:
    """Value of a customer base, in money: ``customers · clv(m, r, d)``.

    The future margins of the customers already won (no new customer counted), each
    valued with :func:`clv` (Gupta, Lehmann & Stuart 2004, "Valuing customers", Journal
    of Marketing Research 41(1)).
    """
    checks.at_least("customers", customers, 0.0)
    return customers * clv(annual_margin, retention_rate, discount_rate)


def retention_gain(annual_margin: float, retention_rate: float, discount_rate: float, *,
                   defection_cut: float = 0.05, acquisition_cost: float = 0.0) -> dict:
    """What cutting yearly defection by ``defection_cut`` (e.g. 5 points) is worth.

    The value of a newly won customer is ``v(r) = clv(m, r, d) − a`` (future margins minus
    the acquisition cost ``a`` already spent). With retention raised from ``r`` to
    ``r + c`` (defection ``1 − r`` cut by ``c`` points)::

        gain = v(r + c) − v(r) = clv(m, r + c, d) − clv(m, r, d)
        relative_gain = gain / v(r)

    Reichheld & Sasser (1990, "Zero defections: quality comes to services", Harvard
    Business Review 68(5)) computed, for the companies they studied, that a 5-point cut
    in defection would raise the value of a customer (hence profit) by 25 % to 85 %: a
    calculation of customer value like this one, not an observed rise in profit. The relative gain is not a constant: it grows with
    the starting churn and with the acquisition cost relative to the margin, and shrinks
    with the discount rate, which is why the figure does not carry over from one business
    to another (Sharp 2010, *How Brands Grow*, ch. 3: retention is largely set by a
    brand's size and category, and loyal-customer programmes rarely move it much).

    Parameters
    ----------
    annual_margin : float
        Margin per customer per year (money).
    retention_rate : float
        Starting yearly retention, in [0, 1).
    discount_rate : float
        Yearly discount rate.
    defection_cut : float
        Points of defection removed (0.05 = 5 points); ``retention_rate + defection_cut``
        must stay below 1.
    acquisition_cost : float
        Money spent to win a customer (0 values the existing base only).

    Returns
    -------
    dict
        ``clv_before``, ``clv_after``, ``gain`` (money per customer), ``relative_gain``
        (share of ``v(r)``; ``nan`` when ``v(r) ≤ 0``: customers were won at a loss),
        ``lifetime_before``, ``lifetime_after`` (years).
    """
    checks.share("retention_rate", retention_rate, below_one=True)
    checks.share("defection_cut", defection_cut)
    checks.at_least("acquisition_cost", acquisition_cost, 0.0)
    after = retention_rate + defection_cut
    checks.share("retention_rate + defection_cut", after, below_one=True)
    before_clv = clv(annual_margin, retention_rate, discount_rate)
    after_clv = clv(annual_margin, after, discount_rate)
    base = before_clv - acquisition_cost
    gain = after_clv - before_clv
    return {
        "clv_before": before_clv,
        "clv_after": after_clv,
        "gain": gain,
        "relative_gain": gain / base if base > 0 else float("nan"),
        "lifetime_before": expected_lifetime(retention_rate),
        "lifetime_after": expected_lifetime(after),
    }


def retention_gain_grid(annual_margin: float, discount_rates, *, acquisition_cost: float = 0.0,
                        defection_cut: float = 0.05, churns=None) -> pd.DataFrame:
    """The relative gain of :func:`retention_gain` over a grid of starting churn rates.

    Returns a tidy table with ``churn`` (starting yearly defection, 1 − r),
    ``discount_rate`` and ``relative_gain`` (``nan`` rows, where customers are won at a
    loss, are dropped). Computed column-wise: ``clv`` is applied to numpy arrays.
    """
    checks.number("annual_margin", annual_margin)
    checks.at_least("discount_rates", discount_rates, 0.0)
    checks.at_least("acquisition_cost", acquisition_cost, 0.0)
    checks.share("defection_cut", defection_cut)
    churns = np.round(np.arange(0.06, 0.51, 0.02), 4) if churns is None else np.asarray(churns, float)
    checks.share("churns", churns)
    rows = []
    for d in np.atleast_1d(discount_rates):
        r = 1.0 - churns
        before = annual_margin * r / (1.0 + d - r)
        after = annual_margin * (r + defection_cut) / (1.0 + d - r - defection_cut)
        base = before - acquisition_cost
        rel = np.where(base > 0, (after - before) / np.where(base > 0, base, 1.0), np.nan)
        rows.append(pd.DataFrame({"churn": churns, "discount_rate": float(d), "relative_gain": rel}))
    table = pd.concat(rows, ignore_index=True)
    return table.dropna().reset_index(drop=True)


# --- lock-in and the cliff ---------------------------------------------------------------

def window_months(horizon_years: int, switch_every: int) -> np.ndarray:
    """Months (1-based) at which a switching window opens: every ``switch_every`` years."""
    return np.arange(switch_every * 12, horizon_years * 12 + 1, switch_every * 12)


def _leave_at_window(leave_share: float, competitor_offer: float) -> float:
    """Share of unhappy customers leaving at a window: ``p + o · (1 − p)``.

    A competitor's reassuring offer convinces a share ``o`` of those who would have stayed.
    """
    return leave_share + competitor_offer * (1.0 - leave_share)


def expected_remaining(n_customers: float, months, *, yearly_churn: float,
                       switch_every: int | None = None, leave_at_window: float = 0.0,
                       competitor_offer: float = 0.0) -> np.ndarray:
    """Expected customers still there after each month in ``months``.

    ``N(t) = n · (1 − h)^t · (1 − q)^{w(t)}`` where ``h = 1 − (1 − c)^{1/12}`` is the
    monthly hazard for a yearly churn ``c``, ``w(t)`` the number of switching windows
    opened by month ``t`` and ``q`` the share leaving at a window (see
    :func:`_leave_at_window`). Without windows (``switch_every=None``) only the steady
    churn applies. This is the expectation the seeded :func:`cohort_simulation` scatters
    around.
    """
    checks.at_least("n_customers", n_customers, 0.0)
    checks.share("yearly_churn", yearly_churn)
    checks.share("leave_at_window", leave_at_window)
    checks.share("competitor_offer", competitor_offer)
    t = np.asarray(months, dtype=float)
    stay = (1.0 - yearly_churn) ** (t / 12.0)
    if switch_every:
        q = _leave_at_window(leave_at_window, competitor_offer)
        w = np.floor(t / (12.0 * switch_every))
        stay = stay * (1.0 - q) ** w
    return n_customers * stay


def cohort_simulation(n_customers: int = 1000, horizon_years: int = 10, *,
                      churn_satisfied: float = 0.08, churn_unhappy: float = 0.04,
                      switch_every: int = 3, leave_at_window: float = 0.35,
                      competitor_offer: float = 0.0, seed: int = 6) -> pd.DataFrame:
    """Customers remaining month by month in a satisfied and an unhappy cohort.

    The default churns, window share and window period are the workbook's illustrative
    assumptions (seed 002's story of locked-in customers), not measured values.
    Each cohort starts with ``n_customers``. A satisfied customer leaves with a steady
    yearly churn ``churn_satisfied``. An unhappy customer is locked in (switching is
    painful, competitors look no better: seed 002): between windows he leaves only with
    the low ``churn_unhappy``, but at each switching window (contract end, new product
    generation every ``switch_every`` years) a share ``leave_at_window`` of those still
    there leave at once, raised to ``p + o · (1 − p)`` by a competitor's reassuring offer
    ``o`` at the window.

    Vectorised: each customer's leaving month is drawn at once — a geometric steady
    departure, and for the unhappy the first window whose uniform draw falls below ``q`` —
    and the counts are a cumulative histogram. Seeded, so the same inputs give the same
    table.

    Returns
    -------
    DataFrame
        ``month`` (0 … 12·horizon), ``year`` (month / 12), ``cohort`` (``"satisfied"`` or
        ``"unhappy"``), ``customers`` (int) and ``expected`` (:func:`expected_remaining`).
    """
    n_customers = checks.whole("n_customers", n_customers, 1)
    horizon_years = checks.whole("horizon_years", horizon_years, 1)
    switch_every = checks.whole("switch_every", switch_every, 1)
    for name, share in (("churn_satisfied", churn_satisfied), ("churn_unhappy", churn_unhappy),
                        ("leave_at_window", leave_at_window), ("competitor_offer", competitor_offer)):
        checks.share(name, share)
    rng = np.random.default_rng(seed)
    months = np.arange(horizon_years * 12 + 1)
    never = horizon_years * 12 + 1

    def steady(churn: float) -> np.ndarray:
        hazard = 1.0 - (1.0 - churn) ** (1.0 / 12.0)
        if hazard <= 0:
            return np.full(n_customers, never)
        return rng.geometric(hazard, size=n_customers) if hazard < 1 else np.ones(n_customers, int)

    leave_sat = steady(churn_satisfied)
    leave_unh = steady(churn_unhappy)
    windows = window_months(horizon_years, switch_every)
    if windows.size:
        q = _leave_at_window(leave_at_window, competitor_offer)
        hits = rng.random((n_customers, windows.size)) < q
        first = np.where(hits.any(axis=1), windows[hits.argmax(axis=1)], never)
        leave_unh = np.minimum(leave_unh, first)
    frames = []
    for cohort, leave, churn, sw in (("satisfied", leave_sat, churn_satisfied, None),
                                     ("unhappy", leave_unh, churn_unhappy, switch_every)):
        gone = np.bincount(np.minimum(leave, never), minlength=never + 1)[: never]
        remaining = n_customers - np.cumsum(gone)
        frames.append(pd.DataFrame({
            "month": months, "year": months / 12.0, "cohort": cohort,
            "customers": remaining.astype(int),
            "expected": expected_remaining(n_customers, months, yearly_churn=churn, switch_every=sw,
                                           leave_at_window=leave_at_window,
                                           competitor_offer=competitor_offer),
        }))
    return pd.concat(frames, ignore_index=True)


def cliff_revenue_loss(simulation: pd.DataFrame, annual_revenue: float) -> dict:
    """Revenue the unhappy cohort loses compared with the satisfied one, over the horizon.

    ``loss = Σ_t (S_t − U_t) · R / 12`` over months ``t = 1 … T`` with ``S_t``, ``U_t``
    the customers remaining in each cohort of :func:`cohort_simulation` and ``R`` the
    revenue per customer per year (undiscounted). Before the first window the unhappy
    cohort often earns *more* (locked in, it churns less); the sum nets that out.

    Returns ``{"satisfied": ..., "unhappy": ..., "loss": ...}`` in money.
    """
    checks.at_least("annual_revenue", annual_revenue, 0.0)
    wide = simulation.pivot(index="month", columns="cohort", values="customers")
    wide = wide[wide.index >= 1]
    sat = float(wide["satisfied"].sum()) * annual_revenue / 12.0
    unh = float(wide["unhappy"].sum()) * annual_revenue / 12.0
    return {"satisfied": sat, "unhappy": unh, "loss": sat - unh}


# --- acquisition versus retention ----------------------------------------------------------

def keep_or_replace(customers_at_risk: float, cost_to_keep: float, ratio: float = 5.0) -> dict:
    """Cost of keeping customers versus replacing them once lost.

    ``replace = n · k · ratio`` and ``keep = n · k`` with ``k`` the cost of keeping one
    customer; ``saving = replace − keep``. Seed 003 puts winning a new customer at about
    five times the cost of keeping one, without a source; published ratios run from about
    2 to 25 times (Gallo 2014, "The value of keeping the right customers", Harvard
    Business Review, quotes 5 to 25): the ratio is the user's assumption, not a finding.
    """
    checks.at_least("customers_at_risk", customers_at_risk, 0.0)
    checks.at_least("cost_to_keep", cost_to_keep, 0.0)
    checks.at_least("ratio", ratio, 0.0)
    keep = customers_at_risk * cost_to_keep
    replace = keep * ratio
    return {"keep": keep, "replace": replace, "saving": replace - keep}


# --- the positive side: exceptional service and referrals ------------------------------

def delight_scenario(gesture_cost: float, margin_per_purchase: float, *, purchases_without: int = 1,
                     purchases_with: int = 4, years_between: float = 5.0,
                     referrals: float = 2.0, referral_conversion: float = 0.25,
                     discount_rate: float = 0.05) -> dict:
    """Net value of one exceptional gesture that turns a buyer into a repeat buyer.

    Seed 002 tells of a car maker's head office that, on a Saturday, cut a spare key from
    its records and sent it by train to a stranded driver free of charge; the driver went
    on to buy four cars of the brand (one anecdote: the default four purchases, five years
    apart, two referrals and their conversion are illustrative assumptions, not findings).
    Here the gesture costs ``g``; the customer makes
    ``purchases_with`` purchases instead of ``purchases_without`` (the first one, now, is
    already made), purchase ``k`` (1-based) falling at year ``(k − 1) · years_between``,
    each bringing ``margin_per_purchase``; he also recommends the brand to ``referrals``
    people of whom ``referral_conversion`` buy once, one year from now::

        repeat   = Σ_{k = without + 1}^{with} m / (1 + d)^((k − 1) · y)
        referral = referrals · conversion · m / (1 + d)
        net      = repeat + referral − g

    Returns a dict with ``repeat``, ``referral``, ``net`` (money) and ``multiple``
    (``(repeat + referral) / g``; ``inf`` for a free gesture).
    """
    purchases_without = checks.whole("purchases_without", purchases_without, 1)
    purchases_with = checks.whole("purchases_with", purchases_with, purchases_without)
    checks.at_least("gesture_cost", gesture_cost, 0.0)
    checks.number("margin_per_purchase", margin_per_purchase)
    checks.at_least("years_between", years_between, 0.0)
    checks.at_least("referrals", referrals, 0.0)
    checks.share("referral_conversion", referral_conversion)
    checks.at_least("discount_rate", discount_rate, 0.0)
    k = np.arange(purchases_without + 1, purchases_with + 1)
    repeat = float(np.sum(margin_per_purchase / (1.0 + discount_rate) ** ((k - 1) * years_between)))
    referral = referrals * referral_conversion * margin_per_purchase / (1.0 + discount_rate)
    total = repeat + referral
    return {"repeat": repeat, "referral": referral, "net": total - gesture_cost,
            "multiple": total / gesture_cost if gesture_cost > 0 else float("inf")}
