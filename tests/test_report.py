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


def _scored(good: int, bad: int) -> pd.DataFrame:
    return pd.DataFrame({"good": [True] * good + [False] * bad,
                         "date": pd.to_datetime(["2026-03-02"] * (good + bad))})


def test_assumptions_from_audit_by_hand():
    """assumptions_from_audit: 6 good of 10 → bad 0.4, low/high = 1 − Wilson bounds (0.6 in
    [0.31267, 0.83182] → [0.16818, 0.68733]); other rows unchanged; no calls → unchanged"""
    # z = 1.959964: centre (0.6 + 0.19207)/1.38415 = 0.57224; half 1.41600·√(0.024 + 0.0096037) = 0.25958
    shipped = losses.load_assumptions()
    used = report.assumptions_from_audit(shipped, _scored(6, 4))
    assert used.loc["bad_call_rate", ["low", "likely", "high"]].astype(float).tolist() == pytest.approx(
        [1 - 0.83182, 0.4, 1 - 0.31267], abs=1e-5)
    pd.testing.assert_frame_equal(used.drop(index="bad_call_rate"), shipped.drop(index="bad_call_rate"))
    assert "10 calls" in used.attrs["audit_text"]["en"]["source"]
    assert "10 appels" in used.attrs["audit_text"]["fr"]["source"]
    assert report.assumptions_from_audit(shipped, None) is shipped


def test_every_call_good_gives_a_report(tmp_path):
    """issue 13, item 3: 13 good calls of 13: the Wilson upper bound rounds to 0.9999999999999999, so
    1 − it (1e-16) would exceed the likely 0; the band is clipped (low = likely = 0) and the report builds"""
    from cxkit.store import Store

    used = report.assumptions_from_audit(losses.load_assumptions(), _scored(13, 0))
    low, likely, high = used.loc["bad_call_rate", ["low", "likely", "high"]].astype(float)
    assert low == likely == 0.0 < high < 0.25
    grid = audit.load_grid()
    sample = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)
    good = audit.load_sample_campaign(grid).loc[lambda f: f["call_id"].isin(sample.index[sample["good"]][:13])]
    records = good.drop(columns=["ref_call", "comment"]).copy()
    records["date"] = records["date"].dt.strftime("%Y-%m-%d")
    store = Store(tmp_path / "s.sqlite")
    store.add_calls(records.astype(object).where(records.notna(), None).to_dict("records"))
    content = report.build(store, day=DAY, n=500)
    assert content["audit"]["indicators"]["good"] == content["audit"]["indicators"]["n"] == 13
    assert content["losses"]["loss"]["total"] == 0.0
    assert "never pays back" in report.headline(content, "en").iloc[-1, 1]
    assert report.excel_report(content, "en")[:2] == b"PK" and "<svg" in report.html_report(content, "en")


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
    """loss_part: bad_call_rate's likely value is 1 − the audit's good rate; the total is annual_loss's;
    the band is the simulation's; the share of draws below the all-likely total is stated"""
    ind = empty_content["audit"]["indicators"]
    loss = empty_content["losses"]
    assert loss["bad_call_rate"] == pytest.approx(1 - ind["good_rate"])
    inputs = {**losses.likely_values(losses.load_assumptions()), "bad_call_rate": 1 - ind["good_rate"]}
    assert loss["loss"]["total"] == pytest.approx(losses.annual_loss(inputs)["total"])
    assert loss["band"]["p10"] <= loss["band"]["median"] <= loss["band"]["p90"]
    totals = losses.simulate(loss["assumptions"], n=2000, seed=0)["total"]
    assert loss["band"]["median"] == pytest.approx(totals.median())
    assert loss["likely_share_below"] == pytest.approx((totals < loss["loss"]["total"]).mean())
    assert loss["plan"]["saving"] == pytest.approx(
        loss["loss"]["total"] - losses.annual_loss({**inputs, "bad_call_rate": report.TARGET_BAD_CALL_RATE})["total"])


