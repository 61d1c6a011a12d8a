"""The manager's dashboard (notebook 05): sliders on every assumption of the loss model,
the yearly loss with its 80 % band, its breakdown, distribution and tornado, the return
of an improvement plan, whether an audit is worth it, the cost of non-quality and the
price of replacing lost customers; an Excel download of it all."""
from __future__ import annotations

import html

import ipywidgets as widgets

from .. import losses
from ..i18n import fmt_money, fmt_number, fmt_percent, get_language, labels, t
from ..io import excel_bytes
from .base import AmountText, ChartView, Download, Status, card, guarded, styled, uploaded_file

#: Default decision inputs of the sample company (money per year unless stated).
DEFAULTS = {"target_bad_call_rate": 0.08, "plan_cost": 250_000.0, "audit_cost": 15_000.0,
            "opex": 4_000_000.0, "other_failure_costs": 250_000.0}
N_DRAWS = 20000
_WIDE = {"description_width": "320px"}


def _fmt(name: str, value: float) -> str:
    return fmt_percent(value, 1) if name in losses.SHARES else fmt_number(value, 2 if value < 10 else 0)


def _slider_range(row) -> tuple[float, float]:
    """(max, step) of a slider, so that the likely value and the low–high range fit."""
    if row.name in losses.SHARES:
        return 1.0, 0.005
    top = max(float(row["high"]) * 2, float(row["likely"]) * 2, 1.0)
    step = 1.0 if top >= 100 else 0.1
    return top, step


def _source(text) -> str:
    """A source as the reader sees it: "workshop estimate" in the reader's language."""
    text = str(text).strip()
    return t("losses.workshop_estimate") if text.lower() == "workshop estimate" else text


def _label(assumptions, name: str) -> str:
    text = assumptions.at[name, f"label_{get_language()}"]
    return str(text) if text else name


class LossDashboard:
    """The dashboard's widgets and callbacks; :func:`losses_panel` returns its layout."""

    def __init__(self, assumptions=None):
        self.status = Status()
        self.assumptions = assumptions if assumptions is not None else losses.load_assumptions()
        self._quiet = False
        self.result = None
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.units: dict[str, widgets.HTML] = {}
        for name in losses.INPUTS:
            slider = widgets.FloatSlider(min=0.0, max=1.0, continuous_update=False, style=_WIDE,
                                         layout=widgets.Layout(width="680px", flex="0 0 auto"))
            self.sliders[name] = styled(slider, "cxkit-input", f"cxkit-input-{name}")
            self.units[name] = widgets.HTML(layout=widgets.Layout(flex="1 1 auto"))
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
        self.breakdown = ChartView()
        self.histogram = ChartView()
        self.sensitivity = ChartView()
        self.nonq_chart = ChartView()
        self.target = styled(widgets.FloatSlider(value=DEFAULTS["target_bad_call_rate"], min=0, max=1,
                                                 step=0.005, readout_format=".1%", continuous_update=False,
                                                 description=t("losses.plan.target"), style=_WIDE,
                                                 layout=widgets.Layout(width="680px")),
                             "cxkit-plan-target")
        self.plan_cost = self._money(DEFAULTS["plan_cost"], "losses.plan.cost", "cxkit-plan-cost")
        self.audit_cost = self._money(DEFAULTS["audit_cost"], "losses.audit.cost", "cxkit-audit-cost")
        self.opex = self._money(DEFAULTS["opex"], "losses.nonq.opex", "cxkit-opex")
        self.other_failures = self._money(DEFAULTS["other_failure_costs"], "losses.nonq.other", "cxkit-other-failures")
        self.plan_text = styled(widgets.HTML(), "cxkit-plan")
        self.audit_text = styled(widgets.HTML(), "cxkit-audit")
        self.nonq_text = styled(widgets.HTML(), "cxkit-non-quality")
        self.acq_text = styled(widgets.HTML(), "cxkit-acquisition")
        self.prepare = styled(widgets.Button(description=t("losses.download.prepare"), icon="download",
                                             layout=widgets.Layout(width="260px")), "cxkit-prepare-download")
        self.download = None
        self.download_box = widgets.HBox([self.prepare])

        self.target.observe(self._on_input, names="value")
        for widget in (self.plan_cost, self.audit_cost, self.opex, self.other_failures):
            widget.observe(self._on_input, names="amount")
        self.company.observe(guarded(self.status)(self._on_company), names="value")
        self.upload.observe(guarded(self.status)(self._on_upload), names="value")
        self.reset.on_click(guarded(self.status)(self._on_reset))
        self.prepare.on_click(guarded(self.status)(self._on_prepare))
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
                source = _source(row["source"])
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
            self.assumptions = losses.load_assumptions()
            self._fill_sliders()
            self.recompute()
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
        self.assumptions = frame
        self._quiet = True
        self.company.value = "own"
        self._quiet = False
        self._fill_sliders()
        self.recompute()
        self.status.ok(t("losses.loaded", file=name, n=len(frame)))

    def _on_prepare(self, _button) -> None:
        if self.download is None:
            self.download = Download(self.excel, t("losses.download.filename"), t("ui.download_excel"))
        else:
            self.download.refresh()
        self.download_box.children = [self.prepare, self.download]

    # --- the computation -----------------------------------------------------------------
    def recompute(self) -> None:
        """Recompute the whole dashboard from the sliders and redraw it (headline first)."""
        current = losses.with_likely(self.assumptions, self.values())
        result = losses.dashboard(current, target_bad_call_rate=self.target.value,
                                  plan_cost=self.plan_cost.amount, audit_cost=self.audit_cost.amount,
                                  opex=self.opex.amount, other_failure_costs=self.other_failures.amount,
                                  n=N_DRAWS, seed=0)
        self.current, self.result = current, result
        self.status.clear()
        self.total.value = headline_html(result)
        self.download_box.children = [self.prepare]
        self.plan_text.value = _plan_html(result["plan"], current.at["bad_call_rate", "likely"], self.target.value)
        self.audit_text.value = _audit_html(result["audit"])
        self.nonq_text.value = _nonq_html(result["non_quality"], result["loss"]["rework"], self.other_failures.amount)
        self.acq_text.value = _acq_html(result["acquisition"])
        self.breakdown.draw("losses.breakdown_chart", result["loss"])
        self.histogram.draw("losses.distribution_chart", result["distribution"], likely=result["loss"]["total"],
                            p10=result["band"]["p10"], p90=result["band"]["p90"])
        self.sensitivity.draw("losses.tornado_chart", result["tornado"])
        self.nonq_chart.draw("losses.non_quality_chart", result["non_quality"]["share"])

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
        return widgets.VBox([
            widgets.HBox([self.company, self.upload]),
            self.status,
            self.total,
            widgets.HBox([self.reset]),
            *groups,
            self.breakdown,
            self.histogram,
            self.sensitivity,
            card(t("losses.plan.title"), self.target, self.plan_cost, self.plan_text),
            card(t("losses.audit.title"), self.audit_cost, self.audit_text),
            card(t("losses.nonq.title"), self.opex, self.other_failures, self.nonq_chart, self.nonq_text),
            card(t("losses.acq.title"), self.acq_text),
            self.download_box,
        ])


