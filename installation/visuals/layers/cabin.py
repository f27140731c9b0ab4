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
from installation.visuals.discs import Lights
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import disc_blur
from installation.visuals.lighting import cast_shadow, rim_sprite, shadow_direction
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
        0.6,
        description="light thrown from the windows onto the snow: each window's shape, its "
        "cross-bars dark in it, stretched toward us",
    )
    shadow: Annotated[float, Num(0, 1)] = Field(
        0.5, description="its shadow on the snow, away from the scene's light (the moon)"
    )
    smoke: Annotated[float, Num(0, 1)] = Field(0.4, description="smoke from the chimney, drifting")


@LAYERS.register("cabin")
class Cabin(Layer[CabinParams]):
    """A cabin in snow at night: firelit windows that breathe and throw their shapes, cross-bars and
    all, onto the snow; its shadow away from the moon and the moon's rim; smoke from the chimney."""

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
        self._shadow(target, frame, v)
        if v.spill > 0 and level:
            throws = _throws(self.house.get_size(), tuple(self.windows), self.height,
                             round(v.spill * 8) / 8, p.light, level)  # fmt: skip
            target.blit(throws, (self.left, self.top + self.house.get_height() - 2),
                        special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip
        if v.smoke > 0:
            self._smoke(target, frame, v)
        target.blit(self.house, (self.left, self.top))
        rim = self._rim(frame)
        if rim is not None:
            target.blit(rim_sprite(self.house, *rim), (self.left, self.top),
                        special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip
        lit = _window(self.windows[0][2:], p.light, level)
        glow = _halo(round(self.height * 0.5), p.light, level)
        for x, y, ww, wh in self.windows:
            target.blit(lit, (self.left + x, self.top + y))
            target.blit(glow, (self.left + x + ww // 2 - glow.get_width() // 2,
                               self.top + y + wh // 2 - glow.get_height() // 2),
                        special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip

    def top_row(self, frame: Frame, v: CabinParams) -> int:
        return max(0, self.top - round(self.height * 1.2))  # the smoke rises over the roof

    def _rim(self, frame: Frame) -> tuple[int, tuple, int] | None:
        """The moon's (the scene's light's) rim on the roof and the wall that face it."""
        light = frame.light
        if light is None:
            return None
        level = round(8 * min(1.0, light.strength * 0.8))
        middle = (self.left + self.house.get_width() / 2) / self.size[0]
        side = 1 if light.x > middle else -1
        return (side, tuple(int(c) // 8 * 8 for c in light.colour), level) if level else None

    def _shadow(self, target: pygame.Surface, frame: Frame, v: CabinParams) -> None:
        """The house's shadow on the snow, cast away from the light: its own outline laid down,
        long when the light is low."""
        if v.shadow <= 0:
            return
        middle = (self.left + self.house.get_width() / 2) / self.size[0]
        cast = shadow_direction(frame.light, frame.sky, middle)
        if cast is None:
            return
        angle, length, strength = cast
        level = round(8 * v.shadow * strength)
        if level <= 0:
            return
        shade, (fx, fy) = cast_shadow(self.house, round(angle / 0.1),
                                      max(1, min(16, round(length * 8))), level)  # fmt: skip
        feet = (self.left + self.house.get_width() / 2, self.top + self.house.get_height())
        target.blit(shade, (round(feet[0] - fx), round(feet[1] - fy)))

    def lights(self, frame: Frame, v: CabinParams) -> Lights | None:
        """Its windows, lit by the fire."""
        level = self._level(frame, v) / LEVELS
        if level <= 0:
            return None
        xs = np.array([self.left + x + ww / 2 for x, _, ww, _ in self.windows], np.float64)
        ys = np.array([self.top + y + wh / 2 for _, y, _, wh in self.windows], np.float64)
        colour = np.broadcast_to(np.array(self.params.light, np.float64), (len(xs), 3))
        return Lights(xs, ys, v.depth, colour, np.full(len(xs), level))

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
def _throws(
    size: tuple[int, int], windows: tuple, height: float, spill: float, light: tuple, level: int
) -> pygame.Surface:
    """The windows' light on the snow in front of the house: each window's shape thrown down
    and toward us (a trapezoid widening as it comes nearer, the cross-bars' shadows dark lines
    in it), soft at its edges, fading as it goes. Drawn under the house's own width, from its
    foot down, to be added."""
    w, _ = size
    h = max(8, round(height * 0.9))
    out = np.zeros((h, w), np.float32)
    ys = (np.arange(h, dtype=np.float32) + 0.5)[:, None]
    xs = (np.arange(w, dtype=np.float32) + 0.5)[None, :]
    v = ys / h  # 0 at the wall's foot, 1 nearest us
    for x, _y, ww, _wh in windows:
        cx = x + ww / 2
        half = ww * (0.55 + 0.9 * v)  # it widens toward us
        middle = cx + (cx - w / 2) * 0.6 * v  # and spreads away from the house's middle
        u = (xs - middle) / half  # -1..1 across the throw
        inside = np.clip((1.0 - np.abs(u)) * ww * 0.4, 0, 1)
        start = np.clip((v - 0.04) * 30, 0, 1)
        bar_x = np.exp(-((u / 0.07) ** 2))
        bar_y = np.exp(-(((v - 0.42) / 0.045) ** 2))
        out += inside * start * (1.0 - 0.75 * np.maximum(bar_x, bar_y)) * (1.0 - v) ** 1.6
    out = disc_blur(out, max(1.0, height * 0.012))
    pad = (out.shape[1] - w) // 2
    out = out[pad : pad + h, pad : pad + w]
    a = out * spill * 0.55 * level / LEVELS
    return planes_to_surface(np.stack([np.clip(a * c, 0, 255) for c in light]))


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
