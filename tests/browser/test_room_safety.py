"""One participant must never break the room (issue 13): kernels come back when pages
close, charts survive a control character, room mode asks for the trainer's link, and
an upload over the file limit is stopped in the page.

Each test starts its own small Voilà server (``VoilaServer``, the repository's settings)
so that it can be run alone:
``CI=true .venv/bin/python -m pytest tests/browser/test_room_safety.py -q``.
"""
from __future__ import annotations

import time

import nbformat
import pytest

from conftest import VoilaServer, offline_context, screenshot

LIGHT = "light"
#: Charts whose labels hold BEL, ESC, NUL, U+FFFE and a 100,000-character name, drawn by a
#: ChartView (redrawn when the slider moves) and by cx.charts.show.
HOSTILE_CELL = """
import pandas as pd, ipywidgets as w
from cxkit.panels import ChartView
names = ["Eve\\x07", "Esc\\x1b", "Nul\\x00", "Non\\ufffe", "x" * 100_000]
def frame(k):
    return pd.DataFrame({"evaluator": names, "n": 10, "good_rate": 0.5 + k / 100, "low": 0.3, "high": 0.9})
view, slider = ChartView(), w.IntSlider(0, min=0, max=10, description="k")
slider.observe(lambda change: view.draw("audit.group_chart", frame(change["new"]), by="evaluator"), "value")
view.draw("audit.group_chart", frame(0), by="evaluator")
display(cx.charts.show("audit.group_chart", frame(5), by="evaluator", title="Title\\x07"))
w.VBox([slider, view])
"""


def _light_app(tmp_path_factory, env: dict | None = None, extra_args: list | None = None) -> VoilaServer:
    """A Voilà server of one light notebook: the setup cell and a slider."""
    folder = tmp_path_factory.mktemp("light-notebooks")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import cxkit as cx\ncx.setup()"),
                nbformat.v4.new_code_cell("import ipywidgets as w\nw.IntSlider(description='light')"),
                nbformat.v4.new_code_cell(
                    "up = w.FileUpload(description='file')\n"
                    "got = w.HTML('nothing yet')\n"
                    "got.add_class('got')\n"
                    "up.observe(lambda change: setattr(got, 'value', "
                    "f\"got {sum(len(f['content']) for f in up.value)} bytes\"), 'value')\n"
                    "w.VBox([up, got])")]
    nbformat.write(nb, folder / f"{LIGHT}.ipynb")
    nbformat.write(nb, folder / "other.ipynb")
    hostile = nbformat.v4.new_notebook()
    hostile.cells = [nbformat.v4.new_code_cell("import cxkit as cx\ncx.setup()"),
                     nbformat.v4.new_code_cell(HOSTILE_CELL)]
    nbformat.write(hostile, folder / "hostile.ipynb")
    return VoilaServer(tmp_path_factory.mktemp("voila-light"), notebooks=folder, env=env,
                       extra_args=extra_args)


def _processes(server: VoilaServer) -> tuple[int, float]:
    """(kernels alive, megabytes of the server, its kernels and its chart engine)."""
    import psutil

    root = psutil.Process(server.proc.pid)
    kernels, rss = 0, root.memory_info().rss
    for child in root.children(recursive=True):
        try:
            kernels += "ipykernel" in " ".join(child.cmdline())
            rss += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return kernels, rss / 2**20


def _open(context, server, slug=LIGHT, lang="en", count: int = 1):
    """Open ``count`` pages of ``slug`` at once; return them (one page if ``count`` is 1)."""
    pages = []
    for _ in range(count):
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{server.base}/voila/render/{slug}.ipynb?lang={lang}", wait_until="commit")
        pages.append(page)
    for page in pages:
        page.wait_for_selector(".widget-slider", state="visible")
    return pages[0] if count == 1 else pages


@pytest.fixture(scope="module")
def light_app(tmp_path_factory):
    server = _light_app(tmp_path_factory, env={"CXKIT_CULL_IDLE_TIMEOUT": "30", "CXKIT_CULL_INTERVAL": "5"})
    yield server
    server.stop()


def _settle(server, kernels: int, megabytes: float, tolerance: float, timeout: float = 75.0):
    deadline = time.monotonic() + timeout
    while True:
        now = _processes(server)
        if (now[0] <= kernels and now[1] <= megabytes + tolerance) or time.monotonic() > deadline:
            return now
        time.sleep(1.0)


def _steady(server, seconds: float = 3.0, tolerance: float = 10.0, timeout: float = 60.0):
    """(kernels, MB) once the memory has changed by less than ``tolerance`` MB over ``seconds``:
    the chart engine's workers start a few seconds after the server and load vl-convert."""
    deadline = time.monotonic() + timeout
    before = _processes(server)
    while True:
        time.sleep(seconds)
        now = _processes(server)
        if abs(now[1] - before[1]) < tolerance or time.monotonic() > deadline:
            return now
        before = now


