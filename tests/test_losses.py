"""The loss model (issue 6): formula, validation, simulation, sensitivity and decisions."""
from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxkit import DataError, losses
from cxkit.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent

# A small company worked out by hand:
#   clv          = 100 · 0.8 / (1 + 0.1 − 0.8) = 80 / 0.3 = 266.667
#   badly_served = 1000 · 0.5 · 0.2 = 100
#   defectors    = 100 · (0.75 · 0.2 + 0.25 · 0.1) = 17.5
HAND = {
    "customers": 1000, "contact_rate": 0.5, "bad_call_rate": 0.2, "repeat_calls": 1.5,
    "complain_rate": 0.25, "churn_if_silent": 0.2, "churn_if_complained": 0.1,
    "annual_margin": 100, "retention_rate": 0.8, "discount_rate": 0.1,
    "wom_reach": 4, "wom_loss": 0.05, "prospect_calls": 500, "conversion_rate": 0.2,
    "acquisition_cost": 200, "cost_per_call": 4,
}
HAND_LOSS = {
    "churn": 17.5 * 80 / 0.3,                  # 4 666.67
    "word_of_mouth": 100 * 4 * 0.05 * 80 / 0.3,  # 20 · 266.667 = 5 333.33
    "lost_sales": 500 * 0.2 * 0.2 * 80 / 0.3,    # 20 · 266.667 = 5 333.33
    "replacement": 17.5 * 200,                 # 3 500
    "rework": 100 * 1.5 * 4,                   # 600
}
HAND_TOTAL = 46000 / 3 + 4100                  # 19 433.33


def _csv(frame: pd.DataFrame, sep: str = ",", decimal: str = ".") -> bytes:
    return frame.reset_index().to_csv(sep=sep, decimal=decimal, index=False).encode("utf-8")


#: The workshop's first sample company (the figures issue 14 quotes: €469,028 a year at
#: likely values), pinned here so that the hand computations do not follow data/ edits.
ISSUE14 = {  # name: (low, likely, high)
    "customers": (20000, 20000, 20000), "contact_rate": (0.30, 0.45, 0.60),
    "bad_call_rate": (0.10, 0.20, 0.35), "repeat_calls": (0.5, 1, 2), "complain_rate": (0.05, 0.15, 0.30),
    "churn_if_silent": (0.10, 0.20, 0.35), "churn_if_complained": (0.05, 0.12, 0.25),
    "annual_margin": (80, 120, 180), "retention_rate": (0.75, 0.85, 0.90), "discount_rate": (0.06, 0.08, 0.12),
    "wom_reach": (2, 5, 10), "wom_loss": (0.01, 0.03, 0.08), "prospect_calls": (3000, 5000, 8000),
    "conversion_rate": (0.10, 0.20, 0.30), "acquisition_cost": (150, 300, 500), "cost_per_call": (3, 5, 8),
}


def _issue14() -> pd.DataFrame:
    """The shipped assumptions' labels and sources with the ISSUE14 figures."""
    frame = losses.load_assumptions().copy()
    for name, values in ISSUE14.items():
        frame.loc[name, ["low", "likely", "high"]] = [float(v) for v in values]
    return frame


def _fixed(values: dict) -> pd.DataFrame:
    """Assumptions with low = likely = high = the given values."""
    frame = losses.load_assumptions().copy()
    for name, value in values.items():
        frame.loc[name, ["low", "likely", "high"]] = float(value)
    return frame


# --- the formula ----------------------------------------------------------------------

def test_annual_loss_matches_the_hand_computation():
    """annual_loss: every component and the total equal the values worked out by hand"""
    loss = losses.annual_loss(HAND)
    assert list(loss.index) == ["churn", "word_of_mouth", "lost_sales", "replacement", "rework", "total"]
    for name, value in HAND_LOSS.items():
        assert loss[name] == pytest.approx(value, rel=1e-12), name
    assert loss["total"] == pytest.approx(HAND_TOTAL, rel=1e-12)


def test_annual_loss_of_the_sample_company():
    """annual_loss: issue 14's sample company loses about €469,028 a year at likely values"""
    # clv = 120·0.85/0.23 = 443.478; badly_served = 20000·0.45·0.2 = 1800;
    # defectors = 1800·(0.85·0.2 + 0.15·0.12) = 338.4
    # churn 150 073.04 + wom 1800·5·0.03·443.478 = 119 739.13 + lost 5000·0.2·0.2·443.478 = 88 695.65
    # + replacement 338.4·300 = 101 520 + rework 1800·1·5 = 9 000 → 469 027.83
    loss = losses.annual_loss(losses.likely_values(_issue14()))
    assert loss["total"] == pytest.approx(469027.826087, rel=1e-9)
    assert loss["replacement"] == pytest.approx(101520.0)


