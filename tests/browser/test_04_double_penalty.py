"""Notebook 04 in Voilà: renders offline, and its sliders and inputs change the figures."""
from conftest import open_notebook, screenshot


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\u00a0", " ")


def test_double_penalty_renders_and_reacts(page, voila):
    """04: the journey, staffing and impatience panels draw, and editing them redraws the figures"""
    open_notebook(page, voila, "04_the_double_penalty", lang="en")
    page.wait_for_selector(".cxkit-journey-results table")
    table = _text(page, ".cxkit-journey-results")
    assert "Problem solved" in table and "60.0" in table  # today: cut three times at 20 min
    assert page.locator(".cxkit-chart svg").count() >= 3

    # a 30-minute cut-off lets today's 24-minute journey finish: 24 minutes, solved
    box = page.locator(".cxkit-journey-cutoff input")
    box.fill("30")
    box.press("Enter")
    page.wait_for_function(
        "document.querySelector('.cxkit-journey-results').innerText.includes('24.0')")
    assert "60.0" not in _text(page, ".cxkit-journey-results")

    # one more agent (12 → 13) for 10 Erlangs: answered within 20 s goes from 61% to 77%
    assert "61%" in _text(page, ".cxkit-q-figures")
    handle = page.locator(".cxkit-q-agents .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function("document.querySelector('.cxkit-q-figures').innerText.includes('77%')")

    # more calls dropped by agents → a better dashboard, fewer callers served (15% → 16%: 84%)
    handle = page.locator(".cxkit-imp-drop .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function("document.querySelector('.cxkit-imp-figures').innerText.includes('84%')")
    screenshot(page, "04_double_penalty_en")


def test_double_penalty_in_french(page, voila):
    """04: in French the panels' labels and the narrative are French"""
    open_notebook(page, voila, "04_the_double_penalty", lang="fr")
    page.wait_for_selector(".cxkit-journey-results table")
    assert "Problème résolu" in _text(page, ".cxkit-journey-results")
    assert "Probabilité d'attendre" in _text(page, ".cxkit-q-figures")
    assert page.get_by_text("Ce que dit le droit français").is_visible()
    screenshot(page, "04_double_penalty_fr")
