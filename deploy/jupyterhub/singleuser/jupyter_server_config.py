"""Settings of one user's server under the cxkit hub (``jupyterhub-singleuser`` with Voilà
as a server extension); the hub puts this folder on ``JUPYTER_CONFIG_PATH``.

The same settings as ``make app``: the repository's ``voila.json`` (template, sources
stripped, no tracebacks, the executor's messages) and ``voila.py`` (the cell timeout and
its exemption for the setup cell, kernel culling, upload size and labels) are read from
the repository, not copied, so the two ways of serving the workbook cannot drift apart.
What belongs to a standalone Voilà only is left out: its preheated kernels (a pool per
user would cost every user two more kernels), its room token and login page (the hub
logs users in).

Participants (``CXKIT_HUB_ROLE=participant``, set by the hub for non-admin users) get
no JupyterLab, no classic tree and no terminals: only Voilà's pages. The trainer keeps
JupyterLab.

The chart engine: the hub passes a shared one's address when every server runs as the
hub's own user; otherwise this server starts its own for its kernels.
"""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from traitlets.config import Config

ROOT = Path(os.environ.get("CXKIT_ROOT") or Path(__file__).resolve().parents[3])
c = get_config()  # noqa: F821 - provided by traitlets when the server loads this file


def _voila_settings():
    """The repository's ``voila.py`` as a module, run against a throw-away config with the
    chart engine switched off (it would otherwise start one per import) and its staggered
    start of preheated kernels off."""
    # no engine, and no staggering of the standalone app's preheated kernels (none here)
    saved = {name: os.environ.get(name) for name in ("CXKIT_CHART_ENGINE", "CXKIT_START_STAGGER")}
    os.environ.update(CXKIT_CHART_ENGINE="off", CXKIT_START_STAGGER="0")
    try:
        spec = importlib.util.spec_from_file_location("cxkit_voila_settings", ROOT / "voila.py")
        module = importlib.util.module_from_spec(spec)
        module.get_config = Config
        spec.loader.exec_module(module)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return module


settings = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
for section in ("VoilaConfiguration", "VoilaExecutor"):
    for name, value in settings.get(section, {}).items():
        c[section][name] = value
c.VoilaConfiguration.preheat_kernel = False

voila = _voila_settings()
c.VoilaExecutor.timeout = voila.CELL_TIMEOUT_S
c.VoilaExecutor.timeout_func = voila.cell_timeout
c.VoilaExecutor.iopub_timeout = voila.CELL_TIMEOUT_S
c.VoilaConfiguration.page_config_hook = voila.page_config
c.ServerApp.tornado_settings = {"websocket_max_message_size": voila.WEBSOCKET_MAX_BYTES}
c.MappingKernelManager.cull_idle_timeout = voila.CULL_IDLE_TIMEOUT_S
c.MappingKernelManager.cull_interval = voila.CULL_INTERVAL_S
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False

if os.environ.get("CXKIT_HUB_ROLE", "participant") != "trainer":
    c.ServerApp.jpserver_extensions = {"jupyterlab": False, "notebook": False, "notebook_shim": False,
                                       "jupyter_lsp": False, "jupyter_server_terminals": False}
    c.ServerApp.terminals_enabled = False

if os.environ.get("CXKIT_CHART_ENGINE") not in (None, "", "off"):
    pass  # the hub's shared engine: the kernels inherit its address
elif os.environ.pop("CXKIT_CHART_ENGINE", "") != "off":
    from cxkit.charts import engine as chart_engine

    chart_engine.start()
