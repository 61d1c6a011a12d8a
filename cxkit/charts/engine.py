"""One chart engine for the whole workshop app.

Charts are drawn as SVG by vl-convert, whose JavaScript engine takes about 65 MB the first
time it draws, from specs that altair (about 45 MB more) builds. Done inside every
participant's kernel, that is over 100 MB per laptop in the room. The app (``voila.py``)
therefore starts one engine process next to the Voilà server (:func:`start`); kernels
inherit its address through the environment and send it either a Vega-Lite spec to draw
(:func:`convert`) or a builder's name and data to build and draw (:func:`build_svg`,
behind :func:`cxkit.charts.svg`). Outside the app (JupyterLab, nbval, scripts) no engine
runs and both draw in the process itself, with the same code and so byte-identical SVG.

The engine listens on a Unix socket in a private folder (mode 0700) and checks a random
key, known only to the server's own child processes, on every connection
(``multiprocessing.connection``): only the kernels of the same app can send it work, and
what they send (a spec as JSON, or a builder's data pickled) never crosses a user
boundary. The engine stops when the process that started it exits.

One participant must not break the room's charts:

- **Clean text.** Every string of a spec loses the characters XML forbids and other
  control characters before vl-convert sees it (one such character in a label made
  vl-convert panic and abort the whole process); data values are cut to
  ``LABEL_MAX`` characters and titles to ``TITLE_MAX``, with an ellipsis (a
  100,000-character label took 102 s to draw): :func:`clean_spec`, :func:`clean_text`.
- **Supervised.** :func:`start` also starts a watcher thread that starts a new engine,
  at the same address and with the same key, as soon as the engine exits, so the kernels
  reconnect by themselves. A kernel that finds the engine restarting waits for it (up to
  ``RESTART_WAIT_S``).
- **Bounded.** A request over ``MAX_REQUEST_BYTES`` is refused in the kernel. A drawing
  that runs over ``TIME_LIMIT_S`` makes the engine answer that kernel "too slow", ask
  the kernels waiting behind it to send again, and exit; the watcher starts a new one.
  vl-convert keeps Python's interpreter lock while it draws, so the watchdog thread
  cannot cut a drawing short: the limit is checked by the watchdog while Python runs
  (building a chart) and by the drawing itself as soon as it ends. A runaway drawing
  therefore holds the others up for its own length, never longer; labels are cut
  before drawing (``LABEL_MAX``) so that none takes long.
- **One sentence.** What cannot be drawn raises :class:`ChartError`, a ``DataError``
  whose message is one translated sentence (``ChartView`` shows it in place of the
  chart). When no engine can be reached at all, the kernel draws the chart itself and
  logs it once, so a chart never goes missing.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import re
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener

from ..errors import DataError
from ..io import CONTROL_RANGES, LINE_BREAKS

#: Environment variables through which kernels find the engine.
ENV_ADDRESS = "CXKIT_CHART_ENGINE"
ENV_KEY = "CXKIT_CHART_ENGINE_KEY"
#: How many engine processes draw side by side (``start(workers=…)``); worker ``i > 0``
#: listens at ``<address>.<i>``. Kernels spread their requests over them in turn.
ENV_WORKERS = "CXKIT_CHART_ENGINE_WORKERS"
FORMATS = ("svg", "png")
#: Seconds a kernel waits for the engine's answer before drawing the chart itself (a
#: room's worth of charts queued behind each other takes a few seconds at most).
ANSWER_TIMEOUT_S = 60.0
#: Seconds one drawing may take in the engine before it is stopped (drawings take well
#: under a second; the engine draws one at a time, so a runaway one blocks the room).
TIME_LIMIT_S = float(os.environ.get("CXKIT_CHART_TIME_LIMIT", "15"))
#: Largest request a kernel sends (a builder's data pickled, or a spec as JSON).
MAX_REQUEST_BYTES = 16 * 2**20
#: Seconds a kernel waits for an engine that is being restarted.
RESTART_WAIT_S = 30.0
#: Longest data value (a label) and title drawn; longer ones end with an ellipsis.
LABEL_MAX = 120
TITLE_MAX = 200
#: The file that tells kernels a watcher restarts the engine (next to its socket).
SUPERVISED = "supervised"

_log = logging.getLogger("cxkit.charts.engine")
_LANGUAGE = threading.Lock()
_process: subprocess.Popen | None = None
_watcher: threading.Thread | None = None
_stopping = threading.Event()
_warned = False
#: Characters removed from every string drawn: those the doors refuse
#: (:data:`cxkit.io.CONTROL_CHARS`: what XML 1.0 forbids, DEL and C1 controls, the
#: bidirectional overrides) and the other Unicode non-characters.
_ILLEGAL = re.compile(f"[{CONTROL_RANGES}\ufdd0-\ufdef"
                      + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17)) + "]")


class ChartError(DataError):
    """A chart that could not be drawn, said in one sentence in the user's language.

    ``reason`` is ``"failed"`` (the drawing failed or the engine stopped while drawing
    it), ``"too_large"`` (over ``MAX_REQUEST_BYTES``) or ``"too_slow"`` (over
    ``TIME_LIMIT_S``)."""

    def __init__(self, reason: str = "failed"):
        from ..i18n import t

        self.reason = reason
        super().__init__(t(f"server.chart_{reason}"))


def clean_text(text: str, limit: int | None = LABEL_MAX, *, one_line: bool = True) -> str:
    """``text`` without the characters XML forbids or other control characters, its tabs
    and line breaks made spaces (``one_line``), cut to ``limit`` characters ending with
    "…" (no cut when ``limit`` is None)."""
    if limit is not None and len(text) > limit:
        text = text[: limit * 2]  # enough to keep ``limit`` once a few characters go
    text = _ILLEGAL.sub("", text)
    if one_line:
        text = LINE_BREAKS.sub(" ", text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def clean_spec(spec, *, _in_data: bool = False, _key: str = ""):
    """A copy of a Vega-Lite ``spec`` safe to draw: every string (keys too) without
    illegal or control characters; data values (under ``datasets`` or ``data.values``)
    on one line and cut to ``LABEL_MAX``, titles cut to ``TITLE_MAX``."""
    if isinstance(spec, str):
        if _in_data:
            return clean_text(spec, LABEL_MAX)
        return clean_text(spec, TITLE_MAX if _key in ("title", "text", "subtitle") else None, one_line=False)
    if isinstance(spec, dict):
        return {(clean_text(k, None, one_line=False) if isinstance(k, str) else k):
                clean_spec(v, _in_data=_in_data or k in ("datasets", "values"), _key=k if isinstance(k, str) else "")
                for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [clean_spec(v, _in_data=_in_data, _key=_key) for v in spec]
    return spec


def convert(spec: dict, fmt: str = "svg", **options) -> str | bytes:
    """Draw a Vega-Lite ``spec`` as ``fmt`` ("svg" gives text, "png" bytes).

    ``options`` go to vl-convert (``vl_version``, ``scale`` …). Drawn by the app's engine
    when the environment names one, else in this process."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}; expected one of {FORMATS}")
    answer = _from_engine(b"J" + json.dumps({"format": fmt, "spec": spec, "options": options}).encode("utf-8"))
    if answer is None:
        return draw(spec, fmt, **options)
    return answer.decode("utf-8") if fmt == "svg" else answer


