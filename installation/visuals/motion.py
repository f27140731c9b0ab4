"""Rates that move things: the shared half of layers and post effects that drift or flow.

A parameter in units per second (a drift in px/s, a speed in cycles per second) moves things by
its integral over the picture's time (``clock.Motion``), never by ``rate * t``: ramping a speed
changes how fast things go, never where they are, and never makes them run backwards. In a
looping scene the distance is landed on a whole number of the pattern's periods per loop.
"""

from __future__ import annotations

from typing import Any

from installation.clock import Clock, Motion, Track, landed
from installation.scene.values import Const, Value, smooth_noise
from installation.visuals.frame import Frame

__all__ = ["Moving"]


class Moving:
    """Mixed into ``Layer`` and ``PostEffect``: needs ``params``, ``tracks`` and ``seed``."""

    params: Any
    tracks: dict[str, Track]
    _motions: dict[str, Motion]

    def motion(self, frame: Frame, param: str) -> Motion:
        """The integral of rate ``param`` over the picture's time."""
        return self.motion_on(frame.clock, param)

    def motion_on(self, clock: Clock, param: str) -> Motion:
        motions = self.__dict__.setdefault("_motions", {})
        motion = motions.get(param)
        if motion is None or motion.clock is not clock:
            track = self.tracks.get(param)
            if track is None:  # a plain number field, or a layer made without a scene
                value = getattr(self.params, param)
                track = Track(value if isinstance(value, Value) else Const(float(value)))
            motion = motions[param] = Motion(track, clock)
        return motion

    def travel(
        self, frame: Frame, param: str, period: float | None = None, scale: float = 1.0
    ) -> float:
        """How far rate ``param`` (times ``scale``) has carried things by this frame. With
        ``period`` (a strip's width, a wave's cycle), in a loop the distance lands on a whole
        number of periods per loop, and the result is taken modulo ``period``."""
        motion = self.motion(frame, param)
        distance = motion.distance(frame.t) * scale
        if period is None:
            return distance
        per_loop = motion.per_loop()
        return landed(distance, per_loop and per_loop * scale, period) % period

    def wander(self, frame: Frame, param: str, seed: int, scale: float = 1.0) -> float:
        """Smooth noise in [0, 1] that moves along at rate ``param`` (times ``scale``) cells a
        second; in a loop a whole number of cells passes and the lattice wraps."""
        motion = self.motion(frame, param)
        per_loop = motion.per_loop()
        x = motion.distance(frame.t) * scale
        if not per_loop:
            return smooth_noise(seed, x)
        cells = abs(round(per_loop * scale)) or 1
        return smooth_noise(seed, landed(x, per_loop * scale, 1.0), cells)
