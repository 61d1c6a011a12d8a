"""Live pages (cxkit.panels.live) and the trainer's console's pure parts (cxkit.panels.console)."""
from __future__ import annotations

import asyncio
import logging

import pytest

from cxkit import nav, workshop
from cxkit.panels import console, live


@pytest.fixture
def room(tmp_path, monkeypatch):
    """An empty workshop store of its own, and a fresh poll for this kernel."""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "w" / "cxkit.sqlite"))
    live._reset()
    yield workshop.store()
    live._reset()


def _call(call_id: str) -> dict:
    return {"call_id": call_id, "date": "2026-11-23", "scenario": "s", "evaluator": "e"}


def test_subscribe_calls_once_then_only_on_change(room):
    """subscribe: the callback runs at once, then once per change of the room's data, not on an idle poll"""
    seen = []
    live.subscribe(lambda: seen.append(1))
    assert seen == [1]
    assert live.poll_once() is False and seen == [1]
    room.add_call(_call("A-1"))
    assert live.poll_once() is True and seen == [1, 1]
    assert live.poll_once() is False and seen == [1, 1]
    workshop.reveal("03.1")  # a setting is a change too
    assert live.poll_once() is True and seen == [1, 1, 1]


def test_touch_counts_the_page_without_changing_the_data(room):
    """poll: the page is recorded as open (Store.present) and that alone calls no callback"""
    if not hasattr(room, "present"):
        pytest.skip("this store does not count pages yet")
    seen = []
    live.subscribe(lambda: seen.append(1))
    assert room.present() == 1
    live._POLLER.last_touch = None  # a touch is due
    assert live.poll_once() is False and seen == [1]
    assert room.present() == 1


def test_a_failing_store_or_callback_is_logged_not_raised(room, monkeypatch, caplog):
    """poll: a store that raises is logged and polled again; a failing callback does not stop the others"""
    seen = []

    def broken():
        raise RuntimeError("boom")

    live.subscribe(broken)
    live.subscribe(lambda: seen.append(1))
    real = workshop.store
    monkeypatch.setattr(workshop, "store", lambda room=None: (_ for _ in ()).throw(OSError("locked")))
    live._POLLER._store = None  # the poll builds its store again, and fails
    with caplog.at_level(logging.WARNING, logger="cxkit.live"):
        assert live.poll_once() is False
    assert "could not read the store" in caplog.text
    monkeypatch.setattr(workshop, "store", real)
    room.add_call(_call("A-2"))
    with caplog.at_level(logging.ERROR, logger="cxkit.live"):
        assert live.poll_once() is True
    assert seen == [1, 1]
    assert "failed to redraw" in caplog.text


def test_unsubscribe(room):
    """subscribe returns a function that stops the calls"""
    seen = []
    stop = live.subscribe(lambda: seen.append(1))
    stop()
    room.add_call(_call("A-3"))
    live.poll_once()
    assert seen == [1]


def test_the_poll_runs_in_the_event_loop(room, monkeypatch):
    """subscribe in a running event loop: a write from elsewhere reaches the callback within a few polls"""
    monkeypatch.setattr(live, "POLL_S", 0.05)
    seen = []

    async def scenario():
        live.subscribe(lambda: seen.append(1))
        await asyncio.sleep(0.15)
        before = len(seen)
        workshop.store().add_call(_call("A-4"))
        for _ in range(40):
            await asyncio.sleep(0.05)
            if len(seen) > before:
                break
        live._POLLER.callbacks.clear()
        live._POLLER.touching = False
        return before

    before = asyncio.run(scenario())
    assert before == 1 and len(seen) == 2


# --- the console's pure parts ----------------------------------------------------------

def test_run_sheet_position_hand_computed():
    """run_sheet_position: minute 50 of the full run sheet is in its 4th slot, with the minutes left by hand"""
    rows = console._schedule("full")
    starts = [start for _, start, _ in rows]
    ends = [end for _, _, end in rows]
    index = next(i for i, end in enumerate(ends) if 50 < end)
    at = console.run_sheet_position(50, "full")
    assert at["index"] == index
    assert at["left"] == ends[index] - 50
    assert at["total_left"] == ends[-1] - 50
    assert console.run_sheet_position(starts[1], "full")["index"] == 1  # a slot starts at its start
    over = console.run_sheet_position(ends[-1] + 7, "full")
    assert over["slot"] is None and over["over"] == 7 and over["total_left"] == 0


