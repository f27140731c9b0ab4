"""Numeric parameters: a number, or a modulation that is a pure function of the moment.

Forms accepted wherever a parameter is numeric::

    0.4                                             a constant
    {lfo: sine, period: 16, range: [0.5, 0.9], phase: 0.25}
    {noise: 0.05, range: [0.2, 0.6]}                smooth noise; speed in cycles per second
    {keys: [[0, 0.2], [30, 0.8]], ease: in-out, loop: false}
    {follow: {voice: pad, band: rms, amount: 1.0}, range: [0.5, 0.9]}
    "0.5 + 0.3*sin(t/8)"                            an expression (see expr.py)
"""

from __future__ import annotations

import itertools
import math
import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from pydantic_core import core_schema

# the moment, easing and loop fitting are time's, not the format's: they live in the clock,
# which imports nothing of the scene format (the dependency points one way), and are named here
# too because every value form reads them
from installation.clock import Moment, ease, fit_rate, fit_rates
from installation.scene.errors import ItemError, did_you_mean
from installation.scene.expr import ExprError, compile_expr, constant_value
from installation.scene.forms import (
    BANDS,
    EASES,
    FORMS,
    LFO_SHAPES,
    form_schemas,
    number,
    read_form,
    show_raw,
)

__all__ = [
    "BANDS",
    "EASES",
    "LFO_SHAPES",
    "Bounds",
    "Const",
    "Moment",
    "Num",
    "Value",
    "ease",
    "fit_rate",
    "fit_rates",
    "hash01_array",
    "loop_noise",
    "parse_value",
    "stable_seed",
]


def stable_seed(*parts: object) -> int:
    """A seed that is the same on every run and machine (Python's ``hash`` is salted)."""
    return zlib.crc32(repr(parts).encode()) & 0x7FFFFFFF


def _hash01(seed: int, i: int) -> float:
    """A float in [0, 1) from two integers: splitmix64, good enough for value noise."""
    z = (seed * 0x9E3779B97F4A7C15 + i * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & (2**64 - 1)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
    z ^= z >> 31
    return (z >> 11) / float(1 << 53)


def hash01_array(seed: int, i: np.ndarray) -> np.ndarray:
    """:func:`_hash01` for an array of integers at once (same splitmix64 steps, uint64 wrap)."""
    m = np.uint64
    with np.errstate(over="ignore"):
        z = m(seed) * m(0x9E3779B97F4A7C15) + i.astype(np.uint64) * m(0xBF58476D1CE4E5B9)
        z = z + m(0x94D049BB133111EB)
        z = (z ^ (z >> m(30))) * m(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> m(27))) * m(0x94D049BB133111EB)
        z = z ^ (z >> m(31))
    return (z >> m(11)).astype(np.float64) / float(1 << 53)


def smooth_noise(seed: int, x: float, period: int | None = None) -> float:
    """1-D value noise in [0, 1], smooth (quintic fade), two octaves for a less regular wander.

    ``period``: the lattice wraps every ``period`` units of ``x``, so the noise repeats exactly.
    The second octave is offset by half a cell so its lattice never lines up with the first.
    """
    total = 0.0
    for octave, weight in ((1, 0.7), (2, 0.3)):
        xo = x * octave + 0.5 * (octave - 1)
        i = math.floor(xo)
        u = xo - i
        u = u * u * u * (u * (u * 6 - 15) + 10)
        j = i + 1
        if period:
            i, j = i % (period * octave), j % (period * octave)
        a, b = _hash01(seed + octave * 7, i), _hash01(seed + octave * 7, j)
        total += weight * (a + (b - a) * u)
    return total


def loop_noise(seed: int, t: float, speed: float, loop: float | None) -> float:
    """:func:`smooth_noise` at ``speed`` cells per second; in a loop, a whole number of cells
    fills it and the lattice wraps, so the wander at the loop's end meets its start."""
    if not loop:
        return smooth_noise(seed, t * speed)
    cells = max(1, round(speed * loop))
    return smooth_noise(seed, t * cells / loop, cells)