def draw(spec: dict, fmt: str = "svg", **options) -> str | bytes:
    """Draw in this process with vl-convert (imported here: it is heavy), after
    :func:`clean_spec`. In the engine, one drawing at a time (vl-convert draws one at a
    time anyway), timed for the watchdog."""
    import vl_convert as vlc

    spec = clean_spec(spec)
    with _DRAWING, _timed("drawing"):
        if fmt == "svg" and set(options) <= {"vl_version", "format_locale"} and isinstance(spec.get("datasets"), dict):
            return vlc.vega_to_svg(_compiled(spec, options.get("vl_version")),
                                   format_locale=options.get("format_locale"))
        if fmt == "svg":
            return vlc.vegalite_to_svg(spec, **options)
        return vlc.vegalite_to_png(spec, **options)


#: Compiled Vega specs by the shape of their Vega-Lite spec (its data left out): a
#: slider's move changes a chart's data, rarely its shape, so the compilation is reused.
_COMPILED: dict[str, str] = {}
COMPILED_MAX = 256


def _compiled(spec: dict, vl_version: str | None) -> dict:
    """The Vega spec that vl-convert compiles ``spec`` (a Vega-Lite spec whose data sits
    under ``datasets``, as altair writes it) to, from the cache when a spec of the same
    shape was compiled before: only the datasets' values are put in.

    A dataset's name is a hash of its values, so the names are replaced by their order
    (``cxkit-data-0`` …) in the shape; the Vega spec is the same as compiling ``spec``
    itself, up to those names, which do not show in the drawing (tests check the SVG is
    byte-identical)."""
    import vl_convert as vlc

    names = {name: f"cxkit-data-{i}" for i, name in enumerate(spec["datasets"])}
    values = {names[name]: rows for name, rows in spec["datasets"].items()}
    shape = _renamed({k: v for k, v in spec.items() if k != "datasets"}, names)
    shape["datasets"] = {new: [] for new in values}
    key = json.dumps([vl_version, shape], sort_keys=True, default=str)
    compiled = _COMPILED.get(key)
    if compiled is None:
        shape["datasets"] = values
        options = {"vl_version": vl_version} if vl_version else {}
        compiled = json.dumps(vlc.vegalite_to_vega(shape, **options))
        if len(_COMPILED) >= COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = compiled
    vega = json.loads(compiled)
    for entry in vega.get("data", []):
        if isinstance(entry, dict) and entry.get("name") in values and "values" in entry:
            entry["values"] = values[entry["name"]]
    return vega


