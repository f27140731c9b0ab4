"""crowd: people on a beach or a promenade, walking and standing, each their own, in the light.

Each person is drawn with a build, clothes, hair and a pose of their own (``figures``), stands at
a distance of their own (the nearest ``depth`` metres off, the farthest ``far``), fades into the
air by it and is blurred by the lens by it. The scene's light (or the sky's sun) rims the side of
each that faces it and throws their shadows across the ground away from it; a contact shadow
pools under every pair of feet.
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, OneColourField, Pair
from installation.scene.values import Num
from installation.visuals.figures import Build, Pose, build, figure, standing, walking
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import blurred_sprite, radius_step
from installation.visuals.lighting import cast_shadow, contact_shadow, rim_sprite, shadow_direction
from installation.visuals.strips import mix

MAX_PEOPLE = 400
POSES = 8  # steps of a stride a walker's sprite is drawn in
#: how far one sees when the scene names no atmosphere: a beach's haze
VISIBILITY = 260.0
SKIN, HAIR = (156, 104, 88), (40, 26, 28)


class CrowdParams(LayerParams):
    baked = ("colour", "haze", "clothes")
    depth: Depth = Field(6.0, description="metres to the nearest of them")
    far: float = Field(
        180.0, ge=5, le=100000, description="metres to the farthest (they fade into the air)"
    )
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
    shadows: Annotated[float, Num(0, 1)] = Field(
        0.6, description="their shadows on the ground, away from the light, and under the feet"
    )
    rim: Annotated[float, Num(0, 1)] = Field(
        0.6, description="the light on the side of each that faces it"
    )


@LAYERS.register("crowd")
class Crowd(Layer[CrowdParams]):
    """People walking and standing, each of their own build, clothes and pose, fading into the air
    and blurred by the lens with distance, rimmed by the scene's light and casting shadows away
    from it; each walker makes whole crossings per loop."""

    Params = CrowdParams
    direct = True
    blurs_itself = True  # each person is seen through the lens at their own distance

    def setup(self) -> None:
        p = self.params
        rng = self.rng("crowd")
        n = p.count
        # more people far off (the beach recedes), sorted far to near so near ones overlap
        self.depth = np.sort(rng.random(n) ** 1.7)
        near = self.initial("depth")
        far = max(p.far, near)
        self.metres = 1.0 / (1.0 / far + (1.0 / near - 1.0 / far) * self.depth)
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
        air = self.camera.air_at_start()
        visibility = air.visibility if air is not None else VISIBILITY
        clothes = p.clothes or []
        people = self.rng("people")
        self.people: list[tuple[Build, Pose, tuple]] = []
        for m in self.metres:
            fog = 1.0 - math.exp(-m / visibility)
            wear = p.colour
            if clothes and people.random() < 0.6:
                wear = mix(p.colour, clothes[int(people.integers(len(clothes)))], 0.5)
            colours = tuple(mix(c, p.haze, fog) for c in (wear, SKIN, HAIR))
            self.people.append((build(people), standing(people), colours))

    def paint_key(self, frame: Frame, v: CrowdParams) -> None:
        return None  # someone is always moving

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: CrowdParams) -> None:
        p = self.params
        w, h = self.size
        far, near = p.ground
        travel = self.motion(frame, "speed").distance(frame.t)
        optics = frame.optics
        shadows: list = []
        people: list = []  # (sprite, place, blend flag), far to near: rims drawn with their own
        rim = self._rim(frame, v)
        for i in range(len(self.depth)):
            d = float(self.depth[i])
            height = round(max(6.0, h * p.size * (0.18 + 0.82 * d)))
            feet = h * (far + (near - far) * d)
            b, rest, colours = self.people[i]
            if self.walks[i]:
                laps = travel * self.rates[i]
                x = (self.x0[i] + self.way[i] * laps) % 1.0
                stride = (laps * 40 + self.phase[i]) % 1.0  # steps per frame width
                pose = walking(round(stride * POSES) % POSES / POSES)
                bob = abs(math.sin(math.pi * stride * 2)) * height * 0.015
            else:
                x, pose, bob = float(self.x0[i]), rest, 0.0
            sprite = figure(height, b, pose, colours, bool(self.way[i] > 0))
            sw = sprite.get_width()
            left = round(x * (w + sw)) - sw
            top = round(feet - sprite.get_height() - bob)
            cx = (left + sw / 2) / w
            still = figure(height, b, rest, colours, bool(self.way[i] > 0))
            self._shadow(shadows, frame, v, still, left, top, cx, height)
            radius = radius_step(optics.radius(float(self.metres[i]))) if optics else 0.0
            if optics is not None:  # premultiplied, sharp or soft: one way to blit them all
                soft, pad = blurred_sprite(sprite, radius)
                people.append((soft, (left - pad, top - pad), pygame.BLEND_PREMULTIPLIED))
            else:
                people.append((sprite, (left, top), 0))
            if rim is not None and d > 0.25 and not radius:
                side, colour, level = rim
                side = 1 if side > cx else -1
                lit = rim_sprite(sprite, side, colour, level)
                people.append((lit, (left, top), pygame.BLEND_RGB_ADD))
        target.fblits(shadows)
        for flag, run in itertools.groupby(people, key=lambda item: item[2]):
            target.fblits([(sprite, at) for sprite, at, _ in run], flag)

    def _rim(self, frame: Frame, v: CrowdParams) -> tuple[float, tuple, int] | None:
        """Where the light is across (frame fraction), its colour and the rim's level of 8."""
        if v.rim <= 0:
            return None
        light = frame.light
        if light is not None:
            level = round(8 * min(1.0, v.rim * light.strength))
            return (light.x, tuple(int(c) // 8 * 8 for c in light.colour), level) if level else None
        sun = frame.sky.sun if frame.sky is not None else None
        if sun is None:
            return None
        level = round(8 * min(1.0, v.rim * sun.glow * min(1.0, (sun.height + 0.04) / 0.08)))
        return (sun.x, tuple(int(c) // 8 * 8 for c in sun.halo), level) if level else None

    def _shadow(self, out: list, frame: Frame, v: CrowdParams, sprite, left, top, cx, height):
        """The contact shadow under the feet and the shadow cast away from the light."""
        if v.shadows <= 0:
            return
        feet_x, feet_y = left + sprite.get_width() / 2, top + sprite.get_height()
        pool = contact_shadow(round(height * 0.32), round(8 * v.shadows))
        out.append((pool, (round(feet_x - pool.get_width() / 2),
                           round(feet_y - pool.get_height() / 2))))  # fmt: skip
        cast = shadow_direction(frame.light, frame.sky, cx)
        if cast is None:
            return
        angle, length, strength = cast
        level = round(8 * v.shadows * strength)
        if level <= 0:
            return
        shade, (fx, fy) = cast_shadow(
            sprite, round(angle / 0.1), max(1, min(16, round(length * 8))), level
        )
        out.append((shade, (round(feet_x - fx), round(feet_y - fy))))
