"""The phone audit: loading grids and campaigns, scoring, intervals, verdict, kappa."""
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

from cxkit import DataError, audit

CAMPAIGNS = Path(__file__).resolve().parent / "data" / "campaigns"
Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def small_grid():
    return audit.load_grid(CAMPAIGNS / "grid_small.csv")


@pytest.fixture(scope="module")
def grid():
    return audit.load_grid()


# --- grid -----------------------------------------------------------------------------

def test_shipped_grid_has_sections_kinds_and_critical_items(grid):
    """load_grid: the shipped grid has 15 criteria over the 7 sections, all three kinds, 2 critical"""
    assert len(grid) == 15
    assert audit.sections(grid) == list(audit.SECTIONS)
    assert set(grid["kind"]) == {"yes_no", "scale", "number"}
    assert sorted(grid.loc[grid["critical"], "criterion"]) == ["answered_or_callback", "line_kept"]
    wait = grid.set_index("criterion").loc["wait_seconds"]
    assert (wait["best"], wait["worst"], wait["weight"]) == (30.0, 180.0, 2.0)


def test_grid_critical_accepts_french_english_and_digits(small_grid):
    """load_grid: critical accepts oui/non, yes/no, true/false, 1/0"""
    assert list(small_grid["critical"]) == [False, False, False, False, True]


@pytest.mark.parametrize("field,value,column", [("kind", "stars", "kind"), ("weight", "0", "weight"),
                                                ("best", "0", "best")])
def test_bad_grid_is_refused_with_its_place(tmp_path, field, value, column):
    """load_grid: an unknown kind, a weight of 0 or best == worst names row 2 and the column"""
    row = {"criterion": "c1", "section": "welcome", "label_fr": "x", "label_en": "x", "kind": "yes_no",
           "weight": "1", "critical": "non", "best": "1", "worst": "0", field: value}
    path = tmp_path / "grid.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        audit.load_grid(path)
    assert (err.value.file, err.value.row, err.value.column) == ("grid.csv", 2, column)


# --- campaign files -------------------------------------------------------------------

def test_semicolon_decimal_comma_cp1252_file_loads(small_grid):
    """load_calls: ';', decimal comma, Windows-1252, dd/mm/yyyy and every N/A spelling"""
    calls = audit.load_calls(CAMPAIGNS / "good_semicolon_cp1252.csv", small_grid)
    assert list(calls["call_id"]) == ["A1", "A2", "A3", "A4"]
    assert calls["evaluator"].iloc[0] == "Hélène"
    assert calls["date"].iloc[1] == pd.Timestamp(2026, 9, 8)
    assert calls["wait_seconds"].tolist() == [30.0, 105.0, 180.0, 67.5]
    assert calls["greeting"].tolist()[:2] == [1.0, 0.0] and math.isnan(calls["greeting"].iloc[2])
    assert calls[["courtesy"]].isna().sum().item() == 2  # "N/A" and "-"
    assert math.isnan(calls["transfers"].iloc[3])       # empty cell


def test_bom_file_with_second_scoring_loads(small_grid):
    """load_calls: a UTF-8 file with BOM keeps call_id as the first column and reads ref_call"""
    calls = audit.load_calls(CAMPAIGNS / "good_bom.csv", small_grid)
    assert list(calls["call_id"]) == ["B1", "B1-B"]
    assert calls["ref_call"].isna().tolist() == [True, False] and calls["ref_call"].iloc[1] == "B1"
    assert list(audit.primary_calls(calls)["call_id"]) == ["B1"]


