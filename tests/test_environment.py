"""pyproject.toml and environment.yml describe the same dependencies."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQ = re.compile(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*(>=\s*[0-9][0-9.]*)?\s*(#.*)?$")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    pairs = (re.match(r"([A-Za-z0-9_.\-]+)\s*(>=[0-9.]+)?", r).groups() for r in reqs)
    return {name.lower(): (bound or "") for name, bound in pairs}


def _environment() -> tuple[dict[str, str], list[str]]:
    deps, uncommented = {}, []
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        match = REQ.match(line)
        if not match or match.group(1) in {"python", "pip", "-e"}:
            continue
        name, bound, comment = match.groups()
        deps[name.lower()] = (bound or "").replace(" ", "")
        if not comment:
            uncommented.append(name)
    return deps, uncommented


def test_same_dependencies_and_bounds():
    """environment.yml lists exactly pyproject's dependencies with the same lower bounds"""
    env, _ = _environment()
    assert env == _pyproject()


def test_each_dependency_says_who_needs_it():
    """environment.yml: every dependency carries a comment saying what needs it"""
    _, uncommented = _environment()
    assert uncommented == []
