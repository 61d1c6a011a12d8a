"""The room as a calibration lab: Fleiss' kappa, rater noise, and the widened interval."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxkit import DataError, audit, calibration

CAMPAIGNS = Path(__file__).resolve().parent / "data" / "campaigns"

# Wikipedia's worked example of Fleiss' kappa (10 items, 14 raters, 5 categories), given
# as counts n_ij; by hand: P̄ = 0.378, P_e = 0.2128…, κ = 0.2099…
FLEISS_COUNTS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def _ratings_from_counts(counts):
    """Items × raters table from counts: item i gets category j from n_ij raters."""
    return pd.DataFrame([[j for j, k in enumerate(row) for _ in range(k)] for row in counts])


@pytest.fixture(scope="module")
def small_grid():
    return audit.load_grid(CAMPAIGNS / "grid_small.csv")


# --- Fleiss' kappa -------------------------------------------------------------------------

def test_fleiss_kappa_three_by_three_by_hand():
    """fleiss_kappa: a 3 items × 3 raters table computed by hand gives 0.55"""
    # A: yes yes yes → P=1; B: yes yes no → (4+1−3)/6 = 1/3; C: no no no → P=1
    # P̄ = 7/9; p_yes = 5/9, p_no = 4/9 → P_e = 41/81; κ = (63/81 − 41/81)/(40/81) = 22/40
    table = [["yes", "yes", "yes"], ["yes", "yes", "no"], ["no", "no", "no"]]
    assert calibration.audit.fleiss_kappa(table) == pytest.approx(0.55, abs=1e-12)
    assert audit.fleiss_kappa(np.array([[1, 1, 1], [1, 1, 0], [0, 0, 0]])) == pytest.approx(0.55, abs=1e-12)


def test_fleiss_kappa_chance_agreement_is_zero():
    """fleiss_kappa: agreement exactly at chance (P̄ = P_e = 5/9) gives 0"""
    table = [["yes", "yes", "yes"], ["yes", "yes", "no"], ["no", "no", "yes"]]
    assert audit.fleiss_kappa(table) == pytest.approx(0.0, abs=1e-12)


def test_fleiss_kappa_worked_example():
    """fleiss_kappa: the 10 × 14 worked example gives κ ≈ 0.210 (P̄ = 0.378, P_e = 0.213)"""
    assert audit.fleiss_kappa(_ratings_from_counts(FLEISS_COUNTS)) == pytest.approx(0.20993, abs=1e-4)


def test_fleiss_kappa_missing_ratings_use_each_items_raters():
    """fleiss_kappa: a blank rating leaves the rater out of that item only; items rated once are dropped"""
    # item1: yes yes yes – → n=3, P=1; item2: yes no – – → n=2, P=0; item3: no ×4 → P=1;
    # item4: yes – – – → dropped. P̄ = 2/3; yes 4, no 5 of 9 → P_e = 41/81; κ = 13/40
    table = pd.DataFrame([["yes", "yes", "yes", None], ["yes", "no", None, None],
                          ["no", "no", "no", "no"], ["yes", None, np.nan, None]])
    assert audit.fleiss_kappa(table) == pytest.approx(13 / 40, abs=1e-12)


def test_fleiss_kappa_constant_table_and_values():
    """fleiss_kappa: one category throughout (P_e = 1) is perfect agreement, 1.0; 1, 1.0 and True are one mark"""
    assert audit.fleiss_kappa([[1, 1.0, True], [1, 1, 1]]) == 1.0


def test_fleiss_kappa_needs_two_raters():
    """fleiss_kappa: a single rater, or no item rated twice, is a DataError"""
    with pytest.raises(DataError):
        audit.fleiss_kappa([[1], [0]])
    with pytest.raises(DataError):
        audit.fleiss_kappa([[1, None], [None, 0]])


def test_fleiss_kappa_matches_statsmodels():
    """fleiss_kappa: equals statsmodels' fleiss_kappa on complete tables"""
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(7)
    for _ in range(20):
        ratings = rng.integers(0, 4, size=(int(rng.integers(3, 12)), int(rng.integers(2, 8))))
        counts, _ = inter_rater.aggregate_raters(ratings)
        assert audit.fleiss_kappa(ratings) == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-12)
    assert audit.fleiss_kappa(_ratings_from_counts(FLEISS_COUNTS)) == pytest.approx(
        inter_rater.fleiss_kappa(np.array(FLEISS_COUNTS)), abs=1e-12)


