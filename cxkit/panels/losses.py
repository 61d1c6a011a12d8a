"""The manager's dashboard (notebook 05): sliders on every assumption of the loss model,
the yearly loss as a median with its 80 % band (and the all-likely total beside it), its
breakdown, distribution and tornado, the bad-call rate taken from the audit's calls if
the manager wishes, the return of an improvement plan with its one-off and yearly costs,
whether an audit is worth it (and of how many calls), the cost of non-quality and the
price of replacing lost customers; an Excel download of it all."""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from .. import audit, losses
from ..errors import DataError
from ..i18n import fmt_money, fmt_number, fmt_percent, get_language, labels, localized, t
from ..io import excel_bytes
from . import evidence
from .base import AmountText, ChartView, Download, Status, card, guarded, styled, uploaded_file

#: Default decision inputs of the sample company (money per year unless stated).
#: The audit's cost is ``audit_fixed + audit_per_call · audit_calls`` (the workbook's own
#: assumption: 5,000 to set up, brief and report, 100 per mystery call; 100 calls = 15,000).
DEFAULTS = {"target_bad_call_rate": 0.08, "plan_cost": 250_000.0, "one_off_cost": 0.0, "years": 3,
            "audit_calls": 100, "audit_fixed": 5_000.0, "audit_per_call": 100.0,
            "opex": 4_000_000.0, "other_failure_costs": 250_000.0}
N_DRAWS = 20000
_WIDE = {"description_width": "320px"}
_INPUT = {"description_width": "250px"}
#: The dashboard's two columns: the headline and the sliders on the left stay in view
#: (sticky, scrolling inside themselves) while the charts on the right scroll by; both
#: fit side by side on a 1366 × 768 screen (issue 15), the charts scaled to their column.
LAYOUT_CSS = """<style>
.cxkit-loss-bench {align-items: flex-start; gap: 16px; width: 100%;}
.cxkit-loss-controls {position: sticky; top: 0; z-index: 2; background: white;
  flex: 0 0 640px; width: 640px; max-height: 100vh; overflow-y: auto; overflow-x: hidden;}
.cxkit-loss-controls > * {flex-shrink: 0 !important;}
.cxkit-loss-controls .cxkit-input .widget-label {white-space: normal; line-height: 1.15; height: auto;
  max-height: 2.4em; overflow: hidden;}
.cxkit-loss-controls .cxkit-input {height: auto; min-height: 28px;}
.cxkit-loss-controls .cxkit-total div:first-child {font-size: 130% !important;}
.cxkit-loss-charts {flex: 1 1 auto; min-width: 0;}
.cxkit-loss-charts .cxkit-chart svg {max-width: 100%; height: auto;}
.cxkit-loss-unit {overflow: hidden; white-space: nowrap; text-overflow: ellipsis;}
</style>"""


def _finite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _m(x) -> str:
    """Money, or "—" for a figure that is not a finite number (never "€∞" or "NaN")."""
    return fmt_money(x) if _finite(x) else "—"


def _pc(x, decimals: int = 0) -> str:
    """A share as a percentage, or "—" (never "NaN%")."""
    return fmt_percent(x, decimals) if _finite(x) else "—"


def _n(x, decimals: int = 0) -> str:
    return fmt_number(x, decimals) if _finite(x) else "—"


def _fmt(name: str, value: float) -> str:
    if not _finite(value):
        return "—"
    return fmt_percent(value, 1) if name in losses.SHARES else fmt_number(value, 2 if value < 10 else 0)


def _slider_range(row) -> tuple[float, float]:
    """(max, step) of a slider, so that the likely value and the low–high range fit."""
    if row.name in losses.SHARES:
        return 1.0, 0.005
    top = max(float(row["high"]) * 2, float(row["likely"]) * 2, 1.0)
    step = 1.0 if top >= 100 else 0.1
    return top, step


def _source(row) -> str:
    """An assumption's source as the reader sees it: in the reader's language where the
    row has one (:func:`cxkit.i18n.localized`), "workshop estimate" translated."""
    text = localized(row, "source").strip()
    return t("losses.workshop_estimate") if text.lower() == "workshop estimate" else text


def _label(assumptions, name: str) -> str:
    text = assumptions.at[name, f"label_{get_language()}"]
    return str(text) if text else name


