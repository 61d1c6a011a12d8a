"""Charts for the workshop report (notebook 08)."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import COLORS, decorate
from ._alt import alt


def sections_chart(data: pd.DataFrame, *, title: str | None = None, lang: str | None = None,
                   threshold: float = 70.0) -> alt.Chart:
    """The audit's mean score by section (``section, mean_score`` from
    :func:`cxkit.audit.section_scores`), weakest first, red below ``threshold``."""
    frame = data.copy()
    frame["label"] = [t(f"audit.section.{s}", lang) for s in frame["section"]]
    frame["weak"] = frame["mean_score"] < threshold
    order = list(frame["label"])
    y = alt.Y("label:N", sort=order, title=None)
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("mean_score:Q", title=t("report.chart.score", lang), scale=alt.Scale(domain=[0, 100])),
        y=y, color=alt.Color("weak:N", legend=None,
                             scale=alt.Scale(domain=[True, False], range=[COLORS["bad"], COLORS["good"]])))
    text = alt.Chart(frame).mark_text(align="left", dx=4, fontSize=12).encode(
        x="mean_score:Q", y=y, text=alt.Text("mean_score:Q", format=".0f"))
    rule = alt.Chart(pd.DataFrame({"x": [threshold]})).mark_rule(color=COLORS["accent"], strokeDash=[4, 3]).encode(x="x:Q")
    return decorate(bars + text + rule, title=title if title is not None else t("report.chart.sections", lang),
                    height=26 * len(order))
