"""Issue 19: the page of 03 is built before its participant arrives (the room opens it
together; ``cx.ready()``, cxkit.panels.prerender), and still shows what the room decided
after it was built: the grid saved in 02, the language chosen on the home page."""
from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import expect

from conftest import assert_no_error, open_notebook, screenshot

NOTEBOOK = "03_scoring_the_phone_audit"
USED = ("Using pre-heated kernel: ", NOTEBOOK)
FILLED = ("Kernel pool of ", NOTEBOOK, " is filled with")


def _log_count(voila, *parts: str) -> int:
    lines = Path(voila.log.name).read_text(errors="replace").splitlines()
    return sum(all(part in line for part in parts) for line in lines)


def _wait_for_pool(voila, timeout: float = 180.0) -> None:
    """Wait until 03's pool has a kernel ready again, and give it time to build the page."""
    deadline = time.monotonic() + timeout
    while _log_count(voila, *FILLED) <= _log_count(voila, *USED):
        assert time.monotonic() < deadline, "03's preheated kernels never got ready"
        time.sleep(0.5)
    time.sleep(8.0)


def test_a_page_built_ahead_shows_the_grid_saved_after_it_was_built(page, voila):
    """03 built ahead: a grid saved in 02 after the page was built is the one the page
    shows (the form and the source panel), and the page came from a kernel prepared ahead"""
    from cxkit import audit, workshop

    store = voila.store()
    _wait_for_pool(voila)
    choices = audit.grid_choices(audit.load_grid())
    first = next(iter(choices))
    choices[first]["weight"] += 2.0
    workshop.save_room_grid(choices, store)
    try:
        before = _log_count(voila, *USED)
        open_notebook(page, voila, NOTEBOOK, lang="en")
        assert _log_count(voila, *USED) == before + 1, "the page did not come from a kernel prepared ahead"
        assert page.locator(".cxkit-slot").count() >= 11  # every panel in a slot of its own
        expect(page.get_by_text("Calls are scored with the room's grid from notebook 02 (criteria changed: 1)",
                                exact=False)).to_be_visible()
        assert_no_error(page)
        screenshot(page, "03_built_ahead_room_grid_en")
    finally:
        workshop.save_room_grid(None, store)


def test_a_page_built_ahead_follows_the_language_saved_after_it_was_built(page, voila):
    """03 built ahead, opened from a link without ?lang= (the "Next" links): the language
    saved on the home page since then is the page's, narrative and panels alike"""
    from cxkit import workshop

    store = voila.store()
    saved = workshop.language(store)
    _wait_for_pool(voila)
    for lang, title, button in (("en", "03 — Scoring the phone audit", "Sample campaign"),
                                ("fr", "03 — Noter l'audit téléphonique", "Campagne d'exemple")):
        workshop.save_language(lang, store)
        page.goto(f"{voila.base}/voila/render/{NOTEBOOK}.ipynb", wait_until="load", timeout=120_000)
        page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
        page.wait_for_load_state("networkidle")
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.get_by_role("button", name=button, exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == lang
        assert_no_error(page)
        _wait_for_pool(voila)
    workshop.save_language(saved or "fr", store)
