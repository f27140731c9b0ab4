"""A city's lit windows: which come on when, in what colour, and the lights they give the lens.

An office tower does not light window by window at random: a floor's tenants stay late, a block
of flats has its evenings, a corner stays dark. Each tower draws a coarse field of value noise
over its grid of windows; a window's rank (the share of the city's windows at which it comes on)
is mostly its patch of that field, so windows come on in irregular clusters, a few floors and a
few bays at a time, with a lone window here and there. Clusters share a colour (warm flats,
paler offices).

For the lens, the lit windows of a plane are gathered into cells the size of a defocused light
(``WindowLights``): each cell with a lit window is one point of light, as bright as the windows
lit in it, at their middle; the lens draws a disc there when the plane lies behind its focus.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from installation.lazy import pygame
from installation.visuals.discs import Lights
from installation.visuals.raster import new_surface
from installation.visuals.strips import Strip, mix, new_strip

__all__ = ["WindowLights", "rank_windows", "runs", "window_sprite"]

#: runs of windows a plane's evening is baked into: each comes on at once, clusters across town
RUNS = 12
#: the most discs a plane's windows give the lens in one frame (each is a sprite blit)
MOST_DISCS = 140


def rank_windows(
    rng: np.random.Generator, rects: list[tuple[int, int, int, int]], eager: float, n_colours: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each window's rank (0 comes on first, 1 last) and colour index, for one tower's
    ``rects``: clusters from a coarse noise field over its grid, the tower's ``eager``ness, and
    a little of each window's own."""
    n = len(rects)
    if n == 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    xs = np.array([r[0] for r in rects], np.float64)
    ys = np.array([r[1] for r in rects], np.float64)
    col = np.searchsorted(np.unique(xs), xs)
    row = np.searchsorted(np.unique(ys), ys)
    # a field with a cell every 3 bays and 2 floors, sharpened so patches have edges
    field = rng.random((row.max() // 2 + 3, col.max() // 3 + 3))
    u, v = col / 3.0, row / 2.0
    i, j = np.floor(v).astype(int), np.floor(u).astype(int)
    fv, fu = v - i, u - j
    blob = (
        field[i, j] * (1 - fu) * (1 - fv)
        + field[i, j + 1] * fu * (1 - fv)
        + field[i + 1, j] * (1 - fu) * fv
        + field[i + 1, j + 1] * fu * fv
    )
    blob = np.clip((blob - 0.5) * 1.8 + 0.5, 0.0, 1.0)
    rank = 0.32 * eager + 0.53 * blob + 0.15 * rng.random(n)
    colour = (np.floor(blob * 2.7 * n_colours) + int(eager * 5)).astype(np.int64) % n_colours
    return rank.astype(np.float32), colour


def runs(
    evening: np.ndarray,
    ranks: np.ndarray,
    colours: list[tuple],
    fade: float,
    haze: tuple,
    size: tuple[int, int],
    top: int,
    parallax: float,
    canvas: pygame.Surface | None,
) -> list[tuple[float, Strip]]:
    """The evening windows (rects with their colours) baked into RUNS sparse strips by rank,
    each with the share of windows at which it comes on (its highest rank)."""
    if not len(evening):
        return []
    order = np.argsort(ranks, kind="stable")
    out = []
    hazed = {c: mix(c, haze, fade * 0.8) for c in set(colours)}
    for chunk in np.array_split(order, min(RUNS, len(order))):
        strip = new_strip(*size)
        for i in chunk:
            x, y, w, h = (int(n) for n in evening[i])
            strip.fill(hazed[colours[int(i)]], pygame.Rect(x, y, w, h))
        out.append((float(ranks[chunk].max()), Strip(strip, top, parallax).seal(canvas)))
    return out


def window_sprite(rect, colour: tuple, fade: float, haze: tuple) -> pygame.Surface:
    _, _, w, h = (int(n) for n in rect)
    sprite = new_surface((w, h))
    sprite.fill(mix(colour, haze, fade * 0.8))
    return sprite


@dataclass
class WindowLights:
    """A plane's lit windows as points of light for the lens: windows gathered into cells about
    as wide as a defocused light, each cell one light."""

    cx: np.ndarray  # each cell's middle on the strip, px
    cy: np.ndarray
    colour: np.ndarray  # (cells, 3)
    cell: np.ndarray  # each window's cell
    rank: np.ndarray  # each window's rank (-1: lit all along)
    priority: np.ndarray  # each cell's place in line when there are too many to draw
    width: int  # the strip's width (it wraps)

    @classmethod
    def gather(
        cls, rects: np.ndarray, ranks: np.ndarray, colours: np.ndarray, cell: float, width: int,
        rng: np.random.Generator,
    ) -> WindowLights:  # fmt: skip
        """``rects`` (n, 4) lit sometime, their ``ranks`` (-1 always lit) and ``colours``
        (n, 3), gathered into square cells of ``cell`` px on a strip ``width`` px wide."""
        if not len(rects):
            empty = np.zeros(0)
            return cls(empty, empty, np.zeros((0, 3)), np.zeros(0, np.int64), empty, empty, width)
        mx = rects[:, 0] + rects[:, 2] / 2
        my = rects[:, 1] + rects[:, 3] / 2
        keys = (np.floor(mx / cell).astype(np.int64) << 20) + np.floor(my / cell).astype(np.int64)
        unique, index = np.unique(keys, return_inverse=True)
        n = len(unique)
        count = np.bincount(index, minlength=n)
        cx = np.bincount(index, mx, n) / count
        cy = np.bincount(index, my, n) / count
        colour = np.stack([np.bincount(index, colours[:, c], n) / count for c in range(3)], 1)
        return cls(cx, cy, colour, index, ranks, rng.random(n), width)

    def lights(
        self,
        share: float,
        offset: int,
        frame_width: int,
        depth: float,
        level: float,
        radius: float = 0.0,
    ) -> Lights:
        """The cells lit when ``share`` of the windows are, where the strip stands at
        ``offset``: at most MOST_DISCS of those in view, fewer as the discs grow (``radius``,
        px at 1080 lines: big discs overlapping all over are a glow, not bokeh), chosen by a
        fixed priority (the same cells stay chosen as the share rises), each as bright as the
        windows lit in it."""
        lit = self.rank < share
        counts = np.bincount(self.cell[lit], minlength=len(self.cx))
        x = (self.cx - offset) % self.width
        x = np.where(x > self.width - 40, x - self.width, x)  # just off the left edge
        seen = np.nonzero((counts > 0) & (x < frame_width + 40) & (x > -40))[0]
        most = (
            round(MOST_DISCS * min(1.0, (12.0 / max(radius, 1.0)) ** 2)) if radius else MOST_DISCS
        )
        most = max(16, most)
        gather = 1.0
        if len(seen) > most:
            # the cells drawn carry some of the light of those left out (a city's glow)
            gather = min(2.5, math.sqrt(len(seen) / most))
            seen = seen[np.argsort(self.priority[seen], kind="stable")[:most]]
        brightness = np.minimum(1.0, np.sqrt(counts[seen]) / 2.0) * level * gather
        return Lights(x[seen], self.cy[seen], depth, self.colour[seen], brightness)
