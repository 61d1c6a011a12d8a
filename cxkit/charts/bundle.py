"""Write the Vega bundle that pages load to draw moved charts themselves
(:class:`cxkit.panels.ChartView`): ``python -m cxkit.charts.bundle [FOLDER]`` writes
``FOLDER/static/cxkit-vega.js`` (default folder: ``notebooks``). ``make install`` runs it.

The bundle is vl-convert's own (``vl_convert.javascript_bundle``: Vega, Vega-Lite and
Vega-Embed, the versions vl-convert draws with), made on this machine: nothing is
downloaded, and the app serves it like the notebooks' other files (``voila.json``'s
``file_allowlist``)."""
from __future__ import annotations

import sys
from pathlib import Path

#: Where the bundle goes, relative to the notebooks' folder (``ChartView`` looks there).
RELATIVE = Path("static") / "cxkit-vega.js"


def write(folder: Path | str = "notebooks") -> Path:
    """Write the bundle under ``folder``; returns its path (written whole, then renamed)."""
    import vl_convert as vlc

    target = Path(folder) / RELATIVE
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".js.partial")
    partial.write_text(vlc.javascript_bundle(), encoding="utf-8")
    partial.replace(target)
    return target


if __name__ == "__main__":
    path = write(sys.argv[1] if len(sys.argv) > 1 else "notebooks")
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