def headline_html(result: dict) -> str:
    """The headline: yearly loss at likely values and its P10–P90 band, in the language's money."""
    band = result["band"]
    main = t("losses.headline", total=fmt_money(result["loss"]["total"]))
    sub = t("losses.headline_band", n=fmt_number(len(result["simulation"])), p10=fmt_money(band["p10"]),
            p90=fmt_money(band["p90"]))
    return (f"<div style='font-size:150%;font-weight:bold;color:#e76f51'>{html.escape(main)}</div>"
            f"<div style='color:#444'>{html.escape(sub)}</div>")


def _plan_html(plan, today: float, target: float) -> str:
    if plan["saving"] <= 0:
        return html.escape(t("losses.plan.never", today=fmt_percent(today, 1), target=fmt_percent(target, 1)))
    values = dict(today=fmt_percent(today, 1), target=fmt_percent(target, 1), saving=fmt_money(plan["saving"]),
                  cost=fmt_money(plan["yearly_cost"]), net=fmt_money(plan["net_gain"]), roi=fmt_percent(plan["roi"]),
                  npv=fmt_money(plan["npv"]), years=fmt_number(plan["years"]))
    if not plan["pays_back"]:  # it costs more each year than it saves: no payback to quote
        return html.escape(t("evidence.plan.losing", **values))
    text = t("losses.plan.text", **values)
    if plan["one_off_cost"] > 0:
        text += " " + t("evidence.plan.payback", one_off=fmt_money(plan["one_off_cost"]),
                        months=fmt_number(plan["payback_months"], 1))
    return html.escape(text)


def _audit_html(audit) -> str:
    text = t("losses.audit.text", cost=fmt_money(audit["audit_cost"]), share=fmt_percent(audit["cost_share"], 1),
             expected=fmt_money(audit["expected_loss"]), p10=fmt_money(audit["p10"]),
             p90=fmt_money(audit["p90"]), days=fmt_number(audit["days_of_loss"], 1),
             info=fmt_money(audit["information_value"]))
    verdict = t("losses.audit.worth" if audit["worth_it"] else "losses.audit.not_worth")
    return f"<p>{html.escape(text)}</p><p><b>{html.escape(verdict)}</b></p>"


def _nonq_html(nonq, rework: float, other: float) -> str:
    text = t("losses.nonq.text", failures=fmt_money(nonq["failure_costs"]), rework=fmt_money(rework),
             other=fmt_money(other), share=fmt_percent(nonq["share"], 1), opex=fmt_money(nonq["opex"]))
    return f"<p>{html.escape(text)}</p><p><b>{html.escape(t('losses.nonq.' + nonq['band']))}</b></p>"


def _acq_html(acq) -> str:
    return html.escape(t("losses.acq.text", defectors=fmt_number(acq["defectors"]),
                         replacing=fmt_money(acq["replacing"]), keeping=fmt_money(acq["keeping"]),
                         extra=fmt_money(acq["extra"])))


def losses_panel(assumptions=None) -> widgets.VBox:
    """The manager's dashboard for the shipped sample company (or ``assumptions``)."""
    return LossDashboard(assumptions).layout()
