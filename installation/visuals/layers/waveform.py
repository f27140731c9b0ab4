"""waveform: a single soft, glowing line that moves with the sound: the voice as presence."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.raster import scratch

POINTS = 240


class WaveformParams(LayerParams):
    depth: Depth = Field(3, description="metres from the camera: where the line floats")
    blend: Literal["add", "screen"] = Field("add", description="the line is light")
    voice: str = Field("master", description="the voice whose sound the line follows")
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
    colour: ColourField = Field("cream", description="colour of the line")
    glow: ColourField = Field("coral", description="colour of its glow")
    thickness: float = Field(2.0, ge=0.5, le=12, description="line width, px at 1080 lines")


@LAYERS.register("waveform")
class Waveform(Layer[WaveformParams]):
    """One glowing line whose swing follows a voice's level and bands."""

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

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: WaveformParams) -> None:
        points = self._points(frame, v)
        w, h = self.size
        # glow: the line drawn thick at 1/8 size, blurred there, scaled up and added
        small_size = (max(1, w // 8), max(1, h // 8))
        glow = scratch(small_size, "waveform-glow")
        glow.fill((0, 0, 0))
        thick = max(2, round(v.thickness * self.unit * 1.5))
        colour = tuple(round(c * 0.55) for c in v.glow)
        pygame.draw.lines(glow, colour, False, (points / 8).tolist(), thick)
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
        core = max(1, round(v.thickness * self.unit))
        line = points.tolist()
        if core > 1:
            pygame.draw.lines(target, v.colour, False, line, core)
        pygame.draw.aalines(target, v.colour, False, line)
