"""Issue 14, items 8 and 9: the small numeric traps, and intervals kept on their scale."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cxkit import DataError, audit, complaints, queueing, retention
from cxkit.i18n import set_language


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language("en")


# --- item 8: traps --------------------------------------------------------------------------

def _grid(weights) -> pd.DataFrame:
    rows = [{"criterion": f"c{i}", "section": "welcome", "label_fr": f"c{i}", "label_en": f"c{i}",
             "kind": "yes_no", "weight": w, "critical": False, "best": 1, "worst": 0}
            for i, w in enumerate(weights)]
    return pd.DataFrame(rows)


def test_a_call_scoring_exactly_70_is_good():
    """score_calls: weights .3 .4 .9 .35 .35 .2, marks 1 0 1 0 1 1 → 70 (69.99999999999997 in floats) is good"""
    # earned 0.3 + 0.9 + 0.35 + 0.2 = 1.75 of 2.5 → 70 exactly on paper
    weights = [0.3, 0.4, 0.9, 0.35, 0.35, 0.2]
    grid = audit.load_grid(_grid(weights))
    calls = pd.DataFrame([{"call_id": "a", "date": "2026-03-02", "scenario": "s", "evaluator": "e",
                           **{f"c{i}": m for i, m in enumerate([1, 0, 1, 0, 1, 1])}}])
    scored = audit.score_calls(audit.load_calls(calls, grid), grid)
    assert scored["score"].iloc[0] == pytest.approx(70.0) and scored["score"].iloc[0] < 70.0
    assert bool(scored["good"].iloc[0])


def test_kappa_compares_values_not_text():
    """cohen_kappa: [1,0,1,0] against [1.0,0.0,1.0,0.0] is perfect agreement (1.0), not 0"""
    assert audit.cohen_kappa([1, 0, 1, 0], [1.0, 0.0, 1.0, 0.0]) == 1.0
    assert audit.cohen_kappa([True, False], [1, 0]) == 1.0
    with pytest.raises(DataError, match="3 marks against 2"):
        audit.cohen_kappa([1, 0, 1], [1, 0])


def test_clv_refuses_a_retention_above_one():
    """clv: a retention of 1.05 is not a share: DataError naming retention_rate and 1.05"""
    with pytest.raises(DataError, match=r"retention_rate.*1\.05"):
        retention.clv(100, 1.05, 0.08)
    with pytest.raises(DataError, match="discount_rate"):
        retention.clv(100, 0.8, -0.5)
    with pytest.raises(DataError, match="retention_rate"):
        retention.clv(100, 1.0, 0.0)  # worth an infinite amount


def test_erlang_a_is_exact_when_the_queue_is_huge():
    """erlang_a: 36,000 calls/h, 600 s, 100 agents, patience 10⁶ s → abandon = 1 − Nμ/λ = 0.98333"""
    # all 100 agents always busy: they answer N·μ = 100/600 = 0.1667 calls/s out of λ = 10/s
    result = queueing.erlang_a(36000, 600, 100, 1e6)
    assert result["p_abandon"] == pytest.approx(1 - (100 / 600) / 10, abs=1e-6)
    assert result["p_wait"] == pytest.approx(1.0)
    # Little's law: E[Lq] = λ · p_abandon / θ → mean wait = p_abandon · patience
    assert result["mean_wait"] == pytest.approx(0.98333 * 1e6, rel=1e-4)
    # the closed form computes the service level even here: almost nobody is answered within 20 s
    assert queueing.erlang_a_service_level(36000, 600, 100, 1e6, 20) == pytest.approx(0.0, abs=1e-9)


def test_erlang_a_answered_wait_matches_the_product_form():
    """erlang_a: the closed-form answered wait equals the step-by-step product of the old code"""
    lam, mu, n, theta = 200 / 3600, 1 / 180, 10, 1 / 120
    result = queueing.erlang_a(200, 180, 10, 120)
    first, p = queueing._erlang_a_window(lam, mu, n, theta)
    states = np.arange(first, first + p.size)
    q = p[states >= n]
    i = np.arange(q.size, dtype=float)
    q_j = np.cumprod((n * mu + i * theta) / (n * mu + (i + 1) * theta))
    phase = np.cumsum(1.0 / (n * mu + (i + 1) * theta))
    by_steps = float((q * q_j * phase).sum()) / (float((q * q_j).sum()) + float(p[states < n].sum()))
    assert result["mean_wait_answered"] == pytest.approx(by_steps, rel=1e-10)


def test_retention_and_complaints_raise_translated_data_errors():
    """retention, complaints: impossible inputs raise DataError in the user's language, naming the input"""
    with pytest.raises(DataError, match="retention_rate"):
        retention.expected_lifetime(1.0)
    with pytest.raises(DataError, match="n_customers"):
        retention.cohort_simulation(n_customers=0)
    with pytest.raises(DataError, match="ratio"):
        retention.keep_or_replace(10, 5, ratio=-1)
    with pytest.raises(DataError, match="purchases_with"):
        retention.delight_scenario(100, 50, purchases_without=3, purchases_with=2)
    with pytest.raises(DataError, match="multiplier"):
        complaints.iceberg(10, 0.5)
    with pytest.raises(DataError, match="rule"):
        complaints.route_to_management(pd.DataFrame(), rule="loudest")
    set_language("fr")
    with pytest.raises(DataError, match="doit être une part"):
        retention.clv(100, 1.05, 0.08)


