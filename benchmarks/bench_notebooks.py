"""The whole notebook suite under nbval, as `make test` runs it, with one chart engine for
every notebook (tools/nbval_engine.py; target: under 60 s; issue 19 before: 78 s, of which
~40 s started vl-convert once per notebook)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_nbval_suite():
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tools.nbval_engine", "--nbval",
         "--nbval-sanitize-with", "tests/sanitize.cfg", *notebooks],
        cwd=ROOT, capture_output=True, text=True, env=dict(os.environ))
    seconds = time.perf_counter() - start
    last = (result.stdout.strip().splitlines() or ["no output"])[-1]
    return {"name": f"nbval on all {len(notebooks)} notebooks", "value": seconds, "unit": "s",
            "target": 60.0, "notes": last}
