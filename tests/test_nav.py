"""cxkit.nav: the run sheet (one source for the map, the notebooks' durations and the guide)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxkit import nav

ROOT = Path(__file__).resolve().parent.parent


def test_map_links_keep_language_and_total_time():
    """workshop_map_html: eight links carrying ?lang=, both breaks, and the 180-minute total"""
    html = nav.workshop_map_html("fr")
    assert html.count("class='cxkit-step-link'") == 8
    assert "href='04_the_double_penalty.ipynb?lang=fr'" in html
    assert "La double peine" in html
    assert html.count("class='cxkit-break'") == 2
    assert "<b>180&nbsp;min</b>" in html
    assert "230" not in html


def test_next_link():
    """next_link_html: points to the following step, and the last step only home"""
    assert "05_estimating_the_losses.ipynb?lang=en" in nav.next_link_html("04_the_double_penalty", "en")
    assert "cxkit-next" not in nav.next_link_html("08_workshop_report", "en")


def test_full_run_sheet_is_exactly_180_minutes_with_two_breaks():
    """run_sheet('full'): 5+20+15+30+10+20+25+10+15+15+15 = 180 minutes, two breaks, every notebook once"""
    sheet = nav.run_sheet("full")
    assert sum(s.minutes for s in sheet) == 180 == nav.FULL_MINUTES
    assert [s.slug for s in sheet if s.is_break] == ["break1", "break2"]
    assert [s.minutes for s in sheet] == [5, 20, 15, 30, 10, 20, 25, 10, 15, 15, 15]
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [s.slug for s in sheet if not s.is_break] == notebooks


def test_each_step_splits_into_teaching_practice_and_discussion():
    """Slot.minutes: teaching + practice + discussion; every step but the home page has all three"""
    for s in nav.run_sheet("full"):
        if s.is_break:
            assert (s.teaching, s.practice, s.discussion, s.rest) == (0, 0, 0, s.minutes) and s.minutes >= 5
        else:
            assert s.minutes == s.teaching + s.practice + s.discussion and s.rest == 0
            assert s.discussion > 0 and (s.practice > 0 or s.slug == "00_workshop")


def test_manager_cut_is_03_05_08_in_90_minutes():
    """run_sheet('manager'): the notebooks 03, 05 and 08 in that order, 90 minutes in all"""
    sheet = nav.run_sheet("manager")
    assert [s.slug[:2] for s in sheet if not s.is_break] == ["03", "05", "08"]
    assert sum(s.minutes for s in sheet) == 90 == nav.MANAGER_MINUTES
    with pytest.raises(ValueError):
        nav.run_sheet("express")


def test_steps_take_their_minutes_from_the_run_sheet():
    """STEPS: same order and minutes as the run sheet's steps; step() finds one by slug"""
    assert [(s.slug, s.minutes) for s in nav.STEPS] == [(s.slug, s.minutes) for s in nav.RUN_SHEET if not s.is_break]
    assert nav.step("05_estimating_the_losses").minutes == 25


def test_schedule_starts_and_clock():
    """schedule: each slot starts where the previous ended; 06 starts at 2:15 after the second break"""
    rows = nav.schedule("full")
    assert rows[0][1] == 0 and rows[-1][2] == 180
    assert all(a[2] == b[1] for a, b in zip(rows, rows[1:]))
    start = next(start for slot, start, _ in rows if slot.slug.startswith("06"))
    assert nav.clock(start) == "2:15"


def test_every_step_says_what_to_skip_when_late():
    """skip: a non-empty line per step in both languages, and for the manager's cut's 03, 05, 08"""
    for cut in ("full", "manager"):
        for s in nav.run_sheet(cut):
            for lang in ("en", "fr"):
                assert (s.skip(lang, cut) != "") != s.is_break


def test_run_sheet_html_has_every_slot():
    """run_sheet_html: one row per slot, the breaks marked, the cut's total at the foot"""
    for cut, total in (("full", 180), ("manager", 90)):
        html = nav.run_sheet_html(cut, "en")
        assert html.count("<tr") == len(nav.run_sheet(cut)) + 2
        assert f"<b>{total}&nbsp;min</b>" in html


def test_duration_line_in_both_languages():
    """duration_line: the step's minutes and its split; the manager's cut named only for 03, 05, 08"""
    assert nav.duration_line("03_scoring_the_phone_audit", "en") == (
        "**Duration: 30\u00a0min** (teaching 7, practice 15, discussion 8). "
        "In the 90-minute manager's cut: 30\u00a0min.")
    assert nav.duration_line("04_the_double_penalty", "fr").startswith("**Durée\u00a0: 20\u00a0min**")
    assert "managers" not in nav.duration_line("04_the_double_penalty", "fr")


def _first_cells(path: Path) -> dict[str, str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first = {}
    for cell in cells:
        for lang in ("en", "fr"):
            if f"lang-{lang}" in cell.get("metadata", {}).get("tags", []) and lang not in first:
                first[lang] = "".join(cell["source"])
    return first


@pytest.mark.parametrize("s", nav.STEPS, ids=lambda s: s.number)
def test_each_notebook_top_shows_its_run_sheet_minutes(s):
    """notebooks: the first English and French cells carry the run sheet's duration line, word for word"""
    first = _first_cells(ROOT / "notebooks" / s.filename)
    for lang in ("en", "fr"):
        assert nav.duration_line(s.slug, lang) in first[lang], f"{s.slug} ({lang}) lacks its duration line"
