"""Charts of the evidence pages: the audit's power curve (notebook 02), the loss band as
the audit's calls accumulate and the value of an audit of n calls (notebook 05).
Data in, ``alt.Chart`` out; labels from :mod:`cxkit.i18n`."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from . import COLORS, WIDTH, decorate
from ._alt import alt


def power_chart(curve: pd.DataFrame, *, marks: dict[str, int] | None = None, planned: int | None = None,
                title: str | None = None, **options) -> alt.Chart:
    """The chance that the audit ends "proven" (``power``, 0–1) against the number of calls
    (``n``), as from :func:`cxkit.audit.power_curve`; dashed lines at an even chance (50 %)
    and four chances in five (80 %), ``marks`` (``{"50": n, "80": n}``) drawn as dots at
    the calls each needs, and the ``planned`` number of calls as a vertical rule."""
    data = curve[["n", "power"]].astype(float)
    x = alt.X("n:Q", title=t("pages.power.axis_calls"), scale=alt.Scale(domainMin=0))
    line = alt.Chart(data).mark_line(color=COLORS["accent"], strokeWidth=2).encode(
        x=x, y=alt.Y("power:Q", title=t("pages.power.axis_power"), axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 1])))
    levels = pd.DataFrame({"y": [0.5, 0.8]})
    rules = alt.Chart(levels).mark_rule(color=COLORS["neutral"], strokeDash=[4, 3]).encode(y="y:Q")
    layers = [rules, line]
    if marks:
        dots = pd.DataFrame({"n": [float(v) for v in marks.values()],
                             "power": [float(k) / 100 for k in marks],
                             "label": [str(int(v)) for v in marks.values()]})
        layers.append(alt.Chart(dots).mark_point(filled=True, size=80, color=COLORS["bad"]).encode(
            x="n:Q", y="power:Q"))
        layers.append(alt.Chart(dots).mark_text(align="left", dx=6, dy=-8, color=COLORS["bad"]).encode(
            x="n:Q", y="power:Q", text="label:N"))
    if planned is not None:
        layers.append(alt.Chart(pd.DataFrame({"n": [float(planned)]})).mark_rule(
            color=COLORS["good"], size=2).encode(x="n:Q"))
    options.setdefault("width", WIDTH)
    return decorate(alt.layer(*layers), title=title or t("pages.power.chart_title"), **options)


def band_chart(bands: pd.DataFrame, *, title: str | None = None, **options) -> alt.Chart:
    """One row per step (``label``, ``p10``, ``median``, ``p90``, money per year): the 80 %
    band of the yearly loss as a bar from P10 to P90 with the median as a dot, top to
    bottom in the table's order (e.g. the band now, then after 10, 50, 100 more calls)."""
    data = bands[["label", "p10", "median", "p90"]].copy()
    y = alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(data).mark_bar(height=14, color=COLORS["neutral"], opacity=0.7).encode(
        x=alt.X("p10:Q", title=t("pages.band.axis"), axis=alt.Axis(format="~s"), scale=alt.Scale(zero=False)),
        x2="p90:Q", y=y)
    dots = alt.Chart(data).mark_point(filled=True, size=80, color=COLORS["bad"]).encode(x="median:Q", y=y)
    options.setdefault("height", 34 * len(data))
    return decorate(alt.layer(bars, dots), title=title or t("pages.band.title"), **options)


def audit_value_chart(table: pd.DataFrame, *, best: int | None = None, title: str | None = None,
                      **options) -> alt.Chart:
    """What an audit of ``n`` calls is worth (``value``, money) and that value minus its
    cost (``net``), against ``n``; the ``best`` n marked by a rule."""
    rows = []
    for rec in table.itertuples(index=False):
        rows.append({"n": float(rec.n), "what": t("pages.worth.value_line"), "money": float(rec.value)})
        rows.append({"n": float(rec.n), "what": t("pages.worth.net_line"), "money": float(rec.net)})
    data = pd.DataFrame(rows)
    names = [t("pages.worth.value_line"), t("pages.worth.net_line")]
    lines = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("n:Q", title=t("pages.power.axis_calls")),
        y=alt.Y("money:Q", title=t("pages.worth.axis_money"), axis=alt.Axis(format="~s")),
        color=alt.Color("what:N", title=None, scale=alt.Scale(domain=names, range=[COLORS["accent"], COLORS["good"]])))
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=COLORS["neutral"]).encode(y="y:Q")
    layers = [zero, lines]
    if best is not None:
        layers.append(alt.Chart(pd.DataFrame({"n": [float(best)]})).mark_rule(
            color=COLORS["bad"], strokeDash=[4, 3]).encode(x="n:Q"))
    options.setdefault("width", WIDTH)
    options.setdefault("height", 200)
    return decorate(alt.layer(*layers), title=title or t("pages.worth.chart_title"), **options)
