"""Panels for notebook 07: the Pareto of causes, the iceberg by where complaints are logged
(front line, head office), the silence alarm, what the feedback is worth and routing
complaints to the boss. Each callback calls a tested function
of :mod:`cxkit.complaints` and redraws widget values."""
from __future__ import annotations

import html
import io

import ipywidgets as widgets
import traitlets

from .. import complaints as model
from ..i18n import fmt_date, fmt_money, fmt_number, fmt_percent, localized, t
from .base import ChartView, Status, guarded, styled, uploaded_file
from .retention import _p, _result, _slider, _wire


class CurrentLog(traitlets.HasTraits):
    """The complaints log this page works on: the sample until a file is uploaded in
    :func:`pareto_panel`; the other panels called without ``log`` follow it."""

    frame = traitlets.Any(allow_none=True)


CURRENT = CurrentLog()


def current_log():
    """The log of :data:`CURRENT`, loading the sample the first time."""
    if CURRENT.frame is None:
        CURRENT.frame = model.load_complaints()
    return CURRENT.frame


def _follow(log, refresh) -> dict:
    """``{"log": ...}``: a fixed ``log``, or the current one kept up to date (then ``refresh()``)."""
    state = {"log": current_log() if log is None else log}
    if log is None:
        def changed(change):
            state["log"] = change["new"]
            refresh()

        CURRENT.observe(changed, names="frame")
    return state


def _pareto_text(table) -> str:
    vital = table[table["vital_few"]]
    names = ", ".join(model.label("cat", c) for c in vital["category"])
    return t("complaints.pareto_result", k=len(vital), n=len(table),
             share=fmt_percent(vital["count"].sum() / table["count"].sum()), names=names)


def pareto_panel() -> widgets.VBox:
    """The log's Pareto of causes; uploading your own log redraws it and becomes the log
    the other panels of the page work on."""
    upload = styled(widgets.FileUpload(accept=".csv,.xlsx", multiple=False,
                                       description=t("complaints.upload"),
                                       layout=widgets.Layout(width="320px")), "cxkit-complaints-upload")
    status, view, out = Status(), ChartView(), _result("cxkit-pareto-result")

    def show(log) -> None:
        table = model.pareto(log)
        view.draw("complaints.pareto_chart", table)
        out.value = _p(_pareto_text(table))

    @guarded(status)
    def on_upload(change):
        found = uploaded_file(upload)
        if found is None:
            return
        name, content = found
        buffer = io.BytesIO(content)
        buffer.name = name
        log = model.load_complaints(buffer)
        show(log)
        CURRENT.frame = log
        status.ok(t("complaints.loaded", n=len(log), file=name))

    upload.observe(on_upload, names="value")
    show(current_log())
    return widgets.VBox([upload, status, out, view])


def multiplier_sources(rates, level: str) -> dict[str, tuple[float, str]]:
    """``{"low"|"likely"|"high": (value, source)}`` of the problems-per-complaint multiplier
    of complaints logged at ``level`` (``data/complaint_rates.csv``), sources in the reader's language."""
    span = model.multiplier_range(rates, level)
    rows = rates[(rates["figure"] == "problems_per_complaint") & (rates["severity"] == level)]
    sources = {row["case"]: localized(row, "source") for _, row in rows.iterrows()}
    return {case: (float(span[case]), sources.get(case, "")) for case in ("low", "likely", "high")}


def risk_by_level(log, customer_value: float, multipliers: dict[str, float], rates) -> "pd.DataFrame":
    """Revenue at risk per level where complaints are logged (front line, head office) and
    in total: ``level``, ``complaints``, ``low``, ``likely`` (with ``multipliers``), ``high``
    (each level's multiplier at the low and high of its range,
    :func:`cxkit.complaints.revenue_at_risk_by_level`)."""
    import pandas as pd

    levels = model.complaint_levels(log)
    cases = {"low": model.revenue_at_risk_by_level(log, customer_value, case="low", rates=rates),
             "likely": model.revenue_at_risk_by_level(log, customer_value, multipliers=multipliers, rates=rates),
             "high": model.revenue_at_risk_by_level(log, customer_value, case="high", rates=rates)}
    rows = [{"level": level, "complaints": int((levels == level).sum()),
             **{case: float(table.loc[table["level"] == level, "revenue_at_risk"].sum())
                for case, table in cases.items()}} for level in model.LEVELS]
    rows.append({"level": "total", "complaints": len(log),
                 **{case: float(table["revenue_at_risk"].sum()) for case, table in cases.items()}})
    return pd.DataFrame(rows)


