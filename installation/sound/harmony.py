"""Keys, modes, chord symbols, voice leading and progressions. Pure Python, no sound.

Chord symbols are roman numerals over the scene's key and mode: ``I``, ``vi``, ``IV``, ``V7``,
``ii9``, ``IVadd9``, ``vi7``, ``Isus2``, ``bVII``. The numeral's degree picks the root from the
mode; its case picks the third (upper: major, lower: minor), so borrowed chords are written as
they sound. ``I|vi`` chooses one of the two each time the progression comes round.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from installation.scene.values import _hash01

__all__ = [
    "MODES",
    "NOTES",
    "Chord",
    "Progression",
    "midi_to_hz",
    "parse_chord",
    "scale_notes",
    "voice_lead",
]

NOTES = {
    "C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5,
    "F#": 6, "Gb": 6, "G": 7, "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11,
}  # fmt: skip

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "ionian": (0, 2, 4, 5, 7, 9, 11),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "pentatonic": (0, 2, 4, 7, 9),
}

_NUMERALS = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
_CHORD = re.compile(
    r"^(?P<acc>[b#]?)(?P<num>vii|iii|ii|iv|vi|v|i)(?P<ext>maj7|add9|sus2|sus4|7|9|6)?$",
    re.IGNORECASE,
)


def midi_to_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12.0)


def _chord_scale(mode: str) -> tuple[int, ...]:
    """Chords of a pentatonic scene come from its major parent scale."""
    return MODES["major"] if mode == "pentatonic" else MODES[mode]


@dataclass(frozen=True)
class Chord:
    symbol: str
    root: int  # pitch class 0..11
    intervals: tuple[int, ...]  # above the root, first is 0

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in self.intervals)


@cache
def parse_chord(symbol: str, key: str, mode: str) -> Chord:
    """``'vi7'`` in D lydian → Chord; ``ValueError`` with a readable message otherwise."""
    match = _CHORD.match(symbol.strip())
    if not match:
        raise ValueError(
            f"'{symbol}' is not a chord symbol: write a roman numeral such as I, vi, IV, V7, ii9, "
            "IVadd9, Isus2 or bVII"
        )
    num = match.group("num")
    degree = _NUMERALS[num.lower()]
    scale = _chord_scale(mode)
    accidental = match.group("acc")
    if accidental:  # as in roman-numeral practice: flats and sharps are against the major scale
        root = (NOTES[key] + MODES["major"][degree] + (-1 if accidental == "b" else 1)) % 12
    else:
        root = (NOTES[key] + scale[degree]) % 12
    third = 4 if num.isupper() else 3
    fifth = 7
    # a diminished fifth where the mode has one (vii in major), unless written upper case
    diatonic_fifth = (scale[(degree + 4) % 7] - scale[degree]) % 12
    if num.islower() and diatonic_fifth == 6:
        fifth = 6
    ext = (match.group("ext") or "").lower()
    seventh = (scale[(degree + 6) % 7] - scale[degree]) % 12
    intervals: list[int] = [0, third, fifth]
    if ext == "sus2":
        intervals = [0, 2, fifth]
    elif ext == "sus4":
        intervals = [0, 5, fifth]
    elif ext == "7":
        intervals.append(seventh)
    elif ext == "maj7":
        intervals.append(11)
    elif ext == "9":
        intervals += [seventh, 14]
    elif ext == "add9":
        intervals.append(14)
    elif ext == "6":
        intervals.append(9)
    return Chord(symbol, root, tuple(intervals))


def scale_notes(key: str, mode: str, low: int, high: int) -> list[int]:
    """MIDI notes of the key and mode between ``low`` and ``high`` inclusive."""
    pcs = {(NOTES[key] + i) % 12 for i in MODES[mode]}
    return [n for n in range(low, high + 1) if n % 12 in pcs]


def voice_lead(
    previous: Sequence[int] | None, chord: Chord, voices: int, low: int, high: int
) -> list[int]:
    """Voice ``chord`` in ``voices`` notes within [low, high], moving as little as possible.

    Every pitch class of the chord sounds when there are enough voices; among the voicings that
    do, the one whose sorted notes lie nearest the previous voicing wins (ties: the lower one).
    """
    pcs = chord.pitch_classes
    candidates = [n for n in range(low, high + 1) if n % 12 in pcs]
    if previous is None:
        centre = (low + high) / 2
        previous = [round(centre - 6 + 12 * i / max(voices - 1, 1)) for i in range(voices)]
    need = min(len(set(pcs)), voices)
    best: tuple[float, list[int]] | None = None  # (cost, notes)
    for combo in itertools.combinations(candidates, voices):
        if len({n % 12 for n in combo}) < need:
            continue
        if any(b - a < 2 for a, b in itertools.pairwise(combo)):
            continue  # no seconds crammed together: they muddy a pad
        cost: float = sum(abs(a - b) for a, b in zip(combo, sorted(previous), strict=False))
        cost += 0.01 * sum(combo) / voices  # prefer lower among equals, deterministically
        if best is None or cost < best[0]:
            best = (cost, list(combo))
    if best is None:  # the range is too narrow: stack chord tones from the bottom
        return sorted(candidates[:voices]) or [low] * voices
    return best[1]


# relatives a wandering progression may substitute: same function, another colour
# (vii is left out on purpose: a diminished triad is too sharp for this music)
_RELATIVES = {0: (5, 2), 1: (3,), 2: (0, 4), 3: (1, 5), 4: (2,), 5: (0, 3), 6: (4,)}


class Progression:
    """Chords that repeat, sometimes swapped for a relative: a pure function of seed and index."""

    def __init__(self, symbols: Sequence[str], key: str, mode: str, seed: int, wander: float = 0.0):
        self.options = [s.split("|") for s in symbols]
        for alternatives in self.options:
            for s in alternatives:
                parse_chord(s, key, mode)  # fail early with the symbol in the message
        self.key, self.mode, self.seed, self.wander = key, mode, seed, wander

    def symbol(self, index: int) -> str:
        alternatives = self.options[index % len(self.options)]
        pick = alternatives[int(_hash01(self.seed, 2 * index) * len(alternatives))]
        if self.wander > 0 and _hash01(self.seed, 2 * index + 1) < self.wander:
            match = _CHORD.match(pick)
            if match:
                degree = _NUMERALS[match.group("num").lower()]
                choices = _RELATIVES[degree]
                relative = choices[int(_hash01(self.seed + 1, index) * len(choices))]
                numeral = next(k for k, v in _NUMERALS.items() if v == relative)
                quality = _diatonic_case(relative, self.mode)
                pick = numeral.upper() if quality else numeral
        return pick

    def chord(self, index: int) -> Chord:
        return parse_chord(self.symbol(index), self.key, self.mode)

    def relative(self, index: int) -> Chord:
        """Chord ``index`` re-harmonised: the diatonic chord that shares most of its notes
        (I becomes vi, IV becomes ii, V becomes iii), as a theme is harmonised anew when it
        comes back."""
        match = _CHORD.match(self.symbol(index))
        if not match:
            return self.chord(index)
        relative = _RELATIVES[_NUMERALS[match.group("num").lower()]][0]
        numeral = next(k for k, v in _NUMERALS.items() if v == relative)
        return parse_chord(numeral.upper() if _diatonic_case(relative, self.mode) else numeral,
                           self.key, self.mode)  # fmt: skip


def _diatonic_case(degree: int, mode: str) -> bool:
    """True when the mode's triad on ``degree`` is major."""
    scale = _chord_scale(mode)
    return (scale[(degree + 2) % 7] - scale[degree]) % 12 == 4
