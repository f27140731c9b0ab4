"""What a render plays: one scene, or a show laid out on the output's timeline with crossfades.

A *part* is one scene's stretch of the output. Output time ``T`` maps to each active part's own
scene time and a weight (its share of a crossfade). The picture of a frame blends the active
parts by weight; the sound mixes their graphs, each with a fader that follows the same weight,
all on one manual pyo server (pyo allows one server per process), exactly ``sr / fps`` samples
per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pygame

from installation.play.show import is_show_file, load_show
from installation.scene.loader import load_scene
from installation.scene.models import Scene
from installation.visuals.compositor import Compositor

__all__ = ["FramePainter", "Part", "Program", "load_program"]


@dataclass
class Part:
    scene: Scene
    begin: float  # output time at which it starts (fading in)
    length: float  # seconds it lasts, fades included (inf: to the end)
    fade_in: float = 0.0
    fade_out: float = 0.0

    @property
    def end(self) -> float:
        return self.begin + self.length

    def weight(self, t: float) -> float:
        """Share of the output at time ``t`` (0 outside, smooth over the fades)."""
        if not self.begin <= t < self.end:
            return 0.0
        u = 1.0
        if self.fade_in > 0:
            u = min(u, (t - self.begin) / self.fade_in)
        if self.fade_out > 0 and math.isfinite(self.end):
            u = min(u, (self.end - t) / self.fade_out)
        u = max(0.0, min(1.0, u))
        return u * u * (3 - 2 * u)


@dataclass
class Program:
    name: str
    parts: list[Part]

    def active(self, t: float) -> list[tuple[int, Part, float]]:
        return [(i, p, p.weight(t)) for i, p in enumerate(self.parts) if p.weight(t) > 0.0]

    @property
    def has_sound(self) -> bool:
        return any(p.scene.sound is not None for p in self.parts)


def load_program(path: Path, until: float) -> Program:
    """A scene, or a show laid out far enough to cover ``until`` seconds of output."""
    if not is_show_file(path):
        return Program(path.stem, [Part(load_scene(path), 0.0, math.inf)])
    show = load_show(path)
    parts: list[Part] = []
    t, index = 0.0, 0
    while t < until:
        item = show.item(index)
        fade = min(show.crossfade, item.seconds / 2)
        parts.append(Part(load_scene(item.path), t, item.seconds, fade if index else 0.0, fade))
        t += item.seconds - fade
        index += 1
    return Program(show.id, parts)


class FramePainter:
    """Blends the picture of a program's active parts at output time ``t``."""

    def __init__(self, program: Program, size: tuple[int, int]):
        self.program = program
        self.size = size
        self.compositors: dict[int, Compositor] = {}
        self.canvas = pygame.Surface(size, 0, 32)

    def compositor(self, index: int) -> Compositor:
        if index not in self.compositors:
            self.compositors[index] = Compositor(self.program.parts[index].scene, self.size)
            for old in [k for k in self.compositors if k < index - 1]:
                del self.compositors[old]  # long shows: only keep the parts still in play
        return self.compositors[index]

    def paint(self, t: float, features: dict[int, dict] | None = None) -> pygame.Surface:
        active = self.program.active(t)
        if len(active) == 1:
            index, part, _ = active[0]
            return self.compositor(index).render(t - part.begin, (features or {}).get(index))
        self.canvas.fill((0, 0, 0))
        for index, part, weight in active:  # earlier parts first, the incoming one over them
            image = self.compositor(index).render(t - part.begin, (features or {}).get(index))
            image.set_alpha(round(255 * weight) if index != active[0][0] else None)
            self.canvas.blit(image, (0, 0))
            image.set_alpha(None)
        return self.canvas
