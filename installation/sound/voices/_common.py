"""Shared field types and helpers of the voice modules (not a voice itself)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from installation.scene.errors import ItemError
from installation.scene.values import smooth_noise
from installation.sound.harmony import parse_chord

__all__ = ["ChordList", "Register", "ambience_send", "contour_note"]


def _valid_register(pair: list[int]) -> list[int]:
    low, high = pair
    if not (12 <= low < high <= 120 and high - low >= 7):
        raise ValueError("must be [low, high] MIDI notes, 12..120, at least a fifth apart")
    return pair


def _valid_chords(symbols: list[str]) -> list[str]:
    for i, symbol in enumerate(symbols):
        for alternative in symbol.split("|"):
            try:
                parse_chord(alternative, "C", "major")  # raises with a readable message
            except ValueError as err:
                raise ItemError(str(err), (i,)) from None  # the column of the chord itself
    return symbols


Register = Annotated[list[int], Field(min_length=2, max_length=2), AfterValidator(_valid_register)]
ChordList = Annotated[list[str], Field(min_length=1, max_length=64), AfterValidator(_valid_chords)]


def ambience_send():
    """The ``send`` of a texture (rain, sea, city, wind, room, train): little of it goes to the
    room, being heard in its own space already."""
    return Field(
        0.25, description="how much goes to the room: little, it is heard in its own space"
    )


def contour_note(seed: int, step: float, notes: list[int], speed: float = 1 / 24) -> int:
    """A note from ``notes`` that follows a slow, smooth melodic contour: stepwise, not jumpy."""
    height = smooth_noise(seed, step * speed)
    index = round(height * (len(notes) - 1))
    return notes[max(0, min(len(notes) - 1, index))]
