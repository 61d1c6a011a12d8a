"""Issue 13, item 1, in Voilà: one participant's control character never breaks the room.

Typed through 03's form, ``Eve`` + BEL is refused beside the evaluator field, named and
framed in red; text written as HTML is saved and shown as text. A row that already holds
control characters (written straight into SQLite, as a store made before the checks
would hold it) does not stop 03: every chart draws, and the chart engine is the same
process before and after.
"""
from __future__ import annotations

import json
import sqlite3
import time

import psutil
from playwright.sync_api import expect

from conftest import assert_no_error, open_notebook, screenshot

NOTEBOOK = "03_scoring_the_phone_audit"
PWNED = '<img src=x onerror="window.__pwned = 1">'


def _engines(voila) -> set[int]:
    """The chart engine processes the Voilà server started."""
    return {p.pid for p in psutil.Process(voila.proc.pid).children(recursive=True)
            if "cxkit.charts.engine" in " ".join(p.cmdline())}


def _fill_call(page, who: str) -> None:
    page.locator(".cxkit-audit-evaluator input").fill(who)
    page.locator(".cxkit-field-wait_seconds input").fill("45")
    page.locator(".cxkit-field-greeting select").select_option(label="yes")
    page.locator(".cxkit-audit-submit").click()


def _show_store(page, n: int) -> None:
    page.get_by_role("button", name="Workshop calls", exact=True).click()
    page.wait_for_function(
        "n => document.querySelector('.cxkit-audit-indicators .cxkit-audit-n').innerText === n", arg=str(n))


def test_form_refuses_a_control_character_and_shows_html_as_text(page, voila):
    """03 form: 'Eve' + BEL is refused beside the evaluator field (named, framed red), nothing
    stored; a name written as HTML is stored and shown as text, never run"""
    open_notebook(page, voila, NOTEBOOK, lang="en")
    _fill_call(page, "Eve\x07")
    page.wait_for_function(
        "document.querySelector('.cxkit-field-error-evaluator').innerText.includes('U+0007')")
    expect(page.locator(".cxkit-audit-evaluator.cxkit-invalid")).to_have_count(1)  # its own message, may come after the text
    expect(page.locator(".cxkit-audit-form-status")).to_contain_text("'Evaluator'")
    border = page.locator(".cxkit-audit-evaluator input").evaluate("e => getComputedStyle(e).borderTopColor")
    assert border == "rgb(231, 111, 81)", border  # the theme's "bad" colour
    assert voila.store().calls().empty
    screenshot(page, "hostile_form_refused_en")

    _fill_call(page, PWNED)
    page.wait_for_function("document.querySelector('.cxkit-audit-form-status').innerText.includes('saved')")
    expect(page.locator(".cxkit-audit-evaluator.cxkit-invalid")).to_have_count(0)
    _show_store(page, 1)
    page.get_by_text("Trainer: remove a call or an import", exact=True).click()
    page.wait_for_function("document.querySelector('.cxkit-manage-calls select').innerText.includes('onerror')")
    time.sleep(1)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    assert voila.store().calls()["evaluator"].tolist() == [PWNED]
    assert_no_error(page)


def test_a_stored_control_character_does_not_stop_the_charts_or_the_engine(page, voila, browser):
    """03: a row holding BEL, ESC and U+FFFE written straight into SQLite (an old store):
    with the workshop calls shown, every chart draws, no chart fails, and the chart engine
    is the same process before and after; a second page draws too"""
    from cxkit import audit

    grid = audit.load_grid()
    records = audit.records_for_store(audit.load_sample_campaign(grid).head(4), grid)
    engines = _engines(voila)
    assert engines, "the Voilà server runs no chart engine"
    with sqlite3.connect(voila.db) as con:
        columns = {r[1] for r in con.execute("PRAGMA table_info(calls)")}
        for i, record in enumerate(records):
            record = dict(record, call_id=f"OLD-{i}", evaluator="Eve\x07" if i % 2 else "Zoé\x1b[31m\ufffe",
                          comment="bell\x07 and nul\x00", scenario=record["scenario"])
            values = {"call_id": record["call_id"], "record": json.dumps(record, ensure_ascii=False),
                      "created": time.time(), "batch": "old store"}
            keys = [k for k in values if k in columns]
            con.execute(f"INSERT INTO calls ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})",
                        [values[k] for k in keys])
    stored = len(voila.store().calls())

    open_notebook(page, voila, NOTEBOOK, lang="en")
    _show_store(page, stored)
    page.wait_for_function("""() => [...document.querySelectorAll('.cxkit-chart svg')]
                                    .some(svg => svg.textContent.includes('Eve'))""")
    charts = page.locator(".cxkit-chart")
    drawn = page.locator(".cxkit-chart svg").count()
    assert drawn >= 5, f"only {drawn} charts drawn"
    assert page.locator(".cxkit-chart-failed").count() == 0
    assert charts.count() >= drawn
    assert_no_error(page)
    assert _engines(voila) == engines, "the chart engine was restarted: it died"
    screenshot(page, "hostile_store_charts_en")

    second = page.context.new_page()  # another participant opens 03 with the workshop calls
    open_notebook(second, voila, NOTEBOOK, lang="fr")
    second.get_by_role("button", name="Appels de l'atelier", exact=True).click()
    second.wait_for_function("""() => [...document.querySelectorAll('.cxkit-chart svg')]
                                      .some(svg => svg.textContent.includes('Zoé'))""")
    assert second.locator(".cxkit-chart-failed").count() == 0
    assert_no_error(second)
    assert _engines(voila) == engines
    second.close()
