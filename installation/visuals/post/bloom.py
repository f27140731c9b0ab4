"""bloom: bright parts of the frame glow into their surroundings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect


class BloomParams(Params):
    threshold: Annotated[float, Num(0, 1)] = Field(
        0.7, description="brightness above which light blooms"
    )
    strength: Annotated[float, Num(0, 2)] = Field(
        0.5, description="how much of the glow is added back"
    )
    radius: float = Field(0.5, ge=0, le=1, description="size of the glow")
    tint: ColourField = Field("peach", description="colour of the glow: warm, never white")


@POST.register("bloom")
class Bloom(PostEffect[BloomParams]):
    """Bright parts glow: a ⅛-size copy, thresholded, warm-tinted, blurred by scaling, screened
    back."""

    Params = BloomParams
    shorthand = "strength"
    order = 10

    glows = True

    def glow(self, buffer: pygame.Surface, canvas: pygame.Surface, frame: Frame) -> None:
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
        small.fill(tuple(round(gain * c) for c in v.tint), special_flags=pygame.BLEND_RGB_MULT)
        # the wider the radius, the smaller the copy goes before it comes back: a wider blur
        bw, bh = buffer.get_size()
        shrink = 1 + round(3 * v.radius)
        small = pygame.transform.smoothscale(small, (max(1, bw // shrink), max(1, bh // shrink)))
        buffer.blit(
            pygame.transform.smoothscale(small, (bw, bh)),
            (0, 0),
            special_flags=pygame.BLEND_RGB_ADD,
        )
