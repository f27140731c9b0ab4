"""sky: a magic-hour gradient with a low sun (or moon) and its glow."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams

# Positions are quantised to 1/STEPS of the frame height (a pixel at 1080 lines) and the sky is
# redrawn only when they step: during a sunset ramp that is 2-3 redraws a second, not 10 (a redraw
# costs about 5 ms at 1080p, measured). A soft sun moving by one pixel at a time reads as motion.
STEPS = 1024


class SunParams(Params):
    """The sun or moon: a soft disc, a close glow and a wide halo that screen onto the sky."""

    height: Annotated[float, Num(-0.3, 1)] = Field(
        0.18, description="height above the horizon, in frame heights"
    )
    x: Annotated[float, Num(0, 1)] = Field(
        0.62, description="horizontal position, 0 left to 1 right"
    )
    size: Annotated[float, Num(0, 0.3)] = Field(0.035, description="disc radius, in frame heights")
    glow: Annotated[float, Num(0, 1)] = Field(0.6, description="strength of the glow and halo")
    flare: Annotated[float, Num(0, 1)] = Field(
        0.3, description="horizontal streak of light through the sun"
    )
    colour: ColourField = Field("cream", description="colour of the disc")
    halo: ColourField = Field("amber", description="colour of the glow")


class SkyParams(LayerParams):
    depth: Depth = Field(
        100000, description="metres from the camera: the sky is as far as anything gets"
    )
    top: ColourField = Field("dusty-rose", description="colour at the top of the frame")
    middle: ColourField | None = Field(None, description="optional colour halfway down")
    bottom: ColourField = Field("peach", description="colour at the horizon and below")
    horizon: Annotated[float, Num(0.2, 1.2)] = Field(
        0.78, description="where the horizon lies, 0 top 1 bottom"
    )
    curve: Annotated[float, Num(0.2, 5)] = Field(
        1.4, description="gradient shape: above 1 keeps the top colour longer"
    )
    drift: Annotated[float, Num(0, 1)] = Field(
        0.3, description="slow breathing of the gradient over minutes"
    )
    sun: SunParams | None = Field(default_factory=SunParams, description="leave out for no sun")


@LAYERS.register("sky")
class Sky(Layer[SkyParams]):
    """Magic-hour, dawn, dusk or night gradient (up to three stops), a sun or moon with glow and
    flare; drawn at ¼ size in float, scaled up with dithering (left to the grain when there is
    enough of it), reused while unchanged. Its light is handed to the layers under it: the sea
    mirrors its colours and follows its sun."""

    Params = SkyParams
    scale = 0.25  # no fine detail: drawn small, scaled up with dithering
    min_quality = 0.5
    opaque = True
    gives_sky = True  # its colours and its sun light the layers under it and place the light
    softness = 20.0  # a gradient and a sun whose edge is a tenth of its size: a blur within
    # twenty pixels (the city's at dusk) changes nothing one could see

    def setup(self) -> None:
        self._grid: tuple[tuple[int, int], np.ndarray, np.ndarray] | None = None

    def _coords(self) -> tuple[np.ndarray, np.ndarray]:
        size = self.internal_size
        if self._grid is None or self._grid[0] != size:
            w, h = size
            ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
            xs = ((np.arange(w, dtype=np.float32) + 0.5) / h)[None, :]  # in frame heights
            self._grid = (size, xs, ys)
        return self._grid[1], self._grid[2]

    def _breathe(self, frame: Frame, drift: float) -> float:
        # quantised to 1/STEPS of the frame height: invisible steps, and a sky to reuse between
        return round((frame.noise(self.seed, 1 / 60.0) - 0.5) * 0.25 * drift * STEPS) / STEPS

    def values(self, frame: Frame) -> SkyParams:
        """The parameters, quantised: the cache key and the drawing both use these, so a reused
        sky is exactly the sky that would be drawn afresh (frames stay a function of time)."""
        v = super().values(frame)
        sun = v.sun
        if sun is not None:
            sun = sun.model_copy(update={
                **{k: _step(getattr(sun, k), STEPS) for k in ("height", "x", "size")},
                **{k: _step(getattr(sun, k), 512) for k in ("glow", "flare")},
            })  # fmt: skip
        return v.model_copy(
            update={"horizon": _step(v.horizon, STEPS), "curve": _step(v.curve, STEPS), "sun": sun}
        )

    def cache_key(self, frame: Frame, v: SkyParams) -> tuple:
        """The sky changes slowly: redraw only when what it shows has moved."""
        sun = v.sun and tuple(vars(v.sun).values())
        shape = (v.horizon, v.curve, v.top, v.middle, v.bottom)
        return (self._breathe(frame, v.drift), shape, sun)

    def draw(self, frame: Frame, v: SkyParams) -> np.ndarray:
        xs, ys = self._coords()
        breathe = self._breathe(frame, v.drift)
        u = np.clip(ys / max(v.horizon + breathe, 1e-3), 0.0, 1.0) ** v.curve
        sky = np.broadcast_to(_gradient(u, v.top, v.middle, v.bottom), (3, *self._shape()))
        if v.sun is not None:
            sky = _with_sun(sky, xs, ys, v.sun, v.horizon, self.size[0] / self.size[1])
        return _shoulder(sky)

    def _shape(self) -> tuple[int, int]:
        w, h = self.internal_size
        return h, w


#: the sky's own highlight shoulder (0..255): above KNEE light bends smoothly toward WHITE, in
#: float before the 8-bit upscale, so a pale sky or a sun's glow keeps its hue and never bands
KNEE, WHITE = 222.0, 247.0


def _shoulder(sky: np.ndarray) -> np.ndarray:
    room = WHITE - KNEE
    over = np.maximum(sky - KNEE, 0.0)
    return np.minimum(sky, KNEE) + room * np.tanh(over / room)


def _step(x: float, steps: int) -> float:
    return round(x * steps) / steps


def _gradient(u: np.ndarray, top: tuple, middle: tuple | None, bottom: tuple) -> np.ndarray:
    """Per-plane (3, h, 1) gradient; the width broadcasts later."""
    stops = [top, middle, bottom] if middle is not None else [top, bottom]
    planes = []
    for c in range(3):
        values = np.array([s[c] for s in stops], dtype=np.float32)
        positions = np.linspace(0.0, 1.0, len(stops), dtype=np.float32)
        planes.append(np.interp(u[:, 0], positions, values).astype(np.float32)[:, None])
    return np.stack(planes)


def _with_sun(
    sky: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    sun: SunParams,
    horizon: float,
    aspect: float,
) -> np.ndarray:
    """Screen the sun's light onto the sky: highlights roll off to cream, never clip."""
    sx, sy = sun.x * aspect, horizon - sun.height
    dx, dy = xs - sx, ys - sy
    d = np.sqrt(dx * dx + dy * dy)
    r = max(sun.size, 1e-3)
    disc = np.clip((r - d) / (0.25 * r) + 0.5, 0.0, 1.0)
    glow = sun.glow * (0.55 * np.exp(-((d / (r * 3.5)) ** 2)) + 0.45 * np.exp(-d / (r * 12.0)))
    flare = sun.flare * sun.glow * np.exp(-((dy / (r * 0.6)) ** 2)) * np.exp(-np.abs(dx) / 0.5)
    light = np.clip(glow + flare, 0.0, 1.0)
    out = np.empty(sky.shape, dtype=np.float32)
    for c in range(3):
        # screen blend of the halo colour scaled by the light, then the disc over it
        halo = light * sun.halo[c]
        plane = 255.0 - (255.0 - sky[c]) * (1.0 - halo / 255.0)
        out[c] = plane + (sun.colour[c] - plane) * disc
    return out
