"""Run the speed budget: every ``benchmarks/bench_*.py``, printed as a table and saved as JSON.

A bench module defines functions named ``bench_*``; each returns a dict with ``name``,
``value``, ``unit`` and ``target`` (the budget, same unit; lower is better) and may add
``notes``. ``make bench`` runs them all; ``python benchmarks/run.py queueing`` only those
whose module name contains ``queueing``. A measure whose unit is ``×`` is a ratio
(cxkit against a bare Voilà page or a numpy floor, both timed in the same run, issue 19);
ratios are listed again at the end with their targets. Results go to ``benchmarks/results/latest.json``
(git-ignored). The exit code is 1 when a measure misses its target.
"""
from __future__ import annotations

import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(func, repeat: int = 5) -> float:
    """The best wall time of ``repeat`` calls of ``func``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _modules(filters):
    for path in sorted(HERE.glob("bench_*.py")):
        if filters and not any(f in path.stem for f in filters):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        yield path.stem, module


def main(filters: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    results = []
    for stem, module in _modules(filters):
        for name in sorted(n for n in dir(module) if n.startswith("bench_")):
            result = getattr(module, name)()
            result.setdefault("module", stem)
            result["ok"] = result["value"] <= result["target"]
            results.append(result)
            print(f"  {'ok  ' if result['ok'] else 'MISS'} {result['name']:<55} "
                  f"{result['value']:>10.3f} {result['unit']:<4} (target {result['target']} {result['unit']})",
                  flush=True)
    ratios = [r for r in results if r["unit"] == "×"]
    if ratios:  # issue 19: each measure against its bare page or floor, measured in the same run
        print("\n  Ratios (cxkit / bare Voilà page or numpy floor, same run; lower is better):")
        for r in ratios:
            print(f"  {'ok  ' if r['ok'] else 'MISS'} {r['name']:<55} {r['value']:>6.2f} × (target ≤ {r['target']} ×)"
                  f"  {r.get('notes', '')}")
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "results": results}, indent=2))
    print(f"\n{sum(r['ok'] for r in results)} of {len(results)} within target; saved {out.relative_to(HERE.parent)}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
