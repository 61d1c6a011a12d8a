"""Panels of the evidence pages (issue 14): what an audit can prove and what it feeds.

Notebook 02: :func:`power_panel`, the chance that an audit ends "proven" against its
number of calls (:func:`cxkit.audit.power_curve`).
Notebook 03: :func:`evaluator_panel` (are the evaluators different? one χ² test,
:func:`cxkit.audit.evaluator_test`, and the trap of many comparisons) and :func:`second_wave_panel` (did the plan work? a second
wave compared with the first, :func:`cxkit.audit.compare_waves`).
Notebook 05: :func:`audit_calls_html` and :func:`band_labels`, the loss band from the
audit's calls now and after 10, 50 and 100 more (:func:`cxkit.losses.from_audit_projection`, used by
:class:`cxkit.panels.losses.LossDashboard`).

Every callback calls a tested cxkit function; texts come from
``cxkit/locale/evidence_pages.json``.
"""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import audit
from ..errors import DataError
from ..i18n import fmt_date, fmt_money, fmt_number, fmt_percent, t
from .base import ChartView, Status, card, guarded, styled

_STYLE = {"description_width": "280px"}
_LAYOUT = widgets.Layout(width="570px")


def _p(text: str, css: str = "") -> str:
    cls = f" class='{css}'" if css else ""
    return f"<p{cls} style='font-size:1.05em;max-width:680px'>{html.escape(text)}</p>"


def _share(x: float, decimals: int = 0) -> str:
    """A share as a percentage, or "—" when it is not a finite number."""
    return fmt_percent(x, decimals) if x is not None and math.isfinite(x) else "—"


def _money(x: float) -> str:
    """Money in the language's format, or "—" when it is not a finite number."""
    return fmt_money(x) if x is not None and math.isfinite(x) else "—"


# --- notebook 02: the power curve ----------------------------------------------------------

def power_text(true_rate: float, target: float, planned: int, confidence: float = 0.95) -> str:
    """The planner's sentence: from how many calls the audit has an even chance, then four
    chances in five, of ending "proven", and the chance with the ``planned`` calls.

    The numbers are :func:`cxkit.audit.calls_needed` with ``stable=True`` (from that many
    calls on the chance no longer falls back below the level) and
    :func:`cxkit.audit.proof_power`. When the true share reaches the target no audit can
    prove a shortfall; the sentence then gives the chance of a false "proven"."""
    chance = audit.proof_power(planned, true_rate, target, confidence)
    values = dict(rate=_share(true_rate), target=_share(target), planned=fmt_number(planned),
                  chance=_share(chance))
    if true_rate >= target:
        return t("pages.power.no_gap", **values)
    try:
        even = audit.calls_needed(true_rate, target, 0.5, confidence, stable=True)
        four = audit.calls_needed(true_rate, target, 0.8, confidence, stable=True)
    except DataError:
        return t("pages.power.too_many", **values)
    return t("pages.power.text", even=fmt_number(even), four=fmt_number(four), **values)


def power_curve_data(true_rate: float, target: float, planned: int, confidence: float = 0.95,
                     points: int = 160) -> tuple[pd.DataFrame, dict[str, int]]:
    """The power curve to draw (at most ``points`` numbers of calls from 10, up to a little
    past the calls that give four chances in five, or the planned calls) and the marks
    ``{"50": n, "80": n}`` (:func:`cxkit.audit.calls_needed`, ``stable=True``); no marks
    when the true share reaches the target or the calls needed are out of reach."""
    marks: dict[str, int] = {}
    if true_rate < target:
        try:
            marks = {"50": audit.calls_needed(true_rate, target, 0.5, confidence, stable=True),
                     "80": audit.calls_needed(true_rate, target, 0.8, confidence, stable=True)}
        except DataError:
            marks = {}
    top = max(int(planned) + 20, int(1.4 * marks.get("80", 0)), 100)
    top = min(top, audit.MAX_CALLS)
    start = 10  # the planner's smallest audit, a micro-diagnostic
    n = np.unique(np.linspace(start, top, min(points, top - start + 1)).round().astype(int))
    return audit.power_curve(true_rate, target, n, confidence), marks


