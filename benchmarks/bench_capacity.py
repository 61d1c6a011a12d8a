"""How much memory and CPU one participant costs: the figures behind docs/capacity.md.

    .venv/bin/python benchmarks/bench_capacity.py [--pages 6] [--hub]

Not part of ``make bench`` (it defines no ``bench_*`` function): it takes a few minutes
and its figures are read by a person, not checked against a budget.

**Voilà, as ``make app`` serves it.** One server started as the browser tests start it
(``VoilaServer`` from ``tests/browser/conftest.py``: the repository's voila.json and
voila.py, its preheated kernels, the chart engine) with an empty store of its own in
/tmp. Headless Chromium opens ``--pages`` pages of notebook 03 one after the other, each
in its own browser context as a participant's laptop would. Then:

- memory: RSS, PSS and USS (psutil) of the Voilà server, of each kernel and of the chart
  engine, before the pages and with them open;
- CPU while idle: CPU seconds used by server + kernels + engine over ``IDLE_S`` seconds
  with every page open and nobody touching anything (the live pages' poll of the store
  is what runs);
- CPU of opening a page: CPU seconds used by server + kernels + engine while each page
  of 03 was opened (one after the other; the preheated kernels refilling count too);
- CPU of one slider move: the bad-call-rate slider of the loss dashboard (05, the page
  with the most charts) moved by one key press; CPU seconds used by server + kernels +
  engine from the press until 3 s after the headline changed, and the wall time to the
  new headline.

**JupyterHub** (``--hub``): the recipe of deploy/jupyterhub started as tests/test_hub.py
starts it; one user logs in and opens 03; RSS/USS of the hub, its proxy, the user's
server (jupyterhub-singleuser with Voilà) and its kernel.

The figures are written to ``benchmarks/results/capacity.json`` (git-ignored) and printed.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SCORING = "03_scoring_the_phone_audit"
LOSSES = "05_estimating_the_losses"
IDLE_S = 20.0
MB = 2**20


def _module(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _processes(root_pid: int) -> dict[str, list]:
    """The processes under ``root_pid`` (itself included), by role."""
    import psutil

    root = psutil.Process(root_pid)
    roles: dict[str, list] = {"server": [root], "kernel": [], "engine": [], "proxy": [], "singleuser": [], "other": []}
    for child in root.children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            continue
        if "ipykernel" in line or "kernel-" in line:
            roles["kernel"].append(child)
        elif "cxkit.charts.engine" in line:
            roles["engine"].append(child)
        elif "configurable-http-proxy" in line:
            roles["proxy"].append(child)
        elif "jupyterhub-singleuser" in line:
            roles["singleuser"].append(child)
        else:
            roles["other"].append(child)
    return roles


def _memory(processes) -> list[dict]:
    import psutil

    out = []
    for p in processes:
        try:
            info = p.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        out.append({"pid": p.pid, "rss_mb": info.rss / MB, "pss_mb": info.pss / MB, "uss_mb": info.uss / MB})
    return out


def _cpu_by_process(root_pid: int) -> dict[int, float]:
    """User + system CPU seconds used so far by ``root_pid`` and each process under it, by pid."""
    import psutil

    found = {}
    for group in _processes(root_pid).values():
        for p in group:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            found[p.pid] = t.user + t.system
    return found


def _cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds used so far by ``root_pid`` and every process under it."""
    return sum(_cpu_by_process(root_pid).values())


def _summary(rows: list[dict]) -> dict:
    if not rows:
        return {"n": 0}
    return {"n": len(rows), **{f"{k}_{f.__name__}": round(f(r[k] for r in rows), 1)
                               for k in ("rss_mb", "pss_mb", "uss_mb") for f in (statistics.mean, max)}}


