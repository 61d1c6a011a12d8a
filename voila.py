"""Voilà settings that need Python; the rest is in voila.json (Voilà reads both from the
folder it is started in).

Cell timeout: a cell may run for at most ``CELL_TIMEOUT_S`` seconds (120, or
``CXKIT_CELL_TIMEOUT``), and its outputs may take as long to reach Voilà, except the import
cell ``cx.setup()`` and the last cell ``cx.ready()``. In a kernel that Voilà starts ahead
of time (``preheat_kernel``), one of them waits for the participant's request, which may
come hours later (``cx.ready()`` when the page is built before they arrive,
:mod:`cxkit.panels.prerender`); a timeout there would kill the waiting kernel and break
the page of whoever arrives next.

Chart engine: one process next to the server builds and draws every kernel's charts
(:mod:`cxkit.charts.engine`), so a participant's kernel loads neither altair nor
vl-convert's JavaScript engine (about 140 MB each); on two cores or more a second one
draws beside it (``CHART_WORKERS``), so that a slider's charts are drawn two at a time.
Kernels find them through the environment they inherit.
After a slider's move, the page draws the chart itself from the compiled Vega spec the
engine sends (``cxkit.panels.ChartView``; the Vega bundle ``notebooks/static/cxkit-vega.js``,
written by ``make install``, is served like the notebooks' files).
Set ``CXKIT_CHART_ENGINE=off`` to have every kernel draw its own charts. A watcher thread
starts the engine again if it exits (:func:`cxkit.charts.engine.start`).

Kernels that come back: Voilà's page asks the server to shut its kernel down when the
tab closes, a request that needs the ``_xsrf`` cookie, which Voilà's render pages never
set (so every close was refused with 403 and every kernel stayed). :class:`RoomIdentity`
sets that cookie on every page. Kernels whose page went without saying so (a browser
that crashed, a load aborted half-way) are culled once idle for ``CULL_IDLE_TIMEOUT_S``
with no page connected; the kernels Voilà keeps ready in advance (``preheat_kernel``)
are never culled (Voilà's kernel manager skips them).

Room mode: ``make app IP=0.0.0.0`` starts the server with a random token
(``CXKIT_ROOM_TOKEN``) and prints the join address (``python voila.py IP PORT``). A
participant who arrives without it sees a short page, in French and English, telling
them to ask the trainer for the link; one who came with it keeps a cookie, so the links
between notebooks work. On 127.0.0.1 there is no token.

Uploads: a file may be ``UPLOAD_LIMIT_MB`` (``cxkit.io.MAX_BYTES``, 50 MB), and the
websocket that carries it to the kernel takes messages of ``WEBSOCKET_MAX_BYTES`` (tornado's
default of 10 MB dropped the connection). The template stops a larger file in the page
and shows "reading…" while an accepted one travels; its labels come through the page's
configuration (:func:`page_config`, ``cxkit/locale/server.json``).
"""

import json
import os
import socket
import sys
import time
from pathlib import Path

from cxkit import ENV_NOTEBOOK, READY_CELL
from cxkit.charts import engine as chart_engine

HERE = Path(__file__).resolve().parent
CULL_IDLE_TIMEOUT_S = int(os.environ.get("CXKIT_CULL_IDLE_TIMEOUT", "900"))
CULL_INTERVAL_S = int(os.environ.get("CXKIT_CULL_INTERVAL", "60"))
UPLOAD_LIMIT_MB = 50  # cxkit.io.MAX_BYTES in MB (tests/test_setup.py checks they agree)
WEBSOCKET_MAX_BYTES = 64 * 2**20  # the file, plus the widget message around it


def _labels(*keys: str) -> dict:
    """``{lang: {key: text}}`` for ``keys`` of ``cxkit/locale/server.json``."""
    labels = json.loads((HERE / "cxkit" / "locale" / "server.json").read_text(encoding="utf-8"))
    return {lang: {key: labels[f"server.{key}"][lang] for key in keys} for lang in ("fr", "en")}


def page_config(page_config, **_):
    """Voilà's ``page_config_hook``: give the page the upload limit and its labels."""
    labels = _labels("upload_too_large", "upload_reading")
    for texts in labels.values():
        texts["upload_too_large"] = texts["upload_too_large"].replace("{limit}", str(UPLOAD_LIMIT_MB))
    page_config["cxkitUpload"] = {"limitBytes": UPLOAD_LIMIT_MB * 2**20, "labels": labels}
    return page_config


