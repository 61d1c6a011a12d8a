"""cx.setup and the shared panel pieces: offline charts, friendly errors."""
from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import pandas as pd

import cxkit as cx
from cxkit import DataError
from cxkit.panels import ChartView, Download, Status, download_link, guarded


def test_setup_enables_offline_svg_and_theme():
    """setup: charts render as SVG (the cxkit renderer, same output as altair's svg one)"""
    cx.setup("en")
    assert alt.renderers.active == "cxkit"
    assert alt.theme.active == "cxkit"
    chart = alt.Chart(pd.DataFrame({"a": [1, 2], "b": [3, 4]})).mark_bar().encode(x="a:O", y="b:Q")
    svg = cx.charts.to_svg(chart)
    assert svg.startswith("<svg") and "http://" not in svg.replace("http://www.w3.org", "")
    assert cx.charts.to_svg(chart) == svg  # byte-identical between runs: nbval can compare it
    shown = chart._repr_mimebundle_()
    bundle = shown[0] if isinstance(shown, tuple) else shown
    with alt.renderers.enable("svg"):
        shown = chart._repr_mimebundle_()
    assert bundle == (shown[0] if isinstance(shown, tuple) else shown)
    assert list(bundle) == ["image/svg+xml"] and bundle["image/svg+xml"].startswith("<svg")


def test_guarded_shows_dataerror_message_and_hides_other_failures():
    """guarded: a DataError shows its message, any other failure a generic sentence"""
    status = Status()

    @guarded(status)
    def bad_file():
        raise DataError("'x' is not a number", file="f.csv", row=3, column="wait")

    @guarded(status)
    def bug():
        raise ZeroDivisionError

    assert bad_file() is None
    assert "file f.csv, row 3, column &#x27;wait&#x27;: &#x27;x&#x27; is not a number" in status.value
    bug()
    assert "Something went wrong and nothing was changed" in status.value
    assert "ZeroDivisionError" not in status.value


def test_download_link_is_a_data_url():
    """download_link: the file travels inside the page (base64), nothing is fetched"""
    assert download_link(b"abc", "a.csv", "Get", "text/csv") == (
        '<a class="cxkit-download" download="a.csv" href="data:text/csv;base64,YWJj">Get</a>')
    box = Download(lambda: b"abc", "a.csv", "Get", "text/csv")
    assert "YWJj" in box.value


def test_chart_view_updates_its_svg():
    """ChartView.update: redrawing replaces the SVG value"""
    view = ChartView()
    assert view.value == ""
    view.update(alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q"))
    assert view.value.startswith("<svg")
    assert isinstance(view, widgets.DOMWidget) and view.spec == ""  # the SVG shows, not a page-drawn spec


def test_amount_box_reads_the_language_refuses_bad_text_and_keeps_the_last_amount():
    """AmountText: "300 000" in French sets 300000 and shows it grouped; text and a
    negative are refused in the status, the box shows the last amount again"""
    from cxkit import i18n
    from cxkit.panels import AmountText

    i18n.set_language("fr")
    try:
        status, seen = Status(), []
        box = AmountText(250000, minimum=0, status=status)
        box.observe(lambda change: seen.append(change["new"]), names="amount")
        assert box.value == "250\u202f000" and box.amount == 250000.0
        box.value = "300 000"
        assert box.amount == 300000.0 and box.value == "300\u202f000" and status.value == ""
        box.value = "trois cents"
        assert box.amount == 300000.0 and box.value == "300\u202f000"
        assert "n&#x27;est pas un montant" in status.value and "cxkit-error" in status.value
        box.value = "-5"
        assert box.amount == 300000.0 and "au moins 0" in status.value
        box.value = "1 234,5"
        assert box.amount == 1234.5 and box.value == "1\u202f234,50" and status.value == ""
        assert seen == [300000.0, 1234.5]
    finally:
        i18n.set_language("en")


# ---- voila.py: the server's limits and room mode (issue 13) ----

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _voila_config(monkeypatch, **env):
    """voila.py read as Voilà reads it (traitlets), without starting a chart engine."""
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("CXKIT_CHART_ENGINE", "off")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("voila.py", path=str(ROOT)).load_config()


def test_voila_culls_idle_kernels_and_takes_uploads_up_to_the_file_limit(monkeypatch):
    """voila.py: idle kernels without a page are culled (not the connected or busy ones);
    the websocket takes a message as large as the largest file cxkit reads (50 MB), plus
    room for the widget message around it; the page gets the limit and both labels"""
    from cxkit import io

    config = _voila_config(monkeypatch)
    manager = config.MappingKernelManager
    assert 0 < manager.cull_idle_timeout <= 3600 and 0 < manager.cull_interval <= manager.cull_idle_timeout
    assert manager.cull_connected is False and manager.cull_busy is False
    size = config.Voila.tornado_settings["websocket_max_message_size"]
    assert io.MAX_BYTES < size <= 2 * io.MAX_BYTES
    page = config.VoilaConfiguration.page_config_hook({"baseUrl": "/"}, base_url="/")
    assert page["cxkitUpload"]["limitBytes"] == io.MAX_BYTES
    labels = page["cxkitUpload"]["labels"]
    assert labels["en"]["upload_too_large"] == "File too large (limit 50 MB): nothing was sent."
    assert labels["fr"]["upload_too_large"].startswith("Fichier trop volumineux (limite 50\u00a0Mo)")
    assert config.Voila.identity_provider_class.__name__ == "RoomIdentity"
    assert "token" not in config.Voila


def test_room_mode_token_and_join_address(monkeypatch):
    """room mode: CXKIT_ROOM_TOKEN becomes Voilà's token (and leaves the kernels'
    environment); `python voila.py IP PORT` prints the join address with the token;
    `make app IP=0.0.0.0` makes a random token, plain `make app` none"""
    import os
    import subprocess
    import sys

    config = _voila_config(monkeypatch, CXKIT_ROOM_TOKEN="t0ken")
    assert config.Voila.token == "t0ken" and "CXKIT_ROOM_TOKEN" not in os.environ
    env = dict(os.environ, CXKIT_ROOM_TOKEN="t0ken")
    banner = subprocess.run([sys.executable, "voila.py", "0.0.0.0", "8123"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert banner.returncode == 0, banner.stderr
    assert ":8123/voila/render/00_workshop.ipynb?token=t0ken" in banner.stdout
    assert "http://0.0.0.0" not in banner.stdout
    room = subprocess.run(["make", "-n", "app", "IP=0.0.0.0", "PORT=8123"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60).stdout
    assert "secrets.token_urlsafe" in room and "voila.py 0.0.0.0 8123" in room and "--Voila.ip=0.0.0.0" in room
    local = subprocess.run(["make", "-n", "app"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "CXKIT_ROOM_TOKEN" not in local and "--Voila.ip=127.0.0.1" in local
