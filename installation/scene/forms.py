"""The value grammar's modulation forms, declared once: the parser reads YAML by these
declarations and the JSON Schema is written from them, so the two cannot disagree.

A form is a mapping named by its first key (``lfo``, ``noise``, ``keys``, ``follow``); each of
its keys is a :class:`Key`: what it holds, its bounds, its default, and how a message names it.
Only one rule is beyond JSON Schema and lives in the parser alone: key times must not go
backwards (``tests/test_grammar.py`` lists it as the schema's one known gap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from installation.scene.errors import ItemError, did_you_mean, item_path

__all__ = ["BANDS", "EASES", "FORMS", "LFO_SHAPES", "Key", "form_schemas", "read_form", "show_raw"]

LFO_SHAPES = ("sine", "triangle", "saw", "square")
EASES = ("linear", "in", "out", "in-out", "step")
BANDS = ("rms", "low", "mid", "high")


@dataclass(frozen=True)
class Key:
    name: str
    kind: str  # number, choice, flag, text, range, keys, follow
    what: str = ""  # how messages name it ("noise speed"); the key's name if empty
    choices: tuple[str, ...] = ()
    above: float | None = None  # exclusive lower bound
    at_most: float | None = None  # inclusive upper bound
    unit: str = ""
    default: Any = None
    required: bool = False
    example: Any = None  # a valid value, for the schema and its test

    @property
    def label(self) -> str:
        return self.what or self.name


RANGE = Key("range", "range", example=[0.2, 0.8])
FOLLOW_KEYS = (
    Key("voice", "text", "follow voice", default="master", example="pad"),
    Key("band", "choice", choices=BANDS, default="rms", example="low"),
    Key("amount", "number", default=1.0, example=0.5),
)
FORMS: dict[str, tuple[Key, ...]] = {
    "lfo": (
        Key("lfo", "choice", "lfo shape", LFO_SHAPES, required=True, example="sine"),
        Key("period", "number", above=0, unit=" seconds", default=8.0, example=16),
        RANGE,
        Key("phase", "number", default=0.0, example=0.25),
    ),
    "noise": (
        Key("noise", "number", "noise speed", above=0, at_most=100, required=True, example=0.05),
        RANGE,
    ),
    "keys": (
        Key("keys", "keys", required=True, example=[[0, 0.2], [30, 0.8]]),
        Key("ease", "choice", choices=EASES, default="linear", example="in-out"),
        Key("loop", "flag", default=False, example=False),
    ),
    "follow": (
        Key("follow", "follow", required=True, example={"voice": "pad", "band": "rms"}),
        RANGE,
    ),
}


def show_raw(raw: Any) -> str:
    """A YAML value as a message shows it."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if raw is None:
        return "nothing (null)"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    return repr(raw)


def _fmt(x: float) -> str:
    return f"{x:g}"