class LossDashboard:
    """The dashboard's widgets and callbacks; :func:`losses_panel` returns its layout."""

    def __init__(self, assumptions=None):
        self.status = Status()
        self.assumptions = assumptions if assumptions is not None else losses.load_assumptions()
        self._own = self.assumptions  # the company's assumptions before the audit set bad_call_rate
        self._quiet = False
        self.result = None
        self._cache: dict = {}
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.units: dict[str, widgets.HTML] = {}
        for name in losses.INPUTS:
            slider = widgets.FloatSlider(min=0.0, max=1.0, continuous_update=False, style=_INPUT,
                                         layout=widgets.Layout(width="500px", flex="0 0 auto"))
            self.sliders[name] = styled(slider, "cxkit-input", f"cxkit-input-{name}")
            self.units[name] = styled(widgets.HTML(layout=widgets.Layout(flex="1 1 auto", width="110px")),
                                      "cxkit-loss-unit")
            slider.observe(self._on_input, names="value")
        self.company = styled(widgets.ToggleButtons(
            options=[(t("losses.sample_company"), "sample"), (t("losses.own_file"), "own")],
            value="sample", description=t("losses.company")), "cxkit-company")
        self.upload = styled(widgets.FileUpload(accept=".csv,.xlsx", multiple=False,
                                                description=t("ui.upload"),
                                                layout=widgets.Layout(width="300px")), "cxkit-upload")
        self.reset = styled(widgets.Button(description=t("losses.reset"), icon="undo",
                                           layout=widgets.Layout(width="260px")), "cxkit-reset")
        self.total = styled(widgets.HTML(), "cxkit-total")
        self.breakdown = styled(ChartView(), "cxkit-chart-breakdown")
        self.histogram = styled(ChartView(), "cxkit-chart-distribution")
        self.sensitivity = styled(ChartView(), "cxkit-chart-tornado")
        self.nonq_chart = styled(ChartView(), "cxkit-chart-non-quality")
        # the audit's calls ------------------------------------------------------------
        self.calls_source = styled(widgets.ToggleButtons(
            options=[(t("pages.audit_calls.assumptions"), "assumptions"), (t("pages.audit_calls.room"), "store"),
                     (t("pages.audit_calls.sample"), "sample")],
            value="assumptions", description=t("pages.audit_calls.choose"),
            style={"description_width": "200px", "button_width": "225px"}), "cxkit-audit-calls")
        self.calls_text = styled(widgets.HTML(_para(t("pages.audit_calls.off"))), "cxkit-audit-calls-text")
        self.bands_chart = ChartView()
        self.scored = None
        self.calls_where = ""
        # the plan ---------------------------------------------------------------------
        self.target = styled(widgets.FloatSlider(value=DEFAULTS["target_bad_call_rate"], min=0, max=1,
                                                 step=0.005, readout_format=".1%", continuous_update=False,
                                                 description=t("losses.plan.target"), style=_WIDE,
                                                 layout=widgets.Layout(width="680px")),
                             "cxkit-plan-target")
        self.plan_cost = self._money(DEFAULTS["plan_cost"], "losses.plan.cost", "cxkit-plan-cost")
        self.one_off = self._money(DEFAULTS["one_off_cost"], "pages.plan.one_off", "cxkit-plan-one-off")
        self.years = styled(widgets.IntSlider(value=DEFAULTS["years"], min=1, max=10, continuous_update=False,
                                              description=t("pages.plan.years"), style=_WIDE,
                                              layout=widgets.Layout(width="520px")), "cxkit-plan-years")
        self.audit_calls = styled(widgets.IntSlider(value=DEFAULTS["audit_calls"], min=10, max=400, step=10,
                                                    continuous_update=False, description=t("pages.worth.calls"),
                                                    style=_WIDE, layout=widgets.Layout(width="520px")),
                                  "cxkit-audit-calls-n")
        self.audit_fixed = self._money(DEFAULTS["audit_fixed"], "pages.worth.fixed", "cxkit-audit-fixed")
        self.audit_per_call = self._money(DEFAULTS["audit_per_call"], "pages.worth.per_call", "cxkit-audit-per-call")
        self.best_button = styled(widgets.Button(description=t("pages.worth.find_best"), icon="search",
                                                 layout=widgets.Layout(width="auto")), "cxkit-audit-best")
        self.best_text = styled(widgets.HTML(), "cxkit-audit-best-text")
        self.opex = self._money(DEFAULTS["opex"], "losses.nonq.opex", "cxkit-opex")
        self.other_failures = self._money(DEFAULTS["other_failure_costs"], "losses.nonq.other", "cxkit-other-failures")
        self.plan_text = styled(widgets.HTML(), "cxkit-plan")
        self.audit_text = styled(widgets.HTML(), "cxkit-audit")
        self.worth_text = styled(widgets.HTML(), "cxkit-audit-worth")
        self.worth_chart = ChartView()
        self.nonq_text = styled(widgets.HTML(), "cxkit-non-quality")
        self.acq_text = styled(widgets.HTML(), "cxkit-acquisition")
        self.prepare = styled(widgets.Button(description=t("losses.download.prepare"), icon="download",
                                             layout=widgets.Layout(width="260px")), "cxkit-prepare-download")
        self.download = None
        self.download_box = widgets.HBox([self.prepare])

        for widget in (self.target, self.years, self.audit_calls):
            widget.observe(self._on_input, names="value")
        for widget in (self.plan_cost, self.one_off, self.audit_fixed, self.audit_per_call, self.opex,
                       self.other_failures):
            widget.observe(self._on_input, names="amount")
        self.company.observe(guarded(self.status)(self._on_company), names="value")
        self.upload.observe(guarded(self.status)(self._on_upload), names="value")
        self.calls_source.observe(guarded(self.status)(self._on_calls_source), names="value")
        self.reset.on_click(guarded(self.status)(self._on_reset))
        self.prepare.on_click(guarded(self.status)(self._on_prepare))
        self.best_button.on_click(guarded(self.status)(self._on_best))
        self._fill_sliders()
        self.recompute()

    def _money(self, value: float, key: str, css: str) -> AmountText:
        return styled(AmountText(value, minimum=0, status=self.status, description=t(key),
                                 style=_WIDE, layout=widgets.Layout(width="420px")), css)

    # --- assumptions to sliders -------------------------------------------------------
    def _fill_sliders(self) -> None:
        """Set every slider's range, value, label and tooltip from the assumptions."""
        self._quiet = True
        try:
            for name in losses.INPUTS:
                row = self.assumptions.loc[name]
                slider = self.sliders[name]
                top, step = _slider_range(row)
                slider.max = max(top, slider.min)
                slider.step = step
                slider.readout_format = ".1%" if name in losses.SHARES else (",.0f" if step >= 1 else ",.1f")
                slider.value = float(row["likely"])
                slider.description = _label(self.assumptions, name)
                source = _source(row)
                slider.tooltip = t("losses.tooltip", low=_fmt(name, row["low"]), high=_fmt(name, row["high"]),
                                   source=source)
                key = f"losses.unit.{row['unit']}"
                unit = t(key) if key in labels() else row["unit"]
                self.units[name].value = (f"<span style='color:#666;font-size:90%' title='{html.escape(source, quote=True)}'>"
                                          f"{html.escape(str(unit))} · {html.escape(source)}</span>")
        finally:
            self._quiet = False

    def values(self) -> dict[str, float]:
        """The inputs as the sliders show them."""
        return {name: float(s.value) for name, s in self.sliders.items()}

    # --- callbacks ---------------------------------------------------------------------
    def _on_input(self, change) -> None:
        if not self._quiet:
            guarded(self.status)(self.recompute)()

    def _on_reset(self, _button) -> None:
        self._fill_sliders()
        self.recompute()
        self.status.ok(t("losses.reset_done"))

    def _on_company(self, change) -> None:
        if self._quiet:
            return
        if change["new"] == "sample":
            self._set_assumptions(losses.load_assumptions())
            self.status.ok(t("losses.sample_loaded"))
        elif uploaded_file(self.upload) is None:
            self.status.ok(t("losses.choose_file"))
        else:
            self._on_upload(None)

    def _on_upload(self, change) -> None:
        chosen = uploaded_file(self.upload)
        if chosen is None:
            return
        name, data = chosen
        frame = losses.load_assumptions(data, name=name)  # raises before anything changes
        self._quiet = True
        self.company.value = "own"
        self._quiet = False
        self._set_assumptions(frame)
        self.status.ok(t("losses.loaded", file=name, n=len(frame)))

    def _set_assumptions(self, frame) -> None:
        """New company assumptions; the audit's calls, if chosen, set the bad-call rate again."""
        self._own = frame
        self.assumptions = frame if self.scored is None else losses.from_audit(frame, self.scored)
        self._fill_sliders()
        self.recompute()

    def _on_calls_source(self, change) -> None:
        if self._quiet:
            return
        source = change["new"]
        if source == "assumptions":
            self.scored, self.calls_where = None, ""
            self.assumptions = self._own
            self.calls_text.value = _para(t("pages.audit_calls.off"))
            self.bands_chart.clear()
            self._fill_sliders()
            self.recompute()
            self.status.ok(t("pages.audit_calls.back"))
            return
        try:
            scored = audit_calls(source)
            frame = losses.from_audit(self._own, scored)
        except DataError:
            self._quiet = True
            self.calls_source.value = change["old"]
            self._quiet = False
            raise
        self.scored = scored
        self.calls_where = t(f"pages.audit_calls.where_{'room' if source == 'store' else 'sample'}")
        self.assumptions = frame
        self._fill_sliders()
        self.recompute()
        self.status.ok(t("pages.audit_calls.used", n=fmt_number(len(scored))))

    def _on_prepare(self, _button) -> None:
        if self.download is None:
            self.download = Download(self.excel, t("losses.download.filename"), t("ui.download_excel"))
        else:
            self.download.refresh()
        self.download_box.children = [self.prepare, self.download]

    # --- the computation -----------------------------------------------------------------
    def _cached(self, key, compute):
        """``compute()``, or its value from the last call with the same ``key`` (a slider
        that did not change an input does not redo a simulation)."""
        name = key[0]
        hit = self._cache.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = compute()
        self._cache[name] = (key, value)
        return value

    @property
    def audit_cost(self) -> float:
        """What the audit of the chosen number of calls costs (money)."""
        return self.audit_fixed.amount + self.audit_per_call.amount * int(self.audit_calls.value)

    def recompute(self) -> None:
        """Recompute the whole dashboard from the sliders and redraw it (headline first)."""
        current = losses.with_likely(self.assumptions, self.values())
        ranges = tuple(current[["low", "likely", "high"]].to_numpy().ravel().tolist())
        plan = dict(target_bad_call_rate=self.target.value, plan_cost=self.plan_cost.amount,
                    one_off_cost=self.one_off.amount, years=int(self.years.value))
        result = self._cached(("dashboard", ranges, tuple(plan.values()), self.audit_cost,
                               self.opex.amount, self.other_failures.amount),
                              lambda: losses.dashboard(current, audit_cost=self.audit_cost, opex=self.opex.amount,
                                                       other_failure_costs=self.other_failures.amount,
                                                       n=N_DRAWS, seed=0, **plan))
        self.current, self.result = current, result
        self.status.clear()
        self.total.value = headline_html(result)
        self.download_box.children = [self.prepare]
        self.plan_text.value = _plan_html(result["plan"], current.at["bad_call_rate", "likely"], self.target.value)
        self.audit_text.value = _audit_html(result["audit"], result["band"])
        self._audit_worth(current, ranges)
        self.nonq_text.value = _nonq_html(result["non_quality"], result["loss"]["rework"], self.other_failures.amount)
        self.acq_text.value = _acq_html(result["acquisition"])
        self.breakdown.draw("losses.breakdown_chart", result["loss"])
        self.histogram.draw("losses.distribution_chart", result["distribution"], likely=result["loss"]["total"],
                            p10=result["band"]["p10"], p90=result["band"]["p90"])
        self.sensitivity.draw("losses.tornado_chart", result["tornado"])
        self.nonq_chart.draw("losses.non_quality_chart", result["non_quality"]["share"])
        if self.scored is not None:
            good, n = int(self.scored["good"].sum()), len(self.scored)
            try:
                bands = self._cached(("bands", ranges, good, n),
                                     lambda: losses.from_audit_projection(current, self.scored, n=N_DRAWS, seed=0))
            except DataError:  # e.g. every call good: the projection's range rounds below zero
                bands = None
            self.calls_text.value = evidence.audit_calls_html(self.scored, bands, self.calls_where)
            if bands is None:
                self.bands_chart.clear()
            else:
                self.bands_chart.draw("evidence.band_chart", bands.assign(label=evidence.band_labels(bands)))

    def _worth_key(self, ranges) -> tuple:
        return (ranges, self.target.value, self.plan_cost.amount)

    def _audit_worth(self, current, ranges) -> None:
        """What an audit of the chosen number of calls is worth (EVSI, by simulation); the
        best number of calls is found on request (:meth:`_on_best`), and cleared when an
        input changes."""
        n = int(self.audit_calls.value)
        value = self._cached(("worth", self._worth_key(ranges), n, self.audit_cost),
                             lambda: losses.audit_sample_value(current, n, target_bad_call_rate=self.target.value,
                                                               plan_cost=self.plan_cost.amount,
                                                               audit_cost=self.audit_cost, draws=N_DRAWS, seed=0))
        self.worth_text.value = _worth_html(value, self.audit_fixed.amount, self.audit_per_call.amount)
        best = self._cache.get("best")
        key = (self._worth_key(ranges), self.audit_fixed.amount, self.audit_per_call.amount)
        if best is None or best[0] != key:
            self.best_text.value = _para(t("pages.worth.press"))
            self.worth_chart.clear()

    def _on_best(self, _button) -> None:
        """The number of calls that makes the audit worth most (EVSI − cost), with its curve."""
        ranges = tuple(self.current[["low", "likely", "high"]].to_numpy().ravel().tolist())
        key = (self._worth_key(ranges), self.audit_fixed.amount, self.audit_per_call.amount)
        best = self._cached(("best", key), lambda: losses.best_audit_size(
            self.current, target_bad_call_rate=self.target.value, plan_cost=self.plan_cost.amount,
            cost_per_call=self.audit_per_call.amount, fixed_cost=self.audit_fixed.amount, draws=N_DRAWS, seed=0))
        self._cache["best"] = (key, best)
        self.best_text.value = _best_html(best)
        curve = best["curve"].rename(columns={"n_calls": "n", "evsi": "value", "net_value": "net"})
        self.worth_chart.draw("evidence.audit_value_chart", curve[["n", "value", "net"]],
                              best=best["n_calls"] or None)

    def excel(self) -> bytes:
        """The assumptions in use and the results, as an Excel workbook."""
        return excel_bytes({
            t("losses.download.assumptions"): self.current.reset_index(),
            t("losses.download.results"): losses.results_table(self.result),
            t("losses.download.tornado"): self.result["tornado"].reset_index(),
        })

    # --- layout --------------------------------------------------------------------------
    def layout(self) -> widgets.VBox:
        groups = [card(t(f"losses.group.{g}"),
                       *[widgets.HBox([self.sliders[n], self.units[n]]) for n in names])
                  for g, names in losses.GROUPS.items()]
        controls = styled(widgets.VBox([self.total, widgets.HBox([self.reset]), *groups]), "cxkit-loss-controls")
        charts_column = styled(widgets.VBox([self.breakdown, self.histogram, self.sensitivity]), "cxkit-loss-charts")
        return widgets.VBox([
            widgets.HTML(LAYOUT_CSS),
            widgets.HBox([self.company, self.upload]),
            self.status,
            styled(widgets.HBox([controls, charts_column]), "cxkit-loss-bench"),
            card(t("pages.audit_calls.title"), self.calls_source, self.calls_text, self.bands_chart),
            card(t("losses.plan.title"), self.target, self.plan_cost, self.one_off, self.years, self.plan_text),
            card(t("losses.audit.title"), self.audit_calls, self.audit_fixed, self.audit_per_call, self.audit_text,
                 self.worth_text, widgets.HBox([self.best_button]), self.best_text, self.worth_chart),
            card(t("losses.nonq.title"), self.opex, self.other_failures, self.nonq_chart, self.nonq_text),
            card(t("losses.acq.title"), self.acq_text),
            self.download_box,
        ])


