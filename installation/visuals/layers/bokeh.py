"""bokeh: out-of-focus city lights, pre-rendered discs blended as light."""

from __future__ import annotations

import functools
import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator

from installation.lazy import pygame
from installation.scene.followers import FollowsVoice
from installation.scene.params import OneColourField, Pair, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Layer, LayerParams
from installation.visuals.raster import blur_margin, blur_profile, dof_sigma, planes_to_surface
from installation.visuals.sprite_paths import SpritePaths

MAX_LIGHTS = 1000
LEVELS = 24  # brightness steps per sprite; fine enough that twinkle looks continuous


class FollowSpec(Params):
    """Brightness breathes with a voice of the sound."""

    voice: Annotated[str, FollowsVoice(band="band")] = Field(
        "master", description="a voice of the scene's sound, or 'master'"
    )
    band: Literal["rms", "low", "mid", "high"] = Field(
        "rms",
        description="which part of it: rms (all), low (below 250 Hz), mid, high (above 4 kHz)",
    )
    amount: Annotated[float, Num(0, 4)] = Field(
        0.4, description="how much the level brightens the lights"
    )


class BokehParams(LayerParams):
    blend: Literal["add", "screen"] = Field("add", description="lights only add light")
    count: Annotated[float, Num(0, MAX_LIGHTS)] = Field(90, description="number of lights")
    size: Pair = Field(
        [10.0, 48.0], description="smallest and largest disc diameter, in pixels at 1080 lines"
    )
    brightness: Annotated[float, Num(0, 2)] = Field(0.7, description="overall brightness")
    drift: Annotated[float, Num(-400, 400)] = Field(
        4.0, description="sideways drift of the nearest lights, px/s at 1080 lines"
    )
    rise: Annotated[float, Num(-200, 200)] = Field(
        0.0, description="upward drift, px/s at 1080 lines"
    )
    twinkle: Annotated[float, Num(0, 1)] = Field(0.3, description="how much each light shimmers")
    area: Pair = Field(
        [0.3, 1.0], description="top and bottom of the band the lights sit in, 0 top 1 bottom"
    )
    colours: list[OneColourField] | None = Field(
        None, description="colours to draw from; default: the warm lights of the palette"
    )
    hexagon: float = Field(0.25, ge=0, le=1, description="0 round discs, 1 six-bladed aperture")
    rim: float = Field(0.15, ge=0, le=1, description="brightness of the disc's rim")
    follow: FollowSpec | None = Field(None, description="audio-reactive brightness")

    @field_validator("size", "area")
    @classmethod
    def _ordered(cls, pair: list[float], info):
        lo, hi = pair
        limit = (1.0, 400.0) if info.field_name == "size" else (0.0, 1.0)
        if not (limit[0] <= lo <= hi <= limit[1]):
            raise ValueError(
                f"must be [low, high] with {limit[0]:g} <= low <= high <= {limit[1]:g}"
            )
        return pair


_WARM_LIGHTS = ("amber", "mustard", "peach", "coral", "cream", "salmon")


