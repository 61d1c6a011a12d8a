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
boundary. The engine stops when the process that started it exits. If it cannot be
reached, the kernel draws the chart itself and logs it once, so a chart never goes missing.
"""
from __future__ import annotations

import atexit
import json
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

#: Environment variables through which kernels find the engine.
ENV_ADDRESS = "CXKIT_CHART_ENGINE"
ENV_KEY = "CXKIT_CHART_ENGINE_KEY"
FORMATS = ("svg", "png")
#: Seconds a kernel waits for the engine's answer before drawing the chart itself (a
#: room's worth of charts queued behind each other takes a few seconds at most).
ANSWER_TIMEOUT_S = 60.0

_log = logging.getLogger("cxkit.charts.engine")
_LANGUAGE = threading.Lock()
_process: subprocess.Popen | None = None
_warned = False


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
    """Draw in this process with vl-convert (imported here: it is heavy)."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, **options)
    return vlc.vegalite_to_png(spec, **options)


def build_svg(builder: str, args: tuple, options: dict, lang: str) -> str:
    """The SVG of ``cxkit.charts.build(builder, *args, **options)`` drawn in language
    ``lang``: by the app's engine when the environment names one, else in this process."""
    answer = _from_engine(b"P" + pickle.dumps((builder, args, options, lang), protocol=pickle.HIGHEST_PROTOCOL))
    return _build_here(builder, args, options, lang) if answer is None else answer.decode("utf-8")


def _build_here(builder: str, args: tuple, options: dict, lang: str) -> str:
    from .. import i18n
    from . import _vl_version, build

    with _LANGUAGE:  # the engine's threads share one current language: build one at a time
        previous = i18n.get_language()
        i18n.set_language(lang)
        try:
            spec = build(builder, *args, **options).to_dict(validate=False)
        finally:
            i18n.set_language(previous)
    return draw(spec, "svg", vl_version=_vl_version())  # the drawing needs no language


def _from_engine(request: bytes) -> bytes | None:
    """The engine's answer to ``request``; ``None`` when no engine runs, or when it cannot
    be reached (logged once): the caller then draws in this process."""
    address = os.environ.get(ENV_ADDRESS)
    if not address or address == "off":
        return None
    try:
        return _ask(address, request)
    except (OSError, EOFError, AuthenticationError) as error:
        _warn_once(f"chart engine at {address} unreachable ({error}); drawing in the kernel")
        return None


def _ask(address: str, request: bytes) -> bytes:
    """Send one request; return the drawing, or raise the engine's error as ValueError."""
    with Client(address, family="AF_UNIX", authkey=_key()) as connection:
        connection.send_bytes(request)
        if not connection.poll(ANSWER_TIMEOUT_S):
            raise TimeoutError(f"no answer in {ANSWER_TIMEOUT_S:g} s")
        answer = connection.recv_bytes()
    status, payload = answer[:1], answer[1:]
    if status == b"E":
        raise ValueError(payload.decode("utf-8"))
    return payload


def _key() -> bytes:
    return os.environ.get(ENV_KEY, "").encode("ascii")


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _log.warning(message)
        _warned = True


def _answer(connection) -> None:
    """Serve one client: one request (``J`` + JSON spec, or ``P`` + pickled builder call),
    one answer (``S``/``B`` + drawing, or ``E`` + error)."""
    with connection:
        try:
            message = connection.recv_bytes()
            if message[:1] == b"P":
                result = _build_here(*pickle.loads(message[1:]))
            else:
                request = json.loads(message[1:].decode("utf-8"))
                result = draw(request["spec"], request["format"], **request.get("options", {}))
            answer = b"S" + result.encode("utf-8") if isinstance(result, str) else b"B" + result
        except EOFError:
            return
        except Exception as error:  # noqa: BLE001 - the client raises it as its own error
            answer = b"E" + f"{type(error).__name__}: {error}".encode("utf-8")
        try:
            connection.send_bytes(answer)
        except OSError:  # the kernel went away meanwhile
            pass


def serve(address: str, key: bytes, parent: int | None = None) -> None:
    """Run the engine on the Unix socket ``address`` until ``parent`` (a pid) exits."""
    from . import enable

    enable()  # altair, the theme and the JavaScript engine loaded before the first request
    draw({"mark": "point", "data": {"values": [{"x": 0}]}, "encoding": {"x": {"field": "x"}}})
    listener = Listener(address, family="AF_UNIX", authkey=key)
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
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


def start(timeout: float = 30.0) -> str:
    """Start the engine for this process and the kernels it will start; return its address.

    Idempotent: a second call returns the running engine's address."""
    global _process
    if _process is not None and _process.poll() is None:
        return os.environ[ENV_ADDRESS]
    folder = tempfile.mkdtemp(prefix="cxkit-charts-")  # mode 0700: only this user connects
    address = os.path.join(folder, "engine.sock")
    key = os.urandom(16).hex()
    env = dict(os.environ, **{ENV_KEY: key})
    env.pop(ENV_ADDRESS, None)
    command = "import sys; from cxkit.charts.engine import main; main(sys.argv[1:])"
    _process = subprocess.Popen([sys.executable, "-c", command, address, str(os.getpid())],
                                env=env, stdin=subprocess.DEVNULL)
    atexit.register(stop)
    deadline = time.monotonic() + timeout
    while not os.path.exists(address):
        if _process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the chart engine did not start (exit code {_process.poll()})")
        time.sleep(0.05)
    os.environ[ENV_ADDRESS] = address
    os.environ[ENV_KEY] = key
    return address


def stop() -> None:
    """Stop the engine this process started (kernels then draw their charts themselves)."""
    global _process
    if _process is None:
        return
    _process.terminate()
    try:
        _process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _process.kill()
    address = os.environ.pop(ENV_ADDRESS, None)
    os.environ.pop(ENV_KEY, None)
    if address:
        for path in (address, os.path.dirname(address)):
            try:
                os.unlink(path) if path == address else os.rmdir(path)
            except OSError:
                pass
    _process = None


def main(argv: list[str]) -> None:
    """The engine process: ``main([ADDRESS, PARENT_PID])``, the key in the environment."""
    try:
        serve(argv[0], _key(), int(argv[1]) if len(argv) > 1 else None)
    except KeyboardInterrupt:  # Ctrl-C in the terminal that runs `make app`
        pass
