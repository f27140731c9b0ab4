"""The scene model: what a validated scene file is, and the header's own fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from installation.clock import Clock, ColourTrack, Track
from installation.scene.camera import AtmosphereParams, LensParams, LightParams
from installation.scene.errors import Problem
from installation.scene.palettes import Colour
from installation.scene.params import OneColourField, Params

__all__ = ["Entry", "Scene", "SceneHeader"]

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_DURATION = 7 * 24 * 3600.0


class SceneHeader(Params):
    """Top-level keys. Sections are checked by their own models; here they are only shapes."""

    scene: str = Field(pattern=KEBAB, description="id, kebab-case, equal to the file's stem")
    title: str = Field("", description="a human title")
    duration: float | None = Field(
        None, gt=0, le=MAX_DURATION, description="seconds; leave out for an endless scene"
    )
    loop: float | None = Field(
        None, gt=0, le=MAX_DURATION, description="the timeline starts again every this many seconds"
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="every random choice derives from it")
    palette: str | list[OneColourField] = Field("her", description="a named palette or colours")
    tempo: float = Field(66.0, ge=20, le=240, description="beats per minute, for light and sound")
    beats_per_bar: int = Field(4, ge=1, le=16, description="beats in a bar")
    visuals: list[Any] = Field(default_factory=list, description="layers, painted bottom to top")
    post: dict[str, Any] = Field(default_factory=dict, description="post effects")
    sound: dict[str, Any] | None = Field(None, description="key, mode, voices, master")
    timeline: list[Any] = Field(default_factory=list, description="changes and cues over time")
    lens: LensParams | None = Field(
        None, description="focus and aperture: what lies off the focus is blurred by its depth"
    )
    light: LightParams | None = Field(
        None, description="the key light: rims on the side facing it, shadows away from it"
    )
    atmosphere: AtmosphereParams | None = Field(
        None, description="how far one sees: things fade toward the air's colour with depth"
    )


class TimelineEvent(Params):
    at: float = Field(ge=0, le=MAX_DURATION, description="seconds from the scene's start")
    ramp: float = Field(0.0, ge=0, le=3600, description="seconds to glide to the new values")
    set: dict[str, Any] | None = Field(None, description="parameter address: new value")
    cue: str | None = Field(None, pattern=KEBAB, description="an event layers and voices answer")


@dataclass
class Entry:
    """A layer, post effect or voice of a scene: its registry name, address and parameters."""

    kind: str  # registry name, e.g. 'bokeh'
    address: str  # what the timeline calls it, e.g. 'bokeh', 'bokeh-2', 'post.bloom'
    params: BaseModel
    #: the timeline's track of each parameter it changes (numbers) or glides (colours)
    tracks: dict[str, Track | ColourTrack] = field(default_factory=dict)
    #: where it is written in its file: ('visuals', 2), ('post', 'bloom'), ('sound', 'voices', 0)
    where: tuple[str | int, ...] = ()


@dataclass
class Scene:
    path: str
    id: str
    title: str
    duration: float | None
    seed: int
    palette: tuple[Colour, ...]
    clock: Clock
    layers: list[Entry]
    post: list[Entry]
    sound: Any | None  # SoundParams; None for a silent scene
    voices: list[Entry] = field(default_factory=list)
    master: Entry | None = None  # the master bus's parameters and their timeline tracks
    #: silent mistakes (``scene.lint``): the scene plays, but perhaps not as meant
    warnings: tuple[Problem, ...] = ()
    #: the text it was read from: what another process (the live sound) rebuilds it from
    source: str = ""
    #: what its sound is made of, as canonical JSON, nothing visual: the loudness calibration's
    #: key (``installation.sound.loudness.scene_key``)
    sound_identity: str = ""
    #: the camera's sections (``scene.camera``), each with its timeline tracks; None: not written
    lens: Entry | None = None
    light: Entry | None = None
    atmosphere: Entry | None = None