def _level_html(level: str, count: int, chosen: float, sources: dict) -> str:
    channels = ", ".join(t(f"pages.iceberg.channel.{c}") if f"pages.iceberg.channel.{c}" in _labels() else c
                         for c, lv in model.CHANNEL_LEVEL.items() if lv == level)
    head = t("pages.iceberg.level_line", level=t(f"pages.iceberg.{level}"), channels=channels, n=fmt_number(count),
             m=fmt_number(chosen, 1 if chosen % 1 else 0), low=fmt_number(sources["low"][0], 2 if sources["low"][0] % 1 else 0),
             high=fmt_number(sources["high"][0], 2 if sources["high"][0] % 1 else 0))
    notes = "".join(f"<li>{html.escape(t(f'pages.iceberg.case_{case}', value=fmt_number(v, 2 if v % 1 else 0)))} "
                    f"{html.escape(src)}</li>" for case, (v, src) in sources.items())
    return (f"<p style='margin:6px 0 0 0'><b>{html.escape(head)}</b></p>"
            f"<ul style='color:#555;font-size:90%;margin:2px 0 6px 0;max-width:720px'>{notes}</ul>")


def _labels():
    from ..i18n import labels

    return labels()


def iceberg_panel(log=None) -> widgets.VBox:
    """The iceberg by where complaints are logged: front line and head office each carry
    their own problems-per-complaint multiplier, shown with its sources and range → silent
    customers, customers lost and revenue at risk, with its band over the ranges.

    Without ``log`` it follows the page's current log (see :data:`CURRENT`)."""
    rates = model.load_complaint_rates()
    sources = {level: multiplier_sources(rates, level) for level in model.LEVELS}
    front = styled(widgets.FloatSlider(value=sources["front_line"]["likely"][0], min=1.0, max=6.0, step=0.1,
                                       readout_format=".1f", description=t("pages.iceberg.front_slider"),
                                       style={"description_width": "300px"}, layout=widgets.Layout(width="600px"),
                                       continuous_update=False), "cxkit-iceberg-front")
    head = styled(widgets.FloatSlider(value=sources["head_office"]["likely"][0], min=1.0, max=60.0, step=1.0,
                                      readout_format=".0f", description=t("pages.iceberg.head_slider"),
                                      style={"description_width": "300px"}, layout=widgets.Layout(width="600px"),
                                      continuous_update=False), "cxkit-iceberg-head")
    value = _slider("complaints.customer_value", 300, 50, 3000, 50)
    levels_box = styled(widgets.HTML(), "cxkit-iceberg-levels")
    out, status, view, band_view = _result("cxkit-iceberg-result"), Status(), ChartView(), ChartView()

    @guarded(status)
    def update():
        log = state["log"]
        chosen = {"front_line": front.value, "head_office": head.value}
        levels = model.complaint_levels(log)
        levels_box.value = "".join(_level_html(level, int((levels == level).sum()), chosen[level], sources[level])
                                   for level in model.LEVELS)
        risk = model.revenue_at_risk_by_level(log, value.value, multipliers=chosen, rates=rates)
        band = risk_by_level(log, value.value, chosen, rates)
        total = band.iloc[-1]
        silent = risk.loc[risk["outcome"] == "no_complaint"]
        with_problems = sum(int((levels == lv).sum()) * chosen[lv] for lv in model.LEVELS)
        unhappy = log[log["outcome"] == "unsatisfied"]
        quick = sum(model.quick_resolution_value((unhappy["severity"] == s).sum(), s, value.value, rates=rates)
                    for s in model.SEVERITIES)
        share = silent["revenue_at_risk"].sum() / total["likely"] if total["likely"] > 0 else 0.0
        out.value = _p(t("pages.iceberg.result", c=fmt_number(len(log)), p=fmt_number(with_problems),
                         s=fmt_number(silent["customers"].sum()), lost=fmt_number(risk["lost"].sum()),
                         revenue=fmt_money(total["likely"]), low=fmt_money(total["low"]), high=fmt_money(total["high"]),
                         silent=fmt_percent(share), u=fmt_number(len(unhappy)), quick=fmt_money(quick)))
        view.draw("complaints.lost_chart", risk.groupby(["severity", "outcome"], sort=False, as_index=False)[
            ["customers", "lost", "revenue_at_risk"]].sum())
        band_view.draw("complaints.risk_band_chart",
                       band.assign(label=[t(f"pages.iceberg.{lv}") for lv in band["level"]]))
        status.clear()

    state = _follow(log, lambda: update())
    _wire(update, front, head, value)
    return widgets.VBox([front, head, value, levels_box, out, band_view, view, status])


