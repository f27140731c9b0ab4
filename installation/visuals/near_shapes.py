"""The shapes of things close to the camera (``foreground``): drawn sharp, in frame pixels.

Each maker takes the seed's generator, the frame's size, the size of a 1080-line pixel (times the
layer's ``size``) and whether it stands on the left, and returns a ``Drawing``: the shape's
coverage over the frame, anti-aliased (``silhouette.paint``), and the box that holds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from installation.lazy import pygame
from installation.visuals.raster import new_surface
from installation.visuals.silhouette import Shape, line, new_alpha, paint

__all__ = ["SHAPES", "Drawing"]


@dataclass
class Drawing:
    """A shape's coverage (x by y over the frame, 0..255) and the box around it (px)."""

    alpha: np.ndarray
    box: pygame.Rect

    def planes(self, colour: tuple) -> np.ndarray:
        """(4, h, w) over the box: the colour, a shade lighter toward its top, and coverage."""
        a = self.alpha[self.box.left : self.box.right, self.box.top : self.box.bottom].T
        h, w = a.shape
        shade = 1.0 + 0.25 * (1.0 - np.linspace(0, 1, h, dtype=np.float32))[:, None]
        rgb = [np.broadcast_to(np.clip(c * shade, 0, 255), (h, w)) for c in colour]
        return np.stack([*rgb, a.astype(np.float32)])

    def rim_planes(self, side: int, reach: int = 4) -> np.ndarray:
        """(4, h, w) of white light on the edges facing a light to the right (``side`` 1) or
        left (-1) and above: a few pixels deep, strongest at the edge."""
        a = self.alpha[self.box.left : self.box.right, self.box.top : self.box.bottom].T
        solid = a.astype(np.float32) / 255.0
        light = np.zeros_like(solid)
        for d in range(1, reach + 1):
            weight = 1.0 - (d - 1) / reach
            toward = np.zeros_like(solid)  # what lies d px toward the light
            if side > 0:
                toward[:, :-d] = solid[:, d:]
            else:
                toward[:, d:] = solid[:, :-d]
            above = np.zeros_like(solid)
            above[d:, :] = solid[:-d, :]
            open_side = np.clip(solid - toward, 0, 1) * weight
            open_top = np.clip(solid - above, 0, 1) * weight * 0.6
            light = np.maximum(light, np.maximum(open_side, open_top))
        level = np.clip(light * 255, 0, 255)
        return np.stack([np.full_like(level, 255.0)] * 3 + [level])


def _drawing(size: tuple[int, int], shapes: list[Shape], pad: int = 2) -> Drawing:
    surface = new_surface(size)
    alpha = new_alpha(surface)
    paint(surface, alpha, (255, 255, 255), shapes)
    cols = np.flatnonzero(alpha.any(axis=1))
    rows = np.flatnonzero(alpha.any(axis=0))
    if not len(cols):
        return Drawing(alpha, pygame.Rect(0, 0, 1, 1))
    box = pygame.Rect(cols[0], rows[0], cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1)
    return Drawing(alpha, box.inflate(2 * pad, 2 * pad).clip(pygame.Rect(0, 0, *size)))


def railing(rng: np.random.Generator, size: tuple[int, int], u: float, left: bool) -> Drawing:
    """A balcony's railing across the bottom: a handrail, posts, thin balusters, a base."""
    w, h = size
    top = h * (1 - 0.27 * u * 1080 / h)  # ``u`` is a 1080-line pixel times the layer's size
    shapes: list[Shape] = [
        ("rect", (-10, top, w + 20, 30 * u)),  # the handrail
        ("rect", (-10, top + 32 * u, w + 20, 8 * u)),  # its lower lip
        ("rect", (-10, h - 40 * u, w + 20, 50 * u)),  # the base
    ]
    x = -rng.uniform(0, 60) * u
    while x < w + 40:
        shapes.append(("rect", (x, top + 20 * u, 13 * u, h - top)))
        x += 64 * u
    for px in np.arange(rng.uniform(0.1, 0.3), 1.0, 0.34) * w:
        shapes.append(("rect", (px - 18 * u, top - 6 * u, 36 * u, h - top + 8 * u)))
    return _drawing(size, shapes)


def window(rng: np.random.Generator, size: tuple[int, int], u: float, left: bool) -> Drawing:
    """A window's frame from inside: a mullion, the frame's edge, the sill below."""
    w, h = size
    x = w * (0.28 if left else 0.72) + rng.uniform(-0.03, 0.03) * w
    edge = 0.0 if left else w - 64 * u
    shapes: list[Shape] = [
        ("rect", (x - 34 * u, -10, 68 * u, h + 20)),  # the mullion
        ("rect", (x - 46 * u, -10, 92 * u, 12 * u)),
        ("rect", (edge - 10, -10, 74 * u, h + 20)),  # the frame at the side
        ("rect", (-10, h - 92 * u, w + 20, 110 * u)),  # the sill
        ("rect", (-10, h - 104 * u, w + 20, 14 * u)),
    ]
    return _drawing(size, shapes)


