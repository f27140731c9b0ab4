"""Registries: a layer, post effect or voice is one module that registers itself by name.

The validator, ``installation list``, the docs and the JSON Schema all read the registries, so
adding a module is the only edit a new kind needs.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

__all__ = ["LAYERS", "POST", "VOICES", "Registry", "import_submodules", "summary_of"]


def summary_of(cls: type) -> str:
    """A layer's, effect's or voice's own words for what it is: its docstring's first paragraph,
    on one line (the reference, the README's tables, ``installation list`` and the schema all
    show it)."""
    doc = (cls.__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


class Registry(Generic[T]):
    """Name → class, filled by a decorator at import time."""

    def __init__(self, kind: str, package: str):
        self.kind = kind
        self._package = package
        self._items: dict[str, type[T]] = {}
        self._loaded = False
        # the next scene is loaded in a thread while the current one plays: whoever asks first
        # imports the plugins, and the other waits for all of them (it saw none, or half, before)
        self._lock = threading.RLock()

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def decorate(cls: type[T]) -> type[T]:
            if name in self._items and self._items[name] is not cls:
                raise ValueError(f"{self.kind} '{name}' registered twice")
            cls.name = name  # type: ignore[attr-defined]
            self._items[name] = cls
            return cls

        return decorate

    def unregister(self, name: str) -> None:
        """Remove a name (plugins reloaded in a running process, and tests)."""
        self._items.pop(name, None)

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                import_submodules(self._package)
                self._loaded = True  # only once every plugin is in (a failing import retries)

    def __getitem__(self, name: str) -> type[T]:
        """A kind known to be registered (an entry that validated): KeyError otherwise."""
        found = self.get(name)
        if found is None:
            raise KeyError(f"no {self.kind} '{name}'")
        return found

    def get(self, name: str) -> type[T] | None:
        self._load()
        return self._items.get(name)

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def __iter__(self) -> Iterator[tuple[str, type[T]]]:
        self._load()
        return iter(sorted(self._items.items()))


def import_submodules(package: str) -> None:
    """Import every module of a package so their ``register`` decorators run."""
    pkg = importlib.import_module(package)
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")


# The three plugin registries. They live here, not beside their base classes, so that the scene
# format can read the parameter models they carry without importing the picture or sound engines.
LAYERS: Registry = Registry("layer", "installation.visuals.layers")
POST: Registry = Registry("post effect", "installation.visuals.post")
VOICES: Registry = Registry("voice", "installation.sound.voices")
