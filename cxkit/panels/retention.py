"""Panels for notebook 06: lifetime value, the retention gain, the cliff, keep or replace,
and the value of an exceptional gesture. Each callback calls a tested function of
:mod:`cxkit.retention` and redraws widget values."""
from __future__ import annotations

import html
import math

import ipywidgets as widgets

from .. import retention
from ..i18n import fmt_money, fmt_number, fmt_percent, t
from .base import AmountText, ChartView, Status, guarded, styled

_STYLE = {"description_width": "170px"}
_LAYOUT = widgets.Layout(width="460px")


def _slider(key: str, value: float, low: float, high: float, step: float, *, percent: bool = False,
            integer: bool = False, css: str | None = None) -> widgets.Widget:
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    options = dict(value=value, min=low, max=high, step=step, description=t(key), style=_STYLE,
                   layout=_LAYOUT, continuous_update=False)
    if not integer:
        options["readout_format"] = ".0%" if percent else ",.0f"
    slider = kind(**options)
    return styled(slider, css) if css else slider


def _result(css: str) -> widgets.HTML:
    return styled(widgets.HTML(), css)


def _p(text: str) -> str:
    return f"<p style='font-size:1.05em;max-width:640px'>{html.escape(text)}</p>"


def _wire(update, *controls) -> None:
    for control in controls:
        control.observe(lambda change: update(), names="value")
    update()


def clv_panel() -> widgets.VBox:
    """Sliders for margin, retention and discount rate → lifetime value, expected stay, base value."""
    margin = _slider("retention.margin", 300, 50, 2000, 10, css="cxkit-clv-margin")
    keep = _slider("retention.retention", 0.80, 0.50, 0.97, 0.01, percent=True, css="cxkit-clv-retention")
    discount = _slider("retention.discount", 0.08, 0.0, 0.20, 0.01, percent=True)
    out, status = _result("cxkit-clv-result"), Status()
    customers = styled(AmountText(10000, minimum=1, status=status, description=t("retention.customers"),
                                  style=_STYLE, layout=_LAYOUT), "cxkit-clv-customers")

    @guarded(status)
    def update():
        value = retention.clv(margin.value, keep.value, discount.value)
        out.value = _p(t("retention.clv_result", clv=fmt_money(value),
                         life=fmt_number(retention.expected_lifetime(keep.value), 1),
                         n=fmt_number(customers.amount),
                         base=fmt_money(retention.base_value(customers.amount, margin.value, keep.value,
                                                             discount.value))))
        status.clear()

    customers.observe(lambda change: update(), names="amount")
    _wire(update, margin, keep, discount)
    return widgets.VBox([margin, keep, discount, customers, out, status])


GRID_RATES = (0.04, 0.08, 0.15)


def gain_panel() -> widgets.VBox:
    """What a 5-point cut in churn is worth, against Reichheld & Sasser's +25 % to +85 %."""
    margin = _slider("retention.margin", 300, 50, 2000, 10)
    acquisition = _slider("retention.acquisition", 300, 0, 3000, 50, css="cxkit-gain-acquisition")
    discount = _slider("retention.discount", 0.08, 0.0, 0.20, 0.01, percent=True)
    churn = _slider("retention.churn", 0.20, 0.05, 0.50, 0.01, percent=True, css="cxkit-gain-churn")
    cut = _slider("retention.cut", 0.05, 0.01, 0.10, 0.01, percent=True)
    out, status, view = _result("cxkit-gain-result"), Status(), styled(ChartView(), "cxkit-gain-chart")

    @guarded(status)
    def update():
        r = 1.0 - churn.value
        cut_value = min(cut.value, 0.99 - r)
        res = retention.retention_gain(margin.value, r, discount.value, defection_cut=cut_value,
                                       acquisition_cost=acquisition.value)
        rel = res["relative_gain"]
        if rel != rel:
            text = t("retention.gain_loss")
        else:
            verdict = ("retention.gain_below" if rel < 0.25 else
                       "retention.gain_above" if rel > 0.85 else "retention.gain_in_range")
            text = t("retention.gain_result", before=fmt_percent(churn.value),
                     after=fmt_percent(churn.value - cut_value),
                     v0=fmt_money(res["clv_before"] - acquisition.value),
                     v1=fmt_money(res["clv_after"] - acquisition.value),
                     gain="+" + fmt_percent(rel)) + " " + t(verdict)
        out.value = _p(text)
        grid = retention.retention_gain_grid(margin.value, GRID_RATES, acquisition_cost=acquisition.value,
                                             defection_cut=cut_value)
        view.draw("retention.gain_chart", grid, current=(churn.value, rel))
        status.clear()

    _wire(update, margin, acquisition, discount, churn, cut)
    return widgets.VBox([margin, acquisition, discount, churn, cut, out, view, status])


