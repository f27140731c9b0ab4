"""raindrops: drops of rain on a window, each a small lens holding the city behind it upside down.

A drop of water on glass is a ball lens: it gathers a patch of the out-of-focus lights behind it
several times its own size and shows it shrunk and turned over. That is what makes rain on a
window at night read as rain: a field of tiny inverted bokeh, not grey dots.

All drops see through one picture: the layers below, shrunk by ``lens`` and turned over once a
frame. A drop of radius r at c then shows that picture's square of side 2r around the image of c:
exactly the patch lens times its size around it, inverted about its own centre. A frame is one
scaling and a few hundred small blits, not one scaling per drop.
"""

from __future__ import annotations

import functools
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.values import Num, hash01_array
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import disc_blur, radius_step
from installation.visuals.raster import new_surface

#: share of a drop's life spent growing as it gathers, and running down the glass at the end
GROWING, RUNNING = 0.06, 0.1
#: blur radius, px, from which drops are drawn as soft spots rather than as lenses
SOFT = 2.0


class RaindropsParams(LayerParams):
    depth: Depth = Field(0.6, description="metres from the camera: the glass the drops cling to")
    window: list[float] = Field(
        [0.0, 0.0, 1.0, 1.0], min_length=4, max_length=4,
        description="the glass the drops cling to: left, top, right, bottom, 0..1",
    )  # fmt: skip
    count: int = Field(180, ge=1, le=1500, description="drops on the glass when it is all wet")
    wet: Annotated[float, Num(0, 1)] = Field(
        1.0, description="share of those drops on the glass: let it follow the rain"
    )
    size: float = Field(7.0, ge=2, le=40, description="a typical drop's radius, px at 1080 lines")
    lens: float = Field(
        3.5, ge=1.5, le=10, description="how much wider than itself a drop sees (and shrinks)"
    )
    life: float = Field(
        24.0, ge=2, le=600, description="seconds a drop clings before it runs down the glass"
    )
    light: Annotated[float, Num(0, 1)] = Field(
        0.5, description="the glint on each drop and the dark of its rim"
    )


@LAYERS.register("raindrops")
class Raindrops(Layer[RaindropsParams]):
    """Rain on a window: drops that gather, cling and run down, each a small lens showing the lights
    behind the glass shrunk and upside down; ``wet`` lets them follow the rain."""

    Params = RaindropsParams
    direct = True
    #: sharp, each drop shows what is behind it; out of focus it is a soft spot of the light it
    #: gathers, made once per size and blur (a frame-wide soft pass would cost 25 blits)
    blurs_itself = True

    def setup(self) -> None:
        p = self.params
        rng = self.rng("drops")
        n = p.count
        self.rank = rng.random(n)  # a drop is on the glass while ``wet`` is above its rank
        self.sizes = np.clip(rng.lognormal(0.0, 0.35, n), 0.4, 2.6)  # most small, a few big
        self.phase = rng.random(n)
        # drops cling for different times: each its own rate, fitted to the loop by epochs
        self.rate = 1.0 / (p.life * rng.uniform(0.7, 1.4, n))

    def paint_key(self, frame: Frame, v: RaindropsParams) -> None:
        return None  # they show what is below them, which changes

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: RaindropsParams) -> None:
        drops = self._drops(frame, v)
        if not len(drops):
            return
        radius = radius_step(self.blur_radius(frame, v))
        if radius >= SOFT:
            self._soft(target, drops, radius, v)
            return
        p = self.params
        w, h = self.size
        small = (max(1, round(w / p.lens)), max(1, round(h / p.lens)))
        # what every drop sees: the layers below shrunk by the lens and turned over
        behind = self.below if self.below is not None else target  # the canvas, when drawn apart
        seen = pygame.transform.flip(pygame.transform.smoothscale(behind, small), True, True)
        _brighten(seen, 1.0 + 0.5 * v.light)  # a drop gathers light: brighter than the glass
        sw, sh = small
        shade = round(v.light * 8)
        blits, glints = [], []
        for x, y, r in drops:
            d = 2 * r
            # the image of (x, y) in the turned-over picture, and the square of side 2r there
            mx, my = sw - x / p.lens, sh - y / p.lens
            area = pygame.Rect(round(mx - r), round(my - r), d, d).clamp(seen.get_rect())
            drop = _drop(d, shade).copy()
            drop.blit(seen, (0, 0), area, special_flags=pygame.BLEND_RGB_MULT)
            blits.append((drop, (round(x - r), round(y - r))))
            if shade:
                glints.append((_glint(d, shade), (round(x - r), round(y - r))))
        target.fblits(blits)
        if glints:
            target.fblits(glints, pygame.BLEND_RGB_ADD)

    def _soft(self, target: pygame.Surface, drops, radius: float, v: RaindropsParams) -> None:
        """The drops out of focus: each a soft spot of the light behind the glass, a little
        brighter than the glass around it (a drop gathers light), added."""
        behind = self.below if self.below is not None else target
        tint = pygame.transform.average_color(pygame.transform.smoothscale(behind, (32, 18)))
        colour = tuple(min(255, int(c * (0.22 + 0.3 * v.light))) for c in tint[:3])
        blits = []
        for x, y, r in drops:
            sprite = _soft_drop(2 * r, radius, colour)
            half = sprite.get_width() // 2
            blits.append((sprite, (round(x) - half, round(y) - half)))
        target.fblits(blits, pygame.BLEND_RGB_ADD)

    def _drops(self, frame: Frame, v: RaindropsParams) -> list[tuple[float, float, int]]:
        """Each drop on the glass now: its centre and radius (whole pixels). A drop's life
        repeats: it gathers at a place of its own (new each life), clings, then runs down."""
        p = self.params
        w, h = self.size
        on = np.nonzero(self.rank < v.wet)[0]
        if not len(on):
            return []
        lives = frame.cycles_each(self.rate[on]) + self.phase[on]
        epoch = np.floor(lives).astype(np.int64)
        age = lives - epoch
        index = on.astype(np.int64) * 7919 + epoch * 104729
        x0, y0, x1, y1 = p.window
        xs = (x0 + (x1 - x0) * hash01_array(self.seed, index)) * w
        ys = (y0 + (y1 - y0) * hash01_array(self.seed + 1, index)) * h
        grown = np.minimum(1.0, 0.35 + 0.65 * age / GROWING)
        running = np.clip((age - (1.0 - RUNNING)) / RUNNING, 0.0, 1.0)
        ys = ys + running**2 * (y1 - y0) * h * 0.35  # slow to let go, then quick
        radius = np.maximum(1, np.rint(p.size * self.unit * self.sizes[on] * grown)).astype(int)
        bottom = y1 * h
        return [
            (float(x), float(y), int(r))
            for x, y, r in zip(xs, ys, radius, strict=True)
            if y - r < bottom
        ]


