"""Silhouette strips: wide, seamless, colour-keyed bands scrolled with parallax.

Skylines and treelines are baked once into strips one to two frames wide that wrap at their
ends; a frame is then one or two RLE-accelerated blits per plane, not thousands of shapes.

In a looping scene a strip must be back where it began when the loop starts again, so its width
is chosen to make the plane's travel over one loop a whole number of widths (``strip_width``);
a plane that would travel less than a frame's width in a loop is sped up to one width a loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from installation.lazy import pygame
from installation.visuals.raster import new_surface

__all__ = [
    "KEY",
    "Strip",
    "fog_low",
    "mix",
    "new_strip",
    "soft_strip",
    "strip_width",
    "transparent",
    "with_alpha",
]

KEY = (255, 0, 255)  # transparent colour of strips; nothing we draw is ever this magenta


def mix(a: tuple, b: tuple, u: float) -> tuple[int, int, int]:
    """Linear mix of two RGB colours, ``u`` = 0 gives ``a``."""
    return tuple(round(a[c] + (b[c] - a[c]) * u) for c in range(3))


def strip_width(frame_width: int, per_loop: float | None) -> int:
    """A width for a strip that travels ``per_loop`` pixels a loop (None: the scene runs once):
    between one and two frame widths (at least 512 px), a whole number of them per loop."""
    least = max(frame_width, 512)
    if not per_loop or abs(per_loop) < least:
        return least if per_loop else 2 * least
    laps = math.ceil(abs(per_loop) / (2 * least))
    return max(least, round(abs(per_loop) / laps))


def new_strip(width: int, height: int) -> pygame.Surface:
    strip = new_surface((width, height))
    strip.fill(KEY)
    return strip


@dataclass
class Strip:
    surface: pygame.Surface  # colour-keyed once baked
    top: int  # first row that holds anything
    parallax: float  # share of the layer's drift this plane moves at
    #: per-pixel coverage (x by y, 0 sky to 255 solid) where its edges are anti-aliased
    #: (``silhouette.paint``); None: the key colour alone says what is sky
    alpha: np.ndarray | None = None
    #: how it is blitted: 0 as baked and sealed; ``BLEND_PREMULTIPLIED`` for a strip seen
    #: through the lens (``soft_strip``), whose soft edges are premultiplied alpha
    blend: int = 0

    def offset(self, layer, frame, param: str = "drift") -> int:
        """Where the strip stands: how far the layer's rate ``param`` has carried this plane,
        in pixels, landed on whole widths per loop, modulo the strip's width."""
        width = self.surface.get_width()
        return math.floor(layer.travel(frame, param, width, self.parallax * layer.unit)) % width

    def blit(self, target: pygame.Surface, offset: int) -> None:
        """Blit the visible window of the strip, wrapping around its end."""
        w = target.get_width()
        sw, h = self.surface.get_size()
        band = h - self.top
        first = min(w, sw - offset)
        flags = self.blend
        target.blit(self.surface, (0, self.top), pygame.Rect(offset, self.top, first, band), flags)
        if first < w:
            target.blit(
                self.surface, (first, self.top), pygame.Rect(0, self.top, w - first, band), flags
            )

    def seal(self, target: pygame.Surface | None = None) -> Strip:
        """Finish baking: make the key colour transparent, with run-length acceleration. With
        ``target`` (the canvas it will be drawn on), encode it now: SDL then frees the strip's
        pixels and keeps only its runs (a sparse strip of lit windows: 16 MB to a few hundred KB
        at 1080p). SDL encodes for one destination: a strip blitted anywhere else is decoded
        and encoded again (hundreds of ms at 1080p), so strips are only ever drawn on it.
        With an alpha plane the strip becomes per-pixel alpha, which SDL run-length encodes as
        well: opaque runs are copied, only the edge pixels are blended."""
        if self.alpha is None:
            self.surface.set_colorkey(KEY, pygame.RLEACCEL)
        else:
            self.surface = with_alpha(self.surface, self.alpha, self.top)
            self.surface.set_alpha(255, pygame.RLEACCEL)
        if target is not None:
            target.blit(self.surface, (0, 0), pygame.Rect(0, 0, 1, 1))
        return self


def soft_strip(strip: Strip, radius: float, opacity: float = 1.0) -> Strip:
    """``strip`` (baked with its alpha, not yet sealed) seen through the lens: disc-blurred by
    ``radius`` px around its wrap, premultiplied, reaching the blur's width higher than it did,
    and ``opacity`` as opaque. Soft strips are not run-length encoded: every pixel of their edges
    is blended."""
    from installation.visuals.lens import SoftImage

    assert strip.alpha is not None
    sw, h = strip.surface.get_size()
    top = strip.top
    rgb = pygame.surfarray.array3d(strip.surface)[:, top:].astype(np.float32)
    alpha = strip.alpha[:, top:].astype(np.float32)
    rgb[alpha == 0] = 0
    planes = np.concatenate([rgb, alpha[:, :, None] * opacity], axis=2).transpose(2, 1, 0)
    wrap = min(sw, int(np.ceil(radius)) + 4)
    wide = np.concatenate([planes[:, :, -wrap:], planes, planes[:, :, :wrap]], axis=2)
    image = SoftImage(wide).at(radius)
    pad = (image.get_width() - wide.shape[2]) // 2
    rise = min(top, pad)
    out = pygame.Surface((sw, h), pygame.SRCALPHA, 32)  # all zeros: adding onto it copies
    area = pygame.Rect(pad + wrap, pad - rise, sw, h - top + rise)
    out.blit(image, (0, top - rise), area, special_flags=pygame.BLEND_RGBA_ADD)
    return Strip(out, top - rise, strip.parallax, None, pygame.BLEND_PREMULTIPLIED)


def with_alpha(surface: pygame.Surface, alpha: np.ndarray, top: int = 0) -> pygame.Surface:
    """A per-pixel alpha copy of ``surface`` with the coverage ``alpha`` (x by y); rows above
    ``top`` hold nothing and stay transparent (a new surface is all zeros)."""
    out = new_surface(surface.get_size(), alpha=True)
    rows = pygame.Rect(0, top, surface.get_width(), surface.get_height() - top)
    out.blit(surface, rows.topleft, rows)
    plane = pygame.surfarray.pixels_alpha(out)
    plane[:, top:] = alpha[:, top:]
    del plane
    return out


def transparent(pixels: np.ndarray) -> np.ndarray:
    """Where a strip's pixels (``pixels3d``, x by y) are the key colour: open sky."""
    return (pixels[:, :, 0] == KEY[0]) & (pixels[:, :, 1] == KEY[1]) & (pixels[:, :, 2] == KEY[2])


def fog_low(strip: pygame.Surface, colour: tuple, near: float, low: float) -> None:
    """Blend a strip toward ``colour``: ``near`` everywhere, plus up to ``low`` at the bottom."""
    pixels = pygame.surfarray.pixels3d(strip)
    key = transparent(pixels)
    rows = np.linspace(0.0, 1.0, strip.get_height(), dtype=np.float32) ** 2
    amount = np.clip(near + low * rows * (1 - near), 0.0, 0.95)[None, :, None]
    target = np.array(colour, dtype=np.float32)[None, None, :]
    mixed = np.rint(pixels.astype(np.float32) * (1 - amount) + target * amount).astype(np.uint8)
    mixed[key] = KEY
    pixels[...] = mixed
    del pixels