def _renamed(spec, names: dict):
    """``spec`` with every string that is a key of ``names`` replaced by its value."""
    if isinstance(spec, str):
        return names.get(spec, spec)
    if isinstance(spec, dict):
        return {k: _renamed(v, names) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_renamed(v, names) for v in spec]
    return spec


def build_svg(builder: str, args: tuple, options: dict, lang: str) -> str:
    """The SVG of ``cxkit.charts.build(builder, *args, **options)`` drawn in language
    ``lang``: by the app's engine when the environment names one, else in this process."""
    answer = _from_engine(b"P" + pickle.dumps((builder, args, options, lang), protocol=pickle.HIGHEST_PROTOCOL))
    return _build_here(builder, args, options, lang) if answer is None else answer.decode("utf-8")


def _build_here(builder: str, args: tuple, options: dict, lang: str) -> str:
    from . import _vl_version

    spec = _spec_here(builder, args, options, lang)
    # the drawing needs only the language's number format: 0,25 and 20 % on French pages
    return draw(spec, "svg", vl_version=_vl_version(), **number_format(lang))


def _spec_here(builder: str, args: tuple, options: dict, lang: str) -> dict:
    """The Vega-Lite spec of ``build(builder, *args, **options)`` in language ``lang``."""
    from .. import i18n
    from . import build

    with _LANGUAGE, _timed("building"):  # the engine's threads share one language: one at a time
        previous = i18n.get_language()
        i18n.set_language(lang)
        try:
            return build(builder, *args, **options).to_dict(validate=False)
        finally:
            i18n.set_language(previous)


def build_vega(builder: str, args: tuple, options: dict, lang: str) -> str:
    """What a page needs to draw ``build(builder, *args, **options)`` itself: JSON text of
    ``{"spec": the compiled Vega spec, "locale": the language's d3 number format or
    null}``. The spec is compiled as :func:`draw` compiles it (labels cleaned, the
    compilation reused for a spec of the same shape); a browser then draws it with Vega in
    a few milliseconds, where vl-convert takes 40–150 ms. By the app's engine when the
    environment names one, else in this process."""
    answer = _from_engine(b"V" + pickle.dumps((builder, args, options, lang), protocol=pickle.HIGHEST_PROTOCOL))
    return _vega_here(builder, args, options, lang) if answer is None else answer.decode("utf-8")


