"""sea: the beach at dawn, a calm sea under the horizon with soft swells and glints."""

from __future__ import annotations

import functools
import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num, hash01_array
from installation.visuals.discs import Lights
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams, soft_upscale
from installation.visuals.raster import planes_to_surface

GLINTS = 260


class SeaParams(LayerParams):
    depth: Depth = Field(
        150, description="metres from the camera: the nearest water; the horizon is far beyond"
    )
    horizon: Annotated[float, Num(0.2, 0.95)] = Field(
        0.6, description="height of the horizon, 0 top 1 bottom"
    )
    far: ColourField = Field("warm-grey", description="the sea near the horizon")
    near: ColourField = Field("teal-grey", description="the sea at the bottom of the frame")
    light: ColourField = Field("peach", description="colour of the sun's reflection")
    sun_x: Annotated[float, Num(0, 1)] = Field(
        0.6, description="where the sun's path of light lies, 0..1"
    )
    path: Annotated[float, Num(0, 1)] = Field(
        0.55, description="brightness of the sun's path on the water"
    )
    waves: Annotated[float, Num(0, 1)] = Field(0.5, description="strength of the swells")
    speed: Annotated[float, Num(0, 4)] = Field(1.0, description="pace of the swells")
    glints: Annotated[float, Num(0, 1)] = Field(0.5, description="sparkles on the path of light")
    shore: Annotated[float, Num(0, 1)] = Field(
        0.4, description="foam of the last wave at the bottom"
    )
    beach: Annotated[float, Num(0, 0.9)] = Field(
        0.0, description="share of the ground below the horizon that is sand, from the bottom"
    )
    sand: ColourField = Field("#E6C9A8", description="colour of the dry sand")
    mirror: Annotated[float, Num(0, 1)] = Field(
        0.5,
        description="how much the water takes the colours of the sky above it (its sun too: the "
        "path of light follows the sun and fades as it sets)",
    )