def test_xlsx_as_a_french_spreadsheet_saves_it(tmp_path, small_grid):
    """load_calls: an .xlsx with real dates, numbers and oui/non reads like the CSV"""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["call_id", "date", "scenario", "evaluator", "greeting", "courtesy", "wait_seconds",
                  "transfers", "line_kept"])
    sheet.append(["X1", dt.datetime(2026, 9, 7), "panne", "Zoé", "oui", 3, 45.5, 0, "non"])
    sheet.append(["X2", "08/09/2026", "panne", "Zoé", "NON", "sans objet", 200, 1, "oui"])
    path = tmp_path / "campagne.xlsx"
    book.save(path)
    calls = audit.load_calls(path, small_grid)
    assert calls["date"].tolist() == [pd.Timestamp(2026, 9, 7), pd.Timestamp(2026, 9, 8)]
    assert calls["wait_seconds"].tolist() == [45.5, 200.0]
    assert calls["line_kept"].tolist() == [0.0, 1.0]
    assert calls["greeting"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("name,row,column,words", [
    ("bad_scale_out_of_range.csv", 3, "courtesy", "above the maximum"),
    ("bad_negative_seconds.csv", 2, "wait_seconds", "below the minimum"),
    ("bad_text_in_number.csv", 3, "wait_seconds", "is not a number"),
    ("bad_duplicate_id.csv", 4, "call_id", "more than once (first at row 2)"),
    ("bad_missing_column.csv", 1, "transfers", "column is missing"),
    ("bad_empty.csv", None, None, "the file is empty"),
    ("bad_header_only.csv", None, None, "no data rows"),
    ("bad_yes_no.csv", 2, "greeting", "is not yes/no"),
    ("bad_date.csv", 2, "date", "is not a date"),
    ("bad_unknown_ref.csv", 3, "ref_call", "'X9' is not a call"),
])
def test_every_kind_of_bad_file_names_row_and_column(small_grid, name, row, column, words):
    """load_calls: each bad file raises DataError naming the file, the spreadsheet row and column"""
    with pytest.raises(DataError) as err:
        audit.load_calls(CAMPAIGNS / name, small_grid)
    assert err.value.file == name
    assert (err.value.row, err.value.column) == (row, column)
    assert words in str(err.value)


def test_call_with_nothing_applicable_cannot_be_scored(small_grid):
    """score_calls: a call whose every criterion is N/A raises DataError at its row"""
    calls = audit.load_calls(CAMPAIGNS / "bad_all_na.csv", small_grid)
    with pytest.raises(DataError) as err:
        audit.score_calls(calls, small_grid)
    assert (err.value.file, err.value.row) == ("bad_all_na.csv", 2)


def test_missing_criterion_column_in_scoring(small_grid):
    """score_calls: a table without a criterion column raises DataError naming it"""
    calls = audit.load_calls(CAMPAIGNS / "good_bom.csv", small_grid).drop(columns="courtesy")
    with pytest.raises(DataError) as err:
        audit.score_calls(calls, small_grid)
    assert err.value.column == "courtesy"


# --- scoring --------------------------------------------------------------------------

def test_scores_match_hand_computation(small_grid):
    """score_calls: weighted marks renormalised over applicable criteria, critical items, good"""
    # weights: greeting 1, courtesy 1, wait 2, transfers 1, line_kept 3 (critical)
    # A1: all best → 100.
    # A2: greeting 0, courtesy 2/4 = .5, wait (105−180)/(30−180) = .5, transfers (1−3)/(0−3) = 2/3,
    #     line 1 → (0 + .5 + 2·.5 + 2/3 + 3) / 8 = 5.1667/8 = 64.583 (below 70: not good)
    # A3: greeting and courtesy N/A; wait 180 → 0, transfers 3 → 0, line cut → 0 over weights 6 → 0
    # A4: greeting 1, courtesy N/A, wait 67.5 → .75, transfers N/A, line cut → (1 + 1.5 + 0)/6 = 41.667
    scored = audit.score_calls(audit.load_calls(CAMPAIGNS / "good_semicolon_cp1252.csv", small_grid), small_grid)
    assert scored.index.tolist() == ["A1", "A2", "A3", "A4"]
    assert scored["score"].tolist() == pytest.approx([100.0, 64.58333, 0.0, 41.66667], abs=1e-4)
    assert scored["critical_failed"].tolist() == [False, False, True, True]
    assert scored["good"].tolist() == [True, False, False, False]
    assert scored["applicable"].tolist() == [5, 5, 3, 3]
    # A2 by section: welcome (0 + .5)/2 = 25; waiting 50; routing (2/3 + 3)/4 = 91.667
    assert scored.loc["A2", ["welcome", "waiting", "routing"]].tolist() == pytest.approx([25, 50, 91.6667], abs=1e-3)
    assert math.isnan(scored.loc["A3", "welcome"])


def test_good_threshold_is_a_parameter(small_grid):
    """score_calls: with good_threshold=60 the 64.6 call becomes good"""
    calls = audit.load_calls(CAMPAIGNS / "good_semicolon_cp1252.csv", small_grid)
    assert audit.score_calls(calls, small_grid, good_threshold=60)["good"].tolist() == [True, True, False, False]


def test_sample_campaign_scores_with_shipped_grid(grid):
    """score_calls: the shipped campaign scores 120 rows, each in [0, 100], one column per section"""
    scored = audit.score_calls(audit.load_sample_campaign(grid), grid)
    assert len(scored) == 120 and scored.index.is_unique
    assert scored["score"].between(0, 100).all()
    assert set(audit.SECTIONS) <= set(scored.columns)


def _random_calls(draw, n_crit):
    n = draw(st.integers(1, 12))
    values = draw(st.lists(st.lists(st.one_of(st.none(), st.floats(0, 5)), min_size=n_crit, max_size=n_crit),
                           min_size=n, max_size=n))
    for row in values:
        if all(v is None for v in row):
            row[0] = 1.0
    return values


@st.composite
def grids_and_calls(draw):
    k = draw(st.integers(2, 6))
    kinds = draw(st.lists(st.sampled_from(["yes_no", "scale", "number"]), min_size=k, max_size=k))
    grid = pd.DataFrame({
        "criterion": [f"c{i}" for i in range(k)], "section": [f"s{i % 3}" for i in range(k)],
        "label_fr": "x", "label_en": "x", "kind": kinds,
        "weight": draw(st.lists(st.floats(0.1, 5), min_size=k, max_size=k)),
        "critical": draw(st.lists(st.booleans(), min_size=k, max_size=k)),
        "best": [0.0 if kd == "number" else (1.0 if kd == "yes_no" else 4.0) for kd in kinds],
        "worst": [3.0 if kd == "number" else 0.0 for kd in kinds]})
    values = _random_calls(draw, k)
    calls = pd.DataFrame(values, columns=list(grid["criterion"]), dtype=float)
    calls.insert(0, "call_id", [f"K{i}" for i in range(len(calls))])
    return grid, calls


@settings(max_examples=60, deadline=None)
@given(grids_and_calls())
def test_property_scores_stay_between_0_and_100(data):
    """score_calls: every score and section score lies in [0, 100] whatever the values"""
    grid, calls = data
    scored = audit.score_calls(calls, grid)
    assert scored["score"].between(0, 100).all()
    sec = scored[audit.sections(grid)].to_numpy()
    assert np.all((sec[~np.isnan(sec)] >= 0) & (sec[~np.isnan(sec)] <= 100))


@settings(max_examples=60, deadline=None)
@given(grids_and_calls(), st.data())
def test_property_na_equals_dropping_the_criterion(data, extra):
    """score_calls: N/A on a criterion gives the score of the grid without that criterion"""
    grid, calls = data
    j = extra.draw(st.integers(0, len(grid) - 1))
    crit = grid["criterion"][j]
    others = [c for c in grid["criterion"] if c != crit]
    keep = calls[others].notna().any(axis=1)
    calls = calls[keep]
    if calls.empty:
        return
    with_na = calls.copy()
    with_na[crit] = np.nan
    dropped = grid[grid["criterion"] != crit].reset_index(drop=True)
    a = audit.score_calls(with_na, grid)["score"].to_numpy()
    b = audit.score_calls(calls.drop(columns=crit), dropped)["score"].to_numpy()
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(grids_and_calls(), st.randoms(use_true_random=False))
def test_property_reordering_rows_or_columns_changes_nothing(data, rnd):
    """score_calls: shuffling calls, criterion columns and grid rows leaves every call's score alike"""
    grid, calls = data
    base = audit.score_calls(calls, grid)
    rows = list(range(len(calls)))
    rnd.shuffle(rows)
    cols = list(calls.columns[1:])
    rnd.shuffle(cols)
    grid_rows = list(range(len(grid)))
    rnd.shuffle(grid_rows)
    shuffled = calls.iloc[rows][["call_id", *cols]]
    other = audit.score_calls(shuffled, grid.iloc[grid_rows].reset_index(drop=True))
    pd.testing.assert_series_equal(other["score"].loc[base.index], base["score"], rtol=1e-12)
    assert (other["good"].loc[base.index] == base["good"]).all()


def test_scoring_is_vectorised_on_a_large_table(small_grid):
    """score_calls: 200,000 calls score within 3 s even on a loaded machine (a loop per call takes far longer)"""
    import time

    rng = np.random.default_rng(1)
    calls = pd.DataFrame(rng.integers(0, 2, size=(200_000, 5)).astype(float), columns=small_grid["criterion"])
    calls.insert(0, "call_id", np.arange(200_000))
    start = time.perf_counter()
    scored = audit.score_calls(calls, small_grid)
    assert time.perf_counter() - start < 3.0
    assert len(scored) == 200_000


# --- intervals, verdict, sample size ---------------------------------------------------

def test_wilson_interval_by_hand():
    """wilson_interval: 5/10 gives [0.2366, 0.7634] and 0/10 gives [0, 0.2775]"""
    # z = 1.96, z²/n = 0.38415; 5/10: centre (0.5 + 0.19207)/1.38415 = 0.5,
    # half = 1.96/1.38415 · √(0.025 + 0.0096036) = 1.416 · 0.18602 = 0.26341
    assert audit.wilson_interval(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    # 0/10: centre 0.19207/1.38415 = 0.13876, half 1.416 · √0.0096036 = 0.13876 → [0, 0.27753]
    low, high = audit.wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-9) and high == pytest.approx(0.27753, abs=1e-5)
    assert all(math.isnan(v) for v in audit.wilson_interval(0, 0))


def test_mean_interval_by_hand():
    """mean_interval: 1..5 gives 3 ± t(4)·√2.5/√5 = 3 ± 2.7764·0.7071 = [1.0368, 4.9632]"""
    mean, low, high = audit.mean_interval([1, 2, 3, 4, 5])
    assert (mean, low, high) == pytest.approx((3.0, 1.03676, 4.96324), abs=1e-4)


def test_indicators_by_hand(small_grid):
    """indicators: 1 good call of 4 → rate .25, Wilson [.0456, .6994]; mean score 51.56"""
    # Wilson 1/4: centre (.25 + .48029)/1.96036 = .37253, half 1.9600/1.96036·√(.046875 + .060034)
    # = .99980 · .32697 = .32691 → [.04562, .69944]; mean of 100, 64.583, 0, 41.667 = 51.5625
    scored = audit.score_calls(audit.load_calls(CAMPAIGNS / "good_semicolon_cp1252.csv", small_grid), small_grid)
    ind = audit.indicators(scored)
    assert (ind["n"], ind["good"], ind["critical_failed"]) == (4, 1, 2)
    assert ind["good_rate"] == 0.25
    assert (ind["good_rate_low"], ind["good_rate_high"]) == pytest.approx((0.04562, 0.69944), abs=1e-4)
    assert ind["mean_score"] == pytest.approx(51.5625, abs=1e-4)
    assert ind["mean_score_low"] < ind["mean_score"] < ind["mean_score_high"]


@pytest.mark.parametrize("good,n,expected", [
    (0, 10, "proven"),         # Wilson upper bound .2775 < .8
    (7, 10, "presumption"),    # .7 < .8 but the upper bound .8922 reaches .8
    (9, 10, "no_evidence"),    # .9 ≥ .8
    (55, 108, "proven"),       # upper bound about .60
    (0, 0, "no_evidence"),     # nothing to judge
])
def test_verdict_thresholds(good, n, expected):
    """verdict: proven when the upper bound is below target, presumption when only the rate is"""
    assert audit.verdict(good, n, target=0.8) == expected


def test_verdict_text_in_both_languages():
    """verdict_text: proven says 'not that customers are lost'; a presumption gives the calls needed by exact power"""
    text = audit.verdict_text(0, 10, lang="en")
    assert text.startswith("Problem proven") and "not that customers are lost" in text
    text = audit.verdict_text(7, 10, lang="fr")
    assert text.startswith("Simple présomption") and "70\u00a0%" in text
    # at a true 70 % against 80 %: from 69 calls on an even chance, from 141 four chances in five
    # (calls_needed with stable=True: the saw-tooth never dips below after that)
    assert "69 appels" in text and "141 appels quatre fois sur cinq" in text
    assert not hasattr(audit, "calls_to_be_sure")


def test_proof_power_enumerated_by_hand():
    """proof_power: 10 calls at a true 70 % vs 80 %: proven only with ≤ 5 good, P = 0.150268"""
    # Wilson upper bound < 0.8 ⇔ k/10 < 0.8 − 1.96·√(0.16/10) = 0.5521 ⇔ k ≤ 5
    assert audit.wilson_interval(5, 10)[1] < 0.8 <= audit.wilson_interval(6, 10)[1]
    by_hand = sum(math.comb(10, k) * 0.7 ** k * 0.3 ** (10 - k) for k in range(6))  # 0.1502683
    assert audit.proof_power(10, 0.7, 0.8) == pytest.approx(by_hand, abs=1e-12)
    assert by_hand == pytest.approx(0.150268, abs=1e-6)


def test_proof_power_at_81_calls_is_a_coin_flip():
    """proof_power: 81 calls at a true 70 % vs 80 % prove it only 57 % of the time (issue 14, item 1)"""
    # k/81 < 0.8 − 1.96·√(0.16/81) = 0.71289 ⇔ k ≤ 57; P(Bin(81, 0.7) ≤ 57) = 0.5707
    assert audit.wilson_interval(57, 81)[1] < 0.8 <= audit.wilson_interval(58, 81)[1]
    assert audit.proof_power(81, 0.7, 0.8) == pytest.approx(0.5707, abs=1e-4)


def test_calls_needed_by_exact_power():
    """calls_needed: 130 calls give 80 % power at a true 70 % vs 80 %; 129 do not; saw-tooth handled by stable"""
    n = audit.calls_needed(0.7, 0.8)
    assert n == 130
    assert audit.proof_power(130, 0.7, 0.8) == pytest.approx(0.8045, abs=1e-4)
    assert audit.proof_power(129, 0.7, 0.8) < 0.8
    assert all(audit.proof_power(k, 0.7, 0.8) < 0.8 for k in range(1, 130))
    # one call more and the power drops (the count needed moves in whole calls)
    assert audit.proof_power(131, 0.7, 0.8) == pytest.approx(0.7637, abs=1e-4)
    stable = audit.calls_needed(0.7, 0.8, stable=True)
    assert stable == 141
    curve = audit.power_curve(0.7, 0.8, range(141, 283))
    assert list(curve.columns) == ["n", "power"] and (curve["power"] >= 0.8).all()
    assert audit.proof_power(140, 0.7, 0.8) < 0.8
    assert audit.calls_needed(0.7, 0.8, power=0.5) == 59


def test_calls_needed_refuses_what_cannot_be_proven():
    """calls_needed: a true share at or above the target, or a rate outside (0, 1), is a DataError"""
    with pytest.raises(DataError, match="true_rate"):
        audit.calls_needed(0.8, 0.8)
    with pytest.raises(DataError, match="power"):
        audit.calls_needed(0.7, 0.8, power=1.0)
    with pytest.raises(DataError, match="target"):
        audit.proof_power(10, 0.7, 1.5)
    with pytest.raises(DataError, match="n"):
        audit.proof_power(0, 0.7, 0.8)


@pytest.mark.parametrize("margin,p,expected", [(0.05, 0.5, 385), (0.1, 0.5, 97), (0.05, 0.8, 246)])
def test_sample_size_by_hand(margin, p, expected):
    """sample_size: ceil(1.96² p(1−p)/margin²): 384.15→385, 96.04→97, 245.85→246"""
    assert audit.sample_size(margin, p) == expected


def test_sample_size_refuses_a_nonsense_margin():
    """sample_size: a margin of 0 or above 1 is a DataError"""
    with pytest.raises(DataError):
        audit.sample_size(0)
    with pytest.raises(DataError):
        audit.sample_size(0.1, p=1.5)


# --- calibration ----------------------------------------------------------------------

def test_cohen_kappa_two_by_two_by_hand():
    """cohen_kappa: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no → po .7, pe .5, κ = .4"""
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    # pe = .5·.6 + .5·.4 = .5 ; κ = (.7 − .5)/(1 − .5) = .4
    assert audit.cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_edges():
    """cohen_kappa: identical marks → 1, opposite balanced marks → −1, NaN pairs dropped"""
    assert audit.cohen_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert audit.cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    assert audit.cohen_kappa([1, 1, np.nan], [1, 1, 0]) == 1.0
    assert math.isnan(audit.cohen_kappa([np.nan], [1]))


@pytest.mark.parametrize("kappa,band", [(-0.1, "poor"), (0.1, "slight"), (0.3, "fair"), (0.5, "moderate"),
                                        (0.7, "substantial"), (0.9, "almost_perfect"), (0.2, "slight")])
def test_landis_koch_bands(kappa, band):
    """kappa_reading: Landis & Koch (1977) bands at 0, .2, .4, .6, .8"""
    assert audit.kappa_reading(kappa) == band


def test_kappa_by_criterion_pairs_second_scorings(small_grid):
    """kappa_by_criterion: B1-B against B1: greeting differs (κ 0), courtesy agrees (κ 1)"""
    calls = audit.load_calls(CAMPAIGNS / "good_bom.csv", small_grid)
    table = audit.kappa_by_criterion(calls, small_grid).set_index("criterion")
    assert table.loc["greeting", ["n_pairs", "agreement", "kappa"]].tolist() == [1, 0.0, 0.0]
    assert table.loc["courtesy", "kappa"] == 1.0
    # 60 s and 62 s both earn part marks (band 1): they agree
    assert table.loc["wait_seconds", "agreement"] == 1.0


# --- reading the campaign, store and form ---------------------------------------------

def test_summaries_on_the_sample_campaign(grid):
    """summary_by/weekly_trend/section_scores: 108 primary calls, 4 weeks of 27, 3 evaluators"""
    calls = audit.primary_calls(audit.load_sample_campaign(grid))
    scored = audit.score_calls(calls, grid)
    assert len(scored) == 108
    trend = audit.weekly_trend(scored)
    assert trend["n"].tolist() == [27, 27, 27, 27]
    assert trend["week"].dt.day_of_week.eq(0).all()
    assert audit.summary_by(scored, "evaluator")["n"].tolist() == [36, 36, 36]
    sec = audit.section_scores(scored, grid)
    assert sec["mean_score"].is_monotonic_increasing and len(sec) == 7
    reco = audit.recommendations(scored, grid)
    assert set(reco["area"]) <= {"process", "quality", "organisation"} and len(reco) <= 3


def test_weakest_criteria_by_hand(small_grid):
    """weakest_criteria: line_kept (2 of 4 kept → 50) and greeting (2 of 3 → 66.7) are the weakest"""
    calls = audit.load_calls(CAMPAIGNS / "good_semicolon_cp1252.csv", small_grid)
    weak = audit.weakest_criteria(calls, small_grid, k=5)
    # transfers: 1, 2/3, 0 → 55.6; wait: 1, .5, 0, .75 → 56.25; courtesy: 1, .5 → 75
    assert weak["criterion"].tolist() == ["line_kept", "transfers", "wait_seconds", "greeting", "courtesy"]
    assert weak["mean_mark"].tolist() == pytest.approx([50, 55.556, 56.25, 66.667, 75], abs=1e-3)


def test_form_record_round_trip_through_the_store(store, grid):
    """validate_record + Store.add_call + calls_from_records: a form entry comes back scored"""
    assert audit.calls_from_records(store.calls(), grid).empty
    record = {"call_id": "W-1", "date": "2026-11-23", "scenario": "complaint", "evaluator": "Ann",
              "comment": "", **{c: None for c in grid["criterion"]}}
    record.update(greeting="oui", courtesy=3, wait_seconds=40, line_kept="oui", answered_or_callback="non")
    audit.validate_record(record, grid)
    store.add_call(record)
    calls = audit.calls_from_records(store.calls(), grid)
    scored = audit.score_calls(calls, grid)
    assert scored.index.tolist() == ["W-1"] and bool(scored["critical_failed"].iloc[0])
    assert calls["wait_seconds"].iloc[0] == 40.0


def test_form_record_error_names_the_field(grid):
    """validate_record: a scale of 9 is refused and the error names the criterion"""
    record = {"call_id": "W-2", "date": "2026-11-23", "scenario": "complaint", "evaluator": "Ann",
              **{c: None for c in grid["criterion"]}}
    record["courtesy"] = 9
    with pytest.raises(DataError) as err:
        audit.validate_record(record, grid)
    assert err.value.column == "courtesy"
    record["courtesy"] = None
    with pytest.raises(DataError) as err:  # nothing applicable
        audit.validate_record(record, grid)
    assert "cannot be scored" in str(err.value)


def test_call_sheet_in_both_languages(grid):
    """call_sheet: one row per criterion, headers and section names in the language asked"""
    fr = audit.call_sheet(grid, lang="fr", calls=3)
    en = audit.call_sheet(grid, lang="en", calls=3)
    assert len(fr) == 15 and list(fr.columns)[-3:] == ["Appel 1", "Appel 2", "Appel 3"]
    assert fr["Rubrique"].iloc[0] == "Accueil" and en["Section"].iloc[0] == "Welcome"
    assert en.loc[en["id"] == "line_kept", "Critical"].item() == "yes"
    template = audit.entry_template(grid)
    assert list(template.columns[:4]) == ["call_id", "date", "scenario", "evaluator"]


def test_scenarios_are_bilingual():
    """load_scenarios: four scenarios, each with what the caller says and a good answer in FR and EN"""
    sc = audit.load_scenarios()
    assert sc["scenario"].tolist() == ["prospect", "breakdown", "cancellation", "complaint"]
    for col in ("caller_says_fr", "caller_says_en", "good_answer_fr", "good_answer_en"):
        assert sc[col].str.len().min() > 20


def test_imported_file_goes_to_the_store_all_or_nothing(store, small_grid):
    """records_for_store + Store.add_calls: a file is stored whole, and a clash stores none of it"""
    calls = audit.load_calls(CAMPAIGNS / "good_semicolon_cp1252.csv", small_grid)
    records = audit.records_for_store(calls, small_grid)
    assert records[1]["date"] == "2026-09-08" and records[2]["greeting"] is None and records[1]["wait_seconds"] == 105.0
    assert store.add_calls(records) == 4
    back = audit.score_calls(audit.calls_from_records(store.calls(), small_grid), small_grid)
    assert back["score"].tolist() == pytest.approx([100.0, 64.58333, 0.0, 41.66667], abs=1e-4)
    other = audit.records_for_store(audit.load_calls(CAMPAIGNS / "good_bom.csv", small_grid), small_grid)
    with pytest.raises(DataError):
        store.add_calls(other + records[:1])  # A1 is already stored: B1 and B1-B are not kept
    assert store.call_ids() == {"A1", "A2", "A3", "A4"}


# --- panels (ipywidgets, driven from Python) -------------------------------------------

def _upload(panel, name, data):
    upload = panel.children[1].children[0]
    upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                     "last_modified": dt.datetime(2026, 1, 1)},)


