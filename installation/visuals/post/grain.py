"""grain: film grain, new in every frame, strongest in the mid-tones (and the frame's dither).

Film's grain is the emulsion's: a pixel of a 1080-line scan holds many grains, so what shows is
fine noise, independent from pixel to pixel (no clump larger than a pixel), a little different
in each dye layer (some colour in it). How visible it is follows the light: the deep shadows and
the brightest highlights of a print show little, the mid-tones most. Here the grain is scaled,
pixel by pixel, by how far the pixel is from black and from white (``min(x, 255 - x)``, each
channel its own), plus a floor of a level or two so that it stays the frame's dither in the dark.

A frame is a pure function of its time, and so is its grain: each frame's pattern is chosen by
its time in 1/1200 s (a whole number of them for 24, 25, 30, 48, 50 and 60 fps), so every frame
of a film at any of those rates has a grain of its own, and a frame painted again has the same.

Cost: the mask is an invert and a minimum, the grain two multiplies and two adds, over the whole
frame (``installation bench --passes`` gives it in full-frame blits).
"""

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
from installation.visuals.raster import planes_to_surface, scratch

TILE = 512  # a tile of noise small enough to stay in cache, laid at a new offset each frame
TILES = 2  # different tiles, so that two frames seldom share one at a mere offset
#: grain whose deviation is this many 8-bit levels masks the one-level steps of an undithered
#: gradient
MASKS_BANDING = 2.0
#: the mask's floor: black and white still take grain of about FLOOR / 127 of the mid-tones'
FLOOR = 24
#: the grain's clock: frames at 24, 25, 30, 48, 50 and 60 fps fall on whole ticks of it
TICKS = 1200
#: how much the dye layers' grains differ: 0 grey grain, 1 independent in each colour
CHROMA = 0.3


class GrainParams(Params):
    amount: Annotated[float, Num(0, 0.3)] = Field(
        0.035,
        description="strength in the mid-tones, as a fraction of full scale (less in the "
        "shadows and highlights, as film's)",
    )
    rate: float | None = Field(
        None,
        gt=0,
        le=120,
        description="new grain patterns per second; by default every frame has its own",
    )


@POST.register("grain")
class Grain(PostEffect[GrainParams]):
    """Film grain: fine (a pixel's own), new every frame, following the brightness (most in the
    mid-tones); from 2 levels up it is also the frame's dither, and soft layers skip their own."""

    Params = GrainParams
    shorthand = "amount"
    order = 90  # after every effect that could smooth it away (the roll-off only bends it)

    def hides_banding(self, frame: Frame) -> bool:
        return _level(self.values(frame).amount) >= MASKS_BANDING

    def epoch(self, frame: Frame) -> int:
        """Which pattern this frame shows: its own, by its time (or ``rate`` a second)."""
        rate = self.values(frame).rate
        if rate is None:
            return round(frame.t * TICKS)
        return math.floor(frame.t * rate)

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        level = _level(v.amount)
        if level <= 0:
            return
        epoch = self.epoch(frame)
        tile = int(_hash01(self.seed, 3 * epoch + 2) * TILES)
        ox = int(_hash01(self.seed, 3 * epoch) * TILE)
        oy = int(_hash01(self.seed, 3 * epoch + 1) * TILE)
        w, h = self.size
        field = _field(level, tile, self.size)  # the tile laid over the frame, with room to move
        # how much grain each pixel takes: m = min(x, 255 - x) (the mid-tones most), plus a
        # floor; then one multiply by a tile of 128 + n (signed noise about half): m/2 + m*n,
        # added, and m/2 taken off again
        mask = scratch(self.size, "grain-mask")
        np.invert(pygame.surfarray.pixels2d(canvas), out=pygame.surfarray.pixels2d(mask))
        mask.blit(canvas, (0, 0), special_flags=pygame.BLEND_RGB_MIN)
        mask.fill((FLOOR,) * 3, special_flags=pygame.BLEND_RGB_ADD)
        grain = scratch(self.size, "grain")
        grain.blit(mask, (0, 0))
        grain.blit(field, (0, 0), pygame.Rect(ox, oy, w, h), pygame.BLEND_RGB_MULT)
        canvas.blit(grain, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
        mask.fill((128, 128, 128), special_flags=pygame.BLEND_RGB_MULT)
        canvas.blit(mask, (0, 0), special_flags=pygame.BLEND_RGB_SUB)


def _level(amount: float) -> float:
    """Deviation in the mid-tones, in 8-bit levels, quantised so modulation reuses tiles."""
    return round(amount * 255 * 4) / 4


@functools.lru_cache(maxsize=TILES)
def _field(level: float, which: int, size: tuple[int, int]) -> pygame.Surface:
    """Tile ``which`` of signed grain laid over a frame of ``size`` and a tile more each way,
    as one surface: a frame's grain is then one blit of it from an offset (a grid of tiles cost
    twice as much, measured)."""
    w, h = size
    tile = _tile(level, which)
    reps = (1 + (h + TILE) // TILE, 1 + (w + TILE) // TILE)
    return planes_to_surface(np.tile(tile, (1, *reps))[:, : h + TILE, : w + TILE])


def _tile(level: float, which: int) -> np.ndarray:
    """Tile ``which`` of signed grain, ``level`` levels deep at mid-grey, as a multiplier of the
    mask about one half: 128 + n (a multiply by it gives m/2 + m*n/256), (3, TILE, TILE)."""
    rng = np.random.default_rng((0x6A1, which))
    grey = rng.standard_normal((TILE, TILE), dtype=np.float32)
    own = rng.standard_normal((3, TILE, TILE), dtype=np.float32)
    noise = grey[None] * math.sqrt(1 - CHROMA**2) + own * CHROMA  # (3, TILE, TILE), unit
    # the mask is 127 + FLOOR at mid-grey: m * n * gain / 256 is ``level`` levels there
    gain = level / (127 + FLOOR) * 256
    return np.clip(128.5 + noise * gain, 0, 255)
