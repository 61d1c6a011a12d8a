"""Notebook 03 in Voilà: a call entered in the form shows in the indicators without reload."""
from playwright.sync_api import expect

from conftest import open_notebook, screenshot


def _n(page) -> str:
    return page.locator(".cxkit-audit-indicators .cxkit-audit-n").inner_text()


def _sample_verdict(lang: str) -> tuple[int, str, str]:
    """The sample campaign's calls, verdict kind and verdict sentence, as the models give them
    (the page must show the same; the sample's figures are the data's, not the test's)."""
    from cxkit import audit

    grid = audit.load_grid()
    scored = audit.score_calls(audit.primary_calls(audit.load_sample_campaign(grid)), grid)
    good, n = int(scored["good"].sum()), len(scored)
    return n, audit.verdict(good, n), audit.verdict_text(good, n, lang=lang)


def test_sample_campaign_shows_its_verdict(page, voila):
    """03: by default the sample campaign's calls and its verdict are shown, as the models give them"""
    n, kind, text = _sample_verdict("en")
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    assert _n(page) == str(n)
    page.locator(f".cxkit-verdict-{kind}").wait_for()  # drawn with the page's widgets
    assert page.locator(".cxkit-audit-verdict").inner_text().startswith(text.split(".")[0])
    assert page.locator(".cxkit-kappa-table").count() == 1
    screenshot(page, "03_audit_scoring_sample_en")


def test_form_call_updates_the_store_indicators(page, voila):
    """03: with the store as source, saving a call in the form moves n from 0 to 1 at once"""
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    page.get_by_role("button", name="Workshop calls", exact=True).click()
    page.wait_for_function(
        "document.querySelector('.cxkit-audit-indicators .cxkit-audit-n').innerText === '0'")
    # a bad value first: the error shows next to its field and nothing is stored
    page.locator(".cxkit-audit-evaluator input").fill("Ann")
    page.locator(".cxkit-field-wait_seconds input").fill("-3")
    page.locator(".cxkit-audit-submit").click()
    page.wait_for_function(
        "document.querySelector('.cxkit-field-error-wait_seconds').innerText.includes('below the minimum')")
    assert _n(page) == "0"
    page.locator(".cxkit-field-wait_seconds input").fill("45")
    page.locator(".cxkit-field-greeting select").select_option(label="yes")
    page.locator(".cxkit-field-line_kept select").select_option(label="yes")
    page.locator(".cxkit-field-answered_or_callback select").select_option(label="yes")
    page.locator(".cxkit-audit-submit").click()
    page.wait_for_function(
        "document.querySelector('.cxkit-audit-indicators .cxkit-audit-n').innerText === '1'")
    assert "saved" in page.locator(".cxkit-audit-form-status").inner_text()
    calls = voila.store().calls()
    assert len(calls) == 1 and calls["evaluator"].iloc[0] == "Ann"
    screenshot(page, "03_audit_scoring_form_en")


def test_imported_french_file_is_analysed(page, voila, tmp_path):
    """03: a ';' / decimal-comma / Windows-1252 file chosen in the page is analysed: n becomes 5"""
    import pandas as pd

    from cxkit import audit

    frame = pd.read_csv(audit.DATA / "sample_campaign.csv", dtype=str, keep_default_na=False).head(5)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%d/%m/%Y")
    frame["evaluator"] = "Hélène"
    frame.loc[0, "wait_seconds"] = "42,5"
    path = tmp_path / "campagne.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False).encode("cp1252"))
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    with page.expect_file_chooser() as chooser:  # the widget's file input is not in the page
        page.locator(".cxkit-audit-upload").click()
    chooser.value.set_files(str(path))
    page.locator(".cxkit-audit-analyse").click()
    page.wait_for_function(
        "document.querySelector('.cxkit-audit-indicators .cxkit-audit-n').innerText === '5'")
    page.wait_for_function(
        "document.querySelector('.cxkit-audit-source-status').innerText.includes('campagne.csv: 5 rows loaded')")


def test_scoring_page_in_french(page, voila):
    """03: with ?lang=fr the verdict, the sources and the form speak French"""
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="fr")
    _, kind, text = _sample_verdict("fr")
    page.locator(f".cxkit-verdict-{kind}").wait_for()  # drawn with the page's widgets
    assert page.locator(".cxkit-audit-verdict").inner_text().startswith(text.split(".")[0])
    assert page.get_by_role("button", name="Appels de l'atelier", exact=True).count() == 1
    assert page.locator(".cxkit-audit-submit").inner_text().strip() == "Enregistrer l'appel"
    screenshot(page, "03_audit_scoring_fr")


