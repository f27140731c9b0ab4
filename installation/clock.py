"""One clock for light and sound: seconds to beats and bars, timeline ramps, cues and motion.

Everything here is a pure function of time: the player feeds its clock, the renderer feeds
``frame / fps``, and both get the same values for the same time. In a scene with ``loop: L``
the picture reads the time into the current loop (see :class:`Moment`), so it repeats exactly;
the music reads the scene's own time, so it goes on without repeating.
"""

from __future__ import annotations

import bisect
import itertools
import math
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from installation.colour import mix_oklab

__all__ = [
    "Change",
    "Clock",
    "ColourChange",
    "ColourTrack",
    "Cue",
    "Moment",
    "Motion",
    "Timed",
    "Track",
    "ease",
    "fit_rate",
    "fit_rates",
    "landed",
    "loop_travel",
]


@dataclass(frozen=True)
class Moment:
    """What a frame is a function of, apart from the scene and its seed: one time for all.

    ``t`` is the time every value form, track, cue and layer reads. In a scene with ``loop: L``
    it is the time into the current loop (0 <= t < L, starting again at L), so whatever is
    drawn from it repeats exactly every loop; otherwise it is seconds since the scene began.
    """

    t: float
    beat: float = 0.0
    bar: float = 0.0
    features: Mapping[str, Mapping[str, float]] = field(default_factory=dict, compare=False)
    #: the scene's loop length in seconds (None: it runs once); periodic forms fit it
    loop: float | None = None

    @property
    def env(self) -> dict[str, float]:
        return {"t": self.t, "beat": self.beat, "bar": self.bar}

    def feature(self, voice: str, band: str) -> float:
        return float(self.features.get(voice, {}).get(band, 0.0))


def fit_rate(rate: float, loop: float | None) -> float:
    """``rate`` (cycles per second) nudged so that a whole number of cycles fills ``loop``.

    Every periodic thing in a looping scene runs at a fitted rate, so the picture at the end of
    a loop meets the picture at its start: a 16 s LFO in a 180 s loop runs 11 cycles of 16.36 s.
    """
    if not loop or rate == 0:
        return rate
    cycles = round(abs(rate) * loop) or 1
    return math.copysign(cycles / loop, rate)


def fit_rates(rates: np.ndarray, loop: float | None) -> np.ndarray:
    """:func:`fit_rate` for an array of rates (per-sprite twinkles and bobs)."""
    if not loop:
        return rates
    cycles = np.maximum(np.rint(np.abs(rates) * loop), 1.0)
    out: np.ndarray = np.copysign(cycles / loop, rates)
    return out


def ease(kind: str, u: float) -> float:
    """Map progress ``u`` in [0, 1] through an easing curve."""
    u = 0.0 if u < 0 else 1.0 if u > 1 else u
    if kind == "in":
        return u * u
    if kind == "out":
        return 1 - (1 - u) * (1 - u)
    if kind == "in-out":
        return u * u * (3 - 2 * u)
    if kind == "step":
        return 0.0 if u < 1 else 1.0
    return u


class Timed(Protocol):
    """What the clock needs of a value (the scene format's ``Value`` is one): its number at a
    moment, and enough about its shape to integrate it exactly. The clock imports nothing of
    the scene format; the scene format builds clocks and tracks from its values."""

    @property
    def constant(self) -> bool: ...

    def at(self, m: Moment) -> float: ...

    def bind(self, seed: int) -> Timed: ...

    def sampling_step(self) -> float:
        """Seconds between samples that follow its fastest wiggle (inf: it has none)."""
        ...

    def breakpoints(self) -> set[float]:
        """Times where its formula changes (keys passed), for exact integration."""
        ...


@dataclass(frozen=True)
class Change:
    """At ``at`` seconds, glide over ``ramp`` seconds (eased in-out) to ``value``."""

    at: float
    ramp: float
    value: Timed


@dataclass(frozen=True)
class Track:
    """A parameter's written value followed by the timeline's changes to it, in time order."""

    base: Timed
    changes: tuple[Change, ...] = ()

    def at(self, m: Moment) -> float:
        x = self.base.at(m)
        t = m.t
        for change in self.changes:
            if t < change.at:
                break
            u = 1.0 if change.ramp <= 0 else (t - change.at) / change.ramp
            target = change.value.at(m)
            x = target if u >= 1 else x + (target - x) * ease("in-out", u)
        return x


