"""Pages built before their participant arrives (issue 19: twenty pages of 03 at once):
the widgets each cell shows sit in slots; a page whose language or room data changed is
rebuilt in place, one whose room only got data it does not show is kept."""
from __future__ import annotations

import ipywidgets as widgets
import pytest
from IPython import get_ipython
from IPython.testing.globalipapp import start_ipython

import cxkit
from cxkit import i18n, store, workshop
from cxkit.panels import live, prerender


@pytest.fixture()
def shell(tmp_path, monkeypatch):
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "room.sqlite"))
    monkeypatch.delenv("CXKIT_LANG", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    ip = start_ipython() or get_ipython()
    ip.run_cell("import ipywidgets as widgets\nfrom cxkit import i18n, workshop", store_history=False)
    previous = i18n.get_language()
    i18n.set_language("fr")
    live._reset()
    yield ip
    page = prerender.current()
    if page is not None:
        page.close()
        prerender._PAGE = None
    live._reset()
    i18n.set_language(previous)


def _built(ip):
    """A page of two cells built ahead: a label in the page's language, and the answers the
    trainer opened (a read of the room's settings)."""
    page = prerender.begin(ip)
    ip.run_cell('widgets.HTML(i18n.t("pages.answer.show"))', store_history=False)
    ip.run_cell('widgets.HTML(", ".join(sorted(workshop.revealed())) or "-")', store_history=False)
    return page


def _shown(page) -> list[str]:
    return [slot.children[0].value for cell in page.cells for slot in cell.slots]


def test_each_widget_a_cell_shows_is_put_in_a_slot_of_its_own(shell):
    page = _built(shell)
    assert [len(cell.slots) for cell in page.cells] == [1, 1]
    assert _shown(page) == ["Voir la réponse", "-"]
    assert all(prerender.SLOT_CLASS in slot._dom_classes for cell in page.cells for slot in cell.slots)
    assert page.stale() is None


def test_a_read_of_the_room_that_changed_rebuilds_the_page_in_place(shell):
    page = _built(shell)
    slots = [slot for cell in page.cells for slot in cell.slots]
    old = slots[1].children[0]
    workshop.reveal("03.1")
    assert page.stale() == "setting('revealed',)"
    assert page.check(arrived=False) is False  # first sight: wait until the room stays put
    assert page.check(arrived=False) is True
    assert _shown(page) == ["Voir la réponse", "03.1"]
    assert [slot for cell in page.cells for slot in cell.slots] == slots  # the same slots, in the page
    assert old.comm is None  # the replaced widget is closed
    assert page.rebuilds == 1 and page.stale() is None


def test_a_write_the_page_does_not_show_keeps_it(shell):
    page = _built(shell)
    workshop.store().save_setting("decisions", {"years": 5})  # another page writes; the answers stay
    assert page.stale() is None
    assert page.check(arrived=True) is False and page.rebuilds == 0


def test_the_participants_language_rebuilds_the_page_at_once(shell, monkeypatch):
    page = _built(shell)
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert page.stale() == "language"
    assert page.check(arrived=True) is True
    assert _shown(page) == ["Show the answer", "-"] and page.language == "en"


def test_arrival_checks_while_waiting_then_for_the_participant_and_stops_wrapping(shell, monkeypatch):
    page = _built(shell)
    calls = []

    def wait(every, meanwhile):  # cxkit._wait_for_request: checks, then the request comes
        calls.append(every)
        meanwhile()
        monkeypatch.setenv("QUERY_STRING", "lang=en")
        monkeypatch.setenv("SCRIPT_NAME", "/voila/render/03_scoring_the_phone_audit.ipynb")

    assert live._POLLER.touching is False  # not counted as open while nobody has it
    assert prerender.arrive(wait) == "en"
    assert prerender.CHECK_S <= calls[0] < prerender.CHECK_S + 1
    assert _shown(page) == ["Show the answer", "-"]
    assert prerender.current() is None and live._POLLER.touching is True
    assert live._POLLER.notebook == "03_scoring_the_phone_audit"
    result = shell.run_cell('widgets.Label("after")', store_history=False)
    bundle = shell.display_formatter.format(result.result)[0]
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == result.result.model_id


def test_a_cell_that_fails_when_run_again_shows_the_short_message_in_its_slot(shell, monkeypatch):
    page = prerender.begin(shell)
    shell.run_cell('widgets.HTML(workshop.store().setting("label", "ok"))', store_history=False)
    monkeypatch.setattr(workshop, "store", lambda room=None: 1 / 0)
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    page.rebuild()
    shown = page.cells[0].slots[0].children[0]
    assert i18n.t("error.unexpected", lang="en") in shown.value and "cxkit-error" in shown.value


def test_reads_of_the_store_are_observed_until_stopped(tmp_path):
    room = store.Store(tmp_path / "s.sqlite")
    room.save_setting("grid", {"a": 1})
    seen = []
    stop = store.observe_reads(lambda *read: seen.append(read[1:]))
    room.setting("grid")
    room.setting("missing", 7)
    room.calls()
    stop()
    room.setting("grid")
    assert [(m, a, r) for m, a, _, r in seen[:2]] == [("setting", ("grid",), {"a": 1}), ("setting", ("missing", 7), 7)]
    assert seen[2][0] == "calls" and seen[2][3].columns.tolist() == ["call_id"] and len(seen) == 3


def test_only_a_notebook_with_a_ready_cell_is_built_ahead(tmp_path, monkeypatch):
    import nbformat

    monkeypatch.chdir(tmp_path)
    for name, last in (("ahead.ipynb", "cx.ready()"), ("waits.ipynb", "cx.panels.losses.dashboard()")):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import cxkit as cx\ncx.setup()"),
                                                       nbformat.v4.new_code_cell(last)]), name)
    assert cxkit.builds_ahead("ahead.ipynb") is True
    assert cxkit.builds_ahead("waits.ipynb") is False
    assert cxkit.builds_ahead("missing.ipynb") is False and cxkit.builds_ahead(None) is False


def test_ready_does_nothing_outside_a_page_built_ahead(shell):
    result = shell.run_cell("import cxkit as cx\ncx.ready()", store_history=False)
    assert result.success and result.result is None


def test_the_audit_page_is_built_ahead_and_its_ready_cell_never_times_out(monkeypatch):
    from pathlib import Path

    from traitlets.config.loader import PyFileConfigLoader

    root = Path(__file__).resolve().parent.parent
    assert cxkit.builds_ahead(root / "notebooks" / "03_scoring_the_phone_audit.ipynb")
    monkeypatch.setenv("CXKIT_CHART_ENGINE", "off")
    timeout = PyFileConfigLoader("voila.py", path=str(root)).load_config().VoilaExecutor.timeout_func
    assert timeout({"source": "cx.ready()\n"}) is None
    assert timeout({"source": "import cxkit as cx\ncx.setup()"}) is None
    assert timeout({"source": "campaign.form_panel()"}) == 120
