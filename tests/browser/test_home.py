"""The home page in Voilà: renders offline, switches language, links carry it."""
from conftest import open_notebook, screenshot


def test_home_renders_offline_in_english(page, voila):
    """home: the page draws its map with no outside request and no error text"""
    open_notebook(page, voila, "00_workshop", lang="en")
    page.wait_for_selector(".cxkit-map")
    assert page.locator(".cxkit-step-link").count() == 8
    assert "The customer is a human" in page.locator(".cxkit-map").inner_text()
    screenshot(page, "00_workshop_en")


def test_home_switches_to_french_and_links_keep_it(page, voila):
    """home: pressing Français redraws the map in French and links carry ?lang=fr"""
    open_notebook(page, voila, "00_workshop", lang="en")
    page.get_by_role("button", name="Français").click()
    page.wait_for_function(
        "document.querySelector('.cxkit-map') && document.querySelector('.cxkit-map').innerText.includes('Le client est un être humain')")
    href = page.locator(".cxkit-step-link").first.get_attribute("href")
    assert href == "01_the_customer_is_a_human.ipynb?lang=fr"
    screenshot(page, "00_workshop_fr")