def power_panel() -> widgets.VBox:
    """Notebook 02's planner: a true share of good calls, a target and a planned number of
    calls → the chance that the audit ends "proven", in words and as a curve."""
    rate = styled(widgets.FloatSlider(value=0.70, min=0.30, max=0.95, step=0.01, readout_format=".0%",
                                      description=t("pages.power.true_rate"), continuous_update=False,
                                      style=_STYLE, layout=_LAYOUT), "cxkit-power-rate")
    target = styled(widgets.FloatSlider(value=audit.TARGET, min=0.50, max=0.95, step=0.05, readout_format=".0%",
                                        description=t("pages.power.target"), continuous_update=False,
                                        style=_STYLE, layout=_LAYOUT), "cxkit-power-target")
    planned = styled(widgets.IntSlider(value=100, min=10, max=400, step=5, description=t("pages.power.planned"),
                                       continuous_update=False, style=_STYLE, layout=_LAYOUT), "cxkit-power-planned")
    text = styled(widgets.HTML(), "cxkit-power-text")
    curve, status = ChartView(), Status()

    @guarded(status)
    def update():
        text.value = _p(power_text(rate.value, target.value, planned.value))
        data, marks = power_curve_data(rate.value, target.value, planned.value)
        curve.draw("evidence.power_chart", data, marks=marks, planned=planned.value)
        status.clear()

    for control in (rate, target, planned):
        control.observe(lambda _change: update(), names="value")
    update()
    return widgets.VBox([rate, target, planned, text, status, curve])


# --- notebook 05: the audit's calls feed the loss model ------------------------------------

def band_labels(bands: pd.DataFrame) -> list[str]:
    """What each row of :func:`cxkit.losses.from_audit_projection` is, for the chart:
    "now: 108 calls", "+10 calls (118)"."""
    return [t("pages.band.now", n=fmt_number(r.calls)) if r.extra_calls == 0
            else t("pages.band.more", k=fmt_number(r.extra_calls), n=fmt_number(r.calls))
            for r in bands.itertuples(index=False)]


def audit_calls_html(scored: pd.DataFrame, bands: pd.DataFrame | None, where: str) -> str:
    """What the audit's calls say about the bad-call rate, and how the loss band narrows
    as calls accumulate (``bands`` from :func:`cxkit.losses.from_audit_projection`, or
    ``None`` when it could not be computed); ``where`` names the calls (the room's calls,
    the sample campaign)."""
    n, good = len(scored), int(scored["good"].sum())
    dates = pd.to_datetime(scored["date"], errors="coerce").dropna() if "date" in scored else pd.Series([], dtype=object)
    first, last = (fmt_date(dates.min().date()), fmt_date(dates.max().date())) if len(dates) else ("—", "—")
    low, high = audit.wilson_interval(good, n)
    lines = [
        t("pages.audit_calls.rate", where=where, n=fmt_number(n), first=first, last=last,
          bad=fmt_number(n - good), rate=_share(1 - good / n, 1), low=_share(1 - high, 1), high=_share(1 - low, 1)),
        t("pages.audit_calls.meaning"),
    ]
    if bands is not None and len(bands):
        now, later = bands.iloc[0], bands.iloc[-1]
        narrower = 1 - (later["p90"] - later["p10"]) / (now["p90"] - now["p10"]) if now["p90"] > now["p10"] else float("nan")
        lines.append(t("pages.audit_calls.narrows", p10=_money(now["p10"]), p90=_money(now["p90"]),
                       k=fmt_number(later["extra_calls"]), p10_later=_money(later["p10"]),
                       p90_later=_money(later["p90"]), width=_share(narrower)))
    return "".join(_p(line) for line in lines)


# --- notebook 03: are the evaluators different? ---------------------------------------------

def evaluator_html(scored: pd.DataFrame | None) -> str:
    """The evaluators' shares of good calls as a table, and one test across all of them in
    words (:func:`cxkit.audit.evaluator_test` and :func:`cxkit.audit.evaluator_test_text`),
    the multiple-comparisons trap included."""
    if scored is None or scored.empty:
        return _p(t("evidence.evaluators.none"))
    result = audit.evaluator_test(scored, "evaluator")
    head = "".join(f"<th style='text-align:left;padding:2px 10px'>{html.escape(t(k))}</th>"
                   for k in ("pages.evaluators.who", "pages.evaluators.calls", "pages.evaluators.good",
                             "pages.evaluators.share"))
    body = "".join(
        f"<tr><td style='padding:2px 10px'>{html.escape(str(name)[:80])}</td><td>{fmt_number(r.n)}</td>"
        f"<td>{fmt_number(r.good)}</td><td>{_share(r.good_rate)}</td></tr>"
        for name, r in result["table"].iterrows())
    verdict = "different" if result["different"] else "alike"
    return (f"<table class='cxkit-evaluator-table'><tr>{head}</tr>{body}</table>"
            f"<div class='cxkit-evaluator-verdict-{verdict}'>{_p(audit.evaluator_test_text(result))}</div>")


def evaluator_panel(campaign) -> widgets.VBox:
    """Notebook 03: are the evaluators different? One χ² test across them on the calls the
    page reads (the panel follows the :class:`cxkit.panels.audit.AuditSession`'s source)."""
    out, status = styled(widgets.HTML(), "cxkit-evaluator-test"), Status()

    def draw(calls, primary, scored):
        out.value = evaluator_html(scored)

    campaign._views.append(guarded(status)(draw))
    guarded(status)(draw)(None, *campaign._primary_scored())
    return widgets.VBox([out, status])


# --- notebook 03: did the plan work? a second wave -----------------------------------------

