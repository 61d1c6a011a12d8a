"""The app's shared chart engine: same drawings as in-process vl-convert, clear errors,
a kernel that still draws when the engine is gone, and an engine that ends with its parent."""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import textwrap
import time

import pytest

from cxkit.charts import engine as chart_engine

SPEC = {
    "data": {"values": [{"a": "x", "b": 3}, {"a": "y", "b": 5}]},
    "mark": "bar",
    "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}},
}


def _drawing(svg: str) -> str:
    """An SVG without its clip-path numbers: vl-convert counts clip paths across all the
    drawings of a process (so the inline SVGs of one page never share an id)."""
    return re.sub(r"clip\d+", "clip", svg)


_SHARED: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _one_engine_per_module():
    """One engine for the module's tests (an engine starts in seconds): stopped at the end."""
    yield
    chart_engine.stop()
    _SHARED.clear()


@pytest.fixture
def engine(monkeypatch):
    """The module's engine, started by the first test that needs it (again after a test
    stopped it); its address and key are in the environment during the test only."""
    watcher = chart_engine._watcher
    if not _SHARED or watcher is None or not watcher.is_alive():
        chart_engine.stop()
        monkeypatch.delenv(chart_engine.ENV_ADDRESS, raising=False)
        monkeypatch.delenv(chart_engine.ENV_KEY, raising=False)
        _SHARED["address"] = chart_engine.start()
        _SHARED["key"] = os.environ[chart_engine.ENV_KEY]
    monkeypatch.setenv(chart_engine.ENV_ADDRESS, _SHARED["address"])
    monkeypatch.setenv(chart_engine.ENV_KEY, _SHARED["key"])
    yield _SHARED["address"]


def _own_engine():
    """Stop the module's engine: the test starts its own (start() would return that one)."""
    chart_engine.stop()
    _SHARED.clear()