# --- rater noise -------------------------------------------------------------------------

REFERENCE = {"greeting": 1, "courtesy": 4, "wait_seconds": 30, "transfers": 0, "line_kept": 1}


def _answers():
    return pd.DataFrame([
        {"round": "r1", "rater": "Ann", "greeting": 1, "courtesy": 2, "wait_seconds": 105, "transfers": 0, "line_kept": 1},
        {"round": "r1", "rater": "Ben", "greeting": 0, "courtesy": 0, "wait_seconds": 30, "transfers": 0, "line_kept": 1},
        {"round": "r1", "rater": "Ben", "greeting": 1, "courtesy": 4, "wait_seconds": 30, "transfers": 0, "line_kept": 1},
        {"round": "r1", "rater": "<b>Cy</b>", "greeting": 0, "courtesy": 4, "wait_seconds": 30, "transfers": 0,
         "line_kept": 0},
        {"round": "r0", "rater": "Old", "greeting": 0, "courtesy": 0, "wait_seconds": 180, "transfers": 3, "line_kept": 0},
    ])


def test_round_ratings_keeps_each_raters_latest(small_grid):
    """round_ratings: one column per rater of the round, their latest scoring, criteria in the grid's order"""
    table = calibration.round_ratings(_answers(), "r1", small_grid)
    assert list(table.columns) == ["Ann", "Ben", "<b>Cy</b>"]
    assert list(table.index) == list(small_grid["criterion"])
    assert table.loc["courtesy", "Ben"] == 4.0


def test_rater_scores_lenient_and_severe_by_hand(small_grid):
    """rater_scores: each rater's score minus the reference's, by hand on the small grid (weights 1,1,2,1,3)"""
    # reference: every mark 1 → 100. Ann: 1 + 0.5 + 2·0.5 + 1 + 3 = 6.5 of 8 → 81.25 (−18.75, severe)
    # Ben: as the reference → 100 (0, aligned). Cy: 0 + 1 + 2 + 1 + 0 = 4 of 8 → 50, critical failed
    scores = calibration.rater_scores(calibration.round_ratings(_answers(), "r1", small_grid), small_grid, REFERENCE)
    by = scores.set_index("rater")
    assert by.loc["Ann", "score"] == pytest.approx(81.25)
    assert by.loc["Ann", "difference"] == pytest.approx(-18.75)
    assert by.loc["<b>Cy</b>", "difference"] == pytest.approx(-50.0)
    assert dict(by["lean"]) == {"<b>Cy</b>": "severe", "Ann": "severe", "Ben": "aligned"}
    assert list(scores["rater"]) == ["<b>Cy</b>", "Ann", "Ben"]  # most severe first
    assert scores.attrs["reference_score"] == 100.0 and scores.attrs["reference_good"] is True
    # a reference without the greeting (87.5): Ben's 100 is 12.5 points more lenient
    lenient = calibration.rater_scores(calibration.round_ratings(_answers(), "r1", small_grid), small_grid,
                                       {**REFERENCE, "greeting": 0}).set_index("rater")
    assert lenient.loc["Ben", "difference"] == pytest.approx(12.5) and lenient.loc["Ben", "lean"] == "lenient"
    flips = calibration.flip_rate(scores)
    assert flips == {"n": 3, "differing": 1, "p_flip": pytest.approx(1 / 3)}  # only Cy says "not good"


def test_rater_scores_without_reference_use_the_median(small_grid):
    """rater_scores: with no reference scoring, the room's median score is the reference"""
    scores = calibration.rater_scores(calibration.round_ratings(_answers(), "r1", small_grid), small_grid, {})
    assert scores.attrs["reference"] == "median" and scores.attrs["reference_score"] == pytest.approx(81.25)


def test_criterion_spread_by_hand(small_grid):
    """criterion_spread: per criterion the raters' marks out of 100, their range, sd and the modal share"""
    spread = calibration.criterion_spread(calibration.round_ratings(_answers(), "r1", small_grid), small_grid)
    row = spread.set_index("criterion").loc["courtesy"]  # 2, 4, 4 on 0–4 → 50, 100, 100
    assert (row["low"], row["high"], row["mean"]) == pytest.approx((50.0, 100.0, 250 / 3))
    assert row["sd"] == pytest.approx(np.std([50, 100, 100], ddof=1))
    assert row["agreement"] == pytest.approx(2 / 3)
    assert spread.set_index("criterion").loc["transfers", "agreement"] == 1.0


