"""The double penalty: a call journey priced from the customer's side, worked by hand."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxkit import DataError
from cxkit import i18n
from cxkit import journey as j


def _steps(*rows):
    return pd.DataFrame(rows, columns=["step", "minutes", "service"])


SHORT = _steps(("menu", 2, False), ("wait", 3, False), ("answer", 5, True))
LONG = _steps(("menu", 5, False), ("wait", 10, False), ("answer", 10, True))


def test_call_without_cutoff_by_hand():
    """call_cost: a 10-minute call under the cut-off is one resolved attempt"""
    # 2 + 3 + 5 = 10 min ≤ 20; without service 2 + 3 = 5; money 10 × 0.5 = 5 €;
    # time 10/60 × 30 €/h = 5 €; total 10 €; useful 5/10 = 0.5
    r = j.call_cost(SHORT, 0.5, 30, cutoff_minutes=20)
    assert r["minutes"] == 10 and r["minutes_without_service"] == 5
    assert r["money_cost"] == pytest.approx(5) and r["time_cost"] == pytest.approx(5)
    assert r["total_cost"] == pytest.approx(10) and r["useful_share"] == pytest.approx(0.5)
    assert r["attempts"] == 1 and r["resolved"] is True and r["cut_minutes"] == 0


def test_call_cut_off_by_hand():
    """call_cost: a 25-minute journey with a 20-minute cut-off is cut three times"""
    # each attempt: menu 5 + wait 10 (no service) + 5 of the 10 answer minutes, then the line drops
    # 3 attempts × 20 = 60 min; without service 3 × 15 = 45; service minutes lost: useful 0
    # money 60 × 0.34 = 20.40 €; time 60/60 × 15 = 15 €; total 35.40 €
    r = j.call_cost(LONG, 0.34, 15, cutoff_minutes=20, max_attempts=3)
    assert r["minutes"] == 60 and r["minutes_without_service"] == 45 and r["cut_minutes"] == 60
    assert r["money_cost"] == pytest.approx(20.40) and r["time_cost"] == pytest.approx(15)
    assert r["total_cost"] == pytest.approx(35.40)
    assert r["useful_share"] == 0 and r["attempts"] == 3 and r["resolved"] is False


def test_cut_inside_a_no_service_step_by_hand():
    """call_cost: a cut during a no-service step counts only the minutes before the cut"""
    # cut-off 12, 2 attempts: menu 5 + 7 of the 10 waiting minutes = 12, all without service
    # → 24 min on the line, 24 without service
    r = j.call_cost(LONG, 0.0, 60, cutoff_minutes=12, max_attempts=2)
    assert r["minutes"] == 24 and r["minutes_without_service"] == 24
    assert r["money_cost"] == 0 and r["time_cost"] == pytest.approx(24)


def test_call_exactly_at_cutoff_is_resolved():
    """call_cost: a journey that ends exactly at the cut-off finishes"""
    r = j.call_cost(_steps(("wait", 15, False), ("answer", 5, True)), 0.1, 0, cutoff_minutes=20)
    assert r["resolved"] is True and r["attempts"] == 1 and r["minutes"] == 20


def test_no_cutoff_means_one_long_call():
    """call_cost: without a cut-off the 25-minute call goes to the end"""
    # 25 min, 15 without service, useful 10/25 = 0.4
    r = j.call_cost(LONG, 0.0, 0, cutoff_minutes=None)
    assert r["minutes"] == 25 and r["minutes_without_service"] == 15
    assert r["useful_share"] == pytest.approx(0.4) and r["resolved"] is True


def test_shipped_journeys():
    """load_journey: today's journey (24 min) is cut three times; the improved one takes 8 min"""
    # today: 2+7+3+4+2 = 18 min without service, then 2 of 4 diagnosis minutes at the 20-min cut
    # → 3 × 20 = 60 min, 3 × 18 = 54 without service, not resolved
    today = j.call_cost(j.load_journey("today"), 0.34, 15)
    assert today["minutes"] == 60 and today["minutes_without_service"] == 54
    assert today["resolved"] is False
    # improved: 1 + 0 + 1 + 0 + 0 = 2 min without service, 4 + 2 = 6 of service → 8 min, 75 % useful
    better = j.call_cost(j.load_journey("improved"), 0.0, 15)
    assert better["minutes"] == 8 and better["minutes_without_service"] == 2
    assert better["useful_share"] == pytest.approx(0.75) and better["money_cost"] == 0
    assert list(j.load_journey("today").columns) == list(j.COLUMNS)


