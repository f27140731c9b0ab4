"""os-logo: a warm, calm emblem of an operating system that is waking, breathing slowly."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.scene.params import ColourField, Pair
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams


class OsLogoParams(LayerParams):
    depth: Depth = Field(3, description="metres from the camera: where the emblem floats")
    blend: Literal["normal", "add", "screen", "multiply"] = Field("screen", description="it glows")
    awaken: Annotated[float, Num(0, 1)] = Field(1.0, description="0 asleep (dark) to 1 fully awake")
    breath: float = Field(7.0, ge=1, le=60, description="seconds per breath")
    size: Annotated[float, Num(0.02, 0.6)] = Field(
        0.16, description="radius of the rings, in frame heights"
    )
    position: Pair = Field([0.5, 0.5], description="centre, x and y, 0..1")
    core: ColourField = Field("peach", description="colour of the rings' bright core")
    glow: ColourField = Field("coral", description="colour of the halo")
    pulse: Annotated[float, Num(0, 1)] = Field(
        0.0, description="extra brightness, e.g. {follow: {voice: hum}}"
    )


@LAYERS.register("os-logo")
class OsLogo(Layer[OsLogoParams]):
    """Our own emblem: two soft rings breathing in counterphase around a warm core."""

    Params = OsLogoParams
    scale = 0.25  # soft light; the rings' line is several pixels wide even at quarter size
    min_quality = 0.5

    def setup(self) -> None:
        self._grid: tuple[tuple[int, int], np.ndarray, np.ndarray] | None = None

    def draw(self, frame: Frame, v: OsLogoParams) -> np.ndarray:
        w, h = self.internal_size
        if self._grid is None or self._grid[0] != (w, h):
            xs = ((np.arange(w, dtype=np.float32) + 0.5) / h)[None, :]
            ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
            self._grid = ((w, h), xs, ys)
        _, xs, ys = self._grid
        aspect = self.size[0] / self.size[1]
        cx, cy = v.position[0] * aspect, v.position[1]
        phase = math.tau * frame.cycles(1.0 / v.breath)
        breathe = 0.5 - 0.5 * math.cos(phase)  # 0..1, starting at rest
        wake = v.awaken * (0.8 + 0.2 * breathe) + v.pulse * 0.5
        core_d = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
        halo = np.exp(-core_d / (v.size * 1.4)) * (0.35 * wake)
        light = np.zeros((h, w), dtype=np.float32)
        # the rings only matter near the emblem: compute them in its bounding box
        reach = v.size * 2.2
        rows = slice(max(0, int((cy - reach) * h)), min(h, int((cy + reach) * h) + 1))
        cols = slice(max(0, int((cx - reach * 1.4) * h)), min(w, int((cx + reach * 1.4) * h) + 1))
        bx, by = xs[:, cols], ys[rows, :]
        line = max(0.005, v.size * 0.07)
        box = light[rows, cols]  # a view: adding to it adds to ``light``
        for side, offset in ((-1, 0.0), (1, math.pi)):
            # the rings lean apart and together as she breathes
            spread = v.size * (0.32 + 0.1 * math.sin(phase + offset))
            r = v.size * (0.92 + 0.06 * math.sin(phase + offset))
            ring = np.abs(np.sqrt((bx - cx - side * spread) ** 2 + (by - cy) ** 2) - r)
            box += 0.7 * np.exp(-((ring / line) ** 2)) + 0.3 * np.exp(-ring / (line * 6))
        box += (0.6 + 0.4 * breathe) * np.exp(-((core_d[rows, cols] / (v.size * 0.12)) ** 2))
        light = np.clip(light * wake, 0, 1.5)
        core = np.clip(light, 0, 1)
        return np.stack(
            [np.clip(core * v.core[c] + (halo + light * 0.4) * v.glow[c], 0, 255) for c in range(3)]
        )
