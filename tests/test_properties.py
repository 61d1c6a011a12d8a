"""Property tests (hypothesis) on the queueing functions and the loss model: monotonic in
the inputs that should move them, bounded, and never NaN on valid input.

Each property draws 40–100 examples and stays within a few seconds.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cxkit import queueing

try:  # the loss model (issue 6) may not be in the tree yet
    from cxkit import losses
except ImportError:  # pragma: no cover - depends on the state of the tree
    losses = None
needs_losses = pytest.mark.skipif(losses is None, reason="cxkit.losses (issue 6) is not in the tree yet")
SHARE_INPUTS = sorted(losses.SHARES) if losses else ["bad_call_rate"]

FAST = settings(max_examples=80, deadline=None)
SLOWER = settings(max_examples=40, deadline=None)

# --- queueing ------------------------------------------------------------------------------

traffic_erlangs = st.floats(min_value=0.0, max_value=1500.0, allow_nan=False)
agents = st.integers(min_value=0, max_value=2000)
calls_per_hour = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)
aht = st.floats(min_value=10.0, max_value=1800.0, allow_nan=False)
target = st.floats(min_value=0.0, max_value=600.0, allow_nan=False)
share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def _in_unit(x: float) -> bool:
    return not math.isnan(x) and -1e-12 <= x <= 1 + 1e-12


@FAST
@given(traffic_erlangs, agents)
def test_erlang_b_and_c_are_probabilities_decreasing_in_agents(a, n):
    """erlang_b/erlang_c: in [0, 1], never NaN, and one more agent never raises them"""
    b, c = queueing.erlang_b(a, n), queueing.erlang_c(a, n)
    assert _in_unit(b) and _in_unit(c)
    assert c >= b - 1e-12  # waiting is at least as likely as being blocked
    assert queueing.erlang_b(a, n + 1) <= b + 1e-12
    assert queueing.erlang_c(a, n + 1) <= c + 1e-12


@FAST
@given(calls_per_hour, aht, st.integers(min_value=1, max_value=400), target)
def test_service_level_bounded_and_monotonic_in_agents_and_target(lam, h, n, t):
    """service_level: in [0, 1], no lower with one more agent or a longer target"""
    sl = queueing.service_level(lam, h, n, t)
    assert _in_unit(sl)
    assert queueing.service_level(lam, h, n + 1, t) >= sl - 1e-12
    assert queueing.service_level(lam, h, n, t + 10.0) >= sl - 1e-12


@FAST
@given(calls_per_hour, aht, st.integers(min_value=1, max_value=400))
def test_asa_non_negative_and_no_longer_with_more_agents(lam, h, n):
    """average_speed_of_answer: ≥ 0 (inf when understaffed), no longer with one more agent"""
    asa = queueing.average_speed_of_answer(lam, h, n)
    more = queueing.average_speed_of_answer(lam, h, n + 1)
    assert not math.isnan(asa) and asa >= 0
    assert more <= asa or (math.isinf(asa) and math.isinf(more))
    a = lam * h / 3600
    assert math.isinf(asa) == (n <= a)


@FAST
@given(st.floats(min_value=0.0, max_value=3000.0), st.floats(min_value=30.0, max_value=900.0),
       st.floats(min_value=5.0, max_value=120.0), st.floats(min_value=0.05, max_value=0.95))
def test_agents_needed_is_the_smallest_that_reaches_the_goal(lam, h, t, goal):
    """agents_needed: N reaches the service level and N − 1 agents do not"""
    n = queueing.agents_needed(lam, h, t, goal)
    assert n >= 1
    assert queueing.service_level(lam, h, n, t) >= goal - 1e-12
    if n > 1:
        assert queueing.service_level(lam, h, n - 1, t) < goal


@SLOWER
@given(calls_per_hour, aht, target, st.integers(min_value=1, max_value=300))
def test_staffing_table_agrees_with_service_level(lam, h, t, top):
    """staffing_table: bounded, no NaN, each row equal to service_level for that staffing"""
    table = queueing.staffing_table(lam, h, t, max_agents=top)
    assert len(table) == top
    assert not table[["p_wait", "service_level", "occupancy"]].isna().any().any()
    assert table["service_level"].between(-1e-12, 1 + 1e-12).all()
    assert (np.diff(table["service_level"]) >= -1e-12).all()
    for n in {1, top, (top + 1) // 2}:
        assert table.loc[n - 1, "service_level"] == pytest.approx(queueing.service_level(lam, h, n, t),
                                                                  abs=1e-9)


@SLOWER
@given(st.floats(min_value=1.0, max_value=1200.0), aht, st.integers(min_value=0, max_value=120),
       st.floats(min_value=5.0, max_value=3600.0))
def test_erlang_a_bounded_and_fewer_hang_ups_with_more_agents(lam, h, n, patience):
    """erlang_a: shares in [0, 1], hang-ups ≤ waits, no NaN, fewer hang-ups with one more agent"""
    out = queueing.erlang_a(lam, h, n, patience)
    for key in ("p_wait", "p_abandon", "served"):
        assert _in_unit(out[key]), (key, out[key])
    assert out["p_abandon"] <= out["p_wait"] + 1e-9
    assert out["served"] == pytest.approx(1 - out["p_abandon"])
    assert out["mean_wait"] >= 0 and not math.isnan(out["mean_wait"])
    assert out["mean_wait"] <= patience * (1 + 1e-9)  # nobody waits longer on average than patience
    more = queueing.erlang_a(lam, h, n + 1, patience)
    assert more["p_abandon"] <= out["p_abandon"] + 1e-9
    assert more["mean_wait"] <= out["mean_wait"] * (1 + 1e-9) + 1e-9


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=10.0, max_value=600.0), st.floats(min_value=60.0, max_value=600.0),
       st.integers(min_value=1, max_value=40), st.floats(min_value=10.0, max_value=600.0),
       st.floats(min_value=0.0, max_value=120.0))
def test_erlang_a_service_level_bounded_and_monotonic_in_agents(lam, h, n, patience, t):
    """erlang_a_service_level: in [0, 1], no lower with one more agent"""
    sl = queueing.erlang_a_service_level(lam, h, n, patience, t)
    assert _in_unit(sl)
    assert queueing.erlang_a_service_level(lam, h, n + 1, patience, t) >= sl - 1e-7


@FAST
@given(calls_per_hour, aht, st.integers(min_value=1, max_value=300), target, share,
       st.floats(min_value=1.0, max_value=60.0))
def test_dropping_calls_flatters_the_dashboard_never_the_caller(lam, h, n, t, d, drop):
    """dropped_calls: the reported level is no lower than the honest one; callers served ≤ reported"""
    assume(drop <= h)
    out = queueing.dropped_calls(lam, h, n, t, d, drop)
    for key in ("reported_service_level", "honest_service_level", "served_within_target", "really_served"):
        assert _in_unit(out[key]), key
    assert out["reported_service_level"] >= out["honest_service_level"] - 1e-12
    assert out["served_within_target"] <= out["reported_service_level"] + 1e-12


@FAST
@given(share, st.integers(min_value=0, max_value=500))
def test_detection_probability_grows_with_calls_and_drops(d, calls):
    """detection_probability: in [0, 1], no lower with one more mystery call or more drops"""
    p = queueing.detection_probability(d, calls)
    assert _in_unit(p)
    assert queueing.detection_probability(d, calls + 1) >= p - 1e-12
    assert queueing.detection_probability(min(1.0, d + 0.05), calls) >= p - 1e-12


# --- the loss model ---------------------------------------------------------------------------

def _inputs():
    """Valid inputs of the loss model (retention ≤ 0.98 keeps retention < 1 + discount)."""
    return st.fixed_dictionaries({
        "customers": st.floats(0, 5e6), "contact_rate": share, "bad_call_rate": share,
        "repeat_calls": st.floats(0, 5), "complain_rate": share, "churn_if_silent": share,
        "churn_if_complained": share, "annual_margin": st.floats(0, 1e4),
        "retention_rate": st.floats(0, 0.98), "discount_rate": st.floats(0, 0.5),
        "wom_reach": st.floats(0, 50), "wom_loss": share, "prospect_calls": st.floats(0, 1e6),
        "conversion_rate": share, "acquisition_cost": st.floats(0, 1e4), "cost_per_call": st.floats(0, 100),
    })


@needs_losses
@FAST
@given(_inputs())
def test_annual_loss_non_negative_finite_and_adds_up(inputs):
    """annual_loss: every component ≥ 0 and finite, and the total is their sum"""
    loss = losses.annual_loss(inputs)
    parts = loss[list(losses.COMPONENTS)]
    assert np.isfinite(loss).all() and (loss >= 0).all()
    assert loss["total"] == pytest.approx(parts.sum(), rel=1e-12, abs=1e-6)


@needs_losses
@FAST
@given(_inputs(), share, share)
def test_higher_bad_call_rate_never_lowers_the_loss(inputs, r1, r2):
    """annual_loss: a higher bad_call_rate gives no lower total, nor any lower component"""
    low, high = sorted((r1, r2))
    at_low = losses.annual_loss({**inputs, "bad_call_rate": low})
    at_high = losses.annual_loss({**inputs, "bad_call_rate": high})
    assert (at_high >= at_low - 1e-9 * (1 + at_low.abs())).all()


@needs_losses
@FAST
@given(_inputs())
def test_no_bad_calls_no_loss_and_loss_proportional_to_bad_calls(inputs):
    """annual_loss: zero bad calls cost nothing, and the loss is proportional to the bad-call rate"""
    assert losses.annual_loss({**inputs, "bad_call_rate": 0.0})["total"] == 0.0
    half = losses.annual_loss({**inputs, "bad_call_rate": inputs["bad_call_rate"] / 2})["total"]
    full = losses.annual_loss(inputs)["total"]
    assert half == pytest.approx(full / 2, rel=1e-9, abs=1e-6)


@needs_losses
@FAST
@given(_inputs(), st.sampled_from(["customers", "contact_rate", "churn_if_silent", "churn_if_complained",
                                   "annual_margin", "retention_rate", "wom_reach", "wom_loss",
                                   "prospect_calls", "conversion_rate", "acquisition_cost",
                                   "cost_per_call", "repeat_calls"]),
       st.floats(min_value=1.0, max_value=2.0))
def test_loss_never_falls_when_a_cost_driver_rises(inputs, name, factor):
    """annual_loss: raising any cost driver (capped to its range) never lowers the total"""
    cap = {"retention_rate": 0.98}.get(name, 1.0 if name in SHARE_INPUTS else math.inf)
    raised = {**inputs, name: min(cap, inputs[name] * factor)}
    before, after = losses.annual_loss(inputs)["total"], losses.annual_loss(raised)["total"]
    assert after >= before - 1e-9 * (1 + before)


@needs_losses
@FAST
@given(_inputs(), st.floats(min_value=0.0, max_value=0.5))
def test_higher_discount_rate_never_raises_the_loss(inputs, extra):
    """annual_loss: a higher discount rate makes future margins worth less, so no higher total"""
    before = losses.annual_loss(inputs)["total"]
    after = losses.annual_loss({**inputs, "discount_rate": inputs["discount_rate"] + extra})["total"]
    assert after <= before + 1e-9 * (1 + before)


@needs_losses
@FAST
@given(_inputs(), st.sampled_from(SHARE_INPUTS),
       st.one_of(st.floats(min_value=1.0001, max_value=10), st.floats(min_value=-10, max_value=-1e-6)))
def test_share_outside_unit_interval_is_refused(inputs, name, value):
    """annual_loss: a share outside [0, 1] raises a DataError naming it"""
    from cxkit import DataError

    with pytest.raises(DataError, match=name):
        losses.annual_loss({**inputs, name: value})


@needs_losses
@SLOWER
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=500))
def test_simulation_of_shipped_assumptions_is_finite_and_reproducible(seed, n):
    """simulate: totals finite and ≥ 0, P10 ≤ median ≤ P90, same seed → same draws"""
    assumptions = _shipped_assumptions()
    sims = losses.simulate(assumptions, n=n, seed=seed)
    assert len(sims) == n
    assert np.isfinite(sims.to_numpy()).all() and (sims.to_numpy() >= 0).all()
    np.testing.assert_allclose(sims["total"], sims[list(losses.COMPONENTS)].sum(axis=1), rtol=1e-12)
    b = losses.band(sims["total"])
    assert b["p10"] <= b["median"] <= b["p90"]
    again = losses.simulate(assumptions, n=n, seed=seed)
    assert sims.equals(again)


_CACHE: dict = {}


def _shipped_assumptions():
    if "a" not in _CACHE:
        _CACHE["a"] = losses.load_assumptions()
    return _CACHE["a"]


# --- scoring (issue 4): what issue 4's own properties do not cover ---------------------------

try:
    from cxkit import audit
except ImportError:  # pragma: no cover - depends on the state of the tree
    audit = None
needs_audit = pytest.mark.skipif(audit is None, reason="cxkit.audit (issue 4) is not in the tree yet")


def _sample():
    if "sample" not in _CACHE:
        grid = audit.load_grid()
        _CACHE["sample"] = (grid, audit.primary_calls(audit.load_sample_campaign(grid)))
    return _CACHE["sample"]


@needs_audit
@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=100),
       st.floats(min_value=0.0, max_value=1.0))
def test_a_better_answer_never_lowers_a_calls_score(call, criterion, step):
    """score_calls: moving one criterion's value towards its best never lowers the score nor breaks 'good'"""
    grid, calls = _sample()
    row = calls.index[call % len(calls)]
    g = grid.iloc[criterion % len(grid)]
    value = calls.at[row, g.criterion]
    assume(not math.isnan(value))
    better = calls.copy()
    better.at[row, g.criterion] = value + step * (g.best - value)  # towards the best, never past it
    before = audit.score_calls(calls.loc[[row]], grid).iloc[0]
    after = audit.score_calls(better.loc[[row]], grid).iloc[0]
    assert 0 <= before["score"] <= after["score"] + 1e-9 <= 100 + 1e-9
    assert after["critical_failed"] <= before["critical_failed"]
    assert after["good"] >= before["good"]