def number(raw: Any, what: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{what} must be a number, got {show_raw(raw)}")
    if not math.isfinite(raw):
        raise ValueError(f"{what} must be a finite number, got {raw}")
    return float(raw)


def _check_keys(raw: dict[str, Any], keys: tuple[Key, ...], where: str) -> None:
    names = [k.name for k in keys]
    unknown = sorted(set(raw) - set(names), key=str)
    if unknown:
        raise ValueError(
            f"unknown key {show_raw(unknown[0])} in {where}{did_you_mean(str(unknown[0]), names)}"
        )


def _read_key(key: Key, raw: Any) -> Any:
    if key.kind == "number":
        x = number(raw, key.label)
        low_ok = key.above is None or x > key.above
        high_ok = key.at_most is None or x <= key.at_most
        if not (low_ok and high_ok):
            parts = []
            if key.above is not None:
                parts.append(f"above {_fmt(key.above)}")
            if key.at_most is not None:
                parts.append(f"at most {_fmt(key.at_most)}")
            bounds = " and ".join(parts)
            raise ValueError(f"{key.label} must be {bounds}{key.unit}, got {_fmt(x)}")
        return x
    if key.kind == "choice":
        if raw not in key.choices:
            hint = did_you_mean(str(raw), key.choices)
            raise ValueError(
                f"unknown {key.label} {show_raw(raw)}{hint}; one of {', '.join(key.choices)}"
            )
        return raw
    if key.kind == "flag":
        if not isinstance(raw, bool):
            raise ValueError(f"'{key.name}' must be true or false, got {show_raw(raw)}")
        return raw
    if key.kind == "text":
        if not isinstance(raw, str):
            raise ValueError(f"{key.label} must be a name, got {show_raw(raw)}")
        return raw
    if key.kind == "range":
        if not isinstance(raw, list) or len(raw) != 2:
            raise ValueError(f"'range' must be a list of two numbers, got {show_raw(raw)}")
        return number(raw[0], "range"), number(raw[1], "range")
    if key.kind == "keys":
        if not isinstance(raw, list) or not raw:
            raise ValueError(
                "'keys' must be a list of [time, value] pairs, like [[0, 0.2], [30, 0.8]]"
            )
        points = []
        for j, item in enumerate(raw):
            if not isinstance(item, list) or len(item) != 2:
                raise ItemError(f"each key must be [time, value], got {show_raw(item)}", (j,))
            try:
                points.append((number(item[0], "key time"), number(item[1], "key value")))
            except ValueError as err:
                raise ItemError(str(err), (j,)) from None
            if j and points[j][0] < points[j - 1][0]:  # beyond JSON Schema
                raise ItemError("key times must not go backwards", (j, 0))
        return tuple(points)
    if key.kind == "follow":
        if not isinstance(raw, dict):
            raise ValueError("'follow' takes a mapping: {voice: pad, band: rms, amount: 1}")
        _check_keys(raw, FOLLOW_KEYS, "follow")
        return {k.name: _read_key(k, raw[k.name]) if k.name in raw else k.default
                for k in FOLLOW_KEYS}  # fmt: skip
    raise AssertionError(key.kind)


def read_form(form: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The keys of modulation ``form`` read from ``raw``: checked, defaults filled in (a
    ``range`` left out stays None: the parameter's own range applies)."""
    keys = FORMS[form]
    _check_keys(raw, keys, form)
    return {k.name: _read_located(k, raw[k.name]) if k.name in raw else k.default for k in keys}


def _read_located(key: Key, raw: Any) -> Any:
    """``_read_key``, its mistakes pointed at the key's value (or the item in it)."""
    try:
        return _read_key(key, raw)
    except ValueError as err:
        raise ItemError(str(err), (key.name, *item_path(err))) from None


# -- the schema, from the same declarations ---------------------------------------------------
_RANGE_SCHEMA = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


def _key_schema(key: Key) -> dict[str, Any]:
    if key.kind == "number":
        out: dict[str, Any] = {"type": "number"}
        if key.above is not None:
            out["exclusiveMinimum"] = key.above
        if key.at_most is not None:
            out["maximum"] = key.at_most
        return out
    if key.kind == "choice":
        return {"enum": list(key.choices)}
    if key.kind == "flag":
        return {"type": "boolean"}
    if key.kind == "text":
        return {"type": "string"}
    if key.kind == "range":
        return dict(_RANGE_SCHEMA)
    if key.kind == "keys":
        return {"type": "array", "items": dict(_RANGE_SCHEMA), "minItems": 1}
    if key.kind == "follow":
        return _object(FOLLOW_KEYS)
    raise AssertionError(key.kind)


def _object(keys: tuple[Key, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {k.name: _key_schema(k) for k in keys},
        "additionalProperties": False,
    }
    required = [k.name for k in keys if k.required]
    if required:
        out["required"] = required
    return out


def form_schemas() -> list[dict[str, Any]]:
    """One JSON Schema per modulation form, in ``FORMS`` order."""
    return [_object(keys) for keys in FORMS.values()]


def form_example(form: str) -> dict[str, Any]:
    """A valid instance of ``form`` with every key given."""
    return {k.name: k.example for k in FORMS[form]}
