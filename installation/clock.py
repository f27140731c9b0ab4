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
        tl = m.tl
        for change in self.changes:
            if tl < change.at:
                break
            u = 1.0 if change.ramp <= 0 else (tl - change.at) / change.ramp
            target = change.value.at(m)
            x = target if u >= 1 else x + (target - x) * ease("in-out", u)
        return x


@dataclass(frozen=True)
class Cue:
    at: float
    name: str


@dataclass(frozen=True)
class Clock:
    """Tempo, metre, the scene's cues and, for looping timelines, the loop's length."""

    tempo: float = 66.0
    beats_per_bar: int = 4
    cues: Sequence[Cue] = field(default_factory=tuple)
    loop: float | None = None

    def moment(self, t: float, features: Mapping[str, Mapping[str, float]] | None = None) -> Moment:
        beat = t * self.tempo / 60.0
        timeline = t % self.loop if self.loop else None
        return Moment(t, beat, beat / self.beats_per_bar, features or {}, timeline)

    def seconds_per_beat(self) -> float:
        return 60.0 / self.tempo

    def since_cue(self, name: str, t: float) -> float:
        """Seconds since the latest cue called ``name`` at or before ``t``; inf if none yet."""
        times = [c.at for c in self.cues if c.name == name]
        if not times:
            return math.inf
        if self.loop:
            cycle, tl = divmod(t, self.loop)
            i = bisect.bisect_right(times, tl)
            if i:
                return tl - times[i - 1]
            return tl + self.loop - times[-1] if cycle >= 1 else math.inf
        i = bisect.bisect_right(times, t)
        return t - times[i - 1] if i else math.inf

    def cues_between(self, t0: float, t1: float) -> list[Cue]:
        """Cues at times in [t0, t1), repeated every ``loop`` seconds when the timeline loops."""
        if not self.loop:
            return [c for c in self.cues if t0 <= c.at < t1]
        found = []
        first = math.floor(t0 / self.loop)
        for cycle in range(first, math.floor(t1 / self.loop) + 1):
            found += [c for c in self.cues if t0 <= cycle * self.loop + c.at < t1]
        return found