def _french_campaign(rows: int = 5) -> bytes:
    """The first rows of the sample campaign as a French spreadsheet saves them."""
    frame = pd.read_csv(audit.DATA / "sample_campaign.csv", dtype=str, keep_default_na=False).head(rows)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%d/%m/%Y")
    frame["evaluator"] = "Hélène"
    frame.loc[0, "wait_seconds"] = "42,5"
    return frame.to_csv(sep=";", index=False).encode("cp1252")


def test_panel_imports_a_file_and_stores_it_all_or_nothing(tmp_path, monkeypatch):
    """AuditSession: an imported French file is analysed (n = 5), stored whole once, refused the second time"""
    import cxkit as cx

    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "w.sqlite"))
    session = cx.panels.audit.session()
    source, results = session.source_panel(), session.results_panel()
    n = results.children[1]
    assert "cxkit-audit-n'>108<" in n.value
    _upload(source, "campagne.csv", _french_campaign())
    source.children[1].children[1].click()  # analyse
    assert "cxkit-audit-n'>5<" in n.value and "5 rows loaded" in source.children[2].value
    source.children[1].children[2].click()  # add to the store
    assert "5 calls added" in source.children[2].value
    source.children[1].children[2].click()  # the same file again: refused, store unchanged
    assert "already stored" in source.children[2].value
    from cxkit.store import Store

    assert len(Store().call_ids()) == 5