def test_engine_draws_the_same_svg_and_png_as_the_kernel(engine):
    """convert through the engine: byte-identical SVG to vl-convert in the process, PNG bytes"""
    assert os.environ[chart_engine.ENV_ADDRESS] == engine and os.path.exists(engine)
    assert oct(os.stat(os.path.dirname(engine)).st_mode & 0o777) == "0o700"
    svg = chart_engine.convert(SPEC, "svg", vl_version="6.4")
    assert svg == chart_engine.draw(SPEC, "svg", vl_version="6.4")
    assert svg.startswith("<svg") and svg.count("<path") >= 2
    png = chart_engine.convert(SPEC, "png", scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_engine_answers_many_kernels_at_once(engine):
    """eight clients drawing together all get their own chart back"""
    from concurrent.futures import ThreadPoolExecutor

    specs = [dict(SPEC, data={"values": [{"a": "x", "b": n}]}) for n in range(1, 9)]
    with ThreadPoolExecutor(8) as pool:
        drawn = list(pool.map(lambda s: chart_engine.convert(s, "svg"), specs))
    assert drawn == [chart_engine.draw(s, "svg") for s in specs]
    assert len(set(drawn)) == 8


def test_engine_reports_a_bad_spec_as_an_error(engine):
    """a spec vl-convert refuses raises ValueError in the kernel, with vl-convert's reason"""
    with pytest.raises(ValueError, match="(?i)error"):
        chart_engine.convert({"mark": "nonsense-mark", "data": {"values": []}}, "svg")
    assert chart_engine.convert(SPEC, "svg").startswith("<svg")  # the engine still serves


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown chart format 'pdf'"):
        chart_engine.convert(SPEC, "pdf")


def test_kernel_draws_itself_when_the_engine_is_gone_or_the_key_is_wrong(engine, monkeypatch, caplog):
    """no chart goes missing: a wrong key or a stopped engine falls back to drawing here, logged once"""
    monkeypatch.setattr(chart_engine, "_warned", False)
    monkeypatch.setenv(chart_engine.ENV_KEY, "0" * 32)
    with caplog.at_level(logging.WARNING, logger="cxkit.charts.engine"):
        assert chart_engine.convert(SPEC, "svg") == chart_engine.draw(SPEC, "svg")
        assert chart_engine.convert(SPEC, "svg").startswith("<svg")
    assert len(caplog.records) == 1 and "unreachable" in caplog.records[0].getMessage()
    chart_engine.stop()
    os.environ[chart_engine.ENV_ADDRESS] = engine  # a stopped engine: its socket is gone
    try:
        assert chart_engine.convert(SPEC, "svg").startswith("<svg")
    finally:
        del os.environ[chart_engine.ENV_ADDRESS]


def test_start_is_idempotent_and_stop_cleans_up(engine):
    assert chart_engine.start() == engine
    chart_engine.stop()
    assert chart_engine.ENV_ADDRESS not in os.environ
    assert not os.path.exists(os.path.dirname(engine))


def test_engine_ends_with_the_process_that_started_it(tmp_path):
    """the engine of a server that dies (kill -9, no atexit) does not outlive it"""
    script = textwrap.dedent("""
        import os, sys, time
        from cxkit.charts import engine as chart_engine
        chart_engine.start()
        print(chart_engine._process.pid, flush=True)
        time.sleep(60)
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXKIT_CHART_ENGINE")}
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    engine_pid = int(parent.stdout.readline())
    os.kill(engine_pid, 0)  # running
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(engine_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the chart engine outlived its parent")


# ---- charts built by name: the engine builds them, the kernel never loads altair ----

def _trend():
    import pandas as pd

    return pd.DataFrame({"week": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19"]),
                         "n": [10, 12, 9], "good_rate": [0.6, 0.7, 0.8],
                         "low": [0.3, 0.4, 0.5], "high": [0.8, 0.9, 0.95]})


def test_svg_by_name_is_the_builders_chart_here_and_in_the_engine(monkeypatch):
    """charts.svg(name, ...) == to_svg(builder(...)), in this process and through the engine,
    in the caller's language (the engine's threads do not mix languages)"""
    from cxkit import charts, i18n
    from cxkit.charts import queueing as qc

    import cxkit.queueing as q

    charts.enable()  # as cx.setup() does; the engine always draws with the workbook's theme
    table = q.staffing_table(calls_per_hour=100, aht_seconds=240, target_seconds=20, max_agents=14)
    i18n.set_language("fr")
    french = charts.to_svg(qc.staffing_chart(table, target_level=0.8, agents=10))
    i18n.set_language("en")
    english = charts.to_svg(qc.staffing_chart(table, target_level=0.8, agents=10))
    assert french != english
    assert _drawing(charts.svg("queueing.staffing_chart", table, target_level=0.8, agents=10)) == _drawing(english)

    _own_engine()
    monkeypatch.delenv(chart_engine.ENV_ADDRESS, raising=False)
    chart_engine.start()
    try:
        drawn = charts.svg("queueing.staffing_chart", table, target_level=0.8, agents=10)
        assert _drawing(drawn) == _drawing(english)
        i18n.set_language("fr")
        drawn = charts.svg("queueing.staffing_chart", table, target_level=0.8, agents=10)
        assert _drawing(drawn) == _drawing(french)
        shown = charts.show("queueing.staffing_chart", table, target_level=0.8, agents=10)._repr_mimebundle_()
        assert list(shown) == ["image/svg+xml"] and _drawing(shown["image/svg+xml"]) == _drawing(french)
        with pytest.raises(ValueError, match="no_such_chart"):
            charts.svg("queueing.no_such_chart", table)
    finally:
        chart_engine.stop()
        i18n.set_language("en")


@pytest.mark.parametrize("name", ["queueing", "queueing.staffing", "os.system_chart.x", "../x.y_chart", "a.b c_chart"])
def test_build_refuses_what_is_not_a_builder_name(name):
    from cxkit import charts

    with pytest.raises((ValueError, ModuleNotFoundError)):
        charts.build(name)


def test_chart_view_draws_again_only_when_its_data_change(monkeypatch):
    """ChartView.draw skips a redraw with the same builder, data, options and language"""
    from cxkit import charts
    from cxkit.panels import ChartView

    calls = []
    monkeypatch.setattr(charts, "svg", lambda b, *a, **o: calls.append(b) or f"<svg>{len(calls)}</svg>")
    view = ChartView()
    view.draw("audit.trend_chart", _trend(), target=0.8)
    view.draw("audit.trend_chart", _trend(), target=0.8)
    assert calls == ["audit.trend_chart"] and view.value == "<svg>1</svg>"
    view.draw("audit.trend_chart", _trend(), target=0.9)
    assert view.value == "<svg>2</svg>"
    view.clear()
    assert view.value == ""
    view.draw("audit.trend_chart", _trend(), target=0.9)
    assert view.value == "<svg>3</svg>"


def test_a_kernel_showing_panels_never_loads_altair_when_the_engine_runs(tmp_path):
    """the memory claim: with the engine, the scoring and loss panels draw their charts
    and show a chart in a notebook without altair or vl-convert in the kernel"""
    script = textwrap.dedent("""
        import sys
        from cxkit.charts import engine
        engine.start()
        import cxkit as cx
        cx.setup("en")
        session = cx.panels.audit.session("sample")
        session.results_panel()
        cx.panels.losses.losses_panel()
        shown = cx.charts.show("losses.tornado_chart", cx.losses.tornado(cx.losses.load_assumptions()))
        assert shown._repr_mimebundle_()["image/svg+xml"].startswith("<svg")
        print(sorted(m for m in ("altair", "vl_convert", "jsonschema") if m in sys.modules))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXKIT_CHART_ENGINE")}
    env["CXKIT_DB"] = str(tmp_path / "store.db")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_kernel_draws_itself_when_the_engine_does_not_answer(tmp_path, monkeypatch):
    """an engine that accepts but never answers costs ANSWER_TIMEOUT_S, then the kernel draws"""
    import threading
    from multiprocessing.connection import Listener

    address, key = str(tmp_path / "mute.sock"), b"k" * 16
    listener = Listener(address, family="AF_UNIX", authkey=key)
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    monkeypatch.setenv(chart_engine.ENV_ADDRESS, address)
    monkeypatch.setenv(chart_engine.ENV_KEY, key.decode())
    monkeypatch.setattr(chart_engine, "ANSWER_TIMEOUT_S", 0.5)
    monkeypatch.setattr(chart_engine, "_warned", False)
    started = time.monotonic()
    assert chart_engine.convert(SPEC, "svg") == chart_engine.draw(SPEC, "svg")
    assert 0.5 <= time.monotonic() - started < 10
    listener.close()


# ---- one participant must not break the room's charts (issue 13, items 1 and 5) ----

HOSTILE = ["Eve\x07", "Esc\x1b[31m", "Nul\x00l", "Non\ufffechar", "Sur\ud800rogate", "Del\x7f", "Rtl\u202eevil"]


def _labelled(labels):
    return {"data": {"values": [{"a": label, "b": n + 1} for n, label in enumerate(labels)]},
            "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal", "title": "Who\x07"},
                         "y": {"field": "b", "type": "quantitative"}}}


