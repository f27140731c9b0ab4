"""Blend modes for whole layers: normal, add, screen, multiply, each with an opacity."""

from __future__ import annotations

import numpy as np
import pygame

__all__ = ["BLENDS", "blend"]

BLENDS = ("normal", "add", "screen", "multiply")


def _invert(surface: pygame.Surface) -> None:
    view = pygame.surfarray.pixels2d(surface)
    np.invert(view, out=view)
    del view


def blend(canvas: pygame.Surface, layer: pygame.Surface, mode: str, opacity: float) -> None:
    """Blend ``layer`` (same size, consumed: it may be changed) onto ``canvas``."""
    if opacity <= 0.0:
        return
    level = round(255 * min(opacity, 1.0))
    if mode == "normal":
        layer.set_alpha(level if level < 255 else None)
        canvas.blit(layer, (0, 0))
        return
    if mode == "add":
        if level < 255:
            layer.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
        canvas.blit(layer, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
        return
    if mode == "multiply":  # 1 - o * (1 - s): invert, scale, invert back
        if level < 255:
            _invert(layer)
            layer.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
            _invert(layer)
        canvas.blit(layer, (0, 0), special_flags=pygame.BLEND_RGB_MULT)
        return
    if mode == "screen":  # 1 - (1 - c) * (1 - o * s)
        if level < 255:
            layer.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
        _invert(layer)
        _invert(canvas)
        canvas.blit(layer, (0, 0), special_flags=pygame.BLEND_RGB_MULT)
        _invert(canvas)
        return
    raise ValueError(f"unknown blend mode '{mode}'")