def waves_html(result: dict) -> str:
    """:func:`cxkit.audit.compare_waves`'s result in words: the shares, the change with its
    interval in points, and the verdict (which says nothing about customers)."""
    points = lambda x: fmt_number(100 * x, 1) if math.isfinite(x) else "—"  # noqa: E731
    signed = lambda x: ("+" if x > 0 else "") + points(x)  # noqa: E731
    text = t("pages.waves.result", before=_share(result["rate_before"]), n_before=fmt_number(result["n_before"]),
             after=_share(result["rate_after"]), n_after=fmt_number(result["n_after"]),
             diff=signed(result["difference"]), low=signed(result["difference_low"]),
             high=signed(result["difference_high"]), conf=_share(result["confidence"]))
    verdict = t(f"pages.waves.{result['verdict']}")
    return (_p(text) + f"<p class='cxkit-waves-verdict-{result['verdict']}' style='border:2px solid #264653;"
            f"padding:6px 10px;max-width:680px'><b>{html.escape(verdict)}</b></p>")


def second_wave_text(rate_before: float, n_before: int, improvement: float, power: float = 0.8) -> str:
    """How many calls a second wave needs to show ``improvement`` (a share, e.g. 0.15) with
    probability ``power`` (:func:`cxkit.audit.second_wave_calls`), or why none can."""
    values = dict(points=fmt_number(100 * improvement, 0), before=_share(rate_before), n_before=fmt_number(n_before),
                  power=_share(power))
    try:
        needed = audit.second_wave_calls(rate_before, n_before, improvement, power)
    except DataError as exc:
        return t("pages.waves.cannot", problem=exc.problem, **values)
    return t("pages.waves.needed", n=fmt_number(needed), **values)


def second_wave_panel(campaign=None) -> widgets.VBox:
    """Notebook 03's "did the plan work?": the first wave (the calls read above, or typed)
    against a second wave's counts → the change with Newcombe's interval and a verdict;
    and the calls a second wave needs to show a chosen improvement four times in five.

    ``campaign`` is the page's :class:`cxkit.panels.audit.AuditSession`: the first wave
    follows its source (sample, workshop calls, file) whenever that changes."""
    box = dict(style={"description_width": "230px"}, layout=widgets.Layout(width="360px"))
    n_before = styled(widgets.BoundedIntText(value=100, min=1, max=audit.MAX_CALLS,
                                             description=t("pages.waves.n_before"), **box), "cxkit-waves-n-before")
    good_before = styled(widgets.BoundedIntText(value=55, min=0, max=audit.MAX_CALLS,
                                                description=t("pages.waves.good_before"), **box), "cxkit-waves-good-before")
    n_after = styled(widgets.BoundedIntText(value=100, min=1, max=audit.MAX_CALLS,
                                            description=t("pages.waves.n_after"), **box), "cxkit-waves-n-after")
    good_after = styled(widgets.BoundedIntText(value=85, min=0, max=audit.MAX_CALLS,
                                               description=t("pages.waves.good_after"), **box), "cxkit-waves-good-after")
    rise = styled(widgets.FloatSlider(value=0.15, min=0.05, max=0.40, step=0.01, readout_format=".0%",
                                      description=t("pages.waves.rise"), continuous_update=False,
                                      style=_STYLE, layout=_LAYOUT), "cxkit-waves-rise")
    result, needed, status = (styled(widgets.HTML(), "cxkit-waves-result"),
                              styled(widgets.HTML(), "cxkit-waves-needed"), Status())

    @guarded(status)
    def compare():
        result.value = ""
        try:
            result.value = waves_html(audit.compare_waves(good_before.value, n_before.value,
                                                          good_after.value, n_after.value))
        except DataError as exc:  # e.g. more good calls than calls: the sentence, not the column
            status.error(exc.problem)
            return
        status.clear()

    @guarded(status)
    def plan():
        needed.value = ""
        needed.value = _p(second_wave_text(good_before.value / n_before.value, n_before.value, rise.value))

    def first_wave(calls, primary, scored):
        n = 0 if scored is None else len(scored)
        if n:
            n_before.value, good_before.value = n, int(scored["good"].sum())

    if campaign is not None:
        first_wave(*([None] + list(campaign._primary_scored())))
        campaign._views.append(guarded(status)(first_wave))
    for control in (n_before, good_before, n_after, good_after):
        control.observe(lambda _c: compare(), names="value")
    for control in (n_before, good_before, rise):
        control.observe(lambda _c: plan(), names="value")
    compare()
    plan()
    return widgets.VBox([
        widgets.HTML(f"<b>{html.escape(t('pages.waves.first'))}</b>"), n_before, good_before,
        widgets.HTML(f"<b>{html.escape(t('pages.waves.second'))}</b>"), n_after, good_after,
        result, status, card(t("pages.waves.plan_title"), rise, needed)])