def cliff_panel(horizon_years: int = 10) -> widgets.VBox:
    """Satisfied vs unhappy cohort over the years: the cliff at each switching window."""
    every = _slider("retention.switch_every", 3, 1, 6, 1, integer=True, css="cxkit-cliff-every")
    leave = _slider("retention.leave_at_window", 0.35, 0.0, 0.9, 0.05, percent=True)
    offer = _slider("retention.competitor_offer", 0.0, 0.0, 0.9, 0.05, percent=True, css="cxkit-cliff-offer")
    revenue = _slider("retention.revenue", 600, 50, 3000, 50, css="cxkit-cliff-revenue")
    out, status, view = _result("cxkit-cliff-result"), Status(), styled(ChartView(), "cxkit-cliff-chart")

    @guarded(status)
    def update():
        sim = retention.cohort_simulation(1000, horizon_years, switch_every=every.value,
                                          leave_at_window=leave.value, competitor_offer=offer.value)
        loss = retention.cliff_revenue_loss(sim, revenue.value)
        end = sim[sim["month"] == sim["month"].max()].set_index("cohort")["customers"]
        out.value = _p(t("retention.cliff_result", years=horizon_years, sat=fmt_number(end["satisfied"]),
                         unh=fmt_number(end["unhappy"]), loss=fmt_money(loss["loss"]),
                         share=fmt_percent(loss["unhappy"] / loss["satisfied"])))
        view.draw("retention.cohort_chart", sim)
        status.clear()

    _wire(update, every, leave, offer, revenue)
    return widgets.VBox([every, leave, offer, revenue, out, view, status])


def revenue_figures(loss: dict) -> widgets.HTML:
    """The cliff's revenue (:func:`cxkit.retention.cliff_revenue_loss`: satisfied, unhappy
    and lost revenue) as headline cards in the page's language."""
    from .base import headline

    return headline([("pages.fig.revenue_satisfied", fmt_number(loss["satisfied"])),
                     ("pages.fig.revenue_unhappy", fmt_number(loss["unhappy"])),
                     ("pages.fig.revenue_loss", fmt_number(loss["loss"]))])


def keep_or_replace_panel() -> widgets.VBox:
    """Keeping customers at risk versus replacing them, with the cost ratio as a slider."""
    at_risk = _slider("retention.at_risk", 500, 0, 5000, 50)
    cost = _slider("retention.cost_to_keep", 60, 5, 500, 5)
    ratio = _slider("retention.ratio", 5, 1, 25, 1, css="cxkit-keep-ratio")
    out, status = _result("cxkit-keep-result"), Status()

    @guarded(status)
    def update():
        res = retention.keep_or_replace(at_risk.value, cost.value, ratio.value)
        out.value = _p(t("retention.keep_result", keep=fmt_money(res["keep"]),
                         replace=fmt_money(res["replace"]), saving=fmt_money(res["saving"])))
        status.clear()

    _wire(update, at_risk, cost, ratio)
    return widgets.VBox([at_risk, cost, ratio, out, status])


def delight_panel() -> widgets.VBox:
    """The spare-key scenario: one free gesture, repeat purchases and recommendations."""
    gesture = _slider("retention.gesture_cost", 150, 0, 2000, 10)
    margin = _slider("retention.margin_purchase", 2500, 100, 10000, 100)
    purchases = _slider("retention.purchases_with", 4, 1, 6, 1, integer=True, css="cxkit-delight-purchases")
    referrals = _slider("retention.referrals", 2, 0, 10, 1)
    out, status = _result("cxkit-delight-result"), Status()

    @guarded(status)
    def update():
        res = retention.delight_scenario(gesture.value, margin.value, purchases_with=purchases.value,
                                         referrals=referrals.value)
        if math.isfinite(res["multiple"]):
            text = t("retention.delight_result", repeat=fmt_money(res["repeat"]), referral=fmt_money(res["referral"]),
                     net=fmt_money(res["net"]), multiple=fmt_number(res["multiple"], 0))
        else:  # a free gesture: no "∞ times its cost"
            text = t("room.delight_free", repeat=fmt_money(res["repeat"]), referral=fmt_money(res["referral"]))
        out.value = _p(text)
        status.clear()

    _wire(update, gesture, margin, purchases, referrals)
    return widgets.VBox([gesture, margin, purchases, referrals, out, status])