def test_plans_compared_by_hand():
    """compare_plans: at 586,284.78 € a year (25 % bad calls), the coaching plan (to 18 %, 60,000 a year,
    40,000 once) saves 164,159.74, nets 104,159.74, NPV 228,429.76 over 3 years at 8 %, payback 4.61 months;
    the staffing plan (to 5 %, 500,000 a year) nets −30,971.83 and never pays back"""
    inputs = losses.likely_values(losses.load_assumptions())
    plans = report.compare_plans(inputs)
    # saving ∝ the fall in bad_call_rate: 586 284.78 · 0.07 / 0.25 = 164 159.74
    # annuity 1/1.08 + 1/1.08² + 1/1.08³ = 2.577097; NPV = −40 000 + 104 159.74 · 2.577097 = 228 429.76
    coaching = plans.loc["coaching"]
    assert coaching["saving"] == pytest.approx(164_159.74, abs=0.01)
    assert coaching["net_gain"] == pytest.approx(104_159.74, abs=0.01)
    assert coaching["npv"] == pytest.approx(228_429.76, abs=0.05)
    assert coaching["payback_months"] == pytest.approx(12 * 40_000 / 104_159.74, abs=1e-3)
    staffing = plans.loc["staffing"]
    assert staffing["net_gain"] == pytest.approx(469_027.83 - 500_000, abs=0.01) and not staffing["pays_back"]
    assert staffing["payback_months"] == float("inf")
    overhaul = plans.loc["overhaul"]  # pays back slower than coaching, yet earns more
    assert overhaul["payback_months"] > coaching["payback_months"] and overhaul["npv"] > coaching["npv"]


def test_losing_plan_never_pays_back_in_words(tmp_path):
    """headline/html: a plan costing more each year than it saves says it never pays back, whatever its one-off
    cost; a winning plan with a one-off cost gives its payback in months"""
    from cxkit.store import Store

    store = Store(tmp_path / "s.sqlite")
    losing = report.build(store, day=DAY, n=500, target_bad_call_rate=0.18, yearly_cost=250_000, one_off_cost=50_000)
    values = dict(zip(*report.headline(losing, "en").T.to_numpy()))
    assert values["Payback"] == "never pays back: the plan costs more each year than it saves"
    assert "It never pays back: it costs more each year than it saves." in report.html_report(losing, "en")
    winning = report.build(store, day=DAY, n=500, yearly_cost=250_000, one_off_cost=100_000)
    values = dict(zip(*report.headline(winning, "en").T.to_numpy()))
    assert values["Payback"] == "8.1 months"  # 12 · 100 000 / 148 673.91
    assert values["Net present value over 3 years at 8%"] == "€283,146"  # −100 000 + 148 673.91 · 2.577097


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
    page = report.html_report(content, "en")
    assert "12 mystery calls entered during the workshop" in page and "Helvane is a fictitious firm" not in page


def test_html_is_self_contained_and_states_date_data_limits(empty_content):
    """html_report: inline SVG charts, no script or outside address, with the date, data and limits"""
    page = report.html_report(empty_content, "en")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3
    assert "<script" not in page.lower() and "@import" not in page and "<link" not in page.lower()
    # the only http(s) addresses are SVG/XML namespace names, which browsers never fetch
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, addresses
    assert "Report produced on 23 Nov 2026." in page
    assert "shipped sample campaign (108 synthetic calls of Helvane, a fictitious company)" in page
    assert "Limits of the model" in page and "independent of one another" in page
    assert "Presumption only." in page
    assert "we are 80% confident the yearly loss lies between" in page
    assert "not how the loss varies from one year to the next" in page
    assert "eight years in ten" not in page
    assert "Coaching and evaluator calibration" in page
    assert "Helvane is a fictitious firm invented for the workshop" in page  # the sample company's story


