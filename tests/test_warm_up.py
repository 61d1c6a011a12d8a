"""Preheated kernels import their notebook's modules before the participant arrives
(issue 19: first render of 03, 04 and 05 within 1.3× a bare Voilà page)."""
import json
import sys
from pathlib import Path

import nbformat

import cxkit

ROOT = Path(__file__).resolve().parent.parent


def _notebook(tmp_path, *sources: str) -> Path:
    path = tmp_path / "page.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("cx.losses in text"),
                                                   *map(nbformat.v4.new_code_cell, sources)]), path)
    return path


def test_notebook_modules_lists_the_modules_its_code_names_in_order(tmp_path):
    path = _notebook(tmp_path, "import cxkit as cx\ncx.setup()",
                     'campaign = cx.panels.audit.session("sample")\ncx.i18n.t("x")',
                     'cx.charts.svg("audit.group_chart")\ncx.nope.x\ncx.panels.audit.session()')
    # markdown is not code; setup, svg and nope are not modules; each module once
    assert cxkit.notebook_modules(path) == ["cxkit.panels.audit", "cxkit.i18n"]


def test_warm_up_imports_the_modules_and_what_the_models_import_lazily(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _notebook(tmp_path, "cx.audit.wilson_interval(3, 4)")
    modules = cxkit.warm_up("page.ipynb")
    assert modules[0] == "cxkit.audit" and "scipy.stats" in modules
    assert "scipy.stats" in sys.modules


def test_warm_up_does_nothing_without_a_notebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cxkit.warm_up(None) == []
    assert cxkit.warm_up("missing.ipynb") == []


def test_every_preheated_notebook_has_modules_to_warm():
    pools = json.loads((ROOT / "voila.json").read_text())["VoilaKernelManager"]["kernel_pools_config"]
    for name, pool in pools.items():
        if name != "default" and pool["pool_size"]:
            assert cxkit.notebook_modules(ROOT / "notebooks" / name), name