def _para(text: str) -> str:
    return f"<p style='max-width:680px'>{html.escape(text)}</p>"


def audit_calls(source: str):
    """The scored audit calls the dashboard can use: ``"store"`` (the room's calls, scored
    with the room's grid) or ``"sample"`` (the sample campaign); second scorings are left
    out. ``DataError`` when there are none."""
    from .. import workshop

    store = workshop.store()
    grid = workshop.room_grid(store)
    if source == "store":
        calls = audit.calls_from_records(store.calls(), grid)
    else:
        calls = audit.load_sample_campaign(grid)
    primary = audit.primary_calls(calls)
    if primary.empty:
        raise DataError(t("pages.audit_calls.none"))
    return audit.score_calls(primary, grid)


def headline_html(result: dict) -> str:
    """The headline: the median yearly loss with its 80 % band, then the all-likely total
    and where it falls among the simulations, in the language's money."""
    band = result["band"]
    totals = result["simulation"]["total"].to_numpy()
    likely = float(result["loss"]["total"])
    rank = float(np.mean(totals <= likely)) if len(totals) else float("nan")
    main = t("pages.headline.median", median=_m(band["median"]))
    sub = t("pages.headline.band", p10=_m(band["p10"]), p90=_m(band["p90"]), n=_n(len(totals)))
    second = t("pages.headline.likely", total=_m(likely), rank=_n(100 * rank))
    return (f"<div style='font-size:150%;font-weight:bold;color:#e76f51'>{html.escape(main)}</div>"
            f"<div style='color:#222'>{html.escape(sub)}</div>"
            f"<div class='cxkit-total-likely' style='color:#555;font-size:95%;margin-top:4px'>{html.escape(second)}</div>")