class Value(ABC):
    """A numeric parameter. ``at`` must be pure: same moment, same number."""

    constant = False

    @abstractmethod
    def at(self, m: Moment) -> float: ...

    def bind(self, seed: int) -> Value:
        """A copy that draws its randomness from ``seed`` (only noise needs one)."""
        return self

    def sampling_step(self) -> float:
        """Seconds between samples that follow its fastest wiggle, for integrating a rate
        (``clock.Motion``): inf for a constant; an expression or a follower is taken as
        smooth at a quarter of a second."""
        return 0.25

    def breakpoints(self) -> set[float]:
        """Times where its formula changes (keys that do not loop)."""
        return set()

    def out_of_bounds_at(self, lo: float, hi: float) -> tuple[str | int, ...]:
        """Where, inside the value as written, it leaves [lo, hi] (for the message's column)."""
        return ()

    def bounds_problem(self, lo: float, hi: float) -> str | None:
        """A message if the value can leave [lo, hi] for sure; expressions are clamped instead."""
        return None


@dataclass(frozen=True)
class Const(Value):
    value: float
    #: the expression it was written as, if it was (``"2 * pi"``), for messages
    text: str | None = field(default=None, compare=False)
    constant = True

    def at(self, m: Moment) -> float:
        return self.value

    def sampling_step(self) -> float:
        return math.inf

    def bounds_problem(self, lo: float, hi: float) -> str | None:
        if not lo <= self.value <= hi:
            got = f"'{self.text}', which is {_fmt(self.value)}" if self.text else _fmt(self.value)
            return f"must be between {_fmt(lo)} and {_fmt(hi)}, got {got}"
        return None


@dataclass(frozen=True)
class _Ranged(Value):
    lo: float
    hi: float

    def out_of_bounds_at(self, lo: float, hi: float) -> tuple[str | int, ...]:
        return ("range", 0 if not lo <= self.lo <= hi else 1)

    def bounds_problem(self, lo: float, hi: float) -> str | None:
        if not (lo <= self.lo <= hi and lo <= self.hi <= hi):
            return (
                f"range [{_fmt(self.lo)}, {_fmt(self.hi)}] must lie between "
                f"{_fmt(lo)} and {_fmt(hi)}"
            )
        return None


@dataclass(frozen=True)
class Lfo(_Ranged):
    shape: str = "sine"
    period: float = 8.0
    phase: float = 0.0

    def at(self, m: Moment) -> float:
        u = (m.t * fit_rate(1.0 / self.period, m.loop) + self.phase) % 1.0
        if self.shape == "sine":
            w = 0.5 - 0.5 * math.cos(math.tau * u)
        elif self.shape == "triangle":
            w = 1.0 - abs(1.0 - 2.0 * u)
        elif self.shape == "saw":
            w = u
        else:
            w = 0.0 if u < 0.5 else 1.0
        return self.lo + (self.hi - self.lo) * w

    def sampling_step(self) -> float:
        return self.period / 16


@dataclass(frozen=True)
class Noise(_Ranged):
    speed: float = 0.1
    seed: int = 0

    def at(self, m: Moment) -> float:
        return self.lo + (self.hi - self.lo) * loop_noise(self.seed, m.t, self.speed, m.loop)

    def bind(self, seed: int) -> Value:
        return replace(self, seed=seed)

    def sampling_step(self) -> float:
        return 1.0 / (16 * self.speed)


@dataclass(frozen=True)
class Keys(Value):
    points: tuple[tuple[float, float], ...]
    kind: str = "linear"
    loop: bool = False

    def at(self, m: Moment) -> float:
        pts = self.points
        t = m.t
        if self.loop and pts[-1][0] > 0:
            cycle = pts[-1][0]
            t = (t * fit_rate(1.0 / cycle, m.loop)) % 1.0 * cycle
        if t <= pts[0][0]:
            return pts[0][1]
        for (t0, v0), (t1, v1) in itertools.pairwise(pts):
            if t <= t1:
                u = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
                return v0 + (v1 - v0) * ease(self.kind, u)
        return pts[-1][1]

    def sampling_step(self) -> float:
        cycle = self.points[-1][0]
        return cycle / 16 if self.loop and cycle > 0 else math.inf

    def breakpoints(self) -> set[float]:
        return set() if self.loop else {t for t, _ in self.points}

    def out_of_bounds_at(self, lo: float, hi: float) -> tuple[str | int, ...]:
        j = next((j for j, (_, v) in enumerate(self.points) if not lo <= v <= hi), 0)
        return ("keys", j, 1)

    def bounds_problem(self, lo: float, hi: float) -> str | None:
        for _, v in self.points:
            if not lo <= v <= hi:
                return f"key value {_fmt(v)} must be between {_fmt(lo)} and {_fmt(hi)}"
        return None


