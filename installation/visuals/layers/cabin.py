"""cabin: a small house in the snow at night, its windows warm, their light lying on the snow."""

from __future__ import annotations

import functools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.raster import new_surface, planes_to_surface
from installation.visuals.silhouette import line, paint

LEVELS = 24  # brightness steps of the firelight: sprites are made once per step


class CabinParams(LayerParams):
    baked = ("colour", "light", "snow")
    depth: Depth = Field(60, description="metres from the camera: the cabin")
    x: float = Field(0.42, ge=0, le=1, description="where it stands, 0 left to 1 right")
    ground: float = Field(0.74, ge=0.3, le=1, description="the line of snow it stands on")
    size: float = Field(0.2, ge=0.05, le=0.6, description="height to the roof ridge, frame heights")
    colour: ColourField = Field("#2A1C22", description="the house against the night")
    snow: ColourField = Field("#E6DCE0", description="snow on the roof")
    light: ColourField = Field("lamp", description="the windows' light: firelight and lamps")
    glow: Annotated[float, Num(0, 1.5)] = Field(0.9, description="how bright the windows are")
    flicker: Annotated[float, Num(0, 1)] = Field(0.25, description="the fire's unsteadiness")
    spill: Annotated[float, Num(0, 1)] = Field(
        0.6, description="light thrown from the windows onto the snow"
    )
    smoke: Annotated[float, Num(0, 1)] = Field(0.4, description="smoke from the chimney, drifting")


