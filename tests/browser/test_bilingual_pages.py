"""The app's narrative in Voilà: ?lang= shows one language's markdown and hides the other."""
import pytest
from conftest import open_notebook, screenshot

SLUG = "01_the_customer_is_a_human"
FRENCH = "Le test le plus simple qui soit"
ENGLISH = "The simplest test there is"


@pytest.mark.parametrize("lang, shown, hidden, button", [
    ("fr", FRENCH, ENGLISH, "Suivant ▶"),
    ("en", ENGLISH, FRENCH, "Next ▶"),
])
def test_only_the_chosen_language_shows(page, voila, lang, shown, hidden, button):
    """bilingual: with ?lang=xx the narrative and the widgets are in that language only"""
    open_notebook(page, voila, SLUG, lang=lang)
    assert page.get_by_text(shown).first.is_visible()
    assert page.get_by_text(hidden).count() == 1
    assert not page.get_by_text(hidden).first.is_visible()
    assert page.get_by_role("button", name=button).is_visible()
    assert page.locator("html").get_attribute("lang") == lang
    screenshot(page, f"01_{lang}")
