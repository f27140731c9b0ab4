"""The base of every parameter model (layers, post effects, voices) and shared field types."""

from __future__ import annotations

import functools
import itertools
import logging
import typing
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from installation.clock import ColourChange, ColourTrack
from installation.scene.errors import ItemError
from installation.scene.palettes import COLOURS, Colour, parse_colour
from installation.scene.values import Bounds, Moment, Value

log = logging.getLogger("installation.scene")

__all__ = [
    "ColourField",
    "OneColourField",
    "Pair",
    "Params",
    "bounds_of",
    "colour_paths",
    "evaluate",
    "numeric_paths",
]


class Params(BaseModel):
    """Strict: no unknown keys, no strings where numbers belong, no NaN, defaults validated."""

    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, validate_default=True, frozen=True
    )
    #: colour fields drawn once when the scene starts (baked into strips or sprites): the
    #: timeline refuses to glide them rather than accept a change that would never show
    baked: typing.ClassVar[tuple[str, ...]] = ()

    @field_validator("*")
    @classmethod
    def _baked_colours_hold_still(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, ColourTrack) and info.field_name in cls.baked:
            raise ValueError(
                "is drawn once when the scene starts and cannot change over time: give it one "
                "colour (keys glide the colours that are redrawn, like a sky's)"
            )
        return value


# YAML has lists, not tuples; strict models would refuse a list for a tuple field.
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]


KEYS_SHAPE = "[[0, rose-dust], [90, dusk-blue]]"


def _colour(raw: Any) -> Colour | ColourTrack:
    if isinstance(raw, ColourTrack):
        return raw
    if isinstance(raw, dict):
        return colour_keys(raw)
    return _one_colour(raw)


def colour_keys(raw: dict[str, Any]) -> ColourTrack:
    """``{keys: [[time, colour], ...]}``: the colour glides from key to key (eased, in OKLab),
    holding the first before it and the last after it."""
    if list(raw) != ["keys"]:
        raise ValueError(f"a colour that changes is written {{keys: {KEYS_SHAPE}}}")
    keys = raw["keys"]
    if not isinstance(keys, list) or not keys:
        raise ValueError(f"'keys' must be a list of [time, colour] pairs, like {KEYS_SHAPE}")
    points: list[tuple[float, Colour]] = []
    for j, item in enumerate(keys):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], int | float)
                and not isinstance(item[0], bool) and 0 <= item[0] < 1e6):  # fmt: skip
            raise ItemError(f"each key must be [time, colour], like [90, dusk-blue], not {item!r}",
                            ("keys", j))  # fmt: skip
        try:
            points.append((float(item[0]), parse_colour(item[1])))
        except ValueError as err:
            raise ItemError(str(err), ("keys", j, 1)) from None
        if j and points[j][0] < points[j - 1][0]:
            raise ItemError("key times must not go backwards", ("keys", j, 0))
    changes = tuple(
        ColourChange(t0, t1 - t0, colour) for (t0, _), (t1, colour) in itertools.pairwise(points)
    )
    return ColourTrack(points[0][1], changes)


_ONE_COLOUR = [{"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}, {"enum": sorted(COLOURS)}]


def _one_colour(raw: Any) -> Colour:
    return raw if isinstance(raw, tuple) else parse_colour(raw)


#: a colour in a list (lights to draw from, a palette): one colour each, no keys
_OneColourField = Annotated[
    tuple[int, int, int],
    PlainValidator(_one_colour),
    WithJsonSchema({"anyOf": _ONE_COLOUR, "description": "'#rrggbb' or a palette colour name"}),
]

_ColourField = Annotated[
    tuple[int, int, int],
    PlainValidator(_colour),
    WithJsonSchema(
        {
            "anyOf": [
                *_ONE_COLOUR,
                {
                    "type": "object",
                    "properties": {
                        "keys": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "array",
                                "prefixItems": [
                                    {"type": "number", "minimum": 0},
                                    {"anyOf": _ONE_COLOUR},
                                ],
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        }
                    },
                    "required": ["keys"],
                    "additionalProperties": False,
                },
            ],
            "description": "'#rrggbb' or a palette colour name, or {keys: [[time, colour], ...]}",
            "examples": ["coral", "#e8735a", {"keys": [[0, "rose-dust"], [90, "dusk-blue"]]}],
        }
    ),
]

if typing.TYPE_CHECKING:  # a default is written by name ("peach") and read as (r, g, b)
    ColourField = Any
    OneColourField = Any
else:
    ColourField, OneColourField = _ColourField, _OneColourField


@functools.cache
def bounds_of(model: type[BaseModel]) -> dict[str, Bounds]:
    """The ``Bounds`` of each modulatable field of a model class."""
    out = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, Bounds):
                out[name] = meta
    return out