@pytest.mark.parametrize("steps", [
    _steps(("menu", -1, False)),
    _steps(),
    _steps(("menu", "abc", False)),
    pd.DataFrame({"step": ["menu"], "minutes": [2]}),
])
def test_bad_steps_raise_data_error(steps):
    """call_cost: negative or non-numeric minutes, no steps or no service column are user errors"""
    with pytest.raises(DataError):
        j.call_cost(steps, 0.34, 15)


def test_bad_prices_and_attempts_raise_data_error():
    """call_cost: a negative price or zero attempts are user errors"""
    with pytest.raises(DataError):
        j.call_cost(SHORT, -0.1, 15)
    with pytest.raises(DataError):
        j.call_cost(LONG, 0.1, 15, max_attempts=0)


def test_timeline_matches_call_cost():
    """timeline: the segments end where call_cost's minutes end, the cut marked each attempt"""
    segments = j.timeline(LONG, 20, 3)
    assert segments["end"].max() == 60
    assert list(segments["attempt"].unique()) == [1, 2, 3]
    assert segments.loc[segments["cut"], "step"].tolist() == ["answer"] * 3
    short = j.timeline(SHORT, 20, 3)
    assert short["end"].max() == 10 and not short["cut"].any()


def test_labels_follow_the_language(monkeypatch):
    """timeline: labels come from label_fr in French"""
    monkeypatch.setattr(i18n, "_current", "fr")
    assert j.timeline(j.load_journey("today"))["label"].iloc[1] == "Attente"


def test_compare_side_by_side():
    """compare: one column per journey with call_cost's values"""
    table = j.compare({"today": LONG, "improved": SHORT}, {"today": 0.34, "improved": 0.0}, 15)
    assert table.loc["minutes", "today"] == 60 and table.loc["minutes", "improved"] == 10
    assert table.loc["money_cost", "improved"] == 0


@settings(max_examples=60, deadline=None)
@given(minutes=st.lists(st.floats(0, 30), min_size=1, max_size=8),
       flags=st.lists(st.booleans(), min_size=8, max_size=8),
       cutoff=st.floats(1, 60), attempts=st.integers(1, 4), price=st.floats(0, 3))
def test_call_cost_invariants(minutes, flags, cutoff, attempts, price):
    """call_cost: no-service minutes ≤ minutes ≤ attempts × max(length, cut-off); money = minutes × price"""
    steps = _steps(*[(f"s{i}", m, flags[i]) for i, m in enumerate(minutes)])
    r = j.call_cost(steps, price, 20, cutoff_minutes=cutoff, max_attempts=attempts)
    assert 0 <= r["minutes_without_service"] <= r["minutes"] + 1e-9
    assert r["minutes"] <= attempts * max(sum(minutes), cutoff) + 1e-9
    assert r["money_cost"] == pytest.approx(r["minutes"] * price)
    assert 0 <= r["useful_share"] <= 1
    assert r["resolved"] == (sum(minutes) <= cutoff)


def test_journey_panel_redraws_on_change():
    """journey_panel: a 30-minute cut-off lets today's 24-minute journey finish in the results"""
    from cxkit.panels import journey as panel

    layout = panel.journey_panel()
    results = next(w for w in layout.children if "cxkit-journey-results" in w._dom_classes)
    assert "60.0" in results.value  # 3 attempts × 20 min
    prices = layout.children[1].children[1]
    cutoff = prices.children[1].children[1]
    cutoff.value = 30
    assert "24.0" in results.value and "60.0" not in results.value
