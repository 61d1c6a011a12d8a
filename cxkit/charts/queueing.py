"""Staffing and waiting charts: service level and average wait against agents, and the
dashboard versus the callers when agents drop calls."""
from __future__ import annotations

import math

import pandas as pd

from ..i18n import t
from . import COLORS, decorate
from ._alt import alt


def staffing_chart(data: pd.DataFrame, *, title: str | None = None, target_level: float | None = None,
                   agents: int | None = None, width: int | None = None, **options) -> alt.VConcatChart:
    """Two stacked panels against the number of agents: the service level (share answered
    within the target) and the average speed of answer in seconds.

    ``data`` is :func:`cxkit.queueing.staffing_table`'s table; ``target_level`` draws the goal
    as a dashed line, ``agents`` the current staffing as a vertical rule. Infinite waits
    (too few agents) are left out of the lower panel, whose axis stops at 600 s.
    """
    frame = data.loc[:, ["agents", "service_level", "asa_seconds"]].copy()
    frame["asa_seconds"] = frame["asa_seconds"].where(frame["asa_seconds"].map(math.isfinite))
    domain = [int(frame["agents"].min()), int(frame["agents"].max())]
    x = alt.X("agents:Q", title=t("queueing.chart_agents"), scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(format="d", tickMinStep=1))
    base = alt.Chart(frame)
    level = base.mark_line(color=COLORS["good"], point=False).encode(
        x=x, y=alt.Y("service_level:Q", title=t("queueing.chart_service_level"),
                     axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    finite = frame["asa_seconds"].dropna()
    ceiling = float(min(finite.max(), 600.0)) if len(finite) else 600.0  # a near-overloaded wait would flatten the rest
    wait = base.transform_filter("isValid(datum.asa_seconds)").mark_line(color=COLORS["bad"], clip=True).encode(
        x=x, y=alt.Y("asa_seconds:Q", title=t("queueing.chart_asa"), scale=alt.Scale(domain=[0, ceiling])))
    top, bottom = [level], [wait]
    if target_level is not None:
        top.append(alt.Chart(pd.DataFrame({"y": [target_level]})).mark_rule(
            strokeDash=[6, 4], color=COLORS["accent"]).encode(y="y:Q"))
    if agents is not None:
        rule = alt.Chart(pd.DataFrame({"agents": [agents]})).mark_rule(color=COLORS["neutral"], clip=True).encode(
            x=alt.X("agents:Q", scale=alt.Scale(domain=domain, nice=False)))
        top.append(rule)
        bottom.append(rule)
    w = width or 520
    chart = alt.vconcat(alt.layer(*top).properties(width=w, height=170),
                        alt.layer(*bottom).properties(width=w, height=130))
    return chart.properties(title=title if title is not None else t("queueing.chart_staffing_title"))


def dropped_calls_chart(data: pd.DataFrame, *, title: str | None = None, drop_share: float | None = None,
                        width: int | None = None, height: int | None = None, **options) -> alt.Chart:
    """The supplier's reported service level against the share of callers really served
    (and served within the target), as the share of calls dropped by agents grows.

    ``data`` is :func:`cxkit.queueing.dropped_calls_table`'s table; ``drop_share`` marks the
    current choice with a vertical rule.
    """
    series = {"reported_service_level": t("queueing.chart_reported"),
              "really_served": t("queueing.chart_really_served"),
              "served_within_target": t("queueing.chart_served_in_target")}
    long = data.melt(id_vars="drop_share", value_vars=list(series), var_name="series", value_name="share")
    long["series"] = long["series"].map(series)
    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=0),
                       scale=alt.Scale(domain=list(series.values()),
                                       range=[COLORS["warn"], COLORS["good"], COLORS["accent"]]))
    lines = alt.Chart(long).mark_line(strokeWidth=3).encode(
        x=alt.X("drop_share:Q", title=t("queueing.chart_drop_share"), axis=alt.Axis(format="%")),
        y=alt.Y("share:Q", title=t("queueing.chart_share_of_callers"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=colour)
    layers = [lines]
    if drop_share is not None:
        layers.append(alt.Chart(pd.DataFrame({"d": [drop_share]})).mark_rule(color=COLORS["neutral"]).encode(x="d:Q"))
    return decorate(alt.layer(*layers), title=title if title is not None else t("queueing.chart_trick_title"),
                    width=width, height=height)


def cost_curve_chart(data: pd.DataFrame, *, optimum: int | None = None, goal_agents: int | None = None,
                     dashboard_agents: int | None = None, goal_label: str | None = None,
                     title: str | None = None, width: int | None = None, height: int | None = None,
                     **options) -> alt.LayerChart:
    """What each staffing costs per hour: the total, the payroll, the callers' waiting and
    the customers lost with the calls that hang up, against the number of agents.

    ``data`` is :func:`cxkit.queueing.cost_table`'s table (the rows to show). Vertical
    rules mark ``optimum`` (the cheapest count), ``goal_agents`` (the service-level goal,
    labelled ``goal_label``, e.g. "80 % in 20 s") and ``dashboard_agents`` (the count that
    meets the same goal on a dashboard that leaves the callers who hung up out); each rule
    carries its label at the top.
    """
    series = {"total_cost": t("queueing.chart_cost_total"), "payroll": t("queueing.chart_cost_payroll"),
              "callers_waiting": t("queueing.chart_cost_waiting"),
              "lost_customers": t("queueing.chart_cost_lost")}
    frame = data.loc[:, ["agents", *series]]
    long = frame.melt(id_vars="agents", value_vars=list(series), var_name="series", value_name="cost")
    long["series"] = long["series"].map(series)
    domain = [int(frame["agents"].min()), int(frame["agents"].max())]
    top = float(min(frame["total_cost"].max(), 3 * frame["total_cost"].min())) if len(frame) else 1.0
    x = alt.X("agents:Q", title=t("queueing.chart_agents"), scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(format="d", tickMinStep=1))
    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
                       scale=alt.Scale(domain=list(series.values()),
                                       range=[COLORS["accent"], COLORS["neutral"], COLORS["warn"], COLORS["bad"]]))
    lines = alt.Chart(long).mark_line(clip=True).encode(
        x=x, y=alt.Y("cost:Q", title=t("queueing.chart_cost_axis"), scale=alt.Scale(domain=[0, top]),
                     axis=alt.Axis(format="~s")),
        color=colour, strokeWidth=alt.StrokeWidth("series:N", legend=None, scale=alt.Scale(
            domain=list(series.values()), range=[3.5, 1.8, 1.8, 1.8])))
    marks = []
    if optimum is not None:
        marks.append((optimum, t("queueing.chart_cost_optimum"), "optimum", 0))
    if goal_agents is not None:
        marks.append((goal_agents, goal_label or t("queueing.chart_cost_goal"), "goal", 1))
    if dashboard_agents is not None and dashboard_agents != goal_agents:
        marks.append((dashboard_agents, t("queueing.chart_cost_dashboard"), "dashboard", 2))
    rules = pd.DataFrame([{"agents": n, "label": label, "kind": kind, "cost": top * (1 - 0.08 * row)}
                          for n, label, kind, row in marks if domain[0] <= n <= domain[1]],
                         columns=["agents", "label", "kind", "cost"])
    layers = [lines]
    if len(rules):
        kinds = alt.Color("kind:N", legend=None, scale=alt.Scale(domain=["optimum", "goal", "dashboard"],
                                                                 range=[COLORS["good"], COLORS["accent"], COLORS["bad"]]))
        base = alt.Chart(rules).encode(x=alt.X("agents:Q", scale=alt.Scale(domain=domain, nice=False)), color=kinds)
        layers.append(base.mark_rule(strokeDash=[5, 3], strokeWidth=2))
        layers.append(base.mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=12, fontWeight="bold")
                      .encode(y=alt.Y("cost:Q", scale=alt.Scale(domain=[0, top])), text="label:N"))
    if optimum is not None and domain[0] <= optimum <= domain[1]:
        point = frame.loc[frame["agents"] == optimum, ["agents", "total_cost"]]
        layers.append(alt.Chart(point).mark_point(filled=True, size=90, color=COLORS["good"]).encode(
            x=alt.X("agents:Q", scale=alt.Scale(domain=domain, nice=False)),
            y=alt.Y("total_cost:Q", scale=alt.Scale(domain=[0, top]))))
    return decorate(alt.layer(*layers).resolve_scale(color="independent"),
                    title=title if title is not None else t("queueing.chart_cost_title"),
                    width=width, height=height)


def day_plan_chart(plan: pd.DataFrame, *, goal_label: str, title: str | None = None, width: int | None = None,
                   height: int | None = None, **options) -> alt.Chart:
    """Staff to schedule in each interval of the day, for the service-level goal and for
    the money (:func:`cxkit.queueing.day_plan`'s ``scheduled_goal`` and ``scheduled_money``),
    as two step lines against the interval's start; ``goal_label`` names the goal plan
    (e.g. "To 80 % in 20 s")."""
    series = {"scheduled_goal": goal_label, "scheduled_money": t("queueing.day_series_money")}
    long = plan.melt(id_vars="start", value_vars=list(series), var_name="series", value_name="staff")
    long["series"] = long["series"].map(series)
    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0),
                       scale=alt.Scale(domain=list(series.values()), range=[COLORS["accent"], COLORS["good"]]))
    chart = alt.Chart(long).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=alt.X("start:O", title=t("queueing.day_axis_start"), sort=None,
                axis=alt.Axis(labelAngle=-60, labelOverlap=True)),
        y=alt.Y("staff:Q", title=t("queueing.day_axis_staff")), color=colour)
    return decorate(chart, title=title if title is not None else t("queueing.day_chart_title"),
                    width=width, height=height)