@dataclass(frozen=True)
class Follow(_Ranged):
    voice: str = "master"
    band: str = "rms"
    amount: float = 1.0

    def at(self, m: Moment) -> float:
        level = m.feature(self.voice, self.band) * self.amount
        level = 0.0 if level < 0 else 1.0 if level > 1 else level
        return self.lo + (self.hi - self.lo) * level


@dataclass(frozen=True)
class Expr(Value):
    text: str
    fn: Any = field(compare=False, repr=False)
    fallback: float = 0.0

    def at(self, m: Moment) -> float:
        try:
            v = self.fn(m.env)
        except (ArithmeticError, ValueError):
            return self.fallback
        return v if math.isfinite(v) else self.fallback


def _fmt(x: float) -> str:
    return f"{x:g}"


_number = number
_show = show_raw


def parse_value(raw: Any, default_range: tuple[float, float] | None = None) -> Value:
    """Turn YAML data into a :class:`Value`; raise ``ValueError`` with a readable message."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Const(_number(raw, "the value"))
    if isinstance(raw, str):
        try:
            fn = compile_expr(raw)
            constant = constant_value(raw, fn)
        except ExprError as err:
            raise ValueError(str(err)) from None
        return Expr(raw, fn) if constant is None else Const(constant, raw)
    if not isinstance(raw, dict):
        raise ValueError(f"expected a number, a modulation or an expression, got {_show(raw)}")
    form = next((f for f in FORMS if f in raw), None)
    if form is None:
        raise ValueError(
            "a modulation needs one of 'lfo', 'noise', 'keys' or 'follow'"
            + did_you_mean(str(next(iter(raw), "")), FORMS)
        )
    keys = read_form(form, raw)
    if form == "keys":
        return Keys(keys["keys"], keys["ease"], keys["loop"])
    span: tuple[float, float] | None = keys["range"] or default_range
    if span is None and form == "follow":
        span = (0.0, 1.0)
    if span is None:
        raise ValueError("needs a 'range: [low, high]'")
    lo, hi = span
    if form == "lfo":
        return Lfo(lo, hi, keys["lfo"], keys["period"], keys["phase"])
    if form == "noise":
        return Noise(lo, hi, keys["noise"])
    follow = keys["follow"]
    return Follow(lo, hi, follow["voice"], follow["band"], follow["amount"])


@dataclass(frozen=True)
class Bounds:
    """Metadata on a numeric field: the allowed range, used to validate and to clamp."""

    lo: float
    hi: float


def _schema(lo: float, hi: float) -> dict[str, Any]:
    """A numeric parameter's JSON Schema: the number in range, an expression, or a form."""
    return {
        "anyOf": [
            {"type": "number", "minimum": lo, "maximum": hi},
            {"type": "string", "description": "expression of t, beat, bar"},
            *form_schemas(),
        ]
    }


@dataclass(frozen=True)
class Num(Bounds):
    """A modulatable number in [lo, hi], written ``density: Annotated[float, Num(0, 1)]``.

    As written in a scene the field holds a :class:`Value` (a number, a modulation, an
    expression); the values a layer, effect or voice receives each frame (``evaluate``) hold
    the float it comes to at that moment, which is the type the annotation gives it.
    """

    def validate(self, raw: Any) -> Value:
        if isinstance(raw, Value):
            return raw
        value = parse_value(raw, (self.lo, self.hi))
        problem = value.bounds_problem(self.lo, self.hi)
        if problem:
            where = value.out_of_bounds_at(self.lo, self.hi) if isinstance(raw, dict) else ()
            raise ItemError(problem, where)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return _schema(self.lo, self.hi)
