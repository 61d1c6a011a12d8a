"""The workshop's state (cxkit.workshop): one store, one grid, the trainer's switches, the
saved language; and cxkit's modules import one another in layers, without a circle."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import pytest

from cxkit import audit, i18n, report, workshop
from cxkit.store import Store

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cxkit"


@pytest.fixture
def room(tmp_path, monkeypatch):
    """An empty workshop store of its own (CXKIT_DB), the one workshop.store() builds."""
    monkeypatch.setenv("CXKIT_DB", str(tmp_path / "w" / "cxkit.sqlite"))
    return workshop.store()


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_store_is_built_from_cxkit_db(room, tmp_path):
    """workshop.store(): the one Store of the panels, at CXKIT_DB"""
    assert isinstance(room, Store)
    assert Path(room.path).resolve() == (tmp_path / "w" / "cxkit.sqlite").resolve()


def test_grid_chosen_in_02_scores_03_and_08_alike(room):
    """room grid: a grid chosen in 02's panel gives 03's panel and 08's report the same mean score"""
    from cxkit.panels import audit as audit_panels

    room.add_calls(audit.records_for_store(audit.load_sample_campaign(audit.load_grid()), audit.load_grid()),
                   batch="sample")
    panel = audit_panels.grid_panel()
    sliders = [w for w in _walk(panel) if isinstance(w, widgets.FloatSlider)]
    boxes = [w for w in _walk(panel) if isinstance(w, widgets.Checkbox)]
    sliders[0].value = sliders[0].value * 3
    boxes[-1].value = not boxes[-1].value
    use = next(w for w in _walk(panel) if isinstance(w, widgets.Button) and w.description == i18n.t("audit.grid.use"))
    use.click()
    assert workshop.room_grid(room).attrs["room_choices"] == 2

    session = audit_panels.session("store")
    _, scored = session._primary_scored()
    page = audit.indicators(scored)["mean_score"]
    written = report.build(room, n=200)["audit"]["indicators"]["mean_score"]
    shipped = audit.indicators(audit.score_calls(audit.primary_calls(workshop.scored_calls(room)),
                                                 audit.load_grid()))["mean_score"]
    assert page == pytest.approx(written, abs=1e-9)
    assert page != pytest.approx(shipped, abs=1e-6)  # the choice did change the score


def test_reveal_and_lock_round_trip(room):
    """reveal/revealed and lock_forms/forms_locked: what the trainer opens and locks is read back, per store"""
    assert workshop.revealed() == set() and workshop.forms_locked() is False
    assert workshop.reveal("03.1") == {"03.1"}
    workshop.reveal("01.room")
    workshop.reveal("03.1", shown=False)
    assert workshop.revealed() == {"01.room"}
    workshop.lock_forms(True)
    assert workshop.forms_locked() is True
    workshop.lock_forms(False)
    assert workshop.forms_locked() is False


def test_switches_stay_in_their_room(room):
    """reveal and lock_forms belong to the room in use: another room starts closed and open"""
    if not hasattr(room, "open_room"):
        pytest.skip("this store has no rooms yet")
    room.open_room("first")
    workshop.reveal("03.1")
    workshop.lock_forms(True)
    workshop.store().open_room("second")
    assert workshop.revealed() == set() and workshop.forms_locked() is False
    assert workshop.revealed(workshop.store("first")) == {"03.1"}


def test_switches_fail_closed_without_a_store(monkeypatch):
    """revealed/forms_locked: a store that cannot be read leaves answers folded and forms open"""
    def broken(room=None):
        raise OSError("disk gone")

    monkeypatch.setattr(workshop, "store", broken)
    assert workshop.revealed() == set()
    assert workshop.forms_locked() is False
    assert workshop.language() is None


def test_language_moves_from_settings_json_into_the_store(room, tmp_path):
    """language(): an old workspace/settings.json is read once and kept in the store's settings"""
    (tmp_path / "w" / "settings.json").write_text(json.dumps({"language": "en"}), encoding="utf-8")
    assert workshop.language() == "en"
    assert room.setting(workshop.LANGUAGE) == "en"
    (tmp_path / "w" / "settings.json").unlink()
    assert workshop.language() == "en"
    workshop.save_language("fr")
    assert workshop.language() == "fr"
    with pytest.raises(ValueError):
        workshop.save_language("de")