def test_run_sheet_matches_nav():
    """the console's run sheet is nav's: the last slot ends at the workshop's length"""
    total = sum(getattr(s, "minutes", 0) for s in getattr(nav, "RUN_SHEET", nav.STEPS))
    assert console._schedule("full")[-1][2] == total


def test_address_on_localhost_says_so():
    """join_address: an app on 127.0.0.1 serves this computer only; the token is kept; 0.0.0.0 uses the LAN address"""
    url, reachable = console.join_address("127.0.0.1", 8866, "", "/")
    assert url == "http://127.0.0.1:8866/voila/render/00_workshop.ipynb" and reachable is False
    url, _ = console.join_address("10.1.2.3", 9000, "abc", "/")
    assert url == "http://10.1.2.3:9000/voila/render/00_workshop.ipynb?token=abc"
    host, is_lan = console.lan_address()
    url, reachable = console.join_address("0.0.0.0", 8866, "", "/")
    assert url.startswith(f"http://{host}:8866/") and reachable is is_lan


def test_qr_code_is_inline_svg():
    """qr_svg: an inline SVG element, drawn offline"""
    svg = console.qr_svg("http://192.168.1.20:8866/voila/render/00_workshop.ipynb")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and "http" not in svg.split(">", 1)[0]


def test_room_counts_and_their_hook(room):
    """room_counts: calls entered, self-assessments and action plans by participant; the calls' number has its CSS hook"""
    room.add_calls([_call("B-1"), _call("B-2")])
    room.add_answer("self_assessment", {"participant": "p1", "q1": 2})
    room.add_answer("self_assessment", {"participant": "p1", "q1": 3})  # saved again: one person
    room.add_answer("self_assessment", {"participant": "p2", "q1": 1})
    room.add_answer(workshop.ACTION_PLAN, {"participant": "p1", "what": "x"})
    counts = console.room_counts(room)
    assert {k: counts[k] for k in ("calls", "self_assessments", "action_plans")} == \
        {"calls": 2, "self_assessments": 2, "action_plans": 1}
    html = console.counts_html(counts, "en")
    assert "class='cxkit-room-calls'" in html and ">2</div>" in html


def test_reveal_keys_include_the_room_result():
    """reveal_keys: the results of the room and the notebooks' folded answers, as NN.k keys"""
    keys = console.reveal_keys()
    assert "01.room" in keys
    assert all(k.split(".")[0].isdigit() and len(k.split(".")[0]) == 2 for k in keys)
    assert console.reveal_label("03.1", "fr") == "03 · exercice 1"


def test_room_export_workbook_and_report(room):
    """room_workbook/room_report: a room's data as three sheets of Excel, and the workshop report as one HTML page"""
    import io

    import openpyxl

    from cxkit import audit

    grid = audit.load_grid()
    first = audit.records_for_store(audit.load_sample_campaign(grid), grid)[0]
    room.add_calls([first])
    book = openpyxl.load_workbook(io.BytesIO(console.room_workbook(room, "en")))
    assert book.sheetnames == ["Calls", "Self-assessments", "Action plans"]
    assert book["Calls"]["A2"].value == first["call_id"]
    page = console.room_report(room, "en")
    assert page.lstrip().lower().startswith("<!doctype html") and "</html>" in page


def test_clock_marks_the_current_step():
    """clock_html: 50 minutes in, the current slot is marked and the minutes left are said"""
    at = console.run_sheet_position(50, "full")
    page = console.clock_html({"start": 0.0, "cut": "full"}, now=50 * 60, lang="en")
    assert page.count("cxkit-clock-current") == 1
    assert f"{at['left']:.0f} min left in this step" in page
    assert "has not started" in console.clock_html(None, lang="en")


def test_console_panel_builds_with_its_hook(room):
    """console_panel: builds outside the app (no event loop) and shows the calls' count in .cxkit-room-calls"""
    room.add_calls([_call("D-1")])
    panel = console.console_panel()
    texts = []

    def walk(widget):
        if hasattr(widget, "value") and isinstance(widget.value, str):
            texts.append(widget.value)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(panel)
    assert any("class='cxkit-room-calls'" in text and ">1</div>" in text for text in texts)
