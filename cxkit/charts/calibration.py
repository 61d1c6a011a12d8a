"""Charts of a calibration round: the spread of the marks per criterion, and each rater's
distance from the reference (who is lenient, who is severe)."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import COLORS, WIDTH, decorate
from ._alt import alt

#: A leaning's colour: lenient in the warning colour, severe in the bad one.
LEAN_COLORS = {"lenient": COLORS["warn"], "aligned": COLORS["good"], "severe": COLORS["bad"]}


def spread_chart(data: pd.DataFrame, *, title: str | None = None, **options) -> alt.Chart:
    """Per criterion (``label``), the raters' lowest and highest marks (``low``, ``high``,
    0–100) as a bar and their mean (``mean``) as a dot; an optional ``reference`` column
    (the reference's mark) as a tick. Criteria in the order given."""
    frame = data.assign(label=data["label"].astype(str).str.slice(0, 60)).dropna(subset=["low", "high"])
    order = list(frame["label"])
    x_scale = alt.Scale(domain=[0, 100])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360))
    bars = alt.Chart(frame).mark_rule(strokeWidth=6, color=COLORS["neutral"], opacity=0.7).encode(
        x=alt.X("low:Q", title=t("calibration.chart.mark"), scale=x_scale), x2="high:Q", y=y)
    dots = alt.Chart(frame).mark_point(filled=True, size=70, color=COLORS["accent"]).encode(x="mean:Q", y=y)
    layers = [bars, dots]
    if "reference" in frame and frame["reference"].notna().any():
        ref = frame.dropna(subset=["reference"])
        layers.append(alt.Chart(ref).mark_tick(color=COLORS["bad"], thickness=2, size=16).encode(x="reference:Q", y=y))
    options.setdefault("width", WIDTH)
    return decorate(alt.layer(*layers), title=title or t("calibration.chart.spread_title"), **options)


def rater_chart(data: pd.DataFrame, *, title: str | None = None, **options) -> alt.Chart:
    """Each rater's score minus the reference's (``rater``, ``difference`` in points out
    of 100, ``lean``), most severe at the top; zero (the reference) as a line."""
    frame = data.assign(rater=data["rater"].astype(str).str.slice(0, 40),
                        leaning=data["lean"].map(lambda k: t(f"calibration.lean.{k}")))
    domain = [t(f"calibration.lean.{k}") for k in LEAN_COLORS]
    span = max(10.0, float(frame["difference"].abs().max()) if len(frame) else 10.0)
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("difference:Q", title=t("calibration.chart.difference"), scale=alt.Scale(domain=[-span, span])),
        y=alt.Y("rater:N", title=None, sort=list(frame["rater"]), axis=alt.Axis(labelLimit=200)),
        color=alt.Color("leaning:N", title=t("calibration.chart.lean"),
                        scale=alt.Scale(domain=domain, range=list(LEAN_COLORS.values()))))
    dots = alt.Chart(frame).mark_point(filled=True, size=60, color=COLORS["accent"]).encode(
        x="difference:Q", y=alt.Y("rater:N", sort=list(frame["rater"])))
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=COLORS["accent"], strokeDash=[4, 3]).encode(x="x:Q")
    options.setdefault("width", WIDTH)
    return decorate(alt.layer(bars, dots, zero), title=title or t("calibration.chart.rater_title"), **options)
