"""Staffing to the money (issue 17): patience from abandonment, staff to schedule, the
cost-optimal count, a day's plan, and the closed-form Erlang A against the chain."""
from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from cxkit import DataError, journey, losses
from cxkit import queueing as q
from cxkit.io import load_volume_profile


# --- patience ------------------------------------------------------------------------------

def test_patience_from_abandonment_by_hand():
    """patience_from_abandonment: 6 % hang up with a 24 s mean wait → 24 / 0.06 = 400 s"""
    assert q.patience_from_abandonment(0.06, 24) == pytest.approx(400.0)
    assert q.patience_from_abandonment(1.0, 90) == pytest.approx(90.0)
    assert q.patience_from_abandonment(0.5, 0) == 0.0


@pytest.mark.parametrize("rate,wait", [(0, 10), (-0.1, 10), (1.2, 10), ("x", 10), (0.1, -1), (0.1, math.inf)])
def test_patience_from_abandonment_refuses_bad_figures(rate, wait):
    """patience_from_abandonment: a rate outside (0, 1] or a negative wait is a DataError"""
    with pytest.raises(DataError):
        q.patience_from_abandonment(rate, wait)


def test_patience_recovers_erlang_a():
    """patience_from_abandonment inverts Erlang A: p_abandon / mean_wait = 1 / patience"""
    ea = q.erlang_a(200, 300, 15, 240)
    assert q.patience_from_abandonment(ea["p_abandon"], ea["mean_wait"]) == pytest.approx(240, rel=1e-9)


# --- staff to schedule ----------------------------------------------------------------------

def test_staff_to_schedule_shrinkage_binds():
    """staff_to_schedule: 10 Erlangs, 80 % in 20 s → 14 agents; 30 % shrinkage → ⌈14 / 0.7⌉ = 20 scheduled"""
    # SL(13) = 0.7664 < 0.8 ≤ SL(14) = 0.8666 (test_queueing); 14 / 0.7 = 20 exactly
    plan = q.staff_to_schedule(120, 300, 20, 0.8, shrinkage=0.3)
    assert plan["agents"] == 14 and plan["scheduled"] == 20
    assert plan["occupancy"] == pytest.approx(10 / 14)
    assert plan["service_level"] == pytest.approx(0.8666, abs=1e-4)
    assert plan["limited_by"] == "service_level"
    # 25 % shrinkage: 14 / 0.75 = 18.67 → 19
    assert q.staff_to_schedule(120, 300, 20, 0.8, shrinkage=0.25)["scheduled"] == 19


def test_staff_to_schedule_occupancy_binds():
    """staff_to_schedule: a 60 % occupancy cap needs ⌈10 / 0.6⌉ = 17 agents, more than the 14 of 80/20"""
    plan = q.staff_to_schedule(120, 300, 20, 0.8, max_occupancy=0.6)
    assert plan["agents"] == 17 and plan["scheduled"] == 17
    assert plan["occupancy"] == pytest.approx(10 / 17)
    assert plan["limited_by"] == "occupancy"
    # an 80 % cap: ⌈12.5⌉ = 13 < 14, the service level still sets the count
    assert q.staff_to_schedule(120, 300, 20, 0.8, max_occupancy=0.8)["agents"] == 14


@pytest.mark.parametrize("kwargs", [{"shrinkage": 1.0}, {"shrinkage": -0.1}, {"max_occupancy": 0},
                                    {"max_occupancy": 1.5}])
def test_staff_to_schedule_refuses_bad_shares(kwargs):
    """staff_to_schedule: shrinkage outside [0, 1) or occupancy cap outside (0, 1] is a DataError"""
    with pytest.raises(DataError):
        q.staff_to_schedule(120, 300, 20, 0.8, **kwargs)


# --- the cost-optimal count -----------------------------------------------------------------

def _total(calls, aht, n, patience, agent, waiting, lost):
    """The issue's formula, from erlang_a (the chain method), for one staffing."""
    if n == 0:
        return calls * (patience / 3600) * waiting + calls * lost
    ea = q.erlang_a(calls, aht, n, patience)
    return n * agent + calls * ea["mean_wait"] / 3600 * waiting + calls * ea["p_abandon"] * lost


@pytest.mark.parametrize("calls,aht,patience,agent,waiting,lost", [
    (120, 300, 180, 30, 36, 83), (120, 300, 60, 30, 15, 5), (600, 240, 400, 40, 36, 200),
    (4800, 300, 120, 35, 36, 83), (30, 600, 90, 25, 0, 50)])
def test_cost_optimal_agents_matches_a_brute_force_sweep(calls, aht, patience, agent, waiting, lost):
    """cost_optimal_agents: the same count and cost as a sweep of erlang_a over every staffing"""
    a = calls * aht / 3600
    top = int(math.ceil(a + 10 * math.sqrt(a) + 10))
    costs = [_total(calls, aht, n, patience, agent, waiting, lost) for n in range(top + 1)]
    best = min(range(top + 1), key=costs.__getitem__)
    got = q.cost_optimal_agents(calls, aht, patience, agent_cost_per_hour=agent,
                                waiting_cost_per_hour=waiting, abandon_cost=lost)
    assert got["agents"] == best
    assert got["total_cost_per_hour"] == pytest.approx(costs[best], rel=1e-9)
    table = got["table"]
    assert list(table["agents"]) == list(range(top + 1))
    assert table["total_cost"].to_numpy() == pytest.approx(costs, rel=1e-8)
    assert got["payroll"] + got["callers_waiting"] + got["lost_customers"] == pytest.approx(got["total_cost_per_hour"])


