"""Charts of the loss estimate: breakdown, distribution of simulated totals, tornado and
the cost of non-quality on its 10 %–40 % band. Data in, ``alt.Chart`` out; labels from
:mod:`cxkit.i18n`, money formatted for the language."""
from __future__ import annotations

import pandas as pd

from ..i18n import fmt_money, fmt_percent, get_language, t
from . import COLORS, PALETTE, decorate
from ._alt import alt

_COMPONENTS = ("churn", "word_of_mouth", "lost_sales", "replacement", "rework")


def breakdown_chart(loss: pd.Series, *, title: str | None = None, lang: str | None = None,
                    **options) -> alt.Chart:
    """Horizontal bars: the yearly loss by component (``loss`` as from
    :func:`cxkit.losses.annual_loss`), each labelled with its amount, in ``lang``
    (default: the current language)."""
    data = pd.DataFrame({
        "component": [t(f"losses.component.{c}", lang) for c in _COMPONENTS],
        "amount": [float(loss[c]) for c in _COMPONENTS],
        "label": [fmt_money(loss[c], lang=lang) for c in _COMPONENTS],
    })
    order = list(data["component"])
    y = alt.Y("component:N", sort=order, title=None)
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("amount:Q", title=t("losses.chart.money", lang), axis=alt.Axis(format="~s")),
        y=y, color=alt.Color("component:N", sort=order, legend=None,
                             scale=alt.Scale(domain=order, range=PALETTE[:len(order)])))
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=12).encode(
        x="amount:Q", y=y, text="label:N")
    return decorate(bars + text, title=title or t("losses.chart.breakdown", lang),
                    height=options.get("height", 180), width=options.get("width"))


def distribution_chart(bins: pd.DataFrame, *, likely: float | None = None, p10: float | None = None,
                       p90: float | None = None, title: str | None = None, **options) -> alt.Chart:
    """Histogram of simulated yearly totals (``bins`` with ``start``, ``end``, ``share``
    from :func:`cxkit.losses.distribution`), with the P10 and P90 marked and the likely
    total as a solid line."""
    base = alt.Chart(bins).mark_bar(color=COLORS["neutral"]).encode(
        x=alt.X("start:Q", title=t("losses.chart.total"), axis=alt.Axis(format="~s")),
        x2="end:Q",
        y=alt.Y("share:Q", title=t("losses.chart.share"), axis=alt.Axis(format="%")),
        y2=alt.datum(0))
    layers = [base]
    marks = [(v, lab, dash) for v, lab, dash in ((p10, "P10", [4, 3]), (p90, "P90", [4, 3]),
                                                  (likely, "", []))
             if v is not None]
    if marks:
        lines = pd.DataFrame({"x": [m[0] for m in marks], "label": [m[1] for m in marks]})
        for (value, label, dash) in marks:
            one = lines[lines["x"] == value].head(1)
            layers.append(alt.Chart(one).mark_rule(color=COLORS["bad"], strokeDash=dash, size=2)
                          .encode(x="x:Q"))
            if label:
                layers.append(alt.Chart(one).mark_text(dy=-6, dx=4, align="left", baseline="bottom",
                                                       color=COLORS["bad"], y=0)
                              .encode(x="x:Q", text="label:N"))
    return decorate(alt.layer(*layers), title=title or t("losses.chart.distribution"),
                    width=options.get("width"), height=options.get("height", 200))


def tornado_chart(sensitivity: pd.DataFrame, *, labels: dict[str, str] | None = None,
                  top: int = 10, title: str | None = None, **options) -> alt.Chart:
    """The tornado: for the ``top`` inputs that move the total most, a bar from the total
    at likely values to the total with that input at its low and at its high value.

    ``sensitivity`` comes from :func:`cxkit.losses.tornado` (``attrs["base"]`` is the
    total at likely values); ``labels`` maps input names to what the reader sees
    (default: its ``label_fr``/``label_en`` column in the current language)."""
    column = f"label_{get_language()}"
    if labels is None and column in sensitivity.columns:
        labels = sensitivity[column].to_dict()
    labels = labels or {}
    base = float(sensitivity.attrs.get("base", 0.0))
    head = sensitivity.head(top)
    order = [labels.get(n, n) for n in head.index]
    rows = []
    for name, rec in head.iterrows():
        for side in ("at_low", "at_high"):
            rows.append({"input": labels.get(name, name), "side": t(f"losses.chart.{side}"),
                         "from": base, "to": float(rec[side])})
    data = pd.DataFrame(rows)
    sides = [t("losses.chart.at_low"), t("losses.chart.at_high")]
    bars = alt.Chart(data).mark_bar(height=14).encode(
        y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("from:Q", title=t("losses.chart.total"), axis=alt.Axis(format="~s"),
                scale=alt.Scale(zero=False)),
        x2="to:Q",
        color=alt.Color("side:N", title=t("losses.chart.at"),
                        scale=alt.Scale(domain=sides, range=[COLORS["good"], COLORS["bad"]])))
    rule = alt.Chart(pd.DataFrame({"x": [base]})).mark_rule(color=COLORS["accent"]).encode(x="x:Q")
    return decorate(bars + rule, title=title or t("losses.chart.tornado"),
                    width=options.get("width"), height=options.get("height", 22 * len(order)))


def non_quality_chart(share: float, *, title: str | None = None, **options) -> alt.Chart:
    """The share of operating expenses spent on failures, as a marker on the band from
    efficient (under 10 %) to neglectful (40 % and more), after seed 003."""
    top = max(0.6, float(share) * 1.1)
    bands = pd.DataFrame({
        "start": [0.0, 0.10, 0.40], "end": [0.10, 0.40, top],
        "band": [t("losses.nonq.band_efficient"), t("losses.nonq.band_between"),
                 t("losses.nonq.band_neglectful")],
    })
    names = list(bands["band"])
    area = alt.Chart(bands).mark_rect(opacity=0.55).encode(
        x=alt.X("start:Q", title=t("losses.chart.share_of_opex"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, top], nice=False)),
        x2="end:Q",
        color=alt.Color("band:N", title=None, sort=names,
                        scale=alt.Scale(domain=names, range=[COLORS["good"], COLORS["warn"], COLORS["bad"]])))
    point = pd.DataFrame({"x": [float(share)], "label": [t("losses.nonq.you", share=fmt_percent(share, 1))]})
    rule = alt.Chart(point).mark_rule(color=COLORS["accent"], size=3).encode(x="x:Q")
    text = alt.Chart(point).mark_text(align="left", dx=5, y=8, color=COLORS["accent"], fontWeight="bold").encode(
        x="x:Q", text="label:N")
    return decorate(area + rule + text, title=title or t("losses.chart.non_quality"),
                    width=options.get("width"), height=options.get("height", 50))
