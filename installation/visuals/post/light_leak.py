"""light-leak: a warm glow creeping in from an edge of the frame, as on old film."""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import planes_to_surface


class LightLeakParams(Params):
    amount: Annotated[float, Num(0, 1)] = Field(0.3, description="strength of the leak")
    colour: ColourField = Field("amber", description="its colour")
    speed: float = Field(0.02, ge=0, le=1, description="how fast it wanders along the edges")


@POST.register("light-leak")
class LightLeak(PostEffect[LightLeakParams]):
    """A warm glow wandering slowly around the frame's edges."""

    Params = LightLeakParams
    shorthand = "amount"
    order = 15  # next to bloom, so the two share the glow buffer
    glows = True

    def glow(self, buffer: pygame.Surface, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        if v.amount <= 0:
            return
        w, h = buffer.get_size()
        angle = math.tau * self.wander(frame, "speed", self.seed)
        cx, cy = 0.5 + 0.62 * math.cos(angle), 0.5 + 0.62 * math.sin(angle)
        strength = v.amount * (0.6 + 0.4 * self.wander(frame, "speed", self.seed + 1, 5.0))
        ys = np.linspace(0, 1, h, dtype=np.float32)[:, None]
        xs = np.linspace(0, 1, w, dtype=np.float32)[None, :]
        glow = strength * np.exp(-(((xs - cx) * 1.7) ** 2 + ((ys - cy) * 1.2) ** 2) * 3.5)
        leak = planes_to_surface(np.stack([glow * c for c in v.colour]))
        buffer.blit(leak, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
