"""Charts of the phone audit: sections, groups, weekly trend, weakest criteria, and how
the uncertainty of a rate shrinks with the number of calls."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import COLORS, WIDTH, decorate
from ._alt import alt


def _section_label(section: str) -> str:
    key = f"audit.section.{section}"
    from ..i18n import labels

    return t(key) if key in labels() else str(section)


def section_chart(data: pd.DataFrame, *, title: str | None = None, threshold: float = 70.0,
                  **options) -> alt.Chart:
    """Mean score of each section (``section``, ``mean_score``), weakest first, with the
    good-call threshold as a line; sections below it in the warning colour."""
    frame = data.assign(label=data["section"].map(_section_label),
                        weak=data["mean_score"] < threshold, threshold=threshold)
    order = list(frame["label"])
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("mean_score:Q", title=t("audit.chart.mean_score"), scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("label:N", title=None, sort=order),
        color=alt.Color("weak:N", legend=None,
                        scale=alt.Scale(domain=[True, False], range=[COLORS["bad"], COLORS["good"]])))
    rule = alt.Chart(frame.head(1)).mark_rule(color=COLORS["accent"], strokeDash=[4, 3]).encode(x="threshold:Q")
    return decorate(alt.layer(bars, rule), title=title or t("audit.chart.by_section"), **options)


def group_chart(data: pd.DataFrame, *, by: str, title: str | None = None, target: float = 0.8,
                **options) -> alt.Chart:
    """Share of good calls per group (``by``, ``good_rate``, ``low``, ``high``, ``n``) with
    its 95 % interval as a bar, and the target as a dashed line."""
    frame = data.assign(group=data[by].astype(str), target=target)
    y = alt.Y("group:N", title=None, sort=list(frame["group"]))
    scale = alt.Scale(domain=[0, 1])
    axis = alt.Axis(format="%")
    errors = alt.Chart(frame).mark_rule(strokeWidth=3, color=COLORS["neutral"]).encode(
        x=alt.X("low:Q", title=t("audit.chart.good_rate"), scale=scale, axis=axis), x2="high:Q", y=y)
    points = alt.Chart(frame).mark_point(filled=True, size=90, color=COLORS["accent"]).encode(
        x="good_rate:Q", y=y)
    rule = alt.Chart(frame.head(1)).mark_rule(color=COLORS["bad"], strokeDash=[4, 3]).encode(x="target:Q")
    return decorate(alt.layer(errors, points, rule), title=title, **options)


def trend_chart(data: pd.DataFrame, *, title: str | None = None, target: float = 0.8, **options) -> alt.Chart:
    """Week by week share of good calls (``week``, ``good_rate``, ``low``, ``high``) with its
    interval as a band and the target as a dashed line."""
    frame = data.assign(target=target, week=pd.to_datetime(data["week"]).dt.strftime("%Y-%m-%d"))
    x = alt.X("week:O", title=t("audit.chart.week"), axis=alt.Axis(labelAngle=0))
    scale = alt.Scale(domain=[0, 1])
    band = alt.Chart(frame).mark_area(opacity=0.25, color=COLORS["good"]).encode(
        x=x, y=alt.Y("low:Q", title=t("audit.chart.good_rate"), scale=scale, axis=alt.Axis(format="%")), y2="high:Q")
    line = alt.Chart(frame).mark_line(point=True, color=COLORS["accent"]).encode(x=x, y="good_rate:Q")
    rule = alt.Chart(frame.head(1)).mark_rule(color=COLORS["bad"], strokeDash=[4, 3]).encode(y="target:Q")
    options.setdefault("width", WIDTH)
    return decorate(alt.layer(band, line, rule), title=title or t("audit.chart.trend"), **options)


def weakest_chart(data: pd.DataFrame, *, title: str | None = None, **options) -> alt.Chart:
    """The weakest criteria (``label``, ``mean_mark`` 0–100), weakest on top."""
    frame = data.assign(label=data["label"].str.slice(0, 60))
    chart = alt.Chart(frame).mark_bar(color=COLORS["bad"]).encode(
        x=alt.X("mean_mark:Q", title=t("audit.chart.mean_mark"), scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("label:N", title=None, sort=list(frame["label"]), axis=alt.Axis(labelLimit=360)))
    return decorate(chart, title=title or t("audit.chart.weakest"), **options)
