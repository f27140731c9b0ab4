"""pulse: a soft swell of light that answers a cue (a headlight, a lamp switched on, a flash)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from installation.lazy import pygame
from installation.scene.models import KEBAB
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams


class PulseParams(LayerParams):
    depth: Depth = Field(
        10, description="metres from the camera: the light (it fills the frame: nothing to blur)"
    )
    blend: Literal["add", "screen"] = Field(
        "screen", description="screen never clips; add is harsher"
    )
    cue: str = Field(pattern=KEBAB, description="the timeline cue it answers")
    colour: ColourField = Field("amber", description="colour of the light")
    strength: Annotated[float, Num(0, 1)] = Field(0.5, description="brightness at the cue")
    decay: float = Field(0.6, gt=0, le=60, description="seconds for the light to halve")


@LAYERS.register("pulse")
class Pulse(Layer[PulseParams]):
    """Light that fills the frame at each cue and fades (half-life ``decay``)."""

    Params = PulseParams

    @classmethod
    def answers(cls, params) -> set[str]:
        return {params.cue}

    direct = True
    native = "add"
    blurs_itself = True  # it fills the frame evenly: there is nothing to blur

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: PulseParams) -> None:
        age = frame.since_cue(self.params.cue)
        if not 0 <= age < 12 * self.params.decay:
            return
        level = v.strength * math.pow(0.5, age / self.params.decay)
        light = tuple(round(c * level) for c in v.colour)
        if any(light):
            target.fill(light, special_flags=pygame.BLEND_RGB_ADD)