@LAYERS.register("sea")
class Sea(Layer[SeaParams]):
    """A sea below the horizon: swells in perspective, the sky's colours mirrored (``mirror``), the
    sun's path of light under the sky's sun (gone once it sets), glints, foam; optionally a beach of
    sand with a wet shoreline (``beach``)."""

    Params = SeaParams
    scale = 0.25
    direct = True  # a soft body of water plus sharp glints drawn over it
    native = "normal"

    def setup(self) -> None:
        rng = self.rng("glints")
        self.gx = rng.normal(0.0, 1.0, GLINTS).astype(np.float32)
        self.gy = rng.random(GLINTS).astype(np.float32) ** 1.6
        self.gsize = rng.integers(0, 3, GLINTS)

    def values(self, frame: Frame) -> SeaParams:
        """The written values, with the sky above mirrored in: water takes the sky's colours
        (the horizon's near the horizon, the zenith's toward the viewer, as a calm sea does)."""
        v = super().values(frame)
        sky = frame.sky
        if sky is None or v.mirror <= 0:
            return v
        m = v.mirror
        zenith = sky.middle if sky.middle is not None else sky.top
        mirrored: dict[str, object] = {
            "far": _toward(v.far, sky.bottom, m),
            "near": _toward(v.near, _darker(zenith, 0.75), m * 0.8),
        }
        if sky.sun is not None:
            mirrored["light"] = _toward(v.light, sky.sun.halo, m * 0.7)
            mirrored["sun_x"] = v.sun_x + (sky.sun.x - v.sun_x) * m
            # the path dims as the sun nears the horizon and is gone once it has set
            mirrored["path"] = v.path * min(1.0, max(0.0, (sky.sun.height + 0.04) / 0.1))
        return v.model_copy(update=mirrored)

    def _water(self, frame: Frame, v: SeaParams, rows: int) -> np.ndarray:
        """The water below the horizon only, at quarter size: (3, rows, w)."""
        w = self.internal_size[0]
        below = ((np.arange(rows, dtype=np.float32) + 0.5) / rows)[:, None]  # 0 horizon .. 1 bottom
        xs = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
        depth = below**0.7
        # swells roll in, a slow warp wanders along them and foam churns: three motions of
        # one speed, each landed on whole cycles per loop
        rolled = self.travel(frame, "speed", 1.0, 0.35)
        warped = self.travel(frame, "speed", math.tau, 0.2)
        churned = self.travel(frame, "speed", math.tau, 0.5)
        # swells: bands whose spacing grows toward the viewer (perspective), gently warped
        phase = 2.2 / (below + 0.04) - rolled + 0.15 * np.sin(xs * 9.0 + warped)
        swell = 0.5 + 0.5 * np.sin(phase * math.tau)
        shade = 1.0 - v.waves * 0.16 * swell * (0.3 + depth)
        width = 0.03 + 0.2 * below
        path = v.path * np.exp(-(((xs - v.sun_x) / width) ** 2)) * (1.0 - 0.6 * below)
        light = path * (0.55 + 0.45 * swell)
        # where the water ends: the bottom of the frame, or a shoreline the waves wash up and down
        line = 1.0 - v.beach
        if v.beach > 0:
            line = line + 0.015 * np.sin(xs * 7.0 + warped) + 0.01 * np.sin(churned)
        if v.shore > 0:
            edge = np.clip(1.0 - np.abs(below - (line - 0.1 if v.beach <= 0 else line)) * 12, 0, 1)
            foam = edge * (0.5 + 0.5 * np.sin(xs * 23 + churned)) ** 4
            light = light + v.shore * foam
        light = np.clip(light, 0, 1)
        planes = []
        for c in range(3):
            base = (v.far[c] + (v.near[c] - v.far[c]) * depth) * shade
            planes.append(base + (v.light[c] - base) * light)
        water = np.stack(planes)
        if v.beach <= 0:
            return water
        # sand: wet and darker (a mirror of the sky's light) at the line, dry and pale beyond
        past = np.clip((below - line) / max(v.beach, 1e-3), 0, 1)
        wet = np.exp(-past * 9.0)
        dry = np.array(v.sand, np.float32)[:, None, None]
        sand = dry * (0.92 + 0.08 * past) * (1 - 0.18 * wet) + np.array(v.light, np.float32)[
            :, None, None
        ] * 0.12 * wet * (1 - past)
        on_sand = (below > line).astype(np.float32)[None]
        return water * (1 - on_sand) + sand * on_sand

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: SeaParams) -> None:
        w, h = self.size
        top = round(v.horizon * h)
        rows = max(1, round((h - top) * self.scale * max(self.quality, self.min_quality)))
        water = soft_upscale(self._water(frame, v, rows), (w, h - top))
        target.blit(water, (0, top))
        if v.glints > 0:
            self._glints(target, frame, v)

    def _sparkle(self, frame: Frame, v: SeaParams) -> tuple[np.ndarray, ...]:
        """Every glint's place (px), how far below the horizon it is (0..1) and whether it
        shows now: on the path of light only, none once the sun has gone."""
        w, h = self.size
        horizon = v.horizon * h
        water = (h - horizon) * (1.0 - v.beach)  # glints on the water, never on the sand
        ys = horizon + 2 + self.gy * water * 0.8
        below = (ys - horizon) / max(h - horizon, 1)
        xs = v.sun_x * w + self.gx * (0.02 + 0.18 * below) * w * 0.6
        epoch = frame.epochs(6.0, self.gy * 97)
        on = hash01_array(self.seed, np.arange(GLINTS) * 131 + epoch) < v.glints * 0.5
        on &= hash01_array(self.seed + 1, np.arange(GLINTS)) < min(1.0, v.path / 0.4)
        return xs, ys, below, on

    def top_row(self, frame: Frame, v: SeaParams) -> int:
        return max(0, round(v.horizon * self.size[1]) - 2)

    def lights(self, frame: Frame, v: SeaParams) -> Lights | None:
        """The glints: the sun's light on the water, each as far off as its row of sea (the
        bottom of the frame is ``depth`` metres away, the horizon far beyond)."""
        if v.glints <= 0:
            return None
        xs, ys, below, on = self._sparkle(frame, v)
        idx = np.nonzero(on)[0]
        depth = v.depth / np.maximum(below[idx], 0.01)
        colour = np.broadcast_to(np.array(v.light, np.float64), (len(idx), 3))
        level = np.full(len(idx), 0.55) * (0.6 + 0.4 * self.gsize[idx] / 2)
        return Lights(xs[idx], ys[idx], depth, colour, level)

    def _glints(self, target: pygame.Surface, frame: Frame, v: SeaParams) -> None:
        xs, ys, _, on = self._sparkle(frame, v)
        light = tuple(round(c) for c in v.light)  # whole levels: a few sprites, cached
        blits = [
            (_glint(int(self.gsize[i]) + 1, light), (int(xs[i]), int(ys[i])))
            for i in np.nonzero(on)[0]
        ]
        target.fblits(blits, pygame.BLEND_RGB_ADD)


def _toward(a: tuple, b: tuple, u: float) -> tuple[float, float, float]:
    return (a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u)


def _darker(c: tuple, k: float) -> tuple[float, float, float]:
    return (c[0] * k, c[1] * k, c[2] * k)


@functools.lru_cache(maxsize=16)
def _glint(radius: int, colour: tuple) -> pygame.Surface:
    size = radius * 4 + 1
    c = np.arange(size, dtype=np.float32) - size // 2
    xx, yy = np.meshgrid(c, c)
    star = np.exp(-(xx * xx) / 0.8 - (yy * yy) / (radius * 1.5)) + np.exp(
        -(yy * yy) / 0.8 - (xx * xx) / (radius * 3)
    )
    star = np.clip(star, 0, 1) * 0.9
    return planes_to_surface(np.stack([star * ch for ch in colour]))
