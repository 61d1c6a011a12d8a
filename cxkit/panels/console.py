"""The trainer's console (``notebooks/trainer.ipynb``): runs the room during the workshop.

:func:`console_panel` gathers, on one page:

* **the room**: which room is open, the list of rooms with their dates and counts; open
  a new one or reopen an earlier one; export a room (its data as Excel and the workshop
  report as HTML) and archive it (:meth:`cxkit.store.Store.rooms`, ``open_room``,
  ``archive_room``);
* **the address participants type**, with a QR code drawn here as SVG (``segno``, no
  internet) and the machine's address on the room's network (:func:`lan_address`);
* **the run sheet with a clock**: which step the room should be in and the minutes left
  (:func:`run_sheet_position`, from :func:`cxkit.nav.schedule`);
* **live counts**: pages open, calls entered, self-assessments, action plans, which
  follow the room by themselves (:func:`cxkit.panels.live.subscribe`; the open pages are
  counted again every :data:`TICK_S` seconds, since a page that opens changes no data);
  the calls' count sits in an element of class ``cxkit-room-calls`` (browser tests);
* **the trainer's switches**: reveal an exercise's answer or a result to every page of
  the room (:func:`cxkit.workshop.reveal`), lock or reopen the entry forms
  (:func:`cxkit.workshop.lock_forms`).

The pure parts (:func:`lan_address`, :func:`join_address`, :func:`qr_svg`,
:func:`room_counts`, :func:`run_sheet_position`, :func:`reveal_keys`) carry no widget
and are tested on their own.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
import socket
import time
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from .. import nav, stories, workshop
from ..errors import DataError
from ..i18n import fmt_date, fmt_number, get_language, labels, t
from ..io import MAX_NAME_CHARS, clean_text, excel_bytes
from . import live
from .base import XLSX_MIME, Status, card, download_link, guarded, plain, styled

log = logging.getLogger("cxkit.console")

#: Seconds between two redraws of the clock and of the count of open pages.
TICK_S = 5.0
#: A page counts as open when it was seen in the last this many seconds (pages say so
#: every :data:`cxkit.panels.live.TOUCH_S` seconds).
PRESENT_WITHIN_S = 30
#: The notebooks' folder (answer keys are read from their code cells).
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: Results (not exercises' answers) the trainer can reveal, with their label key.
RESULTS = {"01.room": "console.result.01.room"}
_ANSWER_CALL = re.compile(r"""answer\(\s*["'](\d{2}\.\w+)["']""")
_ANSWER_LABEL = re.compile(r"^pages\.answer\.(\d{2}\.\d+)$")
_LOCAL_ONLY = ("127.0.0.1", "localhost", "::1", "")
HTML_MIME = "text/html"


# --- the address participants type -------------------------------------------------------

def lan_address() -> tuple[str, bool]:
    """This machine's address on the room's network and whether it is one (``False``:
    only this computer can reach it).

    First the address a route to the outside would use (a UDP socket "connected" to a
    documentation address: nothing is sent); else the address the host name resolves to;
    else ``127.0.0.1``."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1 (RFC 5737): a UDP connect sends nothing
            address = probe.getsockname()[0]
        if address and not address.startswith("127.") and address != "0.0.0.0":
            return address, True
    except OSError:
        pass
    try:
        address = socket.gethostbyname(socket.gethostname())
        if address and not address.startswith("127."):
            return address, True
    except OSError:
        pass
    return "127.0.0.1", False


def join_address(ip: str | None = None, port: int | str | None = None, token: str | None = None,
                 base: str | None = None) -> tuple[str, bool]:
    """The address participants type (the home notebook) and whether others can reach it.

    ``ip`` and ``port`` are the app's (default: what Voilà told this kernel,
    ``VOILA_APP_IP`` and ``VOILA_APP_PORT``); an app started on 127.0.0.1 serves this
    computer only, whatever the network (``False``). ``token`` is room mode's
    (``CXKIT_ROOM_TOKEN``), added to the address when set."""
    ip = os.environ.get("VOILA_APP_IP", "127.0.0.1") if ip is None else str(ip)
    port = os.environ.get("VOILA_APP_PORT", "8866") if port is None else port
    token = os.environ.get("CXKIT_ROOM_TOKEN", "") if token is None else token
    base = os.environ.get("VOILA_SERVER_URL", os.environ.get("VOILA_BASE_URL", "/")) if base is None else base
    if not base.startswith("/"):
        base = "/"
    base = base if base.endswith("/") else base + "/"
    if ip in _LOCAL_ONLY or ip.startswith("127."):
        host, reachable = "127.0.0.1", False
    elif ip in ("0.0.0.0", "::"):
        host, reachable = lan_address()
    else:
        host, reachable = ip, True
    query = f"?token={token}" if token else ""
    return f"http://{host}:{port}{base}voila/render/00_workshop.ipynb{query}", reachable


def qr_svg(text: str, scale: int = 4) -> str:
    """A QR code of ``text`` as an inline SVG element (drawn here by ``segno``: offline)."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=scale, dark="#264653", light="#ffffff")


def address_html(lang: str | None = None) -> str:
    """The address participants type, its QR code and, when only this computer can reach
    it, how to open the app to the room."""
    url, reachable = join_address()
    note = "" if reachable else (f"<p class='cxkit-console-local' style='color:#e76f51'>"
                                 f"{html.escape(t('console.address.local_only', lang))}</p>")
    return (f"<div class='cxkit-console-address' style='display:flex;gap:18px;align-items:center'>"
            f"<div class='cxkit-console-qr'>{qr_svg(url)}</div>"
            f"<div><p>{html.escape(t('console.address.type', lang))}</p>"
            f"<p style='font-size:1.5em'><code class='cxkit-console-url'>{html.escape(url)}</code></p>{note}</div></div>")


# --- the room's counts ---------------------------------------------------------------------

def _people(frame: pd.DataFrame) -> int:
    """How many people answered: distinct ``participant`` ids, each row without one counted once."""
    if frame is None or frame.empty:
        return 0
    if "participant" not in frame.columns:
        return int(len(frame))
    ids = frame["participant"]
    return int(ids.dropna().nunique() + ids.isna().sum())


def room_counts(store=None, within_seconds: float = PRESENT_WITHIN_S) -> dict:
    """The room's live counts: ``present`` (pages open in the last ``within_seconds``;
    None when the store cannot count them), ``calls`` (calls entered, second scorings
    included), ``self_assessments`` (participants who saved 01's self-assessment),
    ``action_plans`` (participants who saved an action plan)."""
    store = store or workshop.store()
    present = store.present(within_seconds) if hasattr(store, "present") else None
    return {"present": None if present is None else int(present),
            "calls": len(store.call_ids()),
            "self_assessments": _people(store.answers(stories.KIND)),
            "action_plans": _people(store.answers(workshop.ACTION_PLAN))}


def counts_html(counts: dict, lang: str | None = None) -> str:
    """The counts as four cards; the calls' number has the class ``cxkit-room-calls``."""
    def one(key: str, css: str) -> str:
        value = counts.get(key)
        shown = "—" if value is None else fmt_number(value, 0, lang)
        return (f"<div style='border:1px solid #ddd;border-radius:6px;padding:6px 14px;min-width:120px'>"
                f"<div class='{css}' style='font-size:2em;font-weight:bold;color:#264653'>{shown}</div>"
                f"<div>{html.escape(t(f'console.count.{key}', lang))}</div></div>")
    return ("<div class='cxkit-console-counts' style='display:flex;gap:10px;flex-wrap:wrap'>"
            + one("present", "cxkit-room-present") + one("calls", "cxkit-room-calls")
            + one("self_assessments", "cxkit-room-assessments") + one("action_plans", "cxkit-room-plans")
            + "</div>")


# --- the run sheet's clock -------------------------------------------------------------------

def run_sheet_position(elapsed_minutes: float, cut: str = "full") -> dict:
    """Where the room should be ``elapsed_minutes`` after the start, on the run sheet of
    ``cut`` (:func:`cxkit.nav.schedule`): ``index`` of the slot (None once the run sheet is
    over), ``slot``, ``left`` (minutes left in the slot), ``total_left`` (minutes left in
    the workshop, 0 when over) and ``over`` (minutes past the end, 0 before it)."""
    rows = _schedule(cut)
    end = rows[-1][2]
    for index, (slot, start, stop) in enumerate(rows):
        if elapsed_minutes < stop:
            return {"index": index, "slot": slot, "left": stop - max(elapsed_minutes, start),
                    "total_left": end - max(elapsed_minutes, 0.0), "over": 0.0}
    return {"index": None, "slot": None, "left": 0.0, "total_left": 0.0, "over": elapsed_minutes - end}


def _schedule(cut: str):
    """``(slot, start, end)`` rows of the run sheet (from :mod:`cxkit.nav`: its
    ``schedule`` when there is one, else the steps' minutes)."""
    if hasattr(nav, "schedule"):
        return nav.schedule(cut)
    rows, start = [], 0
    for step in nav.STEPS:
        rows.append((step, start, start + step.minutes))
        start += step.minutes
    return rows


def _slot_label(slot, lang: str | None) -> str:
    if hasattr(slot, "label"):
        return slot.label(lang)
    return slot.title(lang)


def clock_html(clock: dict | None, now: float | None = None, lang: str | None = None) -> str:
    """The run sheet with the current step marked and the minutes left (or how to start
    the clock)."""
    lang = lang or get_language()
    cut = (clock or {}).get("cut", "full")
    rows = _schedule(cut)
    position = None
    late = ""
    if clock:
        elapsed = ((time.time() if now is None else now) - float(clock["start"])) / 60
        position = run_sheet_position(elapsed, cut)
        if position["slot"] is None:
            head = t("console.clock.over", lang, minutes=fmt_number(position["over"], 0, lang))
        else:
            head = t("console.clock.now", lang, step=_slot_label(position["slot"], lang),
                     left=fmt_number(max(position["left"], 0), 0, lang),
                     total=fmt_number(max(position["total_left"], 0), 0, lang))
            skip = position["slot"].skip(lang, cut) if hasattr(position["slot"], "skip") else ""
            if skip:
                late = (f"<p class='cxkit-clock-skip'><i>{html.escape(t('console.clock.if_late', lang))}</i> "
                        f"{html.escape(skip)}</p>")
    else:
        head = t("console.clock.not_started", lang)
    lines = []
    for index, (slot, start, stop) in enumerate(rows):
        current = position is not None and position["index"] == index
        style = "background:#e9f5f3;font-weight:bold" if current else ""
        lines.append(f"<tr class='{'cxkit-clock-current' if current else ''}' style='{style}'>"
                     f"<td style='padding:2px 8px'>{_hm(start)}</td>"
                     f"<td style='padding:2px 8px'>{html.escape(_slot_label(slot, lang))}</td>"
                     f"<td style='padding:2px 8px;text-align:right'>{stop - start}&nbsp;min</td></tr>")
    return (f"<p class='cxkit-clock-now' style='font-size:1.2em'>{html.escape(head)}</p>{late}"
            f"<table class='cxkit-clock-sheet'>{''.join(lines)}</table>")


def _hm(minutes: int) -> str:
    return f"{int(minutes) // 60}:{int(minutes) % 60:02d}"


# --- what the trainer can reveal ---------------------------------------------------------------

def reveal_keys(notebooks: Path = NOTEBOOKS) -> list[str]:
    """Every key the trainer can reveal: the folded answers of the notebooks (their code
    cells' ``answer("NN.k")`` and the labels ``pages.answer.NN.k``) and the results in
    :data:`RESULTS`, sorted."""
    keys = set(RESULTS)
    for key in labels():
        match = _ANSWER_LABEL.match(key)
        if match:
            keys.add(match.group(1))
    for path in sorted(Path(notebooks).glob("[0-9][0-9]_*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") == "code":
                source = "".join(cell.get("source", []))
                keys.update(_ANSWER_CALL.findall(source))
    return sorted(keys)


def reveal_label(key: str, lang: str | None = None) -> str:
    """A key as the trainer reads it: "03 · exercise 1" or the result's name."""
    if key in RESULTS:
        return t(RESULTS[key], lang)
    number, _, exercise = key.partition(".")
    return t("console.reveal.exercise", lang, notebook=number, exercise=exercise)


# --- the rooms -----------------------------------------------------------------------------------

def _when(value, lang: str | None) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    try:
        stamp = (pd.Timestamp(dt.datetime.fromtimestamp(float(value))) if isinstance(value, (int, float))
                 else pd.Timestamp(value))
    except (TypeError, ValueError, OverflowError):
        return plain(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None) if hasattr(stamp, "tz_convert") else stamp
    return f"{fmt_date(stamp.date(), lang)} {stamp:%H:%M}"


def rooms_html(rooms: pd.DataFrame, lang: str | None = None) -> str:
    """The rooms as a table: name, created, last activity, calls, answers, archived, current."""
    if rooms is None or rooms.empty:
        return f"<p>{html.escape(t('console.rooms.none', lang))}</p>"
    heads = ["room", "created", "last_activity", "calls", "answers"]
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(t(f'console.rooms.{h}', lang))}</th>"
                   for h in heads)
    body = []
    for row in rooms.to_dict("records"):
        marks = []
        if row.get("current"):
            marks.append(t("console.rooms.is_current", lang))
        if row.get("archived"):
            marks.append(t("console.rooms.is_archived", lang))
        name = html.escape(plain(row.get("room", ""))) + (f" <i>({html.escape(', '.join(marks))})</i>" if marks else "")
        style = "font-weight:bold" if row.get("current") else ""
        body.append(f"<tr style='{style}'><td style='padding:2px 8px'>{name}</td>"
                    f"<td style='padding:2px 8px'>{_when(row.get('created'), lang)}</td>"
                    f"<td style='padding:2px 8px'>{_when(row.get('last_activity'), lang)}</td>"
                    f"<td style='padding:2px 8px;text-align:right'>{fmt_number(row.get('calls') or 0, 0, lang)}</td>"
                    f"<td style='padding:2px 8px;text-align:right'>{fmt_number(row.get('answers') or 0, 0, lang)}</td></tr>")
    return f"<table class='cxkit-console-rooms'><tr>{head}</tr>{''.join(body)}</table>"