def shoulder(rng: np.random.Generator, size: tuple[int, int], u: float, left: bool) -> Drawing:
    """Someone's head and shoulder from behind, large at one side of the frame, looking in."""
    w, h = size
    s = u  # a 1080-line pixel, times the layer's size
    cx = w * (0.13 if left else 0.87)
    sign = 1 if left else -1  # toward the frame's middle
    head_w, head_h = 300 * s, 380 * s
    hy = h * 0.62
    shapes: list[Shape] = [
        ("ellipse", (cx - head_w / 2, hy - head_h / 2, head_w, head_h)),
        ("rect", (cx - 80 * s, hy + 60 * s, 160 * s, 260 * s)),  # the neck
        (
            "poly",
            (
                (cx - sign * 520 * s, h + 20),
                (cx - sign * 470 * s, hy + 330 * s),
                (cx - sign * 260 * s, hy + 230 * s),
                (cx - 60 * s * sign, hy + 170 * s),
                (cx + sign * 70 * s, hy + 170 * s),
                (cx + sign * 280 * s, hy + 250 * s),
                (cx + sign * 420 * s, hy + 380 * s),
                (cx + sign * 470 * s, h + 20),
            ),
        ),
    ]
    # hair: fine loose strands off the head's outline, combed back and down
    for _ in range(90):
        a = rng.uniform(-math.pi * 0.98, 0.15 * math.pi)
        rx, ry = head_w / 2 * 0.97, head_h / 2 * 0.97
        x0, y0 = cx + math.cos(a) * rx, hy + math.sin(a) * ry
        reach = rng.uniform(8, 34) * s
        turn = a + math.pi / 2 * (1 if math.cos(a) > 0 else -1) * 0.6 + rng.uniform(-0.4, 0.4)
        x1, y1 = x0 + math.cos(turn) * reach, y0 + math.sin(turn) * reach
        shapes.append(line((x0, y0), (x1, y1), rng.uniform(0.8, 1.8) * s))
    shapes.append(("ellipse", (cx - 130 * s, hy + 20 * s, 260 * s, 260 * s)))
    return _drawing(size, shapes)


def branches(rng: np.random.Generator, size: tuple[int, int], u: float, left: bool) -> Drawing:
    """Bare branches reaching into the frame from a top corner, drooping, forking, thinning."""
    w, h = size
    shapes: list[Shape] = []

    def grow(x: float, y: float, angle: float, length: float, width: float, depth: int) -> None:
        x1 = x + math.cos(angle) * length
        y1 = y + math.sin(angle) * length
        shapes.append(line((x, y), (x1, y1), max(1.2 * u, width)))
        if depth == 0 or length < 10 * u:
            return
        for _ in range(2 if rng.random() < 0.8 else 3):
            turn = rng.uniform(-0.7, 0.7) + 0.12  # a little droop
            grow(x1, y1, angle + turn, length * rng.uniform(0.55, 0.8), width * 0.62, depth - 1)

    corner = 0.0 if left else float(w)
    inward = 0.0 if left else math.pi
    for k in range(4):
        y0 = rng.uniform(-0.05, 0.25) * h
        tilt = (0.25 + 0.25 * k + rng.uniform(-0.1, 0.1)) * (1 if left else -1)
        grow(corner, y0, inward + tilt, rng.uniform(180, 320) * u, rng.uniform(10, 18) * u, 6)
    return _drawing(size, shapes)


def grass(rng: np.random.Generator, size: tuple[int, int], u: float, left: bool) -> Drawing:
    """Dune grass rising from the bottom edge: thin tapered blades, leaning, in tufts."""
    w, h = size
    shapes: list[Shape] = []
    for _ in range(18):
        tuft = rng.uniform(-0.05, 1.05) * w
        lean = rng.uniform(-0.5, 0.5)
        for _ in range(int(rng.integers(6, 14))):
            x0 = tuft + rng.normal(0, 22) * u
            tall = rng.uniform(0.1, 0.38) * u * 1080  # a share of the height, times the size
            bend = lean + rng.normal(0, 0.25)
            base = rng.uniform(5, 11) * u
            pts = []
            for i in range(7):
                t = i / 6
                x = x0 + bend * tall * t * t
                pts.append((x, h + 6 - tall * t, base * (1 - t) + 0.6 * u))
            left_side = [(x - wd / 2, y) for x, y, wd in pts]
            right_side = [(x + wd / 2, y) for x, y, wd in reversed(pts)]
            shapes.append(("poly", (*left_side, *right_side)))
    return _drawing(size, shapes)


SHAPES: dict[str, Callable[[np.random.Generator, tuple[int, int], float, bool], Drawing]] = {
    "railing": railing,
    "window": window,
    "shoulder": shoulder,
    "branches": branches,
    "grass": grass,
}