def _run(script: str, timeout: float = 240, **env) -> subprocess.CompletedProcess:
    """Run ``script`` in a fresh Python (a vl-convert panic aborts the whole process)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CXKIT_CHART")}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          env=environ, timeout=timeout)


def test_a_control_character_makes_vl_convert_abort_its_process():
    """the hazard itself (reproduced): vl-convert aborts the whole process on a BEL label"""
    done = _run("""
        import vl_convert
        vl_convert.vegalite_to_svg({"data": {"values": [{"a": "Eve\\x07"}]}, "mark": "point",
                                    "encoding": {"x": {"field": "a", "type": "nominal"}}})
    """)
    assert done.returncode != 0 and "panic" in done.stderr


def test_control_characters_in_labels_neither_kill_the_engine_nor_the_kernel():
    """BEL, ESC, NUL, U+FFFE, a lone surrogate, DEL, a bidi override in labels and titles:
    the engine draws the chart without them and is still the same process afterwards"""
    done = _run(f"""
        from cxkit.charts import engine
        engine.start()
        pid = engine._process.pid
        labels = {HOSTILE!r}
        spec = {{"data": {{"values": [{{"a": l, "b": n + 1}} for n, l in enumerate(labels)]}}, "mark": "bar",
                "title": "Title\\x07",
                "encoding": {{"x": {{"field": "a", "type": "nominal"}}, "y": {{"field": "b", "type": "quantitative"}}}}}}
        svg = engine.convert(spec)
        assert svg.startswith("<svg") and "Eve" in svg and "Nonchar" in svg, svg[:200]
        assert engine.draw(spec).startswith("<svg")  # in the process too
        assert engine._process.pid == pid and engine._process.poll() is None
        print("alive")
        engine.stop()
    """)
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.strip().endswith("alive")


def test_clean_text_removes_illegal_characters_and_cuts_long_labels():
    """clean_text: XML-illegal and control characters go, line breaks become spaces,
    a label over LABEL_MAX ends with an ellipsis at exactly LABEL_MAX characters"""
    assert [chart_engine.clean_text(s) for s in HOSTILE] == [
        "Eve", "Esc[31m", "Null", "Nonchar", "Surrogate", "Del", "Rtlevil"]
    assert chart_engine.clean_text("two\nlines\tand\r\nmore") == "two lines and more"
    assert chart_engine.clean_text("two\nlines", None, one_line=False) == "two\nlines"
    long = chart_engine.clean_text("x" * 100_000)
    assert len(long) == chart_engine.LABEL_MAX and long.endswith("\u2026")
    assert chart_engine.clean_text("Hélène 😀 €") == "Hélène 😀 €"


def test_clean_data_cleans_every_string_given_to_a_builder():
    """charts.clean_data: values, index and categories of frames and series, list and
    dict items, titles; numbers and dates untouched; the caller's frame not changed"""
    import pandas as pd

    from cxkit import charts

    frame = pd.DataFrame({"evaluator": ["Eve\x07", "x" * 100_000, "Ann"], "n": [1, 2, 3],
                          "cat": pd.Categorical(["a\x1b", "b", "a\x1b"]),
                          "when": pd.to_datetime(["2026-01-05"] * 3)}, index=["i\x00", "j", "k"])
    cleaned = charts.clean_data(frame)
    assert cleaned["evaluator"].iloc[0] == "Eve" and len(cleaned["evaluator"].iloc[1]) == chart_engine.LABEL_MAX
    assert list(cleaned["cat"].cat.categories) == ["a", "b"] and list(cleaned.index) == ["i", "j", "k"]
    assert cleaned["n"].tolist() == [1, 2, 3] and cleaned["when"].tolist() == frame["when"].tolist()
    assert frame["evaluator"].iloc[0] == "Eve\x07"  # the caller's data are left alone
    assert charts.clean_data(pd.Series([1.5], index=["s\x07"])).index[0] == "s"
    assert charts.clean_data({"k\x07": ["v\x07"]}) == {"k": ["v"]}
    assert charts.clean_data("T" * 1000) == "T" * (chart_engine.TITLE_MAX - 1) + "\u2026"
    assert charts.clean_data(3) == 3