def _type_date(page, day: int, month: int, year: int) -> None:
    """Type a date into the form's date field key by key, in the order the browser's locale
    shows its parts (a browser cannot be given 31/02 any other way)."""
    field = page.locator(".cxkit-audit-date input")
    order = page.evaluate("""() => new Intl.DateTimeFormat().formatToParts(new Date(2025, 0, 31))
                                   .map(p => p.type).filter(t => ['day', 'month', 'year'].includes(t))""")
    parts = {"day": f"{day:02d}", "month": f"{month:02d}", "year": f"{year:04d}"}
    for _ in range(3):  # a busy machine may split "31" into two entries: type again until the field holds it
        field.focus()
        for part in order:
            for key in parts[part]:
                page.keyboard.press(key)
        if field.evaluate("e => e.validity.badInput"):
            break
    assert field.evaluate("e => e.validity.badInput"), "the browser did not keep the impossible date"
    page.keyboard.press("Tab")  # the widget reads a date it could not parse when the field loses focus


def test_form_marks_a_day_that_does_not_exist_and_a_future_date(page, voila):
    """03 form: 31/02 turns the date field red with its sentence (it is not saved as today);
    a date after today does too; nothing is stored"""
    before = len(voila.store().calls())
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    page.locator(".cxkit-audit-evaluator input").fill("Dana")
    page.locator(".cxkit-field-wait_seconds input").fill("45")
    _type_date(page, 31, 2, 2025)
    page.locator(".cxkit-audit-submit").click()
    page.wait_for_function(
        "document.querySelector('.cxkit-field-error-date').innerText.includes('does not exist')")
    expect(page.locator(".cxkit-audit-date.cxkit-invalid")).to_have_count(1)  # each widget's message in turn
    expect(page.locator(".cxkit-audit-form-status")).to_contain_text("'Date'")
    page.locator(".cxkit-audit-date input").fill("2099-01-01")
    page.locator(".cxkit-audit-submit").click()
    page.wait_for_function("document.querySelector('.cxkit-field-error-date').innerText.includes('after today')")
    expect(page.locator(".cxkit-audit-date.cxkit-invalid")).to_have_count(1)
    assert len(voila.store().calls()) == before
    screenshot(page, "03_audit_form_bad_date_en")


def test_trainer_removes_an_import_then_a_call_after_confirming(page, voila, tmp_path):
    """03 delete: an import added to the workshop calls is removed after "Confirm" and the
    indicators drop by its calls; a call's removal is cancelled, then confirmed"""
    import pandas as pd

    from cxkit import audit

    frame = pd.read_csv(audit.DATA / "sample_campaign.csv", dtype=str, keep_default_na=False).head(5)
    frame["call_id"] = "DEL-" + frame["call_id"]
    path = tmp_path / "to_remove.csv"
    path.write_bytes(frame.to_csv(index=False).encode("utf-8"))
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    page.get_by_role("button", name="Workshop calls", exact=True).click()
    n = int(voila.store().calls()["ref_call"].isna().sum()) if len(voila.store().calls()) else 0
    page.wait_for_function(f"document.querySelector('.cxkit-audit-n').innerText === '{n}'")
    with page.expect_file_chooser() as chooser:
        page.locator(".cxkit-audit-upload").click()
    chooser.value.set_files(str(path))
    page.locator(".cxkit-audit-to-store").click()
    page.wait_for_function(f"document.querySelector('.cxkit-audit-n').innerText === '{n + 5}'")
    assert "as the import 'to_remove.csv · " in page.locator(".cxkit-audit-source-status").inner_text()

    page.get_by_text("Trainer: remove a call or an import", exact=True).click()
    page.wait_for_function("document.querySelector('.cxkit-manage-batches select').innerText.includes('to_remove')")
    page.locator(".cxkit-manage-remove-batch").click()
    question = page.locator(".cxkit-manage-question")
    question.wait_for()
    assert "Remove the import 'to_remove.csv" in question.inner_text() and "5 calls" in question.inner_text()
    screenshot(page, "03_audit_delete_confirm_en")
    page.locator(".cxkit-manage-confirm").click()
    page.wait_for_function(f"document.querySelector('.cxkit-audit-n').innerText === '{n}'")
    assert not voila.store().calls()["call_id"].str.startswith("DEL-").any()

    if n:  # then one call: Cancel keeps it, Confirm removes it
        page.locator(".cxkit-manage-remove-call").click()
        page.locator(".cxkit-manage-cancel").click()
        page.wait_for_function("document.querySelector('.cxkit-manage-status').innerText.includes('Nothing')")
        assert len(voila.store().calls()) >= n
        page.locator(".cxkit-manage-remove-call").click()
        page.locator(".cxkit-manage-confirm").click()
        page.wait_for_function(f"document.querySelector('.cxkit-audit-n').innerText === '{n - 1}'")
        assert "removed" in page.locator(".cxkit-manage-status").inner_text()
