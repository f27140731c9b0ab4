"""particles: dust motes in sunlight, slowly falling snow, rain streaks on glass."""

from __future__ import annotations

import functools
import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Pair
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.lens import disc_blur, disc_margin, radius_step
from installation.visuals.raster import blur_margin, blur_profile, dof_sigma, planes_to_surface
from installation.visuals.sprite_paths import SpritePaths

MAX_PARTICLES = 3000
LEVELS = 16

# kind: (fall speed px/s, wander px, default size, default colour)
KINDS = {
    "dust": (-3.0, 14.0, [1.5, 4.0], "amber"),
    "snow": (38.0, 18.0, [2.0, 7.0], "cream"),
    "rain": (900.0, 0.0, [1.0, 2.0], "warm-grey"),
}


#: the farthest particles are this many times as far as the nearest (``depth``)
REACH = 10.0


class ParticlesParams(LayerParams):
    baked = ("colour",)
    depth: Depth = Field(
        1.5,
        description="metres to the nearest of them; the rest spread out to ten times as far, "
        "each blurred by the lens at its own distance",
    )
    blend: Literal["add", "screen"] = Field("add", description="particles catch the light")
    kind: Literal["dust", "snow", "rain"] = Field("dust", description="what is in the air")
    count: Annotated[float, Num(0, MAX_PARTICLES)] = Field(200, description="number of particles")
    size: Pair | None = Field(None, description="smallest and largest size, px at 1080 lines")
    speed: Annotated[float, Num(0, 4)] = Field(
        1.0, description="multiplier on the kind's natural fall speed"
    )
    wind: Annotated[float, Num(-600, 600)] = Field(
        0.0, description="sideways push, px/s at 1080 lines"
    )
    brightness: Annotated[float, Num(0, 2)] = Field(0.6, description="overall brightness")
    colour: ColourField | None = Field(None, description="colour; default depends on the kind")
    area: Pair = Field([0.0, 1.0], description="top and bottom of the band they live in")
    length: float = Field(60.0, ge=4, le=400, description="rain streak length, px at 1080 lines")