def test_html_in_french(empty_content):
    """html_report: in French, titles, money and dates are written the French way"""
    page = report.html_report(empty_content, "fr")
    assert "Rapport établi le 23 nov. 2026." in page and "<html lang='fr'>" in page
    assert "Limites du modèle" in page and "\u00a0€" in page
    assert html.escape("Audit téléphonique") in page and "108 appels, du 7 sept. 2026 au 2 oct. 2026" in page
    assert "nous sommes confiants à 80\u00a0% que la perte annuelle se situe entre" in page
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
                               "Yearly loss", "Uncertainty band", "Improvement plan", "Plans compared",
                               "Assumptions", "Action plans", "Date, limits, sources"]
    sheet = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Assumptions")
    assert len(sheet) == len(losses.INPUTS) and sheet["Source"].notna().all()
    assert (sheet["Low"] <= sheet["Likely"]).all() and (sheet["Likely"] <= sheet["High"]).all()
    about = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Date, limits, sources")
    assert about.iloc[0].tolist() == ["Date of the report", "2026-11-23"]
    loss = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Yearly loss")
    assert loss["Likely"].iloc[-1] == pytest.approx(loss["Likely"].iloc[:-1].sum())
    plans = pd.read_excel(io.BytesIO(report.excel_report(empty_content, "en")), sheet_name="Plans compared")
    assert plans["Payback (months)"].tolist() == [4.6, 8.1, "never"]


def test_headline_reads_in_words(empty_content):
    """headline: the median first with the 80 % band in words, the all-likely total second and
    labelled, money and percentages formatted; the 05 defaults' plan has no one-off cost"""
    table = report.headline(empty_content, "en")
    values = dict(zip(table["Item"], table["Value"]))
    band = empty_content["losses"]["band"]
    assert values["Verdict"] == "Presumption"
    assert values["Share of good calls (95% interval)"] == "75% (66% to 82%)"
    assert values["Yearly loss (median of the simulation)"] == f"€{band['median']:,.0f}"
    assert values["80% confidence band (P10–P90)"] == (
        f"we are 80% confident the yearly loss lies between €{band['p10']:,.0f} and €{band['p90']:,.0f}")
    assert values["All inputs at their likely values"].startswith("€586,285 (")
    assert list(values).index("Yearly loss (median of the simulation)") < list(values).index("All inputs at their likely values")
    assert values["Audit grid"].startswith("the shipped grid")
    assert values["Payback"].startswith("at once")


def test_panel_has_two_downloads_and_no_date(tmp_path):
    """report_panel: an HTML and an Excel data: link; the panel's text shows no date"""
    from cxkit.panels import report as panel
    from cxkit.store import Store

    box = panel.report_panel(Store(tmp_path / "s.sqlite"), day=DAY)
    links = [w.value for w in box.children if "cxkit-download" in getattr(w, "value", "")]
    assert len(links) == 2
    assert 'href="data:text/html;base64,' in links[0] and 'download="cxkit-workshop-report.xlsx"' in links[1]
    assert "2026" not in box.children[0].value


def test_plans_table_formatted_for_the_page(empty_content):
    """plans_table(formatted=True): money and shares written the language's way, "never" in words"""
    table = report.plans_table(empty_content, "fr", formatted=True)
    assert table["Délai de retour (mois)"].tolist() == ["4,6", "8,1", "jamais"]
    assert table["Taux d'appels mal traités visé"].tolist() == ["18\u00a0%", "8\u00a0%", "5\u00a0%"]
    assert table["Gain net par an"].iloc[0].replace("\u202f", "\u00a0") == "104\u00a0160\u00a0€"


def test_plans_note_says_what_the_plans_show(empty_content):
    """plans_note: with the sample, payback favours coaching, the NPV the overhaul, and extra staff never
    pays back; when no plan gains, it says so"""
    note = report.plans_note(empty_content, "en")
    assert "“Coaching and evaluator calibration” would win" in note
    assert "“Call-handling overhaul (routing, callbacks, training)” has the largest net present value" in note
    assert "“Extra staff at every hour” never pays back" in note
    losing = {**empty_content, "losses": {**empty_content["losses"],
                                          "plans": empty_content["losses"]["plans"].assign(pays_back=0.0)}}
    assert report.plans_note(losing, "en").startswith("None of these plans pays back")