def numeric_paths(params: BaseModel, prefix: str = "") -> dict[str, Bounds]:
    """Dotted paths of every modulatable field, nested models included (``sun.height``)."""
    out: dict[str, Bounds] = {}
    for name, bound in bounds_of(type(params)).items():
        out[prefix + name] = bound
    for name in type(params).model_fields:
        child = getattr(params, name, None)  # a stand-in (``model_construct``) may lack some
        if isinstance(child, BaseModel):
            out.update(numeric_paths(child, f"{prefix}{name}."))
    return out


def colour_paths(params: BaseModel, prefix: str = "", baked: bool = False) -> list[str]:
    """Dotted paths of every colour field the timeline may glide, nested models included (with
    ``baked``: of those it may not, because they are drawn once)."""
    out: list[str] = []
    fixed = getattr(type(params), "baked", ())
    for name, info in type(params).model_fields.items():
        child = getattr(params, name, None)
        if isinstance(child, BaseModel):
            out += colour_paths(child, f"{prefix}{name}.", baked)
        elif (name in fixed) != baked:
            continue
        elif _is_colour(info.annotation) or any(_is_colour(m) for m in info.metadata):
            out.append(prefix + name)
    return out


def _is_colour(annotation: Any) -> bool:
    """Whether a field's type is ``ColourField`` (or an optional one)."""
    if isinstance(annotation, PlainValidator):
        return annotation.func is _colour
    return any(_is_colour(a) for a in typing.get_args(annotation)) or any(
        _is_colour(m) for m in getattr(annotation, "__metadata__", ())
    )


Tracks = typing.Mapping[str, Any]


_CLAMPED: set[int] = set()  # the values whose leaving their range has been logged


def _say_clamped(value: object, path: str, x: float, b: Any, m: Moment) -> None:
    """An expression that leaves its parameter's range is held at the edge, and the log says
    so once: where (the parameter, the scene time) and what it reached."""
    if id(value) in _CLAMPED:
        return
    _CLAMPED.add(id(value))
    text = getattr(value, "text", None)
    log.warning(
        "'%s'%s left its range %g..%g at %.2f s into the scene (it reached %g): held at the "
        "edge; said once", path, f" ({text})" if text else "", b.lo, b.hi, m.t, x,
    )  # fmt: skip


M = typing.TypeVar("M", bound=BaseModel)


def evaluate(params: M, m: Moment, tracks: Tracks, prefix: str = "") -> M:
    """The values of the moment: the same model, every ``Value`` replaced by its clamped number
    at moment ``m`` (a float, as the field's annotation says) and every colour by the colour it
    is at; nested models likewise. Typed: a misspelt name is found by the type checker, and an
    unknown one raises here and now rather than drawing a wrong picture.

    ``tracks`` maps dotted paths to timeline tracks that override the written value.
    """
    out: dict[str, Any] = {}
    bounds = bounds_of(type(params))
    for name in type(params).model_fields:
        raw = getattr(params, name)
        path = prefix + name
        if isinstance(raw, Value):
            track = tracks.get(path)
            x = track.at(m) if track is not None else raw.at(m)
            b = bounds.get(name)
            if b is not None and not b.lo <= x <= b.hi:
                _say_clamped(raw if track is None else track, path, x, b, m)
                x = b.lo if not x >= b.lo else b.hi  # NaN falls to lo
            raw = x
        elif isinstance(raw, BaseModel):
            raw = evaluate(raw, m, tracks, path + ".")
        elif isinstance(raw, tuple | ColourTrack) and path in tracks:  # the timeline glides it
            raw = tracks[path].at(m)
        elif isinstance(raw, ColourTrack):  # a colour written with keys
            raw = raw.at(m)
        out[name] = raw
    return type(params).model_construct(**out)
