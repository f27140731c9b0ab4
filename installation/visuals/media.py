"""What the ``image`` and ``footage`` layers share: pictures graded into the scene's light, and
the slow drift and zoom a still picture is shown with (a rostrum camera's move)."""

from __future__ import annotations

import math

import numpy as np

from installation.lazy import pygame
from installation.visuals.frame import Frame

__all__ = ["grade_into", "rostrum", "to_surface"]


def grade_into(rgb: np.ndarray, shadows: tuple, highlights: tuple, amount: float) -> np.ndarray:
    """(h, w, 3) uint8 → the same picture moved ``amount`` of the way onto a two-colour ramp
    from ``shadows`` to ``highlights`` by its luminance: any photograph then sits in the palette
    (a cold blue street becomes plum and amber) and keeps its light and shade."""
    if amount <= 0:
        return rgb
    x = rgb.astype(np.float32)
    luma = (x @ np.array([0.2126, 0.7152, 0.0722], np.float32)) / 255.0
    lo, hi = np.array(shadows, np.float32), np.array(highlights, np.float32)
    ramp = lo + (hi - lo) * (luma[..., None] ** 0.9)
    # keep a little of each pixel's own colour: skin, lamps and neon still read as themselves
    out = x + (ramp * 0.85 + x * 0.15 - x) * amount
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def to_surface(rgb: np.ndarray) -> pygame.Surface:
    """(h, w, 3) uint8 → a surface in the canvas's format."""
    h, w = rgb.shape[:2]
    image = pygame.image.frombuffer(np.ascontiguousarray(rgb).tobytes(), (w, h), "RGB")
    return image.convert() if pygame.display.get_init() and pygame.display.get_surface() else image


def rostrum(
    frame: Frame,
    source: tuple[int, int],
    out: tuple[int, int],
    zoom: float,
    drift: float,
    period: float,
    seed: float,
) -> pygame.Rect:
    """The part of a ``source``-sized picture to show in an ``out``-shaped frame: covered at
    ``zoom`` (1 fills the frame), wandering ``drift`` of the spare margin along a slow ellipse
    that goes round once every ``period`` seconds (fitted to the loop), breathing in and out."""
    sw, sh = source
    ow, oh = out
    cover = max(ow / sw, oh / sh)  # picture pixels → frame pixels at zoom 1
    turn = frame.cycles(1.0 / period) if period > 0 else 0.0
    breathe = 1.0 + 0.04 * drift * (0.5 - 0.5 * math.cos(math.tau * turn))
    scale = cover * zoom * breathe
    w, h = min(sw, ow / scale), min(sh, oh / scale)
    spare_x, spare_y = (sw - w) / 2, (sh - h) / 2
    angle = math.tau * (turn + seed)
    cx = sw / 2 + spare_x * drift * math.cos(angle)
    cy = sh / 2 + spare_y * drift * math.sin(angle) * 0.6
    return pygame.Rect(round(cx - w / 2), round(cy - h / 2), max(1, round(w)), max(1, round(h)))
