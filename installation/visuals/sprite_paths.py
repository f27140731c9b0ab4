"""Where each drifting sprite (a bokeh light, a snowflake) is, seamless over a scene's loop.

A strip can land on a whole number of its widths per loop (``Layer.travel``), but sprites that
drift at many speeds cannot all do so at once without losing their parallax. So in a loop each
sprite moves by the true distance the rate has carried it since its own moment of the loop, and
at that moment (once a loop, a different one for every sprite) it is dimmed to nothing and
skips back to where its path began. Lights that fade out and in somewhere are what a city does;
what is never seen is a sprite jumping.
"""

from __future__ import annotations

import numpy as np

from installation.visuals.frame import Frame

__all__ = ["SpritePaths"]

#: seconds a sprite takes to dim to nothing before its skip (and to come back after it)
FADE = 2.5


class SpritePaths:
    def __init__(self, rng: np.random.Generator, count: int):
        #: the moment of each sprite's skip, as a share of the loop
        self.jumps = rng.random(count)
        self._at_jump: dict[tuple[str, int], np.ndarray] = {}

    def distances(self, layer, frame: Frame, param: str, n: int) -> np.ndarray | float:
        """How far rate ``param`` has carried each of the first ``n`` sprites."""
        motion = layer.motion(frame, param)
        now = motion.distance(frame.t)
        loop = frame.loop
        if not loop:
            return now
        key = (param, id(motion))
        at_jump = self._at_jump.get(key)
        if at_jump is None:  # once per scene: where the rate stood at each sprite's skip
            at_jump = np.array([motion.distance(j * loop) for j in self.jumps])
            self._at_jump = {
                key: at_jump,
                **{k: v for k, v in self._at_jump.items() if k[0] != param},
            }
        jumps = self.jumps[:n] * loop
        travelled = now - at_jump[:n]
        return np.where(frame.t < jumps, travelled + motion.per_loop(), travelled)

    def visibility(self, frame: Frame, n: int) -> np.ndarray | None:
        """Brightness factor of each sprite: 0 at its skip, 1 a fade's length away; None
        (all fully there) when the scene does not loop."""
        loop = frame.loop
        if not loop:
            return None
        gap = np.abs(frame.t - self.jumps[:n] * loop)
        gap = np.minimum(gap, loop - gap)
        u = np.clip(gap / min(FADE, loop / 8), 0.0, 1.0)
        return u * u * (3 - 2 * u)
