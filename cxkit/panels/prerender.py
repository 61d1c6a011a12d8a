"""Pages built before their participant arrives.

Voilà keeps kernels ready for the pages a room opens together (``preheat_kernel`` and the
pools of ``voila.json``). When the notebook ends with a ``cx.ready()`` cell
(:func:`cxkit.ready`), such a kernel runs the whole notebook *before* anyone asks for
it, and Voilà keeps the page it produced. When a participant asks, that page is sent at
once, and the last cell, which was waiting for them, checks that what was built is what
they should see:

- their language (the address's ``?lang=``, else the one saved for the room);
- the room's data the panels read while they were built (the grid chosen in 02, the
  answers the trainer opened…): every read of the store is noted
  (:func:`cxkit.store.observe_reads`) and read again when the room's data version
  changed.

When one of them differs, the notebook's cells run again and each new panel takes the
place of the old one in the page: while the page was built ahead, every widget a cell
showed was put in a box of its own (a slot), whose content can be swapped. While it
waits, the kernel checks every ``CHECK_S`` seconds and rebuilds once the room's data
has stayed the same for one more check, so that a grid saved in 02 after the page was
built is followed before the room opens 03; the participant's arrival checks once more.
A live panel (:mod:`cxkit.panels.live`) follows the room by itself after that.

Only widgets can be swapped: an output that is not a widget (a chart shown as an image,
a table as HTML) stays as it was built (a rebuild says so in the log when a cell's result
is one). A page with
such outputs that depend on the language or the room should not end with ``cx.ready()``;
its setup cell then waits for the participant before anything is built, as before.
"""
from __future__ import annotations

import copy
import html
import logging
import random

import ipywidgets as widgets
import pandas as pd

from .. import i18n, store, workshop
from . import live

#: Seconds between two checks of a page that waits for its participant (a random part of
#: a second is added, so that twenty waiting kernels do not check, nor rebuild, together).
CHECK_S = 5.0
SLOT_CLASS = "cxkit-slot"

log = logging.getLogger("cxkit.prerender")
_PAGE: "Page | None" = None


class _Cell:
    """A code cell run while the page was built: its source and the slots of what it showed."""

    def __init__(self, source: str):
        self.source = source
        self.slots: list[widgets.VBox] = []
        self.other_outputs = 0


class Page:
    """The page this kernel builds ahead (see the module docstring).

    ``language`` and ``version`` (the room's data version) are those it was built with;
    ``reads`` holds every read of the store it made, with what it read."""

    def __init__(self, shell):
        self.shell = shell
        self.cells: list[_Cell] = []
        self.current: _Cell | None = None
        self.replaying = None  # the slots of the cell being run again
        self.reads: dict[str, tuple] = {}
        self.recording = True
        self.language = i18n.get_language()
        self.version = _version()
        self.pending = None  # the data version a first check found stale
        self.rebuilds = 0
        self._stop_reads = store.observe_reads(self._read)
        shell.events.register("pre_run_cell", self._pre_run_cell)
        shell.events.register("post_run_cell", self._post_run_cell)
        formatter = shell.display_formatter.mimebundle_formatter
        self._previous = formatter.for_type(widgets.Widget, self._format)

    # --- while it is built -------------------------------------------------------------
    def _pre_run_cell(self, info) -> None:
        if self.recording and self.replaying is None:
            self.current = _Cell(info.raw_cell)
            self.cells.append(self.current)

    def _post_run_cell(self, result) -> None:
        shown = result.result
        if self.current is not None and shown is not None and not isinstance(shown, widgets.Widget):
            self.current.other_outputs += 1
        if self.replaying is None:
            self.current = None

    def _format(self, widget: widgets.Widget) -> dict:
        """How a widget a cell shows is displayed: in a new slot while the page is built, in
        its old slot while a cell runs again."""
        if self.replaying is not None:
            slot = next(self.replaying, None)
            if slot is None:
                log.warning("a cell showed more widgets than when the page was built; the extra one is left out")
            else:
                slot.children = (widget,)
            return widget._repr_mimebundle_()
        if self.current is None:  # outside a cell (a live panel redrawing between two cells)
            return widget._repr_mimebundle_()
        slot = widgets.VBox([widget])
        slot.add_class(SLOT_CLASS)
        self.current.slots.append(slot)
        return slot._repr_mimebundle_()

    def _read(self, source, method, args, kwargs, result) -> None:
        if self.recording:
            key = repr((str(source.path), source._room, method, args, sorted(kwargs.items())))
            self.reads.setdefault(key, (source.path, source._room, method, args, kwargs, _copy(result)))

    # --- once it is built ----------------------------------------------------------------
    def stale(self, version: int | None = None) -> str | None:
        """Why the page no longer fits (``"language"`` or the read that changed), or None.
        ``version`` is the room's data version just read (read here when not given)."""
        if i18n.resolve_language() != self.language:
            return "language"
        version = _version() if version is None else version
        if version == self.version:
            return None
        for path, room, method, args, kwargs, seen in self.reads.values():
            try:
                now = getattr(store.Store(path, room=room), method)(*args, **kwargs)
            except Exception:  # an unreadable store: the live panels will say so; keep the page
                log.warning("could not read the store again to check the page", exc_info=True)
                return None
            if not _same(seen, now):
                return f"{method}{args}"
        self.version = version
        return None

    def check(self, arrived: bool) -> bool:
        """Rebuild the page if it no longer fits: at once when the participant ``arrived``,
        else when a second check finds the room's data unchanged since the first (so that a
        grid being edited in 02 is rebuilt once, when it is saved for good). True when it
        was rebuilt."""
        version = _version()
        reason = self.stale(version)
        if reason is None:
            self.pending = None
            return False
        if not arrived and reason != "language" and self.pending != version:
            self.pending = version
            return False
        log.info("the page built ahead is rebuilt (%s changed)", reason)
        self.rebuild(version)
        return True

    def rebuild(self, version: int | None = None) -> None:
        """Run the notebook's cells again, in the language now resolved, and put each new
        widget in its old slot; the replaced ones are closed. ``version`` is the room's
        data version read just before (read here when not given)."""
        from IPython.utils.capture import capture_output

        self.language = i18n.set_language(i18n.resolve_language())
        self.pending = None
        self.version = _version() if version is None else version
        self.reads.clear()
        live.unsubscribe_all()
        before = [slot.children for cell in self.cells for slot in cell.slots]
        self.recording = True
        try:
            with capture_output():  # the page keeps its outputs; only the slots change
                for cell in self.cells:
                    self._run_again(cell)
        finally:
            self.recording, self.replaying, self.current = False, None, None
        self.rebuilds += 1
        kept = _tree(slot for cell in self.cells for slot in cell.slots)
        for children in before:
            for widget in _tree(children).values():
                if id(widget) not in kept:
                    widget.close()
        if any(cell.other_outputs for cell in self.cells):
            log.warning("outputs that are not widgets were left as built")

    def _run_again(self, cell: _Cell) -> None:
        self.current, self.replaying = cell, iter(cell.slots)
        try:
            result = self.shell.run_cell(cell.source, store_history=False)
        finally:
            left = list(self.replaying)
            self.replaying = None
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            log.error("a cell failed when the page was built again", exc_info=error)
        for n, slot in enumerate(left):
            slot.children = ((widgets.HTML(f'<div class="cxkit-error" role="alert" style="color:#e76f51">'
                                           f'{html.escape(i18n.t("error.unexpected"))}</div>'),)
                             if error is not None and n == 0 else ())

    def close(self) -> None:
        """Stop noting reads and putting widgets in slots: the participant is here."""
        self.recording = False
        self._stop_reads()
        for event, callback in (("pre_run_cell", self._pre_run_cell), ("post_run_cell", self._post_run_cell)):
            try:
                self.shell.events.unregister(event, callback)
            except ValueError:
                pass
        formatter = self.shell.display_formatter.mimebundle_formatter
        formatter.pop(widgets.Widget, None)
        if self._previous is not None:
            formatter.for_type(widgets.Widget, self._previous)


