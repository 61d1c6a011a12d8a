"""Notebook 06 in Voilà: renders offline, and the sliders redraw the figures."""
from playwright.sync_api import expect

from conftest import open_notebook, screenshot


def test_06_renders_and_the_sliders_answer(page, voila):
    """06: no error, no outside request; moving the window slider and the churn slider changes the text"""
    open_notebook(page, voila, "06_customers_are_never_acquired", lang="en")
    cliff = page.locator(".cxkit-cliff-result")
    cliff.wait_for()
    before = cliff.inner_text()
    assert "After 10 years" in before and "426 satisfied customers" in before
    page.locator(".cxkit-cliff-every .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "t => document.querySelector('.cxkit-cliff-result').innerText !== t", arg=before)
    assert "426 satisfied customers" in cliff.inner_text() and cliff.inner_text() != before

    gain = page.locator(".cxkit-gain-result")
    assert "from 20% to 15%" in gain.inner_text()
    page.locator(".cxkit-gain-churn .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.cxkit-gain-result').innerText.includes('from 21% to 16%')")
    screenshot(page, "06_customers_are_never_acquired_en")


def test_06_in_french(page, voila):
    """06: the French page shows French labels and French number formats"""
    open_notebook(page, voila, "06_customers_are_never_acquired", lang="fr")
    text = page.locator(".cxkit-clv-result").inner_text()
    assert "Un client vaut" in text and "857\u00a0€" in text


def test_06_refuses_infinite_and_absurd_amounts(page, voila):
    """06: 'inf' and '1e308' in the customers box give one sentence, the figures stay finite
    (no '∞ customers', no NaN), and the page keeps working"""
    open_notebook(page, voila, "06_customers_are_never_acquired", lang="en")
    result = page.locator(".cxkit-clv-result")
    before = result.inner_text()
    box = page.locator(".cxkit-clv-customers input")
    for text, sentence in (("inf", "is not an amount"), ("1e308", "too large an amount")):
        box.fill(text)
        box.press("Enter")
        page.wait_for_function(
            "s => [...document.querySelectorAll('.cxkit-error')].some(e => e.innerText.includes(s))", arg=sentence)
        expect(box).to_have_value("10,000")  # the box's reset is a message of its own, after the sentence
        assert result.inner_text() == before
    box.fill("20,000")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('.cxkit-clv-result').innerText.includes('20,000 customers')")
    expect(page.locator(".cxkit-error")).to_have_count(0)
    page.locator(".cxkit-delight-purchases").wait_for()
    for marker in ("∞", "NaN", "Infinity"):
        assert marker not in page.locator("#rendered_cells").inner_text()


def test_06_redraws_a_chart_only_when_its_data_change(page, voila):
    """06: the revenue slider changes the cliff's sentence but not its chart (same cohorts,
    not drawn again); the offer slider redraws it; the churn slider redraws the gain chart"""
    open_notebook(page, voila, "06_customers_are_never_acquired", lang="en")
    cliff, chart = page.locator(".cxkit-cliff-result"), page.locator(".cxkit-cliff-chart")
    chart.locator("svg").wait_for()
    drawn, before = chart.inner_html(), cliff.inner_text()
    page.locator(".cxkit-cliff-revenue .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("t => document.querySelector('.cxkit-cliff-result').innerText !== t", arg=before)
    page.wait_for_timeout(500)
    assert chart.inner_html() == drawn
    page.locator(".cxkit-cliff-offer .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("h => document.querySelector('.cxkit-cliff-chart').innerHTML !== h", arg=drawn)
    gain = page.locator(".cxkit-gain-chart").inner_html()
    page.locator(".cxkit-gain-churn .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("h => document.querySelector('.cxkit-gain-chart').innerHTML !== h", arg=gain)
