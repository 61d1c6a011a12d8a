"""Notebook 04 in Voilà: renders offline, and its sliders and inputs change the figures."""
from conftest import ARTIFACTS, open_notebook, screenshot


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\u00a0", " ")


def test_double_penalty_renders_and_reacts(page, voila):
    """04: the journey, staffing and impatience panels draw, and editing them redraws the figures"""
    open_notebook(page, voila, "04_the_double_penalty", lang="en")
    page.wait_for_selector(".cxkit-journey-results table")
    table = _text(page, ".cxkit-journey-results")
    assert "Problem solved" in table and "60.0" in table  # today: cut three times at 20 min
    assert page.locator(".cxkit-chart svg").count() >= 3

    # a 30-minute cut-off lets today's 24-minute journey finish: 24 minutes, solved
    box = page.locator(".cxkit-journey-cutoff input")
    box.fill("30")
    box.press("Enter")
    page.wait_for_function(
        "document.querySelector('.cxkit-journey-results').innerText.includes('24.0')")
    assert "60.0" not in _text(page, ".cxkit-journey-results")

    # one more agent (12 → 13) for 10 Erlangs: answered within 20 s goes from 61% to 77%
    assert "61%" in _text(page, ".cxkit-q-figures")
    handle = page.locator(".cxkit-q-agents .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function("document.querySelector('.cxkit-q-figures').innerText.includes('77%')")

    # more calls dropped by agents → a better dashboard, fewer callers served (15% → 16%: 84%)
    handle = page.locator(".cxkit-imp-drop .noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function("document.querySelector('.cxkit-imp-figures').innerText.includes('84%')")
    screenshot(page, "04_double_penalty_en")


def test_double_penalty_in_french(page, voila):
    """04: in French the panels' labels and the narrative are French"""
    open_notebook(page, voila, "04_the_double_penalty", lang="fr")
    page.wait_for_selector(".cxkit-journey-results table")
    assert "Problème résolu" in _text(page, ".cxkit-journey-results")
    assert "Probabilité d'attendre" in _text(page, ".cxkit-q-figures")
    assert page.get_by_text("Ce que dit le droit français").is_visible()
    screenshot(page, "04_double_penalty_fr")


def _svg(page, panel: str) -> str:
    return page.locator(f"{panel} .cxkit-chart").inner_html()


def test_cost_curve_redraws_and_the_optimum_moves(page, voila):
    """04: a move of the lost-caller slider redraws the cost curve (timed), and a caller who hanging up
    costs nothing brings the cheapest staffing down"""
    import time

    open_notebook(page, voila, "04_the_double_penalty", lang="en")
    page.wait_for_selector(".cxkit-cost-figures table")
    figures = _text(page, ".cxkit-cost-figures")
    assert "Cheapest" in figures and "hang-ups left out" in figures and "not on the payroll" in figures
    assert "Total for the day" in _text(page, ".cxkit-day-figures")
    cheapest = lambda: page.locator(".cxkit-cost-figures tr").nth(1).locator("td").nth(1).inner_text()  # noqa: E731
    before_agents = int(cheapest())
    timings = []
    handle = page.locator(".cxkit-cost-lost .noUi-handle")
    handle.focus()
    for _ in range(5):
        before = _svg(page, ".cxkit-cost-panel")
        start = time.perf_counter()
        handle.press("ArrowLeft")
        page.wait_for_function("before => document.querySelector('.cxkit-cost-panel .cxkit-chart').innerHTML"
                               " !== before", arg=before, timeout=20_000)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    # the same measure on section 2's staffing chart, in the same run, as a yardstick for the machine's load
    reference = []
    staff = page.locator(".cxkit-q-agents .noUi-handle")
    staff.focus()
    for key in ("ArrowRight", "ArrowLeft", "ArrowRight"):
        before = _svg(page, ".cxkit-staffing-panel")
        start = time.perf_counter()
        staff.press(key)
        page.wait_for_function("before => document.querySelector('.cxkit-staffing-panel .cxkit-chart').innerHTML"
                               " !== before", arg=before, timeout=20_000)
        reference.append(time.perf_counter() - start)
    print(f"cost curve redraw in the browser: best {best * 1000:.0f} ms, all "
          + ", ".join(f"{x * 1000:.0f}" for x in timings) + f" ms; staffing chart best {min(reference) * 1000:.0f} ms")
    handle.focus()
    assert best < 1.0, f"the cost curve took {best:.2f} s to redraw"  # target 0.3 s on an idle machine
    handle.press("Home")  # a caller who hangs up costs nothing: fewer agents are worth paying
    page.wait_for_function(f"() => parseInt(document.querySelector('.cxkit-cost-figures tr:nth-child(2)"
                           f" td:nth-child(2)').innerText) < {before_agents}", timeout=20_000)
    screenshot(page, "04_cost_curve_en")


def test_cost_section_in_french(page, voila):
    """04: the cost section's title, table and sentence are French, with French typography"""
    open_notebook(page, voila, "04_the_double_penalty", lang="fr")
    page.wait_for_selector(".cxkit-cost-figures table")
    assert page.get_by_text("Combien d'agents vaut-il la peine de payer\u00a0?").is_visible()
    figures = page.locator(".cxkit-cost-figures").inner_text()
    assert "Le moins cher" in figures and "masse salariale\u00a0:" in figures
    assert "Total de la journée" in page.locator(".cxkit-day-figures").inner_text()
    for panel in ("cost", "day"):  # the two panels alone, to check that labels fit
        page.locator(f".cxkit-{panel}-panel").screenshot(path=str(ARTIFACTS / "screenshots" / f"04_{panel}_panel_fr.png"))