def test_i18n_reads_the_saved_language_through_workshop(room, monkeypatch):
    """i18n.resolve_language: the choice saved on the home page (set_language(remember=True)) comes from the store"""
    monkeypatch.delenv("CXKIT_LANG", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    previous = i18n.get_language()
    try:
        i18n.set_language("en", remember=True)
        assert room.setting(workshop.LANGUAGE) == "en"
        assert i18n.resolve_language() == "en"
    finally:
        i18n.set_language(previous)


def test_decisions_default_and_saved(room):
    """decisions(): the defaults, overridden key by key by what the room saved"""
    assert workshop.decisions() == workshop.DECISION_DEFAULTS
    assert workshop.save_decisions({"yearly_cost": 100_000.0})["yearly_cost"] == 100_000.0
    assert workshop.decisions()["target_bad_call_rate"] == workshop.DECISION_DEFAULTS["target_bad_call_rate"]
    with pytest.raises(KeyError):
        workshop.save_decisions({"budget": 1})


def test_clock_start_and_stop(room):
    """start_clock/clock/stop_clock: the run sheet's clock is the room's"""
    assert workshop.clock() is None
    assert workshop.start_clock("manager", start=1_000.0) == {"start": 1_000.0, "cut": "manager"}
    assert workshop.clock() == {"start": 1_000.0, "cut": "manager"}
    workshop.stop_clock()
    assert workshop.clock() is None


# --- imports in layers ------------------------------------------------------------------

#: Layers from the bottom: a module imports from its own layer or below, never above.
LAYERS = {
    "base": {"cxkit._lazy", "cxkit.errors", "cxkit.i18n", "cxkit.io"},
    "models": {"cxkit.audit", "cxkit.calibration", "cxkit.checks", "cxkit.complaints", "cxkit.journey",
               "cxkit.losses", "cxkit.nav", "cxkit.queueing", "cxkit.retention", "cxkit.sample",
               "cxkit.staffing", "cxkit.stories", "cxkit.store", "cxkit.guide"},
    "workshop": {"cxkit.workshop"},
    "charts": {"cxkit.charts", "cxkit.report"},
    "panels": {"cxkit.panels"},
}
ORDER = list(LAYERS)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The cxkit modules ``name`` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                out.add(full if full in modules else module)
    # a submodule reading from its own package (cxkit.charts.engine → cxkit.charts) is not
    # an edge: the package's __init__ is the facade of its submodules
    return {m for m in out if m in modules and m != name and not name.startswith(m + ".")}


def _layer(name: str) -> str | None:
    """The module's layer; a top-level module not listed is a model (pure functions)."""
    for layer, members in LAYERS.items():
        if any(name == m or name.startswith(m + ".") for m in members):
            return layer
    return "models" if name.count(".") == 1 else None


def test_imports_form_no_circle():
    """imports: cxkit's modules (the package facade aside) import one another without a circle"""
    modules = _modules()
    graph = {n: _imports(n, p, modules) for n, p in modules.items() if n != "cxkit"}
    graph = {n: {m for m in deps if m != "cxkit"} for n, deps in graph.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " → ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_imports_go_down_the_layers():
    """imports: io → models → workshop → charts → panels; no module imports from a layer above its own"""
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        if name == "cxkit":
            continue
        layer = _layer(name)
        assert layer is not None, f"{name} belongs to no layer: add it to LAYERS"
        for dep in _imports(name, path, modules):
            if dep != "cxkit" and ORDER.index(_layer(dep)) > ORDER.index(layer):
                wrong.append(f"{name} ({layer}) imports {dep} ({_layer(dep)})")
    assert wrong == []


def test_i18n_imports_neither_store_nor_errors():
    """imports: i18n is at the bottom (the old i18n → store → errors → i18n circle is gone)"""
    modules = _modules()
    assert _imports("cxkit.i18n", modules["cxkit.i18n"], modules) == set()


@pytest.mark.parametrize("first", ["cxkit.i18n", "cxkit.errors", "cxkit.store", "cxkit.workshop"])
def test_each_module_imports_first_in_a_fresh_interpreter(first):
    """imports: each module of the former circle imports on its own in a new Python, then uses the others"""
    code = (f"import {first}\nimport cxkit.i18n as i\nfrom cxkit.errors import DataError\n"
            "print(str(DataError(i.t('io.required'), column='x')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr


def test_decision_defaults_are_the_report_and_dashboard_defaults():
    """decision defaults: workshop's are the report's (08) and the loss dashboard's (05), value for value"""
    from cxkit.panels import losses as loss_panels

    d = workshop.DECISION_DEFAULTS
    assert (report.TARGET_BAD_CALL_RATE, report.PLAN_COST, report.ONE_OFF_COST, report.YEARS) == \
        (d["target_bad_call_rate"], d["yearly_cost"], d["one_off_cost"], d["years"])
    dash = loss_panels.DEFAULTS
    assert (dash["target_bad_call_rate"], dash["plan_cost"], dash["one_off_cost"], dash["years"]) == \
        (d["target_bad_call_rate"], d["yearly_cost"], d["one_off_cost"], d["years"])