def test_thirty_pages_opened_and_closed_give_their_kernels_back(browser, light_app):
    """30 pages of a light notebook opened (five at a time) and closed: 29 closed as a
    browser closes a tab (Voilà's close request, with its xsrf cookie), the first one
    dropped without it (a crashed browser: the idle culler takes it). The kernels go back to the
    starting number and the memory of the server and its kernels to within 150 MB of
    where it started."""
    outside: list[str] = []
    context = offline_context(browser, outside)
    _open(context, light_app).close(run_before_unload=True)  # a first page: the server is warm
    _settle(light_app, 0, 0, 10_000, timeout=20)
    start = _steady(light_app)  # the chart engine's workers, started after the server, have grown
    closed_25 = None
    for batch in range(6):
        pages = _open(context, light_app, count=5)
        for n, page in enumerate(pages):
            page.close(run_before_unload=not (batch == 0 and n == 0))
        if batch == 4:
            time.sleep(2)
            closed_25 = _processes(light_app)
    end = _settle(light_app, start[0], start[1], 150)
    context.close()
    print(f"\nkernels/MB at start {start}, 2 s after 25 closed {closed_25}, at the end {end}")
    assert not outside
    assert closed_25[0] <= start[0] + 1
    assert end[0] == start[0], f"{end[0] - start[0]} kernels were not given back"
    assert end[1] <= start[1] + 150, f"memory {end[1]:.0f} MB, {start[1]:.0f} MB at start"


# ---- item 1: a control character in the store; every chart still draws ----

def _engine_pid(server) -> int | None:
    import psutil

    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "cxkit.charts.engine" in " ".join(child.cmdline()):
                return child.pid
        except psutil.NoSuchProcess:
            pass
    return None