def test_round_kappa_by_hand(small_grid):
    """round_kappa: Fleiss' kappa over the grid's criteria, seconds banded (105 s = part marks)"""
    # categories: greeting 1,1,0; courtesy 2,4,4; wait bands 1,2,2; transfers 2,2,2; line 1,1,0
    # P_i = 1/3, 1/3, 1/3, 1, 1/3 → P̄ = 7/15; of 15 ratings: 0→2, 1→5, 2→6, 4→2 → P_e = 69/225
    # κ = (105/225 − 69/225) / (156/225) = 36/156
    kappa = calibration.round_kappa(calibration.round_ratings(_answers(), "r1", small_grid), small_grid)
    assert kappa == pytest.approx(36 / 156, abs=1e-12)


# --- the widened interval ------------------------------------------------------------------

def test_widened_interval_hand_checked():
    """widened_interval: 81 good of 108 with p_flip = 0.25 → deff = 1.97715, Wilson of 40.97 of 54.62"""
    # p̃ = 83/112, p̃(1 − p̃) = 2407/12544 = 0.1918846; f(1 − f) = 0.1875
    # deff = 1 + 0.1875/0.1918846 = 1.9771501; n_eff = 108/deff = 54.6236; good_eff = 40.9677
    # Wilson(40.9677, 54.6236): p = 0.75, z² = 3.841459, z²/n = 0.070326:
    # centre = (0.75 + 0.035163)/1.070326 = 0.733574; half = 1.831192 · √(0.0034326 + 0.0003219)
    # = 0.112203 → 0.62137 to 0.84578 (the plain interval of 81/108 is 0.6607 to 0.8221)
    out = calibration.widened_interval(81, 108, 0.25)
    assert out["deff"] == pytest.approx(1.9771501, abs=1e-6)
    assert out["n_eff"] == pytest.approx(54.6236, abs=1e-3)
    assert (out["wide_low"], out["wide_high"]) == pytest.approx((0.62137, 0.84578), abs=2e-5)
    assert (out["low"], out["high"]) == pytest.approx(audit.wilson_interval(81, 108))
    assert calibration.verdict_of(out["rate"], out["high"]) == "presumption"


def test_widened_interval_without_noise_is_wilson_and_grows_with_noise():
    """widened_interval: p_flip = 0 is the plain Wilson interval; more noise (up to 0.5) never narrows it"""
    plain = calibration.widened_interval(27, 40, 0.0)
    assert (plain["wide_low"], plain["wide_high"]) == pytest.approx(audit.wilson_interval(27, 40))
    widths = [calibration.widened_interval(27, 40, f) for f in (0.0, 0.1, 0.2, 0.3, 0.5)]
    w = [x["wide_high"] - x["wide_low"] for x in widths]
    assert all(b >= a for a, b in zip(w, w[1:])) and w[-1] > w[0]
    every = calibration.widened_interval(40, 40, 0.2)  # 100 % good: still defined, still inside [0, 1]
    assert 0 <= every["wide_low"] < every["low"] and every["wide_high"] == 1.0
    with pytest.raises(DataError):
        calibration.widened_interval(27, 40, 1.5)


def test_reveal_gathers_everything(small_grid):
    """reveal: raters, kappa, spread, scores and the interval with both verdicts, for one round"""
    state = calibration.new_round("poor", REFERENCE, round_id="r1")
    out = calibration.reveal(_answers(), state, small_grid, good=81, n=108)
    assert out["raters"] == 3 and out["interval"]["p_flip"] == pytest.approx(1 / 3)
    assert out["interval"]["verdict"] == "presumption" and not math.isnan(out["kappa"])
    assert calibration.reveal_key("r1") == "calibration.r1"
    with pytest.raises(DataError):
        calibration.new_round("nonsense")


