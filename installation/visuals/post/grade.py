"""grade: warmth, lift and gain, split toning, a blue pull and ``.cube`` looks: the film's palette.

Everything here is an affine map per channel, ``out = in * gain + lift``, done as two SIMD fills
(multiply, then add or subtract) over the frame: about 0.4 ms at 1080p. Where the map would take a
channel well past white, a shoulder bends it first (a copy less a knee, scaled, taken off: four
passes more), so the grade rolls bright light off instead of clipping it. Gamma curves would need a
per-pixel lookup (16 ms at 1080p in numpy, measured) and are left out on purpose; ``contrast``
covers most of what gamma is used for in a grade. A ``.cube`` LUT is followed as far as such a
map can (see ``installation/cube.py``). Gains above 1 (a brighter grade, or a LUT that lifts)
double the frame first with one more blit, since a multiply fill can only darken.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.cube import fit_cube
from installation.lazy import pygame
from installation.scene.assets import Asset
from installation.scene.params import ColourField, Params
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.post.base import POST, PostEffect
from installation.visuals.raster import scratch

# a malformed file is refused at load, at the 'lut' key
CubeFile = Annotated[str, Asset(".cube", what="a 3D LUT", check=fit_cube)]


class GradeParams(Params):
    warmth: Annotated[float, Num(-1, 1)] = Field(
        0.2, description="tilt toward amber (above 0) or teal (below)"
    )
    lift: Annotated[float, Num(0, 0.3)] = Field(
        0.04, description="raise the blacks toward the shadow tint"
    )
    gain: Annotated[float, Num(0.5, 1.5)] = Field(
        1.0, description="overall brightness of the highlights"
    )
    contrast: Annotated[float, Num(0.5, 1.5)] = Field(1.0, description="spread around the mid-grey")
    shadows: ColourField = Field("maroon", description="tint of lifted blacks: a warm dark")
    highlights: ColourField = Field("cream", description="tint of the brightest light")
    split: Annotated[float, Num(0, 1)] = Field(0.3, description="strength of the highlight tint")
    blue: Annotated[float, Num(0, 1)] = Field(0.5, description="pull any blue toward teal-grey")
    lut: CubeFile | None = Field(
        None, description="a look from a grading tool: a 3D .cube file (e.g. assets/grades/...)"
    )
    lut_mix: Annotated[float, Num(0, 1)] = Field(
        1.0, description="how much of the LUT's look: 0 none, 1 all"
    )


@POST.register("grade")
class Grade(PostEffect[GradeParams]):
    """Warmth, lift toward a warm dark, gain (above 1 brightens), contrast, split toning, blue
    pulled down, and a ``.cube`` look (``lut``, ``lut_mix``)."""

    Params = GradeParams
    shorthand = "warmth"
    order = 20

    def apply(self, canvas: pygame.Surface, frame: Frame) -> None:
        v = self.values(frame)
        gains, lifts = _affine(v)
        self._shoulder(canvas, gains, lifts)
        extra = tuple(max(0.0, g - 1.0) for g in gains)
        copy = None
        if any(extra):  # a gain above 1, which a multiply fill cannot do: x*g = x*1 + x*(g-1)
            copy = scratch(self.size, "grade")
            copy.blit(canvas, (0, 0))
            copy.fill(tuple(_byte(e * 255) for e in extra), special_flags=pygame.BLEND_RGB_MULT)
        canvas.fill(
            tuple(_byte(min(g, 1.0) * 255) for g in gains), special_flags=pygame.BLEND_RGB_MULT
        )
        if copy is not None:  # added after the scale-down: bright pixels clip, as light does
            canvas.blit(copy, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
        add = tuple(_byte(max(x, 0.0)) for x in lifts)
        sub = tuple(_byte(max(-x, 0.0)) for x in lifts)
        if any(add):
            canvas.fill(add, special_flags=pygame.BLEND_RGB_ADD)
        if any(sub):
            canvas.fill(sub, special_flags=pygame.BLEND_RGB_SUB)

    def _shoulder(self, canvas: pygame.Surface, gains: tuple, lifts: tuple) -> None:
        """Where the grade would lift a channel past WHITE, bend it first: above the input that
        the grade takes to KNEE, the channel rises more slowly, so that full scale comes out at
        WHITE. The grade never clips (a clipped red under a rising green reads lemon); it rolls
        off, keeping the order of the channels (cream stays cream)."""
        starts, cuts = [], []
        for g, lift in zip(gains, lifts, strict=True):
            top = g * 255 + lift
            start = (KNEE - lift) / max(g, 1e-3)
            if top <= 255 + SLACK or start >= 255:
                starts.append(255)
                cuts.append(0)
                continue
            cut = (top - WHITE) / (g * (255 - max(start, 0.0)))
            starts.append(_byte(max(start, 0.0)))
            cuts.append(_byte(min(1.0, cut) * 256))
        if not any(cuts):
            return
        above = scratch(self.size, "grade")
        above.blit(canvas, (0, 0))
        above.fill(tuple(starts), special_flags=pygame.BLEND_RGB_SUB)
        above.fill(tuple(cuts), special_flags=pygame.BLEND_RGB_MULT)
        canvas.blit(above, (0, 0), special_flags=pygame.BLEND_RGB_SUB)


#: the grade's own shoulder: channels it would take past WHITE bend from KNEE (0..255); a grade
#: that would clip by no more than SLACK levels is left to the frame's shoulder (``rolloff``)
KNEE, WHITE, SLACK = 205.0, 248.0, 8.0


def _byte(x: float) -> int:
    return max(0, min(255, round(x)))


def _affine(v) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Per-channel gain (up to 2: the frame is doubled first above 1) and lift in 0..255 units:
    the LUT's map first, then the grade's own."""
    warm = (1.0 + 0.08 * v.warmth, 1.0 + 0.01 * v.warmth, 1.0 - 0.12 * v.warmth)
    tint = [1.0 - v.split * 0.25 * (1.0 - c / 255.0) for c in v.highlights]
    blue = 1.0 - 0.22 * v.blue
    # warmth and tints only ever take light away: kept to 1 at most, so the grade's brightness is
    # what ``gain`` says (it was normalised away before, and gain above 1 did nothing)
    colour = [warm[c] * tint[c] * (blue if c == 2 else 1.0) for c in range(3)]
    colour = [x / max(1.0, max(colour)) for x in colour]
    gains = [v.gain * v.contrast * colour[c] for c in range(3)]
    mid = 128.0 * (1.0 - v.contrast)
    lifts = [mid + v.lift * v.shadows[c] for c in range(3)]
    if v.lut is not None and v.lut_mix > 0:
        fit = fit_cube(v.lut)
        m = v.lut_mix
        lut_gains = [1.0 + (fit.gains[c] - 1.0) * m for c in range(3)]
        lut_lifts = [fit.lifts[c] * m for c in range(3)]
        lifts = [gains[c] * lut_lifts[c] + lifts[c] for c in range(3)]
        gains = [gains[c] * lut_gains[c] for c in range(3)]
    gains = [min(2.0, g) for g in gains]
    return (gains[0], gains[1], gains[2]), (lifts[0], lifts[1], lifts[2])
