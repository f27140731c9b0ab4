"""The ``sound:`` section of a scene: key, mode, voices (by registry) and the master bus."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from installation.registry import VOICES
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


class MasterParams(Params):
    reverb: Num(0, 1) = Field(0.4, description="share of the signal sent to the shared reverb")
    room: float = Field(0.85, ge=0, le=1, description="reverb size")
    damping: float = Field(0.6, ge=0, le=1, description="reverb high-frequency damping")
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