def test_a_100000_character_evaluator_draws_fast():
    """a 100,000-character evaluator name (102 s to draw before) draws in seconds, cut"""
    done = _run("""
        import time, pandas as pd
        import cxkit as cx
        from cxkit import audit
        cx.setup("en")
        scored = pd.DataFrame({"evaluator": ["x" * 100_000, "Eve\\x07"], "n": [10, 12], "good": [6, 9],
                               "rate": [0.6, 0.75], "low": [0.3, 0.5], "high": [0.85, 0.9]})
        start = time.perf_counter()
        svg = cx.charts.svg("audit.group_chart", scored, by="evaluator", target=0.8, title="T\\x07")
        print(round(time.perf_counter() - start, 2), "Eve" in svg, "\\u2026" in svg)
    """, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    seconds, has_eve, has_ellipsis = done.stdout.splitlines()[-1].split()
    assert float(seconds) < 10 and has_eve == "True" and has_ellipsis == "True"


def test_a_dead_engine_is_restarted_at_the_same_address(engine):
    """kill -9 the engine: the watcher starts a new one at the same address with the same
    key, and the next chart is drawn by it"""
    import signal

    first = chart_engine._process
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert chart_engine.convert(SPEC, "svg").startswith("<svg")
    # the watcher thread records the new process just after its socket appears, which a
    # kernel may use first: give the thread its turn before looking
    deadline = time.monotonic() + 10
    while chart_engine._process is first and time.monotonic() < deadline:
        time.sleep(0.05)
    second = chart_engine._process
    assert second is not first and second.poll() is None
    assert os.environ[chart_engine.ENV_ADDRESS] == engine and os.path.exists(engine)
    assert chart_engine.convert(SPEC, "svg") == chart_engine.draw(SPEC, "svg")


def test_a_runaway_chart_is_stopped_and_the_others_still_drawn(monkeypatch):
    """a drawing over TIME_LIMIT_S: its kernel gets the "too slow" sentence, a chart asked
    for meanwhile is still drawn (asked again of the restarted engine), the engine serves on"""
    import threading

    from cxkit import DataError

    _own_engine()
    monkeypatch.delenv(chart_engine.ENV_ADDRESS, raising=False)
    monkeypatch.setenv("CXKIT_CHART_TIME_LIMIT", "1.5")  # read by the engine process
    address = chart_engine.start()
    try:
        first = chart_engine._process
        # a label of 20,000 characters made by the spec itself (~14 s to draw)
        runaway = dict(SPEC, transform=[{"calculate": "pad('', 20000, 'W')", "as": "a"}])
        other: list = []
        started = time.monotonic()
        thread = threading.Thread(target=lambda: (time.sleep(0.5), other.append(chart_engine.convert(SPEC, "svg"))))
        thread.start()
        with pytest.raises(DataError, match="took too long") as caught:
            chart_engine.convert(runaway, "svg")
        assert isinstance(caught.value, chart_engine.ChartError) and caught.value.reason == "too_slow"
        assert time.monotonic() - started < 20
        thread.join(60)
        assert other and other[0].startswith("<svg")
        assert chart_engine._process is not first and chart_engine.convert(SPEC, "svg").startswith("<svg")
        assert os.environ[chart_engine.ENV_ADDRESS] == address
    finally:
        chart_engine.stop()


def test_an_oversized_request_is_refused_with_a_sentence(engine, monkeypatch):
    """a request over MAX_REQUEST_BYTES is not sent: one sentence; the engine serves on"""
    monkeypatch.setattr(chart_engine, "MAX_REQUEST_BYTES", 10_000)
    big = dict(SPEC, data={"values": [{"a": f"row {n}", "b": n} for n in range(2000)]})
    with pytest.raises(chart_engine.ChartError, match="too much data"):
        chart_engine.convert(big, "svg")
    assert chart_engine.convert(SPEC, "svg").startswith("<svg")


def test_chart_view_shows_one_sentence_when_a_chart_fails(monkeypatch):
    """ChartView: a chart that cannot be drawn becomes one translated sentence, the engine's
    own ("too slow") or a generic one, never an exception; the next good one draws again"""
    from cxkit import charts, i18n
    from cxkit.panels import ChartView

    def slow(builder, *args, **options):
        raise chart_engine.ChartError("too_slow")

    def broken(builder, *args, **options):
        raise RuntimeError("vl-convert said no")

    view = ChartView()
    monkeypatch.setattr(charts, "svg", slow)
    view.draw("audit.trend_chart", _trend())
    assert "took too long" in view.value and "cxkit-chart-failed" in view.value
    i18n.set_language("fr")
    try:
        monkeypatch.setattr(charts, "svg", broken)
        view.draw("audit.trend_chart", _trend(), target=0.5)
        assert "pas pu être dessiné" in view.value and "vl-convert" not in view.value
    finally:
        i18n.set_language("en")
    monkeypatch.setattr(charts, "svg", lambda b, *a, **o: "<svg>ok</svg>")
    view.draw("audit.trend_chart", _trend(), target=0.6)
    assert view.value == "<svg>ok</svg>"


def test_chart_view_coalesces_moves_while_a_drawing_is_in_flight(monkeypatch):
    """ChartView in a widget callback: draw returns at once, and of five moves made while
    the first is drawn only the first and the last are drawn (the latest shows)"""
    import asyncio
    import threading

    from cxkit import charts
    from cxkit.panels import base

    drawn, gate = [], threading.Event()

    def slow(builder, *args, **options):
        gate.wait(5)
        drawn.append(options["target"])
        return f"<svg>{options['target']}</svg>"

    monkeypatch.setattr(charts, "svg", slow)

    async def moves():
        monkeypatch.setattr(base, "_callback_loop", asyncio.get_running_loop)
        view = base.ChartView()
        for target in (0.1, 0.2, 0.3, 0.4, 0.5):
            view.draw("audit.trend_chart", _trend(), target=target)
        assert view.value == "" and drawn == []  # nothing drawn yet: the callback returned at once
        gate.set()
        for _ in range(200):
            await asyncio.sleep(0.01)
            if view.value == "<svg>0.5</svg>" and not view._busy:
                break
        return view

    view = asyncio.run(moves())
    assert drawn == [0.1, 0.5] and view.value == "<svg>0.5</svg>"


def test_vega_compiled_once_per_shape_gives_the_same_svg(monkeypatch):
    """draw: a chart of the same shape with new data reuses its compiled Vega spec, and
    the SVG is byte-identical to vl-convert's from the Vega-Lite spec"""
    import vl_convert as vlc

    from cxkit import charts

    monkeypatch.setattr(chart_engine, "_COMPILED", {})
    charts.enable()
    frames = [_trend(), _trend().assign(good_rate=lambda d: d["good_rate"] * 0.9)]
    for frame in frames:
        spec = charts.build("audit.trend_chart", frame, target=0.8).to_dict(validate=False)
        version = charts._vl_version()
        assert chart_engine.draw(spec, "svg", vl_version=version) == vlc.vegalite_to_svg(
            chart_engine.clean_spec(spec), vl_version=version)
    assert len(chart_engine._COMPILED) == 1


def test_start_without_waiting_returns_at_once_and_kernels_wait_for_the_engine(monkeypatch):
    """start(wait=False): the address is in the environment at once, the engine starts in
    the background after its delay, and a drawing asked meanwhile waits for it (no fallback)"""
    _own_engine()
    monkeypatch.delenv(chart_engine.ENV_ADDRESS, raising=False)
    monkeypatch.delenv(chart_engine.ENV_KEY, raising=False)
    monkeypatch.setattr(chart_engine, "_warned", False)
    begun = time.perf_counter()
    address = chart_engine.start(wait=False, delay=0.5)
    try:
        assert time.perf_counter() - begun < 0.5 and os.environ[chart_engine.ENV_ADDRESS] == address
        assert not os.path.exists(address)  # not listening yet
        drawn = chart_engine._from_engine(b"J" + json.dumps({"format": "svg", "spec": SPEC, "options": {}}).encode())
        assert drawn is not None and drawn.startswith(b"<svg") and not chart_engine._warned
        assert chart_engine.start() == address  # idempotent
    finally:
        chart_engine.stop()


def test_two_workers_draw_side_by_side_and_the_first_stands_in(monkeypatch):
    """start(workers=2): kernels ask the two engine processes in turn, with the same
    drawings; a second worker that is gone leaves the first one to draw"""
    from concurrent.futures import ThreadPoolExecutor

    _own_engine()
    monkeypatch.delenv(chart_engine.ENV_ADDRESS, raising=False)
    address = chart_engine.start(workers=2)
    try:
        deadline = time.monotonic() + 90
        while not os.path.exists(address + ".1") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert os.environ[chart_engine.ENV_WORKERS] == "2" and os.path.exists(address + ".1")
        assert {chart_engine._worker(address) for _ in range(4)} == {address, address + ".1"}
        specs = [dict(SPEC, title=f"chart {n}") for n in range(4)]
        with ThreadPoolExecutor(4) as pool:
            drawn = list(pool.map(lambda s: chart_engine.convert(s, "svg"), specs))
        assert drawn == [chart_engine.draw(s, "svg") for s in specs]
        worker = chart_engine._workers[1]
        worker.kill()
        worker.wait()
        os.unlink(address + ".1")
        assert [chart_engine.convert(SPEC, "svg") for _ in range(2)] == [chart_engine.draw(SPEC, "svg")] * 2
    finally:
        chart_engine.stop()
    assert not chart_engine._workers and chart_engine.ENV_WORKERS not in os.environ


def test_the_engine_draws_a_request_it_has_seen_once(engine):
    """the engine keeps its drawings: the same request again is answered from memory with
    the same bytes (every participant's first page shows the same charts)"""
    spec = dict(SPEC, title="drawn once")
    first = chart_engine.convert(spec, "svg")
    started = time.perf_counter()
    again = [chart_engine.convert(spec, "svg") for _ in range(20)]
    assert again == [first] * 20 and time.perf_counter() - started < 2.0


def test_the_engine_forgets_its_oldest_drawings_beyond_its_budget(monkeypatch):
    """_remember keeps at most DRAWN_MAX_BYTES of drawings, the oldest leaving first"""
    monkeypatch.setattr(chart_engine, "_DRAWN", {})
    monkeypatch.setattr(chart_engine, "_drawn_bytes", [0])
    monkeypatch.setattr(chart_engine, "DRAWN_MAX_BYTES", 800)
    for n in range(10):
        chart_engine._remember(bytes([n]), b"x" * 100)
    assert list(chart_engine._DRAWN) == [bytes([n]) for n in range(2, 10)]
    assert chart_engine._drawn_bytes[0] == 800


def test_french_pages_get_french_axis_numbers():
    """number_format: on a French page an axis reads « 1,8k » and « 25 % » (narrow no-break
    space), on an English one « 1.8k » and « 25% »; the compiled-spec path keeps it"""
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "datasets": {"d": [{"a": 1800.5, "b": 0.25}]}, "data": {"name": "d"}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "quantitative", "axis": {"format": "~s", "values": [1800]}},
                         "y": {"field": "b", "type": "quantitative", "axis": {"format": "%", "values": [0.25]}}}}
    labels = lambda svg: re.findall(r">([^<]{1,12})</text>", svg)  # noqa: E731
    assert chart_engine.number_format("en") == {}
    fr = labels(chart_engine.draw(spec, "svg", **chart_engine.number_format("fr")))
    assert "1,8k" in fr and "25\u202f%" in fr
    en = labels(chart_engine.draw(spec, "svg"))
    assert "1.8k" in en and "25%" in en