def test_rating_record_names_the_field(small_grid):
    """rating_record: the rater's name is required; a mark off the grid's range names its criterion"""
    good = calibration.rating_record({"greeting": "oui", "courtesy": "3", "wait_seconds": "45"}, small_grid, " Ann ", "r1")
    assert good["rater"] == "Ann" and good["greeting"] == 1.0 and good["transfers"] is None
    with pytest.raises(DataError) as err:
        calibration.rating_record({"greeting": "oui"}, small_grid, "  ", "r1")
    assert err.value.column == "rater"
    with pytest.raises(DataError) as err:
        calibration.rating_record({"courtesy": "7"}, small_grid, "Ann", "r1")
    assert err.value.column == "courtesy"
    with pytest.raises(DataError) as err:
        calibration.rating_record({"greeting": "oui"}, small_grid, "A\x07nn", "r1")
    assert err.value.column == "rater"


# --- the panels (no browser) ----------------------------------------------------------------

def _find(widget, css):
    """The first widget under ``widget`` carrying the CSS class ``css``."""
    if css in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = _find(child, css)
        if found is not None:
            return found
    return None


@pytest.fixture
def room(tmp_path, monkeypatch):
    """An empty workshop store that every panel of the test uses."""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "room.sqlite"))
    from cxkit import workshop

    return workshop.store()


def test_round_is_blind_until_revealed_and_names_are_escaped(room):
    """panels.calibration: a round started on the console is scored blind; the reveal shows kappa,
    the raters (escaped) and the widened interval's sentence"""
    from cxkit import workshop
    from cxkit.panels import calibration as panel, live

    console = panel.console_panel()
    _find(console, "cxkit-calib-call").value = "poor"
    _find(console, "cxkit-calib-ref-field-line_kept").value = "oui"
    _find(console, "cxkit-calib-ref-field-wait_seconds").value = "150"
    _find(console, "cxkit-calib-start").click()
    state = panel.current_round(room)
    assert state["call"] == "poor" and state["reference"]["wait_seconds"] == 150.0
    page = panel.participant_panel()
    live.poll_once()
    assert "Voice menu" in _find(page, "cxkit-calib-round").value or "cxkit-calib-transcript" in _find(
        page, "cxkit-calib-round").value
    for name, kept, wait in (("<script>alert(1)</script>", "oui", "160"), ("Ben", "non", "150"), ("Cy", "oui", "30")):
        _find(page, "cxkit-calib-rater").value = name
        _find(page, "cxkit-calib-field-line_kept").value = kept
        _find(page, "cxkit-calib-field-wait_seconds").value = wait
        _find(page, "cxkit-calib-save").click()
        assert "cxkit-ok" in _find(page, "cxkit-calib-status").value, _find(page, "cxkit-calib-status").value
    assert len(room.answers("calibration")) == 3
    assert _find(page, "cxkit-calib-results").value == ""  # blind
    workshop.reveal(calibration.reveal_key(state["round"]))
    live.poll_once()
    shown = _find(page, "cxkit-calib-results").value
    assert "Fleiss" in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>" not in shown
    assert "widens to" in shown
    _find(page, "cxkit-calib-rater").value = "Late"
    _find(page, "cxkit-calib-save").click()  # scoring is closed once revealed
    assert len(room.answers("calibration")) == 3
    live._reset()


def test_participant_form_names_the_field_it_refuses(room):
    """panels.calibration: an empty name is refused beside the name field, framed red; nothing saved"""
    from cxkit.panels import calibration as panel, live

    panel.start_round("recording", {}, room)
    page = panel.participant_panel()
    _find(page, "cxkit-calib-field-line_kept").value = "oui"
    _find(page, "cxkit-calib-save").click()
    assert "cxkit-invalid" in _find(page, "cxkit-calib-rater")._dom_classes
    assert "Your name" in _find(page, "cxkit-calib-status").value
    assert room.answers("calibration").empty
    live._reset()


def test_results_html_in_french_keeps_its_typography():
    """panels.calibration.results_html: French sentences with no-break spaces and French numbers"""
    from cxkit.panels import calibration as panel

    grid = audit.load_grid(CAMPAIGNS / "grid_small.csv")
    result = calibration.reveal(_answers(), calibration.new_round("poor", REFERENCE, round_id="r1"), grid, 81, 108)
    out = panel.results_html(result, "fr")
    assert "kappa de Fleiss" in out and "\u00a0%" in out and "«\u00a0Présomption\u00a0»" in out
