"""The evidence pages (issue 14): 02's power planner, 03's evaluator test and second wave,
05's dashboard (median headline, plan, audit worth, the audit's calls) and 07's iceberg
by channel. Each test names the property it checks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cxkit import audit, losses
from cxkit.i18n import set_language

LOCALE = Path(__file__).resolve().parents[1] / "cxkit" / "locale" / "evidence_pages.json"


def _text(html_value: str) -> str:
    """The words of an HTML value, entities decoded."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", html_value))


# --- labels ------------------------------------------------------------------------------

def test_evidence_labels_follow_french_typography():
    """evidence_pages.json: every French text has a no-break space before : ; ? ! and inside « »"""
    labels = json.loads(LOCALE.read_text(encoding="utf-8"))
    for key, texts in labels.items():
        assert set(texts) == {"en", "fr"}, key
        fr = texts["fr"]
        assert not re.search(r"[^\u00a0\u202f][;?!]|[^\u00a0\u202f\d]:(?!//)", fr.replace("{", "").replace("}", "")), key
        assert "« " not in fr and " »" not in fr, key


# --- notebook 02: the power planner ---------------------------------------------------------

def test_power_text_quotes_the_stable_calls_and_the_chance_at_the_planned_calls():
    """power_text: 70 % against 80 %: 69 calls from which the chance stays ≥ 1/2, 141 for ≥ 4/5
    (calls_needed with stable=True), and the exact power at 100 calls (70 %)"""
    from cxkit.panels.evidence import power_text

    text = power_text(0.70, 0.80, 100)
    even = audit.calls_needed(0.70, 0.80, 0.5, stable=True)
    four = audit.calls_needed(0.70, 0.80, 0.8, stable=True)
    assert (even, four) == (69, 141)
    assert f"from about {even} calls" in text and f"from about {four} calls" in text
    assert f"With 100 calls the chance is {round(100 * audit.proof_power(100, 0.70, 0.80))}%" in text
    assert "four chances in five" in text


def test_power_text_when_the_true_share_reaches_the_target_speaks_of_a_false_alarm():
    """power_text: a true share at or above the target gives no number of calls, only the
    chance of a false "proven" (no DataError reaches the page)"""
    from cxkit.panels.evidence import power_text

    text = power_text(0.85, 0.80, 100)
    assert "no number of calls proves a shortfall" in text and "false alarm" in text


def test_power_panel_redraws_the_sentence_and_the_curve_when_a_slider_moves():
    """power_panel: moving the true share changes the sentence and the chart"""
    from cxkit.panels.evidence import power_panel

    panel = power_panel()
    rate, text, chart = panel.children[0], panel.children[3], panel.children[5]
    before, drawing = text.value, chart.value
    assert "<svg" in drawing and "141" in _text(before)
    rate.value = 0.60
    assert text.value != before and chart.value != drawing


def test_power_curve_data_reaches_past_the_calls_for_four_chances_in_five():
    """power_curve_data: the curve goes beyond the 80 % mark, and the marks are the stable calls"""
    from cxkit.panels.evidence import power_curve_data

    data, marks = power_curve_data(0.70, 0.80, 100)
    assert marks == {"50": 69, "80": 141}
    assert data["n"].max() >= 141 and data["power"].between(0, 1).all()
    assert len(data) <= 160


# --- notebook 03: the second wave -----------------------------------------------------------

def test_waves_html_gives_newcombes_example_in_points():
    """waves_html: 48/80 before, 56/70 after → +20.0 points, 95% interval +5.2 to +33.4 (Newcombe
    1998's example), verdict "risen" without a word about customers lost"""
    from cxkit.panels.evidence import waves_html

    text = _text(waves_html(audit.compare_waves(48, 80, 56, 70)))
    assert "Change: +20.0 points" in text and "from +5.2 to +33.4 points" in text
    assert "has risen" in text and "lost" not in text


def test_waves_html_with_zero_in_the_interval_says_no_evidence_not_failure():
    """waves_html: 55/100 then 60/100 → the interval contains 0: "no evidence", and not "the plan failed\""""
    from cxkit.panels.evidence import waves_html

    text = _text(waves_html(audit.compare_waves(55, 100, 60, 100)))
    assert "no evidence of a change" in text and "not proof that the plan failed" in text


