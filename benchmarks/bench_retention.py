"""Speed budget for notebooks 06 and 07: the cohort simulation, a slider's redraw, and the
complaints models on a year of a large contact centre's log.

Targets: a 100,000-customer cohort simulation over 10 years well under a second (it is
vectorised: one draw per customer, no loop over months); a cliff-panel redraw (simulation +
SVG) under 1 s so a slider answers at once; loading the sample log under 0.2 s; Pareto plus
revenue at risk on one million complaints under 2 s.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from run import timed

from cxkit import charts, complaints, retention


def bench_cohort_simulation_100k():
    seconds = timed(lambda: retention.cohort_simulation(100_000, 10, switch_every=3, leave_at_window=0.35))
    return {"name": "retention: cohort simulation, 2 × 100,000 customers, 10 years", "value": seconds,
            "unit": "s", "target": 0.5}


def bench_cliff_redraw():
    charts.enable()
    from cxkit.charts import retention as rc

    def redraw():
        sim = retention.cohort_simulation(1000, 10, switch_every=4, leave_at_window=0.35)
        retention.cliff_revenue_loss(sim, 600)
        charts.to_svg(rc.cohort_chart(sim))

    return {"name": "retention: cliff panel redraw (simulation + SVG)", "value": timed(redraw, 3),
            "unit": "s", "target": 1.0}


def bench_load_sample_complaints():
    return {"name": "complaints: load the sample log (316 rows)", "value": timed(complaints.load_complaints),
            "unit": "s", "target": 0.2}


def bench_complaints_one_million():
    rng = np.random.default_rng(0)
    n = 1_000_000
    log = pd.DataFrame({"category": rng.choice(complaints.CATEGORIES, n),
                        "severity": rng.choice(complaints.SEVERITIES, n),
                        "outcome": rng.choice(complaints.OUTCOMES, n)})
    rates = complaints.load_complaint_rates()

    def run():
        complaints.pareto(log)
        complaints.revenue_at_risk(log, 27, 300, rates)

    return {"name": "complaints: Pareto + revenue at risk, 1,000,000 complaints", "value": timed(run, 3),
            "unit": "s", "target": 2.0}
