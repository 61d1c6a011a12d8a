"""cxkit.retention: lifetime value, the retention gain, the cliff, keep or replace, delight."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxkit import retention as r


def test_clv_by_hand():
    """clv: m·r/(1+d−r) with m=100, r=0.8, d=0.1 is 266.67"""
    # 100 · 0.8 / (1 + 0.1 − 0.8) = 80 / 0.3 = 266.666…
    assert r.clv(100, 0.8, 0.1) == pytest.approx(266.6667, abs=1e-4)


def test_clv_refuses_retention_beyond_one_plus_discount():
    """clv: a denominator 1 + d − r ≤ 0 is refused"""
    with pytest.raises(ValueError):
        r.clv(100, 1.1, 0.05)


def test_expected_lifetime_by_hand():
    """expected_lifetime: 1/(1−r) is 5 years at r=0.8 and 10 years at r=0.9"""
    assert r.expected_lifetime(0.8) == pytest.approx(5.0)
    assert r.expected_lifetime(0.9) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        r.expected_lifetime(1.0)


def test_base_value_by_hand():
    """base_value: 1,000 customers × clv(100, 0.8, 0.1) = 266,666.67"""
    # 1000 · 80 / 0.3 = 266 666.67
    assert r.base_value(1000, 100, 0.8, 0.1) == pytest.approx(266666.667, abs=1e-2)


def test_retention_gain_by_hand_without_acquisition_cost():
    """retention_gain: from r=0.8 to 0.85 at d=0.1 the value rises 27.5 %"""
    # before 80/0.3 = 266.67; after 85/0.25 = 340; gain 73.33; 73.33/266.67 = 0.275
    res = r.retention_gain(100, 0.8, 0.1)
    assert res["clv_after"] == pytest.approx(340.0)
    assert res["gain"] == pytest.approx(73.3333, abs=1e-4)
    assert res["relative_gain"] == pytest.approx(0.275)
    assert res["lifetime_after"] == pytest.approx(1 / 0.15)


def test_retention_gain_by_hand_with_acquisition_cost():
    """retention_gain: an acquisition cost of 200 turns the 27.5 % into 110 %"""
    # v(r) = 266.67 − 200 = 66.67; gain 73.33 / 66.67 = 1.1
    res = r.retention_gain(100, 0.8, 0.1, acquisition_cost=200)
    assert res["relative_gain"] == pytest.approx(1.1)


def test_retention_gain_is_nan_when_customers_are_won_at_a_loss():
    """retention_gain: no relative gain when the acquisition cost exceeds the lifetime value"""
    assert math.isnan(r.retention_gain(100, 0.8, 0.1, acquisition_cost=300)["relative_gain"])


def test_retention_gain_grid_matches_the_scalar_function():
    """retention_gain_grid: each row equals retention_gain at that churn and discount rate"""
    grid = r.retention_gain_grid(100, [0.05, 0.1], acquisition_cost=100)
    for row in grid.sample(5, random_state=0).itertuples():
        expected = r.retention_gain(100, 1 - row.churn, row.discount_rate, acquisition_cost=100)
        assert row.relative_gain == pytest.approx(expected["relative_gain"])


@settings(max_examples=60, deadline=None)
@given(m=st.floats(10, 5000), keep=st.floats(0.3, 0.9), d=st.floats(0.0, 0.3))
def test_clv_grows_with_retention(m, keep, d):
    """clv: keeping more customers never lowers the lifetime value"""
    assert r.clv(m, keep + 0.05, d) > r.clv(m, keep, d)


@settings(max_examples=60, deadline=None)
@given(m=st.floats(10, 5000), keep=st.floats(0.3, 0.9), d=st.floats(0.0, 0.3), ratio=st.floats(0.05, 0.95))
def test_relative_gain_does_not_depend_on_margin_without_acquisition_cost(m, keep, d, ratio):
    """retention_gain: with no acquisition cost the relative gain is the same at any margin,
    and an acquisition cost (a share of clv) always raises it"""
    plain = r.retention_gain(m, keep, d)["relative_gain"]
    assert plain == pytest.approx(r.retention_gain(2 * m, keep, d)["relative_gain"])
    cost = ratio * r.clv(m, keep, d)
    assert r.retention_gain(m, keep, d, acquisition_cost=cost)["relative_gain"] > plain


def test_window_months():
    """window_months: every 3 years over 10 years opens windows at months 36, 72 and 108"""
    assert r.window_months(10, 3).tolist() == [36, 72, 108]


def test_expected_remaining_by_hand():
    """expected_remaining: 1,000 · 0.96³ · 0.65 = 575.08 right after the first 3-year window"""
    # steady: (1 − 0.04)^(36/12) = 0.884736; window q = 0.35 → × 0.65 = 0.5750784
    value = r.expected_remaining(1000, [36], yearly_churn=0.04, switch_every=3, leave_at_window=0.35)
    assert value[0] == pytest.approx(575.0784)


def test_competitor_offer_raises_the_window_share_by_hand():
    """expected_remaining: an offer o=0.5 makes q = 0.35 + 0.5·0.65 = 0.675 at the window"""
    # 1000 · 0.325 (no steady churn) = 325
    value = r.expected_remaining(1000, [12], yearly_churn=0.0, switch_every=1, leave_at_window=0.35,
                                 competitor_offer=0.5)
    assert value[0] == pytest.approx(325.0)


def test_cohort_simulation_is_seeded():
    """cohort_simulation: the same seed gives the same table, another seed another one"""
    a, b = r.cohort_simulation(seed=1), r.cohort_simulation(seed=1)
    assert a.equals(b)
    assert not a["customers"].equals(r.cohort_simulation(seed=2)["customers"])


def test_cohort_simulation_follows_its_expectation():
    """cohort_simulation: with 200,000 customers each count is within 1 % of the expectation"""
    sim = r.cohort_simulation(200_000, 9, switch_every=3, leave_at_window=0.4, seed=3)
    rel = (sim["customers"] - sim["expected"]).abs() / sim["expected"]
    assert rel.max() < 0.01


def test_cohort_simulation_has_its_cliff_at_the_windows():
    """cohort_simulation: unhappy customers drop by about q at a window and barely move between"""
    sim = r.cohort_simulation(100_000, 6, churn_unhappy=0.0, switch_every=2, leave_at_window=0.3, seed=4)
    u = sim[sim["cohort"] == "unhappy"].set_index("month")["customers"]
    assert u[23] == 100_000                       # no churn at all before the first window
    assert u[24] / u[23] == pytest.approx(0.7, abs=0.01)
    assert u[47] == u[24]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 500), years=st.integers(1, 8), every=st.integers(1, 4),
       leave=st.floats(0, 1), offer=st.floats(0, 1), seed=st.integers(0, 1000))
def test_cohort_counts_never_increase(n, years, every, leave, offer, seed):
    """cohort_simulation: customers remaining start at n and never increase"""
    sim = r.cohort_simulation(n, years, switch_every=every, leave_at_window=leave,
                              competitor_offer=offer, seed=seed)
    for _, part in sim.groupby("cohort"):
        counts = part.sort_values("month")["customers"].to_numpy()
        assert counts[0] == n and np.all(np.diff(counts) <= 0) and counts.min() >= 0


def test_cliff_revenue_loss_by_hand():
    """cliff_revenue_loss: Σ(S−U)·R/12 on a two-month toy table"""
    import pandas as pd

    sim = pd.DataFrame({"month": [0, 1, 2, 0, 1, 2], "cohort": ["satisfied"] * 3 + ["unhappy"] * 3,
                        "customers": [10, 10, 8, 10, 9, 4]})
    # satisfied months 1–2: 18 customer-months; unhappy 13; × 1200/12 = 1800 vs 1300
    res = r.cliff_revenue_loss(sim, 1200)
    assert (res["satisfied"], res["unhappy"], res["loss"]) == pytest.approx((1800, 1300, 500))


def test_keep_or_replace_by_hand():
    """keep_or_replace: 500 customers × 60 € × 5 = 150,000 € against 30,000 €"""
    assert r.keep_or_replace(500, 60, 5) == pytest.approx({"keep": 30000, "replace": 150000, "saving": 120000})


def test_delight_scenario_by_hand():
    """delight_scenario: purchases 2–4 at years 5, 10, 15 at 5 % plus 2 × 0.25 referrals"""
    # 1000/1.05^5 = 783.53, 1000/1.05^10 = 613.91, 1000/1.05^15 = 481.02 → 1878.46
    # referral 2 · 0.25 · 1000 / 1.05 = 476.19; net 2354.65 − 100 = 2254.65; multiple 23.55
    res = r.delight_scenario(100, 1000, purchases_with=4, years_between=5, referrals=2,
                             referral_conversion=0.25, discount_rate=0.05)
    assert res["repeat"] == pytest.approx(1878.46, abs=0.01)
    assert res["referral"] == pytest.approx(476.19, abs=0.01)
    assert res["net"] == pytest.approx(2254.65, abs=0.02)
    assert res["multiple"] == pytest.approx(23.55, abs=0.01)


def test_delight_without_extra_purchases_is_only_referrals():
    """delight_scenario: with purchases_with = purchases_without no repeat value is counted"""
    res = r.delight_scenario(50, 1000, purchases_with=1, referrals=0)
    assert res["repeat"] == 0 and res["net"] == -50


def test_clv_panel_redraws_when_a_slider_moves():
    """panels: moving the retention slider from 80 % to 90 % changes the value shown to €1,500"""
    from cxkit.panels import retention as panels

    panel = panels.clv_panel()
    text = panel.children[4]
    assert "€857" in text.value  # 300 · 0.8 / (1.08 − 0.8) = 857.14
    panel.children[1].value = 0.90
    assert "€1,500" in text.value and "10.0 years" in text.value  # 300 · 0.9 / 0.18 = 1500; 1/0.1


def test_clv_on_arrays_element_by_element():
    """clv: arrays of draws give each draw's value (100·0.8/0.3 = 266.67, 200·0.9/0.2 = 900)"""
    values = r.clv(np.array([100.0, 200.0]), np.array([0.8, 0.9]), np.array([0.1, 0.1]))
    np.testing.assert_allclose(values, [800 / 3, 900.0])
    with pytest.raises(ValueError):
        r.clv(np.array([100.0, 100.0]), np.array([0.8, 1.2]), 0.1)