def _browser():
    from playwright.sync_api import sync_playwright

    conftest = _module("cxkit_browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS, headless=True)
    return pw, browser


def _open(browser, url: str, ready: str = ".cxkit-audit-submit"):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(300_000)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(ready, state="visible")
    return page, time.perf_counter() - start


def measure_voila(pages: int) -> dict:
    """Memory and CPU of ``pages`` pages of 03 on one Voilà server (see the module's docstring)."""
    conftest = _module("cxkit_browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
    server = conftest.VoilaServer(Path(tempfile.mkdtemp(prefix="cxkit-capacity-")))
    pw, browser = _browser()
    result: dict = {"pages": pages}
    try:
        time.sleep(15)  # the preheated kernels (voila.json) and the chart engine settle
        pid = server.proc.pid
        before = _processes(pid)
        result["before"] = {"server": _summary(_memory(before["server"])),
                            "kernels": _summary(_memory(before["kernel"])),
                            "engine": _summary(_memory(before["engine"]))}
        old = {p.pid for p in before["kernel"]}
        opened, seconds, cpu = [], [], []
        for _ in range(pages):
            cpu0 = _cpu_seconds(pid)
            page, took = _open(browser, server.url(SCORING, "en"))
            opened.append(page)
            seconds.append(took)
            cpu.append(_cpu_seconds(pid) - cpu0)
        time.sleep(5)
        now = _processes(pid)
        new = [p for p in now["kernel"] if p.pid not in old]
        result["render_s"] = [round(s, 1) for s in seconds]
        result["render_cpu_s"] = [round(s, 2) for s in cpu]
        result["with_pages"] = {"server": _summary(_memory(now["server"])),
                                "new_kernels": _summary(_memory(new)),
                                "all_kernels": _summary(_memory(now["kernel"])),
                                "engine": _summary(_memory(now["engine"]))}
        cpu0, t0 = _cpu_seconds(pid), time.perf_counter()
        time.sleep(IDLE_S)
        result["idle_cpu_cores"] = round((_cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0), 3)
        moves = []
        page, _ = _open(browser, server.url(LOSSES, "en"), ready=".cxkit-total")  # the heaviest slider page
        time.sleep(3)
        handle = page.locator(".cxkit-input-bad_call_rate .noUi-handle")
        for _ in range(3):
            before_text = page.locator(".cxkit-total").inner_text()
            cpu0, t0 = _cpu_seconds(pid), time.perf_counter()
            handle.focus()
            handle.press("ArrowRight")
            page.wait_for_function("b => document.querySelector('.cxkit-total').innerText !== b",
                                   arg=before_text, timeout=30_000)
            wall = time.perf_counter() - t0
            time.sleep(3)  # the charts redraw after the headline
            moves.append({"wall_s": round(wall, 2), "cpu_s": round(_cpu_seconds(pid) - cpu0, 2)})
        result["slider_moves_05"] = moves
        page.context.close()
        result["memory_after"] = {"server": _summary(_memory(_processes(pid)["server"])),
                                  "engine": _summary(_memory(_processes(pid)["engine"]))}
        for p in opened:
            p.context.close()
    finally:
        browser.close()
        pw.stop()
        server.stop()
    return result


def measure_hub() -> dict:
    """Memory of the hub, its proxy, one user's server and its kernel with 03 open."""
    hubtest = _module("cxkit_test_hub", ROOT / "tests" / "test_hub.py")
    tmp = Path(tempfile.mkdtemp(prefix="cxkit-capacity-hub-"))
    hub = hubtest.Hub(tmp, str(tmp / "store.sqlite"))
    pw, browser = _browser()
    result: dict = {}
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(300_000)
        start = time.perf_counter()
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", "ann")
        page.fill("input[name=password]", "x")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url("**/user/ann/voila/render/**", wait_until="commit")
        page.wait_for_selector(".cxkit-map", state="visible")
        result["login_to_home_s"] = round(time.perf_counter() - start, 1)
        t0 = time.perf_counter()
        page.goto(f"{hub.url}/user/ann/voila/render/{SCORING}.ipynb?lang=en")
        page.wait_for_selector(".cxkit-audit-submit", state="visible")
        result["render_03_s"] = round(time.perf_counter() - t0, 1)
        time.sleep(5)
        roles = _processes(hub.proc.pid)
        result["hub"] = _summary(_memory(roles["server"]))
        result["proxy"] = _summary(_memory(roles["proxy"]))
        result["engine"] = _summary(_memory(roles["engine"]))
        result["singleuser"] = _summary(_memory(roles["singleuser"]))
        result["kernels"] = _summary(_memory(roles["kernel"]))
        result["kernels_open_after_00_then_03"] = len(roles["kernel"])
        result["other"] = [{"command": " ".join(p.cmdline())[:60], **m}
                           for p, m in zip(roles["other"], _memory(roles["other"]))]
        context.close()
    finally:
        browser.close()
        pw.stop()
        hub.stop()
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--hub", action="store_true", help="also measure the JupyterHub recipe")
    parser.add_argument("--no-voila", action="store_true", help="skip the Voilà measurement")
    args = parser.parse_args(argv)
    os.environ.setdefault("CXKIT_LANG", "en")
    load = os.getloadavg()
    figures = {"load_average_at_start": [round(x, 1) for x in load], "cpus": os.cpu_count()}
    if not args.no_voila:
        figures["voila"] = measure_voila(args.pages)
    if args.hub:
        figures["hub"] = measure_hub()
    figures["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "capacity.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
