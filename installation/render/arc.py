"""How far a scene's light travels over its loop, and whether it ever jumps.

``travel`` is the largest CIELAB distance between the mean colours of ``moments`` frames spread
over the loop (a day's arc: golden to violet dusk is 25 or more); ``step`` is the largest
distance between a frame and the next one at 30 fps, sampled at the same moments and at every
timeline change's start and end (a flicker or a seam shows up there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from installation.colour import delta_e, mean_lab
from installation.lazy import pygame
from installation.scene.models import Scene
from installation.visuals.compositor import Compositor

__all__ = ["Arc", "colour_arc"]

FRAME = 1 / 30


@dataclass(frozen=True)
class Arc:
    scene: str
    span: float  # seconds measured: the loop, or the duration, or two minutes
    travel: float  # largest dE between the mean colours of two moments
    step: float  # largest dE between neighbouring frames
    step_at: float  # where that step is
    means: tuple[tuple[float, float, float], ...]  # mean CIELAB colour of each moment


def _mean(compositor: Compositor, t: float) -> np.ndarray:
    surface = compositor.render(t)
    pixels = pygame.surfarray.array3d(surface).astype(np.float64)
    return mean_lab(pixels)


def colour_arc(scene: Scene, moments: int = 12, size: tuple[int, int] = (192, 108)) -> Arc:
    """Measure ``scene`` at ``moments`` times over its loop (see the module's docstring)."""
    span = scene.clock.loop or scene.duration or 120.0
    compositor = Compositor(scene, size)
    times = [span * (i + 0.5) / moments for i in range(moments)]
    means = [_mean(compositor, t) for t in times]
    travel = max(delta_e(a, b) for a in means for b in means)
    seams = {0.0, span - FRAME}
    for entry in (*scene.layers, *scene.post):
        for track in entry.tracks.values():
            for change in getattr(track, "changes", ()):
                seams |= {change.at, change.at + change.ramp / 2, change.at + change.ramp}
    probes = sorted({*times, *(t for t in seams if 0 <= t < span)})
    step, step_at = 0.0, 0.0
    for t in probes:
        d = delta_e(_mean(compositor, t), _mean(compositor, t + FRAME))
        if d > step:
            step, step_at = d, t
    rounded = tuple(tuple(round(float(x), 2) for x in m) for m in means)
    return Arc(scene.id, span, travel, step, step_at, rounded)  # type: ignore[arg-type]
