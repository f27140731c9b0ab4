"""pygame and pyo, imported when first used rather than when named.

Layer and voice modules carry their parameter models, and the scene format reads those models
through the registries. Checking a scene (``installation validate``, the editor's schema, the
loader inside a running exhibit) therefore imports every plugin module; with these two stand-ins
it does so without loading SDL or pyo's sound engine (and pyo's Tk widgets), which it never uses.
The first attribute looked up on either module imports it for real (``importlib.util.LazyLoader``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["lazy_module", "pygame", "pyo"]

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

_LOCK = threading.Lock()


def lazy_module(name: str) -> ModuleType:
    """The module ``name``: the real one when already imported, else one that imports on use."""
    with _LOCK:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        loader = importlib.util.LazyLoader(spec.loader)
        spec.loader = loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loader.exec_module(module)
        return module


def is_loaded(name: str) -> bool:
    """True once ``name`` has really been imported (not only named through ``lazy_module``)."""
    module = sys.modules.get(name)
    if module is None:
        return False
    # A lazy module's class is LazyLoader's private _LazyModule until its first use.
    return type(module).__name__ != "_LazyModule"


if TYPE_CHECKING:  # the type checker reads the real modules
    import pygame
    import pyo
else:
    pygame = lazy_module("pygame")
    pyo = lazy_module("pyo")