GLIDE_STEPS = 4  # colour steps a second during a glide


@dataclass(frozen=True)
class ColourChange:
    """At ``at`` seconds, glide over ``ramp`` seconds (eased in-out) to the colour ``value``."""

    at: float
    ramp: float
    value: tuple[int, int, int]


@dataclass(frozen=True)
class ColourTrack:
    """A colour as written followed by the timeline's changes to it. Colours glide in OKLab,
    so a ramp from coral to violet passes through rose and keeps its lightness even. They step
    GLIDE_STEPS times a second, all together, in whole sRGB levels: a sky whose three colours
    glide is redrawn four times a second, not every frame (each step is a level or two: unseen)."""

    base: tuple[int, int, int]
    changes: tuple[ColourChange, ...] = ()

    def at(self, m: Moment) -> tuple[int, int, int]:
        x: tuple[float, ...] = self.base
        t = math.floor(m.t * GLIDE_STEPS) / GLIDE_STEPS
        for change in self.changes:
            if m.t < change.at:
                break
            u = 1.0 if change.ramp <= 0 else max(0.0, t - change.at) / change.ramp
            x = change.value if u >= 1 else mix_oklab(x, change.value, ease("in-out", u))
        r, g, b = (max(0, min(255, round(c))) for c in x)
        return r, g, b


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

    def loop_time(self, t: float) -> float:
        """Seconds since the scene began → the time the picture reads (into the loop)."""
        if not self.loop:
            return t
        # rounded to a microsecond so that t and t + k*loop land on the same float
        return round(t % self.loop, 6) % self.loop

    def moment(self, t: float, features: Mapping[str, Mapping[str, float]] | None = None) -> Moment:
        """The moment ``t`` seconds after the scene began, as every layer and value sees it."""
        return self.moment_in_loop(self.loop_time(t), features)

    def moment_in_loop(
        self, t: float, features: Mapping[str, Mapping[str, float]] | None = None
    ) -> Moment:
        beat = t * self.tempo / 60.0
        return Moment(t, beat, beat / self.beats_per_bar, features or {}, self.loop)

    def seconds_per_beat(self) -> float:
        return 60.0 / self.tempo

    def bar_at(self, t: float) -> float:
        """Bars since the scene began: the music's count, which never starts again."""
        return t * self.tempo / 60.0 / self.beats_per_bar

    def since_cue(self, name: str, t: float) -> float:
        """Seconds since the latest cue called ``name`` at or before ``t`` (picture time); inf
        if none yet. In a loop the last cue of the loop also precedes its start, every time."""
        times = [c.at for c in self.cues if c.name == name]
        if not times:
            return math.inf
        i = bisect.bisect_right(times, t)
        if i:
            return t - times[i - 1]
        return t + self.loop - times[-1] if self.loop else math.inf

    def cues_between(self, t0: float, t1: float) -> list[Cue]:
        """Cues at times in [t0, t1), repeated every ``loop`` seconds when the timeline loops."""
        if not self.loop:
            return [c for c in self.cues if t0 <= c.at < t1]
        found = []
        first = math.floor(t0 / self.loop)
        for cycle in range(first, math.floor(t1 / self.loop) + 1):
            found += [c for c in self.cues if t0 <= cycle * self.loop + c.at < t1]
        return found


# 4-point Gauss-Legendre on [0, 1]: exact for polynomials up to degree 7, so for constants,
# keys and ramps (eases are cubic at most, keys times an ease degree 6) between breakpoints
_GL_NODES = (0.0694318442029737, 0.3300094782075719, 0.6699905217924281, 0.9305681557970263)
_GL_WEIGHTS = (0.1739274225851269, 0.3260725774148731, 0.3260725774148731, 0.1739274225851269)
#: the integral is tabulated every this many seconds; a frame integrates only past the last knot
KNOT = 4.0


class _Midway(Mapping[str, Mapping[str, float]]):
    """Audio features at half level for every voice and band: what a rate that follows the
    sound is integrated with, so that where a thing is never depends on sound already played."""

    def __getitem__(self, voice: str) -> Mapping[str, float]:
        return _HALF

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_HALF: Mapping[str, float] = {"rms": 0.5, "low": 0.5, "mid": 0.5, "high": 0.5}