@needs_audit
@FAST
@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_interval_holds_the_rate_and_grows_with_good_calls(n, data):
    """wilson_interval: 0 ≤ low ≤ good/n ≤ high ≤ 1, and one more good call never lowers either bound"""
    good = data.draw(st.integers(min_value=0, max_value=n))
    low, high = audit.wilson_interval(good, n)
    assert 0 - 1e-12 <= low <= good / n + 1e-12 and good / n - 1e-12 <= high <= 1 + 1e-12
    if good < n:
        low2, high2 = audit.wilson_interval(good + 1, n)
        assert low2 >= low - 1e-12 and high2 >= high - 1e-12
    kind = audit.verdict(good, n)
    assert kind in {"proven", "presumption", "no_evidence"}
    assert (kind == "proven") == (high < audit.TARGET)


# --- issue 14: power, two waves, kappa, the plan, the value of an audit -----------------------

@needs_audit
@SLOWER
@given(st.floats(min_value=0.3, max_value=0.85), st.floats(min_value=0.04, max_value=0.15),
       st.sampled_from([0.5, 0.8, 0.9]))
def test_calls_needed_is_the_first_n_with_the_power(target, gap, power):
    """calls_needed: the power at the returned n reaches the goal and at n − 1 it does not; stable never comes earlier"""
    true_rate = target - gap
    n = audit.calls_needed(true_rate, target, power)
    assert audit.proof_power(n, true_rate, target) >= power
    assert n == 1 or audit.proof_power(n - 1, true_rate, target) < power
    assert audit.calls_needed(true_rate, target, power, stable=True) >= n


