"""Headless by default: no window, no audio device, no GUI toolkit from pyo."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("PYO_GUI_WX", "0")
# the loudness and room caches start empty for every test run: nothing a user's earlier runs
# calibrated can hide a change (subprocesses inherit it)
os.environ["XDG_CACHE_HOME"] = __import__("tempfile").mkdtemp(prefix="installation-cache-")

from pathlib import Path

import numpy as np
import pygame
import pytest

from installation.scene.loader import parse_scene
from installation.visuals.compositor import Compositor


def pixels(surface: pygame.Surface) -> np.ndarray:
    """(h, w, 3) float array of a surface."""
    return pygame.surfarray.array3d(surface).transpose(1, 0, 2).astype(np.float32)


def render_yaml(text: str, t: float = 1.0, size: tuple[int, int] = (320, 180)) -> np.ndarray:
    scene = parse_scene(text, "<test>")
    return pixels(Compositor(scene, size).render(t))


@pytest.fixture
def write(tmp_path: Path):
    """Write a scene file and return its path."""

    def _write(text: str | bytes, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    return _write
