"""cxkit.stories: the call stories replayed with their clock, and the self-assessment."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxkit import DataError, stories

HEADER = "story,step,who,says_fr,says_en,seconds,exists,why_fr,why_en\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_shipped_stories_load_in_order():
    """load_stories: three stories, poor first, steps numbered 1..n without gaps"""
    data = stories.load_stories()
    assert list(dict.fromkeys(data["story"])) == ["poor", "average", "excellent"]
    for _, steps in data.groupby("story"):
        assert steps["step"].tolist() == list(range(1, len(steps) + 1))
    assert data["exists"].dtype == bool


def test_story_steps_clock_by_hand():
    """story_steps: start and elapsed are the running sums of the steps' seconds"""
    # average call: 20, 60, 15, 45, 90, 10 s → ends at 20, 80, 95, 140, 230, 240 s
    steps = stories.story_steps(stories.load_stories(), "average", lang="en")
    assert steps["elapsed"].tolist() == [20, 80, 95, 140, 230, 240]
    assert steps["start"].tolist() == [0, 20, 80, 95, 140, 230]
    assert steps.loc[2, "says"].startswith("“Sales department, Julie")


def test_story_summary_by_hand():
    """story_summary: duration, seconds existing, share and first existence match a hand count"""
    summary = stories.story_summary(stories.load_stories())
    # poor: 40+150+10+20+90+60+30 = 400 s, never exists
    assert summary.loc["poor", "duration_s"] == 400 and summary.loc["poor", "exists_s"] == 0
    assert math.isnan(summary.loc["poor", "first_exists_s"])
    # average: exists at steps 3 (15 s) and 5 (90 s) → 105 / 240 = 0.4375; first at 20+60 = 80 s
    assert summary.loc["average", "exists_s"] == 105
    assert summary.loc["average", "exists_share"] == pytest.approx(0.4375)
    assert summary.loc["average", "first_exists_s"] == 80
    # excellent: 220 s, all but the 35 s wait → 185 / 220; exists from the first second
    assert summary.loc["excellent", "exists_share"] == pytest.approx(185 / 220)
    assert summary.loc["excellent", "first_exists_s"] == 0


def test_bad_story_files_name_row_and_column():
    """load_stories: negative seconds, a non yes/no 'exists', a repeated step raise DataError with the row"""
    ok = "poor,1,voice_menu,a,b,10,oui,c,d"
    with pytest.raises(DataError, match=r"row 3, column 'seconds'"):
        stories.load_stories(_csv(ok, "poor,2,sales,a,b,-5,non,c,d"))
    with pytest.raises(DataError, match=r"row 2, column 'exists'.*'peut-être' is not yes/no"):
        stories.load_stories(_csv("poor,1,voice_menu,a,b,10,peut-être,c,d"))
    with pytest.raises(DataError, match=r"row 3, column 'step'.*step 1 of story 'poor'"):
        stories.load_stories(_csv(ok, "poor,1,sales,a,b,5,non,c,d"))
    with pytest.raises(DataError, match=r"row 2, column 'step'.*whole number"):
        stories.load_stories(_csv("poor,1.5,voice_menu,a,b,10,oui,c,d"))


def test_questions_load_and_refuse_out_of_scale():
    """load_questions: six questions with story scores in 0–4; a 5 is refused with its row"""
    questions = stories.load_questions()
    assert len(questions) == 6 and "reach_person" in questions.index
    assert questions[list(stories.STORIES)].to_numpy().min() >= 0
    bad = b"question,label_fr,label_en,poor,average,excellent\nq1,a,b,0,2,5\n"
    with pytest.raises(DataError, match=r"row 2, column 'excellent'.*above the maximum 4"):
        stories.load_questions(bad)


def test_assessment_record_validates():
    """assessment_record: whole numbers 0–4 for every question, nothing else, no name"""
    questions = stories.load_questions()
    answers = {q: 3 for q in questions.index}
    record = stories.assessment_record(answers, questions)
    assert record == {**answers, "lang": "en"}
    with pytest.raises(DataError, match="has no answer"):
        stories.assessment_record({**answers, "names": None}, questions)
    with pytest.raises(DataError, match="whole number from 0 to 4"):
        stories.assessment_record({**answers, "names": 2.5}, questions)
    with pytest.raises(DataError, match="not a question"):
        stories.assessment_record({**answers, "salary": 1}, questions)


