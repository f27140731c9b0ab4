"""Blend modes for whole layers: normal, add, screen, multiply, each with an opacity.

All are pygame's SIMD blits and fills plus, for screen, one numpy invert; nothing here loops
over pixels in Python. ``layer`` is never modified, so callers may cache it.
"""

from __future__ import annotations

import numpy as np

from installation.lazy import pygame
from installation.visuals.raster import scratch

__all__ = ["BLENDS", "blend"]

BLENDS = ("normal", "add", "screen", "multiply")


def _invert_into(source: pygame.Surface, target: pygame.Surface) -> None:
    src = pygame.surfarray.pixels2d(source)
    dst = pygame.surfarray.pixels2d(target)
    np.invert(src, out=dst)
    del src, dst


def _scaled(layer: pygame.Surface, level: int, slot: str) -> pygame.Surface:
    """``layer`` times ``level / 255`` in a scratch surface (the layer itself is kept)."""
    if level >= 255:
        return layer
    out = scratch(layer.get_size(), slot)
    out.blit(layer, (0, 0))
    out.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
    return out


def blend(canvas: pygame.Surface, layer: pygame.Surface, mode: str, opacity: float) -> None:
    """Blend ``layer`` (same size as ``canvas``) onto ``canvas``."""
    if opacity <= 0.0:
        return
    level = round(255 * min(opacity, 1.0))
    if mode == "normal":
        # set_alpha(None) would also switch off a layer's own per-pixel alpha (an RGBA layer
        # such as a window's glass): those keep blending, at 255
        per_pixel = bool(layer.get_flags() & pygame.SRCALPHA)
        rest = 255 if per_pixel else None
        layer.set_alpha(level if level < 255 else rest)
        canvas.blit(layer, (0, 0))
        layer.set_alpha(rest)
    elif mode == "add":
        canvas.blit(_scaled(layer, level, "blend"), (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    elif mode == "screen":  # c + s * (1 - c): the light a layer adds shrinks as c nears white
        room = scratch(canvas.get_size(), "screen")
        _invert_into(canvas, room)
        room.blit(_scaled(layer, level, "blend"), (0, 0), special_flags=pygame.BLEND_RGB_MULT)
        canvas.blit(room, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    elif mode == "multiply":  # c * (1 - o * (1 - s))
        if level < 255:
            dark = scratch(layer.get_size(), "blend")
            _invert_into(layer, dark)
            dark.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
            _invert_into(dark, dark)
            layer = dark
        canvas.blit(layer, (0, 0), special_flags=pygame.BLEND_RGB_MULT)
    else:
        raise ValueError(f"unknown blend mode '{mode}'")
