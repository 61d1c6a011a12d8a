"""Notebook 03 in Voilà: a call entered in the form shows in the indicators without reload."""
from conftest import open_notebook, screenshot


def _n(page) -> str:
    return page.locator(".cxkit-audit-indicators .cxkit-audit-n").inner_text()


def test_sample_campaign_shows_its_verdict(page, voila):
    """03: by default the sample campaign's 108 calls and a proven problem are shown"""
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    assert _n(page) == "108"
    assert "Problem proven" in page.locator(".cxkit-audit-verdict").inner_text()
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
    assert page.locator(".cxkit-audit-verdict").inner_text().startswith("Problème avéré")
    assert page.get_by_role("button", name="Appels de l'atelier", exact=True).count() == 1
    assert page.locator(".cxkit-audit-submit").inner_text().strip() == "Enregistrer l'appel"
    screenshot(page, "03_audit_scoring_fr")