# ---- charts a page draws itself after a move (issue 19) ----

def test_build_vega_gives_the_compiled_spec_with_its_data_and_the_french_number_format(monkeypatch):
    """build_vega: the Vega spec the page draws holds the chart's rows (labels cleaned, as
    in the SVG), and on French pages vl-convert's fr-FR number format (decimal comma)"""
    monkeypatch.delenv(chart_engine.ENV_ADDRESS, raising=False)
    frame = _trend().assign(n=[10, 12, 9])
    english = json.loads(chart_engine.build_vega("audit.trend_chart", (frame,), {"target": 0.8}, "en"))
    french = json.loads(chart_engine.build_vega("audit.trend_chart", (frame,), {"target": 0.8}, "fr"))
    assert english["locale"] is None
    assert french["locale"]["decimal"] == "," and french["locale"]["percent"].endswith("%")
    rows = [row for entry in english["spec"]["data"] for row in entry.get("values", [])]
    assert {row["good_rate"] for row in rows if "good_rate" in row} == {0.6, 0.7, 0.8}
    assert english["spec"]["$schema"].startswith("https://vega.github.io/schema/vega/")


def test_chart_view_in_a_callback_sends_the_spec_and_falls_back_to_svg_when_the_page_cannot(monkeypatch):
    """ChartView after a move, with the bundle present: the page gets a Vega spec to draw
    (``spec``) and ``value`` keeps the kernel's last SVG; a page that cannot load the
    bundle says so, and the chart is sent as SVG from then on"""
    import asyncio

    from cxkit import charts
    from cxkit.panels import base

    monkeypatch.setattr(base, "_page_draws", lambda: True)
    monkeypatch.setattr(charts, "vega", lambda b, *a, **o: json.dumps({"spec": {"target": o["target"]}}))
    monkeypatch.setattr(charts, "svg", lambda b, *a, **o: f"<svg>{o['target']}</svg>")
    view = base.ChartView()
    assert view.live
    view.draw("audit.trend_chart", _trend(), target=0.1)  # a cell: drawn in the kernel
    assert view.value == "<svg>0.1</svg>" and view.spec == ""

    async def move():
        monkeypatch.setattr(base, "_callback_loop", asyncio.get_running_loop)
        view.draw("audit.trend_chart", _trend(), target=0.2)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if view.spec and not view._busy:
                break

    asyncio.run(move())
    assert json.loads(view.spec) == {"spec": {"target": 0.2}} and view.value == "<svg>0.1</svg>"
    view._on_page(view, {"event": "no-vega", "error": "blocked"}, [])
    assert not view.live and view.spec == "" and view.value == "<svg>0.2</svg>"


