"""What a render plays: one scene, or a show as the scheduler lays it out.

A *part* is one scene's stretch of the output (see ``installation.schedule``): output time
``T`` maps to each playing part's scene time and a weight. The picture of a frame blends the
playing parts by weight (``visuals.showmix.blend_parts``, which the player uses too); the sound mixes their
graphs, each with a fader that follows the same weight, all on one manual pyo server (pyo allows
one server per process), exactly ``sr / fps`` samples per frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pygame

from installation.scene.loader import load_scene
from installation.scene.models import Scene
from installation.scene.show import is_show_file, load_show
from installation.scene.wall import View
from installation.schedule import Part, Schedule
from installation.visuals.compositor import Compositor
from installation.visuals.showmix import blend_parts

__all__ = ["FramePainter", "Program", "RenderPart", "load_program"]


@dataclass
class RenderPart:
    """A scheduled part with its scene loaded: what the painter and the sound mix read."""

    scene: Scene
    plan: Part

    @property
    def begin(self) -> float:
        """Output time at which its scene time is 0."""
        return self.plan.begin - self.plan.offset

    def weight(self, t: float) -> float:
        """Its sound's level at output time ``t``: the crossfade's gain times its own."""
        return self.plan.level(t)


@dataclass
class Program:
    name: str
    parts: list[RenderPart]

    def active(self, t: float) -> list[tuple[int, RenderPart, float]]:
        """(index, part, picture weight) of each part on screen at ``t``, earliest first."""
        out = []
        for i, part in enumerate(self.parts):
            weight = part.plan.weight(t)
            if weight > 0.0:
                out.append((i, part, weight))
        return out

    @property
    def has_sound(self) -> bool:
        return any(p.scene.sound is not None for p in self.parts)


def load_program(path: Path, until: float, opens_at: dt.datetime | None = None) -> Program:
    """A scene, or a show laid out far enough to cover ``until`` seconds of output.

    ``opens_at``: the wall-clock time of the output's start, for a show's opening hours (None:
    always open)."""
    if not is_show_file(path):
        scene = load_scene(path)
        return Program(path.stem, [RenderPart(scene, Part(path, 0.0))])
    show = load_show(path)
    loaded: dict[Path, Scene] = {}
    parts = []
    for plan in Schedule(show, opens_at).parts_until(until):
        if plan.path is None:
            continue  # closed, black: nothing to draw or hear
        if plan.path not in loaded:
            loaded[plan.path] = load_scene(plan.path)
        parts.append(RenderPart(loaded[plan.path], plan))
    return Program(show.id, parts)


class FramePainter:
    """Blends the picture of a program's playing parts at output time ``t``."""

    def __init__(self, program: Program, size: tuple[int, int], view: View | None = None):
        """``size``: the picture drawn; with a ``view`` (a video wall's screen), the canvas is
        drawn and the viewport's part of it is what ``paint`` returns."""
        self.program = program
        self.view = view
        self.size = view.canvas if view is not None else size
        self.compositors: dict[int, Compositor] = {}
        self.canvas = pygame.Surface(self.size, 0, 32)
        self.screen = pygame.Surface(view.size, 0, 32) if view is not None else None

    def compositor(self, index: int) -> Compositor:
        if index not in self.compositors:
            self.compositors[index] = Compositor(self.program.parts[index].scene, self.size)
            for old in [k for k in self.compositors if k < index - 1]:
                del self.compositors[old]  # long shows: only keep the parts still in play
        return self.compositors[index]

    def paint(self, t: float, features: dict[int, dict] | None = None) -> pygame.Surface:
        picture = self._paint_canvas(t, features)
        if self.view is None or self.screen is None:
            return picture
        # this screen's part of the canvas, copied into a plain surface (not a subsurface), so
        # it encodes as fast as a whole frame
        self.screen.blit(picture, (0, 0), self.view.rect)
        return self.screen

    def _paint_canvas(self, t: float, features: dict[int, dict] | None) -> pygame.Surface:
        layers = []
        for index, part, weight in self.program.active(t):
            image = self.compositor(index).render(
                part.plan.scene_time(t), (features or {}).get(index)
            )
            layers.append((image, weight, part.plan.brightness))
        if not layers:
            self.canvas.fill((0, 0, 0))
            return self.canvas
        return blend_parts(self.canvas, layers)
