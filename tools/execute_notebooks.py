"""Re-execute notebooks in place, the way the tests run them.

    python tools/execute_notebooks.py notebooks/03_scoring_the_phone_audit.ipynb ...

Each notebook runs in a fresh kernel from the ``notebooks/`` folder, in English
(``CXKIT_LANG=en``), against an empty temporary store (``CXKIT_DB``), with a timeout per
cell and no widget state saved, so the committed outputs are what nbval will see.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT_S = 120


def execute(path: Path, workdir: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3", store_widget_state=False,
                            record_timing=False,
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings would make every run a diff
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(paths: list[str]) -> int:
    from cxkit.charts import engine

    # one chart engine for every notebook (vl-convert started once), as `make test` does
    # (tools/nbval_engine.py); its drawings are byte-identical to a kernel's own
    process, address, key = engine.standalone()
    os.environ[engine.ENV_ADDRESS], os.environ[engine.ENV_KEY] = address, key
    try:
        with tempfile.TemporaryDirectory(prefix="cxkit-exec-") as tmp:
            os.environ["CXKIT_LANG"] = "en"
            os.environ.setdefault("PYTHONHASHSEED", "0")
            for name in paths:
                # each notebook starts from an empty store, as under nbval
                os.environ["CXKIT_DB"] = str(Path(tmp) / f"{Path(name).stem}.sqlite")
                seconds = execute(Path(name), Path(tmp))
                print(f"{name}: executed in {seconds:.1f} s")
    finally:
        process.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
