"""How a skyline's towers are drawn into a plane's strip: towers of several kinds with their grids
of windows, named landmarks from ``assets/landmarks/``, a raised walkway, and the rims of light on
the edges that face the sun (``skyline`` bakes them once, one plane at a time)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from installation.lazy import pygame
from installation.visuals.silhouette import fill, paint
from installation.visuals.strips import new_strip, transparent

__all__ = ["RIM_STEPS", "landmarks", "rims", "tower", "walkway"]

#: steps of the sun's rim light on the towers
RIM_STEPS = 4


def rims(
    strip: pygame.Surface, alpha: np.ndarray, colour: tuple, strength: float, d: int
) -> list[tuple[list[pygame.Surface], np.ndarray]]:
    """Sparse strips holding only the plane's sunlit edges, each step of RIM_STEPS a little
    brighter: the roofs and the edges facing right (lit by a light to their right), then the
    roofs and the edges facing left. Found from the strip's key: a pixel of a tower with open
    sky ``d`` pixels above it or beside it. Only the edge pixels are computed (a full-strip
    float pass per step cost 0.7 s a plane at 1080p). With them, the edges' alpha: a rim on an
    anti-aliased edge is as soft as the edge. Each side comes with its own alpha."""
    pixels = pygame.surfarray.pixels3d(strip)
    key = transparent(pixels)
    open_up = np.zeros_like(key)
    open_up[:, d:] = key[:, :-d]
    open_right = np.zeros_like(key)
    open_right[:-d, :] = key[d:, :]
    open_left = np.zeros_like(key)
    open_left[d:, :] = key[:-d, :]
    solid = ~key
    light = np.array(colour, np.float32)[None, :]
    sides = []
    for facing in (open_right, open_left):
        edge = solid & (open_up | facing)
        xs, ys = np.nonzero(edge)
        body = pixels[xs, ys].astype(np.float32)
        weight = np.where(open_up[xs, ys], 1.0, 0.8).astype(np.float32)[:, None]  # roofs most
        steps = []
        for step in range(1, RIM_STEPS + 1):
            k = strength * step / RIM_STEPS * weight
            surface = new_strip(*strip.get_size())
            target = pygame.surfarray.pixels3d(surface)
            target[xs, ys] = np.rint(body + (light - body) * k).astype(np.uint8)
            del target
            steps.append(surface)
        sides.append((steps, np.where(edge, alpha, 0).astype(np.uint8)))
    del pixels
    return sides


def landmarks(strip, alpha, rng, marks, h, tallest, colour, width) -> None:
    """Draw named outlines across the strip, all at one scale: the tallest ``tallest`` of the
    frame's height. Holes cut the landmark's own shapes, so the sky shows through them."""
    metres = h * tallest / max(m.height for m in marks)
    spacing = width / len(marks)
    for i, mark in enumerate(marks):
        cx = spacing * (i + 0.5) + rng.uniform(-0.25, 0.25) * spacing
        for shift in (0, -width, width):  # wraps at the strip's ends
            x0 = cx + shift

            def at(x: float, y: float, x0: float = x0) -> tuple[float, float]:
                return x0 + x * metres, h - y * metres

            shapes: list[tuple[str, Sequence[Any]]] = []
            for shape in mark.shapes:
                if shape.ellipse:
                    ex, ey, rx, ry = shape.ellipse
                    left, top = at(ex - rx, ey + ry)
                    shapes.append(("ellipse", (left, top, 2 * rx * metres, 2 * ry * metres)))
                elif shape.polygon:
                    shapes.append(("poly", [at(x, y) for x, y in shape.polygon]))
                else:
                    shapes.append(("hole", [at(x, y) for x, y in shape.hole]))
            paint(strip, alpha, colour, shapes)
            for x, y in mark.lights:
                lx, ly = at(x, y)
                size = max(1, round(metres * 3))
                strip.fill((232, 90, 70), pygame.Rect(round(lx) - size // 2, round(ly), size, size))


def _shifted(kind: str, geom: tuple, shift: float) -> tuple:
    """A tower's shape moved ``shift`` px along the strip (its copy across the wrap)."""
    if kind == "poly":
        return tuple((px + shift, py) for px, py in geom)
    return (geom[0] + shift, *geom[1:])


def tower(strip, alpha, rng, x, tw, th, h, colour, sw, unit) -> list[tuple[int, int, int, int]]:
    """Draw one tower (wrapping at the strip's end) and return its window rectangles."""
    kind = rng.choice(
        ["block", "stepped", "spire", "rounded", "slant", "pearl"],
        p=[0.34, 0.2, 0.16, 0.12, 0.12, 0.06],
    )
    top = h - th
    shapes: list[tuple[str, tuple]] = [("rect", (x, top, tw, th + 1))]
    if kind == "stepped":
        shapes.append(("rect", (x + tw * 0.15, top - th * 0.08, tw * 0.7, th * 0.08 + 1)))
        shapes.append(("rect", (x + tw * 0.3, top - th * 0.14, tw * 0.4, th * 0.06 + 1)))
    elif kind == "spire":
        shapes.append(("poly", ((x, top), (x + tw / 2, top - th * 0.18), (x + tw, top))))
        shapes.append(("rect", (x + tw / 2 - unit, top - th * 0.26, max(1, 2 * unit), th * 0.1)))
    elif kind == "rounded":
        shapes.append(("ellipse", (x, top - tw * 0.35, tw, tw * 0.7)))
    elif kind == "slant":
        shapes.append(("poly", ((x, top), (x, top - th * 0.12), (x + tw, top))))
    elif kind == "pearl":  # a tower of spheres on a shaft: our nod to the Pudong skyline
        shaft = max(2, tw * 0.18)
        shapes = [("rect", (x + tw / 2 - shaft / 2, top - th * 0.2, shaft, th * 1.2))]
        for fy, fr in ((0.55, 0.42), (0.05, 0.26)):
            r = tw * fr
            shapes.append(("ellipse", (x + tw / 2 - r, top + th * fy - r, 2 * r, 2 * r)))
    for shift in (0, -sw):
        paint(strip, alpha, colour, [(k, _shifted(k, g, shift)) for k, g in shapes])
    if kind == "pearl":
        return []
    return _window_grid(rng, x, top, tw, th, h, sw, unit)


def _window_grid(rng, x, top, tw, th, h, sw, unit) -> list[tuple[int, int, int, int]]:
    ww = max(1, round(rng.uniform(2, 4) * unit))
    wh = max(1, round(rng.uniform(2, 5) * unit))
    gap_x = ww + max(1, round(rng.uniform(2, 5) * unit))
    gap_y = wh + max(1, round(rng.uniform(3, 6) * unit))
    out = []
    margin = max(2, round(5 * unit))
    for yy in range(round(top + margin), h - margin, gap_y):
        for xx in range(round(x + margin), round(x + tw - margin - ww), gap_x):
            out.append((xx % sw, yy, ww, wh))
    return out


def walkway(strip, alpha, rng, h, colour, sw, unit, lights) -> None:
    y = round(h * rng.uniform(0.78, 0.86))
    thick = max(2, round(10 * unit))
    fill(strip, alpha, colour, pygame.Rect(0, y, sw, thick))
    for px in range(0, sw, max(8, round(140 * unit))):
        fill(strip, alpha, colour, pygame.Rect(px, y, max(2, round(8 * unit)), h - y))
    lamp = lights[0]
    for px in range(round(20 * unit), sw, max(4, round(36 * unit))):
        strip.fill(
            lamp, pygame.Rect(px, y + thick // 3, max(1, round(3 * unit)), max(1, round(2 * unit)))
        )
