"""What the ``image`` and ``footage`` layers share: pictures graded into the scene's light, the
slow drift and zoom a still picture is shown with (a rostrum camera's move), and a picture
drawn where ``placement`` puts it."""

from __future__ import annotations

import math

import numpy as np

from installation.lazy import pygame
from installation.visuals.frame import Frame
from installation.visuals.placement import Placement
from installation.visuals.raster import new_surface

__all__ = ["draw_placed", "grade_into", "rostrum", "to_surface"]


def grade_into(rgb: np.ndarray, shadows: tuple, highlights: tuple, amount: float) -> np.ndarray:
    """(h, w, 3) uint8 → the same picture moved ``amount`` of the way onto a two-colour ramp
    from ``shadows`` to ``highlights`` by its luminance: any photograph then sits in the palette
    (a cold blue street becomes plum and amber) and keeps its light and shade."""
    if amount <= 0:
        return rgb
    x = rgb.astype(np.float32)
    luma = (x @ np.array([0.2126, 0.7152, 0.0722], np.float32)) / 255.0
    lo, hi = np.array(shadows, np.float32), np.array(highlights, np.float32)
    ramp = lo + (hi - lo) * (luma[..., None] ** 0.9)
    # keep a little of each pixel's own colour: skin, lamps and neon still read as themselves
    out = x + (ramp * 0.85 + x * 0.15 - x) * amount
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def to_surface(rgb: np.ndarray) -> pygame.Surface:
    """(h, w, 3) uint8 → a surface in the canvas's format."""
    h, w = rgb.shape[:2]
    image = pygame.image.frombuffer(np.ascontiguousarray(rgb).tobytes(), (w, h), "RGB")
    return image.convert() if pygame.display.get_init() and pygame.display.get_surface() else image


def rostrum(
    frame: Frame,
    source: tuple[int, int],
    out: tuple[int, int],
    zoom: float,
    drift: float,
    period: float,
    seed: float,
) -> pygame.Rect:
    """The part of a ``source``-sized picture to show in an ``out``-shaped frame: covered at
    ``zoom`` (1 fills the frame), wandering ``drift`` of the spare margin along a slow ellipse
    that goes round once every ``period`` seconds (fitted to the loop), breathing in and out."""
    sw, sh = source
    ow, oh = out
    cover = max(ow / sw, oh / sh)  # picture pixels → frame pixels at zoom 1
    turn = frame.cycles(1.0 / period) if period > 0 else 0.0
    breathe = 1.0 + 0.04 * drift * (0.5 - 0.5 * math.cos(math.tau * turn))
    scale = cover * zoom * breathe
    w, h = min(sw, ow / scale), min(sh, oh / scale)
    spare_x, spare_y = (sw - w) / 2, (sh - h) / 2
    angle = math.tau * (turn + seed)
    cx = sw / 2 + spare_x * drift * math.cos(angle)
    cy = sh / 2 + spare_y * drift * math.sin(angle) * 0.6
    return pygame.Rect(round(cx - w / 2), round(cy - h / 2), max(1, round(w)), max(1, round(h)))


def draw_placed(
    source: pygame.Surface,
    placement: Placement | None,
    size: tuple[int, int],
    alpha: np.ndarray | None,
    level: int,
    blend: str,
) -> pygame.Surface:
    """A ``size`` image holding the ``placement.view`` of ``source`` at ``placement.dest``, its
    outline ``alpha`` ((h, w) uint8 at the dest's size; None: the whole rect), its light
    multiplied by ``level / 255``; nothing elsewhere (nothing at all without a placement).

    For ``normal`` the image has per-pixel alpha. The other blend modes read colour alone, so
    for them the picture is laid on their neutral colour instead (black for add and screen,
    white for multiply): what the mask hides then changes nothing.
    """
    out = new_surface(size, alpha=True)
    out.fill((0, 0, 0, 0))
    if placement is None:
        return _neutral(out, size, blend)
    vx, vy, vw, vh = placement.view
    sw, sh = source.get_size()
    vx, vy = max(0, min(vx, sw - 1)), max(0, min(vy, sh - 1))
    view = pygame.Rect(vx, vy, max(1, min(vw, sw - vx)), max(1, min(vh, sh - vy)))
    dx, dy, dw, dh = placement.dest
    picture = pygame.transform.smoothscale(source.subsurface(view), (dw, dh))
    if level < 255:
        picture.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
    # the picture's edge colours one pixel beyond it (with no alpha), so that scaling the image
    # up does not darken its rim by mixing in the transparent black around it
    for ox, oy in ((-1, 0), (1, 0), (0, -1), (0, 1), (0, 0)):
        out.blit(picture, (dx + ox, dy + oy))
    shown = np.full((dh, dw), 255, np.uint8) if alpha is None else alpha
    ring = np.pad(shown, 1)  # the bled pixels stay transparent
    w, h = size
    x0, y0 = max(0, dx - 1), max(0, dy - 1)
    x1, y1 = min(w, dx + dw + 1), min(h, dy + dh + 1)
    plane = pygame.surfarray.pixels_alpha(out)
    if x1 > x0 and y1 > y0:
        plane[x0:x1, y0:y1] = ring[y0 - dy + 1 : y1 - dy + 1, x0 - dx + 1 : x1 - dx + 1].T
    del plane
    return _neutral(out, size, blend)


def _neutral(out: pygame.Surface, size: tuple[int, int], blend: str) -> pygame.Surface:
    """``out`` (per-pixel alpha) as the blend mode reads it: itself for normal, else laid on
    the mode's neutral colour."""
    if blend == "normal":
        return out
    flat = new_surface(size)
    flat.fill((255, 255, 255) if blend == "multiply" else (0, 0, 0))
    flat.blit(out, (0, 0))
    return flat
