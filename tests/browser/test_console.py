"""The trainer's console in Voilà: its counts follow the room without a reload, and what
it reveals opens on the participants' pages that are already open."""
import importlib.util

import pytest
from conftest import open_notebook, screenshot
from playwright.sync_api import expect

from cxkit import audit, stories, workshop

CONSOLE = "trainer"
LIVE_S = 10  # the room's counts and reveals must arrive within this many seconds


@pytest.fixture(autouse=True)
def own_room(voila, request):
    """Each test runs in a room of its own, opened as the room in use, and the room used
    before is opened again afterwards: the calls and answers these tests save never reach
    the other browser tests, which share the server's store."""
    before = voila.store().room
    voila.store().open_room(f"console {request.node.name}"[:80])
    yield
    voila.store().open_room(before)


def _open_console(browser_page, voila, lang="en"):
    open_notebook(browser_page, voila, CONSOLE, lang=lang)
    expect(browser_page.locator(".cxkit-room-calls")).to_be_visible()
    return browser_page


def _second_page(page):
    other = page.context.new_page()
    other.set_default_timeout(60_000)
    return other


def test_console_counts_a_call_saved_on_another_page(page, voila):
    """console: .cxkit-room-calls rises within 10 s when 03's form saves a call, without reload"""
    _open_console(page, voila)
    before = len(voila.store().call_ids())
    expect(page.locator(".cxkit-room-calls")).to_have_text(str(before))
    form = _second_page(page)
    open_notebook(form, voila, "03_scoring_the_phone_audit", lang="en")
    form.locator(".cxkit-audit-evaluator input").fill("Lou")
    form.locator(".cxkit-field-greeting select").select_option(label="yes")
    form.locator(".cxkit-field-line_kept select").select_option(label="yes")
    form.locator(".cxkit-field-answered_or_callback select").select_option(label="yes")
    form.locator(".cxkit-audit-submit").click()
    expect(form.locator(".cxkit-audit-form-status")).to_contain_text("saved")
    expect(page.locator(".cxkit-room-calls")).to_have_text(str(before + 1), timeout=LIVE_S * 1000)
    screenshot(page, "trainer_console_en")


def test_revealed_result_appears_on_an_open_page(page, voila):
    """console: 'Show to the room' on the room's self-assessment shows it on an open 01 page that never saved"""
    questions = stories.load_questions()
    record = stories.assessment_record({q: 3 for q in questions.index}, questions)
    voila.store().add_answer(stories.KIND, {**record, "participant": "someone-else"})
    participant = _second_page(page)
    open_notebook(participant, voila, "01_the_customer_is_a_human", lang="en")
    expect(participant.locator(".cxkit-room")).to_have_text("")  # not shown before the reveal
    _open_console(page, voila)
    page.locator(".cxkit-console-reveal-key select").select_option(label="01 · the room's self-assessment")
    page.locator(".cxkit-console-reveal").click()
    try:
        expect(page.locator(".cxkit-console-revealed")).to_contain_text("self-assessment")
        expect(participant.locator(".cxkit-room")).to_contain_text("The room:", timeout=LIVE_S * 1000)
    finally:
        workshop.reveal("01.room", False, store=voila.store())


@pytest.mark.skipif(importlib.util.find_spec("cxkit.panels.answers") is None,
                    reason="folded answers (cxkit.panels.answers) are not in this tree yet")
def test_revealed_answer_opens_on_an_open_page(page, voila):
    """console: 'Show to the room' on 03's exercise opens that answer's fold on an open 03 page"""
    participant = _second_page(page)
    open_notebook(participant, voila, "03_scoring_the_phone_audit", lang="en")
    body = participant.locator(".cxkit-answer-03-1 .cxkit-answer-body")
    expect(body).to_be_hidden()
    _open_console(page, voila)
    page.locator(".cxkit-console-reveal-key select").select_option(label="03 · exercise 1")
    page.locator(".cxkit-console-reveal").click()
    try:
        expect(body).to_be_visible(timeout=LIVE_S * 1000)
    finally:
        workshop.reveal("03.1", False, store=voila.store())


def test_locked_forms_refuse_on_an_open_page(page, voila):
    """console: locking the forms disables 03's Save button on an open page, with the sentence; opening again restores it"""
    participant = _second_page(page)
    open_notebook(participant, voila, "03_scoring_the_phone_audit", lang="en")
    _open_console(page, voila)
    page.locator(".cxkit-console-lock").click()
    try:
        expect(participant.locator(".cxkit-audit-submit")).to_be_disabled(timeout=LIVE_S * 1000)
        expect(participant.locator(".cxkit-forms-locked").first).to_contain_text("closed the entry forms")
        page.locator(".cxkit-console-lock").click()
        expect(participant.locator(".cxkit-audit-submit")).to_be_enabled(timeout=LIVE_S * 1000)
    finally:
        workshop.lock_forms(False, store=voila.store())


def test_indicators_and_report_follow_the_room(page, voila):
    """live pages: 03's indicators (workshop calls) and 08's report change by themselves when another page saves"""
    indicators = page
    open_notebook(indicators, voila, "03_scoring_the_phone_audit", lang="en")
    indicators.get_by_role("button", name="Workshop calls", exact=True).click()
    n = indicators.locator(".cxkit-audit-indicators .cxkit-audit-n")
    before = len(audit.primary_calls(audit.calls_from_records(voila.store().calls(), audit.load_grid())))
    expect(n).to_have_text(str(before))
    report_page = _second_page(page)
    open_notebook(report_page, voila, "08_workshop_report", lang="en")
    people = stories.room_summary(stories.room_answers(voila.store().answers(stories.KIND),
                                                       stories.load_questions()))["n"]
    grid = audit.load_grid()
    call = audit.records_for_store(audit.load_sample_campaign(grid), grid)[0]
    voila.store().add_call({**call, "call_id": "LIVE-1"})
    questions = stories.load_questions()
    record = stories.assessment_record({q: 2 for q in questions.index}, questions)
    voila.store().add_answer(stories.KIND, {**record, "participant": "live-report"})
    expect(n).to_have_text(str(before + 1), timeout=LIVE_S * 1000)
    expect(report_page.locator(".cxkit-report-summary")).to_contain_text(
        f"{people + 1} participant(s) answered", timeout=LIVE_S * 1000)
