"""Bokeh from the frame's own lights: each bright point behind the focus becomes the lens's disc.

A layer declares the points of light it shows (``Layer.lights``: a window, a lamp, a glint,
each with its depth, colour and brightness). After the layer is painted, every light that lies
behind the focal plane and is blurred by more than a pixel and a half is drawn as the lens's
disc (``lens.disc_kernel``) of its own blur radius, added as light: nearer layers painted later
cover it, as they would. Lights on the focal plane, or in front of it, draw nothing here.

Discs are pre-rendered sprites: radii in steps of 12%, colours in steps of 8 levels, brightness
in LEVELS steps, and toward the corners a cat's eye in one of SQUEEZES x ANGLES shapes. A disc's
brightness falls with its size as the light spreads over it, less than the area would say: a
city light is far brighter than 8 bits hold.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from installation.lazy import pygame
from installation.visuals.lens import Optics, disc_kernel
from installation.visuals.raster import planes_to_surface

__all__ = ["Lights", "disc_level", "draw_discs"]

#: the least blur radius, px at 1080 lines, at which a light becomes a disc
LEAST_RADIUS = 1.5
LEVELS = 20
RADIUS_STEP = 1.12
SQUEEZES = 4  # steps of the cat's eye toward the corners
ANGLES = 8  # its orientations (a cat's eye is the same turned half a circle)


@dataclass(frozen=True)
class Lights:
    """Points of light: where (px), how far (metres, one for all or one each), their colours
    ((n, 3), 0..255) and brightness (0..1, a bright lamp 1)."""

    x: np.ndarray
    y: np.ndarray
    depth: np.ndarray | float
    colour: np.ndarray
    level: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


def disc_level(radius: float, unit: float) -> float:
    """How bright a disc of ``radius`` px is against the point it blurs: less as it grows (its
    light spreads), but far less than by its area (a lamp outshines 8 bits many times over)."""
    r = radius / max(unit, 1e-3)  # in px at 1080 lines
    return 0.62 * (6.0 / max(r, 6.0)) ** 0.4


def draw_discs(target: pygame.Surface, lights: Lights, optics: Optics) -> int:
    """Add the disc of every light behind the focus to ``target``; returns how many were drawn."""
    if not len(lights):
        return 0
    w, h = optics.size
    unit = h / 1080
    depth = np.broadcast_to(np.asarray(lights.depth, dtype=np.float64), lights.x.shape)
    radii = optics.radii(depth)
    show = (depth > optics.focus) & (radii >= LEAST_RADIUS * unit) & (lights.level > 0)
    idx = np.nonzero(show)[0]
    if not len(idx):
        return 0
    x, y, r = lights.x[idx], lights.y[idx], radii[idx]
    inside = (x > -r) & (x < w + r) & (y > -r) & (y < h + r)
    idx, x, y, r = idx[inside], x[inside], y[inside], r[inside]
    if not len(idx):
        return 0
    steps = np.round(np.log(np.maximum(r, 0.5)) / math.log(RADIUS_STEP)).astype(int)
    sizes = RADIUS_STEP ** steps.astype(np.float64) / max(unit, 1e-3)  # px at 1080 lines
    gain = 0.62 * (6.0 / np.maximum(sizes, 6.0)) ** 0.4  # ``disc_level``, for every light
    level = lights.level[idx] * optics.bokeh * gain
    levels = np.clip(np.rint(level * LEVELS), 0, LEVELS).astype(int)
    colours = (np.rint(lights.colour[idx] / 8) * 8).clip(0, 255).astype(int)
    # the cat's eye: how far toward a corner (0 centre, 1 corner) and along which direction
    dx, dy = (x - w / 2) / (w / 2), (y - h / 2) / (h / 2)
    rho = np.clip(np.sqrt((dx * dx + dy * dy) / 2), 0, 1)
    squeeze = np.rint(optics.catseye * np.clip((rho - 0.3) / 0.7, 0, 1) * (SQUEEZES - 1))
    angle = np.rint((np.arctan2(dy, dx * w / h) % math.pi) / math.pi * ANGLES).astype(int) % ANGLES
    blits = []
    for i in np.nonzero(levels)[0]:
        sprite = _disc(int(steps[i]), tuple(colours[i]), int(levels[i]), int(squeeze[i]),
                       int(angle[i]) if squeeze[i] else 0)  # fmt: skip
        half = sprite.get_width() // 2
        blits.append((sprite, (int(x[i]) - half, int(y[i]) - half)))
    target.fblits(blits, pygame.BLEND_RGB_ADD)
    return len(blits)


@functools.lru_cache(maxsize=4096)
def _disc(step: int, colour: tuple, level: int, squeeze: int, angle: int) -> pygame.Surface:
    """The disc of blur radius RADIUS_STEP**step px at ``level``, ``colour``; cut into a cat's
    eye ``squeeze`` steps of SQUEEZES toward the corners, along ``angle`` of ANGLES."""
    radius = RADIUS_STEP**step
    kernel = disc_kernel(radius, 0.8 * squeeze / (SQUEEZES - 1), math.pi * angle / ANGLES)
    shape = kernel / max(float(kernel.max()), 1e-6) * (level / LEVELS)
    return planes_to_surface(np.stack([shape * c for c in colour]))
