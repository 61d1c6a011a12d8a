"""Folded answers in Voilà: closed when the page opens, open on a click, in both languages."""
import pytest
from playwright.sync_api import expect

from conftest import open_notebook, screenshot

SHOW = {"en": "Show the answer", "fr": "Voir la réponse"}
HIDE = {"en": "Hide the answer", "fr": "Masquer la réponse"}
#: A sentence of each language's answer to 03's exercise (cxkit/locale/pages.json).
ANSWER = {"en": "A target chosen after seeing the results", "fr": "Un objectif choisi après avoir vu les résultats"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_answer_is_closed_on_load_and_opens_on_click(page, voila, lang):
    """03: the exercise's answer is folded on load ("Show the answer" / « Voir la réponse »), shows on a click, folds again"""
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang=lang)
    fold = page.locator(".cxkit-answer-03-1")
    button = fold.locator(".cxkit-answer-toggle")
    expect(button).to_have_text(SHOW[lang])
    expect(fold.locator(".cxkit-answer-body")).to_be_hidden()
    assert not page.get_by_text(ANSWER[lang]).is_visible()
    assert page.get_by_text(ANSWER["fr" if lang == "en" else "en"]).count() == 0
    button.click()
    expect(fold.locator(".cxkit-answer-body")).to_be_visible()
    expect(page.get_by_text(ANSWER[lang])).to_be_visible()
    expect(fold.locator(".cxkit-figures")).to_be_visible()
    expect(button).to_have_text(HIDE[lang])
    screenshot(page, f"03_answer_open_{lang}")
    button.click()
    expect(fold.locator(".cxkit-answer-body")).to_be_hidden()


def test_answer_opens_when_the_trainer_reveals_it(page, voila):
    """03: an answer the trainer revealed for the room is open when the page loads"""
    from cxkit import workshop

    store = voila.store()
    workshop.reveal("03.1", store=store)
    try:
        open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
        fold = page.locator(".cxkit-answer-03-1")
        expect(fold.locator(".cxkit-answer-body")).to_be_visible()
        expect(fold.locator(".cxkit-answer-toggle")).to_have_text(HIDE["en"])
    finally:
        workshop.reveal("03.1", shown=False, store=store)


def test_french_slider_readouts_follow_french_numbers(page, voila):
    """05 in French: slider readouts read 45,0 % and 20 000 (not 45.0% or 20,000), and still follow the slider"""
    open_notebook(page, voila, "05_estimating_the_losses", lang="fr")
    readouts = page.locator(".widget-readout")
    page.wait_for_function("[...document.querySelectorAll('.widget-readout')].some(r => r.textContent.includes('\u00a0%'))")
    texts = readouts.all_inner_texts()
    assert not any(t.endswith("%") and "\u00a0%" not in t for t in texts), texts
    assert not any("." in t for t in texts), texts  # no English decimal point
    assert "20\u202f000" in texts, texts  # the sample company's customers, French thousands
    slider = page.locator(".widget-slider").filter(has=page.locator(".widget-readout")).nth(1)
    before = slider.locator(".widget-readout").inner_text()
    slider.locator(".noUi-handle, .ui-slider-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, b]) => el.textContent !== b", arg=[slider.locator(".widget-readout").element_handle(), before])
    after = slider.locator(".widget-readout").inner_text()
    assert "\u00a0%" in after and "." not in after, (before, after)