def test_customer_value_uses_the_retention_formula():
    """customer_value: 100·0.8/(1.1−0.8) = 266.67 for numbers and element by element for arrays"""
    assert losses.customer_value(100, 0.8, 0.1) == pytest.approx(266.6666667)
    arr = losses.customer_value(np.array([100.0, 50.0]), np.array([0.8, 0.5]), np.array([0.1, 0.0]))
    assert arr == pytest.approx([266.6666667, 50.0])  # 50·0.5/(1−0.5) = 50


def test_zero_bad_calls_lose_nothing():
    """annual_loss: with no badly handled call, every component is zero"""
    loss = losses.annual_loss({**HAND, "bad_call_rate": 0.0})
    assert (loss == 0).all()


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({
    name: (st.floats(0, 0.95) if name in losses.SHARES else st.floats(0, 1e5))
    for name in losses.INPUTS}))
def test_vectorised_formula_equals_the_scalar_one(values):
    """loss_components: on arrays it gives, draw by draw, what annual_loss gives on numbers"""
    scalar = losses.annual_loss(values)
    arrays = {k: np.array([v, v / 2]) for k, v in values.items()}
    parts = losses.loss_components(arrays)
    half = losses.annual_loss({k: v / 2 for k, v in values.items()})
    assert parts["total"][0] == pytest.approx(scalar["total"], rel=1e-9, abs=1e-6)
    assert parts["total"][1] == pytest.approx(half["total"], rel=1e-9, abs=1e-6)
    assert scalar["total"] == pytest.approx(scalar.drop("total").sum(), rel=1e-9, abs=1e-6)
    assert scalar["total"] >= 0


# --- validation -------------------------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("bad_call_rate", 1.5), ("complain_rate", -0.1), ("customers", -1), ("cost_per_call", -2),
    ("annual_margin", float("nan")), ("wom_reach", "many"),
])
def test_out_of_range_inputs_are_refused_by_name(name, value):
    """annual_loss: a share outside [0, 1], a negative amount or a non-number names the input"""
    with pytest.raises(DataError, match=name):
        losses.annual_loss({**HAND, name: value})


def test_missing_input_is_named():
    """annual_loss: a missing input raises DataError naming it"""
    values = dict(HAND)
    del values["wom_loss"]
    with pytest.raises(DataError, match="wom_loss"):
        losses.annual_loss(values)


def test_retention_must_stay_below_one_plus_discount():
    """annual_loss: retention 1.1 with discount 0.1 (infinite customer value) is refused"""
    with pytest.raises(DataError, match="retention_rate"):
        losses.annual_loss({**HAND, "retention_rate": 1.0, "discount_rate": 0.0})


def test_error_messages_are_in_french_too():
    """annual_loss: the error names the input in French when the language is French"""
    set_language("fr")
    with pytest.raises(DataError, match="la donnée «\u00a0bad_call_rate\u00a0» est une part"):
        losses.annual_loss({**HAND, "bad_call_rate": 2})


# --- assumptions file -----------------------------------------------------------------

def test_shipped_assumptions_are_complete_and_sourced():
    """load_assumptions: 16 inputs in the model's order, low ≤ likely ≤ high, every source given"""
    frame = losses.load_assumptions()
    assert list(frame.index) == list(losses.INPUTS)
    assert (frame["low"] <= frame["likely"]).all() and (frame["likely"] <= frame["high"]).all()
    assert frame["source"].str.strip().str.len().gt(0).all()
    assert frame["label_fr"].str.len().gt(0).all() and frame["label_en"].str.len().gt(0).all()


def test_french_sources_come_from_the_shipped_file_only():
    """load_assumptions: the shipped file's source_fr is kept (blank → source); a user's file
    shows its own source in both languages, never a French one left over from the shipped file"""
    from cxkit.i18n import localized

    shipped = losses.load_assumptions()
    row = shipped.loc["bad_call_rate"]
    assert localized(row, "source", "fr").startswith("Campagne d'exemple") and localized(row, "source", "en") == row["source"]
    assert shipped.at["contact_rate", "source_fr"] == "workshop estimate"
    mine = shipped.reset_index()
    mine.loc[mine["name"] == "bad_call_rate", "source"] = "Our own audit, March"
    mine = losses.load_assumptions(mine)
    assert localized(mine.loc["bad_call_rate"], "source", "fr") == "Our own audit, March"
    audited = losses.from_audit(shipped, _scored(7, 10))
    assert "10 calls" in audited.at["bad_call_rate", "source"] and "10 appels" in audited.at["bad_call_rate", "source_fr"]


