"""Video walls: one picture (the *canvas*) shared by many screens, each showing its *viewport*.

Every machine of a wall draws the whole canvas, effects included, and shows its own rectangle of
it. That is what makes the screens meet without a seam: bloom, blur, grain, the vignette, light
leaks and every layer see the one picture they would see on a single huge screen, so the
viewports put side by side are the canvas drawn at once, to the bit. The price is that each
machine paints the canvas's pixels: a 2x2 wall of 1080p screens paints 4K on each machine, about
five times the work of one screen (the README's figures).

Only the geometry lives here (the scene format's side of a wall, free of pygame): the renderer
and the player copy the viewport's pixels out of the canvas themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from installation.scene.sizes import MIN_SIDE

__all__ = ["View", "parse_viewport"]


@dataclass(frozen=True)
class View:
    canvas: tuple[int, int]  # the whole picture, WxH
    x: int
    y: int
    w: int
    h: int

    @property
    def size(self) -> tuple[int, int]:
        return self.w, self.h

    @property
    def rect(self) -> tuple[int, int, int, int]:
        """X, Y, W, H in the canvas: what pygame takes as a blit's ``area``."""
        return self.x, self.y, self.w, self.h


def parse_viewport(text: str, canvas: tuple[int, int]) -> View:
    """``X,Y,W,H`` inside ``canvas``; ``ValueError`` with a plain sentence when it is not."""
    match = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*", text)
    if not match:
        raise ValueError(
            f"--viewport takes X,Y,W,H in pixels of the canvas, like 0,0,1920,1080, not '{text}'"
        )
    x, y, w, h = (int(g) for g in match.groups())
    cw, ch = canvas
    if w < MIN_SIDE or h < MIN_SIDE:  # the one size grammar's least side (scene.sizes)
        raise ValueError(f"--viewport {text}: a viewport is at least {MIN_SIDE}x{MIN_SIDE} pixels")
    if x + w > cw or y + h > ch:
        raise ValueError(f"--viewport {text} reaches {x + w}x{y + h}, outside the {cw}x{ch} canvas")
    return View(canvas, x, y, w, h)
