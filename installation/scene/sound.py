"""The ``sound:`` section of a scene: key, mode, voices (by registry) and the master bus."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema, model_validator

from installation.registry import VOICES
from installation.scene.assets import resolve_asset
from installation.scene.params import Params
from installation.scene.values import Num

__all__ = [
    "KEYS",
    "MODES",
    "VOICES",
    "MasterParams",
    "SoundParams",
    "ThemeParams",
    "VoiceParams",
]

KEYS = (
    "C",
    "C#",
    "Db",
    "D",
    "D#",
    "Eb",
    "E",
    "F",
    "F#",
    "Gb",
    "G",
    "G#",
    "Ab",
    "A",
    "A#",
    "Bb",
    "B",
)
MODES = ("major", "minor", "lydian", "mixolydian", "dorian", "aeolian", "ionian", "pentatonic")


class VoiceParams(Params):
    """Keys every voice takes."""

    id: str | None = None
    level: Annotated[float, Num(-80, 0)] = Field(
        -18.0,
        description="level in dB before the master, -80 (silent) to 0; the master's "
        "calibration then brings the whole scene to its loudness target",
    )
    pan: Annotated[float, Num(-1, 1)] = Field(0.0, description="-1 left, 0 centre, 1 right")
    send: Annotated[float, Num(0, 1)] = Field(
        1.0, description="how much of this voice goes to the room (times the master's reverb)"
    )


ROOM_NAMES = ("small-room", "apartment", "concrete-hall", "open-air")


def _space(raw: object) -> str:
    """A bundled room's name (its impulse response in assets/rooms/), or a WAV file's path."""
    if isinstance(raw, str) and raw in ROOM_NAMES:
        return str(resolve_asset(f"assets/rooms/{raw}.wav", (".wav",)))
    if isinstance(raw, str) and not raw.lower().endswith(".wav"):
        raise ValueError(
            f"'{raw}' is not a room: use one of {', '.join(ROOM_NAMES)}, or the path of an "
            "impulse response (.wav)"
        )
    return str(resolve_asset(str(raw), (".wav",)))


Space = Annotated[
    str,
    PlainValidator(_space),
    WithJsonSchema(
        {"type": "string", "examples": list(ROOM_NAMES),
         "description": "a room: " + ", ".join(ROOM_NAMES) + ", or an impulse response .wav"}
    ),
]  # fmt: skip


class MasterParams(Params):
    reverb: Annotated[float, Num(0, 1)] = Field(
        0.4, description="share of the signal sent to the room"
    )
    space: Space = Field(
        "apartment",
        description="the room the music is heard in: its impulse response, played by a "
        "convolution reverb (small-room, apartment, concrete-hall, open-air, or a .wav)",
    )
    early: Annotated[float, Num(0, 1)] = Field(
        0.7, description="level of the room's early reflections (where the walls are)"
    )
    tail: Annotated[float, Num(0, 1)] = Field(
        1.0, description="level of the room's tail (how long it rings)"
    )
    delay: Annotated[float, Num(0, 1)] = Field(0.0, description="feedback delay send")
    loudness: float = Field(-23.0, ge=-40, le=-10, description="integrated loudness target, LUFS")
    ceiling: float = Field(-1.0, ge=-12, le=0, description="true-peak ceiling of the limiter, dBFS")
    volume: Annotated[float, Num(-60, 6)] = Field(0.0, description="master volume trim in dB")
    fade: float = Field(3.0, ge=0, le=60, description="fade in at start and out at the end, s")


class ThemeParams(Params):
    degrees: list[int] | None = Field(
        None, min_length=3, max_length=16,
        description="the melody as scale degrees, 1 the tonic (8 its octave); default: one "
        "invented from the scene's seed",
        examples=[[3, 2, 1, 2, 5, 3]],
    )  # fmt: skip
    beats: list[float] | None = Field(
        None, max_length=16, description="how long each note is, in beats"
    )
    voices: list[str] | None = Field(
        None,
        description="which voices take it in turn (ids or kinds, e.g. [piano, hum]); default: "
        "the scene's melodic voices in order",
    )

    @model_validator(mode="after")
    def _same_length(self) -> ThemeParams:
        if self.beats is not None and self.degrees is None:
            raise ValueError("'beats' needs 'degrees': the notes they are the lengths of")
        if self.degrees and self.beats and len(self.degrees) != len(self.beats):
            raise ValueError(
                f"'degrees' has {len(self.degrees)} notes and 'beats' {len(self.beats)} "
                "lengths: give one length a note"
            )
        if self.degrees and any(not 1 <= d <= 15 for d in self.degrees):
            raise ValueError("'degrees' are scale degrees from 1 (the tonic) to 15")
        if self.beats and any(not 0.125 <= b <= 16 for b in self.beats):
            raise ValueError("'beats' are note lengths from 0.125 to 16 beats")
        return self


class SoundParams(Params):
    key: Literal[KEYS] = "D"  # type: ignore[valid-type]
    mode: Literal[MODES] = "lydian"  # type: ignore[valid-type]
    form: bool = Field(
        True,
        description="shape the music over the loop: arrival, development, a peak, release "
        "(melodic voices denser and louder toward the peak)",
    )
    theme: ThemeParams | None = Field(
        default_factory=ThemeParams,
        description="a short melody that returns in each section, varied: {degrees, beats, "
        "voices}, or true (one invented from the seed, the default), or false (none)",
    )

    @model_validator(mode="before")
    @classmethod
    def _theme_switch(cls, data: object) -> object:
        """``theme: false`` is no theme, ``theme: true`` the invented one."""
        if isinstance(data, dict) and isinstance(data.get("theme"), bool):
            data = {**data, "theme": {} if data["theme"] else None}
        return data

    voices: list[dict[str, Any]] = Field(
        default_factory=list, description="voice entries: {voice: name, ...}"
    )
    master: MasterParams = Field(default_factory=MasterParams)
