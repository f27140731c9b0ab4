"""rolloff: the highlights' shoulder, as film's: bright light bends toward white, never clips.

Above ``knee`` each channel rises more slowly (a bend: a copy less the knee, scaled, taken off,
four passes over the frame), so the brightest a channel reaches is ``white``: a
pale sky keeps its cream instead of clipping its red to 255 while green catches up (which reads
lemon), and the grain the highlights carry is flattened as a print's shoulder flattens it.

Every frame has it: the compositor adds it to a scene's chain with these defaults when the scene
does not write it (``rolloff: {white: 1}`` lets 255 through again). It runs just before the
grain, which dithers what it bends (the grain itself takes little in the highlights), and the
compositor caps every channel at 250 after the grain.
"""

from __future__ import annotations

from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import Params
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import scratch


class RolloffParams(Params):
    knee: float = Field(
        0.86, ge=0.5, le=0.98, description="where the shoulder begins, 0..1 of full scale"
    )
    white: float = Field(
        0.965, ge=0.8, le=1, description="the brightest a channel reaches, 0..1 of full scale"
    )


@POST.register("rolloff")
class Rolloff(PostEffect[RolloffParams]):
    """The highlights' shoulder: above ``knee`` light bends toward ``white`` (no channel
    clips, pale skies stay cream); on in every scene."""

    Params = RolloffParams
    shorthand = "white"
    order = 85  # after every effect that brightens, before the grain that dithers it

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.params
        bends = shoulder(v.knee * 255, v.white * 255)
        if not bends or _brightest(canvas) <= bends[0][0]:
            return  # nothing reaches the knee (a night): the bend would change nothing
        for knee, slope in bends:
            _bend(canvas, knee, slope, self.size)


def shoulder(knee: float, white: float) -> list[tuple[int, float]]:
    """The shoulder as bends: (where each begins, how much of the rise above it is taken away
    there), so that 255 comes to ``white``. One bend: the sky and the grade bend their own light
    smoothly before it; this one catches what light added after them (glows, discs) and keeps
    every frame from clipping."""
    if white >= 255 or knee >= 255:
        return []
    return [(round(knee), max(0.0, min(1.0, (255.0 - white) / (255.0 - knee))))]


def _brightest(canvas: pygame.Surface) -> int:
    """The brightest channel among every eighth pixel of every eighth row: a glance, a tenth of
    a pass, enough to tell a night (nothing near white) from a frame that needs the shoulder.
    A small highlight missed by the glance is held at 250 by the compositor's ceiling."""
    pixels = pygame.surfarray.pixels3d(canvas)
    brightest = int(pixels[::8, ::8].max())
    del pixels
    return brightest


def _bend(canvas: pygame.Surface, knee: int, cut: float, size: tuple[int, int]) -> None:
    """canvas -= cut * max(0, canvas - knee), each channel."""
    if cut <= 0:
        return
    above = scratch(size, "rolloff")
    above.blit(canvas, (0, 0))
    above.fill((knee, knee, knee), special_flags=pygame.BLEND_RGB_SUB)
    level = min(255, round(cut * 256))
    above.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
    canvas.blit(above, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