def test_every_input_is_documented_in_the_data_readme():
    """data/README.md: the losses section names every input of assumptions.csv"""
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section: losses (issue 6) -->")[1].split("<!-- section:")[0]
    for name in losses.INPUTS:
        assert f"`{name}`" in section, name


def test_low_above_likely_names_row_and_column():
    """load_assumptions: low > likely is refused with the file, spreadsheet row and column"""
    frame = losses.load_assumptions()
    frame.loc["bad_call_rate", "low"] = 0.5  # bad_call_rate is the 3rd input → spreadsheet row 4
    with pytest.raises(DataError) as err:
        losses.load_assumptions(_csv(frame), name="mine.csv")
    assert (err.value.file, err.value.row, err.value.column) == ("mine.csv", 4, "low")
    assert "bad_call_rate" in str(err.value)


def test_likely_above_high_is_refused():
    """load_assumptions: likely > high is refused at the `high` column"""
    frame = losses.load_assumptions()
    frame.loc["cost_per_call", "high"] = 1.0
    with pytest.raises(DataError, match="cost_per_call") as err:
        losses.load_assumptions(_csv(frame), name="mine.csv")
    assert err.value.column == "high"


def test_empty_source_is_refused():
    """load_assumptions: an input without a source is refused at the `source` column"""
    frame = losses.load_assumptions()
    frame.loc["wom_reach", "source"] = ""
    with pytest.raises(DataError, match="wom_reach") as err:
        losses.load_assumptions(_csv(frame), name="mine.csv")
    assert err.value.column == "source"


def test_unknown_missing_and_repeated_inputs_are_refused():
    """load_assumptions: a misspelt, a missing or a repeated input name is refused"""
    frame = losses.load_assumptions().reset_index()
    typo = frame.copy()
    typo.loc[0, "name"] = "custommers"
    with pytest.raises(DataError, match="custommers"):
        losses.load_assumptions(typo.to_csv(index=False).encode(), name="a.csv")
    with pytest.raises(DataError, match="cost_per_call"):
        losses.load_assumptions(frame.iloc[:-1].to_csv(index=False).encode(), name="a.csv")
    with pytest.raises(DataError, match="customers"):
        losses.load_assumptions(pd.concat([frame, frame.iloc[[0]]]).to_csv(index=False).encode(), name="a.csv")


def test_row_without_a_name_is_refused():
    """load_assumptions: an empty name cell is refused at its row and the `name` column"""
    frame = losses.load_assumptions().reset_index()
    frame.loc[1, "name"] = ""  # second data row → spreadsheet row 3
    with pytest.raises(DataError) as err:
        losses.load_assumptions(frame.to_csv(index=False).encode(), name="a.csv")
    assert (err.value.row, err.value.column) == (3, "name")


def test_share_above_one_in_a_file_is_refused():
    """load_assumptions: a high share of 1.2 is refused at its row and column"""
    frame = losses.load_assumptions()
    frame.loc["contact_rate", "high"] = 1.2
    with pytest.raises(DataError, match="contact_rate") as err:
        losses.load_assumptions(_csv(frame), name="mine.csv")
    assert (err.value.row, err.value.column) == (3, "high")


def test_french_spreadsheet_with_only_the_required_columns_loads():
    """load_assumptions: ';' and decimal comma, without labels: labels come from the shipped file"""
    shipped = losses.load_assumptions()
    frame = shipped[["low", "likely", "high", "source"]].copy()
    frame.loc["bad_call_rate", ["low", "likely", "high"]] = [0.05, 0.12, 0.2]
    loaded = losses.load_assumptions(_csv(frame, sep=";", decimal=","), name="mine.csv")
    assert loaded.at["bad_call_rate", "likely"] == 0.12
    assert loaded.at["bad_call_rate", "label_fr"] == shipped.at["bad_call_rate", "label_fr"]
    assert loaded.attrs["source"] == "mine.csv"


def test_with_likely_stretches_the_range():
    """with_likely: a likely value outside low–high stretches the range to include it"""
    frame = losses.with_likely(_issue14(), {"bad_call_rate": 0.5, "contact_rate": 0.2})
    assert tuple(frame.loc["bad_call_rate", ["low", "likely", "high"]]) == (0.10, 0.5, 0.5)
    assert tuple(frame.loc["contact_rate", ["low", "likely", "high"]]) == (0.2, 0.2, 0.60)


# --- simulation ------------------------------------------------------------------------