def _plan_html(plan, today: float, target: float) -> str:
    values = dict(today=_pc(today, 1), target=_pc(target, 1), saving=_m(plan["saving"]),
                  cost=_m(plan["yearly_cost"]), net=_m(plan["net_gain"]), roi=_pc(plan["roi"]),
                  npv=_m(plan["npv"]), years=_n(plan["years"]))
    if plan["saving"] <= 0:
        return html.escape(t("pages.plan.saves_nothing", **values))
    if not plan["pays_back"]:  # it costs more each year than it saves: no payback to quote
        return html.escape(t("evidence.plan.losing", **values))
    text = t("losses.plan.text", **values)
    if plan["one_off_cost"] > 0:
        text += " " + t("evidence.plan.payback", one_off=_m(plan["one_off_cost"]),
                        months=_n(plan["payback_months"], 1))
    return html.escape(text)


def _audit_html(audit_value, band) -> str:
    if not audit_value["expected_loss"] > 0:
        return f"<p>{html.escape(t('pages.audit.no_loss', cost=_m(audit_value['audit_cost'])))}</p>"
    text = t("pages.audit.text", cost=_m(audit_value["audit_cost"]), share=_pc(audit_value["cost_share"], 1),
             mean=_m(audit_value["expected_loss"]), median=_m(band["median"]),
             days=_n(audit_value["days_of_loss"], 1), info=_m(audit_value["information_value"]))
    verdict = t("pages.audit.may_be_worth" if audit_value["worth_it"] else "pages.audit.not_worth")
    return f"<p>{html.escape(text)}</p><p><b>{html.escape(verdict)}</b></p>"


