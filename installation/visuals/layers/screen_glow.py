"""screen-glow: a huge LED screen far away spilling slow coloured light onto a floor."""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numpy as np
import pygame
from pydantic import Field

from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.figures import person
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams, soft_upscale
from installation.visuals.noise import ValueNoise2D


class ScreenGlowParams(LayerParams):
    screen: list[float] = Field(
        [0.18, 0.12, 0.82, 0.52],
        min_length=4,
        max_length=4,
        description="the screen's left, top, right, bottom, 0..1",
    )
    colours: list[ColourField] = Field(
        ["coral", "amber", "blush", "terracotta"], min_length=2, description="what the screen shows"
    )
    brightness: Num(0, 1.5) = Field(0.6, description="how bright the screen is")
    spill: Num(0, 1) = Field(0.6, description="light thrown around the screen and onto the floor")
    floor: float = Field(0.72, ge=0.3, le=1, description="where the floor begins, 0 top 1 bottom")
    speed: Num(0, 4) = Field(1.0, description="pace of the colour fields")
    figures: int = Field(5, ge=0, le=30, description="slow dancers in silhouette")
    figure_colour: ColourField = Field("#2A1A20", description="their colour")


@LAYERS.register("screen-glow")
class ScreenGlow(Layer):
    """An LED wall of slow warm colour fields, its glow on the air and its reflection on a floor."""

    Params = ScreenGlowParams
    scale = 0.125
    direct = True

    def setup(self) -> None:
        self.noise = ValueNoise2D(self.seed, cells=(6, 4), octaves=2)
        rng = self.rng("dancers")
        p = self.params
        self.dancers = [
            (
                rng.uniform(0.08, 0.92),
                rng.uniform(0.0, 1.0),
                rng.uniform(0.75, 1.25),
                rng.random() * math.tau,
            )
            for _ in range(p.figures)
        ]
        self.dancers.sort(key=lambda d: d[1])  # far ones first

    def _light(self, frame: Frame, v: SimpleNamespace) -> np.ndarray:
        w, h = self.internal_size
        p = self.params
        ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
        xs = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
        x0, y0, x1, y1 = p.screen
        t = frame.t * v.speed * 0.04
        field = self.noise.grid(xs[0] * 6 + t * 3, ys[:, 0] * 4 + math.sin(t) * 0.5)
        stops = np.array(p.colours, dtype=np.float32)  # (n, 3)
        pos = np.clip(field * 1.3 - 0.15, 0, 0.999) * (len(stops) - 1)
        i = np.floor(pos).astype(np.int64)
        f = (pos - i)[..., None]
        content = stops[i] * (1 - f) + stops[i + 1] * f  # (h, w, 3)
        inside = ((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)).astype(np.float32)
        # distance outside the screen rectangle, for the spill
        dx = np.maximum(np.maximum(x0 - xs, xs - x1), 0)
        dy = np.maximum(np.maximum(y0 - ys, ys - y1), 0)
        spill = np.exp(-np.sqrt(dx * dx * 2 + dy * dy) * 7) * (1 - inside)
        mean = content[inside > 0].mean(axis=0) if inside.any() else stops.mean(axis=0)
        # the floor mirrors the screen, stretched and fading toward the viewer
        floor = np.clip((ys - p.floor) / (1 - p.floor), 0, 1)
        under = ((xs >= x0 - 0.05) & (xs <= x1 + 0.05)).astype(np.float32)
        reflection = (ys > p.floor) * under * np.exp(-floor * 2.2) * 0.45
        light = inside[..., None] * content * v.brightness
        light += (
            (spill[..., None] * v.spill + reflection[..., None] * v.spill) * mean * v.brightness
        )
        return np.clip(light.transpose(2, 0, 1), 0, 255)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: SimpleNamespace) -> None:
        light = soft_upscale(self._light(frame, v), self.size, dither=False)
        target.blit(light, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
        self._dancers(target, frame)

    def _dancers(self, target: pygame.Surface, frame: Frame) -> None:
        """Slow dancers: a few poses each, swaying; far ones smaller and higher on the floor."""
        w, h = self.size
        p = self.params
        for x, depth, tall, phase in self.dancers:
            height = (0.14 + 0.2 * depth) * tall * h
            arms = 0.5 + 0.5 * math.sin(frame.t * 0.45 + phase)
            sprite = _dancer(round(height), round(arms * 4) / 4, p.figure_colour)
            sway = math.sin(frame.t * 0.5 + phase) * height * 0.06
            feet = (p.floor + (1 - p.floor) * (0.1 + 0.65 * depth)) * h
            target.blit(
                sprite,
                (round(x * w + sway - sprite.get_width() / 2), round(feet - sprite.get_height())),
            )


@functools.lru_cache(maxsize=256)
def _dancer(height: int, arms: float, colour: tuple) -> pygame.Surface:
    return person(height, colour, coat=0.62, arms=arms, hair=0.2)