def test_second_wave_text_gives_the_calls_or_why_none_can_show_it():
    """second_wave_text: 20 points after 60/108 can be shown (a number of calls); 5 points cannot"""
    from cxkit.panels.evidence import second_wave_text

    n = audit.second_wave_calls(60 / 108, 108, 0.20)
    assert f"needs {n} calls" in second_wave_text(60 / 108, 108, 0.20)
    assert "cannot be shown" in second_wave_text(60 / 108, 108, 0.05)


def test_second_wave_panel_follows_the_campaign_and_refuses_impossible_counts():
    """second_wave_panel: the first wave is the campaign's calls; 200 good calls out of 100 is
    one sentence in the panel, not an exception"""
    from cxkit.panels.audit import session
    from cxkit.panels.evidence import second_wave_panel

    campaign = session("sample")
    panel = second_wave_panel(campaign)
    n_before, good_before, good_after = panel.children[1], panel.children[2], panel.children[5]
    scored = campaign._primary_scored()[1]
    assert n_before.value == len(scored) and good_before.value == int(scored["good"].sum())
    good_after.value = 200
    status = panel.children[7]
    assert "between 0 and 100" in _text(status.value)


# --- notebook 05: the dashboard -------------------------------------------------------------

@pytest.fixture
def board():
    from cxkit.panels.losses import LossDashboard

    return LossDashboard()


def test_headline_gives_the_median_and_band_first_and_the_all_likely_total_second(board):
    """losses panel: the headline is the median with "80% confident … between P10 and P90";
    the all-likely total follows, with the share of simulations below it"""
    text = _text(board.total.value)
    band = board.result["band"]
    from cxkit.i18n import fmt_money

    assert text.index(fmt_money(band["median"])) < text.index(fmt_money(board.result["loss"]["total"]))
    assert f"80% confident that the yearly loss lies between {fmt_money(band['p10'])} and {fmt_money(band['p90'])}" in text
    below = round(100 * float((board.result["simulation"]["total"] <= board.result["loss"]["total"]).mean()))
    assert f"({below}% of them fall below it)" in text


def test_a_losing_plan_never_pays_back_in_words(board):
    """losses panel: a plan costing more each year than it saves says "never pays back", and
    no "paid back in … months", "€∞" or "NaN" appears"""
    board.plan_cost.value = "900,000"
    text = _text(board.plan_text.value)
    assert "never pays back" in text and "paid back in" not in text
    everything = text + _text(board.audit_text.value) + _text(board.total.value)
    assert "∞" not in everything and "NaN" not in everything and "nan" not in everything


def test_a_one_off_cost_gives_its_payback_in_months(board):
    """losses panel: with a one-off cost and a plan that pays, the payback is 12 · one-off / net gain"""
    board.one_off.value = "60,000"
    plan = board.result["plan"]
    assert plan["net_gain"] > 0
    months = 12 * 60_000 / plan["net_gain"]
    assert f"paid back in {months:.1f} months" in _text(board.plan_text.value)


@pytest.mark.parametrize("typed", ["1e308", "inf", "nan", "-5"])
def test_absurd_money_is_one_sentence_and_the_dashboard_keeps_its_figures(board, typed):
    """losses panel: 1e308, inf, nan or a negative amount in a money box gives one sentence in
    the status, and the headline and plan keep their last figures"""
    before, plan = board.total.value, board.plan_text.value
    board.plan_cost.value = typed
    assert "cxkit-error" in board.status.value
    assert board.total.value == before and board.plan_text.value == plan
    assert board.plan_cost.amount == 250_000


def test_audit_worth_names_the_mean_and_says_may(board):
    """losses panel: "Is an audit worth it?" says it uses the mean (and gives the median), and
    an audit cheaper than the EVPI "may be worth its cost" (an upper bound), a dearer one is not"""
    board.plan_cost.value = "500,000"  # a plan near break-even: knowing the loss matters
    assert board.result["audit"]["information_value"] > board.audit_cost
    text = _text(board.audit_text.value)
    assert "mean simulated yearly loss" in text and "the median is" in text
    assert "may be worth its cost" in text and "upper bound" in text
    board.audit_per_call.value = "1,000"  # 5,000 + 100 × 1,000 = 105,000: above the EVPI
    assert "not worth it with these figures" in _text(board.audit_text.value)