def test_cost_optimal_agents_zero_by_hand():
    """cost_optimal_agents: when an agent costs more than every caller's loss, nobody is staffed"""
    # 60 calls/h, patience 60 s: with no agent everyone waits 60 s and hangs up:
    # 60·(60/3600)·36 + 60·10 = 36 + 600 = 636 €/h < 1,000 €/h for a single agent
    got = q.cost_optimal_agents(60, 300, 60, agent_cost_per_hour=1000, waiting_cost_per_hour=36, abandon_cost=10)
    assert got["agents"] == 0
    assert got["total_cost_per_hour"] == pytest.approx(636.0)


def test_cost_optimum_moves_with_the_abandon_cost():
    """cost_optimal_agents: a dearer lost caller never lowers the optimum, and moves it on this range"""
    counts = [q.cost_optimal_agents(120, 300, 180, agent_cost_per_hour=30, waiting_cost_per_hour=36,
                                    abandon_cost=c)["agents"] for c in (0, 5, 20, 80, 300, 1000)]
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_cost_optimal_defaults_come_from_the_models():
    """cost_optimal_agents: default costs are journey.waiting_cost_per_hour() and losses.abandon_cost()"""
    got = q.cost_optimal_agents(120, 300, 180, agent_cost_per_hour=30)
    assert got["waiting_cost_per_hour"] == pytest.approx(36.0)  # 60 · 0.35 + 15
    # (0.85·0.20 + 0.15·0.12) · 120·0.85/(1.08 − 0.85) = 0.188 · 443.478 = 83.374
    assert got["abandon_cost"] == pytest.approx(83.3739, abs=1e-4)
    assert journey.waiting_cost_per_hour(0, 15) == 15.0
    assert losses.abandon_cost() == pytest.approx(0.188 * 102 / 0.23)


def test_cost_optimal_agents_refuses_infinite_patience():
    """cost_optimal_agents: callers who never hang up are Erlang C's business, said in words"""
    with pytest.raises(DataError):
        q.cost_optimal_agents(120, 300, math.inf, agent_cost_per_hour=30)


# --- a day ----------------------------------------------------------------------------------

def test_day_plan_small_profile_by_hand():
    """day_plan: two 30-minute intervals (60 and 15 calls) planned to 80/20 and to the money"""
    profile = load_volume_profile(pd.DataFrame({"start": ["09:00", "09:30"], "calls": ["60", "15"]}), name="p.csv")
    assert list(profile["minutes"]) == [30, 30]
    plan = q.day_plan(profile, 300, 180, agent_cost_per_hour=30, waiting_cost_per_hour=36, abandon_cost=83,
                      shrinkage=0.3)
    # 60 calls in 30 min = 120/h = 10 Erlangs → 14 agents, ⌈14/0.7⌉ = 20 scheduled, payroll 14·30·½ = 210
    first = plan.iloc[0]
    assert first["calls_per_hour"] == 120
    assert (first["agents_goal"], first["scheduled_goal"]) == (14, 20)
    assert first["payroll_goal"] == pytest.approx(210.0)
    # 15 calls in 30 min = 30/h = 2.5 Erlangs. By the B recursion: B(4) = 0.1499, C(4) = 0.3198,
    # SL(4) = 1 − 0.3198·e^(−1.5·20/300) = 0.7106 < 0.8; B(5) = 0.06973, C(5) = 0.1304,
    # SL(5) = 1 − 0.1304·e^(−2.5·20/300) = 0.8896 → 5 agents, ⌈5/0.7⌉ = ⌈7.14⌉ = 8 scheduled
    assert q.service_level(30, 300, 4, 20) == pytest.approx(0.7106, abs=1e-4)
    assert q.service_level(30, 300, 5, 20) == pytest.approx(0.8896, abs=1e-4)
    assert (plan.iloc[1]["agents_goal"], plan.iloc[1]["scheduled_goal"]) == (5, 8)
    for i, calls in enumerate((120, 30)):
        best = q.cost_optimal_agents(calls, 300, 180, agent_cost_per_hour=30, waiting_cost_per_hour=36,
                                     abandon_cost=83)
        assert plan.iloc[i]["agents_money"] == best["agents"]
        assert plan.iloc[i]["cost_money"] == pytest.approx(best["total_cost_per_hour"] / 2)
        assert plan.iloc[i]["cost_money"] <= plan.iloc[i]["cost_goal"] + 1e-9
    summary = q.day_summary(plan)
    assert summary.loc["goal", "agent_hours"] == pytest.approx((14 + 5) / 2)
    assert summary.loc["money", "cost"] == pytest.approx(plan["cost_money"].sum())


