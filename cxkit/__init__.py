"""cxkit: the models, charts and panels behind the customer-service workbook.

Notebooks start with::

    import cxkit as cx
    cx.setup()

Submodules (``cx.audit``, ``cx.queueing``, ``cx.losses`` …) are imported on first use,
so ``import cxkit`` stays light.
"""
from __future__ import annotations

import logging
import os
import re

from ._lazy import submodule_getattr
from .errors import DataError

__version__ = "0.1.0"
__all__ = ["DataError", "ready", "setup", "__version__"]



def setup(lang: str | None = None) -> None:
    """Prepare a notebook: offline SVG charts with the workbook's theme (from the first
    chart on: a notebook that shows only panels never loads altair), and the language
    (``lang`` if given, else resolved as :mod:`cxkit.i18n` explains).

    In a kernel Voilà starts ahead of time (``preheat_kernel``) it first does the slow
    start-up work, then either waits for the participant or, in a notebook whose last
    cell is ``cx.ready()``, lets the page be built before they arrive (:func:`ready`).

    Outside IPython the marker it displays is printed as a short text; notebooks call it
    once, in their import cell."""
    from . import charts, i18n, workshop  # noqa: F401 - workshop: the saved language is in the store

    charts.prepare()
    ahead = False
    if os.environ.get("VOILA_PREHEAT") == "True":
        notebook = os.environ.get(ENV_NOTEBOOK)
        _prepare_kernel(notebook)
        if builds_ahead(notebook):
            from .panels import prerender

            ahead = prerender.begin() is not None
        if not ahead:
            _wait_for_request()
    lang = i18n.set_language(lang) if lang else i18n.get_language()
    _show_language(lang)
    if ahead or os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        _friendly_errors()
        if not ahead:  # a page built ahead counts once its participant arrives (ready)
            from .panels import live

            live.start()  # the page counts as open in the trainer's console (one 2 s poll, cxkit.panels.live)


#: The last cell of a notebook whose page Voilà may build before its participant arrives.
READY_CELL = "cx.ready()"


def ready() -> None:
    """A notebook's last cell, in a page the whole room opens together (03). In the app, a
    kernel Voilà prepared ahead runs every cell of the page before anyone asks for it;
    this cell then waits for the participant and brings the page up to date for them:
    their language, the room's latest data (:mod:`cxkit.panels.prerender`). Anywhere else
    (JupyterLab, nbval, a page not built ahead) it does nothing."""
    import sys

    prerender = sys.modules.get(f"{__name__}.panels.prerender")
    if prerender is None or prerender.current() is None:
        return
    lang = prerender.arrive(lambda every, meanwhile: _wait_for_request(every=every, meanwhile=meanwhile))
    _show_language(lang)


def _show_language(lang: str) -> None:
    """An empty marker: the app's template reads the last one to show the narrative in this
    language when the address has no ?lang= (markdown cells tagged lang-en / lang-fr)."""
    from IPython.display import HTML, display

    display(HTML(f'<span class="cxkit-lang" data-cxkit-lang="{lang}"></span>'))


def builds_ahead(notebook: str | None) -> bool:
    """True when ``notebook`` (a file in the current folder) has a ``cx.ready()`` cell, so
    that a kernel prepared for it builds the page before its participant arrives."""
    if not notebook or not os.path.isfile(notebook):
        return False
    return any(source.strip() == READY_CELL for source in _code_cells(notebook))


def _code_cells(path) -> list[str]:
    """The sources of a notebook's code cells."""
    import json
    from pathlib import Path

    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def _prepare_kernel(notebook: str | None) -> None:
    """In a kernel Voilà starts ahead of time (``preheat_kernel``), do the slow start-up
    work before the participant arrives: libraries, a first drawing (which also opens the
    way to the app's chart engine), the notebook's own modules (:func:`warm_up`)."""
    import ipywidgets  # noqa: F401
    import pandas  # noqa: F401

    from .charts import engine

    engine.convert({"mark": "point", "data": {"values": [{"x": 0}]}, "encoding": {"x": {"field": "x"}}})
    warm_up(notebook)


#: The notebook a preheated kernel will run (set by ``voila.py`` for each pool), so that
#: it imports that notebook's modules before its participant arrives.
ENV_NOTEBOOK = "CXKIT_NOTEBOOK"
#: What a model imports only inside its functions (to keep kernels that never call them
#: light), imported ahead when the model is: the page would import it on its first figure.
LAZY_IMPORTS = {"cxkit.audit": ("scipy.stats",), "cxkit.losses": ("scipy.special",),
                "cxkit.queueing": ("scipy.special",)}