def lan_address() -> str | None:
    """This machine's address on its local network (the one a route to the outside would
    use; nothing is sent), or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: a UDP connect sends nothing
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def join_address(ip: str, port: int | str, token: str) -> str:
    """The address participants open: the home notebook, with the token."""
    host = lan_address() if ip in ("0.0.0.0", "", "::") else ip
    return f"http://{host or '<this-computer>'}:{port}/voila/render/00_workshop.ipynb?token={token}"


if __name__ == "__main__":  # `python voila.py IP PORT`: the banner `make app` prints
    address = join_address(sys.argv[1], sys.argv[2], os.environ.get("CXKIT_ROOM_TOKEN", ""))
    print(f"\n  cxkit workshop, room mode. Participants open:\n\n    {address}\n")
    if "<this-computer>" in address:
        print("  (replace <this-computer> by this computer's address on the room's network)")
    print("  Without the token, a page asks them to get the link from you. (Ctrl+C stops it)\n")
    sys.exit(0)

CELL_TIMEOUT_S = int(os.environ.get("CXKIT_CELL_TIMEOUT", "120"))  # the tests shorten it
#: Quick start. On a small machine (two cores or fewer) the chart engine starts
#: ``ENGINE_DELAY_S`` after the server, the preheated kernels of the first pool
#: ``STAGGER_S`` after it and each further pool ``POOL_STEP_S`` later, so that the server
#: answers its first page without them competing for the cores; a kernel that needs the
#: engine before it listens waits for it. ``CXKIT_START_STAGGER=0`` starts everything at once.
SMALL_MACHINE = (os.cpu_count() or 1) <= 2
STAGGER_S = float(os.environ.get("CXKIT_START_STAGGER", "4" if SMALL_MACHINE else "0"))
ENGINE_DELAY_S = STAGGER_S / 2
POOL_STEP_S = 3.0 if SMALL_MACHINE else 0.0
#: A kernel taken from a quiet pool is replaced this many seconds later, once the page is
#: served (a first render of 03 took 3.0 s with the replacement starting at once, 2.0 s
#: with it two seconds later, on two cores). See :func:`_pools`.
REFILL_DELAY_S = float(os.environ.get("CXKIT_REFILL_DELAY", "2"))
QUIET_S = 10.0
#: Room mode: ``make app IP=0.0.0.0 SEATS=20`` keeps a kernel of the audit page ready for
#: each participant (``CXKIT_SEATS``), since the whole room opens it together; the other
#: pools keep ``voila.json``'s sizes. Each waiting kernel holds about 130 MB and no CPU;
#: after a take, replacements start one every ``POOL_STEP_S`` seconds, not all at once.
SEATS = int(os.environ.get("CXKIT_SEATS", "0") or 0)
SEATS_NOTEBOOK = "03_scoring_the_phone_audit.ipynb"
#: Chart engine processes drawing side by side (about 140 MB each, for the whole room): a
#: slider's four charts are drawn two at a time on a machine of two cores or more.
CHART_WORKERS = int(os.environ.get("CXKIT_CHART_WORKERS", "2" if (os.cpu_count() or 1) >= 2 else "1"))


def _pools(first: float, step: float, refill: float) -> None:
    """Voilà's preheated pools, as the room needs them:

    - at start, the first pool fills ``first`` seconds after the server and each further
      one ``step`` seconds later (Voilà fills them all at once, as the server starts);
    - each kernel is told the notebook it will run (``CXKIT_NOTEBOOK``), so that it imports
      that notebook's modules before its participant arrives (:func:`cxkit.warm_up`);
    - when a participant takes a kernel while another one is still ready, its replacement
      starts ``QUIET_S`` seconds later and further ones queue behind it, one every
      ``step`` seconds, so that they do not compete for the cores with the pages being
      served (twenty pages of 03 from twenty ready kernels); when none is left ready, it
      starts ``refill`` seconds later if nobody took one of this notebook in the last
      ``QUIET_S`` seconds (the page is on its way first), else at once (more arrive than
      kernels were ready);
    - in room mode with ``SEATS``, the audit page's pool holds a kernel per seat."""
    app = sys.modules.get("voila.app")  # not imported by name: this file is voila.py
    if app is None:  # not read by a Voilà server
        return
    factory = app.voila_kernel_manager_factory

    def pools_factory(*args, **kwargs):
        manager = factory(*args, **kwargs)
        if not hasattr(manager, "fill_if_needed"):
            return manager

        class Pools(manager):
            _cxkit_pools = 0
            _cxkit_taken: dict = {}  # notebook → when a participant last took its kernel

            def fill_if_needed(self, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kw):
                if SEATS and notebook_name and os.path.basename(notebook_name) == SEATS_NOTEBOOK:
                    pool = self.kernel_pools_config.setdefault(notebook_name, {})
                    pool["pool_size"] = max(SEATS, pool.get("pool_size", 0))
                if delay == 0 and first > 0:  # the first fill, from the manager's constructor
                    delay = first + step * Pools._cxkit_pools
                    Pools._cxkit_pools += 1
                elif delay is None:  # a participant just took a kernel
                    tasks = self._pools.get(notebook_name, ())
                    ready = sum(task.done() for task in tasks)
                    now = time.monotonic()
                    quiet = now - Pools._cxkit_taken.get(notebook_name, -QUIET_S) >= QUIET_S
                    Pools._cxkit_taken[notebook_name] = now
                    if ready:  # no hurry: replacements queue up after the room is served
                        delay = QUIET_S + max(step, 1.0) * (len(tasks) - ready)
                    else:
                        delay = refill if quiet else 0
                env = dict(extra_kernel_env_variables or {})
                if notebook_name:
                    env[ENV_NOTEBOOK] = os.path.basename(notebook_name)
                return super().fill_if_needed(delay, notebook_name, extra_kernel_env_variables=env, **kw)

        return Pools

    app.voila_kernel_manager_factory = pools_factory