def test_panel_form_shows_error_next_to_field_then_saves(tmp_path, monkeypatch):
    """AuditSession.form_panel: text in a number field is shown beside it; a valid call updates n"""
    import cxkit as cx

    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "w.sqlite"))
    session = cx.panels.audit.session("store")
    form, results = session.form_panel(), session.results_panel()
    assert "cxkit-audit-n'>0<" in results.children[1].value

    def find(css):
        stack = [form]
        while stack:
            w = stack.pop()
            if css in getattr(w, "_dom_classes", ()):
                return w
            stack.extend(getattr(w, "children", ()))
        raise LookupError(css)

    find("cxkit-audit-evaluator").value = "Ann"
    find("cxkit-field-wait_seconds").value = "a minute"
    find("cxkit-audit-submit").click()
    assert "is not a number" in find("cxkit-field-error-wait_seconds").value
    assert "cxkit-audit-n'>0<" in results.children[1].value
    find("cxkit-field-wait_seconds").value = "40"
    find("cxkit-field-line_kept").value = "oui"
    find("cxkit-audit-submit").click()
    assert find("cxkit-field-error-wait_seconds").value == ""
    assert "cxkit-audit-n'>1<" in results.children[1].value
    assert "saved" in find("cxkit-audit-form-status").value


def test_charts_take_labels_from_the_language():
    """charts.audit: the section chart's title and axis follow the language"""
    from cxkit import charts, i18n

    grid = audit.load_grid()
    scored = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)
    i18n.set_language("fr")
    spec = charts.audit.section_chart(audit.section_scores(scored, grid)).to_dict()
    assert spec["title"] == "Note par rubrique"
    assert "Attente" in {row["label"] for row in spec["datasets"][next(iter(spec["datasets"]))]}