def test_sample_profile_loads_and_gives_a_patience():
    """load_profile: the shipped day, 30-minute intervals, whose abandonment gives a patience near 3 minutes"""
    profile = q.load_profile()
    assert set(profile["minutes"]) == {30} and len(profile) == 24
    rate = profile["abandoned"].sum() / profile["calls"].sum()
    wait = (profile["mean_wait_seconds"] * profile["calls"]).sum() / profile["calls"].sum()
    assert 150 < q.patience_from_abandonment(rate, wait) < 210  # generated with 180 s, then rounded


@pytest.mark.parametrize("text,row,column", [
    ("start,calls\n09:00,1\n9h75,2\n", 3, "start"),
    ("start,calls\n09:00,1\n09:20,2\n", 3, "start"),
    ("start,calls\n09:00,1\n09:30,2\n10:30,3\n", 4, "start"),
    ("start,calls\n09:00,1\n09:30,-2\n", 3, "calls"),
    ("start,calls,abandoned\n09:00,1,0\n09:30,2,3\n", 3, "abandoned"),
])
def test_volume_profile_errors_name_row_and_column(text, row, column):
    """load_volume_profile: one DataError naming the file, the row and the column"""
    with pytest.raises(DataError) as info:
        load_volume_profile(text.encode(), name="day.csv")
    assert (info.value.file, info.value.row, info.value.column) == ("day.csv", row, column)


def test_volume_profile_needs_start_and_calls():
    """load_volume_profile: a file without the calls column is refused"""
    with pytest.raises(DataError):
        load_volume_profile(pd.DataFrame({"start": ["09:00"]}), name="day.csv")


# --- the closed form ------------------------------------------------------------------------

GRID = [(cph, aht, pat, target) for cph, aht, pat, target in
        itertools.product([30, 600, 4800], [180, 300], [30, 120, 600, 3600, 20_000], [0, 20])]


@pytest.mark.parametrize("cph,aht,pat,target", GRID)
def test_erlang_a_closed_form_agrees_with_the_chain(cph, aht, pat, target):
    """erlang_a_service_level's closed form equals the chain + matrix exponential to 1e-9 (up to 400 Erlangs)"""
    a = cph * aht / 3600
    for n in sorted({1, max(1, int(a * 0.7)), int(a) + 1, int(a + 2 * math.sqrt(a)) + 1, int(a * 1.3) + 5}):
        try:
            reference = q._erlang_a_service_level_matrix(cph, aht, n, pat, target)
        except DataError:  # the chain's queue would be too long to follow; the closed form is not limited
            continue
        assert q.erlang_a_service_level(cph, aht, n, pat, target) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("cph,aht,pat", [(120, 300, 120), (4800, 300, 120), (600, 180, 3600), (30, 180, 30)])
def test_erlang_a_sweep_agrees_with_erlang_a(cph, aht, pat):
    """the cost sweep's Erlang A (closed form, all staffings at once) equals erlang_a's chain"""
    a = cph * aht / 3600
    top = int(a + 10 * math.sqrt(a) + 10)
    table = q._erlang_a_sweep(cph / 3600, 1 / aht, 1 / pat, top)
    for n in range(1, top + 1, max(1, top // 15)):
        ea = q.erlang_a(cph, aht, n, pat)
        assert table.at[n, "p_wait"] == pytest.approx(ea["p_wait"], abs=1e-9)
        assert table.at[n, "p_abandon"] == pytest.approx(ea["p_abandon"], abs=1e-9)
        assert table.at[n, "mean_wait"] == pytest.approx(ea["mean_wait"], rel=1e-8, abs=1e-9)


def test_cost_html_names_the_three_staffings_and_the_unseen_share():
    """panels.queueing.cost_html: cheapest, goal and dashboard columns, and the share of the cost off the payroll"""
    from cxkit.i18n import fmt_percent, set_language
    from cxkit.panels.queueing import cost_html

    set_language("en")
    result = q.cost_optimal_agents(120, 300, 180, agent_cost_per_hour=35, waiting_cost_per_hour=36, abandon_cost=83)
    page = cost_html(120, 300, 180, 20, 0.8, result, 14, 12)
    unseen = (result["callers_waiting"] + result["lost_customers"]) / result["total_cost_per_hour"]
    assert "Cheapest" in page and "hang-ups left out" in page
    assert f"{fmt_percent(unseen, 1)} of the cost is not on the payroll" in page


def test_volume_profile_reads_a_spreadsheet_with_time_cells(tmp_path):
    """load_volume_profile: an .xlsx whose starts are time cells (09:00:00) reads as 09:00, 09:15"""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["start", "calls"])
    sheet.append([dt.time(9, 0), 40])
    sheet.append([dt.time(9, 15), 55])
    path = tmp_path / "day.xlsx"
    book.save(path)
    profile = load_volume_profile(path)
    assert list(profile["start"]) == ["09:00", "09:15"] and list(profile["minutes"]) == [15, 15]
    assert list(profile["calls"]) == [40, 55]
