"""A figure in the scene's light: the rim it catches on the side facing the light, the shadow it
casts on the ground away from it, and the contact shadow under its feet.

Shared by the layers that stand people (and things) on a ground: the crowd, the dancers, the
woman at the wood's edge. All of it is sprites made once per figure sprite and step of the light
(its side, its strength, the shadow's direction and length), so a frame costs blits only.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from installation.lazy import pygame
from installation.visuals.lens import LEAST, disc_blur
from installation.visuals.raster import new_surface

__all__ = ["cast_shadow", "contact_shadow", "rim_sprite", "shadow_direction"]

SHADOW = (24, 14, 18)  # a shadow's own colour: a warm dark, never grey


def shadow_direction(light, sky, x: float) -> tuple[float, float, float] | None:
    """Where a thing standing at ``x`` (frame fraction) throws its shadow: (angle from straight
    down toward the viewer, radians; length as a share of its height; strength 0..1), or None
    when there is no light. A light beyond the horizon (behind the scene) throws shadows toward
    the viewer, fanning out from under it; the lower it stands, the longer they are."""
    if light is not None:
        lx, height, strength = light.x, light.height, light.strength
    elif sky is not None and sky.sun is not None:
        sun = sky.sun
        lx, height = sun.x, sun.height
        strength = min(1.0, max(0.0, (sun.height + 0.04) / 0.08)) * sun.glow
    else:
        return None
    if strength <= 0.02:
        return None
    angle = math.atan2(x - lx, 0.35)  # fanning out from below the light
    length = min(2.2, 0.18 / max(height, 0.06))
    return angle, length, min(1.0, strength)


@functools.lru_cache(maxsize=1024)
def contact_shadow(width: int, strength: int) -> pygame.Surface:
    """A soft dark pool under the feet, ``width`` px wide, ``strength`` of 8 (alpha)."""
    w = max(4, width)
    h = max(2, w // 4)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = ((xs + 0.5) / w * 2 - 1) ** 2 + ((ys + 0.5) / h * 2 - 1) ** 2
    alpha = np.clip(1 - d2, 0, 1) ** 1.5 * 200 * strength / 8
    return _tinted(alpha.T)


@functools.lru_cache(maxsize=2048)
def cast_shadow(
    sprite: pygame.Surface, angle_step: int, length_step: int, strength: int
) -> tuple[pygame.Surface, tuple[int, int]]:
    """The shadow of ``sprite`` (feet on its bottom edge) laid on the ground: turned over at the
    feet, shortened to ``length_step`` / 8 of its height, swung ``angle_step`` * 0.1 rad from
    straight down, softened, ``strength`` of 8. Returns it and where the feet are in it."""
    w, h = sprite.get_size()
    length = max(2, round(h * length_step / 8 * 0.5))  # the ground is foreshortened
    flat = pygame.transform.smoothscale(pygame.transform.flip(sprite, False, True), (w, length))
    alpha = pygame.surfarray.array_alpha(flat).astype(np.float32) * (0.55 * strength / 8)
    soft = max(1.0, length / 14)
    blurred = disc_blur(alpha.T, soft).T if soft >= LEAST else alpha
    pad = (blurred.shape[0] - alpha.shape[0]) // 2  # the blur grew it on every side
    shadow = _tinted(blurred)
    turned = pygame.transform.rotate(shadow, math.degrees(angle_step * 0.1))
    # the feet: the middle of the top edge before turning, carried through the rotation
    cx, cy = shadow.get_width() / 2, float(pad)
    ox, oy = cx - shadow.get_width() / 2, cy - shadow.get_height() / 2
    a = angle_step * 0.1
    rx = ox * math.cos(a) + oy * math.sin(a)
    ry = -ox * math.sin(a) + oy * math.cos(a)
    feet = (round(turned.get_width() / 2 + rx), round(turned.get_height() / 2 + ry))
    return turned, feet


@functools.lru_cache(maxsize=4096)
def rim_sprite(sprite: pygame.Surface, side: int, colour: tuple, level: int) -> pygame.Surface:
    """The light a figure's edges catch from a light on ``side`` (1 right, -1 left) and above:
    a line a pixel or two deep along those edges, in ``colour`` at ``level`` of 8, to add."""
    solid = pygame.surfarray.array_alpha(sprite).astype(np.float32) / 255.0  # x by y
    reach = max(1, round(sprite.get_height() / 90))
    light = np.zeros_like(solid)
    for d in range(1, reach + 1):
        toward = np.zeros_like(solid)
        if side > 0:
            toward[:-d, :] = solid[d:, :]
        else:
            toward[d:, :] = solid[:-d, :]
        above = np.zeros_like(solid)
        above[:, d:] = solid[:, :-d]
        weight = 1.0 - (d - 1) / (reach + 1)
        light = np.maximum(light, np.clip(solid - toward, 0, 1) * weight)
        light = np.maximum(light, np.clip(solid - above, 0, 1) * weight * 0.7)
    out = new_surface(sprite.get_size())
    k = level / 8
    pixels = pygame.surfarray.pixels3d(out)
    pixels[...] = np.clip(light[:, :, None] * np.array(colour, np.float32) * k, 0, 255)
    del pixels
    return out


def _tinted(alpha: np.ndarray) -> pygame.Surface:
    """SHADOW's colour with ``alpha`` (x by y, 0..255) as its coverage."""
    surface = new_surface(alpha.shape, alpha=True)
    surface.fill((*SHADOW, 0))
    plane = pygame.surfarray.pixels_alpha(surface)
    plane[...] = np.clip(alpha, 0, 255).astype(np.uint8)
    del plane
    return surface
