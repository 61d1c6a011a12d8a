"""The sample company (Helvane, fictitious) walked through notebooks 03 → 05 → 07 → 08:
the same bad-call rate and the same loss for the same inputs, with the functions the
notebooks' panels call."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxkit import audit, complaints, losses, report, workshop
from cxkit.store import Store

#: Helvane's figures, worked out once (data/README.md, "The sample company").
BAD_CALL_RATE = 0.25            # 27 of 108 calls not good
LIKELY_LOSS = 586_284.782609    # 469 027.83 (at 20 %) × 25 / 20: every component ∝ bad_call_rate
N_DRAWS = 20_000


@pytest.fixture()
def room(tmp_path, monkeypatch):
    """An empty workshop store, used by the panels (CXKIT_DB) and the report alike."""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "room.sqlite"))
    return Store()


@pytest.fixture(scope="module")
def report_content(tmp_path_factory):
    """Notebook 08's report with nothing entered: the sample company, full 20,000 draws."""
    return report.build(Store(tmp_path_factory.mktemp("r") / "s.sqlite"))


def _scored_as_in_03(session):
    return audit.score_calls(audit.primary_calls(session.calls()), session.grid)


def test_03_measures_a_quarter_of_calls_badly_handled(room):
    """03 (sample source, the room's grid = shipped): 81 good calls of 108, so 25 % not good;
    the Wilson interval turned round is 17.8 % to 33.9 %"""
    import cxkit as cx

    scored = _scored_as_in_03(cx.panels.audit.session("sample"))
    ind = audit.indicators(scored)
    assert (ind["n"], ind["good"]) == (108, 81)
    assert 1 - ind["good_rate"] == BAD_CALL_RATE
    assert (1 - ind["good_rate_high"], 1 - ind["good_rate_low"]) == pytest.approx((0.177878, 0.339295), abs=1e-6)


def test_05_assumptions_are_the_audits_figure(room):
    """05: the shipped bad_call_rate row is exactly from_audit on 03's calls (low, likely, high),
    and the likely loss is 586,284.78 € a year"""
    import cxkit as cx

    scored = _scored_as_in_03(cx.panels.audit.session("sample"))
    shipped = losses.load_assumptions()
    fed = losses.from_audit(shipped, scored)
    cols = ["low", "likely", "high"]
    assert fed.loc["bad_call_rate", cols].astype(float).tolist() == shipped.loc["bad_call_rate", cols].astype(float).tolist()
    assert shipped.at["bad_call_rate", "likely"] == BAD_CALL_RATE
    # clv 443.478; badly served 20 000 · 0.45 · 0.25 = 2 250; defectors 2 250 · (0.85·0.2 + 0.15·0.12) = 423
    # churn 187 591.30 + wom 2 250·5·0.03·443.478 = 149 673.91 + lost 5 000·0.25·0.2·443.478 = 110 869.57
    # + replacement 423 · 300 = 126 900 + rework 2 250 · 5 = 11 250 → 586 284.78
    assert losses.annual_loss(losses.likely_values(shipped))["total"] == pytest.approx(LIKELY_LOSS, abs=0.01)


def test_07_monthly_signals_tell_the_same_story(room):
    """07: the monthly bad-call rate averages 25 %, flat (first and last quarter both 25 %), while
    complaints fall by more than half: the silence alarm rings; the log's 190 phone-handling
    complaints are about 8 % of the 2,250 badly served customers, inside complain_rate's range"""
    signals = complaints.load_monthly_signals()
    assert signals["bad_call_rate"].mean() == pytest.approx(BAD_CALL_RATE)
    alarm = complaints.silence_alarm(signals)
    assert alarm["alarm"] and alarm["bad_before"] == pytest.approx(0.25) and alarm["bad_after"] == pytest.approx(0.25)
    assert alarm["complaints_change"] < -0.5
    log = complaints.load_complaints()
    phone = log["category"].isin(["waiting_time", "transfers", "wrong_answer", "cut_off", "rudeness"]).sum()
    a = losses.load_assumptions()
    badly_served = a.at["customers", "likely"] * a.at["contact_rate", "likely"] * a.at["bad_call_rate", "likely"]
    assert (phone, badly_served) == (190, 2250)
    assert a.at["complain_rate", "low"] <= phone / badly_served <= a.at["complain_rate", "high"]


def test_08_report_gives_05s_figures(report_content):
    """08 (no call entered): the sample campaign, 25 % bad calls, the same likely loss, and the
    same median and P10–P90 band as 05's simulation of the shipped assumptions (20,000 draws, seed 0)"""
    loss = report_content["losses"]
    assert report_content["audit"]["source"] == "sample"
    assert loss["bad_call_rate"] == BAD_CALL_RATE
    assert loss["loss"]["total"] == pytest.approx(LIKELY_LOSS, abs=0.01)
    five = losses.dashboard(losses.load_assumptions(), target_bad_call_rate=report.TARGET_BAD_CALL_RATE,
                            plan_cost=report.PLAN_COST, one_off_cost=report.ONE_OFF_COST, years=report.YEARS,
                            audit_cost=15_000.0, opex=4_000_000.0, other_failure_costs=250_000.0,
                            n=N_DRAWS, seed=0)
    pd.testing.assert_series_equal(loss["band"], five["band"])
    assert loss["loss"].equals(five["loss"])
    for key in ("saving", "net_gain", "npv", "payback_months"):
        assert loss["plan"][key] == pytest.approx(five["plan"][key])


def test_05_panel_and_08_report_show_the_same_headline(room, report_content):
    """05's dashboard panel, as it opens, and 08's report show the same median and band"""
    import cxkit as cx

    board = cx.panels.losses.LossDashboard()
    assert board.result["band"]["median"] == pytest.approx(report_content["losses"]["band"]["median"])
    assert board.result["band"]["p10"] == pytest.approx(report_content["losses"]["band"]["p10"])
    assert board.result["band"]["p90"] == pytest.approx(report_content["losses"]["band"]["p90"])
    assert board.result["loss"]["total"] == pytest.approx(report_content["losses"]["loss"]["total"])


def test_room_grid_scores_03_and_08_alike(room):
    """a grid chosen in 02 (saved under panels.audit.ROOM_GRID) scores 03's calls and 08's
    report the same way: same mean score, same bad-call rate, both unlike the shipped grid's"""
    import cxkit as cx

    assert cx.panels.audit.ROOM_GRID == workshop.ROOM_GRID
    grid = audit.load_grid()
    choices = audit.grid_choices(grid)
    choices["wait_seconds"] = {"weight": 5.0, "critical": False}
    choices["greeting"] = {"weight": 4.0, "critical": True}
    room.save_setting(workshop.ROOM_GRID, choices)

    three = audit.indicators(_scored_as_in_03(cx.panels.audit.session("sample")))
    eight = report.build(room, n=500)
    assert eight["audit"]["grid_choices"] == 2
    assert eight["audit"]["indicators"]["mean_score"] == pytest.approx(three["mean_score"], rel=1e-12)
    assert eight["audit"]["indicators"]["good"] == three["good"]
    assert eight["losses"]["bad_call_rate"] == pytest.approx(1 - three["good_rate"])
    shipped = audit.indicators(audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid))
    assert not np.isclose(three["mean_score"], shipped["mean_score"])
    assert "criteria changed: 2" in report.headline(eight, "en").iloc[2, 1]