def _worth_html(value, fixed: float, per_call: float) -> str:
    """What an audit of n calls is worth for the decision on the plan (EVSI), against its cost."""
    values = dict(n=_n(value["n_calls"]), cost=_m(value["audit_cost"]), fixed=_m(fixed), per_call=_m(per_call),
                  evsi=_m(value["evsi"]), evpi=_m(value["evpi"]), net=_m(abs(value["net_value"])))
    verdict = t("pages.worth.pays" if value["worth_it"] else "pages.worth.does_not_pay", **values)
    return f"<p>{html.escape(t('pages.worth.text', **values))}</p><p><b>{html.escape(verdict)}</b></p>"


def _best_html(best: dict) -> str:
    """The audit size worth most, or why no audit pays for itself."""
    curve = best["curve"]
    values = dict(n=_n(best["n_calls"]), evsi=_m(best["evsi"]), cost=_m(best["cost"]), net=_m(best["net_value"]),
                  largest=_n(curve["n_calls"].max()))
    return _para(t("pages.worth.best" if best["n_calls"] > 0 else "pages.worth.no_best", **values))


def _nonq_html(nonq, rework: float, other: float) -> str:
    text = t("losses.nonq.text", failures=_m(nonq["failure_costs"]), rework=_m(rework),
             other=_m(other), share=_pc(nonq["share"], 1), opex=_m(nonq["opex"]))
    return f"<p>{html.escape(text)}</p><p><b>{html.escape(t('losses.nonq.' + nonq['band']))}</b></p>"


def _acq_html(acq) -> str:
    return html.escape(t("losses.acq.text", defectors=_n(acq["defectors"]),
                         replacing=_m(acq["replacing"]), keeping=_m(acq["keeping"]),
                         extra=_m(acq["extra"])))


def losses_panel(assumptions=None) -> widgets.VBox:
    """The manager's dashboard for the shipped sample company (or ``assumptions``)."""
    return LossDashboard(assumptions).layout()
