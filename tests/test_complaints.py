"""cxkit.complaints: the log, Pareto, iceberg, revenue at risk, silence alarm, routing."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxkit import DataError
from cxkit import complaints as c

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = "complaint_id,date,channel,category,severity,amount_eur,resolved,days_to_resolve,outcome\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def _named(*rows: str):
    import io

    buffer = io.BytesIO(_csv(*rows))
    buffer.name = "log.csv"
    return c.load_complaints(buffer)


def test_sample_file_is_what_the_generator_makes():
    """sample log: data/sample_complaints.csv is exactly the seeded generator's output"""
    assert (DATA / "sample_complaints.csv").read_text(encoding="utf-8") == c.sample_csv_text()


def test_sample_log_loads_with_types():
    """load_complaints: the sample loads, 316 rows, dates, booleans and NaN days when unresolved"""
    log = c.load_complaints()
    assert len(log) == int(c.monthly_volumes().sum()) == 316
    assert log["date"].dtype.kind == "M" and log["resolved"].dtype == bool
    assert log.loc[~log["resolved"], "days_to_resolve"].isna().all()
    assert set(log["outcome"]) == set(c.OUTCOMES)


def test_monthly_signals_match_the_sample_log():
    """monthly signals: the complaints column is the sample log counted by month"""
    log, signals = c.load_complaints(), c.load_monthly_signals()
    by_month = log.groupby(log["date"].dt.to_period("M")).size().to_numpy()
    assert by_month.tolist() == signals["complaints"].astype(int).tolist()


def test_loader_accepts_french_spreadsheet_format():
    """load_complaints: semicolons, dd/mm/yyyy, oui/non and upper case choices are read"""
    import io

    text = HEADER.replace(",", ";") + "R1;03/02/2025;Phone;Billing;Large;1 250,5;oui;2;satisfied_quickly\n"
    buffer = io.BytesIO(text.encode("cp1252"))
    buffer.name = "registre.csv"
    log = c.load_complaints(buffer)
    row = log.iloc[0]
    assert (row["channel"], row["category"], row["severity"], row["amount_eur"], row["resolved"]) == \
        ("phone", "billing", "large", 1250.5, True)
    assert row["date"] == pd.Timestamp("2025-02-03")


def test_loader_names_row_and_column_of_a_bad_channel():
    """load_complaints: an unknown channel is a DataError naming file, spreadsheet row and column"""
    with pytest.raises(DataError) as info:
        _named("R1,2025-01-02,phone,billing,small,10,yes,1,satisfied",
               "R2,2025-01-03,pigeon,billing,small,10,yes,1,satisfied")
    err = info.value
    assert (err.file, err.row, err.column) == ("log.csv", 3, "channel")
    assert "pigeon" in err.problem


def test_loader_wants_days_for_a_resolved_complaint():
    """load_complaints: resolved = yes with no days to resolve is refused at that cell"""
    with pytest.raises(DataError) as info:
        _named("R1,2025-01-02,phone,billing,small,10,yes,,satisfied")
    assert (info.value.row, info.value.column) == (2, "days_to_resolve")


def test_loader_refuses_a_missing_column():
    """load_complaints: a log without 'outcome' is refused on the header row"""
    import io

    buffer = io.BytesIO(b"complaint_id,date,channel,category,severity,amount_eur,resolved,days_to_resolve\n"
                        b"R1,2025-01-02,phone,billing,small,10,yes,1\n")
    buffer.name = "log.csv"
    with pytest.raises(DataError) as info:
        c.load_complaints(buffer)
    assert (info.value.row, info.value.column) == (1, "outcome")


def test_pareto_by_hand():
    """pareto: counts 5, 3, 2 give shares .5, .3, .2, cumulative .5, .8, 1 and two vital causes"""
    log = pd.DataFrame({"category": ["a"] * 5 + ["b"] * 3 + ["c"] * 2})
    table = c.pareto(log)
    assert table["category"].tolist() == ["a", "b", "c"]
    assert table["cumulative"].tolist() == pytest.approx([0.5, 0.8, 1.0])
    # a (before 0) and b (before 0.5 < 0.8) are needed to reach 80 %; c starts at 0.8
    assert table["vital_few"].tolist() == [True, True, False]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=200))
def test_pareto_is_sorted_and_sums_to_one(causes):
    """pareto: counts never increase down the table and the cumulative share ends at 1"""
    table = c.pareto(pd.DataFrame({"category": causes}))
    assert (table["count"].diff().dropna() <= 0).all()
    assert table["cumulative"].iloc[-1] == pytest.approx(1.0)
    assert table["vital_few"].iloc[0]


