"""Notebook 01 in Voilà: the call replay moves step by step, the self-assessment is saved."""
from conftest import open_notebook, screenshot

SLUG = "01_the_customer_is_a_human"


def test_replay_moves_to_the_next_step(page, voila):
    """01: pressing Next shows step 2 of the poor call, its clock and that the caller does not exist"""
    open_notebook(page, voila, SLUG, lang="en")
    card = page.locator(".cxkit-step-card")
    assert "Step 1 of 7" in card.inner_text()
    page.locator(".cxkit-step-next").click()
    page.wait_for_function("document.querySelector('.cxkit-step-card').innerText.includes('Step 2 of 7')")
    text = card.inner_text()
    assert "3 min 10 s" in text.replace("\u00a0", " ") and "The caller does not exist" in text
    page.get_by_role("button", name="Excellent call").click()
    page.wait_for_function("document.querySelector('.cxkit-step-card').innerText.includes('Step 1 of 6')")
    assert "The caller exists" in card.inner_text()
    screenshot(page, "01_replay_en")


def test_self_assessment_is_saved_to_the_store(page, voila):
    """01: moving a slider and pressing Save stores one anonymous row and shows the room"""
    open_notebook(page, voila, SLUG, lang="en")
    before = len(voila.store().answers("self_assessment"))
    handle = page.locator(".cxkit-q-reach_person .noUi-handle")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.cxkit-q-reach_person').innerText.includes('3')")
    page.locator(".cxkit-assess-save").click()
    page.wait_for_selector(".cxkit-ok")
    assert "Saved anonymously" in page.locator(".cxkit-ok").inner_text()
    assert "participant(s)" in page.locator(".cxkit-room").inner_text()
    rows = voila.store().answers("self_assessment")
    assert len(rows) == before + 1
    assert rows.iloc[-1]["reach_person"] == 3 and "name" not in rows.columns
