"""The home page in Voilà: renders offline, switches language, links carry it."""
from conftest import assert_no_error, open_notebook, screenshot


def test_home_renders_offline_in_english(page, voila):
    """home: the page draws its map with no outside request and no error text"""
    open_notebook(page, voila, "00_workshop", lang="en")
    page.wait_for_selector(".cxkit-map")
    assert page.locator(".cxkit-step-link").count() == 8
    assert "The customer is a human" in page.locator(".cxkit-map").inner_text()
    screenshot(page, "00_workshop_en")


def test_home_switches_to_french_and_links_keep_it(page, voila):
    """home: pressing Français reloads the page in French, narrative and map, links carry ?lang=fr"""
    open_notebook(page, voila, "00_workshop", lang="en")
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/00_workshop.ipynb?lang=fr", timeout=60_000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    page.wait_for_selector(".cxkit-map")
    assert "Le client est un être humain" in page.locator(".cxkit-map").inner_text()
    href = page.locator(".cxkit-step-link").first.get_attribute("href")
    assert href == "01_the_customer_is_a_human.ipynb?lang=fr"
    assert page.locator(".celltag_lang-en").first.is_hidden()
    assert page.locator(".celltag_lang-fr").first.is_visible()
    assert_no_error(page)
    screenshot(page, "00_workshop_fr")
