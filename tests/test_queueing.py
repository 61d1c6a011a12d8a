"""Staffing and waiting: Erlang B/C/A against hand and textbook values, the seeded
simulation against the formulas, and the dropped-calls trick."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln, logsumexp

from cxkit import DataError
from cxkit import queueing as q


def _erlang_c_by_logs(a: float, n: int) -> float:
    """Erlang C straight from its definition, in log space (an independent check)."""
    k = np.arange(n)
    terms = k * math.log(a) - gammaln(k + 1)
    top = n * math.log(a) - gammaln(n + 1) + math.log(n / (n - a))
    return math.exp(top - logsumexp(np.append(terms, top)))


def test_erlang_b_by_hand():
    """erlang_b: A = 1, N = 2 gives B = 0.2 by the recursion worked by hand"""
    # B(0)=1; B(1)=1·1/(1+1)=0.5; B(2)=1·0.5/(2+0.5)=0.2
    assert q.erlang_b(1, 2) == pytest.approx(0.2)


def test_erlang_c_small_by_hand():
    """erlang_c: M/M/2 with A = 1 waits with probability 1/3"""
    # B(1,2)=0.2 → C = 2·0.2 / (2 − 1·(1 − 0.2)) = 0.4 / 1.2 = 1/3
    assert q.erlang_c(1, 2) == pytest.approx(1 / 3)


def test_erlang_c_textbook():
    """erlang_c: the textbook case A = 10 Erlangs, N = 12 agents gives 0.4494"""
    # B(10,12)=0.11974 → C = 12·0.11974 / (12 − 10·0.88026) = 1.43687 / 3.19739 = 0.44939
    assert q.erlang_c(10, 12) == pytest.approx(0.4494, abs=5e-5)


def test_erlang_c_is_one_when_understaffed():
    """erlang_c: with no more agents than Erlangs every call waits"""
    assert q.erlang_c(10, 10) == 1.0
    assert q.erlang_c(10.5, 7) == 1.0
    assert q.erlang_c(400, 399) == 1.0


@pytest.mark.parametrize("a,n", [(400, 410), (400, 420), (400, 440), (4900, 5000)])
def test_erlang_c_large_centres(a, n):
    """erlang_c: large centres (400 and 4,900 Erlangs) match the log-space definition"""
    value = q.erlang_c(a, n)
    assert 0 < value < 1
    assert value == pytest.approx(_erlang_c_by_logs(a, n), rel=1e-9)


def test_service_level_and_asa_by_hand():
    """service_level, ASA: 120 calls/h, AHT 300 s, 12 agents, 20 s match the hand formulas"""
    # A = 120·300/3600 = 10; C = 0.44939
    # SL = 1 − 0.44939·exp(−(12−10)·20/300) = 1 − 0.44939·0.87517 = 0.60671
    # ASA = 0.44939·300/(12−10) = 67.41 s
    assert q.service_level(120, 300, 12, 20) == pytest.approx(0.60671, abs=1e-5)
    assert q.average_speed_of_answer(120, 300, 12) == pytest.approx(67.408, abs=1e-3)


def test_understaffed_service_level_zero_and_asa_infinite():
    """service_level is 0 and ASA infinite when agents ≤ traffic"""
    assert q.service_level(120, 300, 10, 20) == 0.0
    assert q.average_speed_of_answer(120, 300, 9) == math.inf


def test_agents_needed_is_the_smallest():
    """agents_needed: 14 agents reach 80 % in 20 s for 10 Erlangs, 13 do not"""
    # SL(13) = 0.7664 < 0.8 ≤ SL(14) = 0.8666
    assert q.agents_needed(120, 300, 20, 0.8) == 14
    assert q.service_level(120, 300, 13, 20) < 0.8 <= q.service_level(120, 300, 14, 20)


def test_agents_needed_large_centre():
    """agents_needed: for 400 Erlangs the answer meets the goal and one fewer does not"""
    n = q.agents_needed(4800, 300, 20, 0.8)
    assert n > 400
    assert q.service_level(4800, 300, n - 1, 20) < 0.8 <= q.service_level(4800, 300, n, 20)


def test_staffing_table_matches_the_single_formulas():
    """staffing_table: each row equals erlang_c, service_level and ASA for that staffing"""
    table = q.staffing_table(120, 300, 20, max_agents=30)
    assert list(table["agents"]) == list(range(1, 31))
    for n in (5, 10, 11, 12, 14, 30):
        row = table.iloc[n - 1]
        assert row["p_wait"] == pytest.approx(q.erlang_c(10, n), rel=1e-12)
        assert row["service_level"] == pytest.approx(q.service_level(120, 300, n, 20), rel=1e-12)
        assert row["asa_seconds"] == pytest.approx(q.average_speed_of_answer(120, 300, n), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.1, 300), extra=st.integers(1, 60), target=st.floats(0, 120))
def test_more_agents_never_hurt(a, extra, target):
    """Erlang C: one more agent never raises the waiting probability nor lowers the service level"""
    n = int(math.floor(a)) + extra
    calls = a * 3600 / 180
    assert 0 <= q.erlang_c(a, n + 1) <= q.erlang_c(a, n) <= 1
    assert q.service_level(calls, 180, n + 1, target) >= q.service_level(calls, 180, n, target) - 1e-12


def test_bad_inputs_raise_data_error():
    """queueing: negative traffic, fractional agents and a 100 % goal are user errors"""
    with pytest.raises(DataError):
        q.erlang_c(-1, 3)
    with pytest.raises(DataError):
        q.erlang_c(2, 3.5)
    with pytest.raises(DataError):
        q.agents_needed(120, 300, 20, 1.0)


# --- Erlang A ------------------------------------------------------------------------------

def test_erlang_a_single_agent_by_hand():
    """erlang_a: λ = μ = θ = 1/min with one agent gives a Poisson(1) chain"""
    # death rates d_k = μ + (k−1)θ = k/60 and λ = 1/60, so π_k ∝ 1/k!: Poisson(1)
    # p_wait = 1 − e^-1 = 0.63212; E[Lq] = E[k] − 1 + π_0 = e^-1
    # p_abandon = θ·E[Lq]/λ = e^-1 = 0.36788; mean wait = E[Lq]/λ = 60·e^-1 = 22.073 s
    r = q.erlang_a(60, 60, 1, 60)
    assert r["p_wait"] == pytest.approx(1 - math.exp(-1), rel=1e-9)
    assert r["p_abandon"] == pytest.approx(math.exp(-1), rel=1e-9)
    assert r["mean_wait"] == pytest.approx(60 * math.exp(-1), rel=1e-9)
    assert r["served"] == pytest.approx(1 - math.exp(-1), rel=1e-9)


def test_erlang_a_service_level_limits_by_hand():
    """erlang_a_service_level: T = 0 gives P(no wait) and a huge T the share served"""
    # same chain as above: P(no wait) = π_0 = e^-1; answered eventually = 1 − p_abandon = 1 − e^-1
    assert q.erlang_a_service_level(60, 60, 1, 60, 0) == pytest.approx(math.exp(-1), rel=1e-6)
    assert q.erlang_a_service_level(60, 60, 1, 60, 1e5) == pytest.approx(1 - math.exp(-1), rel=1e-6)


@pytest.mark.parametrize("calls,n", [(120, 12), (4800, 410)])
def test_erlang_a_tends_to_erlang_c(calls, n):
    """erlang_a: as patience grows the results tend to Erlang C"""
    a = calls * 300 / 3600
    c = q.erlang_c(a, n)
    r = q.erlang_a(calls, 300, n, 1e8)
    assert r["p_wait"] == pytest.approx(c, rel=1e-3)
    assert r["p_abandon"] < 1e-4
    assert r["mean_wait"] == pytest.approx(q.average_speed_of_answer(calls, 300, n), rel=1e-3)
    assert q.erlang_a_service_level(calls, 300, n, 1e8, 20) == pytest.approx(
        q.service_level(calls, 300, n, 20), rel=1e-3)


def test_erlang_a_infinite_patience_is_erlang_c():
    """erlang_a: patience = inf returns Erlang C exactly"""
    r = q.erlang_a(120, 300, 12, math.inf)
    assert r["p_wait"] == q.erlang_c(10, 12)
    assert r["p_abandon"] == 0.0


def test_erlang_a_stable_when_understaffed():
    """erlang_a: with fewer agents than Erlangs impatience keeps the queue finite"""
    # A = 15 Erlangs, 12 agents: at least 1 − 12/15 = 20 % must hang up (agents cannot serve more)
    r = q.erlang_a(180, 300, 12, 120)
    assert 0.2 <= r["p_abandon"] < 1
    assert 0 < r["p_wait"] < 1 and math.isfinite(r["mean_wait"])
    big = q.erlang_a(48_000, 300, 3_900, 60)  # 4,000 Erlangs, 3,900 agents
    assert 0.025 <= big["p_abandon"] < 0.2


@settings(max_examples=25, deadline=None)
@given(a=st.floats(0.5, 60), n=st.integers(1, 70), patience=st.floats(5, 3000))
def test_erlang_a_conservation(a, n, patience):
    """erlang_a: answered callers never exceed agent capacity and shares stay in [0, 1]"""
    calls = a * 3600 / 200
    r = q.erlang_a(calls, 200, n, patience)
    assert 0 <= r["p_abandon"] <= 1 and 0 <= r["p_wait"] <= 1
    # carried load (1 − p_ab)·A Erlangs cannot exceed N agents
    assert (1 - r["p_abandon"]) * a <= n + 1e-9


# --- simulation ----------------------------------------------------------------------------

def test_simulation_agrees_with_erlang_c():
    """simulate_queue: with nobody hanging up it matches Erlang C within sampling error"""
    sim = q.simulate_queue(120, 300, 12, n_calls=300_000, target_seconds=20, seed=1)
    # 5 seeds of 400,000 calls gave a spread (sd) of 0.004 on p_wait and SL, 2.8 s on the wait
    assert sim["p_abandon"] == 0.0
    assert sim["p_wait"] == pytest.approx(q.erlang_c(10, 12), abs=0.02)
    assert sim["service_level"] == pytest.approx(q.service_level(120, 300, 12, 20), abs=0.02)
    assert sim["mean_wait"] == pytest.approx(q.average_speed_of_answer(120, 300, 12), rel=0.15)


def test_simulation_agrees_with_erlang_a():
    """simulate_queue: with patience it matches Erlang A within sampling error"""
    sim = q.simulate_queue(200, 300, 12, 120, n_calls=300_000, target_seconds=20, seed=2)
    r = q.erlang_a(200, 300, 12, 120)
    assert sim["p_wait"] == pytest.approx(r["p_wait"], abs=0.01)
    assert sim["p_abandon"] == pytest.approx(r["p_abandon"], abs=0.01)
    assert sim["mean_wait"] == pytest.approx(r["mean_wait"], rel=0.03)
    assert sim["mean_wait_answered"] == pytest.approx(r["mean_wait_answered"], rel=0.03)
    assert sim["service_level"] == pytest.approx(q.erlang_a_service_level(200, 300, 12, 120, 20), abs=0.01)


def test_simulation_is_seeded():
    """simulate_queue: the same seed gives the same result, another seed a different one"""
    one = q.simulate_queue(100, 240, 8, 90, n_calls=5_000, seed=7)
    assert one == q.simulate_queue(100, 240, 8, 90, n_calls=5_000, seed=7)
    assert one != q.simulate_queue(100, 240, 8, 90, n_calls=5_000, seed=8)


# --- the outsourcer's trick ----------------------------------------------------------------

def test_dropped_calls_by_hand():
    """dropped_calls: 20 % hung up on after 10 s shortens AHT to 242 s and flatters the dashboard"""
    # AHT' = 0.8·300 + 0.2·10 = 242 s; A' = 120·242/3600 = 8.067 Erlangs on 11 agents
    r = q.dropped_calls(120, 300, 11, 20, 0.2)
    assert r["effective_aht"] == pytest.approx(242)
    assert r["reported_service_level"] == pytest.approx(q.service_level(120, 242, 11, 20))
    assert r["really_served"] == pytest.approx(0.8)
    assert r["served_within_target"] == pytest.approx(0.8 * r["reported_service_level"])
    assert r["honest_service_level"] == pytest.approx(q.service_level(120, 300, 11, 20))
    assert r["reported_service_level"] > 2 * r["honest_service_level"]


def test_dropped_calls_table_dashboard_up_service_down():
    """dropped_calls_table: more drops raise the reported level while fewer callers are served"""
    table = q.dropped_calls_table(120, 300, 11, 20, [0, 0.1, 0.2, 0.3])
    assert table["reported_service_level"].is_monotonic_increasing
    assert table["really_served"].is_monotonic_decreasing
    assert table["reported_service_level"].iloc[0] == pytest.approx(table["honest_service_level"].iloc[0])


def test_detection_probability_by_hand():
    """detection_probability: 30 mystery calls meet a 10 % drop rate with probability 1 − 0.9^30"""
    # 0.9^30 = 0.04239 → 0.95761
    assert q.detection_probability(0.1, 30) == pytest.approx(0.95761, abs=1e-5)
    assert q.detection_probability(0.0, 30) == 0.0
    with pytest.raises(DataError):
        q.detection_probability(1.5, 10)


def test_simulation_check_table():
    """simulation_check: formula and simulation columns agree, rows labelled in the language"""
    table = q.simulation_check(200, 300, 12, 120, n_calls=100_000, seed=3)
    assert list(table.columns) == ["Formula (Erlang A)", "Simulation (seeded)"]
    assert table.index[0] == "Probability of waiting"
    assert table.iloc[0, 0] == pytest.approx(round(q.erlang_a(200, 300, 12, 120)["p_wait"], 3))
    assert (table.iloc[[0, 1, 3], 0] - table.iloc[[0, 1, 3], 1]).abs().max() < 0.02


def test_staffing_figures_text():
    """staffing_html: 10 Erlangs on 12 agents shows 61 % within 20 s and 14 agents needed for 80 %"""
    from cxkit.panels.queueing import staffing_html

    text = staffing_html(120, 300, 12, 20, 0.8)
    assert "61%" in text and "14 agents" in text and "67.4 s" in text
