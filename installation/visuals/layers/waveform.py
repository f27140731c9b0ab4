"""waveform: a single soft, glowing line that moves with the sound: the voice as presence."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.followers import FollowsVoice
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.raster import scratch

POINTS = 240
CHUNK = 6  # points of the line drawn in one colour


class WaveformParams(LayerParams):
    depth: Depth = Field(3, description="metres from the camera: where the line floats")
    blend: Literal["add", "screen"] = Field("add", description="the line is light")
    voice: Annotated[str, FollowsVoice()] = Field(
        "master", description="the voice whose sound the line follows"
    )
    y: Annotated[float, Num(0, 1)] = Field(0.5, description="height of the line, 0 top 1 bottom")
    amplitude: Annotated[float, Num(0, 0.5)] = Field(
        0.08, description="swing at full level, in frame heights"
    )
    idle: Annotated[float, Num(0, 0.2)] = Field(
        0.012, description="swing in silence: the line still breathes"
    )
    width: Annotated[float, Num(0.2, 1)] = Field(
        0.8, description="share of the frame's width the line spans"
    )
    speed: Annotated[float, Num(0, 4)] = Field(1.0, description="how fast the line's shape travels")
    travel: Annotated[float, Num(0, 2)] = Field(
        0.08, description="how fast its light runs along it, lengths a second"
    )
    colour: ColourField = Field("cream", description="colour of the line")
    glow: ColourField = Field("coral", description="colour of its glow")
    thickness: float = Field(2.0, ge=0.5, le=12, description="line width, px at 1080 lines")


@LAYERS.register("waveform")
class Waveform(Layer[WaveformParams]):
    """One glowing line whose swing follows a voice's level and bands: anti-aliased, tapering to
    nothing at its ends, its light running along it."""

    Params = WaveformParams
    direct = True
    native = "add"

    def setup(self) -> None:
        rng = self.rng("harmonics")
        self.k = np.array([1.5, 2.5, 4.0, 6.5, 9.0], dtype=np.float32) * (1 + 0.1 * rng.random(5))
        self.w = np.array([1.0, 0.6, 0.35, 0.2, 0.12], dtype=np.float32)
        self.phase = rng.random(5).astype(np.float32) * math.tau

    def _points(self, frame: Frame, v: WaveformParams) -> np.ndarray:
        w, h = self.size
        m = frame.moment
        level = m.feature(v.voice, "rms")
        low, mid, high = (m.feature(v.voice, b) for b in ("low", "mid", "high"))
        u = np.linspace(-1.0, 1.0, POINTS, dtype=np.float32)
        taper = np.cos(u * math.pi / 2) ** 2  # a Hann window: still at both ends
        flow = [self.travel(frame, "speed", math.tau, 0.6 + 0.4 * i) for i in range(5)]
        weights = self.w * np.array(
            [1 + low, 1 + low, 1 + mid, 1 + mid, 1 + high], dtype=np.float32
        )
        shape = (
            sum(
                weights[i] * np.sin(self.k[i] * u * math.pi + flow[i] + self.phase[i])
                for i in range(5)
            )
            / weights.sum()
        )
        swing = (v.idle + v.amplitude * min(level * 1.5, 1.0)) * h
        ys = v.y * h + shape * taper * swing
        xs = w / 2 + u * v.width * w / 2
        return np.stack([xs, ys], axis=1)

    def _light(self, frame: Frame, v: WaveformParams) -> np.ndarray:
        """How bright the line is along its length (0..1 per point): a glow everywhere, and
        pulses of light that travel along it, two ways, at ``travel`` a second; the voice's
        level brightens it all."""
        u = np.linspace(0.0, 1.0, POINTS, dtype=np.float32)
        level = frame.moment.feature(v.voice, "rms")
        one = self.travel(frame, "travel", 1.0)
        two = self.travel(frame, "travel", 1.0, 0.61)
        pulses = np.exp(-((((u - one) % 1.0 - 0.5) / 0.07) ** 2))
        pulses += 0.6 * np.exp(-((((1.0 - u - two) % 1.0 - 0.5) / 0.1) ** 2))
        return np.clip(0.45 + 0.2 * min(1.0, level * 2) + 0.55 * pulses, 0.0, 1.0)

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: WaveformParams) -> None:
        points = self._points(frame, v)
        light = self._light(frame, v)
        w, h = self.size
        # glow: the line drawn thick at 1/8 size, brighter where its light is, blurred there,
        # scaled up and added
        small_size = (max(1, w // 8), max(1, h // 8))
        glow = scratch(small_size, "waveform-glow")
        glow.fill((0, 0, 0))
        thick = max(2, round(v.thickness * self.unit * 1.5))
        small = points / 8
        for i in range(0, POINTS - 1, 8):
            u = (i + 4) / (POINTS - 1)
            taper = math.sin(math.pi * u) ** 0.5  # the glow thins to the line's ends as well
            k = (0.3 + 0.5 * float(light[i])) * min(1.0, 0.35 + taper)
            colour = tuple(round(c * k) for c in v.glow)
            j = min(POINTS - 1, i + 8)
            pygame.draw.line(glow, colour, small[i], small[j], max(1, round(thick * taper)))
        radius = max(1, round(3 * self.unit))
        glow = pygame.transform.box_blur(glow, radius)
        # only the band the line swings through is scaled up and added: a third of the frame
        # or less, where the full frame cost 1.2 ms at 1080p
        reach = thick + radius + 2
        top = max(0, int(points[:, 1].min() / 8) - reach)
        bottom = min(small_size[1], int(points[:, 1].max() / 8) + reach + 1)
        if bottom > top:
            band = glow.subsurface(pygame.Rect(0, top, small_size[0], bottom - top))
            up = pygame.transform.smoothscale(band, (w, round((bottom - top) * h / small_size[1])))
            target.blit(up, (0, round(top * h / small_size[1])), special_flags=pygame.BLEND_RGB_ADD)
        self._core(target, points, light, v)

    def _core(self, target, points: np.ndarray, light: np.ndarray, v: WaveformParams) -> None:
        """The line itself, anti-aliased, tapering to nothing at both ends, its colour warming
        from the glow's toward its own where its light runs. Three anti-aliased strands side by
        side make its width (the outer two fade in as it thickens, so it swells smoothly, not
        by whole pixels), drawn on black and added: a line of light."""
        u = np.linspace(0.0, 1.0, POINTS, dtype=np.float32)
        width = (
            v.thickness
            * self.unit
            * np.clip(np.sin(math.pi * u), 0, 1) ** 0.6
            * (0.75 + 0.4 * light)
        )
        reach = math.ceil(float(width.max())) + 3
        box = pygame.Rect(0, 0, 0, 0)
        lo, hi = points.min(axis=0), points.max(axis=0)
        box = pygame.Rect(int(lo[0]) - reach, int(lo[1]) - reach,
                          int(hi[0] - lo[0]) + 2 * reach, int(hi[1] - lo[1]) + 2 * reach)  # fmt: skip
        box = box.clip(target.get_rect())
        if box.width <= 0 or box.height <= 0:
            return
        band = scratch((box.width, box.height), "waveform-core")
        band.fill((0, 0, 0))
        d = np.gradient(points, axis=0)
        normal = (
            np.stack([-d[:, 1], d[:, 0]], axis=1)
            / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-6)[:, None]
        )
        core = np.array(v.colour, np.float32)
        glow = np.array(v.glow, np.float32)
        shade = (glow + (core - glow) * light[:, None]) * (0.55 + 0.45 * light[:, None])
        local = points - np.array(box.topleft, np.float32)
        for side in (-1.0, 0.0, 1.0):
            strand = local + normal * (side * 0.33 * width)[:, None]
            weight = np.minimum(1.0, width) if side == 0 else np.clip((width - 0.8) / 1.2, 0.0, 1.0)
            for start in range(0, POINTS - 1, CHUNK):
                stop = min(POINTS, start + CHUNK + 1)
                k = float(weight[start:stop].mean())
                if k <= 0.02:
                    continue
                colour = tuple(int(c) for c in np.clip(shade[start:stop].mean(0) * k, 0, 255))
                pygame.draw.aalines(band, colour, False, strand[start:stop].tolist())
        target.blit(band, box.topleft, special_flags=pygame.BLEND_RGB_ADD)
