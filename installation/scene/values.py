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
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

import numpy as np
from pydantic import PlainValidator, WithJsonSchema

from installation.scene.errors import did_you_mean
from installation.scene.expr import ExprError, compile_expr, constant_value

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

LFO_SHAPES = ("sine", "triangle", "saw", "square")
EASES = ("linear", "in", "out", "in-out", "step")
BANDS = ("rms", "low", "mid", "high")


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
    return np.copysign(cycles / loop, rates)


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


class Value(ABC):
    """A numeric parameter. ``at`` must be pure: same moment, same number."""

    constant = False

    @abstractmethod
    def at(self, m: Moment) -> float: ...

    def bind(self, seed: int) -> Value:
        """A copy that draws its randomness from ``seed`` (only noise needs one)."""
        return self

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

    def bounds_problem(self, lo: float, hi: float) -> str | None:
        if not lo <= self.value <= hi:
            got = f"'{self.text}', which is {_fmt(self.value)}" if self.text else _fmt(self.value)
            return f"must be between {_fmt(lo)} and {_fmt(hi)}, got {got}"
        return None


@dataclass(frozen=True)
class _Ranged(Value):
    lo: float
    hi: float

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


@dataclass(frozen=True)
class Noise(_Ranged):
    speed: float = 0.1
    seed: int = 0

    def at(self, m: Moment) -> float:
        return self.lo + (self.hi - self.lo) * loop_noise(self.seed, m.t, self.speed, m.loop)

    def bind(self, seed: int) -> Value:
        return replace(self, seed=seed)


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


