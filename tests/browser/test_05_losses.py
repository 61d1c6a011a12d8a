"""The manager's dashboard in Voilà: renders offline, a slider move changes the headline."""
import time

from conftest import assert_no_error, open_notebook, screenshot


def _total(page) -> str:
    return page.locator(".cxkit-total").inner_text()


def test_slider_move_changes_the_headline_within_a_second(page, voila):
    """losses: pressing → on the bad-call-rate slider changes the yearly loss in under 1 s"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="en")
    page.wait_for_selector(".cxkit-total")
    before = _total(page)
    assert "Yearly loss (likely values): €469,028" in before
    assert "P10–P90" in before
    handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
    handle.focus()
    start = time.perf_counter()
    handle.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('.cxkit-total').innerText !== before", arg=before, timeout=5000)
    elapsed = time.perf_counter() - start
    after = _total(page)
    assert "€469,028" not in after and "Yearly loss (likely values): €" in after
    assert elapsed < 1.0, f"the headline took {elapsed:.2f} s to change"
    assert_no_error(page)
    screenshot(page, "05_estimating_the_losses_en")


def test_dashboard_in_french_and_reset(page, voila):
    """losses: in French money reads '469 028 €'; the reset button brings a moved slider back"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
    page.wait_for_selector(".cxkit-total")
    before = _total(page)
    assert "Perte annuelle" in before and "€" in before and "469" in before
    handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
    handle.focus()
    handle.press("ArrowLeft")
    page.wait_for_function(
        "before => document.querySelector('.cxkit-total').innerText !== before", arg=before, timeout=5000)
    page.locator(".cxkit-reset").click()
    page.wait_for_function(
        "before => document.querySelector('.cxkit-total').innerText === before", arg=before, timeout=5000)
    page.wait_for_selector(".cxkit-status:has-text('Chaque donnée est revenue')", timeout=5000)
    screenshot(page, "05_estimating_the_losses_fr")


def test_own_file_and_excel_download(page, voila, tmp_path):
    """losses: importing a company's file redraws the headline; the Excel download is a real workbook"""
    from cxkit import losses

    frame = losses.load_assumptions()
    frame.loc["customers", ["low", "likely", "high"]] = 40000.0
    mine = tmp_path / "our_company.csv"
    frame.reset_index().to_csv(mine, sep=";", decimal=",", index=False)
    open_notebook(page, voila, "05_estimating_the_losses", lang="en")
    page.wait_for_selector(".cxkit-total")
    with page.expect_file_chooser() as chooser:
        page.locator(".cxkit-upload").click()
    chooser.value.set_files(str(mine))
    # twice the customers: every component doubles except lost sales → €849,360
    page.wait_for_selector(".cxkit-total:has-text('€849,360')", timeout=10000)
    page.wait_for_selector(".cxkit-status:has-text('our_company.csv: 16 assumptions loaded')")
    page.locator(".cxkit-prepare-download").click()
    with page.expect_download() as info:
        page.locator("a.cxkit-download").click()
    path = info.value.path()
    again = losses.load_assumptions(path, name="loss_estimate.xlsx")
    assert again.at["customers", "likely"] == 40000
    screenshot(page, "05_estimating_the_losses_own_file")


def test_plan_cost_box_reads_french_amounts_and_refuses_text(page, voila):
    """losses: the plan cost shows '250 000'; typing '300 000' redraws the plan at 300 000 €,
    a text is refused next to the dashboard and the box shows the last amount again"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
    box = page.locator(".cxkit-plan-cost input")
    box.wait_for()
    assert box.input_value() == "250\u202f000"
    plan = page.locator(".cxkit-plan")
    assert "un plan coûtant 250\u202f000\u00a0€" in plan.inner_text()
    box.fill("300 000")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.cxkit-plan').innerText.includes('un plan coûtant 300\\u202f000')")
    assert box.input_value() == "300\u202f000"
    box.fill("beaucoup")
    box.press("Enter")
    page.wait_for_selector(".cxkit-status:has-text('n’est pas un montant'), .cxkit-status:has-text(\"n'est pas un montant\")")
    page.wait_for_function("() => document.querySelector('.cxkit-plan-cost input').value === '300\\u202f000'")
    assert "un plan coûtant 300\u202f000" in plan.inner_text()
    assert "Traceback" not in page.content()  # the refusal is the one sentence, nothing more
