"""The app's speed budget in a real browser: first render of the home page and of the loss
dashboard from a warm Voilà server, and the memory of one participant's kernel.

One Voilà server is started the way the browser tests start it (``VoilaServer`` from
``tests/browser/conftest.py``, imported, not copied), with an empty store of its own, and
stopped when the benchmarks end. "Warm" means the server has already rendered the page
once (the Python files and the notebook are in the OS cache); each measured render still
starts a fresh kernel, as a participant opening the page does. Chromium is Debian's
(``/usr/bin/chromium``), headless.

Targets (issue 9): home < 3 s, ``05_estimating_the_losses`` < 5 s, < 150 MB per kernel.
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
#: What shows that a page has finished its first render (its last widgets are drawn).
READY = {
    "00_workshop": ".cxkit-map",
    "03_scoring_the_phone_audit": ".cxkit-audit-submit",
    "05_estimating_the_losses": ".cxkit-total",
}


def _browser_conftest():
    """``tests/browser/conftest.py`` as a module (imported by path: it is not a package)."""
    name = "cxkit_browser_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "browser" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


class _App:
    """A Voilà server and a headless Chromium shared by the benchmarks of this module."""

    _instances: dict[str, "_App"] = {}

    @classmethod
    def get(cls, preheat: int = 0) -> "_App":
        """The shared app; ``preheat > 0`` starts another server with that many preheated
        kernels per notebook (Voilà's ``preheat_kernel``, set through an extra config dir)."""
        key = f"preheat{preheat}"
        if key not in cls._instances:
            cls._instances[key] = cls(preheat)
            atexit.register(cls._instances[key].close)
        return cls._instances[key]

    def __init__(self, preheat: int = 0):
        from playwright.sync_api import sync_playwright

        conftest = _browser_conftest()
        tmp = Path(tempfile.mkdtemp(prefix="cxkit-bench-app-"))
        saved = os.environ.get("JUPYTER_CONFIG_PATH")
        if preheat:
            (tmp / "config").mkdir()
            (tmp / "config" / "voila.json").write_text(json.dumps(
                {"VoilaConfiguration": {"preheat_kernel": True, "default_pool_size": preheat}}))
            os.environ["JUPYTER_CONFIG_PATH"] = str(tmp / "config")
        try:
            self.server = conftest.VoilaServer(tmp)
        finally:
            if preheat:
                os.environ.pop("JUPYTER_CONFIG_PATH") if saved is None else os.environ.update(
                    JUPYTER_CONFIG_PATH=saved)
        if "browser" not in _BROWSER:
            _BROWSER["playwright"] = sync_playwright().start()
            _BROWSER["browser"] = _BROWSER["playwright"].chromium.launch(
                executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS, headless=True)
            atexit.register(_close_browser)
        self.browser = _BROWSER["browser"]
        self._warm: set[str] = set()

    def render(self, slug: str, lang: str = "en"):
        """Open ``slug`` in a new page; return (seconds until its widgets show, page)."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(120_000)
        start = time.perf_counter()
        page.goto(self.server.url(slug, lang), wait_until="commit")
        page.wait_for_selector("#rendered_cells", state="visible")
        page.wait_for_selector(READY.get(slug, ".widget-box"), state="visible")
        return time.perf_counter() - start, page

    def first_render(self, slug: str, repeat: int = 3) -> float:
        """Best of ``repeat`` first renders of ``slug`` from a warm server (pages closed after)."""
        if slug not in self._warm:
            _, page = self.render(slug)
            page.context.close()
            self._warm.add(slug)
        times = []
        for _ in range(repeat):
            seconds, page = self.render(slug)
            times.append(seconds)
            page.context.close()
        return min(times)

    def wait_for_pool(self, slug: str, size: int, timeout: float = 90.0) -> None:
        """Wait until Voilà's log says the preheated pool of ``slug`` is full."""
        line = f"Kernel pool of {slug}.ipynb is filled with {size} kernel"
        deadline = time.time() + timeout
        while time.time() < deadline and line not in Path(self.server.log.name).read_text():
            time.sleep(0.5)

    def close(self):
        self.server.stop()


_BROWSER: dict = {}


def _close_browser():
    """Close the shared Chromium (registered first, so atexit runs it after the servers stop)."""
    _BROWSER.pop("browser").close()
    _BROWSER.pop("playwright").stop()


def _children(voila_pid: int, *words: str):
    """``(process, memory_full_info)`` of each process under the Voilà process ``voila_pid``
    whose command line holds one of ``words`` (processes gone meanwhile are skipped)."""
    import psutil

    for child in psutil.Process(voila_pid).children(recursive=True):
        try:
            if any(word in " ".join(child.cmdline()) for word in words):
                yield child, child.memory_full_info()
        except psutil.NoSuchProcess:
            continue


def kernel_memory(voila_pid: int) -> list[dict]:
    """RSS, PSS and USS (MB) of every kernel process started by the Voilà process ``voila_pid``.

    USS (memory no other process shares) is what one more participant really costs; PSS
    adds each kernel's share of the pages it shares with others (library code), so the
    kernels' PSS add up to what they take in RAM together; RSS counts every shared page
    in full in every kernel, so it is the pessimistic figure.
    """
    return [{"pid": child.pid, "rss_mb": info.rss / 2**20, "pss_mb": info.pss / 2**20, "uss_mb": info.uss / 2**20}
            for child, info in _children(voila_pid, "ipykernel", "kernel-")]


def _exists(slug: str) -> bool:
    return (NOTEBOOKS / f"{slug}.ipynb").exists()


def bench_app_home_first_render():
    """Voilà: first render of the home page (00_workshop) from a warm server."""
    seconds = _App.get().first_render("00_workshop")
    return {"name": "app: home page first render (warm server)", "value": seconds, "unit": "s",
            "target": 3.0, "notes": "best of 3, each page starts its own kernel"}


def bench_app_home_first_render_preheated():
    """Voilà with 2 preheated kernels per notebook (not the app's setting): home first render.

    Preheated kernels run the notebook before the request arrives, so they do not see
    ``?lang=``: the notes say which language the page was drawn in when English was asked.
    """
    app = _App.get(preheat=2)
    app.wait_for_pool("00_workshop", 2)
    seconds, page = app.render("00_workshop", lang="en")
    marker = page.locator(".cxkit-lang")
    drawn = marker.first.get_attribute("data-cxkit-lang") if marker.count() else "?"
    page.context.close()
    app._warm.add("00_workshop")
    app.wait_for_pool("00_workshop", 2)
    best = min(seconds, app.first_render("00_workshop", repeat=1))
    return {"name": "app: home first render, 2 preheated kernels (not the app's setting)",
            "value": best, "unit": "s", "target": 3.0,
            "notes": f"?lang=en was drawn in '{drawn}': preheated kernels do not see the query string"}


def bench_app_losses_first_render():
    """Voilà: first render of the loss dashboard (05) from a warm server."""
    slug = "05_estimating_the_losses"
    if not _exists(slug):
        return {"name": "app: loss dashboard first render (warm server)", "value": float("nan"),
                "unit": "s", "target": 5.0, "notes": f"{slug}.ipynb is not in the tree yet"}
    seconds = _App.get().first_render(slug)
    return {"name": "app: loss dashboard first render (warm server)", "value": seconds, "unit": "s",
            "target": 5.0, "notes": "best of 3, each page starts its own kernel"}


def bench_app_memory_per_kernel():
    """Memory of one participant's kernel: 3 pages each of the scoring notebook (03) and
    the loss dashboard (05) open at once; the largest RSS is the figure."""
    app = _App.get()
    slugs = [s for s in ("03_scoring_the_phone_audit", "05_estimating_the_losses") if _exists(s)] or ["00_workshop"]
    kernels, pages = [], []
    for slug in slugs:
        before = {k["pid"] for k in kernel_memory(app.server.proc.pid)}
        pages += [app.render(slug)[1] for _ in range(3)]
        time.sleep(1.0)  # let the kernels settle after their last cell
        kernels += [dict(k, slug=slug) for k in kernel_memory(app.server.proc.pid) if k["pid"] not in before]
    for page in pages:
        page.context.close()
    if not kernels:
        raise RuntimeError("no kernel process found under the Voilà server")
    rss = max(k["rss_mb"] for k in kernels)
    per_slug = "; ".join(
        f"{slug[:2]}: RSS {max(k['rss_mb'] for k in ks):.0f}, PSS {statistics.mean(k['pss_mb'] for k in ks):.0f}, "
        f"USS {statistics.mean(k['uss_mb'] for k in ks):.0f}"
        for slug in slugs if (ks := [k for k in kernels if k["slug"] == slug]))
    engine = _engine_rss(app.server.proc.pid)
    return {"name": "app: memory per participant kernel (max RSS)", "value": rss, "unit": "MB",
            "target": 150.0,
            "notes": f"{len(kernels)} kernels, MB ({per_slug}); plus the one chart engine for all: "
                     f"RSS {engine:.0f} MB"}


def _engine_rss(voila_pid: int) -> float:
    """RSS (MB) of the app's chart engine (cxkit.charts.engine), 0 if none runs."""
    return next((info.rss / 2**20 for _, info in _children(voila_pid, "cxkit.charts.engine")), 0.0)


def bench_app_twenty_at_once_server_side():
    """Twenty requests for notebook 03 at once, by plain HTTP clients: the server's share of
    the first render when twenty laptops join together (the browser test runs twenty
    Chromium pages on the same two cores, which more than doubles it)."""
    import threading
    import urllib.request

    slug = "03_scoring_the_phone_audit"
    app = _App.get()
    url = app.server.url(slug, "en")
    seconds: list[float] = []

    def fetch() -> None:
        start = time.perf_counter()
        body = urllib.request.urlopen(url, timeout=600).read()  # Voilà streams until the last cell ran
        if b"cxkit-lang" in body:
            seconds.append(time.perf_counter() - start)

    threads = [threading.Thread(target=fetch) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(seconds) != 20:
        raise RuntimeError(f"only {len(seconds)} of 20 pages rendered")
    return {"name": "app: 20 pages of 03 at once, server side (last one done)", "value": max(seconds),
            "unit": "s", "target": 30.0,
            "notes": f"median {statistics.median(seconds):.1f} s; no browser on this machine"}


def bench_app_slider_to_headline():
    """Voilà: a key press on the bad-call-rate slider until the dashboard's headline changes
    (median of 5 presses, measured in the page)."""
    slug = "05_estimating_the_losses"
    app = _App.get()
    _, page = app.render(slug)
    handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
    times = []
    for _ in range(5):
        before = page.locator(".cxkit-total").inner_text()
        handle.focus()
        start = time.perf_counter()
        handle.press("ArrowRight")
        page.wait_for_function("b => document.querySelector('.cxkit-total').innerText !== b",
                               arg=before, timeout=10_000)
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(1.0)  # let the charts finish redrawing before the next press
    page.context.close()
    return {"name": "app: slider → new headline in the browser", "value": statistics.median(times),
            "unit": "ms", "target": 300.0, "notes": f"presses: {', '.join(f'{t:.0f}' for t in times)} ms"}


def bench_app_kernels_after_closed_tabs():
    """25 pages of the home notebook opened (five at a time) then closed as a browser
    closes a tab: the kernels still alive 5 s later, above the number before (issue 13:
    all 25 stayed, the close request was refused for want of its xsrf cookie)."""
    app = _App.get()
    pid = app.server.proc.pid
    before = kernel_memory(pid)
    for _ in range(5):
        pages = [app.render("00_workshop")[1] for _ in range(5)]
        for page in pages:
            page.close(run_before_unload=True)
            page.context.close()
    time.sleep(5.0)
    after = kernel_memory(pid)
    grown = sum(k["rss_mb"] for k in after) - sum(k["rss_mb"] for k in before)
    return {"name": "app: kernels left 5 s after 25 tabs closed", "value": max(0, len(after) - len(before)),
            "unit": "kernels", "target": 0.5,
            "notes": f"{len(before)} kernels before (preheated), {len(after)} after; kernels' RSS {grown:+.0f} MB"}


def bench_chart_with_a_100000_character_label():
    """A chart whose evaluator name has 100,000 characters (issue 13: 102 s, blocking every
    chart of the room): labels are cut before drawing."""
    import pandas as pd

    import cxkit as cx

    cx.setup("en")
    scored = pd.DataFrame({"evaluator": ["x" * 100_000, "Ann"], "n": [10, 12], "good": [6, 9],
                           "rate": [0.6, 0.75], "low": [0.3, 0.5], "high": [0.85, 0.9]})
    cx.charts.svg("audit.group_chart", scored.assign(evaluator=["Eve", "Ann"]), by="evaluator", target=0.8)
    start = time.perf_counter()  # libraries loaded, as in the app's engine
    cx.charts.svg("audit.group_chart", scored, by="evaluator", target=0.8)
    return {"name": "chart: 100,000-character evaluator name drawn", "value": time.perf_counter() - start,
            "unit": "s", "target": 2.0, "notes": f"label cut to {cx.charts.engine.LABEL_MAX} characters"}