def _number(raw: Any, what: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{what} must be a number, got {_show(raw)}")
    if not math.isfinite(raw):
        raise ValueError(f"{what} must be a finite number, got {raw}")
    return float(raw)


def _show(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "nothing (null)"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    return repr(raw)


def _range(raw: Any, default: tuple[float, float] | None) -> tuple[float, float]:
    if raw is None:
        if default is None:
            raise ValueError("needs a 'range: [low, high]'")
        return default
    if not isinstance(raw, list) or len(raw) != 2:
        raise ValueError(f"'range' must be a list of two numbers, got {_show(raw)}")
    return _number(raw[0], "range"), _number(raw[1], "range")


_FORMS = {
    "lfo": {"lfo", "period", "range", "phase"},
    "noise": {"noise", "range"},
    "keys": {"keys", "ease", "loop"},
    "follow": {"follow", "range"},
}


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
    form = next((f for f in _FORMS if f in raw), None)
    if form is None:
        raise ValueError(
            "a modulation needs one of 'lfo', 'noise', 'keys' or 'follow'"
            + did_you_mean(next(iter(raw), ""), _FORMS)
        )
    unknown = sorted(set(raw) - _FORMS[form])
    if unknown:
        raise ValueError(
            f"unknown key '{unknown[0]}' in {form}{did_you_mean(unknown[0], _FORMS[form])}"
        )
    return _PARSERS[form](raw, default_range)


def _parse_lfo(raw: dict, default_range: tuple[float, float] | None) -> Value:
    shape = raw["lfo"]
    if shape not in LFO_SHAPES:
        hint = did_you_mean(shape, LFO_SHAPES)
        raise ValueError(f"unknown lfo shape {_show(shape)}{hint}; one of {', '.join(LFO_SHAPES)}")
    period = _number(raw.get("period", 8.0), "period")
    if period <= 0:
        raise ValueError(f"period must be above 0 seconds, got {_fmt(period)}")
    lo, hi = _range(raw.get("range"), default_range)
    return Lfo(lo, hi, shape, period, _number(raw.get("phase", 0.0), "phase"))


def _parse_noise(raw: dict, default_range: tuple[float, float] | None) -> Value:
    speed = _number(raw["noise"], "noise speed")
    if not 0 < speed <= 100:
        raise ValueError(f"noise speed must be above 0 and at most 100, got {_fmt(speed)}")
    lo, hi = _range(raw.get("range"), default_range)
    return Noise(lo, hi, speed)


def _parse_keys(raw: dict, default_range: tuple[float, float] | None) -> Value:
    keys = raw["keys"]
    if not isinstance(keys, list) or not keys:
        raise ValueError("'keys' must be a list of [time, value] pairs")
    points = []
    for key in keys:
        if not isinstance(key, list) or len(key) != 2:
            raise ValueError(f"each key must be [time, value], got {_show(key)}")
        points.append((_number(key[0], "key time"), _number(key[1], "key value")))
    if any(b[0] < a[0] for a, b in itertools.pairwise(points)):
        raise ValueError("key times must not go backwards")
    kind = raw.get("ease", "linear")
    if kind not in EASES:
        raise ValueError(f"unknown ease {_show(kind)}{did_you_mean(kind, EASES)}")
    loop = raw.get("loop", False)
    if not isinstance(loop, bool):
        raise ValueError(f"'loop' must be true or false, got {_show(loop)}")
    return Keys(tuple(points), kind, loop)


def _parse_follow(raw: dict, default_range: tuple[float, float] | None) -> Value:
    spec = raw["follow"]
    if not isinstance(spec, dict):
        raise ValueError("'follow' takes a mapping: {voice: pad, band: rms, amount: 1}")
    unknown = sorted(set(spec) - {"voice", "band", "amount"})
    if unknown:
        hint = did_you_mean(unknown[0], ("voice", "band", "amount"))
        raise ValueError(f"unknown key '{unknown[0]}' in follow{hint}")
    voice = spec.get("voice", "master")
    if not isinstance(voice, str):
        raise ValueError(f"follow voice must be a name, got {_show(voice)}")
    band = spec.get("band", "rms")
    if band not in BANDS:
        raise ValueError(f"unknown band {_show(band)}{did_you_mean(band, BANDS)}")
    lo, hi = _range(raw.get("range"), default_range or (0.0, 1.0))
    return Follow(lo, hi, voice, band, _number(spec.get("amount", 1.0), "amount"))


_PARSERS = {"lfo": _parse_lfo, "noise": _parse_noise, "keys": _parse_keys, "follow": _parse_follow}


@dataclass(frozen=True)
class Bounds:
    """Metadata on a numeric field: the allowed range, used to validate and to clamp."""

    lo: float
    hi: float


def _schema(lo: float, hi: float) -> dict[str, Any]:
    rng = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    return {
        "anyOf": [
            {"type": "number", "minimum": lo, "maximum": hi},
            {"type": "string", "description": "expression of t, beat, bar"},
            {
                "type": "object",
                "properties": {
                    "lfo": {"enum": list(LFO_SHAPES)},
                    "period": {"type": "number", "exclusiveMinimum": 0},
                    "range": rng,
                    "phase": {"type": "number"},
                },
                "required": ["lfo"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"noise": {"type": "number"}, "range": rng},
                "required": ["noise"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {
                    "keys": {"type": "array", "items": rng},
                    "ease": {"enum": list(EASES)},
                    "loop": {"type": "boolean"},
                },
                "required": ["keys"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {
                    "follow": {
                        "type": "object",
                        "properties": {
                            "voice": {"type": "string"},
                            "band": {"enum": list(BANDS)},
                            "amount": {"type": "number"},
                        },
                        "additionalProperties": False,
                    },
                    "range": rng,
                },
                "required": ["follow"],
                "additionalProperties": False,
            },
        ]
    }


def Num(lo: float, hi: float) -> Any:
    """A modulatable numeric field whose values must lie in [lo, hi]."""

    def validate(raw: Any) -> Value:
        if isinstance(raw, Value):
            return raw
        value = parse_value(raw, (lo, hi))
        problem = value.bounds_problem(lo, hi)
        if problem:
            raise ValueError(problem)
        return value

    return Annotated[
        Value, PlainValidator(validate), WithJsonSchema(_schema(lo, hi)), Bounds(lo, hi)
    ]
