"""screen-glow: a huge LED screen far away spilling slow coloured light onto a floor."""

from __future__ import annotations

import functools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, OneColourField
from installation.scene.values import Num
from installation.visuals.figures import build, dancing, figure
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams, soft_upscale
from installation.visuals.lens import blurred_sprite, radius_step
from installation.visuals.lighting import cast_shadow, rim_sprite
from installation.visuals.noise import ValueNoise2D
from installation.visuals.strips import mix

GRADIENT = 1024  # entries of the colour lookup


class ScreenGlowParams(LayerParams):
    baked = ("figure_colour",)
    depth: Depth = Field(
        40, description="metres from the camera: the screen; its dancers stand nearer"
    )
    screen: list[float] = Field(
        [0.18, 0.12, 0.82, 0.52],
        min_length=4,
        max_length=4,
        description="the screen's left, top, right, bottom, 0..1",
    )
    colours: list[OneColourField] = Field(
        ["coral", "amber", "blush", "terracotta"], min_length=2, description="what the screen shows"
    )
    brightness: Annotated[float, Num(0, 1.5)] = Field(0.6, description="how bright the screen is")
    spill: Annotated[float, Num(0, 1)] = Field(
        0.6, description="light thrown around the screen and onto the floor"
    )
    floor: float = Field(0.72, ge=0.3, le=1, description="where the floor begins, 0 top 1 bottom")
    speed: Annotated[float, Num(0, 4)] = Field(1.0, description="pace of the colour fields")
    figures: int = Field(5, ge=0, le=30, description="slow dancers in silhouette")
    figure_colour: ColourField = Field("#2A1A20", description="their colour")
    rim: Annotated[float, Num(0, 1)] = Field(
        0.6, description="the screen's light on the dancers' edges and their reflection below"
    )


