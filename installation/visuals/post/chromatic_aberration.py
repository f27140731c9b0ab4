"""chromatic-aberration: red and blue drift apart by a pixel or two, as in a soft old lens."""

from __future__ import annotations

import pygame
from pydantic import Field

from installation.scene.params import Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import scratch


class ChromaticParams(Params):
    amount: Num(0, 8) = Field(1.5, description="shift of red and blue, px at 1080 lines")


@POST.register("chromatic-aberration")
class ChromaticAberration(PostEffect):
    """Shifts red one way and blue the other: a subtle fringe on every edge."""

    Params = ChromaticParams
    shorthand = "amount"
    order = 60

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        shift = round(v.amount * self.size[1] / 1080)
        if shift <= 0:
            return
        w, h = self.size
        # seven full-frame passes: a shifted copy per fringe channel, masked; the canvas loses
        # both channels in one multiply and takes the fringes back by adding them
        fringes = []
        for keep, dx in (((255, 0, 0), shift), ((0, 0, 255), -shift)):
            fringe = scratch(self.size, f"chromatic-{dx}")
            fringe.blit(canvas, (dx, 0))
            fringe.fill((0, 0, 0), pygame.Rect(0 if dx > 0 else w + dx, 0, abs(dx), h))
            fringe.fill(keep, special_flags=pygame.BLEND_RGB_MULT)
            fringes.append(fringe)
        canvas.fill((0, 255, 0), special_flags=pygame.BLEND_RGB_MULT)
        for fringe in fringes:
            canvas.blit(fringe, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