class Motion:
    """How far a rate has carried something: the integral of a track over the picture's time.

    A drift of 6 px/s ramped to 30 moves by the area under its curve, never by 30 * t, so a
    ramp never makes motion jump or run backwards. Constants, keys and ramps integrate exactly
    (Gauss-Legendre between their breakpoints); LFOs, noise and expressions are sampled finely
    enough to follow them, on a fixed grid, so the result is the same on every run.
    """

    def __init__(self, track: Track, clock: Clock):
        self.track = track
        self.clock = clock
        self.breaks = sorted(_breakpoints(track))
        self.step = min([KNOT, *(v.sampling_step() for v in _values(track))])
        self.end = self.breaks[-1] if self.breaks else 0.0  # after it, only the last value
        self._table = array("d", [0.0])  # the integral at every KNOT seconds
        tail = track.changes[-1].value if track.changes else track.base
        self._tail = tail.at(Moment(0.0)) if tail.constant else None

    def rate(self, t: float) -> float:
        return self.track.at(self.clock.moment_in_loop(t, _Midway()))

    def distance(self, t: float) -> float:
        """The integral of the rate from 0 to picture time ``t``."""
        if self._tail is not None and t > self.end + KNOT:
            start = math.floor(self.end / KNOT + 1) * KNOT  # a constant tail: closed form
            return self._distance(start) + self._tail * (t - start)
        return self._distance(t)

    def per_loop(self) -> float | None:
        """The distance over one whole loop; None when the scene does not loop."""
        return self._distance(self.clock.loop) if self.clock.loop else None

    def _distance(self, t: float) -> float:
        k = int(t // KNOT)
        table = self._table
        while len(table) <= k:
            j = len(table) - 1
            table.append(table[j] + self._quad(j * KNOT, (j + 1) * KNOT))
        return table[k] + self._quad(k * KNOT, t)

    def _quad(self, a: float, b: float) -> float:
        if b <= a:
            return 0.0
        cuts = [a, *(x for x in self.breaks if a < x < b), b]
        total = 0.0
        for lo, hi in itertools.pairwise(cuts):
            pieces = max(1, math.ceil((hi - lo) / self.step - 1e-9))
            width = (hi - lo) / pieces
            for p in range(pieces):
                x0 = lo + p * width
                total += width * sum(
                    w * self.rate(x0 + n * width)
                    for n, w in zip(_GL_NODES, _GL_WEIGHTS, strict=True)
                )
        return total


def landed(distance: float, per_loop: float | None, period: float) -> float:
    """``distance`` stretched so that one loop moves a whole number of ``period`` s.

    A strip that wraps every ``period`` pixels and moves ``per_loop`` pixels a loop is back
    where it began only if ``per_loop`` is a whole number of periods: the speed is scaled by
    the least it takes (never to zero: a moving thing moves at least one period a loop).
    """
    if not per_loop:
        return distance
    return distance * _laps(per_loop, period) * period / per_loop


def loop_travel(per_loop: float, period: float, at_least: bool = False) -> float:
    """How far a thing that would move ``per_loop`` a loop really moves, so that it is back
    where it began when the loop starts again: the nearest whole number of ``period`` s, at
    least one (:func:`landed`); with ``at_least``, ``per_loop`` itself once it is a period or
    more (a wrapping strip's width is chosen to fit it), else one period."""
    if at_least:
        return per_loop if abs(per_loop) >= period else math.copysign(period, per_loop)
    return _laps(per_loop, period) * period


def _laps(per_loop: float, period: float) -> int:
    return round(per_loop / period) or (1 if per_loop > 0 else -1)


def _values(track: Track) -> list[Timed]:
    return [track.base, *(c.value for c in track.changes)]


def _breakpoints(track: Track) -> set[float]:
    """Times where the rate's formula changes: ramps begin and end, keys are passed."""
    out: set[float] = set()
    for change in track.changes:
        out |= {change.at, change.at + change.ramp}
    for value in _values(track):
        out |= value.breakpoints()
    return {t for t in out if t > 0}
