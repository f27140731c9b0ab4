"""interior: a room at night around a window: a desk lamp, its light on the desk and the wall,
and the lamp and room mirrored faintly in the glass over the city beyond."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from installation.scene.params import ColourField, Pair
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams


class InteriorParams(LayerParams):
    depth: Depth = Field(2.0, description="metres from the camera: the room's window and desk")
    window: list[float] = Field(
        [0.08, 0.06, 0.92, 0.7], min_length=4, max_length=4,
        description="the glass: left, top, right, bottom, 0..1; the layers below show through it",
    )  # fmt: skip
    panes: int = Field(3, ge=1, le=8, description="panes side by side (mullions between)")
    wall: ColourField = Field("#2A1A20", description="the room's walls and frame in the dark")
    desk: float = Field(0.8, ge=0.4, le=1, description="the desk's front edge, 0 top 1 bottom")
    lamp: Pair = Field([0.74, 0.66], description="the lamp's bulb, x and y, 0..1")
    light: ColourField = Field("lamp", description="the lamp's light")
    glow: Annotated[float, Num(0, 1.5)] = Field(0.9, description="how bright the lamp is")
    reach: Annotated[float, Num(0.05, 1)] = Field(
        0.35, description="how far its light carries, frame heights"
    )
    reflection: Annotated[float, Num(0, 1)] = Field(
        0.5, description="the lamp and the room seen in the glass"
    )


@LAYERS.register("interior")
class Interior(Layer[InteriorParams]):
    """A dark room around a window: a desk lamp lights the wall and the desk and shows, mirrored, in
    the glass; the layers below show through the glass."""

    Params = InteriorParams
    scale = 0.25
    min_quality = 0.5

    def setup(self) -> None:
        self._grid = None

    def cache_key(self, frame: Frame, v: InteriorParams) -> tuple:
        return round(v.glow * 64), round(v.reach * 64), round(v.reflection * 64), self.quality

    def draw(self, frame: Frame, v: InteriorParams) -> np.ndarray:
        p = self.params
        w, h = self.internal_size
        ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
        xs = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
        aspect = w / h
        lx, ly = p.lamp
        # the lamp's light falls off with distance (in frame heights), softly
        d2 = ((xs - lx) * aspect) ** 2 + (ys - ly) ** 2
        light = v.glow * np.exp(-d2 / (v.reach * v.reach))
        x0, y0, x1, y1 = p.window
        soft = 1.5 / h
        inside = (_step(xs, x0, soft) * (1 - _step(xs, x1, soft)) * _step(ys, y0, soft)
                  * (1 - _step(ys, y1, soft)))  # fmt: skip
        mullion = np.zeros_like(inside)
        for k in range(1, p.panes):
            mx = x0 + (x1 - x0) * k / p.panes
            mullion = np.maximum(mullion, np.exp(-(((xs - mx) * w) ** 2) / 2.0))
        glass = inside * (1 - mullion)
        desk = _step(ys, p.desk, soft)
        wall = np.array(v.wall, np.float32)[:, None, None]
        lamp = np.array(v.light, np.float32)[:, None, None]
        # the room: wall and desk lit by the lamp (the desk top catches more of it)
        lit = 0.55 + 0.45 * desk * np.exp(-(((ys - p.desk) * 6) ** 2))
        room = wall + lamp * light * lit * 0.8
        # the bulb itself under its shade: a small bright core
        core = np.exp(-d2 / (0.012**2)) * v.glow
        room = room + lamp * core
        # in the glass: the lamp seen mirrored (a lamp beside the window shows just inside its
        # nearer edge; one in front of it, where it is) and the lit room, faintly
        if lx > x1:
            rx = x1 - (lx - x1) * 0.5
        elif lx < x0:
            rx = x0 + (x0 - lx) * 0.5
        else:
            rx = lx
        mirror = np.exp(-(((xs - rx) * aspect) ** 2 + (ys - ly) ** 2) / (0.04**2))
        ghost = lamp * (mirror * v.glow + light * 0.25) + wall * 0.5
        shine = np.clip(v.reflection * (0.12 + 0.7 * mirror + 0.3 * light), 0, 0.9)
        alpha = 1.0 - glass * (1.0 - shine)
        # what the glass shows is the reflection at ``shine``; elsewhere the room itself
        colour = room * (1 - glass) + np.clip(ghost, 0, 255) * glass
        return np.concatenate([np.clip(colour, 0, 255), 255.0 * alpha[None]], axis=0)


def _step(x: np.ndarray, edge: float, soft: float) -> np.ndarray:
    return np.clip((x - edge) / soft + 0.5, 0.0, 1.0)
