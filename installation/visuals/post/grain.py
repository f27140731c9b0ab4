"""grain: fine film grain that changes 24 times a second (and hides any banding left)."""

from __future__ import annotations

import functools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import Params
from installation.scene.values import Num, _hash01
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import planes_to_surface

TILE = 512  # a tile of noise small enough to stay in cache, laid at a new offset each grain frame
#: grain whose deviation is this many 8-bit levels masks the one-level steps of an undithered
#: gradient (bundled scenes use 7.6 to 11.5)
MASKS_BANDING = 2.0


class GrainParams(Params):
    amount: Annotated[float, Num(0, 0.3)] = Field(
        0.035, description="strength, as a fraction of full scale"
    )
    rate: float = Field(24.0, gt=0, le=120, description="new grain patterns per second")


@POST.register("grain")
class Grain(PostEffect[GrainParams]):
    """Monochrome film grain, renewed 24 times a second; from 2 levels up it is also the frame's
    dither, and soft layers skip their own."""

    Params = GrainParams
    shorthand = "amount"
    order = 90  # last, after every effect that could smooth it away

    def hides_banding(self, frame: Frame) -> bool:
        return _level(self.values(frame).amount) >= MASKS_BANDING

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        level = _level(v.amount)
        if level <= 0:
            return
        up, down = _noise_tiles(level)
        epoch = math.floor(frame.t * v.rate)
        ox = int(_hash01(self.seed, 2 * epoch) * TILE)
        oy = int(_hash01(self.seed, 2 * epoch + 1) * TILE)
        w, h = self.size
        spots = [(x, y) for y in range(-oy, h, TILE) for x in range(-ox, w, TILE)]
        canvas.fblits([(up, spot) for spot in spots], pygame.BLEND_RGB_ADD)
        canvas.fblits([(down, spot) for spot in spots], pygame.BLEND_RGB_SUB)


def _level(amount: float) -> float:
    """Deviation in 8-bit levels, quantised so modulation reuses noise tiles."""
    return round(amount * 255 * 4) / 4


@functools.lru_cache(maxsize=2)
def _noise_tiles(level: float) -> tuple[pygame.Surface, pygame.Surface]:
    """Signed grain as two tiles: what to add and what to subtract (blits are unsigned)."""
    rng = np.random.default_rng(0x6A1)
    noise = rng.standard_normal((TILE, TILE), dtype=np.float32) * level
    up = np.clip(noise, 0, 255)
    down = np.clip(-noise, 0, 255)
    return planes_to_surface(np.stack([up, up, up])), planes_to_surface(
        np.stack([down, down, down])
    )
