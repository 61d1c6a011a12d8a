"""The call journey as a timeline: minutes with and without service, attempt after attempt."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import COLORS, decorate
from ._alt import alt


def journey_chart(data: pd.DataFrame, *, title: str | None = None, width: int | None = None,
                  height: int | None = None, **options) -> alt.Chart:
    """Horizontal bars from ``start`` to ``end`` minutes, coloured service / no service.

    ``data`` is :func:`cxkit.journey.timeline`'s table, optionally with a ``journey`` column
    (one row of bars per journey, e.g. "today" and "improved"). Segments where the line
    drops (``cut``) get a dark outline.
    """
    frame = data.copy()
    if "journey" not in frame.columns:
        frame["journey"] = ""
    frame["kind"] = frame["service"].map({True: t("journey.chart_service"), False: t("journey.chart_no_service")})
    frame["cut_label"] = frame["cut"].map({True: t("journey.chart_cut"), False: ""})
    order = list(dict.fromkeys(frame["journey"]))
    colour = alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=[t("journey.chart_service"), t("journey.chart_no_service")],
                                       range=[COLORS["good"], COLORS["bad"]]))
    base = alt.Chart(frame)
    bars = base.mark_bar(height=26).encode(
        x=alt.X("start:Q", title=t("journey.chart_minutes")), x2="end:Q",
        y=alt.Y("journey:N", title=None, sort=order), color=colour,
        stroke=alt.condition("datum.cut", alt.value("#222"), alt.value("white")),
        strokeWidth=alt.condition("datum.cut", alt.value(2), alt.value(1)))
    marks = base.transform_filter("datum.cut").mark_text(dy=-20, fontSize=11, color="#222").encode(
        x="end:Q", y=alt.Y("journey:N", sort=order), text="cut_label:N")
    chart = alt.layer(bars, marks)
    return decorate(chart, title=title if title is not None else t("journey.chart_title"),
                    width=width, height=height or 60 + 50 * len(order))