def room_workbook(store, lang: str | None = None) -> bytes:
    """A room's data as an Excel workbook: its calls, self-assessments, action plans."""
    return excel_bytes({t("console.export.sheet_calls", lang): store.calls(),
                        t("console.export.sheet_assessments", lang): store.answers(stories.KIND),
                        t("console.export.sheet_plans", lang): store.answers(workshop.ACTION_PLAN)})


def room_report(store, lang: str | None = None) -> str:
    """A room's workshop report as one HTML page (:func:`cxkit.report.html_report`)."""
    from .. import report

    return report.html_report(report.build(store), lang)


def _room_name(text: str) -> str:
    name = clean_text(text or "", field=t("console.rooms.room"), max_length=MAX_NAME_CHARS, one_line=True).strip()
    if not name:
        raise DataError(t("console.rooms.name_needed"))
    return name


def _file_stem(room: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", room).strip("-")[:40] or "room"


# --- the panel -------------------------------------------------------------------------------------

def console_panel() -> widgets.VBox:
    """The trainer's console (see the module docstring). Its counts and switches follow
    the room by themselves; it does not count itself as a participant's page."""
    lang = get_language()
    live.start("trainer", touch=False)

    # the room
    current = styled(widgets.HTML(), "cxkit-console-room")
    rooms = styled(widgets.HTML(), "cxkit-console-rooms-box")
    name = styled(widgets.Text(placeholder=t("console.rooms.placeholder"), layout=widgets.Layout(width="280px")),
                  "cxkit-console-room-name")
    open_room = styled(widgets.Button(description=t("console.rooms.open"), button_style="primary",
                                      layout=widgets.Layout(width="auto")), "cxkit-console-open-room")
    chosen = styled(widgets.Dropdown(layout=widgets.Layout(width="280px")), "cxkit-console-room-choice")
    reopen = styled(widgets.Button(description=t("console.rooms.reopen"), layout=widgets.Layout(width="auto")),
                    "cxkit-console-reopen")
    export = styled(widgets.Button(description=t("console.export.prepare"), layout=widgets.Layout(width="auto")),
                    "cxkit-console-export")
    archive = styled(widgets.Button(description=t("console.rooms.archive"), layout=widgets.Layout(width="auto")),
                     "cxkit-console-archive")
    links = styled(widgets.HTML(), "cxkit-console-export-links")
    room_status = Status()

    # the address, the clock, the counts
    address = styled(widgets.HTML(address_html(lang)), "cxkit-console-address-box")
    cut = styled(widgets.ToggleButtons(options=[(t("console.clock.full"), "full"), (t("console.clock.manager"), "manager")],
                                       value="full"), "cxkit-console-cut")
    start = styled(widgets.Button(description=t("console.clock.start"), icon="play", layout=widgets.Layout(width="auto")),
                   "cxkit-console-start")
    stop = styled(widgets.Button(description=t("console.clock.stop"), icon="stop", layout=widgets.Layout(width="auto")),
                  "cxkit-console-stop")
    sheet = styled(widgets.HTML(), "cxkit-console-clock")
    counts = styled(widgets.HTML(), "cxkit-console-counts-box")

    # the switches
    keys = reveal_keys()
    key = styled(widgets.Dropdown(options=[(reveal_label(k), k) for k in keys], layout=widgets.Layout(width="360px")),
                 "cxkit-console-reveal-key")
    show = styled(widgets.Button(description=t("console.reveal.show"), button_style="primary", icon="eye",
                                 layout=widgets.Layout(width="auto")), "cxkit-console-reveal")
    hide = styled(widgets.Button(description=t("console.reveal.hide"), icon="eye-slash",
                                 layout=widgets.Layout(width="auto")), "cxkit-console-hide")
    shown = styled(widgets.HTML(), "cxkit-console-revealed")
    lock = styled(widgets.ToggleButton(description=t("console.lock.open"), icon="unlock",
                                       layout=widgets.Layout(width="auto")), "cxkit-console-lock")
    switch_status = Status()
    state = {"room": None}

    def draw_rooms(store) -> None:
        room = getattr(store, "room", None)
        state["room"] = room
        current.value = (f"<p>{html.escape(t('console.rooms.current'))} "
                         f"<b class='cxkit-console-room-name-now'>{html.escape(plain(room or '—'))}</b></p>")
        if not hasattr(store, "rooms"):
            rooms.value = f"<p>{html.escape(t('console.rooms.unavailable'))}</p>"
            for widget in (name, open_room, chosen, reopen, archive):
                widget.disabled = True
            return
        table = store.rooms()
        rooms.value = rooms_html(table)
        names = [str(r) for r in table["room"]] if not table.empty else []
        options = names or [room or ""]
        keep = chosen.value if chosen.value in options else (room if room in options else options[0])
        chosen.options = options
        chosen.value = keep

    def draw_counts(store=None) -> None:
        counts.value = counts_html(room_counts(store))

    def draw_clock(store=None) -> None:
        clock = workshop.clock(store)
        if clock and clock.get("cut") in ("full", "manager") and cut.value != clock["cut"]:
            cut.value = clock["cut"]  # the cut the room's clock runs on
        sheet.value = clock_html(clock)

    def draw_switches(store) -> None:
        opened = sorted(workshop.revealed(store))
        shown.value = (f"<p>{html.escape(t('console.reveal.opened'))} "
                       + (html.escape(", ".join(reveal_label(k) for k in opened)) if opened
                          else html.escape(t("console.reveal.none"))) + "</p>")
        locked = workshop.forms_locked(store)
        if lock.value != locked:
            lock.value = locked
        lock.description = t("console.lock.locked" if locked else "console.lock.open")
        lock.icon = "lock" if locked else "unlock"
        lock.button_style = "warning" if locked else ""

    @guarded(room_status)
    def on_room_change():
        store = workshop.store()
        draw_rooms(store)
        draw_counts(store)
        draw_clock(store)
        draw_switches(store)

    @guarded(room_status)
    def on_open(_button):
        room = _room_name(name.value)
        store = workshop.store()
        store.open_room(room)
        name.value = ""
        links.value = ""
        room_status.ok(t("console.rooms.opened", room=plain(room)))
        on_room_change()

    @guarded(room_status)
    def on_reopen(_button):
        room = chosen.value
        if room:
            workshop.store().open_room(room)
            links.value = ""
            room_status.ok(t("console.rooms.opened", room=plain(room)))
            on_room_change()

    @guarded(room_status)
    def on_export(_button):
        room = chosen.value or state["room"]
        store = workshop.store(room) if room else workshop.store()
        stem = _file_stem(room or "room")
        book = room_workbook(store, lang)
        page = room_report(store, lang).encode("utf-8")
        links.value = (download_link(book, f"cxkit-{stem}.xlsx", t("console.export.excel"), XLSX_MIME) + " "
                       + download_link(page, f"cxkit-{stem}-report.html", t("console.export.report"), HTML_MIME))
        room_status.ok(t("console.export.ready", room=plain(room or "—")))

    @guarded(room_status)
    def on_archive(_button):
        room = chosen.value
        if not room:
            return
        workshop.store().archive_room(room)
        room_status.ok(t("console.rooms.archived", room=plain(room)))
        on_room_change()

    @guarded(room_status)
    def on_start(_button):
        workshop.start_clock(cut.value)
        draw_clock()

    @guarded(room_status)
    def on_stop(_button):
        workshop.stop_clock()
        draw_clock()

    @guarded(switch_status)
    def on_show(_button):
        if key.value:
            workshop.reveal(key.value, True)
            switch_status.ok(t("console.reveal.done_show", what=reveal_label(key.value)))
            draw_switches(workshop.store())

    @guarded(switch_status)
    def on_hide(_button):
        if key.value:
            workshop.reveal(key.value, False)
            switch_status.ok(t("console.reveal.done_hide", what=reveal_label(key.value)))
            draw_switches(workshop.store())

    @guarded(switch_status)
    def on_lock(change):
        if bool(change["new"]) != workshop.forms_locked():
            workshop.lock_forms(bool(change["new"]))
            switch_status.ok(t("console.lock.done_locked" if change["new"] else "console.lock.done_open"))
        draw_switches(workshop.store())

    open_room.on_click(on_open)
    reopen.on_click(on_reopen)
    export.on_click(on_export)
    archive.on_click(on_archive)
    start.on_click(on_start)
    stop.on_click(on_stop)
    show.on_click(on_show)
    hide.on_click(on_hide)
    lock.observe(on_lock, names="value")
    if not keys:
        key.options = [(t("console.reveal.no_keys"), None)]
        show.disabled = hide.disabled = True

    live.subscribe(on_room_change)
    live.every(TICK_S, lambda: (draw_counts(), draw_clock()))

    return widgets.VBox([
        card(t("console.card.room"), current, widgets.HBox([name, open_room]), rooms,
             widgets.HBox([chosen, reopen, export, archive]), links, room_status),
        card(t("console.card.address"), address),
        card(t("console.card.clock"), widgets.HBox([cut, start, stop]), sheet),
        card(t("console.card.counts"), counts),
        card(t("console.card.switches"), widgets.HBox([key, show, hide]), shown, widgets.HBox([lock]),
             switch_status),
    ])
