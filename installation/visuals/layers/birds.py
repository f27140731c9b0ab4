"""birds: a loose flock crossing the sky now and then, wings beating and gliding."""

from __future__ import annotations

import functools
import math
from typing import Annotated

from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Pair
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import blurred_sprite, radius_step

POSES = 8  # steps of a wingbeat


class BirdsParams(LayerParams):
    baked = ("colour",)
    depth: Depth = Field(150, description="metres from the camera: the flock")
    count: int = Field(14, ge=1, le=200, description="birds in the flock")
    every: float = Field(
        60.0, ge=5, le=3600, description="seconds between crossings (fitted to the loop)"
    )
    height: Pair = Field([0.18, 0.42], description="the band of sky they fly in, 0 top 1 bottom")
    size: float = Field(0.018, ge=0.004, le=0.1, description="wingspan, in frame heights")
    spread: float = Field(0.25, ge=0.02, le=1, description="how loose the flock is")
    colour: ColourField = Field("#3A2A30", description="the birds against the sky")
    flap: Annotated[float, Num(0, 1)] = Field(
        0.5, description="share of the time wings beat (the rest they glide)"
    )


@LAYERS.register("birds")
class Birds(Layer[BirdsParams]):
    """A flock crossing the sky once every ``every`` seconds, left to right or back, each bird
    keeping its place in a loose formation, beating and gliding at its own moments."""

    Params = BirdsParams
    direct = True
    blurs_itself = True  # each bird's sprite is seen through the lens, once per pose and step

    def setup(self) -> None:
        p = self.params
        rng = self.rng("flock")
        n = p.count
        self.dx = rng.normal(0, 1, n) * p.spread * 0.35  # place in the flock, frame widths
        self.dy = rng.normal(0, 1, n) * p.spread * 0.12
        self.phase = rng.random(n)
        self.rate = rng.uniform(2.6, 3.4, n)  # wingbeats a second
        self.sizes = rng.uniform(0.75, 1.2, n)  # each bird its own size

    def paint_key(self, frame: Frame, v: BirdsParams) -> None:
        return None

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: BirdsParams) -> None:
        p = self.params
        w, h = self.size
        crossing = frame.cycles(1.0 / p.every)  # crossings since the start, fitted to the loop
        k, u = math.floor(crossing), crossing % 1.0
        # a crossing takes 45% of the interval; then the sky is empty until the next
        u = u / 0.45
        if u >= 1.0:
            return
        rightward = (k * 2654435761) % 7 < 4  # the flock comes from either side
        lo, hi = p.height
        band = lo + (hi - lo) * ((k * 40503) % 97) / 96.0
        span = 1.0 + 2 * p.spread
        x = -p.spread + span * u if rightward else 1 + p.spread - span * u
        drift = 0.03 * math.sin(math.tau * (u + k * 0.37))  # the flock rises and dips
        beats = frame.cycles_each(self.rate) + self.phase
        radius = radius_step(self.blur_radius(frame, v))
        blits = []
        for i in range(len(self.dx)):
            bx = (x + self.dx[i] + 0.01 * math.sin(beats[i] * 0.21)) * w
            by = (band + drift + self.dy[i] + 0.004 * math.sin(beats[i] * 0.5)) * h
            # beating for a few seconds, gliding for a few: each bird its own turn
            gliding = (beats[i] / 9.0 + self.phase[i]) % 1.0 > v.flap
            pose = POSES // 4 if gliding else int((beats[i] % 1.0) * POSES)
            span_px = max(4, round(p.size * h * self.sizes[i]))
            sprite = _bird(span_px, pose, p.colour, rightward)
            if radius:
                sprite, pad = blurred_sprite(sprite, radius)
                blits.append((sprite, (round(bx - span_px / 2) - pad, round(by) - pad)))
            else:
                blits.append((sprite, (round(bx - span_px / 2), round(by))))
        target.fblits(blits, pygame.BLEND_PREMULTIPLIED if radius else 0)


@functools.lru_cache(maxsize=512)
def _bird(span: int, pose: int, colour: tuple, rightward: bool) -> pygame.Surface:
    """A bird seen from below and afar: two wings from a small body, their tips rising and
    falling through the beat; drawn 4x larger and scaled down for soft edges."""
    s = 4
    w, h = span * s, max(2, span // 2) * s
    surface = pygame.Surface((w, h), pygame.SRCALPHA, 32)
    lift = math.cos(math.tau * pose / POSES)  # 1 wings up, -1 down
    cx, cy = w / 2, h / 2
    tip_y = cy - lift * h * 0.42
    elbow_y = cy - lift * h * 0.15 - h * 0.08
    thick = max(2, round(span * s * 0.07))
    for side in (-1, 1):
        elbow = (cx + side * w * 0.22, elbow_y)
        tip = (cx + side * w * 0.48, tip_y)
        pygame.draw.line(surface, colour, (cx, cy), elbow, thick)
        pygame.draw.line(surface, colour, elbow, tip, max(1, thick - s))
    pygame.draw.ellipse(surface, colour, pygame.Rect(round(cx - w * 0.06), round(cy - h * 0.08),
                                                     round(w * 0.12), round(h * 0.2)))  # fmt: skip
    small = pygame.transform.smoothscale(surface, (span, max(2, span // 2)))
    return small if rightward else pygame.transform.flip(small, True, False)
