"""The shipped sample campaign is exactly what the seeded generator makes."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from cxkit import audit, losses, sample

DATA = Path(__file__).resolve().parent.parent / "data"


def test_generator_reproduces_the_shipped_file():
    """make_sample_campaign(): byte for byte the committed data/sample_campaign.csv (seed 78)"""
    assert sample.SEED == 78
    made = sample.make_sample_campaign().to_csv(index=False, lineterminator="\n")
    assert made == (DATA / "sample_campaign.csv").read_text(encoding="utf-8")


def test_other_seed_gives_another_campaign():
    """make_sample_campaign: the seed matters (seed 1 differs from the shipped seed)"""
    assert not sample.make_sample_campaign(seed=1).equals(sample.make_sample_campaign())


def test_campaign_shape_and_double_scoring():
    """sample campaign: 120 rows, unique ids, 4 weeks, 3 evaluators, 12 second scorings by someone else"""
    frame = sample.make_sample_campaign()
    assert len(frame) == 120 and frame["call_id"].is_unique
    assert frame["evaluator"].nunique() == 3 and frame["scenario"].nunique() == 4
    dates = frame["date"].astype("datetime64[ns]")
    assert (dates.max() - dates.min()).days < 28
    seconds = frame[frame["ref_call"] != ""]
    assert len(seconds) == 12 and seconds["call_id"].str.endswith("-B").all()
    first = frame.set_index("call_id").loc[seconds["ref_call"], "evaluator"].to_numpy()
    assert (first != seconds["evaluator"].to_numpy()).all()


def _scored():
    grid = audit.load_grid()
    return audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)


def test_campaign_is_the_sample_companys_bad_call_rate():
    """sample campaign: 27 of 108 calls not good (25 %), the likely bad_call_rate of assumptions.csv;
    some calls fail a critical item, but fewer than a third"""
    scored = _scored()
    assert len(scored) == 108 and int((~scored["good"]).sum()) == 27
    assert 1 - scored["good"].mean() == losses.load_assumptions().at["bad_call_rate", "likely"] == 0.25
    assert 0 < scored["critical_failed"].sum() < len(scored) / 3


def test_campaign_is_flat_week_by_week():
    """sample campaign: the company neither improves nor worsens; every week's good-call share
    lies within 5 points of the campaign's 75 %, and the last week is not 10 points above the first"""
    trend = audit.weekly_trend(_scored())
    assert trend["n"].tolist() == [27, 27, 27, 27]
    assert (trend["good_rate"] - 0.75).abs().max() <= 0.05
    assert abs(trend["good_rate"].iloc[-1] - trend["good_rate"].iloc[0]) < 0.10


def test_evaluators_gap_is_chance_that_a_test_calls_significant():
    """sample campaign: the three evaluators share one model, yet their good-call shares
    (22/36, 31/36, 28/36) differ at p ≈ 0.045 by χ² (2 dof): the false alarm notebook 03 teaches"""
    table = pd.crosstab(_scored()["evaluator"], _scored()["good"])
    assert table[True].tolist() == [22, 31, 28]
    # expected good 27 each, not good 9 each: χ² = (25 + 16 + 1)/27 + (25 + 16 + 1)/9 = 6.2222
    statistic, p_value = chi2_contingency(table, correction=False)[:2]
    assert statistic == pytest.approx(56 / 9) and p_value == pytest.approx(math.exp(-56 / 18))
    if hasattr(audit, "evaluator_test"):
        result = audit.evaluator_test(_scored())
        assert result["method"] == "chi2" and result["p_value"] == pytest.approx(p_value) and result["different"]


def test_scenarios_keep_their_order():
    """sample campaign: prospects are handled best and complaints worst, as the generator's shifts say"""
    rates = _scored().groupby("scenario")["good"].mean()
    assert rates.idxmax() == "prospect" and rates.idxmin() == "complaint"
