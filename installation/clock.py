"""One clock for light and sound: seconds to beats and bars, timeline ramps and cues.

Everything here is a pure function of time ``t``: the player feeds wall time, the renderer
feeds ``frame / fps``, and both get the same values for the same ``t``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from installation.scene.values import Moment, Value, ease

__all__ = ["Change", "Clock", "Cue", "Track"]


@dataclass(frozen=True)
class Change:
    """At ``at`` seconds, glide over ``ramp`` seconds (eased in-out) to ``value``."""

    at: float
    ramp: float
    value: Value


@dataclass(frozen=True)
class Track:
    """A parameter's written value followed by the timeline's changes to it, in time order."""

    base: Value
    changes: tuple[Change, ...] = ()

    def at(self, m: Moment) -> float:
        x = self.base.at(m)
        for change in self.changes:
            if m.t < change.at:
                break
            u = 1.0 if change.ramp <= 0 else (m.t - change.at) / change.ramp
            target = change.value.at(m)
            x = target if u >= 1 else x + (target - x) * ease("in-out", u)
        return x


@dataclass(frozen=True)
class Cue:
    at: float
    name: str


@dataclass(frozen=True)
class Clock:
    """Tempo, metre and the scene's cues."""

    tempo: float = 66.0
    beats_per_bar: int = 4
    cues: Sequence[Cue] = field(default_factory=tuple)

    def moment(self, t: float, features: Mapping[str, Mapping[str, float]] | None = None) -> Moment:
        beat = t * self.tempo / 60.0
        return Moment(t, beat, beat / self.beats_per_bar, features or {})

    def seconds_per_beat(self) -> float:
        return 60.0 / self.tempo

    def since_cue(self, name: str, t: float) -> float:
        """Seconds since the latest cue called ``name`` at or before ``t``; inf if none yet."""
        times = [c.at for c in self.cues if c.name == name]
        i = bisect.bisect_right(times, t)
        return t - times[i - 1] if i else math.inf

    def cues_between(self, t0: float, t1: float) -> list[Cue]:
        """Cues with ``t0 <= at < t1``: what a frame or an audio block must answer."""
        return [c for c in self.cues if t0 <= c.at < t1]
