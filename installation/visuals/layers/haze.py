"""haze: atmospheric fog banks that drift, with light shafts from the sun."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from installation.scene.params import ColourField, Pair
from installation.scene.rates import HAZE_DRIFT
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams
from installation.visuals.noise import ValueNoise2D


class HazeParams(LayerParams):
    depth: Depth = Field(1500, description="metres from the camera: where the fog bank stands")
    blend: Literal["normal", "add", "screen", "multiply"] = Field(
        "screen", description="fog lightens"
    )
    colour: ColourField = Field("peach", description="colour of the fog and its light")
    density: Annotated[float, Num(0, 1)] = Field(0.35, description="how thick the fog is")
    height: Annotated[float, Num(-0.2, 1.2)] = Field(
        0.72, description="where the fog is thickest, 0 top 1 bottom"
    )
    spread: Annotated[float, Num(0.02, 1)] = Field(
        0.28, description="vertical thickness of the fog band"
    )
    banks: Annotated[float, Num(0, 1)] = Field(
        0.6, description="0 an even veil, 1 distinct drifting banks"
    )
    drift: Annotated[float, Num(-400, 400), HAZE_DRIFT] = Field(
        8.0, description="sideways drift, px/s at 1080 lines"
    )
    rays: Annotated[float, Num(0, 1)] = Field(
        0.0, description="strength of light shafts from the source"
    )
    source: Pair = Field([0.62, 0.6], description="where the shafts come from, x and y, 0..1")


@LAYERS.register("haze")
class Haze(Layer[HazeParams]):
    """Fog banks that drift, gathered in a band, and light shafts from a source (⅛ size)."""

    Params = HazeParams
    scale = 0.125
    min_quality = 0.5
    dither = False  # the fog is textured; grain covers the rest
    softness = 48.0  # fog banks and shafts: nothing in it a lens blur would change

    def setup(self) -> None:
        self.noise = ValueNoise2D(self.seed, cells=(12, 6), octaves=2)
        self.ray_noise = self.rng("rays").random(64).astype(np.float32)
        self._grid: tuple[tuple[int, int], np.ndarray, np.ndarray] | None = None

    def _coords(self) -> tuple[np.ndarray, np.ndarray]:
        w, h = self.internal_size
        if self._grid is None or self._grid[0] != (w, h):
            xs = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
            ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
            self._grid = ((w, h), xs, ys)
        return self._grid[1], self._grid[2]

    def draw(self, frame: Frame, v: HazeParams) -> np.ndarray:
        xs, ys = self._coords()
        aspect = self.size[0] / self.size[1]
        # in frame widths; the fog's noise wraps every 12 cells, that is aspect / 1.5 widths
        shift = self.travel(frame, "drift", aspect / 1.5, self.unit / self.size[0])
        band = np.exp(-(((ys - v.height) / v.spread) ** 2))
        rise = 0.3 * math.sin(math.tau * frame.cycles(1 / (40 * math.tau)))
        texture = self.noise.grid((xs[0] + shift) * 12 / aspect * 1.5, ys[:, 0] * 6 + rise)
        fog = v.density * band * (1.0 - v.banks + v.banks * 1.6 * texture)
        if v.rays > 0:
            turn = 64 * frame.cycles(0.05 / 64)  # the shafts turn slowly about their source
            fog = fog + v.rays * self._shafts(xs * aspect, ys, v.source, turn, aspect) * (
                0.4 + band
            )
        fog = np.clip(fog, 0.0, 1.0)
        return np.stack([fog * c for c in v.colour])

    def _shafts(self, xs, ys, source, turn: float, aspect: float) -> np.ndarray:
        sx, sy = source[0] * aspect, source[1]
        angle = np.arctan2(ys - sy, xs - sx)  # radians, shafts fan out from the source
        k = (angle / math.tau * 64 + turn) % 64
        i = np.floor(k).astype(np.int64)
        f = k - i
        rays = self.ray_noise[i % 64] * (1 - f) + self.ray_noise[(i + 1) % 64] * f
        dist = np.sqrt((xs - sx) ** 2 + (ys - sy) ** 2)
        return (rays**3) * np.exp(-dist * 1.6) * 0.9
