"""Anti-aliased silhouettes: shapes baked with their edge coverage, not stair-steps.

pygame fills a polygon pixel by pixel, in or out: a roof at a shallow angle becomes a staircase
that a 1080p screen shows plainly. Here a group of shapes of one colour (a tower and its spire, a
tree's tiers and branches, a landmark with its holes) is drawn SUPERSAMPLE times larger into a
mask the size of its own box, and each pixel's share of covered subpixels becomes its alpha.
Partly covered pixels are mixed over what is already there ("over", in straight alpha), so a
shape painted across another keeps its colour and its edge.

The alpha lives in a plane of its own (x by y, like ``surfarray``), 0 for open sky and 255 for
solid: strips keep their key colour where nothing is, so the code that finds edges or fogs a
strip still works from the key; ``Strip.seal`` turns the plane into per-pixel alpha.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from installation.lazy import pygame

__all__ = ["SUPERSAMPLE", "Shape", "fill", "line", "new_alpha", "paint"]

#: subpixels per pixel along each axis: 4 gives 17 levels of coverage, smooth on any slope
SUPERSAMPLE = 4

#: ("rect" | "ellipse", (x, y, w, h)), ("poly" | "hole", points); a hole cuts the group's own
#: shapes drawn before it (the sky between a landmark's legs)
Shape = tuple[str, Sequence]


def new_alpha(surface: pygame.Surface) -> np.ndarray:
    """An empty alpha plane for a strip being baked: nothing drawn yet."""
    return np.zeros(surface.get_size(), dtype=np.uint8)


def line(start: Sequence[float], end: Sequence[float], width: float) -> Shape:
    """A straight stroke ``width`` px wide as a polygon (a branch, a roof's edge of snow)."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = (y0 - y1) / length * width / 2, (x1 - x0) / length * width / 2
    return (
        "poly",
        ((x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)),
    )


def fill(surface: pygame.Surface, alpha: np.ndarray, colour: tuple, rect: pygame.Rect) -> None:
    """A solid axis-aligned rectangle on whole pixels: nothing to smooth."""
    clipped = surface.fill(colour, rect)
    alpha[clipped.left : clipped.right, clipped.top : clipped.bottom] = 255


def paint(
    surface: pygame.Surface, alpha: np.ndarray, colour: tuple, shapes: Sequence[Shape]
) -> None:
    """Draw ``shapes``, all of ``colour``, anti-aliased onto ``surface`` and its ``alpha``."""
    box = _box(shapes, surface.get_size())
    if box is None:
        return
    x0, y0, x1, y1 = box
    cover = _coverage(shapes, x0, y0, x1 - x0, y1 - y0)
    if not cover.any():
        return
    pixels = pygame.surfarray.pixels3d(surface)
    _over(pixels[x0:x1, y0:y1], alpha[x0:x1, y0:y1], colour, cover)
    del pixels


def _box(shapes: Sequence[Shape], size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The whole pixels the shapes touch, clipped to the surface; None if none are on it."""
    xs, ys = [], []
    for kind, geom in shapes:
        if kind in ("rect", "ellipse"):
            x, y, w, h = geom
            xs += [x, x + w]
            ys += [y, y + h]
        elif kind == "poly":
            xs += [p[0] for p in geom]
            ys += [p[1] for p in geom]
    if not xs:
        return None
    x0, y0 = max(0, math.floor(min(xs)) - 1), max(0, math.floor(min(ys)) - 1)
    x1, y1 = min(size[0], math.ceil(max(xs)) + 1), min(size[1], math.ceil(max(ys)) + 1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _coverage(shapes: Sequence[Shape], x0: int, y0: int, w: int, h: int) -> np.ndarray:
    """Each pixel's covered share, 0..255, of the box at (x0, y0), (w, h) px (x by y)."""
    s = SUPERSAMPLE
    mask = pygame.Surface((w * s, h * s), 0, 32)
    mask.fill(0)
    solid, empty = (255, 255, 255), (0, 0, 0)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * s, (y - y0) * s

    for kind, geom in shapes:
        if kind in ("rect", "ellipse"):
            x, y, gw, gh = geom
            left, top = at(x, y)
            rect = pygame.Rect(round(left), round(top), round(gw * s), round(gh * s))
            (pygame.draw.rect if kind == "rect" else pygame.draw.ellipse)(mask, solid, rect)
        else:
            pygame.draw.polygon(mask, solid if kind == "poly" else empty, [at(*p) for p in geom])
    # smoothscale shrinks by whole factors as a box filter: each pixel the mean of its
    # subpixels, in C (a numpy sum over the subpixel axes cost four times as long)
    small = pygame.transform.smoothscale(mask, (w, h))
    return pygame.surfarray.pixels_red(small).copy()


def _over(pixels: np.ndarray, alpha: np.ndarray, colour: tuple, cover: np.ndarray) -> None:
    """Mix ``colour`` at ``cover`` (0..255) over straight-alpha ``pixels`` and ``alpha``, in
    place; only the pixels it touches are worked out."""
    xs, ys = np.nonzero(cover)
    ink = cover[xs, ys].astype(np.float32) / 255.0
    below = alpha[xs, ys].astype(np.float32) / 255.0
    after = ink + below * (1.0 - ink)
    keep = (below * (1.0 - ink) / after)[:, None]
    mixed = pixels[xs, ys].astype(np.float32) * keep
    mixed += np.array(colour, dtype=np.float32)[None, :] * (1.0 - keep)
    pixels[xs, ys] = np.rint(mixed).astype(np.uint8)
    alpha[xs, ys] = np.rint(after * 255.0).astype(np.uint8)