def test_lifetime_and_clv_are_reconciled():
    """expected_lifetime counts the current year, clv does not: undiscounted clv = m · (L − 1)"""
    r = 0.8
    assert retention.expected_lifetime(r) == pytest.approx(5.0)
    assert retention.clv(100, r, 0.0) == pytest.approx(100 * (retention.expected_lifetime(r) - 1))


# --- item 9: intervals on their scale --------------------------------------------------------

def test_mean_score_interval_stays_within_0_and_100():
    """indicators: scores 100, 100, 30 → t interval −23.7 – 177.1 clipped to 0 – 100"""
    # mean 76.67, s = 40.41, t(2) = 4.3027 → half 100.4 → [−23.7, 177.1] clipped to [0, 100]
    scored = pd.DataFrame({"score": [100.0, 100.0, 30.0], "good": [True, True, False],
                           "critical_failed": [False] * 3})
    ind = audit.indicators(scored)
    assert 0.0 <= ind["mean_score_low"] and ind["mean_score_high"] == 100.0
    assert ind["mean_score"] == pytest.approx(76.6667, abs=1e-4)
    mean, low, high = audit.mean_interval([100, 100, 30])
    assert high > 100  # unclipped, the textbook interval leaves the scale


def test_shares_stay_within_0_and_1():
    """wilson_interval, compare_waves: bounds stay in [0, 1] and [−1, 1] at the extremes"""
    assert audit.wilson_interval(0, 3) [0] == 0.0 and audit.wilson_interval(3, 3)[1] == 1.0
    result = audit.compare_waves(0, 5, 5, 5)
    assert -1.0 <= result["difference_low"] <= result["difference_high"] <= 1.0


@pytest.mark.parametrize("call, name", [
    (lambda: audit.wilson_interval(11, 10), "good"),
    (lambda: retention.base_value(-5, 100, 0.8, 0.1), "customers"),
    (lambda: retention.expected_remaining(100, [12], yearly_churn=1.5), "yearly_churn"),
    (lambda: retention.retention_gain_grid(100, [0.08], churns=[0.1, 1.2]), "churns"),
    (lambda: complaints.revenue_at_risk(pd.DataFrame({"severity": [], "outcome": []}), 0.5, 100), "multiplier"),
    (lambda: complaints.quick_resolution_value(5, "large", 100, to_outcome="delighted"), "to_outcome"),
    (lambda: complaints.feedback_value(-1, 10, 1000), "complaints_analysed"),
    (lambda: __import__("cxkit").losses.acquisition_vs_retention(10, 300, ratio=0), "ratio"),
])
def test_impossible_inputs_name_the_input(call, name):
    """every model: an impossible input raises DataError whose message names that input"""
    with pytest.raises(DataError, match=name.replace("(", r"\(")):
        call()
