"""Trees as a photograph of a winter wood shows them: irregular trunks, leaning a little, bending,
tapering into crowns of thin branches; spruces as ragged columns of drooping boughs.

Sizes are in pixels at the tree's distance (the caller works them out from metres and the lens's
focal length); every shape comes from the seed's generator, so a wood is the same on every run.
"""

from __future__ import annotations

import math

import numpy as np

from installation.visuals.silhouette import Shape, line

__all__ = ["bare_tree", "spruce"]


def _taper(points: list[tuple[float, float]], widths: list[float]) -> Shape:
    """A stroke along ``points`` whose width goes through ``widths``: one polygon."""
    left, right = [], []
    for i, (x, y) in enumerate(points):
        a = points[max(0, i - 1)]
        b = points[min(len(points) - 1, i + 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        n = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / n * widths[i] / 2, dx / n * widths[i] / 2
        left.append((x + nx, y + ny))
        right.append((x - nx, y - ny))
    return ("poly", (*left, *reversed(right)))


def _limb(
    rng: np.random.Generator, x: float, y: float, angle: float, length: float, width: float,
    steps: int = 5, wander: float = 0.12, flare: float = 1.0,
) -> tuple[Shape, list[tuple[float, float, float]]]:  # fmt: skip
    """A bending, tapering limb from (x, y) along ``angle`` (radians, 0 up, positive right);
    returns it and points along it (x, y, angle) where smaller limbs may grow."""
    points, widths, sites = [(x, y)], [width * flare], []
    a = angle
    step = length / steps
    for i in range(1, steps + 1):
        a += rng.normal(0.0, wander)
        x += math.sin(a) * step
        y -= math.cos(a) * step
        points.append((x, y))
        knot = 1.0 + rng.normal(0.0, 0.05)  # bark is never a ruled line
        widths.append(width * (1.0 - 0.75 * (i / steps) ** 0.8) * knot)
        sites.append((x, y, a))
    return _taper(points, widths), sites


def bare_tree(
    rng: np.random.Generator, x: float, base: float, height: float, width: float, least: float
) -> list[Shape]:
    """A deciduous tree in winter: a trunk ``width`` px wide at ``base``, ``height`` px tall,
    leaning and bending a little, its branches rising from the upper two thirds and forking into
    twigs no thinner than ``least`` px."""
    lean = rng.normal(0.0, 0.05)
    trunk, sites = _limb(rng, x, base, lean, height, width, steps=14, wander=0.03, flare=1.3)
    shapes = [trunk]

    def grow(x0: float, y0: float, a: float, length: float, w: float, depth: int) -> None:
        if depth == 0 or w < least * 0.6 or length < 3:
            return
        limb, points = _limb(rng, x0, y0, a, length, w, steps=3, wander=0.18)
        shapes.append(limb)
        for px, py, pa in points[1:]:
            if rng.random() < 0.55:
                turn = rng.uniform(0.35, 0.8) * (1 if rng.random() < 0.5 else -1)
                grow(px, py, pa + turn, length * rng.uniform(0.4, 0.6), w * 0.55, depth - 1)

    for i, (sx, sy, sa) in enumerate(sites):
        if i < 3 or rng.random() < 0.25:
            continue  # a clear trunk low down; some stretches without a branch
        side = 1 if rng.random() < 0.5 else -1
        up = sa + side * rng.uniform(0.45, 0.95)
        share = 1.0 - i / len(sites)
        grow(sx, sy, up, height * rng.uniform(0.18, 0.32) * (0.5 + share), width * 0.38, 3)
    return shapes


def spruce(
    rng: np.random.Generator, x: float, base: float, height: float, width: float, least: float
) -> list[Shape]:
    """A spruce in fog: a straight trunk and boughs drooping from it, long low down and short
    toward the top, each a ragged wedge, overlapping, with here and there a gap: a dark uneven
    column, not a stack of triangles."""
    top = base - height
    shapes: list[Shape] = [line((x, base), (x + rng.normal(0, 0.01) * height, top),
                                max(least, width * 0.35))]  # fmt: skip
    spread = height * rng.uniform(0.15, 0.22)
    y = base - height * rng.uniform(0.06, 0.12)
    while y > top + height * 0.02:
        up = (base - y) / height  # 0 at the foot, 1 at the top
        reach = spread * (1.0 - up) ** 0.85 * rng.uniform(0.7, 1.15) + height * 0.012
        thick = height * rng.uniform(0.025, 0.045) * (1.0 - 0.5 * up)
        for side in (-1, 1):
            if rng.random() < 0.08:
                continue  # a gap in the boughs
            droop = rng.uniform(0.25, 0.6) * reach
            tip_x, tip_y = x + side * reach, y + droop
            mid_x, mid_y = x + side * reach * 0.55, y + droop * 0.35
            shapes.append(("poly", ((x, y - thick * 0.5), (mid_x, mid_y - thick * 0.35),
                                    (tip_x, tip_y), (mid_x, mid_y + thick * 0.4),
                                    (x, y + thick))))  # fmt: skip
        y -= height * rng.uniform(0.022, 0.04)
    shapes.append(("poly", ((x - height * 0.012, top + height * 0.06), (x, top - height * 0.01),
                            (x + height * 0.012, top + height * 0.06))))  # fmt: skip
    return shapes