def test_simulation_shape_and_columns():
    """simulate: one row per draw, one column per component plus total, total = their sum"""
    sims = losses.simulate(losses.load_assumptions(), n=500, seed=1)
    assert sims.shape == (500, 6)
    assert list(sims.columns) == [*losses.COMPONENTS, "total"]
    assert np.allclose(sims["total"], sims[list(losses.COMPONENTS)].sum(axis=1))


def test_same_seed_same_draws():
    """simulate: the same seed gives identical draws, another seed different ones"""
    frame = losses.load_assumptions()
    a = losses.simulate(frame, n=1000, seed=7)
    b = losses.simulate(frame, n=1000, seed=7)
    c = losses.simulate(frame, n=1000, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["total"], c["total"])


def test_simulation_collapses_to_the_formula():
    """simulate: with low = likely = high for every input, every draw equals annual_loss"""
    sims = losses.simulate(_fixed(HAND), n=50, seed=3)
    for name, value in HAND_LOSS.items():
        assert np.allclose(sims[name], value)
    assert np.allclose(sims["total"], HAND_TOTAL)


def test_draws_stay_in_range_and_follow_the_triangle():
    """draw_inputs: draws stay in [low, high], fixed inputs are constant, mean ≈ (low+likely+high)/3"""
    frame = _issue14()
    draws = losses.draw_inputs(frame, n=20000, seed=0)
    for name in losses.INPUTS:
        low, likely, high = frame.loc[name, ["low", "likely", "high"]]
        assert draws[name].min() >= low and draws[name].max() <= high
    assert (draws["customers"] == 20000).all()
    # triangular mean of bad_call_rate: (0.10 + 0.20 + 0.35) / 3 = 0.21667
    assert draws["bad_call_rate"].mean() == pytest.approx(0.65 / 3, abs=0.002)


def test_bad_number_of_draws_is_refused():
    """simulate: zero draws is refused"""
    with pytest.raises(DataError):
        losses.simulate(losses.load_assumptions(), n=0)


def test_band_quantiles():
    """band: on 1..100, P10 = 10.9, median = 50.5, P90 = 90.1 (linear interpolation)"""
    result = losses.band(np.arange(1, 101))
    assert tuple(result[["p10", "median", "p90", "mean"]]) == pytest.approx((10.9, 50.5, 90.1, 50.5))


def test_distribution_counts_every_draw_once():
    """distribution: 40 bins whose shares add up to the share of draws below the P99.5"""
    sims = losses.simulate(losses.load_assumptions(), n=2000, seed=0)
    bins = losses.distribution(sims["total"])
    assert len(bins) == 40
    assert bins["share"].sum() == pytest.approx((sims["total"] <= sims["total"].quantile(0.995)).mean(), abs=1e-3)


# --- sensitivity and decisions -------------------------------------------------------------

def test_tornado_orders_by_swing_and_leaves_out_fixed_inputs():
    """tornado: largest swing first, bad_call_rate on top, customers (fixed) left out"""
    result = losses.tornado(_issue14())
    assert list(result["swing"]) == sorted(result["swing"], reverse=True)
    assert result.index[0] == "bad_call_rate"
    assert "customers" not in result.index
    assert result.at["bad_call_rate", "label_en"] == "Share of calls badly handled"
    # the total is proportional to bad_call_rate: at 0.10 it is half the likely total (0.20)
    assert result.at["bad_call_rate", "at_low"] == pytest.approx(result.attrs["base"] / 2)
    assert result.at["bad_call_rate", "at_high"] == pytest.approx(result.attrs["base"] * 0.35 / 0.2)


def test_improvement_plan_by_hand():
    """improvement_plan: halving bad calls halves the loss; ROI and payback worked out by hand"""
    # today 19 433.33; at 0.1 the total halves → saving 9 716.67; cost 5 000
    # net 4 716.67; ROI 0.94333; a yearly cost only (no one-off): nothing to pay back
    plan = losses.improvement_plan(HAND, 0.1, 5000)
    assert plan["saving"] == pytest.approx(HAND_TOTAL / 2)
    assert plan["net_gain"] == pytest.approx(HAND_TOTAL / 2 - 5000)
    assert plan["roi"] == pytest.approx((HAND_TOTAL / 2 - 5000) / 5000)
    assert plan["payback_months"] == 0.0