def begin(shell=None) -> Page | None:
    """Build this page ahead (called by :func:`cxkit.setup` in a kernel Voilà prepared
    for a notebook that ends with ``cx.ready()``): from the next cell on, every widget a
    cell shows goes in a slot and every read of the store is noted. None outside IPython."""
    global _PAGE
    from IPython import get_ipython

    shell = shell or get_ipython()
    if shell is None:
        return None
    live.hold()  # a page nobody opened yet is not counted in the trainer's console
    _PAGE = Page(shell)
    return _PAGE


def current() -> Page | None:
    """The page this kernel is building ahead, or None (not built ahead, or already served)."""
    return _PAGE


def arrive(wait) -> str:
    """The page is built: wait for its participant, checking it every ``CHECK_S`` seconds
    meanwhile, then bring it up to date for them. ``wait(every, meanwhile)`` waits for the
    request (:func:`cxkit._wait_for_request`). Returns the page's language."""
    global _PAGE
    page = _PAGE
    if page is None:
        return i18n.get_language()
    if page.current in page.cells:  # this cell, cx.ready(), is not one to run again
        page.cells.remove(page.current)
    page.recording, page.current = False, None
    wait(CHECK_S + random.random(), lambda: page.check(arrived=False))
    page.check(arrived=True)
    page.close()
    _PAGE = None
    live.start(live.page_notebook())
    return page.language


# --- helpers ---------------------------------------------------------------------------------
def _version() -> int | None:
    try:
        return workshop.data_version()
    except Exception:
        log.warning("could not read the room's data version", exc_info=True)
        return None


def _copy(value):
    return value.copy() if isinstance(value, pd.DataFrame) else copy.deepcopy(value)


def _same(seen, now) -> bool:
    """True when two reads of the store gave the same data."""
    if isinstance(seen, pd.DataFrame) or isinstance(now, pd.DataFrame):
        return (isinstance(seen, pd.DataFrame) and isinstance(now, pd.DataFrame)
                and list(seen.columns) == list(now.columns) and seen.equals(now))
    try:
        return bool(seen == now)
    except Exception:
        return False


def _tree(roots) -> dict[int, widgets.Widget]:
    """Every widget reachable from ``roots`` (children, layouts, styles…), by id."""
    found: dict[int, widgets.Widget] = {}
    todo = list(roots)
    while todo:
        widget = todo.pop()
        if not isinstance(widget, widgets.Widget) or id(widget) in found:
            continue
        found[id(widget)] = widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            todo.extend(value if isinstance(value, (list, tuple)) else (value,))
    return found