def silence_panel() -> widgets.VBox:
    """The silence alarm on the monthly signals, with a what-if on the audit's trend."""
    signals = model.load_monthly_signals()
    months = _slider("complaints.months_compared", 3, 2, 6, 1, integer=True)
    change = styled(widgets.FloatSlider(value=0.0, min=-0.25, max=0.25, step=0.05, readout_format="+.0%",
                                        description=t("complaints.what_if"), style={"description_width": "170px"},
                                        layout=widgets.Layout(width="460px"), continuous_update=False),
                    "cxkit-silence-whatif")
    out, status, view = _result("cxkit-alarm"), Status(), ChartView()
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in model.reasons_for_silence())
    box = styled(widgets.HTML(f"<h4>{html.escape(t('complaints.reasons_title'))}</h4><ul>{reasons}</ul>"),
                 "cxkit-reasons")

    @guarded(status)
    def update():
        data = model.what_if_bad_rate(signals, change.value)
        res = model.silence_alarm(data, months=months.value)
        colour = "#e76f51" if res["alarm"] else "#2a9d8f"
        out.value = (f"<p style='font-size:1.05em;max-width:640px;border-left:4px solid {colour};"
                     f"padding-left:8px'>{html.escape(res['message'])}</p>")
        view.draw("complaints.signals_chart", data)
        status.clear()

    _wire(update, months, change)
    return widgets.VBox([months, change, out, view, status, box])


def feedback_panel(log=None) -> widgets.VBox:
    """Analysing complaints versus buying a market study (the number analysed starts at the
    size of the log, the page's current one without ``log``)."""
    analysed = _slider("complaints.analysed", 0, 0, 3000, 10, integer=True)

    def resize():
        analysed.value = min(len(state["log"]), analysed.max)

    state = _follow(log, resize)
    resize()
    cost = _slider("complaints.cost_per", 15, 1, 150, 1, css="cxkit-feedback-cost")
    study = _slider("complaints.study_price", 30000, 5000, 150000, 1000)
    out, status = _result("cxkit-feedback-result"), Status()

    @guarded(status)
    def update():
        res = model.feedback_value(analysed.value, cost.value, study.value)
        if res["saving"] >= 0:
            ratio = "∞" if res["ratio"] == float("inf") else fmt_number(res["ratio"], 1)
            text = t("complaints.feedback_result", analysis=fmt_money(res["analysis"]),
                     study=fmt_money(res["study"]), saving=fmt_money(res["saving"]), ratio=ratio)
        else:
            text = t("complaints.feedback_dearer", analysis=fmt_money(res["analysis"]),
                     study=fmt_money(res["study"]))
        out.value = _p(text)
        status.clear()

    _wire(update, analysed, cost, study)
    return widgets.VBox([analysed, cost, study, out, status])


def _routing_table(selected, weeks: int = 3) -> str:
    first = sorted(selected["week"].unique())[:weeks]
    rows = selected[selected["week"].isin(first)]
    head = "".join(f"<th style='padding:2px 8px;text-align:left'>{html.escape(t(k))}</th>" for k in
                   ("complaints.col_week", "complaints.col_date", "complaints.col_category",
                    "complaints.col_amount", "complaints.col_outcome"))
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(str(v))}</td>" for v in (
            fmt_date(r.week.date()), fmt_date(r.date.date()), model.label("cat", r.category),
            fmt_money(r.amount_eur), model.label("outcome", r.outcome))) + "</tr>"
        for r in rows.itertuples())
    return (f"<h4>{html.escape(t('complaints.routing_sample'))}</h4>"
            f"<table class='cxkit-routing-table'><tr>{head}</tr>{body}</table>")


def routing_panel(log=None) -> widgets.VBox:
    """Access to the boss: how many complaints go up each week, and chosen how (on the
    page's current log without ``log``)."""
    per_week = _slider("complaints.per_week", 2, 1, 5, 1, integer=True)
    rule = styled(widgets.ToggleButtons(options=[(t(f"complaints.rule.{r}"), r) for r in
                                                 ("largest", "random", "unresolved")],
                                        value="largest", description=t("complaints.rule")), "cxkit-routing-rule")
    out, status, table = _result("cxkit-routing-result"), Status(), widgets.HTML()

    @guarded(status)
    def update():
        log = state["log"]
        selected = model.route_to_management(log, per_week.value, rule=rule.value)
        cover = model.routing_coverage(selected, log)
        out.value = _p(t("complaints.routing_result", n=cover["n"], cats=fmt_percent(cover["categories_seen"]),
                         amount=fmt_percent(cover["amount_share"]),
                         unresolved=fmt_percent(cover["unresolved_share"])))
        table.value = _routing_table(selected)
        status.clear()

    state = _follow(log, lambda: update())
    _wire(update, per_week, rule)
    return widgets.VBox([per_week, rule, out, table, status])
