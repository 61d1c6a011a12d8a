"""Charts for notebook 07: Pareto of causes, customers lost, revenue at risk with its band
by where complaints are logged, and the silence alarm."""
from __future__ import annotations

import pandas as pd

from ..complaints import label
from ..i18n import t
from . import COLORS, WIDTH, decorate
from ._alt import alt


def pareto_chart(table: pd.DataFrame, *, title: str | None = None, by: str = "category") -> alt.Chart:
    """Bars of complaints per cause, largest first, with the cumulative share as a line
    (:func:`cxkit.complaints.pareto`); the vital few are drawn in the "bad" colour."""
    data = table.assign(cause=[label("cat", c) for c in table[by]])
    order = list(data["cause"])
    x = alt.X("cause:N", sort=order, title=t("complaints.axis_cause"), axis=alt.Axis(labelAngle=-30))
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y("count:Q", title=t("complaints.axis_count")),
        color=alt.condition("datum.vital_few", alt.value(COLORS["bad"]), alt.value(COLORS["neutral"])))
    line = alt.Chart(data).mark_line(point=True, color=COLORS["accent"]).encode(
        x=x, y=alt.Y("cumulative:Q", title=t("complaints.axis_cumulative"),
                     axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    chart = alt.layer(bars, line).resolve_scale(y="independent")
    return decorate(chart, title=title or t("complaints.pareto_title"), width=WIDTH)


def lost_chart(risk: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Customers lost by handling outcome, stacked by severity
    (:func:`cxkit.complaints.revenue_at_risk`)."""
    data = risk.assign(outcome_label=[label("outcome", o) for o in risk["outcome"]],
                       severity_label=[label("severity", s) for s in risk["severity"]])
    order = list(dict.fromkeys(data["outcome_label"]))
    severities = [label("severity", "small"), label("severity", "large")]
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("outcome_label:N", sort=order, title=t("complaints.axis_outcome")),
        x=alt.X("lost:Q", title=t("complaints.axis_lost"), stack=True),
        color=alt.Color("severity_label:N", title=t("complaints.legend_severity"),
                        scale=alt.Scale(domain=severities, range=[COLORS["warn"], COLORS["bad"]])))
    return decorate(chart, title=title or t("complaints.iceberg_title"), height=160)


def risk_band_chart(band: pd.DataFrame, *, title: str | None = None, **options) -> alt.Chart:
    """Revenue at risk per level where complaints are logged and in total (``label``,
    ``low``, ``likely``, ``high``, money), as from
    :func:`cxkit.panels.complaints.risk_by_level`: a bar from low to high (the
    multipliers' ranges) with the chosen multipliers' figure as a dot."""
    data = band[["label", "low", "likely", "high"]].astype({"low": float, "likely": float, "high": float})
    y = alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(data).mark_bar(height=14, color=COLORS["neutral"], opacity=0.7).encode(
        x=alt.X("low:Q", title=t("pages.iceberg.axis_risk"), axis=alt.Axis(format="~s")), x2="high:Q", y=y)
    dots = alt.Chart(data).mark_point(filled=True, size=80, color=COLORS["bad"]).encode(x="likely:Q", y=y)
    return decorate(alt.layer(bars, dots), title=title or t("pages.iceberg.band_title"),
                    height=options.get("height", 34 * len(data)), width=options.get("width", WIDTH))


def signals_chart(signals: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Monthly complaints (bars) and the audit's bad-call rate (line), two y axes
    (:func:`cxkit.complaints.load_monthly_signals`)."""
    data = signals.assign(label=signals["month"].dt.strftime("%m/%Y"))
    x = alt.X("label:O", sort=list(data["label"]), title=t("complaints.axis_month"),
              axis=alt.Axis(labelAngle=-45))
    bars = alt.Chart(data).mark_bar(color=COLORS["neutral"]).encode(
        x=x, y=alt.Y("complaints:Q", title=t("complaints.axis_count")))
    line = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(color=COLORS["bad"]), color=COLORS["bad"], strokeWidth=2.5).encode(
        x=x, y=alt.Y("bad_call_rate:Q", title=t("complaints.axis_bad_rate"), axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 0.6])))
    chart = alt.layer(bars, line).resolve_scale(y="independent")
    return decorate(chart, title=title or t("complaints.signals_title"), width=WIDTH)
