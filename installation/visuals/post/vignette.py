"""vignette: a soft, warm darkening toward the corners."""

from __future__ import annotations

import functools
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import upscale_dithered


class VignetteParams(Params):
    baked = ("colour",)
    amount: Annotated[float, Num(0, 1)] = Field(0.3, description="how dark the corners get")
    softness: float = Field(0.9, ge=0.1, le=2, description="width of the fall-off")
    colour: ColourField = Field("maroon", description="the corners darken toward this hue")


@POST.register("vignette")
class Vignette(PostEffect[VignetteParams]):
    """Corners darken toward maroon, never grey; its mask is dithered."""

    Params = VignetteParams
    shorthand = "amount"
    order = 80

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        amount = round(v.amount * 100) / 100  # quantised so modulation reuses masks
        if amount <= 0:
            return
        mask = _mask(self.size, amount, v.softness, v.colour)
        canvas.blit(mask, (0, 0), special_flags=pygame.BLEND_RGB_MULT)


@functools.lru_cache(maxsize=4)
def _mask(size: tuple[int, int], amount: float, softness: float, tint: tuple) -> pygame.Surface:
    w, h = max(2, size[0] // 4), max(2, size[1] // 4)
    ys = np.linspace(-1.0, 1.0, h, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :]
    r = np.sqrt(xs * xs * 0.8 + ys * ys)  # wider than tall, like a lens
    lo = 1.0 - 0.5 * softness
    u = np.clip((r - lo) / (1.45 - lo), 0.0, 1.0)
    fall = amount * u * u * (3 - 2 * u)
    # each channel darkens toward the tint's share of light: red keeps most, blue least
    keep = np.array(tint, dtype=np.float32) / max(tint) * 0.35
    planes = np.stack([255.0 * (1.0 - fall * (1.0 - keep[c])) for c in range(3)])
    return upscale_dithered(planes, size)
