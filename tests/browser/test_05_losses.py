"""The manager's dashboard in Voilà: renders offline; the headline is the median with its
80 % band and reacts to a slider within a second; a losing plan never "pays back"; absurd
money is one sentence; the audit's calls set the bad-call rate and narrow the band."""
import time

from playwright.sync_api import expect

from conftest import assert_no_error, offline_context, open_notebook, screenshot


def _total(page) -> str:
    return page.locator(".cxkit-total").inner_text()


def _money_en(x: float) -> str:
    from cxkit.i18n import fmt_money

    return fmt_money(x, lang="en")


def test_slider_move_changes_the_headline_within_a_second(page, voila):
    """losses: the headline is the median with "80% confident … between P10 and P90", the
    all-likely total second; pressing → on the bad-call-rate slider changes it in under 1 s"""
    from cxkit import losses

    likely = losses.annual_loss(losses.likely_values(losses.load_assumptions()))["total"]
    open_notebook(page, voila, "05_estimating_the_losses", lang="en")
    page.wait_for_selector(".cxkit-total")
    before = _total(page)
    assert before.startswith("Yearly loss: about €") and "(median of the simulations)" in before
    assert "We are 80% confident that the yearly loss lies between €" in before
    assert f"Every input at its likely value gives {_money_en(likely)}" in before
    assert before.index("median") < before.index("Every input at its likely value")
    handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
    handle.focus()
    start = time.perf_counter()
    handle.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('.cxkit-total').innerText !== before", arg=before, timeout=5000)
    elapsed = time.perf_counter() - start
    assert _total(page).startswith("Yearly loss: about €")
    assert elapsed < 1.0, f"the headline took {elapsed:.2f} s to change"
    assert_no_error(page)
    screenshot(page, "05_estimating_the_losses_en")


def test_dashboard_in_french_and_reset(page, voila):
    """losses: in French the headline reads "Perte annuelle : environ … €" with no-break spaces;
    the reset button brings a moved slider back"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
    page.wait_for_selector(".cxkit-total")
    before = _total(page)
    assert before.startswith("Perte annuelle\u00a0: environ") and "\u00a0€" in before
    assert "confiants à 80\u00a0%" in before
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


def test_a_moved_chart_is_drawn_by_the_page_offline_in_the_pages_language(browser, voila):
    """losses, issue 19: after a move the four charts are drawn by the page itself (the
    Vega bundle served beside the notebooks, nothing from the internet), with French
    numbers on a French page (0,2M, 7 %), as the kernel's SVG had them"""
    outside: list[str] = []
    context = offline_context(browser, outside)
    page = context.new_page()
    page.set_default_timeout(120_000)
    open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
    charts = ".cxkit-chart-breakdown, .cxkit-chart-distribution, .cxkit-chart-tornado, .cxkit-chart-non-quality"
    page.wait_for_selector(".cxkit-chart-tornado svg")
    assert page.locator(f":is({charts})[data-drawn-by='kernel']").count() == 4
    labels = page.locator(".cxkit-chart-distribution .role-axis-label").first.text_content()
    handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(f"document.querySelectorAll(\"{charts}\").length === 4 && [...document.querySelectorAll("
                           f"\"{charts}\")].every(c => c.dataset.drawnBy === 'page' && c.querySelector('svg'))",
                           timeout=20_000)
    moved = page.locator(".cxkit-chart-distribution .role-axis-label").first.text_content()
    assert "0,2M" in labels and "0,2M" in moved  # the x axis: money in the page's language
    percents = page.locator(".cxkit-chart-distribution .role-axis-label").nth(1).text_content()
    assert "7\u202f%" in percents or "7\u00a0%" in percents
    assert page.locator(".cxkit-chart-failed").count() == 0
    assert_no_error(page)
    context.close()
    assert not outside


def test_own_file_and_excel_download(page, voila, tmp_path):
    """losses: importing a company's file redraws the headline; the Excel download is a real workbook"""
    from cxkit import losses

    frame = losses.load_assumptions()
    frame.loc["customers", ["low", "likely", "high"]] = 40000.0
    mine = tmp_path / "our_company.csv"
    frame.reset_index().to_csv(mine, sep=";", decimal=",", index=False)
    doubled = losses.annual_loss(losses.likely_values(frame))["total"]
    open_notebook(page, voila, "05_estimating_the_losses", lang="en")
    page.wait_for_selector(".cxkit-total")
    with page.expect_file_chooser() as chooser:
        page.locator(".cxkit-upload").click()
    chooser.value.set_files(str(mine))
    page.wait_for_selector(f".cxkit-total:has-text('{_money_en(doubled)}')", timeout=10000)
    page.wait_for_selector(".cxkit-status:has-text('our_company.csv: 16 assumptions loaded')")
    page.locator(".cxkit-prepare-download").click()
    with page.expect_download() as info:
        page.locator("a.cxkit-download").click()
    path = info.value.path()
    again = losses.load_assumptions(path, name="loss_estimate.xlsx")
    assert again.at["customers", "likely"] == 40000
    screenshot(page, "05_estimating_the_losses_own_file")


