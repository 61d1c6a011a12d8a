"""cxkit.report: the workshop report gathers the room, the audit and the losses, offline."""
from __future__ import annotations

import datetime as dt
import html
import io
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from cxkit import audit, losses, report, stories

DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def empty_content(tmp_path_factory):
    """The report's content built from an empty store (fewer draws: faster, same logic)."""
    from cxkit.store import Store

    return report.build(Store(tmp_path_factory.mktemp("r") / "s.sqlite"), day=DAY, n=2000)


def test_bad_call_rate_from_audit_by_hand():
    """bad_call_rate_from_audit: 1 − good rate, the Wilson bounds turned round"""
    # good_rate 0.6 in [0.5, 0.7] → bad 0.4 in [0.3, 0.5]
    low, likely, high = report.bad_call_rate_from_audit(
        {"n": 10, "good_rate": 0.6, "good_rate_low": 0.5, "good_rate_high": 0.7})
    assert (low, likely, high) == pytest.approx((0.3, 0.4, 0.5))
    assert all(x != x for x in report.bad_call_rate_from_audit({"n": 0}))


def test_empty_store_falls_back_to_the_sample(empty_content):
    """build: with no call entered, the audit uses the sample campaign and says so"""
    aud = empty_content["audit"]
    grid = audit.load_grid()
    sample = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)
    assert aud["source"] == "sample"
    assert aud["indicators"]["n"] == len(sample)
    assert aud["verdict"] == audit.verdict(int(sample["good"].sum()), len(sample))
    assert empty_content["room"]["n"] == 0


def test_loss_uses_the_audits_bad_call_rate(empty_content):
    """loss_part: bad_call_rate's likely value is 1 − the audit's good rate; the total is annual_loss's"""
    ind = empty_content["audit"]["indicators"]
    loss = empty_content["losses"]
    assert loss["bad_call_rate"] == pytest.approx(1 - ind["good_rate"])
    inputs = {**losses.likely_values(losses.load_assumptions()), "bad_call_rate": 1 - ind["good_rate"]}
    assert loss["loss"]["total"] == pytest.approx(losses.annual_loss(inputs)["total"])
    assert loss["band"]["p10"] <= loss["band"]["median"] <= loss["band"]["p90"]
    assert loss["plan"]["saving"] == pytest.approx(
        loss["loss"]["total"] - losses.annual_loss({**inputs, "bad_call_rate": report.TARGET_BAD_CALL_RATE})["total"])


def test_store_calls_and_answers_are_used(store):
    """build: calls and self-assessments in the store replace the sample and fill the room"""
    grid = audit.load_grid()
    sample = audit.load_sample_campaign(grid)
    records = sample.head(12).drop(columns=["ref_call", "comment"], errors="ignore").copy()
    records["date"] = records["date"].dt.strftime("%Y-%m-%d")
    store.add_calls(records.astype(object).where(records.notna(), None).to_dict("records"))
    questions = stories.load_questions()
    store.add_answer("self_assessment", {**{q: 4 for q in questions.index}, "participant": "p1"})
    store.add_answer("self_assessment", {**{q: 2 for q in questions.index}, "participant": "p2"})
    content = report.build(store, day=DAY, n=500)
    assert content["audit"]["source"] == "store" and content["audit"]["indicators"]["n"] == 12
    assert content["room"]["n"] == 2 and content["room"]["mean"] == 3.0


def test_html_is_self_contained_and_states_date_data_limits(empty_content):
    """html_report: inline SVG charts, no script or outside address, with the date, data and limits"""
    page = report.html_report(empty_content, "en")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    assert "<script" not in page.lower() and "@import" not in page and "<link" not in page.lower()
    # the only http(s) addresses are SVG/XML namespace names, which browsers never fetch
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, addresses
    assert "Report produced on 23 Nov 2026." in page
    assert "shipped sample campaign (108 synthetic calls)" in page
    assert "Limits of the model" in page and "independent of one another" in page
    assert "Problem proven" in page


def test_html_in_french(empty_content):
    """html_report: in French, titles, money and dates are written the French way"""
    page = report.html_report(empty_content, "fr")
    assert "Rapport établi le 23 nov. 2026." in page and "<html lang='fr'>" in page
    assert "Limites du modèle" in page and "\u00a0€" in page
    assert html.escape("Audit téléphonique : 1 − part d'appels bien traités") in page
    assert "Clients qui partent" in page  # the loss breakdown chart is drawn in French too


def test_html_in_french_leaves_the_session_language_alone(empty_content):
    """html_report: a French report drawn from an English session leaves the session English"""
    from cxkit.i18n import get_language

    report.html_report(empty_content, "fr")
    assert get_language() == "en"


def test_excel_has_one_sheet_per_table_with_sources(empty_content):
    """excel_report: every table is a sheet; assumptions keep their sources; the date is stated"""
    book = load_workbook(io.BytesIO(report.excel_report(empty_content, "en")))
    assert book.sheetnames == ["Summary", "Self-assessment", "Audit indicators", "Audit by section", "Actions",
                               "Yearly loss", "Uncertainty band", "Improvement plan", "Assumptions",
                               "Date, limits, sources"]
    sheet = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Assumptions")
    assert len(sheet) == len(losses.INPUTS) and sheet["Source"].notna().all()
    assert (sheet["Low"] <= sheet["Likely"]).all() and (sheet["Likely"] <= sheet["High"]).all()
    about = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Date, limits, sources")
    assert about.iloc[0].tolist() == ["Date of the report", "2026-11-23"]
    loss = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Yearly loss")
    assert loss["Likely"].iloc[-1] == pytest.approx(loss["Likely"].iloc[:-1].sum())


def test_headline_reads_in_words(empty_content):
    """headline: the key figures, money and percentages formatted, payback in months"""
    table = report.headline(empty_content, "en")
    values = dict(zip(table["Item"], table["Value"]))
    assert values["Verdict"] == "Problem proven"
    assert values["Yearly loss (likely)"].startswith("€")
    assert re.fullmatch(r"\d+% \(\d+% to \d+%\)", values["Share of good calls (95% interval)"])
    assert values["Payback"].endswith("months")


def test_panel_has_two_downloads_and_no_date(tmp_path):
    """report_panel: an HTML and an Excel data: link; the panel's text shows no date"""
    from cxkit.panels import report as panel
    from cxkit.store import Store

    box = panel.report_panel(Store(tmp_path / "s.sqlite"), day=DAY)
    links = [w.value for w in box.children if "cxkit-download" in getattr(w, "value", "")]
    assert len(links) == 2
    assert 'href="data:text/html;base64,' in links[0] and 'download="cxkit-workshop-report.xlsx"' in links[1]
    assert "2026" not in box.children[0].value