def test_the_page_draws_only_when_the_bundle_is_beside_the_notebooks(tmp_path, monkeypatch):
    """_page_draws: the bundle written by `make install` (cxkit.charts.bundle) in the
    kernel's folder, and CXKIT_PAGE_CHARTS not off"""
    from cxkit.charts import bundle
    from cxkit.panels import base

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CXKIT_PAGE_CHARTS", raising=False)
    assert not base._page_draws()
    path = bundle.write(tmp_path)
    assert path == tmp_path / base.VEGA_BUNDLE and "vegaEmbed" in path.read_text(encoding="utf-8")
    assert base._page_draws()
    monkeypatch.setenv("CXKIT_PAGE_CHARTS", "off")
    assert not base._page_draws()


def test_altair_builds_its_schema_table_once_and_gives_the_same_objects():
    """_alt: from_dict reuses one table of schemas per family of classes (altair rebuilt
    it for every shorthand encoding) and builds the same chart as altair's own converter,
    conditions included (a table shared across families turned "datum.cut" into an
    expression object and broke the journey chart)"""
    import pandas as pd
    from altair.utils import schemapi

    from cxkit.charts import _alt

    alt = _alt.alt
    assert _alt._converter(alt.X) is _alt._converter(alt.X)

    def chart():
        data = pd.DataFrame({"start": [0, 5], "kind": ["a", "b"], "cut": [True, False]})
        return alt.Chart(data).mark_bar().encode(
            x="start:Q", color="kind:N", stroke=alt.condition("datum.cut", alt.value("#222"), alt.value("white")))

    ours = chart().to_dict(validate=False)
    patched = vars(schemapi.SchemaBase)["from_dict"]  # the classmethod itself, not a bound method
    try:
        schemapi.SchemaBase.from_dict = classmethod(
            lambda cls, dct, validate=True: schemapi._FromDict(cls._default_wrapper_classes()).from_dict(dct, cls))
        theirs = chart().to_dict(validate=False)
    finally:
        schemapi.SchemaBase.from_dict = patched
    assert vars(schemapi.SchemaBase)["from_dict"] is patched
    assert _alt.alt.X.from_dict({"shorthand": "value:Q"}, validate=False).to_dict(validate=False) == {
        "field": "value", "type": "quantitative"}  # still the shared table, for every class
    assert ours == theirs
    assert ours["encoding"]["stroke"] == {"condition": {"test": "datum.cut", "value": "#222"}, "value": "white"}