_USES = re.compile(r"\bcx\.((?:panels\.|charts\.)?[a-z_][a-z0-9_]*)")


def notebook_modules(path) -> list[str]:
    """The cxkit modules a notebook's code cells name (``cx.audit``, ``cx.panels.losses`` …),
    in the order they first appear; names that are not modules (``cx.setup``) are left out."""
    import importlib.util

    names = dict.fromkeys(name for source in _code_cells(path) for name in _USES.findall(source))
    found = []
    for name in names:
        try:
            if importlib.util.find_spec(f"{__name__}.{name}") is not None:
                found.append(f"{__name__}.{name}")
        except ModuleNotFoundError:  # cx.i18n.t: the parent is a module, the rest is not
            continue
    return found


def warm_up(notebook: str | None) -> list[str]:
    """Import what ``notebook`` (a file in the current folder, as Voilà starts its kernels)
    will need: its cxkit modules, and what the models it calls import lazily. Returns the
    modules imported; nothing when the notebook is not named or not found (the page then
    imports them itself)."""
    if not notebook or not os.path.isfile(notebook):
        return []
    import datetime
    import importlib

    from . import i18n

    for lang in i18n.LANGUAGES:  # babel reads a locale's data on its first number or date
        i18n.fmt_money(1234.5, 2, lang=lang), i18n.fmt_percent(0.5, 1, lang=lang)
        i18n.fmt_date(datetime.date(2026, 1, 1), lang=lang)
    modules = notebook_modules(notebook)
    for name in modules:
        importlib.import_module(name)
    for model, lazy in LAZY_IMPORTS.items():
        if model in modules:  # a model the page itself calls: one it only imports stays light
            for name in lazy:
                importlib.import_module(name)
                modules.append(name)
    return modules


def _wait_for_request(timeout: float = 5.0, every: float | None = None, meanwhile=None) -> None:
    """Wait until Voilà hands this preheated kernel to a request, then put the request's
    details (``QUERY_STRING`` …) in the environment. While it waits, ``meanwhile()`` is
    called every ``every`` seconds, in the kernel's own thread.

    Voilà 0.5's own ``voila.utils.wait_for_request`` does the same, but importing
    ``voila.utils`` loads the Jupyter server's libraries into the kernel (about 43 MB per
    participant); this asks the same address (``voila/query/<kernel id>``, built from the
    same environment variables) with the websockets client alone."""
    import asyncio
    import json
    import threading
    import warnings

    from websockets.asyncio.client import connect

    env = os.environ.get
    base = env("VOILA_WS_BASE_URL", env("VOILA_SERVER_URL", "/"))
    url = (f"{env('VOILA_WS_PROTOCOL', 'ws')}://{env('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env('VOILA_APP_PORT', '8866')}{base}voila/query/{env('VOILA_KERNEL_ID')}")
    answer: list[str] = []

    async def ask() -> None:
        async with connect(url, open_timeout=timeout) as websocket:
            answer.append(await websocket.recv())

    def run() -> None:  # in a thread: the kernel's own event loop is already running
        try:
            asyncio.run(ask())
        except (OSError, TimeoutError) as error:
            warnings.warn(f"Failed to connect to {url}: {error}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(every)
    while thread.is_alive():
        if meanwhile is not None:
            try:
                meanwhile()
            except Exception:  # a check that fails never keeps the participant out
                logging.getLogger("cxkit").exception("could not check the page while it waited")
        thread.join(every)
    if answer:
        os.environ.update(json.loads(answer[0]))


def _friendly_errors() -> None:
    """In the Voilà app, a failing cell shows one short sentence in the user's language
    (a ``DataError``'s own message) instead of a traceback; the traceback goes to the log."""
    import html
    import logging

    from IPython import get_ipython
    from IPython.display import HTML, display

    from .i18n import t

    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        logging.getLogger("cxkit").error("cell failed", exc_info=(etype, value, tb))
        text = str(value) if isinstance(value, DataError) else t("error.unexpected")
        display(HTML(f'<div class="cxkit-error" role="alert" style="color:#e76f51">{html.escape(text)}</div>'))

    shell.set_custom_exc((Exception,), handler)


__getattr__ = submodule_getattr(__name__, globals())