@needs_audit
@FAST
@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_compare_waves_is_antisymmetric_and_holds_the_difference(n1, n2, data):
    """compare_waves: −1 ≤ low ≤ difference ≤ high ≤ 1; swapping the waves negates the interval and the verdict"""
    g1, g2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    ab, ba = audit.compare_waves(g1, n1, g2, n2), audit.compare_waves(g2, n2, g1, n1)
    assert -1 - 1e-12 <= ab["difference_low"] <= ab["difference"] + 1e-12
    assert ab["difference"] - 1e-12 <= ab["difference_high"] <= 1 + 1e-12
    assert ab["difference_low"] == pytest.approx(-ba["difference_high"], abs=1e-12)
    flip = {"improved": "worse", "worse": "improved", "no_evidence": "no_evidence"}
    assert ba["verdict"] == flip[ab["verdict"]]


@needs_audit
@FAST
@given(st.lists(st.sampled_from([0, 1, 2]), min_size=2, max_size=40))
def test_kappa_reads_numbers_as_values(marks):
    """cohen_kappa: the same marks written as ints and as floats agree perfectly (1.0) whenever κ is defined"""
    kappa = audit.cohen_kappa(marks, [float(m) for m in marks])
    assert kappa == 1.0


@needs_losses
@FAST
@given(_inputs(), share, st.floats(0, 1e6), st.floats(0, 1e6), st.integers(1, 10))
def test_improvement_plan_never_pays_back_a_yearly_loss(inputs, target_rate, yearly, one_off, years):
    """improvement_plan: payback is finite exactly when the net gain is positive; NPV = −one-off + net · annuity"""
    assume(yearly + one_off > 0)
    plan = losses.improvement_plan(inputs, target_rate, yearly, one_off, years)
    assert math.isfinite(plan["payback_months"]) == (plan["net_gain"] > 0) == bool(plan["pays_back"])
    annuity = sum((1 + inputs["discount_rate"]) ** -k for k in range(1, years + 1))
    assert plan["npv"] == pytest.approx(-one_off + plan["net_gain"] * annuity, rel=1e-9, abs=1e-6)


@needs_losses
@SLOWER
@given(st.lists(st.tuples(st.floats(0.01, 0.99), st.floats(-1000, 1000)), min_size=1, max_size=30),
       st.integers(0, 60))
def test_evsi_lies_between_zero_and_evpi(draws, n_calls):
    """sample_information_value: 0 ≤ EVSI(n) ≤ EVPI, and more calls are never worth less"""
    b, net = np.array([d[0] for d in draws]), np.array([d[1] for d in draws])
    evpi = float(np.maximum(net, 0).mean() - max(net.mean(), 0))
    evsi = losses.sample_information_value(b, net, n_calls)
    assert -1e-9 <= evsi <= evpi + 1e-9
    assert losses.sample_information_value(b, net, n_calls + 5) >= evsi - 1e-9
