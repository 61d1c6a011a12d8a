"""Notebook 08 in Voilà: the report downloads, and the downloaded page opens offline with its charts."""
import io
from pathlib import Path

from conftest import assert_no_error, open_notebook, screenshot
from openpyxl import load_workbook

SLUG = "08_workshop_report"


def test_report_downloads_and_opens_offline(page, voila, tmp_path):
    """08: the HTML link downloads a page that renders its charts with no outside request"""
    open_notebook(page, voila, SLUG, lang="en")
    link = page.locator(".cxkit-report-html a.cxkit-download")
    assert link.get_attribute("href").startswith("data:text/html;base64,")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "cxkit-workshop-report.html"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "Customer service workshop — report" in text and "Report produced on" in text
    # the loss is quoted as a median with its 80 % band, and the plans are compared
    assert "we are 80% confident the yearly loss lies between" in text and "Net present value" in text
    screenshot(page, "08_report_en")
    # open the downloaded page: the page fixture records any request leaving 127.0.0.1
    page.set_content(text, wait_until="load")
    assert page.locator("svg").count() == 3
    assert page.locator("h2", has_text="Limits of the model").is_visible()
    assert page.locator("script").count() == 0
    # the data used is named: the workshop's calls if earlier tests stored some, else the sample
    stored = len(voila.store().calls())
    source = f"{stored} mystery calls entered during the workshop" if stored else "shipped sample campaign"
    assert page.get_by_text(source).first.is_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")  # prints to PDF as it is
    screenshot(page, "08_downloaded_report")


def test_excel_download_and_refresh_with_the_room(page, voila):
    """08: after a self-assessment is stored, Update counts it and the Excel link still opens as a workbook"""
    open_notebook(page, voila, SLUG, lang="fr")
    summary = page.locator(".cxkit-report-summary")
    assert "Personne n'a encore répondu" in summary.inner_text() or "participant" in summary.inner_text()
    voila.store().add_answer("self_assessment", {"reach_person": 1, "names": 1, "need_first": 1, "no_repeat": 1,
                                                 "wait_announced": 1, "next_step": 1, "participant": "browser-test"})
    page.locator(".cxkit-report-refresh").click()
    page.wait_for_selector(".cxkit-ok")
    assert "autoévaluation" in page.locator(".cxkit-ok").inner_text()
    assert "participant(s) ont répondu" in summary.inner_text()
    with page.expect_download() as info:
        page.locator(".cxkit-report-xlsx a.cxkit-download").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert "Hypothèses" in book.sheetnames and "Synthèse" in book.sheetnames
    assert_no_error(page)
