"""chromatic-aberration: red and blue drift apart toward the sides, as in a soft old lens."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import scratch


class ChromaticParams(Params):
    amount: Annotated[float, Num(0, 8)] = Field(
        1.5, description="shift of red and blue at the left and right edges, px at 1080 lines"
    )


@POST.register("chromatic-aberration")
class ChromaticAberration(PostEffect[ChromaticParams]):
    """Lateral colour: red and blue part toward the sides, the centre stays sharp."""

    Params = ChromaticParams
    shorthand = "amount"
    order = 60
    expendable = True  # subtle, and all its cost is full-height passes: first to rest

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        edge = v.amount * self.size[1] / 1080
        for left, right, shift in bands(self.size[0], edge):
            self._fringe(canvas, left, right, shift)

    def _fringe(self, canvas: pygame.Surface, left: int, right: int, shift: int) -> None:
        """Columns ``left:right`` take red from ``shift`` px nearer the centre and blue from as
        far beyond it (``shift`` < 0 on the left half): seven blits and fills, over the band only.
        """
        h = self.size[1]
        band = pygame.Rect(left, 0, right - left, h)
        fringes = []
        for keep, dx in (((255, 0, 0), shift), ((0, 0, 255), -shift)):
            fringe = scratch(self.size, f"chromatic-{'red' if keep[0] else 'blue'}")
            source = band.move(-dx, 0).clip(canvas.get_rect())
            placed = fringe.blit(canvas, source.move(dx, 0), source)
            if placed.width < band.width:  # what lies beyond the frame's edge is dark
                gap = band.width - placed.width
                fringe.fill(
                    (0, 0, 0), (band.left if placed.left > band.left else placed.right, 0, gap, h)
                )
            fringe.fill(keep, band, special_flags=pygame.BLEND_RGB_MULT)
            fringes.append(fringe)
        canvas.fill((0, 255, 0), band, special_flags=pygame.BLEND_RGB_MULT)
        for fringe in fringes:
            canvas.blit(fringe, band, band, special_flags=pygame.BLEND_RGB_ADD)


def bands(width: int, edge: float) -> list[tuple[int, int, int]]:
    """(left, right, shift) column bands of lateral aberration: the shift grows linearly from 0
    at the centre to ``edge`` px at the sides, rounded to whole pixels, so the sharp middle costs
    nothing (half the frame at a 1 px edge shift). Negative shifts point left."""
    steps = round(edge)
    if steps <= 0:
        return []
    half = width / 2
    out = []
    for s in range(1, steps + 1):
        # columns whose ideal shift |x - centre| / half * edge rounds to s
        inner = min(half, half * (s - 0.5) / edge)
        outer = half if s == steps else min(half, half * (s + 0.5) / edge)
        a, b = round(half - outer), round(half - inner)
        c, d = round(half + inner), round(half + outer)
        if b > a:
            out.append((a, b, -s))
        if d > c:
            out.append((c, d, s))
    return out