def test_rates_file_has_tarp_figures_and_a_source_for_each():
    """complaint_rates.csv: TARP's eight repurchase rates, and no figure without its source"""
    rates = c.load_complaint_rates()
    assert rates["source"].notna().all() and (rates["source"].str.len() > 20).all()
    assert c.repurchase_rates("large", rates) == {"no_complaint": 0.09, "unsatisfied": 0.19,
                                                  "satisfied": 0.54, "satisfied_quickly": 0.82}
    assert c.repurchase_rates("small", rates) == {"no_complaint": 0.37, "unsatisfied": 0.46,
                                                  "satisfied": 0.70, "satisfied_quickly": 0.95}
    assert c.multiplier_range(rates) == {"low": 10, "likely": 27, "high": 50}


def test_iceberg_by_hand():
    """iceberg: 40 complaints × 27 = 1,080 customers with a problem, 1,040 silent"""
    assert c.iceberg(40, 27) == pytest.approx({"complaints": 40, "with_problems": 1080, "silent": 1040,
                                               "visible_share": 1 / 27})
    with pytest.raises(ValueError):
        c.iceberg(40, 0.5)


def test_revenue_at_risk_by_hand():
    """revenue_at_risk: two large complaints and one small, multiplier 10, 100 € per customer"""
    log = pd.DataFrame({"severity": ["large", "large", "small"],
                        "outcome": ["unsatisfied", "satisfied_quickly", "satisfied"]})
    risk = c.revenue_at_risk(log, 10, 100).set_index(["severity", "outcome"])
    # large: silent 2·9 = 18 → lost 18·0.91 = 16.38; unsatisfied 1·0.81; quick 1·0.18
    assert risk.loc[("large", "no_complaint"), "lost"] == pytest.approx(16.38)
    assert risk.loc[("large", "unsatisfied"), "lost"] == pytest.approx(0.81)
    assert risk.loc[("large", "satisfied_quickly"), "lost"] == pytest.approx(0.18)
    # small: silent 9 → 9·0.63 = 5.67; satisfied 1·0.30
    assert risk.loc[("small", "no_complaint"), "lost"] == pytest.approx(5.67)
    assert risk.loc[("small", "satisfied"), "lost"] == pytest.approx(0.30)
    # total 16.38 + 0.81 + 0.18 + 5.67 + 0.30 = 23.34 customers → 2,334 €
    assert risk["revenue_at_risk"].sum() == pytest.approx(2334.0)


def test_multipliers_differ_by_level_each_with_its_source():
    """multiplier_range: front line about 2 (1.33–4), head office about 27 (10–50); every row has a source"""
    rates = c.load_complaint_rates()
    assert c.multiplier_range(rates, "front_line") == {"low": 1.33, "likely": 2, "high": 4}
    assert c.multiplier_range(rates, "head_office") == {"low": 10, "likely": 27, "high": 50}
    rows = rates[rates["figure"] == "problems_per_complaint"]
    assert set(rows["severity"]) == {"front_line", "head_office"}
    assert rows.loc[rows["severity"] == "front_line", "source"].str.contains("Quality Progress").all()
    with pytest.raises(DataError, match="level"):
        c.multiplier_range(rates, "shop_floor")


def test_revenue_at_risk_by_level_by_hand():
    """revenue_at_risk_band: two phone complaints (front line ×2) and one letter (head office ×27) → 756 / 1,949 / 3,762 €"""
    log = pd.DataFrame({"channel": ["phone", "phone", "letter"], "severity": ["large", "large", "small"],
                        "outcome": ["unsatisfied", "satisfied_quickly", "satisfied"]})
    assert list(c.complaint_levels(log)) == ["front_line", "front_line", "head_office"]
    # likely: front line (large) silent 2·(2−1) = 2 → 2·0.91 = 1.82, + 0.81 + 0.18 = 2.81 lost → 281 €
    #         head office (small) silent 1·26 = 26 → 26·0.63 = 16.38, + 0.30 = 16.68 lost → 1,668 €
    table = c.revenue_at_risk_by_level(log, 100)
    by_level = table.groupby("level")["revenue_at_risk"].sum()
    assert by_level["front_line"] == pytest.approx(281.0) and by_level["head_office"] == pytest.approx(1668.0)
    band = c.revenue_at_risk_band(log, 100)
    # low: front 2·0.33·0.91 + 0.99 = 1.5906 → 159.06; head office 9·0.63 + 0.3 = 5.97 → 597 → 756.06
    # high: front 2·3·0.91 + 0.99 = 6.45 → 645; head office 49·0.63 + 0.3 = 31.17 → 3,117 → 3,762
    assert (band["low"], band["likely"], band["high"]) == pytest.approx((756.06, 1949.0, 3762.0))
    assert band["silent_share"] == pytest.approx((182 + 1638) / 1949)
    # a log that says where each complaint was logged overrides the channel
    logged = log.assign(level=["head_office", "front_line", "front_line"])
    assert list(c.complaint_levels(logged)) == ["head_office", "front_line", "front_line"]


def test_quick_resolution_value_by_hand():
    """quick_resolution_value: 10 large-loss complainants from 19 % to 82 % at 500 € = 3,150 €"""
    # 10 · (0.82 − 0.19) · 500 = 3150
    assert c.quick_resolution_value(10, "large", 500) == pytest.approx(3150.0)


