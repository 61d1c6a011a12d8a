"""The closing round's action plans: checked, kept per room, listed, and in the report."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from cxkit import DataError, calibration, report


def test_plan_record_checks_each_line():
    """plan_record: the four fields are required, one line, capped; the error names the field"""
    plan = calibration.plan_record(" Share of calls answered ", "end of June", "Q. manager", name=" Ann ")
    assert plan == {"name": "Ann", "what": "Share of calls answered", "when": "end of June", "who": "Q. manager"}
    with pytest.raises(DataError) as err:
        calibration.plan_record("x", "  ", "y", name="Ann")
    assert err.value.column == "when"
    with pytest.raises(DataError) as err:
        calibration.plan_record("x" * (calibration.PLAN_MAX_CHARS + 1), "soon", "me", name="Ann")
    assert err.value.column == "what"
    with pytest.raises(DataError) as err:
        calibration.plan_record("x", "soon", "me\x07", name="Ann")
    assert err.value.column == "who"
    with pytest.raises(DataError) as err:
        calibration.plan_record("x", "soon", "me", name="")
    assert err.value.column == "name"


def test_room_plans_keep_each_participants_latest():
    """room_plans: one row per participant, their latest plan, in the order they first saved"""
    answers = pd.DataFrame([
        {"name": "Ann", "what": "a1", "when": "w", "who": "me"},
        {"name": "Ben", "what": "b1", "when": "w", "who": "me"},
        {"name": "Ann", "what": "a2", "when": "w", "who": "me"},
    ])
    plans = calibration.room_plans(answers)
    assert list(plans["name"]) == ["Ann", "Ben"] and list(plans["what"]) == ["a2", "b1"]
    assert calibration.room_plans(pd.DataFrame()).empty


def test_saved_plan_is_in_the_report_html_and_workbook(store):
    """report: a plan saved in the room appears in the HTML report and in the workbook's sheet; <script> is escaped"""
    store.add_answer(calibration.PLAN_KIND, calibration.plan_record(
        "First-call resolution <script>alert(1)</script>", "30 June", "Team lead", name="<b>Zoé</b>"))
    content = report.build(store, n=500)
    assert list(content["plans"]["name"]) == ["<b>Zoé</b>"]
    page = report.html_report(content, "en")
    assert "First-call resolution &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page and "<b>Zoé</b>" not in page and "&lt;b&gt;Zoé&lt;/b&gt;" in page
    assert "Action plans" in page
    book = openpyxl.load_workbook(io.BytesIO(report.excel_report(content, "fr")))
    sheet = book["Plans d'action"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Participant", "Quoi mesurer", "Pour quand", "Qui")
    assert rows[1] == ("<b>Zoé</b>", "First-call resolution <script>alert(1)</script>", "30 June", "Team lead")


def test_report_without_plans_says_so(store):
    """report: with no plan saved the HTML says none was saved, and the sheet has only its header"""
    content = report.build(store, n=500)
    assert "No action plan saved yet." in report.html_report(content, "en")
    book = openpyxl.load_workbook(io.BytesIO(report.excel_report(content, "en")))
    assert book["Action plans"].max_row == 1


def test_plans_html_escapes_text():
    """panels.action_plan.plans_html: every cell escaped, never rendered as HTML"""
    from cxkit.panels import action_plan

    plans = calibration.room_plans(pd.DataFrame([{"name": "<img src=x onerror=1>", "what": "<script>",
                                                  "when": "soon", "who": "me"}]))
    out = action_plan.plans_html(plans, "en")
    assert "<img" not in out and "<script>" not in out and "&lt;img src=x onerror=1&gt;" in out
    assert "cxkit-plan-table" in out
