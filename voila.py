"""Voilà settings that need Python; the rest is in voila.json (Voilà reads both from the
folder it is started in).

Cell timeout: a cell may run for at most ``CELL_TIMEOUT_S`` seconds (120, or
``CXKIT_CELL_TIMEOUT``), and its outputs may take as long to reach Voilà, except the import
cell ``cx.setup()``. In a kernel that Voilà starts ahead of time (``preheat_kernel``), that
cell waits for the participant's request, which may come hours later; a timeout there
would kill the waiting kernel and break the page of whoever arrives next.

Chart engine: one process next to the server builds and draws every kernel's charts
(:mod:`cxkit.charts.engine`), so a participant's kernel loads neither altair nor
vl-convert's JavaScript engine (about 140 MB each). Kernels find it through the
environment they inherit.
Set ``CXKIT_CHART_ENGINE=off`` to have every kernel draw its own charts.
"""

import os

from cxkit.charts import engine as chart_engine

CELL_TIMEOUT_S = int(os.environ.get("CXKIT_CELL_TIMEOUT", "120"))  # the tests shorten it
SETUP_CELL = "import cxkit as cx\ncx.setup()"


def cell_timeout(cell):
    """Seconds a cell may run: no limit for the setup cell, ``CELL_TIMEOUT_S`` otherwise."""
    return None if cell.get("source", "").strip() == SETUP_CELL else CELL_TIMEOUT_S


c = get_config()  # noqa: F821 - provided by traitlets when Voilà loads this file
c.VoilaExecutor.timeout = CELL_TIMEOUT_S
c.VoilaExecutor.timeout_func = cell_timeout
# Once a cell has run, wait as long for its outputs: nbclient's 4 s default dropped the
# form of notebook 03 when twenty participants opened it at once (the Voilà process read
# its ~280 messages up to 26 s late); voila.json makes a later arrival show the timeout
# sentence rather than an empty cell (raise_on_iopub_timeout).
c.VoilaExecutor.iopub_timeout = CELL_TIMEOUT_S

if os.environ.pop("CXKIT_CHART_ENGINE", "") != "off":
    chart_engine.start()
