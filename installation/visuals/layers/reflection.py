"""reflection: wet ground or still water below a line, mirroring the frame painted above it.

The layer reads the frame so far (``Layer.below``: the canvas with every layer beneath it
painted), shrinks it to an eighth, and paints each row under the horizon line with the row as
far above it: turned over, rippled sideways by waves that come toward the viewer (calm at the
line, stronger toward the bottom), lights drawn down into streaks, darkened, tinted, and faded
into the ground's own colour with distance. Soft by construction: an eighth-size mirror scaled
up, never a sharp copy (at a quarter, a city's rows of windows beat into moire).

A frame is one shrink of the canvas, a few numpy passes over an eighth-size band and one dithered
upscale of it. The band is sized once for the highest the line ever stands (``span_of``), so a
moving horizon keeps one size of upscale (and one cached dither pattern), not one per height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pygame
from installation.scene.params import ColourField
from installation.scene.values import Num
from installation.visuals.frame import Frame
from installation.visuals.layer import LAYERS, Depth, Layer, LayerParams, soft_upscale

#: sideways reach of the ripples at ``ripple`` 1, px at 1080 lines
RIPPLE_PX = 26.0
#: longest streak a light is drawn into at ``streak`` 1, px at 1080 lines
STREAK_PX = 90.0
#: how much brighter than its surroundings a light must be to streak, and how bright streaks are
LIGHT_KNEE, STREAK_GAIN = 12.0, 3.0
#: share of the mirror's height over which it eases in below the line (no hard seam)
EDGE = 0.1


class ReflectionParams(LayerParams):
    depth: Depth = Field(200, description="metres from the camera: the water or wet ground")
    horizon: Annotated[float, Num(0.1, 1)] = Field(
        0.8, description="where the mirror begins, 0 top 1 bottom: the water's edge"
    )
    mirror: Annotated[float, Num(0, 1)] = Field(
        0.85, description="how clearly it mirrors what is above the line"
    )
    fade: Annotated[float, Num(0, 1)] = Field(
        0.55, description="how far the mirror fades into the ground's own colour toward the bottom"
    )
    darken: Annotated[float, Num(0, 1)] = Field(
        0.25, description="how much darker the mirrored picture is"
    )
    tint: ColourField = Field("#FFE0C8", description="the colour the mirrored light takes on")
    colour: ColourField = Field(
        "#2A1A22", description="the wet ground or water itself, which the mirror fades into"
    )
    ripple: Annotated[float, Num(0, 1)] = Field(
        0.35, description="how far ripples break the mirror sideways"
    )
    growth: Annotated[float, Num(0, 1)] = Field(
        0.8,
        description="0 ripples as strong at the line as at the bottom, 1 calm at the line and "
        "strongest nearest the viewer",
    )
    speed: Annotated[float, Num(0, 4)] = Field(
        0.4, description="pace of the ripples, waves a second"
    )
    streak: Annotated[float, Num(0, 1)] = Field(
        0.4, description="lights drawn down into long streaks, as on a wet street at night"
    )


@dataclass(frozen=True)
class _Band:
    """Where the mirror is computed: small rows ``first``.. of a (w, h) eighth-size frame, and
    the full-size rows from ``top`` to the bottom that they are scaled up to."""

    small: tuple[int, int]
    first: int
    top: int

    @property
    def rows(self) -> int:
        return self.small[1] - self.first


@LAYERS.register("reflection")
class Reflection(Layer[ReflectionParams]):
    """Wet ground or still water mirroring what is above its line: rippled, darkened, faded."""

    Params = ReflectionParams
    scale = 0.125
    min_quality = 1.0
    direct = True  # paints only the band below the line, not a whole frame to blend

    def setup(self) -> None:
        self.highest = self.span_of("horizon")[0]  # the highest the line ever stands
        self._band_memo: _Band | None = None

    def top_row(self, frame: Frame, v: ReflectionParams) -> int:
        return max(0, round(v.horizon * self.size[1]) - 2)

    def paint_key(self, frame: Frame, v: ReflectionParams) -> None:
        return None  # it shows what is below it, which changes

    def _band(self) -> _Band:
        w, h = self.internal_size
        band = self._band_memo
        if band is None or band.small != (w, h):
            first = max(0, min(h - 1, math.floor(self.highest * h) - 1))
            band = self._band_memo = _Band((w, h), first, round(first * self.size[1] / h))
        return band

    def draw_onto(self, target: pygame.Surface, frame: Frame, v: ReflectionParams) -> None:
        w, h = self.size
        line = min(h - 1, round(v.horizon * h))
        if self.below is None or line >= h - 1:
            return
        band = self._band()
        first, seen = self._seen(band, v.horizon)
        planes = self._mirrored(seen, first, band, frame, v)
        dither = self.dither and self.quality >= 1.0 and not frame.grained
        image = soft_upscale(planes, (w, h - band.top), dither)
        target.blit(image, (0, line), pygame.Rect(0, line - band.top, w, h - line))

    def _seen(self, band: _Band, horizon: float) -> tuple[int, pygame.Surface]:
        """The part of the frame so far that the water mirrors (from as far above the line as
        the bottom is below it, down to the line), shrunk to twice the small size (each small
        pixel's four: their mean is its colour, their brightest its lights), and the small row
        it starts at."""
        sw, sh = band.small
        k = self.size[1] / sh  # full rows to a small one
        last = min(sh, math.ceil(horizon * sh))
        first = max(0, min(last - 1, math.floor(2 * horizon * sh - sh) - 1))
        top, bottom = round(first * k), min(self.size[1], round(last * k))
        assert self.below is not None  # set by paint() while the layer draws
        part = self.below.subsurface(pygame.Rect(0, top, self.size[0], bottom - top))
        return first, pygame.transform.smoothscale(part, (2 * sw, 2 * (last - first)))

    def _mirrored(
        self, seen: pygame.Surface, first: int, band: _Band, frame: Frame, v: ReflectionParams
    ) -> np.ndarray:
        """The band under the line (3, rows, w), small, from ``seen``: the rows above the line
        that it mirrors, at twice the small size, starting at small row ``first``."""
        quads = _quads(_planes(seen))
        a, b, c, d = quads
        planes = (a + b + c + d) / 4.0
        sh = band.small[1]
        line = v.horizon * sh
        centres = band.first + np.arange(band.rows, dtype=np.float32) + 0.5
        depth = np.maximum(centres - line, 0.0)  # small rows below the line (rows above: at it)
        u = depth / max(sh - line, 1.0)  # 0 at the line, 1 at the bottom of the frame
        mirrored = np.floor(line - depth - 0.5) - first  # the row of ``seen`` each row shows
        source = np.clip(mirrored, 0, planes.shape[0] - 1).astype(np.intp)
        rows = planes[source]
        if v.streak > 0:
            peaks = np.maximum(np.maximum(quads[0], quads[1]), np.maximum(quads[2], quads[3]))
            rows = rows + self._streaks(peaks, seen, source, u, v)
        shifted = self._rippled(rows, u, frame, v)
        return self._shaded(shifted, u, v)

    def _streaks(
        self,
        peaks: np.ndarray,
        seen: pygame.Surface,
        source: np.ndarray,
        u: np.ndarray,
        v: ReflectionParams,
    ) -> np.ndarray:
        """Lights (what is brighter than its surroundings: windows, lamps, the sun, not the
        broad sky) drawn down from where they are mirrored into streaks, longer nearer the
        viewer: each band row gathers the lights in the rows above it, up to the line.
        ``peaks``: each small pixel's brightest quarter, so that a window the shrinking would
        average away still shines."""
        # by brightness, in the light's own colour: a warm sun over a warm sky stays warm
        bright = _brightest(peaks)
        around = _brightest(_surroundings(seen, peaks.shape[1::-1]))
        share = np.clip((bright - around - LIGHT_KNEE) / np.maximum(bright, 1.0), 0.0, 1.0)
        rows = peaks.shape[0]
        sums = np.zeros((rows + 1, *peaks.shape[1:]), np.float32)
        np.cumsum(peaks * share[:, :, None], axis=0, out=sums[1:])
        reach = v.streak * STREAK_PX * self._small_px(peaks) * (0.3 + 0.7 * u)
        hi = np.minimum(source + 1 + np.round(reach).astype(np.intp), rows)
        mean = (sums[hi] - sums[source]) / (hi - source).astype(np.float32)[:, None, None]
        return mean * (v.streak * STREAK_GAIN)

    def _rippled(
        self, rows: np.ndarray, u: np.ndarray, frame: Frame, v: ReflectionParams
    ) -> np.ndarray:
        """``rows`` (rows, w, 3) shifted sideways by waves seen in perspective: bands that crowd
        together toward the line and come toward the viewer."""
        sw = rows.shape[1]
        reach = v.ripple * RIPPLE_PX * self._small_px(rows)
        if reach <= 0.01:
            return rows
        far = (1.0 / (u + 0.08))[:, None]  # distance across the water: crowded near the line
        across = (np.arange(sw, dtype=np.float32) / sw * self.size[0] / self.size[1])[None, :]
        waves = self.travel(frame, "speed", 1.0)  # whole waves per loop: seamless
        swell = math.tau * (far * 0.55 - waves) + 1.3 * np.sin(
            math.tau * (across * 0.6 + far * 0.03)
        )
        chop = math.tau * (far * 1.7 - 2 * waves + across * 1.1)
        strength = (1.0 - v.growth + v.growth * u)[:, None]
        shift = reach * strength * (0.65 * np.sin(swell) + 0.35 * np.sin(chop))
        xs = np.clip(np.arange(sw, dtype=np.float32)[None, :] + shift, 0, sw - 1.001)
        left = np.floor(xs).astype(np.intp)
        part = (xs - left)[:, :, None]
        pick = np.take_along_axis
        return (
            pick(rows, left[:, :, None], 1) * (1 - part)
            + pick(rows, left[:, :, None] + 1, 1) * part
        )

    def _small_px(self, planes: np.ndarray) -> float:
        """Small pixels in a pixel at 1080 lines."""
        return self.unit * planes.shape[1] / self.size[0]

    def _shaded(self, rows: np.ndarray, u: np.ndarray, v: ReflectionParams) -> np.ndarray:
        """Darkened and tinted, then faded into the ground's colour with distance; all of it
        eased in just below the line so the mirror meets what it mirrors without a seam."""
        ease = np.clip(u / EDGE, 0.0, 1.0)
        ease = (ease * ease * (3 - 2 * ease))[:, None]
        tint = np.array(v.tint, np.float32) / 255.0
        gain = (1.0 - v.darken * ease)[:, :, None] * (1.0 + (tint - 1.0) * ease[:, :, None])
        clear = (v.mirror * (1.0 - v.fade * u**1.2))[:, None]
        clear = (1.0 - ease * (1.0 - clear))[:, :, None]
        ground = np.array(v.colour, np.float32)
        out = rows * gain * clear + ground * (1.0 - clear)
        return out.transpose(2, 0, 1)


def _planes(surface: pygame.Surface) -> np.ndarray:
    """A surface as (h, w, 3) floats."""
    return pygame.surfarray.array3d(surface).transpose(1, 0, 2).astype(np.float32)


def _brightest(planes: np.ndarray) -> np.ndarray:
    """Each pixel's brightest channel ((h, w, 3) to (h, w); ``max(axis=2)`` is 20x slower)."""
    return np.maximum(np.maximum(planes[:, :, 0], planes[:, :, 1]), planes[:, :, 2])


def _quads(planes: np.ndarray) -> tuple[np.ndarray, ...]:
    """The four pixels of each 2x2 block of ``planes`` (2h, 2w, 3), as four (h, w, 3)."""
    return tuple(planes[dy::2, dx::2] for dy in (0, 1) for dx in (0, 1))


def _surroundings(seen: pygame.Surface, size: tuple[int, int]) -> np.ndarray:
    """``seen`` blurred wide, at ``size`` (w, h), as (h, w, 3) floats: what a light stands out
    against."""
    w, h = size
    wide = pygame.transform.smoothscale(seen, (max(1, w // 8), max(1, h // 8)))
    return _planes(pygame.transform.smoothscale(wide, (w, h)))