def test_room_keeps_each_participants_latest_answer(store):
    """room_answers: a participant saving twice counts once, with the later answers"""
    questions = stories.load_questions()
    for who, value in (("a", 0), ("b", 4), ("a", 2)):
        store.add_answer("self_assessment", {**{q: value for q in questions.index}, "participant": who})
    room = stories.room_answers(store.answers("self_assessment"), questions)
    assert len(room) == 2
    # a's latest is 2, b is 4 → mean 3 on every question
    table = stories.comparison(questions, room=room)
    assert table.loc[table["series"] == "room", "score"].tolist() == [3.0] * 6
    assert stories.room_summary(room) == {"n": 2, "mean": 3.0}


def test_room_of_nobody_is_empty():
    """room_answers and comparison: an empty store gives no room series"""
    questions = stories.load_questions()
    room = stories.room_answers(pd.DataFrame(), questions)
    assert room.empty and stories.room_summary(room)["n"] == 0
    assert set(stories.comparison(questions, room=room)["series"]) == set(stories.STORIES)


def test_closest_story_by_hand():
    """closest_story: the story with the least total absolute difference wins"""
    questions = stories.load_questions()
    # all 4s: distance to excellent = |3-4| = 1 (wait_announced), to average = 2+3+2+4+2+3 = 16
    assert stories.closest_story({q: 4 for q in questions.index}, questions) == "excellent"
    assert stories.closest_story({q: 0 for q in questions.index}, questions) == "poor"


@given(st.lists(st.integers(0, 4), min_size=6, max_size=6))
def test_room_mean_stays_on_the_scale(values):
    """comparison: the room's mean of valid answers stays within 0–4"""
    questions = stories.load_questions()
    answers = pd.DataFrame([dict(zip(questions.index, values)), dict(zip(questions.index, values[::-1]))])
    table = stories.comparison(questions, room=stories.room_answers(answers, questions))
    room = table.loc[table["series"] == "room", "score"]
    assert ((room >= 0) & (room <= 4)).all()


def test_charts_build_offline():
    """charts.stories: both charts draw to SVG with their translated titles"""
    from cxkit import charts
    from cxkit.charts import stories as chart

    data = stories.load_stories()
    svg = charts.to_svg(chart.timeline_chart(stories.all_steps(data), upto=2))
    assert "The call second by second" in svg and "not yet played" in svg
    questions = stories.load_questions()
    svg = charts.to_svg(chart.assessment_chart(stories.comparison(questions, {q: 1 for q in questions.index}),
                                               questions))
    assert "Your company against the three calls" in svg and "You" in svg


def test_replay_panel_moves_through_steps():
    """replay_panel: Next moves to step 2 and the card shows its clock; Previous goes back"""
    from cxkit.panels import stories as panel

    box = panel.replay_panel("excellent")
    prev, nxt = box.children[1].children
    card = box.children[2]
    assert "Step 1 of 6" in card.value and prev.disabled
    nxt.click()
    assert "Step 2 of 6" in card.value and "35\u00a0s" in card.value
    prev.click()
    assert "Step 1 of 6" in card.value


def test_assessment_panel_saves_one_anonymous_row(store):
    """assessment_panel: Save writes one row without a name; saving again keeps one participant"""
    from cxkit.panels import stories as panel

    box = panel.assessment_panel(store)
    save = next(w for row in box.children for w in getattr(row, "children", ())
                if "cxkit-assess-save" in w._dom_classes)
    room_line = next(w for w in box.children if "cxkit-room" in w._dom_classes)
    save.click()
    save.click()
    rows = store.answers("self_assessment")
    assert len(rows) == 2 and rows["participant"].nunique() == 1
    assert not {"name", "email"} & set(rows.columns)
    assert "The room: 1 participant(s)" in room_line.value


def test_summary_table_reads_in_each_language():
    """summary_table: durations in minutes and seconds, shares as percentages, labels translated"""
    summary = stories.story_summary(stories.load_stories())
    en = stories.summary_table(summary, "en")
    # poor: 400 s = 6 min 40 s, never exists; average: 105/240 = 43.75% → 44%
    assert en.loc["Poor call", "Length of the call"] == "6\u00a0min\u00a040\u00a0s"
    assert en.loc["Poor call", "Wait before existing"] == "never"
    assert en.loc["Average call", "Share of the call"] == "44%"
    fr = stories.summary_table(summary, "fr")
    assert fr.loc["Appel moyen", "Part de l'appel"] == "44\u00a0%"
    assert fr.loc["Appel excellent", "Attente avant d'exister"] == "0\u00a0s"