def test_control_characters_in_stored_calls_leave_every_chart_drawn(page, voila):
    """03: calls whose evaluator or scenario holds BEL, ESC, NUL or U+FFFE (written into the
    store as an older version let them in): every chart of the workshop calls draws, no
    chart shows the failure sentence, and the chart engine is still the same process"""
    import json
    import sqlite3

    import pandas as pd

    from cxkit import audit
    from conftest import open_notebook

    frame = pd.read_csv(audit.DATA / "sample_campaign.csv", dtype=str, keep_default_na=False).head(8)
    frame["call_id"] = [f"hostile-{n}" for n in range(len(frame))]
    records = [{k: v for k, v in row.items() if v != ""} for row in frame.to_dict("records")]
    voila.store().add_calls(records)
    hostile = ["Eve\x07", "Esc\x1b", "Nul\x00", "Non\ufffe", "x" * 20_000]
    with sqlite3.connect(voila.db) as con:
        room = voila.store().room  # the room every page uses; other tests' rooms stay out
        rows = con.execute("SELECT id, record FROM calls WHERE room = ?", (room,)).fetchall()
        for n, (row_id, record) in enumerate(rows):
            record = json.loads(record)
            record["evaluator"] = hostile[n % len(hostile)]
            if n == 1:
                record["scenario"] = record.get("scenario", "s") + "\x07"
            con.execute("UPDATE calls SET record = ? WHERE id = ?", (json.dumps(record), row_id))
        # the server (and its store) is shared by the session's browser tests: count every
        # first scoring it holds, these eight included
        calls = sum(1 for (record,) in con.execute("SELECT record FROM calls WHERE room = ?", (room,))
                    if not json.loads(record).get("ref_call"))
    engine = _engine_pid(voila)
    open_notebook(page, voila, "03_scoring_the_phone_audit", lang="en")
    page.get_by_role("button", name="Workshop calls", exact=True).click()
    page.wait_for_function(
        "n => document.querySelector('.cxkit-audit-indicators .cxkit-audit-n').innerText === n", arg=str(calls),
        timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    charts = page.locator(".cxkit-chart")
    drawn = page.locator(".cxkit-chart svg")
    assert page.locator(".cxkit-chart-failed").count() == 0
    # every chart that shows something shows a drawing (the calibration round's charts stay
    # blank until a round is revealed)
    undrawn = page.evaluate("() => [...document.querySelectorAll('.cxkit-chart')]"
                            ".filter(c => !c.querySelector('svg') && c.textContent.trim() !== '').length")
    assert drawn.count() >= 4 and charts.count() >= drawn.count() and undrawn == 0
    assert "Eve" in page.inner_text("body") or "Eve" in page.content()
    assert _engine_pid(voila) == engine is not None
    screenshot(page, "room_safety_control_characters")


def test_hostile_labels_draw_and_a_killed_engine_comes_back(browser, light_app):
    """charts whose labels hold control characters and a 100,000-character name are drawn
    (ChartView and cx.charts.show) and the engine survives them; then the engine is killed:
    the next chart the page asks for is drawn by a new engine, no page reloaded"""
    import os
    import signal

    outside: list[str] = []
    context = offline_context(browser, outside)
    page = context.new_page()
    page.set_default_timeout(120_000)
    engine = _engine_pid(light_app)
    page.goto(f"{light_app.base}/voila/render/hostile.ipynb?lang=en")
    page.wait_for_selector(".cxkit-chart svg", state="visible")
    assert page.locator(".cxkit-chart svg").filter(has_text="Eve").count() == 1
    assert page.locator("[data-mime-type='image/svg+xml'] img, [data-mime-type='image/svg+xml'] svg").count() == 1
    assert page.locator(".cxkit-chart-failed, .cxkit-error").count() == 0
    assert "\u2026" in page.locator(".cxkit-chart").inner_html()
    assert _engine_pid(light_app) == engine is not None
    before = page.locator(".cxkit-chart").inner_html()
    os.kill(engine, signal.SIGKILL)
    page.locator(".widget-slider .noUi-handle, .widget-slider input").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("b => document.querySelector('.cxkit-chart').innerHTML !== b", arg=before)
    assert page.locator(".cxkit-chart svg").count() == 1
    assert page.locator(".cxkit-chart-failed").count() == 0
    assert _engine_pid(light_app) not in (None, engine)
    page.close(run_before_unload=True)
    context.close()
    assert not outside


# ---- item 4: room mode with a token ----

TOKEN = "room-token-for-tests"


@pytest.fixture(scope="module")
def room_app(tmp_path_factory):
    server = _light_app(tmp_path_factory, env={"CXKIT_ROOM_TOKEN": TOKEN})
    yield server
    server.stop()


def test_without_the_token_a_participant_is_told_to_ask_the_trainer(room_app):
    """room mode: a page opened without the token answers 403 with a short page in French
    and English saying to ask the trainer for the link; no traceback, no login form"""
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{room_app.base}/voila/render/{LIGHT}.ipynb?lang=fr", timeout=30)
    assert refused.value.code == 403
    text = refused.value.read().decode("utf-8")
    assert "Demandez le lien à votre formateur" in text and "Ask your trainer for the link" in text
    assert "Traceback" not in text and "password" not in text.lower()
    with urllib.request.urlopen(f"{room_app.base}/voila/render/{LIGHT}.ipynb?token={TOKEN}", timeout=120) as ok:
        assert ok.status == 200


def test_with_the_token_links_between_notebooks_work(browser, room_app):
    """room mode: joined once with the token, the participant opens another notebook by its
    plain address (the cookie), and closing the tab still gives its kernel back"""
    base = _processes(room_app)[0]  # a kernel may remain from a page fetched without a browser
    outside: list[str] = []
    context = offline_context(browser, outside)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{room_app.base}/voila/render/{LIGHT}.ipynb?token={TOKEN}&lang=en")
    page.wait_for_selector(".widget-slider", state="visible")
    page.goto(f"{room_app.base}/voila/render/other.ipynb?lang=en")
    page.wait_for_selector(".widget-slider", state="visible")
    kernels = _settle(room_app, base + 1, 0, 10_000, timeout=30)[0]
    assert kernels == base + 1  # the first page's kernel went when the browser left it
    page.close(run_before_unload=True)
    assert _settle(room_app, base, 0, 10_000, timeout=30)[0] == base
    stranger = context.browser.new_context()
    other = stranger.new_page()
    other.goto(f"{room_app.base}/voila/render/other.ipynb?lang=en")
    assert "Ask your trainer for the link" in other.inner_text("body")
    screenshot(other, "room_safety_ask_the_trainer")
    stranger.close()
    context.close()
    assert not outside


# ---- item 7: uploads up to the file limit, "too large" and "reading…" in the page ----

def _file(tmp_path, name: str, megabytes: float):
    path = tmp_path / name
    with open(path, "wb") as f:
        f.truncate(int(megabytes * 2**20))
    return str(path)


def _choose(page, path: str):
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files(path)


@pytest.mark.parametrize("lang, too_large, reading", [
    ("en", "File too large (limit 50 MB): nothing was sent.", "Reading the file…"),
    ("fr", "Fichier trop volumineux (limite 50\u00a0Mo)\u00a0: rien n'a été envoyé.", "Lecture du fichier…"),
])
def test_an_upload_over_the_limit_is_stopped_in_the_page(browser, light_app, tmp_path, lang, too_large, reading):
    """uploads: a 20 MB file reaches the kernel (over tornado's 10 MB message default), with
    "reading…" shown while it travels; a 51 MB one is stopped in the page with the
    translated "too large" message and never sent"""
    outside: list[str] = []
    context = offline_context(browser, outside)
    page = _open(context, light_app, lang=lang)
    page.evaluate("""() => { window.cxkitSeen = [];
        new MutationObserver(() => document.querySelectorAll('.cxkit-upload-note').forEach(
            el => window.cxkitSeen.push(el.className + '|' + el.textContent)))
          .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    _choose(page, _file(tmp_path, "big.csv", 51))
    page.wait_for_selector(".cxkit-upload-too-large", state="visible")
    assert page.locator(".cxkit-upload-too-large").inner_text() == too_large
    page.wait_for_timeout(1500)
    assert page.locator(".got").inner_text() == "nothing yet"
    _choose(page, _file(tmp_path, "fine.csv", 20))
    page.wait_for_function("document.querySelector('.got').innerText.startsWith('got')", timeout=60_000)
    assert page.locator(".got").inner_text() == f"got {20 * 2**20} bytes"
    assert any(reading in seen for seen in page.evaluate("window.cxkitSeen"))
    page.close(run_before_unload=True)
    context.close()
    assert not outside
