"""The demanding customer: complaints as a resource, the iceberg, and the silence alarm.

A complaints log is read with the same file rules as the audit (:mod:`cxkit.io`); the
models here turn it into a Pareto of causes, an estimate of the silent unhappy customers
behind each complaint, the revenue at risk with TARP's repurchase rates, and a warning
when complaints fall while the phone audit says service is not getting better.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import checks
from .errors import DataError
from .i18n import fmt_percent, labels, t
from .io import (check_unique, na_mask, parse_bool, parse_date, parse_number, read_table,
                 require_columns)

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = ("complaint_id", "date", "channel", "category", "severity", "amount_eur", "resolved",
           "days_to_resolve", "outcome")
CHANNELS = ("phone", "email", "letter", "web", "shop")
CATEGORIES = ("billing", "waiting_time", "transfers", "wrong_answer", "cut_off", "delivery",
              "product_fault", "rudeness")
SEVERITIES = ("small", "large")
#: How a complainant judged the handling (``unsatisfied`` includes unresolved complaints).
OUTCOMES = ("satisfied_quickly", "satisfied", "unsatisfied")
#: Repurchase-rate columns of TARP's study, from the silent to the quickly satisfied.
TARP_OUTCOMES = ("no_complaint", "unsatisfied", "satisfied", "satisfied_quickly")
#: Days within which a resolution counts as quick in the sample log.
QUICK_DAYS = 3
#: Where a complaint was logged: at the front line (the staff who serve the customer) or
#: at head office. TARP's multipliers differ by an order of magnitude between the two.
LEVELS = ("front_line", "head_office")
#: The workbook's own assumption of where each channel's complaints are logged, used
#: when the log has no ``level`` column: calls, shops, e-mails and web forms reach the
#: customer service that serves the customer; letters are written to head office.
CHANNEL_LEVEL = {"phone": "front_line", "shop": "front_line", "email": "front_line", "web": "front_line",
                 "letter": "head_office"}


# --- loading -------------------------------------------------------------------------------

def label(prefix: str, value: str) -> str:
    """The translated label ``complaints.<prefix>.<value>`` when it exists, else ``value``."""
    key = f"complaints.{prefix}.{value}"
    return t(key) if key in labels() else str(value)


def _choice(frame: pd.DataFrame, column: str, allowed) -> pd.Series:
    text = frame[column].astype("string").str.strip().str.lower()
    missing = na_mask(frame[column])
    if missing.any():
        raise DataError(t("io.required"), file=frame.attrs.get("source"), row=missing.idxmax(),
                        column=column)
    bad = ~text.isin(allowed)
    if bad.any():
        row = bad.idxmax()
        raise DataError(t("complaints.bad_choice", value=frame[column][row], allowed=", ".join(allowed)),
                        file=frame.attrs.get("source"), row=row, column=column)
    return text.astype(object)


def load_complaints(source=None) -> pd.DataFrame:
    """A complaints log, checked and typed.

    Parameters
    ----------
    source : path, bytes, file object or DataFrame, optional
        CSV (``,`` or ``;``, decimal comma, UTF-8 or Windows-1252) or ``.xlsx``;
        default ``data/sample_complaints.csv``.

    Returns
    -------
    DataFrame
        Columns of :data:`COLUMNS`: ``date`` as dates, ``channel`` in :data:`CHANNELS`,
        ``category`` (free text, lower case), ``severity`` in :data:`SEVERITIES`,
        ``amount_eur`` (money at stake, ≥ 0), ``resolved`` (bool), ``days_to_resolve``
        (NaN when unresolved), ``outcome`` in :data:`OUTCOMES`. The index is the row
        number as a spreadsheet shows it. Control characters are removed from every cell
        (``attrs["cleaned"]`` lists where; see ``cxkit.io.cleaned_note``).

    Raises
    ------
    DataError
        A missing column, a duplicated id, an id or category longer than
        ``cxkit.io.MAX_NAME_CHARS``, a bad or future date (or one before 1990), a bad,
        infinite or absurd number, yes/no or choice, a resolved complaint without its days to resolve: one message naming the file, row
        and column; nothing is half-loaded.
    """
    from .io import MAX_NAME_CHARS, check_text_column

    frame = read_table(DATA / "sample_complaints.csv" if source is None else source)
    require_columns(frame, COLUMNS)
    name = frame.attrs.get("source")
    for col in ("complaint_id", "category"):  # ids and chart labels: one short line each
        frame[col] = check_text_column(frame, col, MAX_NAME_CHARS)
    ids = frame["complaint_id"]
    if na_mask(ids).any():
        raise DataError(t("io.required"), file=name, row=na_mask(ids).idxmax(), column="complaint_id")
    check_unique(frame, "complaint_id")
    category = frame["category"]
    if na_mask(category).any():
        raise DataError(t("io.required"), file=name, row=na_mask(category).idxmax(), column="category")
    resolved = parse_bool(frame, "resolved").astype(bool)
    days = parse_number(frame, "days_to_resolve", minimum=0, na_ok=True)
    lacking = resolved & days.isna()
    if lacking.any():
        raise DataError(t("complaints.days_needed"), file=name, row=lacking.idxmax(),
                        column="days_to_resolve")
    dates = parse_date(frame, "date")
    future = dates > pd.Timestamp.today().normalize()
    if future.any():
        row = future.idxmax()
        raise DataError(t("complaints.future_date", value=frame["date"][row]), file=name, row=row, column="date")
    out = pd.DataFrame({
        "complaint_id": ids.astype(str),
        "date": dates,
        "channel": _choice(frame, "channel", CHANNELS),
        "category": category.astype(str).str.strip().str.lower(),
        "severity": _choice(frame, "severity", SEVERITIES),
        "amount_eur": parse_number(frame, "amount_eur", minimum=0),
        "resolved": resolved,
        "days_to_resolve": days.where(resolved),
        "outcome": _choice(frame, "outcome", OUTCOMES),
    }, index=frame.index)
    out.attrs["source"] = name
    out.attrs["cleaned"] = list(frame.attrs.get("cleaned") or [])
    return out


# --- the sample log, made by a seeded generator -------------------------------------------

def monthly_volumes(months: int = 12, first: int = 40, decline: float = 0.92) -> np.ndarray:
    """Complaints per month in the sample log: ``round(first · decline^m)``, m = 0 … months−1.

    A log whose volume falls by 8 % a month, for the silence alarm to question.
    """
    return np.round(first * decline ** np.arange(months)).astype(int)


def generate_sample_complaints(seed: int = 7, start: str = "2025-01-01", months: int = 12) -> pd.DataFrame:
    """The synthetic sample complaints log shipped as ``data/sample_complaints.csv``.

    Monthly volumes from :func:`monthly_volumes`; categories drawn with unequal weights so
    that a few causes dominate (the Pareto pattern); money at stake lognormal, "large" from
    200 €; resolution in 0–20 days for about 80 % of complaints, outcome following the
    delay (quick → mostly satisfied quickly). Seeded: the same seed gives the same file.

    Returns the table as text cells, ready for ``to_csv`` (ISO dates, integer amounts).
    """
    rng = np.random.default_rng(seed)
    volumes = monthly_volumes(months)
    first = pd.Timestamp(start)
    month_start = pd.date_range(first, periods=months, freq="MS")
    days = np.concatenate([rng.integers(0, ms.days_in_month, size=n) for ms, n in zip(month_start, volumes)])
    dates = np.repeat(month_start.values, volumes) + days.astype("timedelta64[D]")
    order = np.argsort(dates, kind="stable")
    dates = pd.DatetimeIndex(dates[order])
    n = int(volumes.sum())
    weights = np.array([0.30, 0.22, 0.15, 0.11, 0.08, 0.06, 0.05, 0.03])
    category = rng.choice(CATEGORIES, size=n, p=weights)
    channel = rng.choice(CHANNELS, size=n, p=[0.45, 0.25, 0.08, 0.17, 0.05])
    amount = np.round(rng.lognormal(mean=4.3, sigma=1.0, size=n)).astype(int)
    severity = np.where(amount >= 200, "large", "small")
    resolved = rng.random(n) < 0.8
    delay = np.minimum(rng.geometric(0.2, size=n) - 1, 20)
    u = rng.random(n)
    quick = delay <= QUICK_DAYS
    outcome = np.where(~resolved, "unsatisfied",
                       np.where(quick, np.where(u < 0.85, "satisfied_quickly", "satisfied"),
                                np.where(u < 0.65, "satisfied", "unsatisfied")))
    return pd.DataFrame({
        "complaint_id": [f"C{i:04d}" for i in range(1, n + 1)],
        "date": dates.strftime("%Y-%m-%d"),
        "channel": channel,
        "category": category,
        "severity": severity,
        "amount_eur": amount,
        "resolved": np.where(resolved, "yes", "no"),
        "days_to_resolve": np.where(resolved, delay.astype(str), ""),
        "outcome": outcome,
    })


def sample_csv_text(seed: int = 7) -> str:
    """The exact text of ``data/sample_complaints.csv`` (UTF-8, ``,``, ``\\n`` line ends)."""
    return generate_sample_complaints(seed).to_csv(index=False, lineterminator="\n")


# --- the Pareto of causes ----------------------------------------------------------------

def pareto(complaints: pd.DataFrame, by: str = "category", *, cutoff: float = 0.8) -> pd.DataFrame:
    """Complaints counted by cause, largest first, with the cumulative share.

    ``share_i = n_i / N`` and ``cumulative_i = Σ_{j ≤ i} share_j``; ``vital_few`` marks the
    causes needed to reach ``cutoff`` of all complaints (the cause that crosses it
    included) — Juran's Pareto principle. Ties are broken by name, so the order is stable.
    """
    counts = complaints[by].value_counts()
    table = (pd.DataFrame({by: counts.index.astype(str), "count": counts.to_numpy()})
             .sort_values(["count", by], ascending=[False, True]).reset_index(drop=True))
    total = table["count"].sum()
    table["share"] = table["count"] / total
    table["cumulative"] = table["share"].cumsum()
    before = table["cumulative"].shift(fill_value=0.0)
    table["vital_few"] = before < cutoff - 1e-12
    return table


# --- the iceberg and revenue at risk --------------------------------------------------------

def load_complaint_rates() -> pd.DataFrame:
    """``data/complaint_rates.csv``: TARP's repurchase rates and the iceberg multipliers.

    Columns ``figure`` (``repurchase_rate`` or ``problems_per_complaint``), ``severity``,
    ``case`` (an outcome of :data:`TARP_OUTCOMES`, or ``low``/``likely``/``high``),
    ``value``, ``source`` and ``source_fr`` (the same source in French, read by
    :func:`cxkit.i18n.localized`); every figure has its source.
    """
    frame = read_table(DATA / "complaint_rates.csv")
    require_columns(frame, ("figure", "severity", "case", "value", "source", "source_fr"))
    out = frame.copy()
    out["value"] = parse_number(frame, "value", minimum=0)
    return out.reset_index(drop=True)


def repurchase_rates(severity: str, rates: pd.DataFrame | None = None) -> dict[str, float]:
    """Share of customers who buy again, by how their problem was handled (TARP 1986).

    ``{"no_complaint", "unsatisfied", "satisfied", "satisfied_quickly"}`` for problems with
    ``"large"`` or ``"small"`` losses (TARP 1986, *Consumer Complaint Handling in America:
    An Update Study*, for the US Office of Consumer Affairs). These are stated
    intentions: the share of surveyed customers who *said* they would buy again, not
    repurchases observed afterwards.
    """
    rates = load_complaint_rates() if rates is None else rates
    rows = rates[(rates["figure"] == "repurchase_rate") & (rates["severity"] == severity)]
    found = dict(zip(rows["case"], rows["value"].astype(float)))
    if set(found) != set(TARP_OUTCOMES):
        raise DataError(t("evidence.rates_incomplete", severity=severity, cases=", ".join(TARP_OUTCOMES)),
                        column="severity")
    return {case: found[case] for case in TARP_OUTCOMES}


def multiplier_range(rates: pd.DataFrame | None = None, level: str = "head_office") -> dict[str, float]:
    """Customers with a problem per complaint logged at ``level``: ``{"low", "likely", "high"}``.

    ``level`` is ``"head_office"`` (TARP's ~27: about 96 % of customers with a
    small-ticket problem never complain to head office) or ``"front_line"`` (about 2:
    half of customers with a problem complain to a front-line person; Goodman, letter in
    *Quality Progress*, November 2005). Each value has its source in
    ``data/complaint_rates.csv``.
    """
    if level not in LEVELS:
        raise DataError(t("evidence.input_choice", name="level", value=level, allowed=", ".join(LEVELS)),
                        column="level")
    rates = load_complaint_rates() if rates is None else rates
    rows = rates[(rates["figure"] == "problems_per_complaint") & (rates["severity"] == level)]
    if rows.empty:  # an older rates table: one multiplier for every level
        rows = rates[(rates["figure"] == "problems_per_complaint") & (rates["severity"] == "all")]
    return dict(zip(rows["case"], rows["value"].astype(float)))


def complaint_levels(complaints: pd.DataFrame) -> pd.Series:
    """Where each complaint was logged, ``front_line`` or ``head_office``: the log's
    ``level`` column when it has one, else its ``channel`` through :data:`CHANNEL_LEVEL`
    (the workbook's assumption; unknown channels count as front line)."""
    if "level" in complaints.columns:
        level = complaints["level"].astype("string").str.strip().str.lower()
        bad = ~level.isin(LEVELS)
        if bad.any():
            row = bad.idxmax()
            raise DataError(t("evidence.input_choice", name="level", value=complaints["level"][row],
                              allowed=", ".join(LEVELS)), row=row, column="level")
        return level.astype(object)
    return complaints["channel"].map(CHANNEL_LEVEL).fillna("front_line")


def iceberg(complaints: float, multiplier: float) -> dict:
    """The iceberg: customers with a problem behind the complaints received.

    ``with_problems = complaints · multiplier``; ``silent = with_problems − complaints``;
    ``visible_share = 1 / multiplier``. The multiplier depends on where the complaint was
    logged: about 2 customers with a problem per complaint at the front line, about 27
    per complaint reaching head office for small-ticket problems (TARP; Goodman, letter
    in *Quality Progress*, November 2005: the "96 % never complain" concerns head office
    and small tickets only). See :func:`multiplier_range` and ``data/complaint_rates.csv``.
    """
    checks.at_least("complaints", complaints, 0.0)
    checks.at_least("multiplier", multiplier, 1.0)  # each complaint is one customer with a problem
    with_problems = complaints * multiplier
    return {"complaints": float(complaints), "with_problems": float(with_problems),
            "silent": float(with_problems - complaints), "visible_share": 1.0 / multiplier}


def revenue_at_risk(complaints: pd.DataFrame, multiplier: float, customer_value: float,
                    rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Customers lost and revenue at risk, by severity and by how each group was handled.

    For each severity: the complainants are counted by ``outcome`` from the log, and the
    silent customers are ``n_complaints · (multiplier − 1)`` (outcome ``no_complaint``).
    Each group loses ``customers · (1 − repurchase_rate)`` customers (TARP 1986 rates,
    :func:`repurchase_rates`), worth ``lost · customer_value`` (money per lost customer,
    e.g. a year's margin or a :func:`cxkit.retention.clv`).

    Returns a table ``severity, outcome, customers, repurchase_rate, lost, revenue_at_risk``.
    """
    checks.at_least("multiplier", multiplier, 1.0)
    checks.at_least("customer_value", customer_value, 0.0)
    rates = load_complaint_rates() if rates is None else rates
    rows = []
    for severity in SEVERITIES:
        part = complaints[complaints["severity"] == severity]
        table = repurchase_rates(severity, rates)
        counts = part["outcome"].value_counts()
        groups = {"no_complaint": len(part) * (multiplier - 1.0),
                  **{o: float(counts.get(o, 0)) for o in OUTCOMES}}
        for outcome in TARP_OUTCOMES:
            n = groups[outcome]
            lost = n * (1.0 - table[outcome])
            rows.append({"severity": severity, "outcome": outcome, "customers": n,
                         "repurchase_rate": table[outcome], "lost": lost,
                         "revenue_at_risk": lost * customer_value})
    return pd.DataFrame(rows)


def revenue_at_risk_by_level(complaints: pd.DataFrame, customer_value: float, *, case: str = "likely",
                             multipliers: dict[str, float] | None = None,
                             rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`revenue_at_risk` with one multiplier per level where complaints are logged.

    Complaints logged at the front line carry the front-line multiplier (about 2), those
    reaching head office the head-office one (about 27); see :func:`multiplier_range`
    and :func:`complaint_levels`. ``case`` picks ``"low"``, ``"likely"`` or ``"high"``
    of each range; ``multipliers`` (``{level: value}``) overrides them.

    Returns :func:`revenue_at_risk`'s table with a first column ``level`` and a
    ``multiplier`` column.
    """
    rates = load_complaint_rates() if rates is None else rates
    checks.at_least("customer_value", customer_value, 0.0)
    levels = complaint_levels(complaints)
    frames = []
    for level in LEVELS:
        m = (multipliers or {}).get(level, multiplier_range(rates, level)[case])
        checks.at_least(f"multiplier[{level}]", m, 1.0)
        part = revenue_at_risk(complaints[levels == level], m, customer_value, rates)
        part.insert(0, "level", level)
        part["multiplier"] = float(m)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def revenue_at_risk_band(complaints: pd.DataFrame, customer_value: float,
                         rates: pd.DataFrame | None = None) -> dict:
    """Revenue at risk with every level's multiplier at its low, likely and high value.

    Returns ``low``, ``likely``, ``high`` (money: the total of
    :func:`revenue_at_risk_by_level` for that case), ``silent_share`` (share of the
    likely total coming from customers who never complained) and ``by_level`` (the
    likely table). The band is as wide as what is known about the multipliers: it is
    the honest way to show a figure built on a ratio measured in other companies.
    """
    rates = load_complaint_rates() if rates is None else rates
    tables = {case: revenue_at_risk_by_level(complaints, customer_value, case=case, rates=rates)
              for case in ("low", "likely", "high")}
    likely = tables["likely"]
    total = float(likely["revenue_at_risk"].sum())
    silent = float(likely.loc[likely["outcome"] == "no_complaint", "revenue_at_risk"].sum())
    return {"low": float(tables["low"]["revenue_at_risk"].sum()), "likely": total,
            "high": float(tables["high"]["revenue_at_risk"].sum()),
            "silent_share": silent / total if total > 0 else 0.0, "by_level": likely}


def quick_resolution_value(customers: float, severity: str, customer_value: float, *,
                           from_outcome: str = "unsatisfied", to_outcome: str = "satisfied_quickly",
                           rates: pd.DataFrame | None = None) -> float:
    """Money kept by moving ``customers`` from one handling outcome to a better one.

    ``value = n · (rate_to − rate_from) · customer_value`` with TARP's repurchase rates:
    for large losses, turning an unsatisfied complainant into one satisfied quickly lifts
    repurchase from 19 % to 82 %.
    """
    checks.at_least("customers", customers, 0.0)
    checks.at_least("customer_value", customer_value, 0.0)
    for name, value in (("from_outcome", from_outcome), ("to_outcome", to_outcome)):
        if value not in TARP_OUTCOMES:
            raise DataError(t("evidence.input_choice", name=name, value=value, allowed=", ".join(TARP_OUTCOMES)),
                            column=name)
    table = repurchase_rates(severity, rates)
    return customers * (table[to_outcome] - table[from_outcome]) * customer_value


# --- what the feedback is worth ------------------------------------------------------------

def feedback_value(complaints_analysed: float, cost_per_complaint: float, study_price: float) -> dict:
    """Analysing complaints versus buying a market study that would tell the same thing.

    ``analysis = n · c`` (staff time to log, read and classify each complaint);
    ``saving = study_price − analysis``; ``ratio = study_price / analysis``. Seed 004 makes
    the point that the demanding customer tells in seconds, for free, what a paid study
    takes months to chart.
    """
    checks.at_least("complaints_analysed", complaints_analysed, 0.0)
    checks.at_least("cost_per_complaint", cost_per_complaint, 0.0)
    checks.at_least("study_price", study_price, 0.0)
    analysis = complaints_analysed * cost_per_complaint
    return {"analysis": analysis, "study": float(study_price), "saving": study_price - analysis,
            "ratio": study_price / analysis if analysis > 0 else float("inf")}


# --- the silence alarm ----------------------------------------------------------------------

def load_monthly_signals(source=None) -> pd.DataFrame:
    """``data/monthly_signals.csv``: per month, complaints received and the audit's bad-call rate.

    Columns ``month`` (date of the month's first day), ``complaints`` (count) and
    ``bad_call_rate`` (share of mystery calls scored "bad", in [0, 1]).
    """
    frame = read_table(DATA / "monthly_signals.csv" if source is None else source)
    require_columns(frame, ("month", "complaints", "bad_call_rate"))
    out = pd.DataFrame({"month": parse_date(frame, "month"),
                        "complaints": parse_number(frame, "complaints", minimum=0),
                        "bad_call_rate": parse_number(frame, "bad_call_rate", minimum=0, maximum=1)},
                       index=frame.index)
    return out.sort_values("month").reset_index(drop=True)


def silence_alarm(signals: pd.DataFrame, *, months: int = 3, fall: float = 0.25,
                  tolerance: float = 0.02) -> dict:
    """Warn when complaints fall while the phone audit says service is no better.

    Compares the mean of the first and last ``months`` months::

        complaints_change = C_last / C_first − 1
        alarm = complaints_change ≤ −fall  and  B_last ≥ B_first − tolerance

    with ``B`` the audit's bad-call rate: fewer complaints with as many bad calls means
    unhappy customers leave in silence, or complaints are kept from view (seed 004).

    Returns ``alarm`` (bool), ``complaints_change``, ``bad_before``, ``bad_after`` and
    ``message`` (plain words in the current language).
    """
    months = checks.whole("months", months, 1)
    checks.share("fall", fall)
    checks.share("tolerance", tolerance)
    if len(signals) < 2 * months:
        raise DataError(t("complaints.too_few_months", n=2 * months))
    s = signals.sort_values("month")
    c0, c1 = s["complaints"].head(months).mean(), s["complaints"].tail(months).mean()
    b0, b1 = s["bad_call_rate"].head(months).mean(), s["bad_call_rate"].tail(months).mean()
    change = c1 / c0 - 1.0 if c0 > 0 else 0.0
    alarm = bool(change <= -fall and b1 >= b0 - tolerance)

    values = dict(change=fmt_percent(abs(change)), before=fmt_percent(b0), after=fmt_percent(b1))
    if alarm:
        message = t("complaints.alarm_on", **values)
    elif change <= -fall:
        message = t("complaints.alarm_better", **values)
    else:
        message = t("complaints.alarm_off", **values)
    return {"alarm": alarm, "complaints_change": float(change), "bad_before": float(b0),
            "bad_after": float(b1), "message": message}


REASONS = ("not_worth", "nobody_listens", "no_channel", "switch_quietly", "staff_filter",
           "labelled_difficult", "fear")


def reasons_for_silence(lang: str | None = None) -> list[str]:
    """Why unhappy customers do not complain, in plain words (seed 004 and TARP)."""
    return [t(f"complaints.reason.{key}", lang) for key in REASONS]


# --- access to the boss: routing a weekly sample ------------------------------------------

def route_to_management(complaints: pd.DataFrame, per_week: int = 2, *, rule: str = "largest",
                        seed: int = 7) -> pd.DataFrame:
    """The complaints sent to management each week.

    ``rule="largest"``: the ``per_week`` complaints with the most money at stake;
    ``rule="random"``: ``per_week`` drawn at random (seeded), so ordinary problems reach
    the boss too; ``rule="unresolved"``: unresolved ones first, then the largest. Weeks
    are ISO weeks (Monday start).
    """
    if rule not in ("largest", "random", "unresolved"):
        raise DataError(t("evidence.input_choice", name="rule", value=rule, allowed="largest, random, unresolved"),
                        column="rule")
    per_week = checks.whole("per_week", per_week, 1)
    df = complaints.copy()
    df["week"] = df["date"].dt.to_period("W-SUN").dt.start_time
    rng = np.random.default_rng(seed)
    if rule == "random":
        df["_key"] = rng.random(len(df))
        keys, ascending = ["week", "_key"], [True, True]
    elif rule == "largest":
        keys, ascending = ["week", "amount_eur", "complaint_id"], [True, False, True]
    else:
        keys, ascending = ["week", "resolved", "amount_eur", "complaint_id"], [True, True, False, True]
    picked = df.sort_values(keys, ascending=ascending, kind="stable").groupby("week", sort=True).head(per_week)
    return picked.drop(columns=["_key"], errors="ignore").sort_values(["week", "complaint_id"])


def routing_coverage(selected: pd.DataFrame, complaints: pd.DataFrame) -> dict:
    """What the boss gets to see: ``n`` complaints, the share of causes seen at least once
    (``categories_seen``), of money at stake (``amount_share``) and of unresolved
    complaints among those sent (``unresolved_share``)."""
    cats = complaints["category"].nunique()
    return {"n": int(len(selected)),
            "categories_seen": selected["category"].nunique() / cats if cats else 0.0,
            "amount_share": float(selected["amount_eur"].sum() / complaints["amount_eur"].sum()),
            "unresolved_share": float((~selected["resolved"]).mean()) if len(selected) else 0.0}


def what_if_bad_rate(signals: pd.DataFrame, change: float) -> pd.DataFrame:
    """The signals with the bad-call rate shifted by a ramp from 0 (first month) to
    ``change`` (last month), clipped to [0, 1]: "what if the audit had shown this trend?"."""
    checks.number("change", change)
    out = signals.copy()
    ramp = np.linspace(0.0, change, len(out)) if len(out) > 1 else np.zeros(len(out))
    out["bad_call_rate"] = np.clip(out["bad_call_rate"].to_numpy() + ramp, 0.0, 1.0)
    return out
