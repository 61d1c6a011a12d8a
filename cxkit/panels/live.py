"""Live pages: panels that redraw themselves when the room's store changes.

One cheap poll per kernel: an asyncio task in the kernel's own running event loop wakes
every :data:`POLL_S` seconds, reads the room's data version
(:meth:`cxkit.store.Store.data_version`, one small query) and, only when it changed,
calls every subscribed callback. Every :data:`TOUCH_S` seconds it also records that the
page is open (:meth:`cxkit.store.Store.touch`), so the trainer's console can count the
pages open in the room. No thread, no busy loop: between two polls the kernel sleeps.

A store that cannot be read (locked, moved, damaged) is logged and polled again later;
a callback that fails is logged and the others still run: nothing reaches the page as a
traceback. Outside a running event loop (a script, a unit test) :func:`subscribe` calls
the callback once and :func:`poll_once` does one poll by hand.

Usage in a panel::

    from . import live
    live.subscribe(redraw)      # redraw() now, then whenever the room's data changes
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Callable

from .. import workshop

#: Seconds between two reads of the room's data version.
POLL_S = 2.0
#: Seconds between two "this page is open" records.
TOUCH_S = 10.0
#: After this many failed polls in a row, poll :data:`SLOW_POLL_S` apart until it works again.
SLOW_AFTER = 5
SLOW_POLL_S = 10.0

log = logging.getLogger("cxkit.live")


def page_notebook() -> str:
    """The notebook this kernel shows, from the request Voilà handed it (else "")."""
    path = os.environ.get("PATH_INFO") or os.environ.get("SCRIPT_NAME") or ""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name[:-6] if name.endswith(".ipynb") else name


class _Poller:
    """The kernel's one poll (see the module docstring)."""

    def __init__(self):
        self.callbacks: list[Callable[[], object]] = []
        self.version: int | None = None
        self.task: asyncio.Task | None = None
        self.page_id = uuid.uuid4().hex
        self.notebook = page_notebook()
        self.touching = True
        self.last_touch: float | None = None
        self.failures = 0
        self._store = None  # (CXKIT_DB, store): built once, it follows the room currently open

    def store(self):
        """The workshop's store, kept between polls (built again when ``CXKIT_DB`` changes
        or after a failure): a ``Store`` without a room reads the room open at each call."""
        where = os.environ.get("CXKIT_DB", "")
        if self._store is None or self._store[0] != where:
            self._store = (where, workshop.store())
        return self._store[1]

    # one poll ---------------------------------------------------------------------------
    def read_version(self, touch: bool = False) -> int | None:
        """The room's data version (None when the store cannot be read); records the page
        as open when ``touch`` and it is due."""
        try:
            store = self.store()
            now = time.monotonic()
            if touch and self.touching and (self.last_touch is None or now - self.last_touch >= TOUCH_S):
                self.last_touch = now
                toucher = getattr(store, "touch", None)
                if toucher is not None:
                    toucher(self.page_id, self.notebook)
            version = workshop.data_version(store)
        except Exception:
            self._store = None
            self.failures += 1
            if self.failures == 1 or self.failures % 50 == 0:
                log.warning("live pages: could not read the store (%d failed polls)", self.failures, exc_info=True)
            return None
        self.failures = 0
        return version

    def poll(self) -> bool:
        """One poll: True when the version changed and the callbacks were called."""
        version = self.read_version(touch=True)
        if version is None or version == self.version:
            return False
        self.version = version
        for callback in list(self.callbacks):
            _call(callback)
        return True

    # the task -----------------------------------------------------------------------------
    async def run(self) -> None:
        while self.callbacks or self.touching:
            await asyncio.sleep(SLOW_POLL_S if self.failures >= SLOW_AFTER else POLL_S)
            try:
                self.poll()
            except Exception:  # never let the task die: the page would stop being live
                log.exception("live pages: poll failed")

    def ensure_running(self) -> bool:
        """Start the poll in the running event loop if it is not running; False without a loop."""
        if self.task is not None and not self.task.done():
            return True
        loop = _running_loop()
        if loop is None:
            return False
        self.task = loop.create_task(self.run())
        return True


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's running event loop (a cell runs inside it), or None (a script, a test)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return None
        return loop if loop.is_running() else None


def _call(callback: Callable[[], object]) -> None:
    try:
        callback()
    except Exception:
        log.exception("live pages: a panel failed to redraw")


_POLLER = _Poller()


def subscribe(callback: Callable[[], object]) -> Callable[[], None]:
    """Call ``callback()`` now, then in the kernel's event loop whenever the room's data
    version changes (a call, an answer or a setting saved from any page). Returns a
    function that unsubscribes it."""
    poller = _POLLER
    if poller.version is None:
        poller.version = poller.read_version(touch=True)
    poller.callbacks.append(callback)
    _call(callback)
    poller.ensure_running()

    def unsubscribe() -> None:
        if callback in poller.callbacks:
            poller.callbacks.remove(callback)

    return unsubscribe


def start(notebook: str | None = None, *, touch: bool = True) -> bool:
    """Start this kernel's poll even without a subscriber, so the page counts as open
    (``touch``). The trainer's console passes ``touch=False``: it is not a participant.
    ``notebook`` names the page (default: the notebook Voilà serves). False without a
    running event loop."""
    if notebook is not None:
        _POLLER.notebook = str(notebook)
    _POLLER.touching = bool(touch)
    return _POLLER.ensure_running()


def hold() -> None:
    """This page is not open yet (it is built before its participant arrives,
    :mod:`cxkit.panels.prerender`): do not count it as open until :func:`start`."""
    _POLLER.touching = False


def unsubscribe_all() -> None:
    """Forget every subscriber: the page is being built again from its cells
    (:mod:`cxkit.panels.prerender`), whose new panels subscribe for themselves."""
    _POLLER.callbacks.clear()
    _POLLER.version = None


def every(seconds: float, callback: Callable[[], object]) -> asyncio.Task | None:
    """Call ``callback()`` every ``seconds`` in the kernel's event loop, for what changes
    without a write in the store (a clock, the pages open). Failures are logged, never
    shown. None without a running event loop."""
    loop = _running_loop()
    if loop is None:
        return None

    async def run() -> None:
        while True:
            await asyncio.sleep(seconds)
            _call(callback)

    return loop.create_task(run())


def poll_once() -> bool:
    """One poll by hand (tests, scripts): True when the callbacks were called."""
    return _POLLER.poll()


def page_id() -> str:
    """This kernel's page id, as recorded by :meth:`cxkit.store.Store.touch`."""
    return _POLLER.page_id


def _reset() -> None:
    """Forget every subscriber and stop the poll (tests)."""
    global _POLLER
    if _POLLER.task is not None:
        _POLLER.task.cancel()
    _POLLER = _Poller()