def _vega_here(builder: str, args: tuple, options: dict, lang: str) -> str:
    import vl_convert as vlc

    from . import _vl_version

    spec = clean_spec(_spec_here(builder, args, options, lang))
    with _DRAWING, _timed("compiling"):
        if isinstance(spec.get("datasets"), dict):
            vega = _compiled(spec, _vl_version())
        else:
            vega = vlc.vegalite_to_vega(spec, vl_version=_vl_version())
        locale = vlc.get_format_locale(FORMAT_LOCALES[lang]) if lang in FORMAT_LOCALES else None
    return json.dumps({"spec": vega, "locale": locale}, ensure_ascii=False)


#: vl-convert's d3 number locales by page language (decimal comma, a narrow no-break space
#: before %, thousands grouped by a no-break space in French).
FORMAT_LOCALES = {"fr": "fr-FR"}


def number_format(lang: str) -> dict:
    """The drawing option that writes axis numbers as ``lang`` does (``{}`` for English)."""
    return {"format_locale": FORMAT_LOCALES[lang]} if lang in FORMAT_LOCALES else {}


class _Restarting(Exception):
    """The engine stopped (or was stopped) before answering: ask again once it is back."""


def _from_engine(request: bytes) -> bytes | None:
    """The engine's answer to ``request``; ``None`` when no engine runs, or when none can
    be reached (logged once): the caller then draws in this process.

    Raises :class:`ChartError` for a request over ``MAX_REQUEST_BYTES``, a drawing the
    engine stopped for taking over ``TIME_LIMIT_S``, or an engine that stopped twice
    while drawing it; ``ValueError`` for a spec or builder call that fails."""
    base = os.environ.get(ENV_ADDRESS)
    if not base or base == "off":
        return None
    if len(request) > MAX_REQUEST_BYTES:
        raise ChartError("too_large")
    address = _worker(base)
    crashes = 0
    deadline = time.monotonic() + RESTART_WAIT_S
    while True:
        try:
            connection = Client(address, family="AF_UNIX", authkey=_key())
        except (OSError, EOFError) as error:  # no engine listens: being restarted, or gone
            if address != base:  # a second worker that is not there: the first one draws
                address = base
                continue
            if _supervised(address) and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            _warn_once(f"chart engine at {address} unreachable ({error}); drawing in the kernel")
            return None
        except AuthenticationError as error:
            _warn_once(f"chart engine at {address} unreachable: it refused this kernel ({error}); drawing in the kernel")
            return None
        try:
            return _ask(connection, request)
        except TimeoutError as error:
            _warn_once(f"chart engine at {address} did not answer ({error}); drawing in the kernel")
            return None
        except (_Restarting, OSError, EOFError):
            address = base
            crashes += 1
            if crashes > 1 or not _supervised(address):
                raise ChartError("failed") from None
            deadline = time.monotonic() + RESTART_WAIT_S
            time.sleep(0.2)


_turn = __import__("itertools").count()


def _worker(base: str) -> str:
    """The address of the engine process to ask next: the workers in turn (a kernel's
    charts of one move are then drawn side by side), the first one when there is one."""
    try:
        workers = int(os.environ.get(ENV_WORKERS, "1"))
    except ValueError:
        workers = 1
    turn = next(_turn) % workers if workers > 1 else 0
    return base if turn == 0 else f"{base}.{turn}"


def _ask(connection, request: bytes) -> bytes:
    """Send one request on ``connection``; return the drawing, or raise the engine's
    error (``ValueError``), ``ChartError("too_slow")`` or ``_Restarting``."""
    with connection:
        connection.send_bytes(request)
        if not connection.poll(ANSWER_TIMEOUT_S):
            raise TimeoutError(f"no answer in {ANSWER_TIMEOUT_S:g} s")
        answer = connection.recv_bytes()
    status, payload = answer[:1], answer[1:]
    if status == b"E":
        raise ValueError(payload.decode("utf-8"))
    if status == b"T":
        raise ChartError("too_slow")
    if status == b"R":
        raise _Restarting()
    return payload


def _supervised(address: str) -> bool:
    """Whether a watcher restarts the engine at ``address`` (its marker file exists)."""
    return os.path.exists(os.path.join(os.path.dirname(address), SUPERVISED))


