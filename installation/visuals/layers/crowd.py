"""crowd: people on a beach or a promenade, walking and standing, fading into the haze."""

from __future__ import annotations

import functools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, OneColourField, Pair
from installation.scene.values import Num
from installation.visuals.figures import person
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.strips import mix

MAX_PEOPLE = 400
POSES = 6  # steps of a stride a walker's sprite is drawn in


class CrowdParams(LayerParams):
    baked = ("colour", "haze", "clothes")
    count: int = Field(80, ge=0, le=MAX_PEOPLE, description="number of people")
    ground: Pair = Field(
        [0.6, 0.98], description="where the farthest and the nearest stand, 0 top 1 bottom"
    )
    size: float = Field(0.2, ge=0.02, le=0.6, description="height of the nearest, in frame heights")
    walking: float = Field(0.6, ge=0, le=1, description="share of them walking; the rest stand")
    speed: Annotated[float, Num(0, 4)] = Field(1.0, description="pace of the walkers (1: a stroll)")
    colour: ColourField = Field("#3A2428", description="the nearest figures, against the light")
    clothes: list[OneColourField] | None = Field(
        None, description="colours some wear (summer clothes); mixed into the figures"
    )
    haze: ColourField = Field("pearl", description="the colour the farthest dissolve into")
    depth: float = Field(0.75, ge=0, le=1, description="how much distance swallows them")


@LAYERS.register("crowd")
class Crowd(Layer[CrowdParams]):
    """People walking and standing in rows of depth, fading into the haze with distance; each walker
    makes whole crossings per loop."""

    Params = CrowdParams
    direct = True

    def setup(self) -> None:
        p = self.params
        rng = self.rng("crowd")
        n = p.count
        # more people far off (the beach recedes), sorted far to near so near ones overlap
        self.depth = np.sort(rng.random(n) ** 1.7)
        self.x0 = rng.random(n)
        self.walks = rng.random(n) < p.walking
        self.way = np.where(rng.random(n) < 0.5, -1.0, 1.0)
        self.pace = rng.uniform(0.7, 1.3, n)
        self.phase = rng.random(n)
        # frame widths a second each walker crosses at speed 1 (a stroll near by: a minute a
        # width); in a loop, landed so each makes a whole number of crossings, at least one
        rates = self.pace * (0.4 + 0.6 * self.depth) / 60.0
        per_loop = self.motion_on(self.clock, "speed").per_loop()
        if per_loop:
            rates = np.maximum(1, np.round(per_loop * rates)) / per_loop
        self.rates = rates
        clothes = p.clothes or []
        self.looks = [
            (
                mix(
                    mix(p.colour, clothes[int(rng.integers(len(clothes)))], 0.45)
                    if clothes and rng.random() < 0.5
                    else p.colour,
                    p.haze,
                    p.depth * (1 - d) ** 1.2,
                ),
                float(rng.uniform(0.5, 0.85)),  # coat: long dresses to shorts
            )
            for d in self.depth
        ]

    def paint_key(self, frame: Frame, v: CrowdParams) -> None:
        return None  # someone is always moving

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: CrowdParams) -> None:
        p = self.params
        w, h = self.size
        far, near = p.ground
        travel = self.motion(frame, "speed").distance(frame.t)
        blits = []
        for i in range(len(self.depth)):
            d = float(self.depth[i])
            height = max(6.0, h * p.size * (0.18 + 0.82 * d))
            feet = h * (far + (near - far) * d)
            colour, coat = self.looks[i]
            if self.walks[i]:
                laps = travel * self.rates[i]
                x = (self.x0[i] + self.way[i] * laps) % 1.0
                stride = (laps * 40 + self.phase[i]) % 1.0  # steps per frame width
                pose = int(stride * POSES) % POSES
                bob = abs(math.sin(math.pi * stride * 2)) * height * 0.015
            else:
                x, pose, bob = float(self.x0[i]), -1, 0.0
            sprite = _figure(round(height), colour, round(coat, 1), pose, self.way[i] > 0)
            left = round(x * (w + sprite.get_width())) - sprite.get_width()
            blits.append((sprite, (left, round(feet - sprite.get_height() - bob))))
        target.fblits(blits)


@functools.lru_cache(maxsize=2048)
def _figure(height: int, colour: tuple, coat: float, pose: int, right: bool) -> pygame.Surface:
    """A person ``height`` px tall; ``pose`` -1 standing, else a step of the stride."""
    arms = 0.0 if pose < 0 else 0.12 * abs(math.sin(math.pi * pose / POSES))
    sprite = person(height, colour, coat=coat, arms=arms, hair=0.3)
    if pose >= 0:  # walking: lean a little into the step
        sprite = pygame.transform.rotate(sprite, -2 if right else 2)
    return sprite