@LAYERS.register("screen-glow")
class ScreenGlow(Layer[ScreenGlowParams]):
    """A giant LED wall of slow warm colour fields, its spill and floor reflection; dancers who move
    to the scene's beat, each in their own measure, back-lit with a rim of the screen's light and
    mirrored on the floor."""

    Params = ScreenGlowParams
    scale = 0.125
    min_quality = 0.5  # at 1/16 the screen's edges soften a little: it is far away
    direct = True
    blurs_itself = True  # the screen is soft by itself; each dancer is blurred at their distance

    def setup(self) -> None:
        self.noise = ValueNoise2D(self.seed, cells=(6, 4), octaves=2)
        self._static: tuple | None = None
        stops = np.array(self.params.colours, dtype=np.float32)  # (n, 3)
        at = np.linspace(0.0, 1.0, len(stops), dtype=np.float32)
        u = np.linspace(0.0, 1.0, GRADIENT, dtype=np.float32)
        # float32, like the planes it fills (a float64 table doubles the cost of the lookup)
        self._gradient = np.stack([np.interp(u, at, stops[:, c]) for c in range(3)]).astype(
            np.float32
        )
        rng = self.rng("dancers")
        p = self.params
        # each dances their own way to the one beat: some every beat, some at half time, a few
        # on the off-beat; arms, bounce and sway in their own measure
        self.dancers = [
            (
                rng.uniform(0.08, 0.92),
                rng.uniform(0.0, 1.0),
                rng.uniform(0.75, 1.25),
                rng.random(),
                float(rng.choice([1.0, 0.5, 0.5, 0.25])),  # beats per move
                float(rng.uniform(0.55, 1.0)),  # how much they move
            )
            for _ in range(p.figures)
        ]
        self.dancers.sort(key=lambda d: d[1])  # far ones first
        # who each is: a build, clothes in the screen's light, a style of their own
        people = self.rng("people")
        dark = p.figure_colour
        self.people = [
            (build(people), (dark, mix(dark, (150, 96, 86), 0.35), mix(dark, (10, 6, 8), 0.4)),
             int(people.integers(0, 4)))
            for _ in self.dancers
        ]  # fmt: skip
        self.rim_colour = tuple(float(c) for c in self._gradient.mean(axis=1))

    def _maps(self, w: int, h: int) -> tuple:
        """What does not move: the screen's mask, its spill around it and its floor reflection
        (at the internal size), and the rows and columns the screen covers."""
        if self._static is not None and self._static[0] == (w, h):
            return self._static[1]
        p = self.params
        ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
        xs = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
        x0, y0, x1, y1 = p.screen
        inside = ((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)).astype(np.float32)
        # distance outside the screen rectangle, for the spill
        dx = np.maximum(np.maximum(x0 - xs, xs - x1), 0)
        dy = np.maximum(np.maximum(y0 - ys, ys - y1), 0)
        spill = np.exp(-np.sqrt(dx * dx * 2 + dy * dy) * 7) * (1 - inside)
        # the floor mirrors the screen, stretched and fading toward the viewer
        floor = np.clip((ys - p.floor) / (1 - p.floor), 0, 1)
        under = ((xs >= x0 - 0.05) & (xs <= x1 + 0.05)).astype(np.float32)
        reflection = (ys > p.floor) * under * np.exp(-floor * 2.2) * 0.45
        rows = np.nonzero(inside.any(axis=1))[0]
        cols = np.nonzero(inside.any(axis=0))[0]
        box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)) if len(rows) else None
        maps = (inside, (spill + reflection).astype(np.float32)[None], box, xs[0], ys[:, 0])
        self._static = ((w, h), maps)
        return maps

    def _light(self, frame: Frame, v: ScreenGlowParams) -> np.ndarray:
        w, h = self.internal_size
        inside, around, box, xs, ys = self._maps(w, h)
        # the fields flow sideways through the noise, which wraps every 6 cells
        shift = self.travel(frame, "speed", 6.0, 0.12)
        field = self.noise.grid(xs * 6 + shift, ys * 4 + math.sin(math.tau * shift / 6) * 0.5)
        # the colour fields: a lookup along the stops, finer than any 8-bit step
        index = (np.clip(field * 1.3 - 0.15, 0, 1) * (GRADIENT - 1)).astype(np.intp)
        light = self._gradient[:, index]  # (3, h, w), a fresh array: worked on in place
        mean = light[:, box[0], box[1]].mean(axis=(1, 2)) if box else self._gradient.mean(1)
        light *= inside * np.float32(v.brightness)
        spill = (mean * (v.spill * v.brightness)).astype(np.float32)[:, None, None]
        light += around * spill
        return np.clip(light, 0, 255, out=light)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ScreenGlowParams) -> None:
        light = soft_upscale(self._light(frame, v), self.size, dither=False)
        target.blit(light, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
        self._dancers(target, frame, v)

    def _dancers(self, target: pygame.Surface, frame: Frame, v: ScreenGlowParams) -> None:
        """Dancers to the scene's beat, each in their own style and measure: arms up, hips out,
        a knee lifting. The screen behind them rims their heads, shoulders and sides, throws
        their shadows toward us across the floor and shows them faintly in its gloss; far ones
        smaller, and each blurred by the lens at their distance."""
        w, h = self.size
        p = self.params
        # the beat as the music counts it, fitted to the loop so the dance joins at the seam
        beat = frame.cycles(frame.clock.tempo / 60.0)
        rim = round(v.rim * min(1.0, v.brightness * 1.5) * 8)  # eight steps: few sprites
        gloss = round(v.rim * 8)
        light = tuple(min(255, round(c)) for c in self.rim_colour)
        middle = (p.screen[0] + p.screen[2]) / 2
        optics = frame.optics
        for (x, depth, tall, phase, measure, energy), (b, colours, style) in zip(
            self.dancers, self.people, strict=True
        ):
            height = round((0.14 + 0.2 * depth) * tall * h)
            step = beat * measure + phase  # moves since the start, in this dancer's measure
            bounce = energy * abs(math.sin(math.pi * step)) * height * 0.025
            pose = dancing(style, round((step % 1.0) * POSES) / POSES, energy)
            sprite = figure(height, b, pose, colours, True)
            feet = (p.floor + (1 - p.floor) * (0.1 + 0.65 * depth)) * h
            left = round(x * w - sprite.get_width() / 2)
            top = round(feet - sprite.get_height() - bounce)
            if gloss:
                self._shadow(target, sprite, left, feet, x - middle, gloss)
                mirrored = _reflection(sprite, gloss)
                target.blit(mirrored, (left, round(feet + bounce)))
            metres = 6.0 + 14.0 * (1.0 - depth)
            radius = radius_step(optics.radius(metres)) if optics is not None else 0.0
            if radius:
                soft, pad = blurred_sprite(sprite, radius)
                target.blit(soft, (left - pad, top - pad), special_flags=pygame.BLEND_PREMULTIPLIED)
            else:
                target.blit(sprite, (left, top))
            if rim and radius < 2:
                # back-lit: the screen's light wraps their heads, shoulders and the sides
                # that face its middle
                side = 1 if x < middle else -1
                target.blit(rim_sprite(sprite, side, light, rim), (left, top),
                            special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip

    def _shadow(self, target, sprite, left: int, feet: float, off: float, level: int) -> None:
        """The screen is behind them: their shadows fall toward us, fanning out from under it."""
        shade, (fx, fy) = cast_shadow(sprite, round(math.atan2(off, 0.5) / 0.1), 9, level)
        target.blit(shade, (round(left + sprite.get_width() / 2 - fx), round(feet - fy)))


#: steps of a dancer's measure their sprites are drawn in
POSES = 12


@functools.lru_cache(maxsize=512)
def _reflection(sprite: pygame.Surface, level: int) -> pygame.Surface:
    """The dancer upside down on the glossy floor, faint and fading downward."""
    mirrored = pygame.transform.flip(sprite, False, True).copy()
    fade = pygame.Surface(mirrored.get_size(), pygame.SRCALPHA, 32)
    rows = mirrored.get_height()
    for y in range(rows):
        alpha = round(255 * 0.4 * level / 8 * (1 - y / rows) ** 1.5)
        fade.fill((255, 255, 255, alpha), pygame.Rect(0, y, mirrored.get_width(), 1))
    mirrored.blit(fade, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    return mirrored