def test_a_call_dated_after_today_is_refused(tmp_path, small_grid):
    """load_calls: a call dated after today is a DataError at its row, column 'date'"""
    later = (dt.date.today() + dt.timedelta(days=400)).strftime("%d/%m/%Y")
    path = tmp_path / "future.csv"
    path.write_text("call_id;date;scenario;evaluator;greeting;courtesy;wait_seconds;transfers;line_kept\n"
                    f"F1;01/09/2026;p;Ann;oui;2;60;0;oui\nF2;{later};p;Ann;oui;2;60;0;oui\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        audit.load_calls(path, small_grid)
    assert (err.value.row, err.value.column) == (3, "date") and "after today" in str(err.value)


# --- the room's grid: chosen in notebook 02, used in notebook 03 ------------------------

def test_grid_choices_round_trip_and_change_only_weights_and_critical_items():
    """with_choices(grid, grid_choices(edited)) gives the edited weights and flags back;
    unknown criteria are ignored and the grid given is left as it was"""
    grid = audit.load_grid()
    first, second = grid["criterion"].iloc[0], grid["criterion"].iloc[1]
    choices = {first: {"weight": 4.5, "critical": True}, "no_such": {"weight": 9.0, "critical": True}}
    room = audit.with_choices(grid, choices)
    assert room.loc[room["criterion"] == first, "weight"].item() == 4.5
    assert room.loc[room["criterion"] == first, "critical"].item()
    assert room.loc[room["criterion"] == second, "weight"].item() == grid["weight"].iloc[1]
    assert list(room["criterion"]) == list(grid["criterion"]) and len(room) == len(grid)
    assert grid["weight"].iloc[0] != 4.5  # the shipped grid is untouched
    assert audit.with_choices(grid, audit.grid_choices(room)).equals(room)
    assert audit.with_choices(grid, None).equals(grid)


@pytest.mark.parametrize("weight", [0, -1, "2", None, float("nan"), True])
def test_grid_choices_refuse_a_weight_that_is_not_above_zero(weight):
    grid = audit.load_grid()
    first = grid["criterion"].iloc[0]
    with pytest.raises(DataError) as err:
        audit.with_choices(grid, {first: {"weight": weight, "critical": False}})
    assert err.value.column == first and "the weight must be above 0" in err.value.problem


def test_room_grid_from_notebook_02_scores_the_calls_of_notebook_03(tmp_path, monkeypatch):
    """02's "use for the room" changes how 03 scores the sample calls; "back to the shipped
    grid" undoes it, in the store and on the sliders"""
    import cxkit as cx

    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "w.sqlite"))
    grid = audit.load_grid()
    shipped = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)

    panel = cx.panels.audit.grid_panel()
    rows = panel.children[0].children[-len(grid):]
    heavy = grid["criterion"].iloc[0]
    rows[0].children[1].value = 5.0  # the first criterion's weight slider
    rows[0].children[2].value = not bool(grid["critical"].iloc[0])
    use, reset = panel.children[2].children
    use.click()
    assert "notebook 03 now scores the calls with this grid" in panel.children[-1].value

    session = cx.panels.audit.session("sample")
    assert session.grid.loc[session.grid["criterion"] == heavy, "weight"].item() == 5.0
    note = session.source_panel().children[-1].value
    assert "room&#x27;s grid from notebook 02 (criteria changed: 1)" in note  # one criterion, both its choices
    room = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(session.grid)), session.grid)
    assert not np.allclose(room["score"], shipped["score"])

    reset.click()
    assert rows[0].children[1].value == grid["weight"].iloc[0]
    assert cx.panels.audit.session("sample").grid.equals(grid)
    assert "shipped grid" in cx.panels.audit.session("sample").source_panel().children[-1].value