def test_plan_that_saves_nothing_is_never_paid_back():
    """improvement_plan: a target above today's rate saves nothing and never pays back"""
    plan = losses.improvement_plan(HAND, 0.3, 1000)
    assert plan["saving"] < 0 and math.isinf(plan["payback_months"]) and plan["pays_back"] == 0.0
    with pytest.raises(DataError, match="yearly_cost"):
        losses.improvement_plan(HAND, 0.1, 0)
    with pytest.raises(DataError, match="one_off_cost"):
        losses.improvement_plan(HAND, 0.1, 100, one_off_cost=-1)
    with pytest.raises(DataError, match="years"):
        losses.improvement_plan(HAND, 0.1, 100, years=0)
    with pytest.raises(DataError, match="target_bad_call_rate"):
        losses.improvement_plan(HAND, 1.2, 100)


def test_losing_plan_never_pays_back():
    """improvement_plan: likely inputs, 18 % target, 250 000 €/year → net −203 097 €/year, never pays back"""
    # today 469 027.83, at 18 %: 469 027.83 · 0.18 / 0.20 = 422 125.04 → saving 46 902.78
    # net 46 902.78 − 250 000 = −203 097.22; ROI −203 097.22 / 250 000 = −0.8124
    # NPV over 3 years at 8 %: −203 097.22 · (1/1.08 + 1/1.08² + 1/1.08³) = −203 097.22 · 2.577097 = −523 401.2
    plan = losses.improvement_plan(losses.likely_values(_issue14()), 0.18, 250_000)
    assert plan["saving"] == pytest.approx(46_902.78, abs=0.01)
    assert plan["net_gain"] == pytest.approx(-203_097.22, abs=0.01)
    assert plan["roi"] == pytest.approx(-0.8124, abs=1e-4)
    assert math.isinf(plan["payback_months"]) and plan["pays_back"] == 0.0
    assert plan["npv"] == pytest.approx(-523_401.2, abs=0.5)
    assert plan["plan_cost"] == plan["yearly_cost"] == 250_000


def test_winning_plan_with_one_off_cost_by_hand():
    """improvement_plan: one-off 6 000 at t=0, 2 000/year, saving 9 716.67 → payback 9.33 months, NPV 13 190"""
    # net = 9 716.67 − 2 000 = 7 716.67 per year; payback = 12 · 6 000 / 7 716.67 = 9.3305 months
    # NPV (10 %, 3 years, flows at the end of each year) = −6 000 + 7 716.67 · 2.486852 = 13 190.21
    # ROI over 3 years = (3 · 7 716.67 − 6 000) / (3 · 2 000 + 6 000) = 17 150 / 12 000 = 1.42917
    plan = losses.improvement_plan(HAND, 0.1, 2000, one_off_cost=6000, years=3)
    assert plan["net_gain"] == pytest.approx(7716.667, abs=1e-3)
    assert plan["payback_months"] == pytest.approx(9.3305, abs=1e-4)
    assert plan["npv"] == pytest.approx(13190.21, abs=0.01)
    assert plan["roi"] == pytest.approx(1.42917, abs=1e-5)
    assert plan["pays_back"] == 1.0
    # no one-off cost and a positive net gain: it pays from the first month
    assert losses.improvement_plan(HAND, 0.1, 2000)["payback_months"] == 0.0


def test_audit_value_by_hand():
    """audit_value: savings 100 and 300 for a plan of 150 → information worth 25 (75 − 50)"""
    # without the audit: mean saving 200 − 150 = 50; with it: (0 + 150) / 2 = 75; EVPI = 25
    worth = losses.audit_value([100, 300], [0, 0], plan_cost=150, audit_cost=20)
    assert worth["information_value"] == pytest.approx(25)
    assert worth["worth_it"] == 1.0
    assert worth["cost_share"] == pytest.approx(0.1)    # 20 / 200
    assert worth["days_of_loss"] == pytest.approx(36.5)  # 365 · 20 / 200
    assert losses.audit_value([100, 300], [0, 0], plan_cost=150, audit_cost=30)["worth_it"] == 0.0


def test_audit_is_worthless_when_the_plan_always_pays():
    """audit_value: when every draw says 'do the plan', knowing more changes nothing"""
    worth = losses.audit_value([1000, 2000], [0, 0], plan_cost=100, audit_cost=1)
    assert worth["information_value"] == 0.0 and worth["worth_it"] == 0.0


@pytest.mark.parametrize("failures, band", [(30, "efficient"), (100, "between"), (160, "neglectful")])
def test_cost_of_non_quality_band(failures, band):
    """cost_of_non_quality: 7.5 % efficient, 25 % between, 40 % neglectful (seed 003 band)"""
    result = losses.cost_of_non_quality(failures, 400)
    assert result["share"] == pytest.approx(failures / 400)
    assert result["band"] == band