def test_feedback_value_by_hand():
    """feedback_value: 300 complaints at 15 € = 4,500 € against a 30,000 € study, ratio 6.67"""
    res = c.feedback_value(300, 15, 30000)
    assert (res["analysis"], res["saving"]) == pytest.approx((4500, 25500))
    assert res["ratio"] == pytest.approx(30000 / 4500)


def _signals(complaints, bad):
    months = pd.date_range("2025-01-01", periods=len(complaints), freq="MS")
    return pd.DataFrame({"month": months, "complaints": complaints, "bad_call_rate": bad})


def test_silence_alarm_rings_when_complaints_fall_and_bad_calls_do_not():
    """silence_alarm: complaints 40→20 (−50 %) with bad calls 30 %→32 % rings, in plain words"""
    res = c.silence_alarm(_signals([40, 40, 40, 20, 20, 20], [0.3, 0.3, 0.3, 0.32, 0.32, 0.32]))
    assert res["alarm"] and res["complaints_change"] == pytest.approx(-0.5)
    assert res["message"].startswith("Warning") and "30%" in res["message"] and "32%" in res["message"]


def test_silence_alarm_is_quiet_when_service_improved():
    """silence_alarm: the same fall with bad calls 30 %→15 % is an earned drop, not an alarm"""
    res = c.silence_alarm(_signals([40, 40, 40, 20, 20, 20], [0.3, 0.3, 0.3, 0.15, 0.15, 0.15]))
    assert not res["alarm"] and "earned" in res["message"]


def test_silence_alarm_on_the_shipped_signals_and_the_what_if():
    """silence_alarm: the shipped year rings; with bad calls falling 20 points it no longer does"""
    signals = c.load_monthly_signals()
    assert c.silence_alarm(signals)["alarm"]
    assert not c.silence_alarm(c.what_if_bad_rate(signals, -0.20))["alarm"]


def test_what_if_bad_rate_by_hand():
    """what_if_bad_rate: a ramp 0, 0.05, 0.10 is added to the three months"""
    out = c.what_if_bad_rate(_signals([1, 1, 1], [0.2, 0.2, 0.2]), 0.10)
    assert out["bad_call_rate"].tolist() == pytest.approx([0.2, 0.25, 0.3])


def test_silence_alarm_needs_enough_months():
    """silence_alarm: fewer than 2 × months of figures is a DataError"""
    with pytest.raises(DataError):
        c.silence_alarm(_signals([1, 1, 1], [0.2, 0.2, 0.2]), months=3)


def test_reasons_for_silence_in_both_languages():
    """reasons_for_silence: seven reasons, different in French and English"""
    en, fr = c.reasons_for_silence("en"), c.reasons_for_silence("fr")
    assert len(en) == len(fr) == 7 and en != fr


def test_route_to_management_by_hand():
    """route_to_management: per week the two largest stakes; random picks are seeded"""
    log = pd.DataFrame({
        "complaint_id": [f"R{i}" for i in range(6)],
        "date": pd.to_datetime(["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-13", "2025-01-14",
                                "2025-01-15"]),
        "category": ["a", "b", "c", "a", "a", "d"], "amount_eur": [10, 50, 30, 5, 80, 60],
        "resolved": [True, False, True, True, True, False]})
    picked = c.route_to_management(log, 2)
    assert picked["complaint_id"].tolist() == ["R1", "R2", "R4", "R5"]
    cover = c.routing_coverage(picked, log)
    # causes b, c, a, d seen out of 4; stakes 50+30+80+60 = 220 of 235; unresolved R1, R5 → 2/4
    assert cover == pytest.approx({"n": 4, "categories_seen": 1.0, "amount_share": 220 / 235,
                                   "unresolved_share": 0.5})
    first = c.route_to_management(log, 1, rule="random", seed=1)
    assert first["complaint_id"].tolist() == c.route_to_management(log, 1, rule="random", seed=1)["complaint_id"].tolist()
    assert len(first) == 2
    assert c.route_to_management(log, 1, rule="unresolved")["complaint_id"].tolist() == ["R1", "R5"]


def test_panels_follow_the_current_log():
    """panels: once a log replaces the current one, the iceberg and routing panels redraw on it"""
    from cxkit.panels import complaints as panels

    iceberg, routing = panels.iceberg_panel(), panels.routing_panel()
    result = next(w for w in iceberg.children if "cxkit-iceberg-result" in w._dom_classes)
    n = len(c.load_complaints())
    assert result.value.startswith("<p") and f"{n} complaints" in result.value
    try:
        head = c.load_complaints().head(10)
        panels.CURRENT.frame = head
        # each level's complaints × its likely multiplier (front line 2, head office 27)
        levels = c.complaint_levels(head)
        people = int((levels == "front_line").sum()) * 2 + int((levels == "head_office").sum()) * 27
        assert f"10 complaints stand for about {people} customers" in result.value
        assert "The boss reads" in routing.children[2].value
    finally:
        panels.CURRENT.frame = None
