"""Issue 16's calibration round and issue 15's closing round, in Voilà.

The trainer starts a round from the console (``trainer.ipynb``); a participant's open
page of notebook 03 shows the call by itself, scores it blind, and shows the results
(Fleiss' kappa, the raters, the widened interval) once the trainer reveals them, without
a reload. A rater named like HTML is shown as text. In 08, a saved action plan appears in
the room's list.
"""
from __future__ import annotations

import time

from playwright.sync_api import expect

from conftest import assert_no_error, open_notebook, screenshot

PWNED = '<img src=x onerror="window.__pwned = 1">'


def test_calibration_reveal_reaches_an_open_participant_page(page, voila, browser):
    """03 + console: a round started on the console shows on 03 without reload; scored blind;
    the trainer's reveal shows kappa, the raters (escaped) and the widened interval within 15 s"""
    from cxkit import calibration, workshop

    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    expect(page.locator(".cxkit-calib-round")).to_contain_text("No calibration round is open")

    console = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    console.set_default_timeout(60_000)
    open_notebook(console, voila, "trainer", lang="en")
    console.locator(".cxkit-calib-call select").select_option(label="Scripted call: the poor handling (notebook 01)")
    console.locator(".cxkit-calib-ref-field-line_kept select").select_option(label="yes")
    console.locator(".cxkit-calib-ref-field-answered_or_callback select").select_option(label="no")
    console.locator(".cxkit-calib-start").click()
    expect(console.locator(".cxkit-calib-console-status")).to_contain_text("started", timeout=15_000)

    started = time.monotonic()
    expect(page.locator(".cxkit-calib-round")).to_contain_text("Round", timeout=15_000)
    print(f"round shown on the participant's page after {time.monotonic() - started:.1f} s")
    expect(page.locator(".cxkit-calib-transcript")).to_be_visible()

    page.locator(".cxkit-calib-rater input").fill(PWNED)
    page.locator(".cxkit-calib-field-line_kept select").select_option(label="yes")
    page.locator(".cxkit-calib-field-answered_or_callback select").select_option(label="yes")
    page.locator(".cxkit-calib-save").click()
    expect(page.locator(".cxkit-calib-status")).to_contain_text("Scoring saved")
    store = voila.store()
    state = store.setting(calibration.ROUND_SETTING)
    grid = workshop.room_grid(store)
    for name, answered in (("Ben", "non"), ("Cy", "non")):
        store.add_answer(calibration.KIND, calibration.rating_record(
            {"line_kept": "oui", "answered_or_callback": answered}, grid, name, state["round"]))
    expect(page.locator(".cxkit-calib-count")).to_contain_text("3 scorings", timeout=15_000)
    assert page.locator(".cxkit-calib-results").inner_text().strip() == ""  # blind

    console.locator(".cxkit-calib-reveal").click()
    started = time.monotonic()
    expect(page.locator(".cxkit-calib-results")).to_contain_text("Fleiss", timeout=15_000)
    print(f"reveal shown on the participant's page after {time.monotonic() - started:.1f} s")
    results = page.locator(".cxkit-calib-results")
    expect(results).to_contain_text(PWNED)  # the name as text
    expect(results).to_contain_text("widens to")
    expect(results).to_contain_text("1 of 3 raters reached a different verdict")
    assert page.evaluate("window.__pwned") is None and page.locator("img[src='x']").count() == 0
    expect(page.locator(".cxkit-calib-save")).to_be_hidden()  # scoring closed once revealed
    screenshot(page, "calibration_reveal_en")
    card = page.locator(".cxkit-calib-results").locator("xpath=..")
    card.screenshot(path=str(screenshot(page, "calibration_reveal_en").with_name("calibration_reveal_card_en.png")))
    screenshot(console, "calibration_console_en")
    assert_no_error(page)
    assert_no_error(console)
    console.context.close()


def test_action_plan_saved_in_08_appears_in_its_list(page, voila):
    """08: a three-line plan saved in the form appears in the room's list, HTML shown as text;
    an empty line is refused with the field named"""
    open_notebook(page, voila, "08_workshop_report", lang="en")
    page.locator(".cxkit-plan-name input").fill("Zoé")
    page.locator(".cxkit-plan-what input").fill("Share of calls answered <script>window.__pwned = 1</script>")
    page.locator(".cxkit-plan-who input").fill("Team lead")
    page.locator(".cxkit-plan-save").click()
    expect(page.locator(".cxkit-plan-status")).to_contain_text("'By when'")
    expect(page.locator(".cxkit-plan-when.cxkit-invalid")).to_have_count(1)
    page.locator(".cxkit-plan-when input").fill("30 June")
    page.locator(".cxkit-plan-save").click()
    expect(page.locator(".cxkit-plan-status")).to_contain_text("Plan saved for Zoé")
    listing = page.locator(".cxkit-plan-list")
    expect(listing).to_contain_text("Share of calls answered <script>window.__pwned = 1</script>")
    expect(listing).to_contain_text("30 June")
    assert page.evaluate("window.__pwned") is None
    assert voila.store().answers("action_plan")["name"].tolist() == ["Zoé"]
    screenshot(page, "action_plan_08_en")
    assert_no_error(page)
