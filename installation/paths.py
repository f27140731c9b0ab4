"""Where bundled things live, and finding scene files from command-line arguments.

The bundled scenes, shows, assets and reference are package data, in ``installation/bundled/``:
in a checkout its ``scenes``, ``assets`` and ``docs`` are links to the folders at the top of the
checkout (where artists and the README know them, and an editable install reads them); in an
installed wheel they are copies (``pyproject.toml`` names what ships). Either way they are read
through ``importlib.resources`` from the package, so ``installation still magic-hour`` works from
any folder. A wheel is always unpacked on disk by pip, so these are real paths that pygame, pyo
and FFmpeg can open.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

__all__ = [
    "ASSETS",
    "BUNDLED",
    "CHECKOUT",
    "DOCS",
    "ROOT",
    "SCENES",
    "bundled_scenes",
    "cache_dir",
    "expand",
    "resolve_scene",
    "scene_search_path",
]

#: the folder holding the bundled scenes/, assets/ and docs/ (links in a checkout), unresolved:
#: an asset path written ``assets/images/x.jpg`` is looked for under it
BUNDLED = Path(str(files("installation") / "bundled"))
SCENES = (BUNDLED / "scenes").resolve()
ASSETS = (BUNDLED / "assets").resolve()
DOCS = (BUNDLED / "docs").resolve()
#: the folder above the package: the checkout's root when run from one
ROOT = Path(__file__).resolve().parent.parent
#: the checkout, or None for an installed package (site-packages has no pyproject.toml)
CHECKOUT = ROOT if (ROOT / "pyproject.toml").is_file() else None


def cache_dir() -> Path:
    """The user's cache folder for what the engine works out once and keeps (loudness gains,
    rooms split into early and tail): $XDG_CACHE_HOME/installation, else ~/.cache/installation."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "installation"


def bundled_scenes() -> list[Path]:
    return sorted(p for p in SCENES.glob("*.yaml") if not p.name.startswith("show"))


def expand(paths: list[str]) -> list[Path]:
    """Files as given; folders become the YAML files inside them (recursively), sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        else:
            out.append(path)
    return out


def scene_search_path() -> list[Path]:
    """Where a scene id is looked for, first match wins: ``./scenes``, then each folder in
    ``INSTALLATION_SCENES`` (separated like PATH), then the bundled scenes."""
    extra = [Path(p) for p in os.environ.get("INSTALLATION_SCENES", "").split(os.pathsep) if p]
    return [Path("scenes"), *extra, SCENES]


def resolve_scene(name: str) -> Path:
    """A path, or the id of a scene on the search path (``dusk`` → ``scenes/dusk.yaml``, the
    artist's own before the bundled one)."""
    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return path
    for folder in scene_search_path():
        found = folder / f"{name}.yaml"
        if found.is_file():
            return found
    return SCENES / f"{name}.yaml"