@functools.lru_cache(maxsize=512)
def _soft_drop(d: int, radius: float, colour: tuple) -> pygame.Surface:
    """A drop ``d`` px across seen through the lens blurred by ``radius``: a soft spot of
    light, its peak a fifth of ``colour`` (the light spreads as the blur grows)."""
    u = (np.arange(d, dtype=np.float32) + 0.5) / d * 2 - 1
    x, y = np.meshgrid(u, u, indexing="ij")
    spot = np.clip((1.0 - np.sqrt(x * x + y * y)) * d / 2, 0.0, 1.0)
    soft = disc_blur(spot, radius)
    soft = soft / max(float(soft.max()), 1e-6) * min(1.0, 0.2 + d / (8 * radius))
    surface = new_surface(soft.shape)
    rgb = pygame.surfarray.pixels3d(surface)
    rgb[...] = np.clip(soft[:, :, None] * np.array(colour, np.float32), 0, 255).astype(np.uint8)
    del rgb
    return surface


@functools.lru_cache(maxsize=256)
def _drop(d: int, shade: int) -> pygame.Surface:
    """A drop's mask: round, soft at its edge, its rim darker toward the bottom (the glass
    behind the drop's edge bends dark room into it). RGB multiplies what it sees; alpha cuts."""
    u = (np.arange(d, dtype=np.float32) + 0.5) / d * 2 - 1
    x, y = np.meshgrid(u, u, indexing="ij")
    dist = np.sqrt(x * x + y * y)
    alpha = np.clip((1.0 - dist) * d / 2, 0.0, 1.0)  # one pixel of soft edge
    rim = np.clip((dist - 0.55) / 0.45, 0.0, 1.0) ** 2 * (0.5 + 0.5 * np.clip(y, 0, 1))
    light = 1.0 - rim * shade / 8 * 0.8
    surface = new_surface((d, d), alpha=True)
    rgb = pygame.surfarray.pixels3d(surface)
    rgb[...] = np.rint(255 * light)[:, :, None].astype(np.uint8)
    del rgb
    plane = pygame.surfarray.pixels_alpha(surface)
    plane[...] = np.rint(255 * alpha).astype(np.uint8)
    del plane
    return surface


@functools.lru_cache(maxsize=256)
def _glint(d: int, shade: int) -> pygame.Surface:
    """The small bright highlight up and to the left, where the drop catches the room's light."""
    u = (np.arange(d, dtype=np.float32) + 0.5) / d * 2 - 1
    x, y = np.meshgrid(u, u, indexing="ij")
    spot = np.exp(-((x + 0.35) ** 2 + (y + 0.4) ** 2) / (2 * 0.16**2))
    level = np.rint(spot * 150 * shade / 8).astype(np.uint8)
    return _grey(level)


def _brighten(surface: pygame.Surface, gain: float) -> None:
    """Multiply ``surface`` by ``gain`` (>= 1), saturating: itself plus a share of itself."""
    extra = surface.copy()
    share = round(255 * min(1.0, gain - 1.0))
    extra.fill((share, share, share), special_flags=pygame.BLEND_RGB_MULT)
    surface.blit(extra, (0, 0), special_flags=pygame.BLEND_RGB_ADD)


def _grey(level: np.ndarray) -> pygame.Surface:
    surface = new_surface(level.shape)
    rgb = pygame.surfarray.pixels3d(surface)
    rgb[...] = level[:, :, None]
    del rgb
    return surface


__all__ = ["Raindrops", "RaindropsParams"]
