"""Submodules imported on first use, so ``import cxkit`` stays light."""
from __future__ import annotations

import importlib
from collections.abc import Callable


def submodule_getattr(package: str, namespace: dict) -> Callable[[str], object]:
    """A module-level ``__getattr__`` for ``package``: ``package.name`` imports
    ``package.name`` the first time it is asked for and keeps it in ``namespace``."""

    def __getattr__(name: str):
        try:
            module = importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{package}.{name}":
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
            raise
        namespace[name] = module
        return module

    return __getattr__
