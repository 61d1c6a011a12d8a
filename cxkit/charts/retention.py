"""Charts for notebook 06: the value of a retention gain and the lock-in cliff."""
from __future__ import annotations

import pandas as pd

from ..i18n import fmt_percent, t
from . import COLORS, decorate
from ._alt import alt


def gain_chart(grid: pd.DataFrame, *, title: str | None = None, current: tuple[float, float] | None = None,
               band: tuple[float, float] = (0.25, 0.85), cap: float = 2.0) -> alt.Chart:
    """Relative gain in value per new customer against starting churn, one line per discount rate.

    ``grid`` is :func:`cxkit.retention.retention_gain_grid`'s table; the shaded band is
    Reichheld & Sasser's +25 % to +85 %; ``current`` = (churn, gain) marks the sliders' point;
    the y axis stops at ``cap`` (gains explode where a customer barely repays his acquisition).
    """
    data = grid.assign(rate=[fmt_percent(d) for d in grid["discount_rate"]])
    order = list(dict.fromkeys(data["rate"]))
    top = min(max(float(data["relative_gain"].max()), band[1]) * 1.05, cap)
    shade = alt.Chart(pd.DataFrame({"lo": [band[0]], "hi": [band[1]]})).mark_rect(
        color=COLORS["warn"], opacity=0.25).encode(y="lo:Q", y2="hi:Q")
    lines = alt.Chart(data).mark_line(strokeWidth=2.5, clip=True).encode(
        x=alt.X("churn:Q", title=t("retention.axis_churn"), axis=alt.Axis(format="%")),
        y=alt.Y("relative_gain:Q", title=t("retention.axis_gain"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, top], clamp=True)),
        color=alt.Color("rate:N", title=t("retention.legend_discount"), sort=order))
    layers = [shade, lines]
    if current is not None and current[1] == current[1]:
        point = pd.DataFrame({"churn": [current[0]], "relative_gain": [min(current[1], top)]})
        layers.append(alt.Chart(point).mark_point(size=140, filled=True, color=COLORS["bad"]).encode(
            x="churn:Q", y="relative_gain:Q"))
    return decorate(alt.layer(*layers), title=title or t("retention.gain_chart_title"))


def cohort_chart(simulation: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Customers remaining over the years, satisfied vs unhappy cohort
    (:func:`cxkit.retention.cohort_simulation`)."""
    data = simulation.assign(label=[t(f"retention.cohort.{c}") for c in simulation["cohort"]])
    order = [t("retention.cohort.satisfied"), t("retention.cohort.unhappy")]
    chart = alt.Chart(data).mark_line(strokeWidth=2.5, interpolate="step-after").encode(
        x=alt.X("year:Q", title=t("retention.axis_year")),
        y=alt.Y("customers:Q", title=t("retention.axis_customers"), scale=alt.Scale(zero=True)),
        color=alt.Color("label:N", title=t("retention.legend_cohort"), sort=order,
                        scale=alt.Scale(domain=order, range=[COLORS["good"], COLORS["bad"]])))
    return decorate(chart, title=title or t("retention.cohort_chart_title"))