def test_using_the_sample_campaign_sets_the_bad_call_rate_from_its_calls(board):
    """losses panel: "the sample campaign" sets bad_call_rate to its share of calls that are not
    good (from_audit), shows the band now and after 100 more calls; "the assumptions" brings theirs back"""
    own = board.assumptions.at["bad_call_rate", "likely"]
    board.calls_source.value = "sample"
    scored = board.scored
    assert board.sliders["bad_call_rate"].value == pytest.approx(1 - scored["good"].mean())
    text = _text(board.calls_text.value)
    assert f"{len(scored)} calls" in text and "taken here as a badly handled call" in text
    assert "If 100 more calls found the same share" in text
    assert "<svg" in board.bands_chart.value
    board.calls_source.value = "assumptions"
    assert board.sliders["bad_call_rate"].value == own and board.bands_chart.value == ""


def test_using_an_empty_room_says_so_and_keeps_the_assumptions(board, tmp_path, monkeypatch):
    """losses panel: the room's calls when the store holds none → one sentence, the toggle
    goes back to "the assumptions" and nothing changes"""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "empty.sqlite"))
    before = board.total.value
    board.calls_source.value = "store"
    assert "no audit calls to use yet" in _text(board.status.value)
    assert board.calls_source.value == "assumptions" and board.total.value == before


def test_a_slider_move_reuses_the_simulation_when_nothing_changed(board, monkeypatch):
    """losses panel: recomputing with the same inputs does not simulate again"""
    calls = []
    real = losses.dashboard
    monkeypatch.setattr(losses, "dashboard", lambda *a, **k: calls.append(1) or real(*a, **k))
    board.recompute()
    assert calls == []
    board.sliders["bad_call_rate"].value = 0.3
    assert calls == [1]


def test_dashboard_in_french_keeps_french_typography():
    """losses panel: in French the headline reads "Perte annuelle : environ … €" with no-break spaces"""
    from cxkit.panels.losses import LossDashboard

    set_language("fr")
    board = LossDashboard()
    text = _text(board.total.value)
    assert text.strip().startswith("Perte annuelle\u00a0: environ")
    assert "confiants à 80\u00a0%" in text


# --- the chart builders -----------------------------------------------------------------------

def test_evidence_chart_builders_are_found_by_name():
    """charts: "evidence.power_chart", "evidence.band_chart" and "evidence.audit_value_chart" build"""
    import pandas as pd

    from cxkit import charts

    curve = audit.power_curve(0.7, 0.8, range(10, 200, 10))
    spec = charts.build("evidence.power_chart", curve, marks={"50": 69, "80": 141}, planned=100).to_dict()
    assert spec["title"].startswith("How often an audit")
    bands = pd.DataFrame({"label": ["now", "+10"], "p10": [1.0, 2.0], "median": [3.0, 3.0], "p90": [5.0, 4.0]})
    assert charts.build("evidence.band_chart", bands).to_dict()["layer"]
    worth = pd.DataFrame({"n": [10, 50], "value": [100.0, 300.0], "net": [-50.0, 50.0]})
    assert charts.build("evidence.audit_value_chart", worth, best=50).to_dict()["layer"]


# --- notebook 03: the evaluators --------------------------------------------------------------

def test_evaluator_panel_tests_all_evaluators_at_once_and_follows_the_source():
    """evaluator_panel: the sample's three evaluators get one χ² test (its p-value printed,
    the trap of pairs explained); switching the campaign to an empty store says there is
    nothing to compare"""
    from cxkit.panels.audit import session
    from cxkit.panels.evidence import evaluator_panel

    campaign = session("sample")
    panel = evaluator_panel(campaign)
    scored = campaign._primary_scored()[1]
    result = audit.evaluator_test(scored)
    text = _text(panel.children[0].value)
    assert f"p = {result['p_value']:.3f}" in text and "two by two" in text
    for name, row in result["table"].iterrows():
        assert name in text
    campaign.source = "store"
    campaign.refresh()
    assert "nothing to compare" in _text(panel.children[0].value)


def test_audit_of_n_calls_is_valued_live_and_the_best_size_on_request(board):
    """losses panel: the EVSI of the chosen number of calls is shown with its cost
    (fixed + per call × n); the best size comes on pressing the button, with its curve"""
    board.audit_calls.value = 50
    assert board.audit_cost == 5_000 + 100 * 50
    value = losses.audit_sample_value(board.current, 50, target_bad_call_rate=board.target.value,
                                      plan_cost=board.plan_cost.amount, audit_cost=10_000)
    from cxkit.i18n import fmt_money

    text = _text(board.worth_text.value)
    assert "An audit of 50 calls costs €10,000" in text and f"about {fmt_money(value['evsi'])}" in text
    assert "Press the button" in _text(board.best_text.value)
    board.best_button.click()
    best = losses.best_audit_size(board.current, target_bad_call_rate=board.target.value,
                                  plan_cost=board.plan_cost.amount, cost_per_call=100, fixed_cost=5_000)
    words = _text(board.best_text.value)
    assert (f"about {best['n_calls']} calls" in words) if best["n_calls"] else ("best choice for that decision is no audit" in words)
    assert "<svg" in board.worth_chart.value
    board.sliders["bad_call_rate"].value = 0.3  # an input changed: the best size is stale
    assert "Press the button" in _text(board.best_text.value) and board.worth_chart.value == ""


