"""The home page in Voilà: renders offline, switches language, links carry it."""
import time
from pathlib import Path

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


def _log_count(voila, *parts: str) -> int:
    """Lines of the Voilà log that contain every one of ``parts``."""
    lines = Path(voila.log.name).read_text(errors="replace").splitlines()
    return sum(all(part in line for part in parts) for line in lines)


USED = ("Using pre-heated kernel: ", "00_workshop")
FILLED = ("Kernel pool of ", "00_workshop", " is filled with")


def _wait_for_pool(voila, timeout: float = 120.0) -> None:
    """Wait until the home page's preheated kernel is ready: its pool has been filled
    once more than it handed a kernel out."""
    deadline = time.monotonic() + timeout
    while _log_count(voila, *FILLED) <= _log_count(voila, *USED):
        assert time.monotonic() < deadline, "the home page's preheated kernel never got ready"
        time.sleep(0.5)


def test_preheated_kernel_draws_the_language_of_the_address(page, voila):
    """preheat: a kernel started before the request still reads ?lang= (cx.setup asks
    Voilà for the request), in both directions"""
    for lang, title in (("fr", "Le client est un être humain"), ("en", "The customer is a human")):
        _wait_for_pool(voila)
        before = _log_count(voila, *USED)
        open_notebook(page, voila, "00_workshop", lang=lang)
        page.wait_for_selector(".cxkit-map")
        assert _log_count(voila, *USED) == before + 1, "the page did not come from a preheated kernel"
        assert title in page.locator(".cxkit-map").inner_text()
        assert page.locator(".cxkit-lang").first.get_attribute("data-cxkit-lang") == lang
        assert_no_error(page)


def test_home_opens_the_trainers_guide_offline(page, voila):
    """guide: the home page links the trainer's guide in the page's language, the glossary and
    the bibliography; each opens from Voilà with no outside request, and the run sheets unfold"""
    open_notebook(page, voila, "00_workshop", lang="fr")
    page.wait_for_selector(".cxkit-guide-link")
    links = page.locator(".cxkit-guide-link")
    assert links.count() == 3
    assert links.first.get_attribute("href") == "guide/trainer_fr.html"
    fold = page.locator(".cxkit-run-sheet-fold").first
    fold.locator("summary").click()
    assert "180" in fold.inner_text()
    with page.context.expect_page() as opened:
        links.first.click()
    guide = opened.value
    guide.wait_for_load_state("load")
    assert "/voila/files/guide/trainer_fr.html" in guide.url
    assert "Guide du formateur" in guide.locator("h1").inner_text()
    assert guide.locator("#mystery-calls").count() == 1
    trainer_url = guide.url
    for name, heading in (("glossary", "Glossary"), ("bibliography", "Bibliography")):
        response = guide.goto(trainer_url.replace("trainer_fr", name))
        assert response.status == 200 and heading in guide.locator("h1").inner_text()
    guide.close()