# --- two waves (issue 14) --------------------------------------------------------------

def test_compare_waves_reproduces_newcombe():
    """compare_waves: Newcombe (1998) example 56/70 − 48/80 = 0.2, hybrid score interval 0.0524 to 0.3339"""
    result = audit.compare_waves(48, 80, 56, 70)
    assert result["difference"] == pytest.approx(0.2)
    assert result["difference_low"] == pytest.approx(0.0524, abs=5e-5)
    assert result["difference_high"] == pytest.approx(0.3339, abs=5e-5)
    assert result["verdict"] == "improved"
    # the other way round: the same interval, negated
    back = audit.compare_waves(56, 70, 48, 80)
    assert back["difference_low"] == pytest.approx(-0.3339, abs=5e-5) and back["verdict"] == "worse"


def test_compare_waves_no_evidence_when_zero_is_inside():
    """compare_waves: 6/10 then 7/10 → the interval contains 0: no evidence either way"""
    result = audit.compare_waves(6, 10, 7, 10)
    assert result["difference_low"] < 0 < result["difference_high"] and result["verdict"] == "no_evidence"
    with pytest.raises(DataError, match="good_after"):
        audit.compare_waves(6, 10, 11, 10)
    with pytest.raises(DataError, match="n_before"):
        audit.compare_waves(0, 0, 1, 10)


