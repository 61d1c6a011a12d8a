"""Notebook 07 in Voilà: renders offline, the silence alarm answers its what-if, a log uploads."""
from conftest import open_notebook, screenshot

LOG = ("complaint_id;date;channel;category;severity;amount_eur;resolved;days_to_resolve;outcome\n"
       "R1;02/01/2025;phone;billing;small;12,5;oui;1;satisfied_quickly\n"
       "R2;03/01/2025;phone;billing;large;400;non;;unsatisfied\n"
       "R3;04/01/2025;email;delivery;small;30;oui;5;satisfied\n")


def test_07_renders_and_the_alarm_answers(page, voila):
    """07: no error, no outside request; a falling what-if bad-call trend turns the alarm off"""
    open_notebook(page, voila, "07_the_demanding_customer", lang="en")
    alarm = page.locator(".cxkit-alarm")
    alarm.wait_for()
    assert alarm.inner_text().startswith("Warning: complaints fell by 53%")
    page.locator(".cxkit-silence-whatif .noUi-handle").focus()
    for _ in range(4):  # what-if −20 points: bad calls fall, so the drop is earned
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.cxkit-alarm').innerText.includes('looks earned')")
    assert "5 causes out of 8" in page.locator(".cxkit-pareto-result").inner_text()
    screenshot(page, "07_the_demanding_customer_en")


def test_07_uploads_a_french_log(page, voila, tmp_path):
    """07: uploading a French-style CSV log redraws the Pareto and the iceberg, and says how many rows came in"""
    path = tmp_path / "registre.csv"
    path.write_text(LOG, encoding="cp1252")
    open_notebook(page, voila, "07_the_demanding_customer", lang="en")
    with page.expect_file_chooser() as chooser:
        page.locator(".cxkit-complaints-upload").first.click()
    chooser.value.set_files(str(path))
    page.wait_for_function(
        "() => document.querySelector('.cxkit-pareto-result').innerText.includes('out of 2 make up')")
    assert "2 causes out of 2 make up 100%" in page.locator(".cxkit-pareto-result").inner_text()
    assert "3 complaints loaded from registre.csv" in page.locator(".cxkit-ok").first.inner_text()
    # 3 complaints logged at the front line (phone, phone, e-mail) × 2 problems per complaint = 6
    page.wait_for_function(
        "() => document.querySelector('.cxkit-iceberg-result').innerText.startsWith('3 complaints stand for about 6 ')")
    assert "Front line (phone, shop, e-mail, web form): 3 complaints" in page.locator(".cxkit-iceberg-levels").inner_text()


def test_07_iceberg_by_level_with_sources_and_band(page, voila):
    """07: the iceberg names each level's multiplier with its sources and range, and gives
    revenue at risk as a band; moving the head-office multiplier changes the figure"""
    from cxkit import complaints
    from cxkit.i18n import fmt_money

    band = complaints.revenue_at_risk_band(complaints.load_complaints(), 300)
    open_notebook(page, voila, "07_the_demanding_customer", lang="en")
    levels = page.locator(".cxkit-iceberg-levels").inner_text()
    assert "Head office (letter)" in levels and "Quality Progress, November 2005" in levels
    result = page.locator(".cxkit-iceberg-result")
    before = result.inner_text()
    assert f"between {fmt_money(band['low'], lang='en')} and {fmt_money(band['high'], lang='en')}" in before
    page.locator(".cxkit-iceberg-head .noUi-handle").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("b => document.querySelector('.cxkit-iceberg-result').innerText !== b", arg=before)
    assert "27 silent" not in page.locator("#rendered_cells").inner_text()


def test_07_in_french(page, voila):
    """07: the French page gives the alarm, the causes and the iceberg's levels in French"""
    open_notebook(page, voila, "07_the_demanding_customer", lang="fr")
    assert page.locator(".cxkit-alarm").inner_text().startswith("Attention\u00a0: les réclamations ont baissé de 53\u00a0%")
    assert "facturation, temps d'attente" in page.locator(".cxkit-pareto-result").inner_text()
    assert "L'alarme du silence" in page.locator("#rendered_cells").inner_text()
    assert "Première ligne (téléphone, boutique" in page.locator(".cxkit-iceberg-levels").inner_text()
    assert "\u00a0: " in page.locator(".cxkit-iceberg-result").inner_text()
    screenshot(page, "07_the_demanding_customer_fr")
