"""A failing cell in the app shows one short sentence in the user's language, no traceback."""
import time

import nbformat
import pytest

from conftest import VoilaServer, screenshot


def _app_of_one_notebook(tmp_path_factory, name: str, cells: list, env: dict | None = None):
    """A Voilà server (the repository's settings) serving one notebook made of ``cells``,
    which follow the setup cell every notebook starts with."""
    folder = tmp_path_factory.mktemp(name)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import cxkit as cx\ncx.setup()"), *cells]
    nbformat.write(nb, folder / f"{name}.ipynb")
    return VoilaServer(tmp_path_factory.mktemp(f"voila-{name}"), notebooks=folder, env=env)


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory):
    server = _app_of_one_notebook(tmp_path_factory, "broken", [
        nbformat.v4.new_code_cell("cx.io.read_table(b'', name='empty.csv')"),
        nbformat.v4.new_code_cell("1 / 0"),
        nbformat.v4.new_markdown_cell("still here")])
    yield server
    server.stop()


@pytest.mark.parametrize("lang, data_error, generic", [
    ("fr", "fichier empty.csv : le fichier est vide", "Un problème est survenu et rien n'a été modifié"),
    ("en", "file empty.csv: the file is empty", "Something went wrong and nothing was changed"),
])
def test_failing_cells_show_a_short_message(page, failing_app, lang, data_error, generic):
    """app: a DataError shows its message, a bug a generic sentence, both in the page's language"""
    page.goto(failing_app.base + f"/voila/render/broken.ipynb?lang={lang}")
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    page.wait_for_selector(".cxkit-error")
    messages = page.locator(".cxkit-error").all_inner_texts()
    assert messages[0].replace("\u00a0", " ") == data_error
    assert generic in messages[1]
    text = page.content()
    assert "Traceback" not in text and "ZeroDivisionError" not in text
    assert "still here" in page.inner_text("body")
    screenshot(page, f"errors_{lang}")


@pytest.fixture(scope="module")
def slow_app(tmp_path_factory):
    server = _app_of_one_notebook(tmp_path_factory, "slow", [
        nbformat.v4.new_code_cell("import time\ntime.sleep(30)"),
        nbformat.v4.new_markdown_cell("after the slow cell")], env={"CXKIT_CELL_TIMEOUT": "3"})
    yield server
    server.stop()


def test_a_runaway_cell_is_stopped_by_the_timeout(page, slow_app):
    """app: voila.py's cell timeout stops a cell that runs too long, with a short message"""
    start = time.monotonic()
    page.goto(slow_app.base + "/voila/render/slow.ipynb?lang=en")
    page.wait_for_selector("#rendered_cells", state="visible", timeout=60_000)
    assert time.monotonic() - start < 25
    text = page.inner_text("body")
    # Voilà interrupts the cell and shows its short bilingual instruction (voila.json)
    assert "This step could not be shown; please tell your trainer." in text
    assert "after the slow cell" in text
    assert "Traceback" not in page.content()