def _key() -> bytes:
    return os.environ.get(ENV_KEY, "").encode("ascii")


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _log.warning(message)
        _warned = True


# ---- the engine process ----

_DRAWING = threading.Lock()
#: For each step done one at a time ("building", "drawing"): when the one under way
#: started (time.monotonic()) and the connection that asked for it.
_busy: dict[str, tuple[float, object]] = {}
_current = threading.local()  # the connection this thread answers
_waiting: set = set()  # connections not answered yet
_waiting_lock = threading.Lock()


class _timed:
    """Record that ``step`` runs now, for this thread's connection (see :func:`_watchdog`)."""

    def __init__(self, step: str):
        self.step = step

    def __enter__(self):
        _busy[self.step] = (time.monotonic(), getattr(_current, "connection", None))

    def __exit__(self, *exc):
        since, connection = _busy.pop(self.step, (time.monotonic(), None))
        if time.monotonic() - since > TIME_LIMIT_S:  # the watchdog could not run meanwhile
            _stop_for([connection])


def _answer(connection) -> None:
    """Serve one client: one request (``J`` + JSON spec, ``P`` + pickled builder call, or
    ``V`` + the same call to compile for the page, :func:`build_vega`), one answer
    (``S``/``B`` + drawing, ``E`` + error; the watchdog may answer ``T`` or ``R`` instead)."""
    _current.connection = connection
    with _waiting_lock:
        _waiting.add(connection)
    try:
        try:
            message = connection.recv_bytes(MAX_REQUEST_BYTES + 1)
            digest = hashlib.sha256(message).digest()
            answer = _DRAWN.get(digest)
            if answer is None:
                if message[:1] == b"P":
                    result = _build_here(*pickle.loads(message[1:]))
                elif message[:1] == b"V":
                    result = _vega_here(*pickle.loads(message[1:]))
                else:
                    request = json.loads(message[1:].decode("utf-8"))
                    result = draw(request["spec"], request["format"], **request.get("options", {}))
                answer = b"S" + result.encode("utf-8") if isinstance(result, str) else b"B" + result
                _remember(digest, answer)
        except (EOFError, OSError):  # the kernel hung up, or sent more than allowed
            return
        except Exception as error:  # noqa: BLE001 - the client raises it as its own error
            answer = b"E" + f"{type(error).__name__}: {error}".encode("utf-8")
        with _waiting_lock:
            if connection not in _waiting:  # the watchdog answered already
                return
            _waiting.discard(connection)
            try:
                connection.send_bytes(answer)
            except OSError:  # the kernel went away meanwhile
                pass
    finally:
        with _waiting_lock:
            _waiting.discard(connection)
        connection.close()


#: Drawings already made, by their request (a builder's name, data, options and language,
#: or a spec): every participant's first page shows the same charts, and a slider moved
#: back shows one drawn before. At most ``DRAWN_MAX_BYTES`` of drawings, oldest out first.
_DRAWN: dict[bytes, bytes] = {}
DRAWN_MAX_BYTES = 32 * 2**20
_drawn_bytes = [0]
_drawn_lock = threading.Lock()


def _remember(digest: bytes, answer: bytes) -> None:
    with _drawn_lock:
        if digest in _DRAWN or len(answer) > DRAWN_MAX_BYTES // 8:
            return
        _DRAWN[digest] = answer
        _drawn_bytes[0] += len(answer)
        while _drawn_bytes[0] > DRAWN_MAX_BYTES and _DRAWN:
            _drawn_bytes[0] -= len(_DRAWN.pop(next(iter(_DRAWN))))


def _watchdog(limit: float) -> None:
    """Stop the engine when one building or drawing has run over ``limit`` seconds: the
    kernel that asked for it is told "too slow", the others waiting to ask again; then
    the process exits and the watcher starts a new engine."""
    while True:
        time.sleep(min(0.5, limit / 4))
        now = time.monotonic()
        late = [connection for since, connection in list(_busy.values()) if now - since > limit]
        if late:
            _stop_for(late)


