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
from installation.visuals.figures import person
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams, soft_upscale
from installation.visuals.noise import ValueNoise2D

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
                float(rng.uniform(0.3, 1.0)),  # how much they move
            )
            for _ in range(p.figures)
        ]
        self.dancers.sort(key=lambda d: d[1])  # far ones first
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
        """Dancers to the scene's beat, each in their own measure; the screen's light catches
        their upper edges (a rim) and the glossy floor shows them faintly; far ones smaller."""
        w, h = self.size
        p = self.params
        # the beat as the music counts it, fitted to the loop so the dance joins at the seam
        beat = frame.cycles(frame.clock.tempo / 60.0)
        rim = round(v.rim * min(1.0, v.brightness * 1.5) * 8)  # eight steps: few sprites
        gloss = round(v.rim * 8)
        for x, depth, tall, phase, measure, energy in self.dancers:
            height = (0.14 + 0.2 * depth) * tall * h
            step = beat * measure + phase  # moves since the start, in this dancer's measure
            arms = energy * (0.5 + 0.5 * math.sin(math.tau * step))
            bounce = energy * abs(math.sin(math.pi * step)) * height * 0.025
            sway = math.sin(math.tau * (step / 2 + phase)) * height * 0.05
            pose = round(arms * 4) / 4
            sprite = _dancer(round(height), pose, p.figure_colour)
            feet = (p.floor + (1 - p.floor) * (0.1 + 0.65 * depth)) * h
            left = round(x * w + sway - sprite.get_width() / 2)
            top = round(feet - sprite.get_height() - bounce)
            if gloss:
                # back-lit: the screen's light wraps their head, shoulders and sides
                lit = _dancer_lit(round(height), pose, self.rim_colour, rim)
                d = max(1, round(height * 0.012))
                for dx, dy in ((0, -d), (-d, 0), (d, 0)):
                    target.blit(lit, (left + dx, top + dy), special_flags=pygame.BLEND_RGB_ADD)
                mirrored = _reflection(round(height), pose, p.figure_colour, gloss)
                target.blit(mirrored, (left, round(feet + bounce)))
            target.blit(sprite, (left, top))


@functools.lru_cache(maxsize=256)
def _dancer(height: int, arms: float, colour: tuple) -> pygame.Surface:
    return person(height, colour, coat=0.62, arms=arms, hair=0.2)


@functools.lru_cache(maxsize=512)
def _dancer_lit(height: int, arms: float, light: tuple, level: int) -> pygame.Surface:
    """The dancer's shape in the screen's light, to add a pixel or two above the silhouette:
    what shows past its edges is the rim the screen lights."""
    k = level / 8 * 0.7
    shape = person(height, tuple(min(255, round(c * k)) for c in light), coat=0.62, arms=arms,
                   hair=0.0, soft=False)  # fmt: skip
    out = pygame.Surface(shape.get_size(), 0, 32)
    out.fill((0, 0, 0))
    out.blit(shape, (0, 0))
    return out


@functools.lru_cache(maxsize=512)
def _reflection(height: int, arms: float, colour: tuple, level: int) -> pygame.Surface:
    """The dancer upside down on the glossy floor, faint and fading downward."""
    sprite = pygame.transform.flip(_dancer(height, arms, colour), False, True).copy()
    fade = pygame.Surface(sprite.get_size(), pygame.SRCALPHA, 32)
    rows = sprite.get_height()
    for y in range(rows):
        alpha = round(255 * 0.5 * level / 8 * (1 - y / rows) ** 1.5)
        fade.fill((255, 255, 255, alpha), pygame.Rect(0, y, sprite.get_width(), 1))
    sprite.blit(fade, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    return sprite
