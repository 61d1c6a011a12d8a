"""The shipped sample campaign is exactly what the seeded generator makes."""
from __future__ import annotations

from pathlib import Path

from cxkit import audit, sample

DATA = Path(__file__).resolve().parent.parent / "data"


def test_generator_reproduces_the_shipped_file():
    """make_sample_campaign(2026): byte for byte the committed data/sample_campaign.csv"""
    made = sample.make_sample_campaign(seed=2026).to_csv(index=False, lineterminator="\n")
    assert made == (DATA / "sample_campaign.csv").read_text(encoding="utf-8")


def test_other_seed_gives_another_campaign():
    """make_sample_campaign: the seed matters (seed 1 differs from seed 2026)"""
    assert not sample.make_sample_campaign(seed=1).equals(sample.make_sample_campaign(seed=2026))


def test_campaign_shape_and_double_scoring():
    """sample campaign: 120 rows, unique ids, 4 weeks, 3 evaluators, 12 second scorings by someone else"""
    frame = sample.make_sample_campaign(seed=2026)
    assert len(frame) == 120 and frame["call_id"].is_unique
    assert frame["evaluator"].nunique() == 3 and frame["scenario"].nunique() == 4
    dates = frame["date"].astype("datetime64[ns]")
    assert (dates.max() - dates.min()).days < 28
    seconds = frame[frame["ref_call"] != ""]
    assert len(seconds) == 12 and seconds["call_id"].str.endswith("-B").all()
    first = frame.set_index("call_id").loc[seconds["ref_call"], "evaluator"].to_numpy()
    assert (first != seconds["evaluator"].to_numpy()).all()


def test_campaign_mixes_good_and_bad_handling():
    """sample campaign: between a third and two thirds of calls are good, some fail a critical item"""
    grid = audit.load_grid()
    scored = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)
    assert 0.33 < scored["good"].mean() < 0.67
    assert 0 < scored["critical_failed"].sum() < len(scored) / 3
