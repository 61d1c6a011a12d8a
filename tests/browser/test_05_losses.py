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