def test_cost_of_non_quality_needs_opex():
    """cost_of_non_quality: zero operating expenses is refused, naming opex"""
    with pytest.raises(DataError, match="opex"):
        losses.cost_of_non_quality(10, 0)


def test_acquisition_vs_retention_by_hand():
    """acquisition_vs_retention: 10 lost customers at €300 cost €3,000 to replace, €600 to keep"""
    result = losses.acquisition_vs_retention(10, 300)
    assert tuple(result[["replacing", "keeping", "extra"]]) == (3000, 600, 2400)


def test_dashboard_uses_one_set_of_draws():
    """dashboard: 20,000 draws; the headline is the median with P10–P90, the all-likely total second"""
    assumptions = losses.load_assumptions()
    result = losses.dashboard(assumptions, target_bad_call_rate=0.08, plan_cost=250000,
                              audit_cost=15000, opex=4e6, other_failure_costs=250000)
    assert result["simulation"].shape == (20000, 6)
    likely = losses.annual_loss(losses.likely_values(assumptions))["total"]
    assert result["loss"]["total"] == pytest.approx(likely)
    head = result["headline"]
    totals = result["simulation"]["total"]
    assert head["median"] == pytest.approx(totals.median())
    assert head["mean"] == pytest.approx(totals.mean())
    assert head["p10"] == pytest.approx(totals.quantile(0.1)) and head["p90"] == pytest.approx(totals.quantile(0.9))
    assert head["all_likely"] == pytest.approx(likely)
    assert head["all_likely_rank"] == pytest.approx((totals <= likely).mean())
    assert result["audit"]["median"] == pytest.approx(head["median"])
    table = losses.results_table(result)
    assert {"loss.total", "headline.median", "headline.all_likely"} <= set(table["item"])


# --- the value of an audit of n calls (EVSI) ---------------------------------------------------

def test_evsi_enumerated_by_hand():
    """sample_information_value: two equally likely worlds (10 % / 50 % bad calls; net −300 / +200) → EVSI(1) = 35, EVSI(2) = 46.5"""
    # without the audit: mean net −50 → do nothing, worth 0
    # 1 call: k=0: (0.9·−300 + 0.5·200)/2 = −85 → 0; k=1: (0.1·−300 + 0.5·200)/2 = 35 → EVSI 35
    # 2 calls: k=0: (0.81·−300 + 0.25·200)/2 = −96.5 → 0; k=1: (0.18·−300 + 0.5·200)/2 = 23;
    #          k=2: (0.01·−300 + 0.25·200)/2 = 23.5 → EVSI 46.5; perfect information: 100
    b, net = [0.1, 0.5], [-300.0, 200.0]
    assert losses.sample_information_value(b, net, 0) == 0.0
    assert losses.sample_information_value(b, net, 1) == pytest.approx(35.0)
    assert losses.sample_information_value(b, net, 2) == pytest.approx(46.5)
    assert losses.sample_information_value(b, net, 200) == pytest.approx(100.0, abs=1e-6)
    # a decision the audit cannot change is worth nothing to audit
    assert losses.sample_information_value(b, [100.0, 200.0], 5) == 0.0


def test_evsi_agrees_with_a_simulated_audit():
    """sample_information_value: the exact sum matches simulated audits (numpy Generator) to within noise"""
    rng = np.random.default_rng(1)
    b = rng.uniform(0.1, 0.4, 300)
    net = 1000 * (b - 0.25)  # the plan pays when the bad-call rate is above 25 %
    exact = losses.sample_information_value(b, net, 20)
    world = rng.integers(0, b.size, 200_000)
    seen = rng.binomial(20, b[world])
    k = np.arange(21)[:, None]
    from scipy.stats import binom
    posterior_net = (binom.pmf(k, 20, b[None, :]) @ net)  # ∝ E[net | k]
    act = posterior_net[seen] > 0
    simulated = float(np.mean(np.where(act, net[world], 0.0))) - max(net.mean(), 0.0)
    assert simulated == pytest.approx(exact, abs=1.0)
    assert 0 < exact < float(np.maximum(net, 0).mean() - max(net.mean(), 0))