@LAYERS.register("cabin")
class Cabin(Layer[CabinParams]):
    """A cabin in snow at night: firelit windows that breathe, their light pooled on the snow, smoke
    from the chimney."""

    Params = CabinParams
    direct = True

    def setup(self) -> None:
        p = self.params
        w, h = self.size
        self.height = p.size * h
        self.house, self.windows = _house(self.height, p.colour, p.snow)
        self.left = round(p.x * w - self.house.get_width() / 2)
        self.top = round(p.ground * h - self.house.get_height())

    def _level(self, frame: Frame, v: CabinParams) -> int:
        fire = frame.noise(self.seed, 1.3) * 0.6 + frame.noise(self.seed + 1, 4.0) * 0.4
        bright = v.glow * (1.0 - v.flicker * 0.5 + v.flicker * fire)
        return max(0, min(LEVELS, round(bright / 1.5 * LEVELS)))

    def paint_key(self, frame: Frame, v: CabinParams) -> None:
        return None  # smoke drifts every frame

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: CabinParams) -> None:
        p = self.params
        level = self._level(frame, v)
        if v.spill > 0 and level:
            pool = _pool(self.size, self.height, round(v.spill * 8) / 8, p.light, level)
            target.blit(pool, (round(p.x * self.size[0] - pool.get_width() / 2),
                               round(p.ground * self.size[1] - pool.get_height() * 0.35)),
                        special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip
        if v.smoke > 0:
            self._smoke(target, frame, v)
        target.blit(self.house, (self.left, self.top))
        lit = _window(self.windows[0][2:], p.light, level)
        glow = _halo(round(self.height * 0.5), p.light, level)
        for x, y, ww, wh in self.windows:
            target.blit(lit, (self.left + x, self.top + y))
            target.blit(glow, (self.left + x + ww // 2 - glow.get_width() // 2,
                               self.top + y + wh // 2 - glow.get_height() // 2),
                        special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip

    def _smoke(self, target: pygame.Surface, frame: Frame, v: CabinParams) -> None:
        """Soft puffs rising from the chimney and drifting off, thinning as they go."""
        chimney_x = self.left + self.house.get_width() * 0.7
        chimney_y = self.top + self.height * 0.12
        rise = frame.cycles(1 / 9.0)
        for k in range(7):
            u = (rise + k / 7) % 1.0  # each puff's age, 0 at the chimney
            size = round(self.height * (0.06 + 0.22 * u))
            puff = _puff(max(2, size), round(v.smoke * (1 - u) ** 1.5 * 12))
            x = chimney_x + self.height * (0.9 * u * u + 0.04 * math.sin(u * 9 + k))
            y = chimney_y - self.height * 1.1 * u
            target.blit(
                puff, (round(x - size), round(y - size)), special_flags=pygame.BLEND_RGB_ADD
            )


def _house(height: float, colour: tuple, snow: tuple):
    """The cabin's silhouette (roof, chimney, snow on the roof) and its window rectangles."""
    wall_h = height * 0.5
    width = height * 1.5
    w, h = round(width * 1.2), round(height * 1.05)
    surface = pygame.Surface((w, h), pygame.SRCALPHA, 32)
    left = (w - width) / 2
    ridge = h - wall_h - height * 0.5
    alpha = pygame.surfarray.pixels_alpha(surface)
    eaves = [(0, h - wall_h + 2), (w / 2, ridge), (w, h - wall_h + 2)]
    # the chimney stands on the right slope and rises above it
    chimney = pygame.Rect(round(left + width * 0.66), round(ridge + height * 0.02),
                          round(width * 0.09), round(height * 0.3))  # fmt: skip
    walls = ("rect", (round(left), round(h - wall_h), round(width), round(wall_h)))
    paint(surface, alpha, colour, [walls, ("poly", eaves), ("rect", tuple(chimney))])
    # snow lies on the roof: a pale band along both slopes, and a cap on the chimney
    band = max(2, round(height * 0.05))
    slopes = [
        line((w / 2, ridge), (w / 2 + side * w / 2, h - wall_h + 2), band) for side in (-1, 1)
    ]
    cap = ("rect", (chimney.x, chimney.y, chimney.w, max(2, band // 2)))
    paint(surface, alpha, snow, [*slopes, cap])
    del alpha
    ww, wh = round(width * 0.14), round(wall_h * 0.38)
    y = round(h - wall_h * 0.72)
    windows = [(round(left + width * f - ww / 2), y, ww, wh) for f in (0.2, 0.8)]
    door = pygame.Rect(
        round(left + width * 0.47), round(h - wall_h * 0.72), round(ww * 0.8), round(wall_h * 0.72)
    )
    pygame.draw.rect(surface, tuple(round(c * 0.6) for c in colour), door)  # darker than walls
    windows.append((door.x, door.y, door.w, door.h // 2))  # the door's glass
    return surface, windows


@functools.lru_cache(maxsize=64)
def _window(size: tuple, light: tuple, level: int) -> pygame.Surface:
    """A lit window with its cross bar: brighter in the middle, like a room seen through it."""
    w, h = max(2, size[0]), max(2, size[1])
    k = level / LEVELS
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    centre = 1 - 0.35 * (((xs / w - 0.5) * 2) ** 2 + ((ys / h - 0.5) * 2) ** 2) / 2
    planes = np.stack([np.full((h, w), c, np.float32) * (0.35 + 0.65 * k) * centre for c in light])
    surface = planes_to_surface(planes)
    bar = (30, 20, 24)
    surface.fill(bar, pygame.Rect(w // 2 - max(1, w // 14) // 2, 0, max(1, w // 14), h))
    surface.fill(bar, pygame.Rect(0, h // 2, w, max(1, h // 14)))
    return surface


@functools.lru_cache(maxsize=64)
def _halo(radius: int, light: tuple, level: int) -> pygame.Surface:
    r = max(2, radius)
    ys, xs = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float32)
    d2 = (xs * xs + ys * ys) / (r * r)
    a = np.exp(-d2 * 4.0) * 0.45 * level / LEVELS
    return planes_to_surface(np.stack([a * c for c in light]))


@functools.lru_cache(maxsize=64)
def _pool(size: tuple, height: float, spill: float, light: tuple, level: int) -> pygame.Surface:
    """The windows' light on the snow: a wide, low ellipse, warm, fading out."""
    w, h = max(4, round(height * 4)), max(4, round(height * 1.2))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = ((xs / w - 0.5) * 2) ** 2 + (((ys / h) - 0.3) * 2.2) ** 2
    a = np.exp(-d2 * 3.0) * spill * 0.8 * level / LEVELS
    return planes_to_surface(np.stack([a * c for c in light]))


@functools.lru_cache(maxsize=256)
def _puff(radius: int, strength: int) -> pygame.Surface:
    r = max(2, radius)
    ys, xs = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float32)
    a = np.exp(-(xs * xs + ys * ys) / (r * r) * 2.5) * strength / 12 * 0.4
    surface = new_surface((2 * r + 1, 2 * r + 1))
    pygame.surfarray.blit_array(
        surface,
        (np.stack([a * c for c in (150, 135, 150)], -1).transpose(1, 0, 2)).astype(np.uint8),
    )
    return surface