def test_wave_power_enumerated():
    """wave_power: 10/20 before, true 95 % after, 6 calls: only 6/6 shows 'improved' → power 0.95⁶ = 0.7351"""
    lows = [audit.compare_waves(10, 20, k, 6)["difference_low"] for k in range(7)]
    assert [low > 0 for low in lows] == [False] * 6 + [True]
    assert audit.wave_power(0.5, 20, 0.45, 6) == pytest.approx(0.95 ** 6, abs=1e-12)


def test_second_wave_calls_is_the_first_n_with_the_power():
    """second_wave_calls: 60 % over 100 calls, +15 points → 137 calls (power 0.8005; 136 gives 0.7585)"""
    n = audit.second_wave_calls(0.6, 100, 0.15)
    assert n == 137
    assert audit.wave_power(0.6, 100, 0.15, 137) == pytest.approx(0.8005, abs=1e-4)
    assert all(audit.wave_power(0.6, 100, 0.15, k) < 0.8 for k in (1, 50, 100, 136))
    # a first wave of 10 calls is too uncertain to ever show +10 points
    with pytest.raises(DataError, match="n_before"):
        audit.second_wave_calls(0.6, 10, 0.1)
    with pytest.raises(DataError, match="improvement"):
        audit.second_wave_calls(0.6, 100, -0.1)


