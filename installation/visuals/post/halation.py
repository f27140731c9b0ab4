"""halation: the red-orange halo film gives the brightest lights (light scattered back through
the emulsion from the film's base): close around a lamp or a window, never on mid-tones."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect


class HalationParams(Params):
    amount: Annotated[float, Num(0, 1)] = Field(0.4, description="strength of the halo")
    threshold: Annotated[float, Num(0.5, 1)] = Field(
        0.82, description="only light above this haloes"
    )
    colour: ColourField = Field("#FF5A30", description="the halo's colour: film's red-orange")


@POST.register("halation")
class Halation(PostEffect[HalationParams]):
    """Film's red-orange halo, tight around the brightest lights (lamps, windows, the moon)."""

    Params = HalationParams
    shorthand = "amount"
    order = 11  # with bloom, into the shared glow buffer

    glows = True

    def glow(self, buffer: pygame.Surface, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        if v.amount <= 0:
            return
        bw, bh = buffer.get_size()
        # straight to the glow buffer's size (1/16): the halo is tight, a few pixels of the
        # frame, which the buffer's upscale spreads softly
        small = pygame.transform.smoothscale(canvas, (bw * 2, bh * 2))
        cut = round(255 * v.threshold)
        small.fill((cut, cut, cut), special_flags=pygame.BLEND_RGB_SUB)
        # only the brightest channel matters: a warm white lamp haloes as much as a red one
        gain = min(8.0, 2.0 * v.amount / max(1.0 - v.threshold, 0.05))
        while gain > 1.0:
            small.blit(small, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
            gain /= 2.0
        level = round(255 * gain)
        small.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
        grey = pygame.transform.grayscale(small)
        grey.fill(v.colour, special_flags=pygame.BLEND_RGB_MULT)
        buffer.blit(pygame.transform.smoothscale(grey, (bw, bh)), (0, 0),
                    special_flags=pygame.BLEND_RGB_ADD)  # fmt: skip
