"""Landmark outlines: named building silhouettes kept as YAML in ``assets/landmarks/``.

Each file maps a name to a title, a list of shapes in metres (``polygon``, ``ellipse``,
``hole``) and the aircraft lamps on top. The skyline layer draws the ones a scene names among
its own towers, at one scale, so a 632 m tower stands taller than a 310 m one.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from installation.scene.assets import BUNDLED, scene_folder_now

__all__ = ["Landmark", "LandmarkField", "landmark", "landmark_names"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")
    polygon: list[tuple[float, float]] | None = Field(
        None, min_length=3, description="a filled outline: [x, y] corners in metres"
    )
    hole: list[tuple[float, float]] | None = Field(
        None, min_length=3, description="an outline cut out of the shapes before it (an arch)"
    )
    ellipse: tuple[float, float, float, float] | None = Field(
        None, description="a filled ellipse: [centre x, centre y, width, height] in metres"
    )

    @model_validator(mode="after")
    def _one(self) -> Shape:
        if sum(x is not None for x in (self.polygon, self.hole, self.ellipse)) != 1:
            raise ValueError("each shape is one of polygon:, hole: or ellipse:")
        return self


class Landmark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field("", description="the name a skyline's landmarks: list gives it")
    title: str = Field("", description="the building's name in words")
    shapes: list[Shape] = Field(
        min_length=1, description="its silhouette, x across from its centre line, y up"
    )
    lights: list[tuple[float, float]] = Field(
        default_factory=list, description="[x, y] of its aircraft-warning lights, in metres"
    )

    @property
    def height(self) -> float:
        return max(y for s in self.shapes for y in _ys(s))

    @property
    def half_width(self) -> float:
        return max(abs(x) for s in self.shapes for x in _xs(s))


def _ys(s: Shape) -> list[float]:
    if s.ellipse:
        return [s.ellipse[1] + s.ellipse[3]]
    return [y for _, y in (s.polygon or s.hole or [])]


def _xs(s: Shape) -> list[float]:
    if s.ellipse:
        return [s.ellipse[0] - s.ellipse[2], s.ellipse[0] + s.ellipse[2]]
    return [x for x, _ in (s.polygon or s.hole or [])]


def _folders() -> list[Path]:
    folder = scene_folder_now()
    places = (
        [folder / "assets" / "landmarks", folder.parent / "assets" / "landmarks"] if folder else []
    )
    return [*places, BUNDLED / "landmarks"]


@functools.lru_cache(maxsize=8)
def _library(folders: tuple[Path, ...]) -> dict[str, Landmark]:
    out: dict[str, Landmark] = {}
    for folder in reversed(folders):  # nearer folders override the bundled outlines
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise ValueError(f"{path}: a landmark file maps names to outlines")
            for name, raw in data.items():
                try:
                    out[str(name)] = Landmark.model_validate(raw)
                except ValidationError as err:
                    first = err.errors()[0]
                    where = ".".join(str(p) for p in first["loc"])
                    raise ValueError(f"{path}: '{name}' {where}: {first['msg']}") from None
    return out


def landmark_names() -> list[str]:
    return sorted(_library(tuple(_folders())))


def landmark(name: str) -> Landmark:
    """The outline called ``name``; ``ValueError`` naming those there are otherwise."""
    from installation.scene.errors import did_you_mean

    library = _library(tuple(_folders()))
    if name not in library:
        known = ", ".join(sorted(library)) or "none"
        raise ValueError(
            f"unknown landmark '{name}'{did_you_mean(name, library)} (there are: {known})"
        )
    return library[name].model_copy(update={"name": name})


def _field(raw: object) -> Landmark:
    if isinstance(raw, Landmark):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"a landmark is named, e.g. 'shanghai-tower', not {raw!r}")
    return landmark(raw)


#: a scene names a landmark; it is looked up (and its outline checked) when the scene loads
LandmarkField = Annotated[
    Landmark,
    PlainValidator(_field),
    WithJsonSchema({"type": "string", "description": "a name from assets/landmarks/*.yaml"}),
]
