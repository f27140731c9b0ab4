"""The ``sound:`` section of a scene: key, mode, voices (by registry) and the master bus."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PlainValidator, WithJsonSchema

from installation.registry import VOICES
from installation.scene.assets import resolve_asset
from installation.scene.params import Params
from installation.scene.values import Num

__all__ = ["KEYS", "MODES", "VOICES", "MasterParams", "SoundParams", "VoiceParams"]

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
    level: Num(-80, 0) = Field(-18.0, description="level in dB before the master")
    pan: Num(-1, 1) = Field(0.0, description="-1 left, 0 centre, 1 right")
    send: Num(0, 1) = Field(
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
    return str(resolve_asset(raw, (".wav",)))


Space = Annotated[
    str,
    PlainValidator(_space),
    WithJsonSchema(
        {"type": "string", "examples": list(ROOM_NAMES),
         "description": "a room: " + ", ".join(ROOM_NAMES) + ", or an impulse response .wav"}
    ),
]  # fmt: skip


class MasterParams(Params):
    reverb: Num(0, 1) = Field(0.4, description="share of the signal sent to the room")
    space: Space = Field(
        "apartment",
        description="the room the music is heard in: its impulse response, played by a "
        "convolution reverb (small-room, apartment, concrete-hall, open-air, or a .wav)",
    )
    early: Num(0, 1) = Field(
        0.7, description="level of the room's early reflections (where the walls are)"
    )
    tail: Num(0, 1) = Field(1.0, description="level of the room's tail (how long it rings)")
    delay: Num(0, 1) = Field(0.0, description="feedback delay send")
    loudness: float = Field(-23.0, ge=-40, le=-10, description="integrated loudness target, LUFS")
    ceiling: float = Field(-1.0, ge=-12, le=0, description="true-peak ceiling of the limiter, dBFS")
    volume: Num(-60, 6) = Field(0.0, description="master volume trim in dB")
    fade: float = Field(3.0, ge=0, le=60, description="fade in at start and out at the end, s")


class SoundParams(Params):
    key: Literal[KEYS] = "D"  # type: ignore[valid-type]
    mode: Literal[MODES] = "lydian"  # type: ignore[valid-type]
    voices: list[dict] = Field(
        default_factory=list, description="voice entries: {voice: name, ...}"
    )
    master: MasterParams = Field(default_factory=MasterParams)