@LAYERS.register("particles")
class Particles(Layer[ParticlesParams]):
    """``dust`` glinting in the sun, ``snow`` drifting down, ``rain`` streaks angled by the wind;
    each seen through the lens at its own distance (near ones become soft discs)."""

    Params = ParticlesParams
    direct = True
    native = "add"
    blurs_itself = True  # each dot or streak is made softer, not the layer

    def setup(self) -> None:
        from installation.scene.palettes import parse_colour

        p = self.params
        fall, wander, size, colour = KINDS[p.kind]
        self.fall, self.sway_px = fall, wander  # not self.wander: a method of the base
        lo, hi = (p.size or size)[0] * self.unit, (p.size or size)[1] * self.unit
        self.colour = tuple(p.colour or parse_colour(colour))
        rng = self.rng("particles")
        n = MAX_PARTICLES
        self.depth = rng.random(n)  # 0 far .. 1 near: near ones are larger, faster, brighter
        self.x0 = rng.random(n)
        self.y0 = rng.random(n)
        self.phase = rng.random(n) * math.tau
        self.freq = 0.05 + 0.2 * rng.random(n)
        self.sizes = np.geomspace(max(lo, 0.6), max(hi, 0.6), 6)
        self.bucket = np.minimum((self.depth * 6).astype(int), 5)
        # each size bucket stands at one distance: nearest (bucket 5) at ``depth``, farthest at
        # REACH times it, evenly in dioptres (as the lens measures)
        self.near_share = (np.arange(6) + 0.5) / 6
        self.paths = SpritePaths(self.rng("skips"), n)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ParticlesParams) -> None:
        n = min(math.ceil(v.count), MAX_PARTICLES)
        if n == 0 or v.brightness <= 0:
            return
        p = self.params
        w, h = self.size
        sl = slice(0, n)
        depth = self.depth[sl]
        pace = 0.35 + 0.65 * depth
        top, bottom = p.area[0] * h, p.area[1] * h
        span_y = max(bottom - top, 1.0) + 80 * self.unit
        span_x = w + 80 * self.unit
        # wind and speed are rates: each particle goes as far as their integrals carry it
        blown = self.paths.distances(self, frame, "wind", n) * self.unit * pace
        fallen = self.paths.distances(self, frame, "speed", n) * self.fall * self.unit * pace
        swing = frame.cycles_each(self.freq[sl] / math.tau)
        sway = self.sway_px * self.unit * np.sin(math.tau * swing + self.phase[sl])
        x = (self.x0[sl] * span_x + blown + sway) % span_x - 40 * self.unit
        y = (self.y0[sl] * span_y + fallen) % span_y + top - 40 * self.unit
        level = v.brightness * (0.35 + 0.65 * depth)
        if p.kind == "dust":  # motes glint as they turn in the light
            glint = np.sin(
                math.tau * frame.cycles_each(self.freq[sl] * 3.0 / math.tau) + self.phase[sl] * 2
            )
            level = level * (0.25 + 0.75 * np.clip(glint, 0, 1) ** 3)
        shown = self.paths.visibility(frame, n)
        if shown is not None:
            level = level * shown
        steps = np.clip(np.rint(level * LEVELS), 0, 2 * LEVELS).astype(int)
        angle = (
            math.atan2(v.wind * 0.6, max(abs(self.fall * v.speed), 1.0))
            if p.kind == "rain"
            else 0.0
        )
        length = round(p.length * self.unit)
        sigma = dof_sigma(v.blur * self.unit)
        discs = self._discs(frame, v.depth)
        pads = [blur_margin(sigma) + disc_margin(r) for r in discs]
        blits = []
        for i in np.nonzero(steps)[0]:
            b = int(self.bucket[i])
            size = float(self.sizes[b])
            sprite = _sprite(
                p.kind,
                round(size * 4) / 4,
                self.colour,
                int(steps[i]),
                length,
                round(angle, 2),
                sigma,
                discs[b],
            )
            blits.append((sprite, (int(x[i]) - pads[b], int(y[i]) - pads[b])))
        target.fblits(blits, pygame.BLEND_RGB_ADD)

    def _discs(self, frame: Frame, near: float) -> list[float]:
        """The lens's blur of each size bucket, px (in steps): nearer buckets stand nearer."""
        if frame.optics is None:
            return [0.0] * len(self.sizes)
        far = near * REACH
        metres = 1.0 / (1.0 / far + (1.0 / near - 1.0 / far) * self.near_share)
        return [radius_step(frame.optics.radius(float(d))) for d in metres]


@functools.lru_cache(maxsize=2048)
def _sprite(
    kind: str,
    size: float,
    colour: tuple,
    step: int,
    length: int,
    angle: float,
    blur: float = 0.0,
    disc: float = 0.0,
) -> pygame.Surface:
    """A soft dot (dust, snow) or a thin streak that fades toward its tail (rain).

    ``disc`` (px) is the lens's blur at its distance: the dot becomes the lens's disc, a little
    brighter than its spread light alone would make it (a lit mote is bright); ``blur``
    (Gaussian sigma, px) is the layer's own softening. The sprite grows to fit both.
    """
    gain = step / LEVELS
    if kind == "rain":
        w = max(3, math.ceil(size * 2 + abs(math.sin(angle)) * length))
        h = max(3, length)
        ys = np.linspace(0, 1, h, dtype=np.float32)[:, None]
        xs = np.arange(w, dtype=np.float32)[None, :]
        centre = (w - 1) / 2 + (ys - 0.5) * math.tan(angle) * length
        across = np.exp(-(((xs - centre) / max(size * 0.6, 0.5)) ** 2))
        profile = across * ys**1.5 * 0.8  # brightest at the head
    else:
        d = max(3, math.ceil(size * 2.5))
        c = (np.arange(d, dtype=np.float32) - (d - 1) / 2) / max(size / 2, 0.5)
        xx, yy = np.meshgrid(c, c)
        profile = np.exp(-(xx * xx + yy * yy) * (1.2 if kind == "snow" else 1.8))
    if disc > 0:
        spread = disc_blur(profile, disc)
        # the light of a mote spread over a disc: kept visible, as a lens's bokeh is
        profile = spread * min(8.0, max(1.0, (disc / max(size, 1.0)) ** 0.9))
    profile = blur_profile(profile, blur)
    return planes_to_surface(np.stack([np.clip(profile * gain * ch, 0, 255) for ch in colour]))
