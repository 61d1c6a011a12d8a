"""cxkit: the models, charts and panels behind the customer-service workbook.

Notebooks start with::

    import cxkit as cx
    cx.setup()

Submodules (``cx.audit``, ``cx.queueing``, ``cx.losses`` …) are imported on first use,
so ``import cxkit`` stays light.
"""
from __future__ import annotations

import os
import re

from ._lazy import submodule_getattr
from .errors import DataError

__version__ = "0.1.0"
__all__ = ["DataError", "setup", "__version__"]



def setup(lang: str | None = None) -> None:
    """Prepare a notebook: offline SVG charts with the workbook's theme (from the first
    chart on: a notebook that shows only panels never loads altair), and the language
    (``lang`` if given, else resolved as :mod:`cxkit.i18n` explains).

    Outside IPython the marker it displays is printed as a short text; notebooks call it
    once, in their import cell."""
    from IPython.display import HTML, display

    from . import charts, i18n, workshop  # noqa: F401 - workshop: the saved language is in the store

    charts.prepare()
    if os.environ.get("VOILA_PREHEAT") == "True":
        _wait_for_participant()
    lang = i18n.set_language(lang) if lang else i18n.get_language()
    # An empty marker: the app's template reads it to show the narrative in this language
    # when the address has no ?lang= (markdown cells tagged lang-en / lang-fr).
    display(HTML(f'<span class="cxkit-lang" data-cxkit-lang="{lang}"></span>'))
    if os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        _friendly_errors()
        from .panels import live

        live.start()  # the page counts as open in the trainer's console (one 2 s poll, cxkit.panels.live)


def _wait_for_participant() -> None:
    """In a kernel Voilà starts ahead of time (``preheat_kernel``), do the slow start-up
    work now (libraries, a first drawing, which also opens the way to the app's chart
    engine), then wait for the participant's request, whose ``?lang=`` then decides the
    language."""
    import ipywidgets  # noqa: F401
    import pandas  # noqa: F401

    from .charts import engine

    engine.convert({"mark": "point", "data": {"values": [{"x": 0}]}, "encoding": {"x": {"field": "x"}}})
    warm_up(os.environ.get(ENV_NOTEBOOK))
    _wait_for_request()


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
    import json
    from pathlib import Path

    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    names = dict.fromkeys(name for cell in cells if cell["cell_type"] == "code"
                          for name in _USES.findall("".join(cell["source"])))
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


def _wait_for_request(timeout: float = 5.0) -> None:
    """Wait until Voilà hands this preheated kernel to a request, then put the request's
    details (``QUERY_STRING`` …) in the environment.

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

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
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
