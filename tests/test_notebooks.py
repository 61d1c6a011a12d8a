"""The notebooks read as a table of contents and open and close the same way."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cxkit import nav

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^\d\d_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")
CDN = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs\.|fonts\.googleapis|esm\.sh", re.I)
MAX_CODE_LINES = 15


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _code_lines(cell):
    return [l for l in "".join(cell["source"]).splitlines() if l.strip() and not l.strip().startswith("#")]


def test_names_are_a_table_of_contents():
    """notebooks: every file is NN_snake_title.ipynb and is a step of the workshop map"""
    names = [p.name for p in NOTEBOOKS if p.name != "trainer.ipynb"]  # the trainer's console: no step
    assert all(NAME.match(n) for n in names), names
    assert names == [s.filename for s in nav.STEPS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_the_same_way(path):
    """notebooks: a title first, then one import cell `import cxkit as cx; cx.setup()`"""
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == "import cxkit as cx\ncx.setup()"
    imports = [c for c in code[1:] if re.search(r"^\s*(import|from)\s", "".join(c["source"]), re.M)]
    assert imports == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_short_executed_and_clean(path):
    """notebooks: code cells are short calls with no function, all executed, no error output"""
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert cell["execution_count"] is not None, f"cell {i} not executed"
        assert len(_code_lines(cell)) <= MAX_CODE_LINES, f"cell {i} is too long"
        assert not re.search(r"^\s*(def|class)\s", source, re.M), f"cell {i} defines a function"
        assert "sys.path" not in source
        assert not [o for o in cell.get("outputs", []) if o["output_type"] == "error"], f"cell {i} has an error"
        streams = [o for o in cell.get("outputs", []) if o.get("name") == "stderr"]
        assert streams == [], f"cell {i} wrote to stderr: {streams}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_widget_state_and_no_cdn(path):
    """notebooks: no saved widget state and no link to a CDN in sources or outputs"""
    text = path.read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" not in text
    assert not CDN.search(text)


def test_app_files_have_no_cdn():
    """the app's template, config and package reference no CDN"""
    files = [*ROOT.glob("share/**/*.*"), ROOT / "voila.json", *ROOT.glob("cxkit/**/*.py")]
    offenders = [str(f.relative_to(ROOT)) for f in files if f.is_file() and CDN.search(f.read_text(errors="ignore"))]
    assert offenders == []