def test_best_audit_size_weighs_value_against_cost():
    """best_audit_size: the n with the largest EVSI − cost; no audit when calls are too dear; EVSI ≤ EVPI"""
    assumptions = _issue14()
    best = losses.best_audit_size(assumptions, target_bad_call_rate=0.08, plan_cost=250_000,
                                  cost_per_call=40, n_values=range(0, 301, 50), draws=5000)
    curve = best["curve"]
    assert list(curve["n_calls"]) == [0, 50, 100, 150, 200, 250, 300]
    assert curve["evsi"].is_monotonic_increasing and (curve["evsi"] <= best["evpi"] + 1e-6).all()
    assert best["net_value"] == pytest.approx(curve["net_value"].max())
    assert curve.at[0, "net_value"] == 0.0
    dear = losses.best_audit_size(assumptions, target_bad_call_rate=0.08, plan_cost=250_000,
                                  cost_per_call=1e6, n_values=[50, 100], draws=2000)
    assert dear["n_calls"] == 0
    one = losses.audit_sample_value(assumptions, 100, target_bad_call_rate=0.08, plan_cost=250_000,
                                    audit_cost=15_000, draws=5000)
    assert one["evsi"] == pytest.approx(curve.at[2, "evsi"]) and one["net_value"] == one["evsi"] - 15_000
    with pytest.raises(DataError, match="n_calls"):
        losses.audit_sample_value(assumptions, -1, target_bad_call_rate=0.08, plan_cost=1.0)


# --- charts and panel ------------------------------------------------------------------------

def test_charts_render_with_their_titles():
    """charts.losses: the four charts draw to SVG with their English titles"""
    from cxkit.charts import losses as charts, to_svg

    result = losses.dashboard(losses.load_assumptions(), target_bad_call_rate=0.08, plan_cost=250000,
                              audit_cost=15000, opex=4e6, other_failure_costs=250000, n=2000)
    svgs = [to_svg(charts.breakdown_chart(result["loss"])),
            to_svg(charts.distribution_chart(result["distribution"], p10=1, p90=2, likely=1.5)),
            to_svg(charts.tornado_chart(result["tornado"])),
            to_svg(charts.non_quality_chart(0.25))]
    for svg, title in zip(svgs, ["Where the yearly loss", "Yearly loss over", "Which assumption",
                                 "Cost of non-quality"]):
        assert title in svg


def _money_in(amount: float, html_text: str) -> bool:
    from cxkit.i18n import fmt_money

    return fmt_money(amount) in html_text


def test_panel_recomputes_when_a_slider_moves_and_resets():
    """panels.losses: raising bad_call_rate by half raises the all-likely total by half; reset restores it"""
    from cxkit.panels.losses import LossDashboard

    board = LossDashboard()
    likely = losses.annual_loss(losses.likely_values(losses.load_assumptions()))["total"]
    rate = losses.load_assumptions().at["bad_call_rate", "likely"]
    assert _money_in(likely, board.total.value)
    assert _money_in(board.result["band"]["median"], board.total.value)
    board.sliders["bad_call_rate"].value = round(rate * 1.5, 2)  # total ∝ bad_call_rate
    assert _money_in(likely * round(rate * 1.5, 2) / rate, board.total.value)
    board._on_reset(None)
    assert _money_in(likely, board.total.value)
    assert board.sliders["bad_call_rate"].value == pytest.approx(rate, abs=0.005)


def test_panel_refuses_a_bad_file_and_keeps_the_sliders():
    """panels.losses: a file with low > likely shows the error and changes nothing"""
    from cxkit.panels.losses import LossDashboard

    board = LossDashboard()
    before_slider, before_total = board.sliders["bad_call_rate"].value, board.total.value
    frame = losses.load_assumptions()
    frame.loc["bad_call_rate", "low"] = 0.9
    board.upload.value = ({"name": "bad.csv", "type": "text/csv", "size": 1,
                           "content": memoryview(_csv(frame)), "last_modified": dt.datetime(2026, 1, 1)},)
    assert "bad.csv" in board.status.value and "bad_call_rate" in board.status.value
    assert board.sliders["bad_call_rate"].value == before_slider
    assert board.total.value == before_total


def test_panel_loads_the_companys_file_and_downloads_excel():
    """panels.losses: an uploaded file sets the sliders; the Excel download reads back the same"""
    from cxkit.panels.losses import LossDashboard

    board = LossDashboard()
    frame = losses.load_assumptions()
    frame.loc["customers", ["low", "likely", "high"]] = 40000.0
    board.upload.value = ({"name": "ours.csv", "type": "text/csv", "size": 1,
                           "content": memoryview(_csv(frame)), "last_modified": dt.datetime(2026, 1, 1)},)
    assert board.company.value == "own"
    assert board.sliders["customers"].value == 40000
    # twice the customers: every component doubles except lost sales (prospects' calls)
    once = losses.annual_loss(losses.likely_values(losses.load_assumptions()))
    assert _money_in(2 * once["total"] - once["lost_sales"], board.total.value)
    data = board.excel()
    again = losses.load_assumptions(io.BytesIO(data), name="download.xlsx")
    assert again.at["customers", "likely"] == 40000