# --- evaluators compared by one test (issue 14) ------------------------------------------

def _by_evaluator(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = [{"evaluator": who, "good": i < good} for who, (good, n) in counts.items() for i in range(n)]
    return pd.DataFrame(rows)


def test_evaluator_test_chi2_by_hand():
    """evaluator_test: 17/36, 26/36, 17/36 good → χ² = 6.075, 2 dof, p = e^(−6.075/2) = 0.0480; 3 pairs"""
    # expected 20 good / 16 not good per evaluator: (9/20 + 9/16) · 2 + (36/20 + 36/16) = 6.075
    result = audit.evaluator_test(_by_evaluator({"Claire": (17, 36), "Mehdi": (26, 36), "Sophie": (17, 36)}))
    assert result["method"] == "chi2" and result["dof"] == 2
    assert result["statistic"] == pytest.approx(6.075)
    assert result["p_value"] == pytest.approx(math.exp(-6.075 / 2))
    assert result["different"] and result["comparisons"] == 3
    assert result["family_false_alarm"] == pytest.approx(1 - 0.95 ** 3)
    assert list(result["table"]["good"]) == [17, 26, 17]
    text = audit.evaluator_test_text(result, lang="en")
    assert "overlapping intervals do not show" in text and "3 pairs" in text
    assert "intervalles qui se chevauchent" in audit.evaluator_test_text(result, lang="fr")


def test_evaluator_test_goes_exact_when_counts_are_small():
    """evaluator_test: 3/3 vs 0/3 → Fisher's exact p = 2/20 = 0.1; three small groups → permutation test"""
    result = audit.evaluator_test(_by_evaluator({"A": (3, 3), "B": (0, 3)}))
    assert result["method"] == "fisher_exact" and result["p_value"] == pytest.approx(0.1)
    small = audit.evaluator_test(_by_evaluator({"A": (3, 4), "B": (1, 4), "C": (2, 4)}), resamples=2000)
    assert small["method"] == "permutation" and 0 < small["p_value"] <= 1 and not small["different"]
    assert audit.evaluator_test(_by_evaluator({"A": (3, 4)}))["method"] == "none"
