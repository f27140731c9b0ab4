"""Helpers shared by the commands: exit codes, sizes, paths, usage errors."""

from __future__ import annotations

import os
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


def parse_size(text: str, what: str = "size") -> tuple[int, int]:
    """``--size``, ``--canvas``, ``--tile``: the one size grammar (``scene.sizes``), refused
    as a usage error (exit 2) rather than a traceback."""
    from installation.scene.sizes import parse_size as parse

    try:
        return parse(text, what)
    except ValueError as err:
        raise UsageError(str(err)) from None


def headless() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def check_writable(folder: Path, shown: Path | None = None) -> None:
    """Refuse early (exit 2, nothing written) when ``folder`` cannot be created or written."""
    shown = shown or folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"cannot write to {shown}: {folder} is a file, not a folder")
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"cannot write to {shown}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to {shown}: permission denied")


def scene_or_show(target: str) -> Path:
    """A scene or show: a file, a bundled scene id, or a bundled show id; checked up front."""
    from installation.paths import SCENES, resolve_scene
    from installation.scene.loader import load_scene
    from installation.scene.show import is_show_file, load_show

    path = resolve_scene(target)
    if not path.exists() and (SCENES / "shows" / f"{target}.yaml").exists():
        path = SCENES / "shows" / f"{target}.yaml"
    if not path.exists() and Path(target).suffix not in (".yaml", ".yml"):
        raise UsageError(_not_found(target))
    load_show(path) if is_show_file(path) else load_scene(path)  # every mistake, before anything
    return path


def parse_view(args):
    """``--canvas`` and ``--viewport`` as a ``View`` (a video wall's screen), or None."""
    canvas, viewport = getattr(args, "canvas", None), getattr(args, "viewport", None)
    if canvas is None and viewport is None:
        return None
    if canvas is None or viewport is None:
        raise UsageError("a video wall's screen needs both --canvas WxH and --viewport X,Y,W,H")
    from installation.scene.wall import parse_viewport

    try:
        return parse_viewport(viewport, parse_size(canvas, "--canvas"))
    except ValueError as err:
        raise UsageError(str(err)) from None


def _not_found(target: str) -> str:
    from installation.paths import scene_search_path
    from installation.scene.errors import did_you_mean

    folders = scene_search_path()
    known = {p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.yaml")}
    where = ", ".join(str(f) for f in folders)
    return (
        f"no scene '{target}'{did_you_mean(target, known)}: looked in {where} "
        "(a scene id is its file's name without .yaml; INSTALLATION_SCENES adds folders)"
    )
