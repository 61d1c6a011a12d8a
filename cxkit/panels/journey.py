"""The double penalty panel: two call journeys edited with sliders, priced side by side."""
from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import journey
from ..i18n import fmt_money, fmt_number, fmt_percent, t
from .base import ChartView, Status, card, guarded, styled

NAMES = ("today", "improved")
_ROWS = ("minutes", "minutes_without_service", "money_cost", "time_cost", "total_cost",
         "useful_share", "attempts", "resolved")


def _format(key: str, value) -> str:
    if key in ("money_cost", "time_cost", "total_cost"):
        return fmt_money(value, 2)
    if key == "useful_share":
        return fmt_percent(value)
    if key == "resolved":
        return t("journey.yes") if value else t("journey.no")
    if key == "attempts":
        return fmt_number(value)
    return fmt_number(value, 1)


def results_html(table: pd.DataFrame) -> str:
    """:func:`cxkit.journey.compare`'s table as an HTML table with labels and formatted values."""
    head = "".join(f"<th style='text-align:right;padding:2px 10px'>{html.escape(t('journey.' + n))}</th>"
                   for n in table.columns)
    rows = "".join(
        f"<tr><td style='padding:2px 10px'>{html.escape(t('journey.' + key))}</td>"
        + "".join(f"<td style='text-align:right;padding:2px 10px'>{html.escape(_format(key, table.at[key, n]))}</td>"
                  for n in table.columns) + "</tr>"
        for key in _ROWS)
    return (f"<table class='cxkit-journey-table'><tr><th style='text-align:left;padding:2px 10px'>"
            f"{html.escape(t('journey.measure'))}</th>{head}</tr>{rows}</table>")


def cost_figures(cost: dict) -> widgets.HTML:
    """One journey's cost (:func:`cxkit.journey.call_cost`) as a table of labelled,
    formatted figures in the page's language."""
    from .base import figures

    return figures([(f"journey.{key}", _format(key, cost[key])) for key in _ROWS])


def _sliders(steps: pd.DataFrame, name: str) -> list[widgets.FloatSlider]:
    labels = journey.clean_steps(steps)["label"]
    return [styled(widgets.FloatSlider(value=float(m), min=0, max=30, step=0.5, description=label, readout_format=".1f",
                                       continuous_update=False, style={"description_width": "190px"},
                                       layout=widgets.Layout(width="400px")), f"cxkit-journey-{name}-{i}")
            for i, (m, label) in enumerate(zip(steps["minutes"], labels))]


def journey_panel(price_today: float = 0.35, price_improved: float = 0.0, time_value_per_hour: float = 15.0,
                  cutoff_minutes: float = 20, max_attempts: int = 3) -> widgets.VBox:
    """Sliders for each step of today's and the improved journey, the prices, the value of
    time and the cut-off; the timeline chart and the results side by side, redrawn on change.

    Defaults (assumptions to replace with your own): a premium-rate line at 0.35 €/min today,
    a free number once improved, the caller's time valued at 15 €/hour, a 20-minute cut-off.
    """
    base = {n: journey.load_journey(n) for n in NAMES}
    sliders = {n: _sliders(base[n], n) for n in NAMES}
    number = dict(style={"description_width": "230px"}, layout=widgets.Layout(width="340px"))
    price = {"today": styled(widgets.BoundedFloatText(value=price_today, min=0, max=5, step=0.05,
                                                      description=t("journey.price_today"), **number),
                             "cxkit-journey-price-today"),
             "improved": styled(widgets.BoundedFloatText(value=price_improved, min=0, max=5, step=0.05,
                                                         description=t("journey.price_improved"), **number),
                                "cxkit-journey-price-improved")}
    value = styled(widgets.BoundedFloatText(value=time_value_per_hour, min=0, max=500, step=1,
                                            description=t("journey.time_value"), **number), "cxkit-journey-time-value")
    cutoff = styled(widgets.BoundedIntText(value=cutoff_minutes, min=0, max=240,
                                           description=t("journey.cutoff"), **number), "cxkit-journey-cutoff")
    attempts = styled(widgets.BoundedIntText(value=max_attempts, min=1, max=10,
                                             description=t("journey.max_attempts"), **number), "cxkit-journey-attempts")
    results = styled(widgets.HTML(), "cxkit-journey-results")
    chart = ChartView()
    status = Status()

    def current() -> dict:
        out = {}
        for n in NAMES:
            steps = base[n].copy()
            steps["minutes"] = [s.value for s in sliders[n]]
            out[n] = steps
        return out

    @guarded(status)
    def redraw(change=None):
        steps = current()
        table = journey.compare(steps, {n: price[n].value for n in NAMES}, value.value,
                                cutoff.value, attempts.value)
        results.value = results_html(table)
        lines = [journey.timeline(steps[n], cutoff.value, attempts.value).assign(journey=t(f"journey.{n}"))
                 for n in NAMES]
        chart.draw("journey.journey_chart", pd.concat(lines, ignore_index=True))
        status.clear()

    for widget in [*sliders["today"], *sliders["improved"], *price.values(), value, cutoff, attempts]:
        widget.observe(redraw, names="value")
    redraw()
    steps_box = widgets.HBox([card(t("journey.card_today"), *sliders["today"]),
                              card(t("journey.card_improved"), *sliders["improved"])])
    prices = card(t("journey.card_prices"), widgets.HBox([widgets.VBox([price["today"], price["improved"]]),
                                                          widgets.VBox([value, cutoff, attempts])]))
    return styled(widgets.VBox([steps_box, prices, chart, results, status]), "cxkit-journey-panel")