def _stop_for(late: list) -> None:
    """Answer the kernels of the ``late`` connections "too slow" and every other waiting
    kernel "ask again", then exit (the server's watcher starts a new engine)."""
    with _waiting_lock:
        for connection in _waiting:
            try:
                connection.send_bytes(b"T" if connection in late else b"R")
            except OSError:
                pass
        _waiting.clear()
    _log.error("a chart took over %g s to draw: engine restarted", TIME_LIMIT_S)
    os._exit(3)


def serve(address: str, key: bytes, parent: int | None = None) -> None:
    """Run the engine on the Unix socket ``address`` until ``parent`` (a pid) exits."""
    from . import enable

    enable()  # altair, the theme and the JavaScript engine loaded before the first request
    draw({"mark": "point", "data": {"values": [{"x": 0}]}, "encoding": {"x": {"field": "x"}}})
    listener = Listener(address, family="AF_UNIX", authkey=key)
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    threading.Thread(target=_watchdog, args=(TIME_LIMIT_S,), daemon=True).start()
    while True:
        try:
            connection = listener.accept()
        except (OSError, EOFError, AuthenticationError):  # a wrong key, or a client that hung up
            continue
        threading.Thread(target=_answer, args=(connection,), daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


# ---- the server side: start, watch, stop ----

def start(timeout: float = 60.0, *, wait: bool = True, delay: float = 0.0, workers: int = 1) -> str:
    """Start the engine for this process and the kernels it will start, and a watcher
    thread that starts it again whenever it exits; return its address.

    ``wait=False`` returns at once, the address and key already in the environment: the
    watcher starts the engine ``delay`` seconds later (the app's server answers first),
    and a kernel that asks meanwhile waits for it as for a restart (``RESTART_WAIT_S``).
    ``workers > 1`` starts that many engine processes in all (each about 140 MB), which
    draw side by side; the others start after the first and are watched the same way.
    Idempotent: a second call returns the running engine's address."""
    global _process, _watcher
    if _watcher is not None and _watcher.is_alive():
        return os.environ[ENV_ADDRESS]
    folder = tempfile.mkdtemp(prefix="cxkit-charts-")  # mode 0700: only this user connects
    address = os.path.join(folder, "engine.sock")
    key = os.urandom(16).hex()
    _process = _spawn(address, key, timeout) if wait else None
    os.environ[ENV_ADDRESS] = address
    os.environ[ENV_KEY] = key
    if workers > 1:
        os.environ[ENV_WORKERS] = str(workers)
    else:
        os.environ.pop(ENV_WORKERS, None)
    open(os.path.join(folder, SUPERVISED), "w").close()
    _stopping.clear()
    if workers > 1:
        _WORKERS_WATCHER[0] = threading.Thread(target=_watch_workers, args=(address, key, timeout, workers, delay),
                                               name="cxkit-chart-workers-watcher", daemon=True)
        _WORKERS_WATCHER[0].start()
    _watcher = threading.Thread(target=_watch, args=(address, key, timeout, 0.0 if wait else delay),
                                name="cxkit-chart-engine-watcher", daemon=True)
    _watcher.start()
    atexit.register(stop)
    return address


def standalone(timeout: float = 60.0) -> tuple[subprocess.Popen, str, str]:
    """An engine for one run of a tool (nbval, the notebooks' re-execution), so that
    vl-convert starts once for every notebook rather than once in each: not supervised,
    and not put in this process's environment. Returns ``(process, address, key)``; the
    caller gives ``ENV_ADDRESS`` and ``ENV_KEY`` to the processes (kernels) that should
    use it, and terminates the process (it also ends with this one)."""
    folder = tempfile.mkdtemp(prefix="cxkit-charts-")
    address = os.path.join(folder, "engine.sock")
    key = os.urandom(16).hex()
    return _spawn(address, key, timeout), address, key


def _spawn(address: str, key: str, timeout: float) -> subprocess.Popen:
    """Start an engine process listening at ``address``; return once it listens."""
    try:
        os.unlink(address)  # the socket file of an engine that died
    except FileNotFoundError:
        pass
    env = dict(os.environ, **{ENV_KEY: key})
    env.pop(ENV_ADDRESS, None)
    command = "import sys; from cxkit.charts.engine import main; main(sys.argv[1:])"
    process = subprocess.Popen([sys.executable, "-c", command, address, str(os.getpid())],
                               env=env, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not os.path.exists(address):
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
            raise RuntimeError(f"the chart engine did not start (exit code {process.poll()})")
        time.sleep(0.05)
    return process


def _watch(address: str, key: str, timeout: float, delay: float = 0.0) -> None:
    """Start the engine (after ``delay`` seconds, when :func:`start` did not), then again
    each time it exits, until :func:`stop`. After five failed starts in a row the watcher
    gives up (kernels then draw their charts themselves)."""
    global _process
    failures = 0
    if _process is None and not _stopping.wait(delay):
        try:
            _process = _spawn(address, key, timeout)
        except (RuntimeError, OSError) as error:
            _log.error("chart engine could not be started (%s)", error)
            failures = 1
    while not _stopping.wait(0.25):
        process = _process
        if process is not None and process.poll() is None:
            continue
        if process is None and failures == 0:
            continue
        if _stopping.is_set():
            return
        _log.warning("chart engine exited (code %s); starting a new one", getattr(process, "returncode", None))
        try:
            _process = _spawn(address, key, timeout)
            failures = 0
        except (RuntimeError, OSError) as error:
            failures += 1
            _log.error("chart engine could not be restarted (%s)", error)
            if failures >= 5:
                _log.error("giving up on the chart engine: kernels draw their own charts")
                try:
                    os.unlink(os.path.join(os.path.dirname(address), SUPERVISED))
                except OSError:
                    pass
                return
            time.sleep(2.0 * failures)


_workers: dict[int, subprocess.Popen] = {}
_WORKERS_WATCHER: list = [None]


def _watch_workers(address: str, key: str, timeout: float, workers: int, delay: float) -> None:
    """Start workers 1 … ``workers - 1`` (after the first engine's start and ``delay``),
    then start again any that exits, until :func:`stop`; one that fails to start five
    times in a row is left out (kernels then ask the others)."""
    if _stopping.wait(delay + 1.0):
        return
    failures = {i: 0 for i in range(1, workers)}
    while not _stopping.is_set():
        for i in list(failures):
            process = _workers.get(i)
            if process is not None and process.poll() is None:
                continue
            if _stopping.is_set():
                return
            try:
                _workers[i] = _spawn(f"{address}.{i}", key, timeout)
                failures[i] = 0
            except (RuntimeError, OSError) as error:
                failures[i] += 1
                _log.error("chart engine worker %d could not be started (%s)", i, error)
                if failures[i] >= 5:
                    del failures[i]
        if not failures or _stopping.wait(0.25):
            return


def stop() -> None:
    """Stop the engine this process started, and its watcher (kernels then draw their
    charts themselves)."""
    global _process, _watcher
    _stopping.set()
    if _watcher is not None and _watcher is not threading.current_thread():
        _watcher.join(timeout=10)
    _watcher = None
    if _process is not None:
        _process.terminate()
        try:
            _process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _process.kill()
    helper, _WORKERS_WATCHER[0] = _WORKERS_WATCHER[0], None
    if helper is not None and helper is not threading.current_thread():
        helper.join(timeout=10)
    for process in list(_workers.values()):
        process.terminate()
    for process in list(_workers.values()):
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
    workers = [f"{os.environ.get(ENV_ADDRESS)}.{i}" for i in _workers]
    _workers.clear()
    address = os.environ.pop(ENV_ADDRESS, None)
    os.environ.pop(ENV_KEY, None)
    os.environ.pop(ENV_WORKERS, None)
    if address:
        folder = os.path.dirname(address)
        for path in (address, *workers, os.path.join(folder, SUPERVISED), folder):
            try:
                os.unlink(path) if path != folder else os.rmdir(path)
            except OSError:
                pass
    _process = None


def main(argv: list[str]) -> None:
    """The engine process: ``main([ADDRESS, PARENT_PID])``, the key in the environment."""
    try:
        serve(argv[0], _key(), int(argv[1]) if len(argv) > 1 else None)
    except KeyboardInterrupt:  # Ctrl-C in the terminal that runs `make app`
        pass
