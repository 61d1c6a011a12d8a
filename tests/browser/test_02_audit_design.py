"""Notebook 02 in Voilà: the grid, scenarios and sample-size panels render and respond."""
from conftest import open_notebook, screenshot


def test_audit_design_renders_and_margin_changes_calls_needed(page, voila):
    """02: the page renders offline; a wider margin lowers the number of calls needed"""
    open_notebook(page, voila, "02_designing_the_phone_audit", lang="en")
    needed = page.locator(".cxkit-audit-needed")
    needed.wait_for()
    assert "about 97 calls" in needed.inner_text()  # ± 10 points at 50 %: 1.96²·.25/.01 = 96.04
    assert page.locator(".cxkit-scenario").count() == 4
    handle = page.locator(".cxkit-audit-margin .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")  # margin 10 % → 11 %: 1.96²·.25/.0121 = 79.4 → 80
    page.wait_for_function(
        "document.querySelector('.cxkit-audit-needed').innerText.includes('about 80 calls')")
    screenshot(page, "02_audit_design_en")


def test_weight_slider_changes_the_section_shares(page, voila):
    """02: raising the welcome weight changes the welcome share of the score shown under the grid"""
    open_notebook(page, voila, "02_designing_the_phone_audit", lang="en")
    summary = page.locator(".cxkit-audit-grid-summary")
    summary.wait_for()
    before = summary.inner_text()
    assert "Welcome" in before
    handle = page.locator(".cxkit-weight-greeting .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        "(before) => document.querySelector('.cxkit-audit-grid-summary').innerText !== before", arg=before)
    assert summary.inner_text() != before


def test_audit_design_in_french(page, voila):
    """02: with ?lang=fr the panels speak French and numbers use the French percent sign"""
    open_notebook(page, voila, "02_designing_the_phone_audit", lang="fr")
    needed = page.locator(".cxkit-audit-needed")
    needed.wait_for()
    assert "il faut environ 97 appels" in needed.inner_text()
    assert "10\u00a0%" in needed.inner_text()
    assert "Le client mystère dit" in page.locator(".cxkit-audit-scenarios").inner_text()


def test_grid_chosen_here_scores_the_calls_in_notebook_03(page, voila):
    """02 → 03: "Use this grid for the room" makes 03 score with it and say so; "Back to
    the shipped grid" undoes it (so the other tests see the shipped grid)"""
    open_notebook(page, voila, "02_designing_the_phone_audit", lang="en")
    handle = page.locator(".cxkit-weight-greeting .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.locator(".cxkit-audit-grid-use").click()
    page.get_by_text("notebook 03 now scores the calls with this grid").wait_for()
    try:
        open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
        note = page.locator(".cxkit-audit-grid-note")
        assert "room's grid from notebook 02 (criteria changed: 1)" in note.inner_text()
        screenshot(page, "03_room_grid_en")
    finally:
        open_notebook(page, voila, "02_designing_the_phone_audit", lang="en")
        page.locator(".cxkit-audit-grid-reset").click()
        page.get_by_text("The shipped grid is back").wait_for()
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    assert "scored with the shipped grid" in page.locator(".cxkit-audit-grid-note").inner_text()
