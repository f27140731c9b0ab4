"""bloom: bright parts of the frame glow into their surroundings."""

from __future__ import annotations

import pygame
from pydantic import Field

from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.blend import blend
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect


class BloomParams(Params):
    threshold: Num(0, 1) = Field(0.7, description="brightness above which light blooms")
    strength: Num(0, 2) = Field(0.5, description="how much of the glow is added back")
    radius: float = Field(0.5, ge=0, le=1, description="size of the glow")
    tint: ColourField = Field("peach", description="colour of the glow: warm, never white")


@POST.register("bloom")
class Bloom(PostEffect):
    """Glow from a small copy of the frame: threshold, blur, warm tint, add back."""

    Params = BloomParams
    shorthand = "strength"
    order = 10

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        if v.strength <= 0 or v.threshold >= 1:
            return
        w, h = self.size
        small = pygame.transform.smoothscale(canvas, (max(1, w // 8), max(1, h // 8)))
        cut = round(255 * v.threshold)
        small.fill((cut, cut, cut), special_flags=pygame.BLEND_RGB_SUB)
        gain = v.strength / max(1.0 - v.threshold, 0.05)
        while gain > 1.0:  # fills can only scale down; double by adding the copy to itself
            small.blit(small, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
            gain /= 2.0
        tint = tuple(round(gain * c) for c in v.tint)
        small.fill(tint, special_flags=pygame.BLEND_RGB_MULT)
        blur = max(1, round(1 + 5 * v.radius * h / 1080))
        small = pygame.transform.box_blur(small, blur)
        glow = pygame.transform.smoothscale(small, (w, h))
        blend(canvas, glow, "screen", 1.0)  # screen, not add: highlights roll off, never clip