# --- notebook 07: the iceberg by where complaints are logged ------------------------------------

def test_risk_by_level_adds_up_and_brackets_the_chosen_multipliers():
    """risk_by_level: front line + head office = total in each case; the likely figure with the
    studies' likely multipliers equals revenue_at_risk_band's, between its low and high"""
    from cxkit import complaints
    from cxkit.panels.complaints import risk_by_level

    log, rates = complaints.load_complaints(), complaints.load_complaint_rates()
    chosen = {lv: complaints.multiplier_range(rates, lv)["likely"] for lv in complaints.LEVELS}
    table = risk_by_level(log, 300, chosen, rates).set_index("level")
    for case in ("low", "likely", "high"):
        assert table.at["total", case] == pytest.approx(table.at["front_line", case] + table.at["head_office", case])
    band = complaints.revenue_at_risk_band(log, 300, rates)
    assert table.at["total", "likely"] == pytest.approx(band["likely"])
    assert table.at["total", "low"] == pytest.approx(band["low"]) and table.at["total", "high"] == pytest.approx(band["high"])
    assert table.at["total", "complaints"] == len(log)


def test_iceberg_panel_names_each_multiplier_with_its_sources_and_gives_the_band():
    """iceberg_panel: each level shows its multiplier, range and the source of each value
    (Goodman 2005 for the front line, TARP for head office); the result gives revenue at
    risk between its low and high; 27 applies only to complaints reaching head office"""
    from cxkit import complaints
    from cxkit.i18n import fmt_money
    from cxkit.panels.complaints import iceberg_panel

    panel = iceberg_panel(complaints.load_complaints())
    levels, result = _text(panel.children[3].value), _text(panel.children[4].value)
    assert "Front line (phone, shop, e-mail, web form)" in levels and "range 1.33 to 4" in levels
    assert "Head office (letter)" in levels and "range 10 to 50" in levels
    assert "Quality Progress, November 2005" in levels and "TARP for the US Office of Consumer Affairs" in levels
    band = complaints.revenue_at_risk_band(complaints.load_complaints(), 300)
    assert f"between {fmt_money(band['low'])} and {fmt_money(band['high'])}" in result
    assert "stated intentions" in result
    panel.children[0].value = 4.0  # front line at its high value: more silent customers
    assert _text(panel.children[4].value) != result
    set_language("fr")
    try:
        levels = _text(iceberg_panel(complaints.load_complaints()).children[3].value)
        assert "lettre, Quality Progress, novembre 2005" in levels and "Hypothèse de l'atelier" in levels
        assert "November 2005" not in levels and "Workshop assumption" not in levels
    finally:
        set_language("en")


def test_the_rooms_calls_all_good_do_not_break_the_dashboard(board, tmp_path, monkeypatch):
    """losses panel: 13 good calls out of 13 in the room (issue 13, item 3) set a bad-call rate
    of 0 % with low ≤ likely ≤ high, and the headline is still drawn"""
    from cxkit.store import Store
    from cxkit.workshop import room_grid

    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "room.sqlite"))
    grid = room_grid()
    calls = audit.load_sample_campaign(grid)
    scored = audit.score_calls(audit.primary_calls(calls), grid)
    good_ids = scored.index[scored["good"]][:13]
    Store().add_calls(audit.records_for_store(calls[calls["call_id"].isin(good_ids)], grid))
    board.calls_source.value = "store"
    row = board.assumptions.loc["bad_call_rate"]
    assert row["likely"] == 0.0 and row["low"] <= row["likely"] <= row["high"]
    assert "cxkit-error" not in board.status.value
    assert "13 calls" in _text(board.calls_text.value) and "0 of them not good" in _text(board.calls_text.value)
    assert _text(board.total.value).startswith(" Yearly loss: about")
