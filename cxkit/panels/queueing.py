"""Staffing and waiting panels: Erlang C with sliders, then impatient callers and the
outsourcer's trick of dropping calls."""
from __future__ import annotations

import html
import math

import ipywidgets as widgets

from .. import queueing
from ..i18n import fmt_money, fmt_number, fmt_percent, t
from .base import ChartView, Status, guarded, styled

_SLIDER = dict(continuous_update=False, style={"description_width": "190px"}, layout=widgets.Layout(width="480px"))


def _table(rows, header=None) -> str:
    """Rows of (label, value, …) as a small HTML table."""
    cell = "<td style='padding:2px 10px;{}'>{}</td>"
    head = ""
    if header:
        head = "<tr>" + "".join(f"<th style='padding:2px 10px;text-align:{'left' if i == 0 else 'right'}'>"
                                f"{html.escape(h)}</th>" for i, h in enumerate(header)) + "</tr>"
    body = "".join("<tr>" + "".join(cell.format("" if i == 0 else "text-align:right", html.escape(str(v)))
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def _seconds(value: float) -> str:
    return t("queueing.never") if not math.isfinite(value) else t("queueing.seconds", value=fmt_number(value, 1))


def staffing_html(calls_per_hour: float, aht_seconds: float, agents: int, target_seconds: float, goal: float) -> str:
    """The Erlang C figures for one staffing, and the smallest staffing meeting the goal."""
    a = queueing.traffic(calls_per_hour, aht_seconds)
    needed = queueing.agents_needed(calls_per_hour, aht_seconds, target_seconds, goal)
    rows = [(t("queueing.traffic"), t("queueing.traffic_value", a=fmt_number(a, 1))),
            (t("queueing.p_wait"), fmt_percent(queueing.erlang_c(a, agents))),
            (t("queueing.asa"), _seconds(queueing.average_speed_of_answer(calls_per_hour, aht_seconds, agents))),
            (t("queueing.sl", target=fmt_number(target_seconds)),
             fmt_percent(queueing.service_level(calls_per_hour, aht_seconds, agents, target_seconds))),
            (t("queueing.occupancy"), fmt_percent(min(a / agents, 1.0))),
            (t("queueing.needed", goal=fmt_percent(goal), target=fmt_number(target_seconds)),
             t("queueing.needed_value", n=fmt_number(needed)))]
    warning = f"<p style='color:#e76f51'>{html.escape(t('queueing.understaffed'))}</p>" if agents <= a else ""
    return _table(rows) + warning


def staffing_panel(calls_per_hour: int = 120, aht_seconds: int = 300, agents: int = 12,
                   target_seconds: int = 20, goal: float = 0.8) -> widgets.VBox:
    """Sliders for calls per hour, handling time, agents, target and goal; the Erlang C
    figures, the smallest staffing meeting the goal, and the chart of service level and
    average wait against agents (one staffing table per change, from 1 agent upwards)."""
    calls = styled(widgets.IntSlider(value=calls_per_hour, min=10, max=3000, step=10,
                                     description=t("queueing.calls_per_hour"), **_SLIDER), "cxkit-q-calls")
    aht = styled(widgets.IntSlider(value=aht_seconds, min=30, max=1200, step=10,
                                   description=t("queueing.aht"), **_SLIDER), "cxkit-q-aht")
    staff = styled(widgets.IntSlider(value=agents, min=1, max=500, description=t("queueing.agents"), **_SLIDER),
                   "cxkit-q-agents")
    target = styled(widgets.IntSlider(value=target_seconds, min=0, max=180, step=5,
                                      description=t("queueing.target"), **_SLIDER), "cxkit-q-target")
    level = styled(widgets.FloatSlider(value=goal, min=0.5, max=0.99, step=0.01, readout_format=".0%",
                                       description=t("queueing.goal"), **_SLIDER), "cxkit-q-goal")
    figures = styled(widgets.HTML(), "cxkit-q-figures")
    chart = ChartView()
    status = Status()

    @guarded(status)
    def redraw(change=None):
        figures.value = staffing_html(calls.value, aht.value, staff.value, target.value, level.value)
        needed = queueing.agents_needed(calls.value, aht.value, target.value, level.value)
        top = max(needed, staff.value) + max(5, int(0.3 * needed))
        table = queueing.staffing_table(calls.value, aht.value, target.value, max_agents=top)
        table = table[table["agents"] >= max(1, int(0.6 * queueing.traffic(calls.value, aht.value)))]
        chart.draw("queueing.staffing_chart", table, target_level=level.value, agents=staff.value)
        status.clear()

    for widget in (calls, aht, staff, target, level):
        widget.observe(redraw, names="value")
    redraw()
    return styled(widgets.VBox([calls, aht, staff, target, level, figures, chart, status]), "cxkit-staffing-panel")


def impatience_html(calls_per_hour, aht_seconds, agents, target_seconds, patience, drop_share, mystery_calls) -> str:
    """Erlang C beside Erlang A for one staffing, then what the dropped-calls trick shows."""
    a = queueing.traffic(calls_per_hour, aht_seconds)
    ea = queueing.erlang_a(calls_per_hour, aht_seconds, agents, patience)
    sl_a = queueing.erlang_a_service_level(calls_per_hour, aht_seconds, agents, patience, target_seconds)
    target = fmt_number(target_seconds)
    rows = [(t("queueing.p_wait"), fmt_percent(queueing.erlang_c(a, agents)), fmt_percent(ea["p_wait"])),
            (t("queueing.p_abandon"), fmt_percent(0.0), fmt_percent(ea["p_abandon"])),
            (t("queueing.mean_wait"), _seconds(queueing.average_speed_of_answer(calls_per_hour, aht_seconds, agents)),
             _seconds(ea["mean_wait"])),
            (t("queueing.sl_all", target=target),
             fmt_percent(queueing.service_level(calls_per_hour, aht_seconds, agents, target_seconds)),
             fmt_percent(sl_a))]
    trick = queueing.dropped_calls(calls_per_hour, aht_seconds, agents, target_seconds, drop_share)
    detect = queueing.detection_probability(drop_share, mystery_calls)
    trick_rows = [(t("queueing.trick_honest"), fmt_percent(trick["honest_service_level"])),
                  (t("queueing.trick_reported", target=target), fmt_percent(trick["reported_service_level"])),
                  (t("queueing.trick_served"), fmt_percent(trick["really_served"])),
                  (t("queueing.trick_served_in_target", target=target), fmt_percent(trick["served_within_target"])),
                  (t("queueing.trick_detect", n=fmt_number(mystery_calls)), fmt_percent(detect))]
    return (_table(rows, header=["", t("queueing.col_patient"), t("queueing.col_impatient")])
            + f"<h4>{html.escape(t('queueing.trick_heading'))}</h4>" + _table(trick_rows))


def impatience_panel(calls_per_hour: int = 120, aht_seconds: int = 300, agents: int = 11,
                     target_seconds: int = 20, patience_seconds: int = 120, drop_share: float = 0.15,
                     mystery_calls: int = 30) -> widgets.VBox:
    """Sliders for agents, mean patience, share of calls dropped by agents and number of
    mystery calls; Erlang C beside Erlang A, the dashboard beside the callers, and the chart
    of the trick against the share of dropped calls."""
    staff = styled(widgets.IntSlider(value=agents, min=1, max=60, description=t("queueing.agents"), **_SLIDER),
                   "cxkit-imp-agents")
    patience = styled(widgets.IntSlider(value=patience_seconds, min=10, max=900, step=10,
                                        description=t("queueing.patience"), **_SLIDER), "cxkit-imp-patience")
    drop = styled(widgets.FloatSlider(value=drop_share, min=0, max=0.4, step=0.01, readout_format=".0%",
                                      description=t("queueing.drop_share"), **_SLIDER), "cxkit-imp-drop")
    mystery = styled(widgets.IntSlider(value=mystery_calls, min=1, max=100,
                                       description=t("queueing.mystery_calls"), **_SLIDER), "cxkit-imp-mystery")
    figures = styled(widgets.HTML(), "cxkit-imp-figures")
    chart = ChartView()
    status = Status()

    @guarded(status)
    def redraw(change=None):
        figures.value = impatience_html(calls_per_hour, aht_seconds, staff.value, target_seconds,
                                        patience.value, drop.value, mystery.value)
        table = queueing.dropped_calls_table(calls_per_hour, aht_seconds, staff.value, target_seconds)
        chart.draw("queueing.dropped_calls_chart", table, drop_share=drop.value)
        status.clear()

    for widget in (staff, patience, drop, mystery):
        widget.observe(redraw, names="value")
    redraw()
    return styled(widgets.VBox([staff, patience, drop, mystery, figures, chart, status]), "cxkit-impatience-panel")


def cost_html(calls_per_hour: float, aht_seconds: float, patience_seconds: float, target_seconds: float,
              goal: float, result: dict, goal_agents: int, dashboard_agents: int) -> str:
    """Three staffings side by side (the cheapest, the service-level goal, the same goal on a
    dashboard that leaves hang-ups out), then who pays the cheapest staffing's cost."""
    table = result["table"].set_index("agents")
    target = fmt_number(target_seconds)
    columns = [(t("queueing.cost_col_cheapest"), result["agents"]),
               (t("queueing.cost_col_goal", goal=fmt_percent(goal), target=target), goal_agents),
               (t("queueing.cost_col_dashboard"), dashboard_agents)]

    def row(label, fn):
        return (label, *[fn(n) for _, n in columns])

    def sl_all(n):
        return queueing.erlang_a_service_level(calls_per_hour, aht_seconds, n, patience_seconds, target_seconds)

    rows = [row(t("queueing.agents"), lambda n: fmt_number(n)),
            row(t("queueing.cost_payroll"), lambda n: fmt_money(table.at[n, "payroll"])),
            row(t("queueing.cost_waiting"), lambda n: fmt_money(table.at[n, "callers_waiting"])),
            row(t("queueing.cost_lost"), lambda n: fmt_money(table.at[n, "lost_customers"])),
            row(t("queueing.cost_total"), lambda n: fmt_money(table.at[n, "total_cost"])),
            row(t("queueing.p_abandon"), lambda n: fmt_percent(table.at[n, "p_abandon"], 1)),
            row(t("queueing.sl_all", target=target), lambda n: fmt_percent(sl_all(n))),
            row(t("queueing.cost_sl_dashboard", target=target),
                lambda n: fmt_percent(queueing.dashboard_service_level(calls_per_hour, aht_seconds, n,
                                                                       patience_seconds, target_seconds)))]
    total = result["total_cost_per_hour"]
    unseen = (result["callers_waiting"] + result["lost_customers"]) / total if total > 0 else 0.0
    extra = table.at[goal_agents, "total_cost"] - total
    sentence = t("queueing.cost_sentence", unseen=fmt_percent(unseen, 1),
                 callers=fmt_percent(result["callers_waiting"] / total if total > 0 else 0.0, 1),
                 lost=fmt_percent(result["lost_customers"] / total if total > 0 else 0.0, 1),
                 extra=fmt_money(extra), goal=fmt_percent(goal), target=target)
    return (_table(rows, header=["", *[c for c, _ in columns]])
            + f"<p class='cxkit-cost-sentence'>{html.escape(sentence)}</p>")


def cost_panel(calls_per_hour: int = 120, aht_seconds: int = 300, patience_seconds: int = 180,
               agent_cost_per_hour: int = 35, waiting_cost_per_hour: float | None = None,
               abandon_cost: float | None = None, target_seconds: int = 20, goal: float = 0.8) -> widgets.VBox:
    """How many agents is it worth paying? Sliders for the calls, the handling time, the
    callers' patience and the three costs (an agent's hour, a caller's hour of waiting, a
    caller who hangs up); the cost of every staffing (:func:`cxkit.queueing.cost_table`)
    drawn as a curve with the cheapest count, the service-level goal and the count a
    dashboard without hang-ups calls "on target". Defaults for the two customer costs come
    from 04's journey (36 € an hour) and the loss model (about 83 € a lost caller)."""
    from .. import journey, losses

    if waiting_cost_per_hour is None:
        waiting_cost_per_hour = journey.waiting_cost_per_hour()
    if abandon_cost is None:
        abandon_cost = losses.abandon_cost()
    calls = styled(widgets.IntSlider(value=calls_per_hour, min=10, max=3000, step=10,
                                     description=t("queueing.calls_per_hour"), **_SLIDER), "cxkit-cost-calls")
    aht = styled(widgets.IntSlider(value=aht_seconds, min=30, max=1200, step=10,
                                   description=t("queueing.aht"), **_SLIDER), "cxkit-cost-aht")
    patience = styled(widgets.IntSlider(value=patience_seconds, min=10, max=1200, step=5,
                                        description=t("queueing.patience"), **_SLIDER), "cxkit-cost-patience")
    agent = styled(widgets.IntSlider(value=agent_cost_per_hour, min=5, max=150,
                                     description=t("queueing.cost_agent_slider"), **_SLIDER), "cxkit-cost-agent")
    waiting = styled(widgets.IntSlider(value=int(round(waiting_cost_per_hour)), min=0, max=150,
                                       description=t("queueing.cost_waiting_slider"), **_SLIDER), "cxkit-cost-waiting")
    lost = styled(widgets.IntSlider(value=int(round(abandon_cost)), min=0, max=1000, step=1,
                                    description=t("queueing.cost_lost_slider"), **_SLIDER), "cxkit-cost-lost")
    figures = styled(widgets.HTML(), "cxkit-cost-figures")
    chart = ChartView()
    status = Status()

    @guarded(status)
    def redraw(change=None):
        result = queueing.cost_optimal_agents(calls.value, aht.value, patience.value,
                                              agent_cost_per_hour=agent.value, waiting_cost_per_hour=waiting.value,
                                              abandon_cost=lost.value)
        table = result["table"]
        needed = queueing.agents_needed(calls.value, aht.value, target_seconds, goal)
        shown = queueing.dashboard_agents_needed(calls.value, aht.value, target_seconds, goal, patience.value)
        if needed > int(table["agents"].max()):  # the goal beyond the sweep: widen it
            result = queueing.cost_optimal_agents(calls.value, aht.value, patience.value,
                                                  agent_cost_per_hour=agent.value,
                                                  waiting_cost_per_hour=waiting.value, abandon_cost=lost.value,
                                                  max_agents=needed + 5)
            table = result["table"]
        figures.value = cost_html(calls.value, aht.value, patience.value, target_seconds, goal, result,
                                  needed, shown)
        marks = (result["agents"], needed, shown)
        width = max(marks) - min(marks)
        low = max(0, min(marks) - max(3, width // 2))
        high = min(int(table["agents"].max()), max(marks) + max(4, width // 2))
        label = t("queueing.cost_goal_label", goal=fmt_percent(goal), target=fmt_number(target_seconds))
        chart.draw("queueing.cost_curve_chart", table[(table["agents"] >= low) & (table["agents"] <= high)],
                   optimum=result["agents"], goal_agents=needed, dashboard_agents=shown, goal_label=label)
        status.clear()

    for widget in (calls, aht, patience, agent, waiting, lost):
        widget.observe(redraw, names="value")
    redraw()
    return styled(widgets.VBox([calls, aht, patience, agent, waiting, lost, figures, chart, status]),
                  "cxkit-cost-panel")


def day_html(plan, goal_label: str) -> str:
    """The day's totals for both plans (:func:`cxkit.queueing.day_summary`) as a small table."""
    summary = queueing.day_summary(plan)
    rows = [(t("queueing.day_agent_hours"), *[fmt_number(summary.at[p, "agent_hours"], 1) for p in ("goal", "money")]),
            (t("queueing.day_scheduled_hours"),
             *[fmt_number(summary.at[p, "scheduled_hours"], 1) for p in ("goal", "money")]),
            (t("queueing.cost_payroll_day"), *[fmt_money(summary.at[p, "payroll"]) for p in ("goal", "money")]),
            (t("queueing.cost_waiting_day"), *[fmt_money(summary.at[p, "callers_waiting"]) for p in ("goal", "money")]),
            (t("queueing.cost_lost_day"), *[fmt_money(summary.at[p, "lost_customers"]) for p in ("goal", "money")]),
            (t("queueing.cost_total_day"), *[fmt_money(summary.at[p, "cost"]) for p in ("goal", "money")])]
    return _table(rows, header=["", goal_label, t("queueing.day_series_money")])


def day_panel(aht_seconds: int = 300, patience_seconds: int = 180, agent_cost_per_hour: int = 35,
              shrinkage: float = 0.3, target_seconds: int = 20, goal: float = 0.8) -> widgets.VBox:
    """A day, not an hour: the shipped sample profile (or the user's own file, read by
    :func:`cxkit.io.load_volume_profile`) staffed interval by interval to the goal and to the
    money, with sliders for the handling time, the patience, the agent's cost and the
    shrinkage; the day's totals and the staff to schedule per interval. The customer costs
    are the defaults of :func:`cxkit.queueing.cost_optimal_agents`."""
    from .. import journey, losses
    from .base import uploaded_file

    waiting_cost, lost_cost = journey.waiting_cost_per_hour(), losses.abandon_cost()
    aht = styled(widgets.IntSlider(value=aht_seconds, min=30, max=1200, step=10,
                                   description=t("queueing.aht"), **_SLIDER), "cxkit-day-aht")
    patience = styled(widgets.IntSlider(value=patience_seconds, min=10, max=1200, step=5,
                                        description=t("queueing.patience"), **_SLIDER), "cxkit-day-patience")
    agent = styled(widgets.IntSlider(value=agent_cost_per_hour, min=5, max=150,
                                     description=t("queueing.cost_agent_slider"), **_SLIDER), "cxkit-day-agent")
    shrink = styled(widgets.FloatSlider(value=shrinkage, min=0, max=0.6, step=0.01, readout_format=".0%",
                                        description=t("queueing.day_shrinkage"), **_SLIDER), "cxkit-day-shrinkage")
    upload = styled(widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=t("ui.upload"),
                                       layout=widgets.Layout(width="300px")), "cxkit-day-upload")
    figures = styled(widgets.HTML(), "cxkit-day-figures")
    chart = ChartView()
    status = Status()
    state = {"profile": queueing.load_profile()}

    @guarded(status)
    def redraw(change=None):
        plan = queueing.day_plan(state["profile"], aht.value, patience.value, agent_cost_per_hour=agent.value,
                                 target_seconds=target_seconds, service_level=goal, shrinkage=shrink.value,
                                 waiting_cost_per_hour=waiting_cost, abandon_cost=lost_cost)
        label = t("queueing.day_series_goal", goal=fmt_percent(goal), target=fmt_number(target_seconds))
        figures.value = day_html(plan, label)
        chart.draw("queueing.day_plan_chart", plan[["start", "scheduled_goal", "scheduled_money"]], goal_label=label)
        status.clear()

    @guarded(status)
    def on_upload(change=None):
        chosen = uploaded_file(upload)
        if chosen is None:
            return
        name, data = chosen
        state["profile"] = queueing.load_profile(data, name=name)  # a DataError names file, row and column
        redraw()
        status.ok(t("queueing.day_file_read", file=name, n=fmt_number(len(state["profile"]))))

    for widget in (aht, patience, agent, shrink):
        widget.observe(redraw, names="value")
    upload.observe(on_upload, names="value")
    redraw()
    return styled(widgets.VBox([aht, patience, agent, shrink, upload, figures, chart, status]), "cxkit-day-panel")


def finance_answer(abandon_rate: float, mean_wait: float, patience: float, peak: dict, goal_agents: int,
                   plan, *, goal: float = 0.8, target_seconds: int = 20) -> None:
    """Display the answer of 04's exercise 3 (inside ``answers.answer("04.2")``): the centre's
    abandonment, the patience read from it, the busiest half-hour staffed to the goal and to
    the money (``peak`` is :func:`cxkit.queueing.cost_optimal_agents`'s result), the day's
    totals for both plans (``plan`` from :func:`cxkit.queueing.day_plan`) and the argument
    for the finance director, each figure formatted by :mod:`cxkit.i18n`."""
    from IPython.display import display

    from .. import losses
    from . import answers

    costs = peak["table"].set_index("agents")
    summary = queueing.day_summary(plan)
    goal_text, target = fmt_percent(goal), fmt_number(target_seconds)
    answers.figures([
        ("queueing.fig_abandon_rate", fmt_percent(abandon_rate, 1)),
        ("queueing.fig_mean_wait", fmt_number(mean_wait, 1)),
        ("queueing.fig_patience", fmt_number(patience)),
        (t("queueing.fig_peak_goal", goal=goal_text, target=target), fmt_number(goal_agents)),
        ("queueing.fig_peak_money", fmt_number(peak["agents"])),
        (t("queueing.fig_day_goal", goal=goal_text, target=target), fmt_money(summary.at["goal", "cost"])),
        ("queueing.fig_day_money", fmt_money(summary.at["money", "cost"]))])
    best = peak["agents"]
    saved = (costs.at[goal_agents, "lost_customers"] + costs.at[goal_agents, "callers_waiting"]
             - costs.at[best, "lost_customers"] - costs.at[best, "callers_waiting"])
    v = losses.likely_values(losses.load_assumptions())
    value = losses.customer_value(v["annual_margin"], v["retention_rate"], v["discount_rate"])
    text = t("queueing.answer_finance", extra=fmt_number(best - goal_agents),
             payroll=fmt_money(costs.at[best, "payroll"] - costs.at[goal_agents, "payroll"]), saved=fmt_money(saved),
             day_payroll=fmt_money(summary.at["money", "payroll"] - summary.at["goal", "payroll"]),
             day_saved=fmt_money(summary.at["goal", "cost"] - summary.at["money", "cost"]),
             leave=fmt_percent(peak["abandon_cost"] / value, 1), value=fmt_money(value), patience=fmt_number(patience))
    display(widgets.HTML(f'<div class="cxkit-answer-text">{answers.markdown_html(text)}</div>'))