@LAYERS.register("bokeh")
class Bokeh(Layer[BokehParams]):
    """Random out-of-focus lights, for a scene that asks for them (the lens makes discs of the
    frame's own lights by itself): soft discs with a rim, optional hexagonal aperture, drift,
    twinkle, audio-reactive brightness."""

    Params = BokehParams
    direct = True
    native = "add"
    blurs_itself = True  # the discs are made softer, not the layer

    def setup(self) -> None:
        from installation.scene.palettes import parse_colour

        p = self.params
        colours = p.colours or [parse_colour(name) for name in _WARM_LIGHTS]
        rng = self.rng("lights")
        n = MAX_LIGHTS
        self.colours = [tuple(c) for c in colours]
        self.depth = rng.random(n) ** 1.5  # 0 far/small .. 1 near/large
        self.x0 = rng.random(n)
        self.y0 = p.area[0] + (p.area[1] - p.area[0]) * rng.random(n) ** 0.8
        self.colour_index = rng.integers(0, len(self.colours), n)
        self.gain = 0.55 + 0.45 * rng.random(n)
        self.freq = 0.05 + 0.25 * rng.random(n)
        self.phase = rng.random(n) * math.tau
        scale = self.unit
        lo, hi = p.size[0] * scale, p.size[1] * scale
        self.sizes = _size_buckets(lo, hi)
        diameters = lo + (hi - lo) * self.depth
        self.bucket = np.searchsorted(self.sizes, diameters).clip(0, len(self.sizes) - 1)
        self.bob = (2.0 + 6.0 * rng.random(n)) * scale
        self.paths = SpritePaths(self.rng("skips"), n)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: BokehParams) -> None:
        count = v.count
        n = min(math.ceil(count), MAX_LIGHTS)
        if n == 0:
            return
        w, h = self.size
        sl = slice(0, n)
        depth = self.depth[sl]
        sigma = dof_sigma(v.blur * self.unit)
        margin = float(self.sizes[-1]) + blur_margin(sigma)
        span = w + 2 * margin
        pace = (0.25 + 0.75 * depth) * self.unit  # nearer lights drift faster
        drifted = self.paths.distances(self, frame, "drift", n) * pace
        risen = self.paths.distances(self, frame, "rise", n) * pace
        x = (self.x0[sl] * span + drifted) % span - margin
        y = (self.y0[sl] * h - risen) % (h + 2 * margin) - margin
        bobbing = frame.cycles_each(self.freq[sl] * 0.5 / math.tau)
        y = y + self.bob[sl] * np.sin(math.tau * bobbing + self.phase[sl])
        shimmer = 1.0 - v.twinkle * 0.5 * (
            1.0 + np.sin(math.tau * frame.cycles_each(self.freq[sl]) + self.phase[sl])
        )
        level = v.brightness * self.gain[sl] * shimmer * (1.0 - 0.35 * depth)
        shown = self.paths.visibility(frame, n)
        if shown is not None:
            level = level * shown
        if v.follow is not None:
            feature = frame.moment.feature(v.follow.voice, v.follow.band)
            level = level * (1.0 + v.follow.amount * feature)
        if count < n:
            level[-1] *= count - (n - 1)  # the newest light fades in with fractional counts
        steps = np.clip(np.rint(level * LEVELS), 0, 2 * LEVELS).astype(int)
        p = self.params
        blits = []
        for i in np.nonzero(steps)[0]:
            bucket = int(self.bucket[i])
            sprite = _sprite(
                float(self.sizes[bucket]),
                self.colours[self.colour_index[i]],
                int(steps[i]),
                p.hexagon,
                p.rim,
                sigma,
            )
            r = sprite.get_width() / 2
            blits.append((sprite, (int(x[i] - r), int(y[i] - r))))
        target.fblits(blits, pygame.BLEND_RGB_ADD)


def _size_buckets(lo: float, hi: float) -> np.ndarray:
    count = max(1, min(14, round(math.log(max(hi, 1) / max(lo, 1), 1.18)) + 1))
    return np.geomspace(max(lo, 1.0), max(hi, 1.0), count)


@functools.lru_cache(maxsize=4096)
def _sprite(
    diameter: float,
    colour: tuple[int, int, int],
    step: int,
    hexagon: float,
    rim: float,
    blur: float = 0.0,
) -> pygame.Surface:
    """A disc of light: soft body, brighter rim, a hint of aperture blades; black outside.

    ``blur`` (Gaussian sigma, px) softens it further for depth of field; the sprite grows to fit.
    """
    size = max(3, math.ceil(diameter) + 2)
    c = (np.arange(size, dtype=np.float32) - (size - 1) / 2) / (diameter / 2)
    xx, yy = np.meshgrid(c, c)
    round_d = np.sqrt(xx * xx + yy * yy)
    angles = (0.0, math.pi / 3, 2 * math.pi / 3)
    hex_d = np.max([np.abs(xx * math.cos(a) + yy * math.sin(a)) for a in angles], axis=0) / 0.93
    d = round_d + (hex_d - round_d) * hexagon
    soft = max(3.0 / diameter, 0.14)  # edge width: a few pixels, wider on tiny discs
    body = np.clip((1.0 - d) / soft, 0.0, 1.0)
    body = body * body * (3 - 2 * body)
    profile = body * (0.78 + 0.12 * d * d) + rim * np.exp(-(((d - 0.88) / 0.1) ** 2)) * body
    intensity = blur_profile(profile, blur) * (step / LEVELS)
    return planes_to_surface(np.stack([intensity * ch for ch in colour]))