def test_plan_cost_box_reads_french_amounts_refuses_text_and_absurd_amounts(page, voila):
    """losses: the plan cost shows '250 000'; '300 000' redraws the plan; a text, '1e308' and
    'inf' are each refused with one sentence, the box shows the last amount again"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
    box = page.locator(".cxkit-plan-cost input")
    box.wait_for()
    assert box.input_value() == "250\u202f000"
    plan = page.locator(".cxkit-plan")
    assert "250\u202f000\u00a0€ par an" in plan.inner_text()
    box.fill("300 000")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.cxkit-plan').innerText.includes('300\\u202f000\\u00a0€ par an')")
    expect(box).to_have_value("300\u202f000")  # the box is rewritten by a message of its own
    for typed in ("beaucoup", "1e308", "inf"):
        box.fill(typed)
        box.press("Enter")
        page.wait_for_selector(".cxkit-status .cxkit-error")
        page.wait_for_function("() => document.querySelector('.cxkit-plan-cost input').value === '300\\u202f000'")
        assert "300\u202f000\u00a0€ par an" in plan.inner_text()
    content = page.content()
    assert "Traceback" not in content and "∞" not in page.locator("#rendered_cells").inner_text()


def test_a_losing_plan_never_pays_back(page, voila):
    """losses: a plan dearer each year than its saving says "never pays back", not "paid back in … months"\""""
    open_notebook(page, voila, "05_estimating_the_losses", lang="en")
    box = page.locator(".cxkit-plan-cost input")
    box.wait_for()
    box.fill("900,000")
    box.press("Enter")
    page.wait_for_selector(".cxkit-plan:has-text('never pays back')")
    words = page.locator("#rendered_cells").inner_text()
    assert "paid back in" not in words and "NaN" not in words and "∞" not in words


def test_the_audits_calls_set_the_bad_call_rate_and_the_band_narrows(page, voila):
    """losses: choosing the sample campaign's calls names them, says "not good" is taken as
    "badly handled", and draws the band now and after 10, 50, 100 more calls"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="en")
    page.locator(".cxkit-audit-calls button:has-text('the sample campaign')").click()
    page.wait_for_selector(".cxkit-audit-calls-text:has-text('From the sample campaign')", timeout=10000)
    words = page.locator(".cxkit-audit-calls-text").inner_text()
    assert "taken here as a badly handled call" in words and "If 100 more calls found the same share" in words
    page.wait_for_selector(".cxkit-status:has-text('now comes from 108 audit calls')")
    # the band's chart is drawn beside the kernel's loop (ChartView): it may land after the status
    page.wait_for_function("document.querySelectorAll('.cxkit-chart svg').length > 4"
                           " || document.querySelector('#rendered_cells').innerText.includes('+100 calls')",
                           timeout=30_000)
    page.locator(".cxkit-audit-calls button:has-text('the room')").click()
    page.wait_for_selector(".cxkit-status:has-text('no audit calls to use yet')")
    assert_no_error_but_status(page)
    screenshot(page, "05_audit_calls_en")


def assert_no_error_but_status(page) -> None:
    """No traceback on the page (a refusal in the status line is expected)."""
    assert "Traceback" not in page.content()


def test_sliders_beside_the_headline_and_charts_on_a_laptop_screen(browser, voila):
    """losses at 1366 × 768: the bad-call-rate slider, the headline and the breakdown chart
    are in view together, the slider left of the charts; after a move every chart whose
    data changed is drawn again and the page shows no error"""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
        handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
        handle.scroll_into_view_if_needed()
        charts = [".cxkit-chart-breakdown", ".cxkit-chart-distribution", ".cxkit-chart-tornado"]
        page.locator(charts[0]).scroll_into_view_if_needed()
        slider = page.locator(".cxkit-input-bad_call_rate").bounding_box()
        total = page.locator(".cxkit-total").bounding_box()
        chart = page.locator(charts[0]).bounding_box()
        for name, box in (("slider", slider), ("headline", total), ("chart", chart)):
            assert box["y"] >= -1 and box["y"] + min(box["height"], 100) <= 768, f"{name} out of view: {box}"
        assert slider["x"] + slider["width"] <= chart["x"] + 1, "the slider is not beside the charts"
        assert chart["x"] + chart["width"] <= 1366, "the charts run off the screen"
        before = page.evaluate("s => s.map(c => document.querySelector(c).innerHTML)", charts)
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function(
            "([s, b]) => s.every((c, i) => document.querySelector(c).innerHTML !== b[i])", arg=[charts, before],
            timeout=15_000)
        assert_no_error(page)
        screenshot(page, "05_estimating_the_losses_1366x768")
    finally:
        context.close()