SETUP_CELL = "import cxkit as cx\ncx.setup()"


def cell_timeout(cell):
    """Seconds a cell may run: no limit for the cells that wait for the participant (the
    setup cell, ``cx.ready()``), ``CELL_TIMEOUT_S`` otherwise."""
    return None if cell.get("source", "").strip() in (SETUP_CELL, READY_CELL) else CELL_TIMEOUT_S


c = get_config()  # noqa: F821 - provided by traitlets when Voilà loads this file
c.VoilaExecutor.timeout = CELL_TIMEOUT_S
c.VoilaExecutor.timeout_func = cell_timeout
# Once a cell has run, wait as long for its outputs: nbclient's 4 s default dropped the
# form of notebook 03 when twenty participants opened it at once (the Voilà process read
# its ~280 messages up to 26 s late); voila.json makes a later arrival show the timeout
# sentence rather than an empty cell (raise_on_iopub_timeout).
c.VoilaExecutor.iopub_timeout = CELL_TIMEOUT_S

# ---- a quick start: the server answers first, the engine and the pools warm up after ----
if os.environ.pop("CXKIT_CHART_ENGINE", "") != "off":
    chart_engine.start(wait=False, delay=ENGINE_DELAY_S, workers=CHART_WORKERS)
_pools(STAGGER_S, POOL_STEP_S, REFILL_DELAY_S)

# ---- twenty kernels started at once ----
# Kernels talk to the server over Unix sockets in the server's runtime folder, not TCP
# ports: with TCP, a port picked free for one kernel was sometimes taken by another
# before it bound it ("Address already in use"), and that participant's kernel died
# (6 collisions and one dead kernel when twenty pages of 03 were asked for at once).
c.KernelManager.transport = "ipc"

# ---- kernels that come back ----
c.MappingKernelManager.cull_idle_timeout = CULL_IDLE_TIMEOUT_S
c.MappingKernelManager.cull_interval = CULL_INTERVAL_S
c.MappingKernelManager.cull_connected = False  # a page still open keeps its kernel
c.MappingKernelManager.cull_busy = False

# ---- uploads up to the file limit ----
c.Voila.tornado_settings = {"websocket_max_message_size": WEBSOCKET_MAX_BYTES}
c.VoilaConfiguration.page_config_hook = page_config

# ---- the close request's cookie, and room mode's token ----
from jupyter_server.auth.identity import PasswordIdentityProvider  # noqa: E402
from tornado.websocket import WebSocketHandler  # noqa: E402
from jupyter_server.auth.login import LoginFormHandler  # noqa: E402


class AskTheTrainer(LoginFormHandler):
    """The page a participant without the room's token sees: ask the trainer for the link
    (in French and English: their language is not known yet), status 403."""

    def _render(self, message=None):
        import html

        texts = _labels("token_title", "token_text")
        body = "".join(f'<section lang="{lang}"><h1>{html.escape(texts[lang]["token_title"])}</h1>'
                       f'<p>{html.escape(texts[lang]["token_text"])}</p></section>' for lang in ("fr", "en"))
        self.set_status(403)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                   '<meta name="viewport" content="width=device-width, initial-scale=1">'
                   f'<title>{html.escape(texts["fr"]["token_title"])}</title>'
                   '<style>body{font-family:sans-serif;max-width:40em;margin:4em auto;padding:0 1em;'
                   'line-height:1.5;color:#222}h1{font-size:1.4em;color:#264653}'
                   'section+section{border-top:1px solid #ddd;margin-top:2em}</style></head>'
                   f'<body class="cxkit-ask-trainer">{body}</body></html>')


class RoomIdentity(PasswordIdentityProvider):
    """Voilà's identity provider with two additions: every page a browser loads gets the
    ``_xsrf`` cookie (the close request of a tab needs it), and the login page is
    :class:`AskTheTrainer`."""

    def get_handlers(self):
        handlers = super().get_handlers()
        return [(path, AskTheTrainer if path == r"/login" else handler) for path, handler in handlers]

    async def _get_user(self, handler):
        user = await super()._get_user(handler)
        if (user is not None and handler.request.method == "GET"
                and not isinstance(handler, WebSocketHandler)):
            handler.current_user = user  # what tornado's xsrf_token reads (prepare sets it next)
            handler.xsrf_token  # noqa: B018 - sets the _xsrf cookie when the browser has none
        return user


c.Voila.identity_provider_class = RoomIdentity
_token = os.environ.pop("CXKIT_ROOM_TOKEN", "")
if _token:
    c.Voila.token = _token