def test_panel_headline_in_french():
    """panels.losses: in French money reads with a narrow space and € after; "workshop estimate" is translated"""
    from cxkit.panels.losses import LossDashboard

    set_language("fr")
    board = LossDashboard()
    assert _money_in(board.result["band"]["median"], board.total.value) and "\u00a0€" in board.total.value
    assert "estimation d&#x27;atelier" in board.units["contact_rate"].value


def test_precomputed_value_gives_the_same_losses():
    """loss_components: passing the clv already computed changes nothing in the result"""
    draws = losses.draw_inputs(losses.load_assumptions(), n=100, seed=2)
    plain = losses.loss_components(draws)
    reused = losses.loss_components(draws, value=plain["clv"])
    assert np.array_equal(plain["total"], reused["total"])


# --- the audit feeds the model (issue 14) ----------------------------------------------------

def _scored(good: int, n: int, *, second: int = 0) -> pd.DataFrame:
    """n scored calls, the first ``good`` good, dated 2 to 11 March 2026, plus ``second``
    re-scorings (ref_call set) that must be left out."""
    dates = pd.date_range("2026-03-02", periods=n, freq="D")
    frame = pd.DataFrame({"date": dates, "good": [i < good for i in range(n)], "ref_call": None},
                         index=[f"c{i}" for i in range(n)])
    extra = pd.DataFrame({"date": dates[:second], "good": [False] * second, "ref_call": ["c0"] * second},
                         index=[f"r{i}" for i in range(second)])
    return pd.concat([frame, extra]) if second else frame


def test_from_audit_by_hand():
    """from_audit: 7 good out of 10 → bad_call_rate 0.30, range 1 − Wilson (0.892209, 0.396778)"""
    # Wilson 7/10 at 95 %: centre (0.7 + 3.841459/20) / 1.3841459 = 0.6444934
    # half 1.959964 / 1.3841459 · √(0.021 + 0.0096036) = 0.2477153 → [0.396778, 0.892209]
    set_language("en")
    shipped = losses.load_assumptions()
    result = losses.from_audit(shipped, _scored(7, 10, second=3))
    row = result.loc["bad_call_rate"]
    assert row["likely"] == pytest.approx(0.3)
    assert row["low"] == pytest.approx(1 - 0.892209, abs=1e-6)
    assert row["high"] == pytest.approx(1 - 0.396778, abs=1e-6)
    assert "10 calls" in row["source"] and "2 Mar 2026" in row["source"] and "11 Mar 2026" in row["source"]
    assert "badly handled" in row["notes"]
    others = [n for n in losses.INPUTS if n != "bad_call_rate"]
    pd.testing.assert_frame_equal(result.loc[others], shipped.loc[others])
    assert shipped.at["bad_call_rate", "likely"] == losses.load_assumptions().at["bad_call_rate", "likely"]
    with pytest.raises(DataError):
        losses.from_audit(shipped, _scored(0, 0))


def test_from_audit_with_every_call_good():
    """from_audit: 13 good calls of 13 → low = likely = 0, high = 1 − Wilson low (0.771905)"""
    # Wilson 13/13 at 95 %: centre (1 + 3.841459/26) / 1.2954968 = 0.8859548,
    # half 1.959964 / 1.2954968 · √(0 + 3.841459/676) = 0.1140499 → lower 0.771905
    result = losses.from_audit(losses.load_assumptions(), _scored(13, 13))
    row = result.loc["bad_call_rate"]
    assert (row["low"], row["likely"]) == (0.0, 0.0)
    assert row["high"] == pytest.approx(1 - 0.771905, abs=1e-6)
    table = losses.from_audit_projection(losses.load_assumptions(), _scored(13, 13), n=2000)
    assert (table["bad_call_low"] == 0.0).all()


def test_from_audit_projection_narrows_the_band():
    """from_audit_projection: at the same rate, 10, 50, 100 more calls narrow the audit's range and the loss band"""
    table = losses.from_audit_projection(losses.load_assumptions(), _scored(7, 10), n=2000)
    assert list(table["calls"]) == [10, 20, 60, 110]
    assert table["bad_call_likely"].to_numpy() == pytest.approx([0.3] * 4)
    width = table["bad_call_high"] - table["bad_call_low"]
    assert width.is_monotonic_decreasing and (table["loss_at_high"] - table["loss_at_low"]).is_monotonic_decreasing
    assert table.at[0, "bad_call_low"] == pytest.approx(1 - 0.892209, abs=1e-6)
    assert ((table["p10"] <= table["median"]) & (table["median"] <= table["p90"])).all()
