"""Speed of the staffing models behind notebook 04: the Erlang C sweep, Erlang A, the
cost-optimal search (issue 17) and the Erlang A closed form beside its numeric floor
(issue 19)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from run import timed
from scipy.special import gammainc, gammaln

from cxkit import charts, queueing

CALLS, AHT, TARGET = 18_000, 300, 20  # 1,500 Erlangs, so the sweep crosses the interesting range
COSTS = {"agent_cost_per_hour": 35, "waiting_cost_per_hour": 36, "abandon_cost": 83}


def bench_staffing_sweep():
    """Erlang C for every staffing from 1 to 2,000 agents (one B recursion, then numpy)."""
    value = timed(lambda: queueing.staffing_table(CALLS, AHT, TARGET, max_agents=2000), repeat=20)
    return {"name": "staffing sweep 1–2,000 agents (Erlang C table)", "value": value * 1000,
            "unit": "ms", "target": 50}


def bench_staffing_redraw_svg():
    """What a slider move costs in the panel: sweep, search and SVG drawing by vl-convert."""
    charts.enable()

    def run():
        table = queueing.staffing_table(CALLS, AHT, TARGET, max_agents=2000)
        charts.to_svg(charts.queueing.staffing_chart(table, target_level=0.8, agents=1550))

    run()  # the first drawing starts vl-convert's engine
    value = timed(run, repeat=5)
    return {"name": "sweep 1–2,000 agents + SVG redraw", "value": value * 1000, "unit": "ms", "target": 500,
            "notes": "drawing dominates; the model part is bench_staffing_sweep"}


def bench_erlang_a_large():
    """Erlang A and its service level for a 400-Erlang centre (chain for erlang_a, closed form for the SL)."""
    def run():
        queueing.erlang_a(4800, 300, 410, 120)
        queueing.erlang_a_service_level(4800, 300, 410, 120, 20)

    value = timed(run, repeat=10)
    return {"name": "Erlang A + service level, 400 Erlangs", "value": value * 1000, "unit": "ms", "target": 50}


def _floor_service_level(lam, mu, n, theta, target):
    """The floor: the textbook closed form written plainly with numpy and scipy, no checks.

    ``SL = (1 + J) / (1 + M)`` with ``M = (π_{N−1}/Σ_{k<N} π_k) · b · e^b b^{−a} γ(a, b)`` and
    ``J = (π_{N−1}/Σ_{k<N} π_k) · e^b b^{−a} (γ(a+1, b) − γ(a+1, b·e^{−θT}))``, ``a = Nμ/θ``,
    ``b = λ/θ``; the Poisson sum in log space with numpy, γ by the regularised incomplete gamma.
    """
    a_traffic, a, b = lam / mu, n * mu / theta, lam / theta
    k = np.arange(n)
    terms = k * math.log(a_traffic) - gammaln(k + 1)
    top = terms.max()
    ratio = (n - 1) * math.log(a_traffic) - gammaln(n) - top - math.log(np.exp(terms - top).sum())
    lead = b - a * math.log(b)
    m = math.exp(ratio + math.log(b) + lead + gammaln(a) + math.log(gammainc(a, b)))
    j = math.exp(ratio + lead + gammaln(a + 1)) * (gammainc(a + 1, b) - gammainc(a + 1, b * math.exp(-theta * target)))
    return (1 + j) / (1 + m)


def bench_erlang_a_closed_form_vs_floor():
    """Erlang A service level for 400 Erlangs (4,800 calls/h, 300 s, 410 agents, patience 120 s,
    20 s): cxkit's closed form (with its checks) over the plain closed form, in one run."""
    lam, mu, theta = 4800 / 3600, 1 / 300, 1 / 120
    mine = queueing.erlang_a_service_level(4800, 300, 410, 120, 20)
    floor = _floor_service_level(lam, mu, 410, theta, 20)
    assert abs(mine - floor) < 1e-9, (mine, floor)
    cx = fl = float("inf")
    for _ in range(7):  # interleaved, so that both see the same load on a shared machine
        cx = min(cx, timed(lambda: [queueing.erlang_a_service_level(4800, 300, 410, 120, 20) for _ in range(200)],
                           repeat=1) / 200)
        fl = min(fl, timed(lambda: [_floor_service_level(lam, mu, 410, theta, 20) for _ in range(200)], repeat=1) / 200)
    chain = timed(lambda: queueing._erlang_a_service_level_matrix(4800, 300, 410, 120, 20), repeat=5)
    return {"name": "Erlang A service level, 400 Erlangs: cxkit / floor", "value": cx / fl, "unit": "×",
            "target": 2.0, "cxkit_us": cx * 1e6, "floor_us": fl * 1e6, "before_us": chain * 1e6,
            "notes": f"cxkit {cx * 1e6:.1f} µs, floor {fl * 1e6:.1f} µs, "
                     f"the chain it replaced {chain * 1e6:.0f} µs"}


def bench_cost_optimal_400():
    """The cost-optimal count for 400 Erlangs: Erlang A for every staffing 0–610 and the cheapest."""
    value = timed(lambda: queueing.cost_optimal_agents(4800, 300, 180, **COSTS), repeat=10)
    return {"name": "cost-optimal agents, 400 Erlangs (0–610 agents)", "value": value * 1000, "unit": "ms",
            "target": 100, "notes": "issue 17 asks for well under a second"}


def _day(intervals: int = 96, peak_calls: float = 1200.0) -> pd.DataFrame:
    """A 24-hour day of 15-minute intervals, quiet at night, peaking at 1,200 calls a quarter
    (400 Erlangs at 300 s) late in the morning and again in the afternoon."""
    hours = np.arange(intervals) * 24 / intervals
    shape = 0.03 + np.exp(-((hours - 11) / 2.2) ** 2) + 0.85 * np.exp(-((hours - 15.5) / 2.0) ** 2)
    calls = np.round(peak_calls * shape / shape.max())
    starts = [f"{int(h):02d}:{int(round((h % 1) * 60)):02d}" for h in hours]
    return pd.DataFrame({"start": starts, "minutes": 24 * 60 // intervals, "calls": calls})


def bench_day_plan_96():
    """A 96-interval day planned twice (80 % in 20 s, and to the money), peak 400 Erlangs."""
    day = _day()
    value = timed(lambda: queueing.day_plan(day, 300, 180, shrinkage=0.3, **COSTS), repeat=3)
    return {"name": "day plan, 96 intervals (goal + cost-optimal), peak 400 Erlangs", "value": value * 1000,
            "unit": "ms", "target": 500, "notes": "issue 17 asks for well under a second"}


def bench_cost_curve_redraw_svg():
    """What a move of 04's cost sliders costs in the kernel: the cost search, the two goal
    counts and the cost curve drawn as SVG (the browser's round trip is measured in
    tests/browser/test_04_double_penalty.py)."""
    charts.enable()

    def run():
        result = queueing.cost_optimal_agents(120, 300, 180, **COSTS)
        needed = queueing.agents_needed(120, 300, 20, 0.8)
        shown = queueing.dashboard_agents_needed(120, 300, 20, 0.8, 180)
        table = result["table"]
        charts.to_svg(charts.queueing.cost_curve_chart(table[(table["agents"] >= 8) & (table["agents"] <= 22)],
                                                       optimum=result["agents"], goal_agents=needed,
                                                       dashboard_agents=shown))

    run()
    value = timed(run, repeat=5)
    return {"name": "cost curve: search + SVG redraw (04's sliders)", "value": value * 1000, "unit": "ms",
            "target": 300}
