"""grade: warmth, lift and gain, split toning and a blue pull: the film's palette as a look.

Everything here is an affine map per channel, ``out = in * gain + lift``, done as two SIMD fills
(multiply, then add or subtract) over the frame: about 0.4 ms at 1080p. Gamma curves would need a
per-pixel lookup (16 ms at 1080p in numpy, measured) and are left out on purpose; ``contrast``
covers most of what gamma is used for in a grade.
"""

from __future__ import annotations

from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import scratch


class GradeParams(Params):
    warmth: Num(-1, 1) = Field(0.2, description="tilt toward amber (above 0) or teal (below)")
    lift: Num(0, 0.3) = Field(0.04, description="raise the blacks toward the shadow tint")
    gain: Num(0.5, 1.5) = Field(1.0, description="overall brightness of the highlights")
    contrast: Num(0.5, 1.5) = Field(1.0, description="spread around the mid-grey")
    shadows: ColourField = Field("maroon", description="tint of lifted blacks: a warm dark")
    highlights: ColourField = Field("cream", description="tint of the brightest light")
    split: Num(0, 1) = Field(0.3, description="strength of the highlight tint")
    blue: Num(0, 1) = Field(0.5, description="pull any blue toward teal-grey")


@POST.register("grade")
class Grade(PostEffect):
    """Warm, soft grading: blacks lift toward maroon, highlights toward cream, blue pulled down."""

    Params = GradeParams
    shorthand = "warmth"
    order = 20

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        gains, lifts = _affine(v)
        if v.contrast > 1.0:  # above 1 needs a scale-up, which fills cannot do: add a copy
            copy = scratch(self.size, "grade")
            copy.blit(canvas, (0, 0))
            canvas.blit(copy, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
            gains = tuple(g / 2 for g in gains)
        canvas.fill(tuple(_byte(g * 255) for g in gains), special_flags=pygame.BLEND_RGB_MULT)
        add = tuple(_byte(max(x, 0.0)) for x in lifts)
        sub = tuple(_byte(max(-x, 0.0)) for x in lifts)
        if any(add):
            canvas.fill(add, special_flags=pygame.BLEND_RGB_ADD)
        if any(sub):
            canvas.fill(sub, special_flags=pygame.BLEND_RGB_SUB)


def _byte(x: float) -> int:
    return max(0, min(255, round(x)))


def _affine(v) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Per-channel gain (0..1, after any doubling) and lift in 0..255 units."""
    warm = (1.0 + 0.08 * v.warmth, 1.0 + 0.01 * v.warmth, 1.0 - 0.12 * v.warmth)
    tint = [1.0 - v.split * 0.25 * (1.0 - c / 255.0) for c in v.highlights]
    blue = 1.0 - 0.22 * v.blue
    gains = [v.gain * v.contrast * warm[c] * tint[c] * (blue if c == 2 else 1.0) for c in range(3)]
    scale = max(1.0, max(gains)) if v.contrast <= 1.0 else 1.0
    gains = [g / scale for g in gains]  # fills can only scale down
    mid = 128.0 * (1.0 - v.contrast)
    lifts = [mid + v.lift * v.shadows[c] for c in range(3)]
    return (gains[0], gains[1], gains[2]), (lifts[0], lifts[1], lifts[2])
