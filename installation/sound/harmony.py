"""Keys, modes, chord symbols, voice leading and progressions. Pure Python, no sound.

Chord symbols are roman numerals over the scene's key and mode: ``I``, ``vi``, ``IV``, ``V7``,
``ii9``, ``IVadd9``, ``vi7``, ``Isus2``, ``bVII``. A plain numeral is the mode's own chord on that
degree: its root, third, fifth and any seventh, sixth, ninth or suspension are all notes of the
mode, so it is never out of key (``II`` in D lydian is E-G#-B; ``IV`` there is G#-B-D, the mode's
diminished triad, and is reported, see ``misreadings``). The numeral's case is for the reader and
is checked against the mode, not obeyed. A chord from outside the mode is written **borrowed**,
with a flat or a sharp counted from the major scale as roman-numeral practice counts
(``bVII``, ``bIII``, ``#iv``): it sounds as its case says, major or minor. ``I|vi`` chooses one of
the two each time the progression comes round. A pentatonic scene takes its chords from its
parent major scale.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from installation.scene.values import _hash01

__all__ = [
    "DEFAULT_CHORDS",
    "MODES",
    "NOTES",
    "Chord",
    "Progression",
    "midi_to_hz",
    "misreadings",
    "parse_chord",
    "quality",
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


#: the progression of a scene that names none: four of the mode's own chords, its colour in them
DEFAULT_CHORDS: dict[str, tuple[str, ...]] = {
    "major": ("I", "vi", "IV", "V"),
    "ionian": ("I", "vi", "IV", "V"),
    "pentatonic": ("I", "vi", "IV", "V"),
    "lydian": ("I", "vi", "II", "V"),
    "mixolydian": ("I", "VII", "IV", "I"),
    "dorian": ("i", "IV", "VII", "i"),
    "minor": ("i", "VI", "III", "VII"),
    "aeolian": ("i", "VI", "III", "VII"),
}

#: what each extension adds, as steps up the mode from the root (2 a third, 8 a ninth)
_DIATONIC = {"": (), "7": (6,), "maj7": (6,), "9": (6, 8), "add9": (8,), "6": (5,)}
#: the same in semitones for a borrowed chord, which has no mode to count in
_BORROWED = {"": (), "7": (10,), "maj7": (11,), "9": (10, 14), "add9": (14,), "6": (9,)}


@dataclass(frozen=True)
class Chord:
    symbol: str
    root: int  # pitch class 0..11
    intervals: tuple[int, ...]  # above the root, first is 0
    borrowed: bool = False  # written with a flat or sharp: from outside the mode, on purpose

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in self.intervals)


def _steps(scale: tuple[int, ...], degree: int, steps: int) -> int:
    """Semitones from the scale's ``degree`` to the note ``steps`` further up the scale."""
    index = degree + steps
    return scale[index % 7] + 12 * (index // 7) - scale[degree]


def quality(degree: int, mode: str) -> str:
    """The mode's triad on ``degree`` (0 the tonic): major, minor, diminished or augmented."""
    scale = _chord_scale(mode)
    third, fifth = _steps(scale, degree, 2), _steps(scale, degree, 4)
    return {(4, 7): "major", (3, 7): "minor", (3, 6): "diminished"}.get((third, fifth), "augmented")


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
    ext = (match.group("ext") or "").lower()
    if match.group("acc"):  # borrowed: counted from the major scale, as its case says
        shift = -1 if match.group("acc") == "b" else 1
        root = (NOTES[key] + MODES["major"][degree] + shift) % 12
        third = 4 if num.isupper() else 3
        triad = {"sus2": (0, 2, 7), "sus4": (0, 5, 7)}.get(ext, (0, third, 7))
        return Chord(symbol, root, triad + _BORROWED.get(ext, ()), borrowed=True)
    scale = _chord_scale(mode)
    root = (NOTES[key] + scale[degree]) % 12
    steps = {"sus2": (0, 1, 4), "sus4": (0, 3, 4)}.get(ext, (0, 2, 4)) + _DIATONIC.get(ext, ())
    return Chord(symbol, root, tuple(_steps(scale, degree, n) for n in steps))


def misreadings(symbols: Sequence[str], key: str, mode: str) -> list[str]:
    """What a progression's symbols say that the mode does not do: a numeral whose case names
    another quality than the mode's chord on that degree (``IV`` in lydian is diminished), a
    ``maj7`` where the mode's seventh is minor. The chords are built from the mode regardless;
    these are for the writer to read."""
    flats = "b" in key or key == "F"
    names = ("C Db D Eb E F Gb G Ab A Bb B" if flats else "C C# D D# E F F# G G# A A# B").split()
    out = []
    for written in dict.fromkeys(a for s in symbols for a in s.split("|")):
        match = _CHORD.match(written.strip())
        if not match or match.group("acc"):
            continue
        num, ext = match.group("num"), (match.group("ext") or "").lower()
        degree = _NUMERALS[num.lower()]
        chord = parse_chord(written, key, mode)
        notes = "-".join(names[pc] for pc in chord.pitch_classes)
        found = quality(degree, mode)
        said = "major" if num.isupper() else "minor"
        if said != found and not (found == "diminished" and said == "minor"):
            out.append(
                f"'{written}' in {key} {mode}: the mode's chord on degree {degree + 1} is "
                f"{found} ({notes}) and is played so; a {said} chord there is outside the "
                "mode (borrow one with b or #, such as bVII)"
            )
        elif ext == "maj7" and _steps(_chord_scale(mode), degree, 6) != 11:
            out.append(
                f"'{written}' in {key} {mode}: the mode's seventh on degree {degree + 1} is "
                f"minor ({notes}) and is played so; write {num}7"
            )
    return out


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
                choices = self._relatives(_NUMERALS[match.group("num").lower()])
                if choices:
                    relative = choices[int(_hash01(self.seed + 1, index) * len(choices))]
                    pick = _numeral(relative, self.mode)
        return pick

    def _relatives(self, degree: int) -> tuple[int, ...]:
        """The relatives of ``degree`` this mode makes consonant: a diminished triad is too sharp
        for this music (lydian's IV, dorian's vi, mixolydian's iii, aeolian's ii)."""
        return tuple(r for r in _RELATIVES[degree] if quality(r, self.mode) in ("major", "minor"))

    def chord(self, index: int) -> Chord:
        return parse_chord(self.symbol(index), self.key, self.mode)

    def relative(self, index: int) -> Chord:
        """Chord ``index`` re-harmonised: the diatonic chord that shares most of its notes
        (I becomes vi, IV becomes ii, V becomes iii), as a theme is harmonised anew when it
        comes back."""
        match = _CHORD.match(self.symbol(index))
        choices = self._relatives(_NUMERALS[match.group("num").lower()]) if match else ()
        if not choices:
            return self.chord(index)
        return parse_chord(_numeral(choices[0], self.mode), self.key, self.mode)


def _numeral(degree: int, mode: str) -> str:
    """The numeral of ``degree`` written in the case of the mode's chord there."""
    numeral = next(k for k, v in _NUMERALS.items() if v == degree)
    return numeral.upper() if quality(degree, mode) in ("major", "augmented") else numeral
