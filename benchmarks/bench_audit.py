"""Scoring a large QA data set: 1,000,000 calls × 12 criteria, time and peak memory.

The table is built once outside the timing (as a contact centre's year of evaluations
read from its files); ``cxkit.audit.score_calls`` then works on the whole matrix at once.
"""
from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd

from run import timed

N_CALLS = 1_000_000
N_CRITERIA = 12


def _grid_and_calls():
    kinds = ["yes_no", "scale", "number"] * (N_CRITERIA // 3)
    grid = pd.DataFrame({
        "criterion": [f"c{i:02d}" for i in range(N_CRITERIA)],
        "section": [f"s{i % 6}" for i in range(N_CRITERIA)],
        "label_fr": "x", "label_en": "x", "kind": kinds,
        "weight": np.linspace(0.5, 3, N_CRITERIA), "critical": [i % 5 == 0 for i in range(N_CRITERIA)],
        "best": [{"yes_no": 1.0, "scale": 4.0, "number": 30.0}[k] for k in kinds],
        "worst": [{"yes_no": 0.0, "scale": 0.0, "number": 180.0}[k] for k in kinds]})
    rng = np.random.default_rng(0)
    values = np.empty((N_CALLS, N_CRITERIA))
    for j, kind in enumerate(kinds):
        values[:, j] = {"yes_no": lambda: rng.integers(0, 2, N_CALLS),
                        "scale": lambda: rng.integers(0, 5, N_CALLS),
                        "number": lambda: rng.exponential(90, N_CALLS)}[kind]()
    values[rng.random(values.shape) < 0.05] = np.nan  # 5 % not applicable
    calls = pd.DataFrame(values, columns=grid["criterion"])
    calls.insert(0, "call_id", np.arange(N_CALLS))
    return grid, calls


def bench_score_1m_calls_time():
    from cxkit import audit

    grid, calls = _grid_and_calls()
    seconds = timed(lambda: audit.score_calls(calls, grid), repeat=3)
    return {"name": "audit: score 1,000,000 calls × 12 criteria", "value": seconds, "unit": "s", "target": 2.0}


def floor_scores(calls: pd.DataFrame, grid: pd.DataFrame) -> dict:
    """The floor: the same figures (score, each section's score, critical failed, number
    of applicable criteria) by hand-written column-wise numpy, one criterion column at a
    time, with none of score_calls' checks or its DataFrame."""
    n = len(calls)
    sec = {s: (np.zeros(n), np.zeros(n)) for s in dict.fromkeys(grid["section"])}
    earned, weight, count, failed = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n, bool)
    for row in grid.itertuples():
        m = np.clip((calls[row.criterion].to_numpy() - row.worst) / (row.best - row.worst), 0.0, 1.0)
        ok = m == m
        if row.critical:
            failed |= m == 0.0
        m[~ok] = 0.0
        earned += row.weight * m
        weight += row.weight * ok
        count += ok
        sec[row.section][0][:] += row.weight * m
        sec[row.section][1][:] += row.weight * ok
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"score": 100 * earned / weight, "failed": failed, "count": count,
                **{s: 100 * e / w for s, (e, w) in sec.items()}}


def bench_score_1m_calls_against_floor():
    """Issue 19: score_calls on 1M × 12 within 2× of the column-wise numpy floor, timed
    side by side in one run (best of 3 each, alternated)."""
    from cxkit import audit

    grid, calls = _grid_and_calls()
    ours, floor = float("inf"), float("inf")
    for _ in range(3):
        ours = min(ours, timed(lambda: audit.score_calls(calls, grid), repeat=1))
        floor = min(floor, timed(lambda: floor_scores(calls, grid), repeat=1))
    return {"name": "audit: score 1M × 12 / column-wise numpy floor", "value": ours / floor, "unit": "×",
            "target": 2.0, "notes": f"score_calls {ours * 1000:.0f} ms, floor {floor * 1000:.0f} ms "
                                    "(issue 19 before: 607 / 193 ms = 3.1×)"}


def bench_score_1m_calls_peak_memory():
    from cxkit import audit

    grid, calls = _grid_and_calls()
    tracemalloc.start()
    audit.score_calls(calls, grid)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"name": "audit: peak memory while scoring 1M × 12", "value": peak / 2**20, "unit": "MB",
            "target": 1024.0, "notes": "tracemalloc peak of the scoring alone (the input table is ~100 MB)"}


def bench_calls_needed_and_second_wave():
    """The planners of issue 14: calls_needed (exact power, stable) and second_wave_calls."""
    from cxkit import audit

    def run():
        audit.calls_needed(0.7, 0.8, 0.8, stable=True)
        audit.second_wave_calls(0.6, 100, 0.15)

    run()  # warm-up: scipy's import
    return {"name": "audit: calls_needed (stable) + second_wave_calls", "value": timed(run, repeat=5) * 1000,
            "unit": "ms", "target": 500}
