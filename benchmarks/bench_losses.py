"""Speed budget of the manager's dashboard (notebook 05): one slider move must recompute
everything (20,000 simulated draws, tornado, plan, audit value, non-quality) in under
50 ms; redrawing the dashboard's charts as well must stay under the browser test's second."""
from __future__ import annotations

from run import timed

from cxkit import losses

_DECISIONS = {"target_bad_call_rate": 0.08, "plan_cost": 250_000.0, "audit_cost": 15_000.0,
              "opex": 4_000_000.0, "other_failure_costs": 250_000.0}


def bench_dashboard_recompute():
    """A slider move: new likely value → every figure of the dashboard, 20,000 draws."""
    assumptions = losses.load_assumptions()
    values = losses.likely_values(assumptions)
    state = {"rate": 0.2}

    def move():
        state["rate"] = 0.25 if state["rate"] == 0.2 else 0.2
        current = losses.with_likely(assumptions, {**values, "bad_call_rate": state["rate"]})
        losses.dashboard(current, n=20000, seed=0, **_DECISIONS)

    move()  # warm-up
    return {"name": "losses: full dashboard recompute, 20,000 draws", "value": timed(move, repeat=10) * 1000,
            "unit": "ms", "target": 50}


def bench_simulate():
    """The Monte Carlo alone: 20,000 draws of 16 inputs through the vectorised formula."""
    assumptions = losses.load_assumptions()
    return {"name": "losses: simulate 20,000 draws", "value": timed(lambda: losses.simulate(assumptions), repeat=10) * 1000,
            "unit": "ms", "target": 25}


def bench_panel_slider_move():
    """The panel: a slider move recomputes and redraws the four charts as SVG."""
    from cxkit import charts
    from cxkit.panels.losses import LossDashboard

    charts.enable()
    board = LossDashboard()
    slider = board.sliders["bad_call_rate"]

    def move():
        slider.value = 0.25 if slider.value == 0.2 else 0.2

    return {"name": "losses: slider move in the panel incl. SVG charts", "value": timed(move, repeat=5) * 1000,
            "unit": "ms", "target": 1000,
            "notes": "the browser test asks for the headline to change within a second"}


def bench_best_audit_size():
    """The value of an audit of n calls: EVSI for 0, 10 … 400 calls on 20,000 draws (issue 14)."""
    assumptions = losses.load_assumptions()

    def run():
        losses.best_audit_size(assumptions, target_bad_call_rate=0.08, plan_cost=250_000.0, cost_per_call=40.0)

    return {"name": "losses: best audit size, EVSI at 41 sizes, 20,000 draws", "value": timed(run, repeat=3) * 1000,
            "unit": "ms", "target": 1000,
            "notes": "draws grouped in 1,000 bins of the bad-call rate; exact sum over the audit's outcomes"}
