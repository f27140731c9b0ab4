"""Form and a theme: the shape of a scene's music over ten minutes, and a melody that comes back.

**Form.** Four sections of about two and a half minutes each (a whole number of bars), then the
form starts again: the music's own loop, whatever the picture's. Each section changes what a
listener notices from across a room:

- **arrival**: sparse, low and quiet. The first harmonic voice (the bed: a pad, strings) alone
  with the place's sounds; the melodic voice that leads plays half as much, the others are out;
  only the theme's opening is heard, twice.
- **statement**: the theme as written, on its own voice; the other voices come in, quietly.
- **development**: higher (every voice's register up a fourth), denser and louder, every voice
  in, the chords re-harmonised to their relatives over the dominant held in the bass (a pedal,
  as a development waits on the dominant for the return), and the theme on *another* voice (a
  second melodic voice, or else the strings' or the pad's top line) a fifth higher, then
  answered a step higher still.
- **return**: the theme back on its own voice an octave down and slower, over chords
  re-harmonised under it; the other voices thinning out toward the arrival.

Between sections levels and density glide over GLIDE seconds; a voice that leaves fades. The
place's sounds (rain, sea, city) are never shaped. Each time the form comes round, the theme is
a step higher (back every third time), so no two forms are the same.

Everything here is a pure function of the time, the tempo and the seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from installation.scene.values import _hash01

__all__ = [
    "FORM_DB",
    "GLIDE",
    "PLANS",
    "SECTIONS",
    "SECTION_SECONDS",
    "Form",
    "Plan",
    "Statement",
    "Theme",
    "invent_theme",
]

SECTIONS = ("arrival", "statement", "development", "return")
SECTION_SECONDS = 150.0  # about: each section is the whole number of bars nearest this
GLIDE = 16.0  # seconds over which one section's levels and density become the next's
FORM_DB = 4.0  # a melodic voice is this much quieter at intensity 0 than at 1


@dataclass(frozen=True)
class Plan:
    """What a section does to the voices."""

    intensity: float  # 0..1: the melodic voices' level (FORM_DB) and density
    register: int  # semitones every voice's range moves
    reharmonise: bool  # every chord played as its relative
    bed: tuple[float, float]  # dB: the first harmonic voice, the others
    melody: tuple[float, float]  # dB: the melodic voice that leads, the others
    density: tuple[float, float]  # times the density: the leading melodic voice, the others
    pedal: int | None = None  # a scale degree the chordal voices hold in the bass (5: dominant)


PLANS: dict[str, Plan] = {
    "arrival": Plan(0.3, -3, False, (-2.0, -14.0), (-3.0, -40.0), (0.5, 0.2)),
    "statement": Plan(0.6, 0, False, (0.0, -4.0), (0.0, -8.0), (1.0, 0.6)),
    "development": Plan(1.0, 5, True, (2.0, 1.5), (1.5, 1.5), (1.15, 1.2), pedal=5),
    "return": Plan(0.5, 0, False, (-1.0, -8.0), (0.0, -14.0), (0.75, 0.4)),
}


def _smooth(u: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(1.0, max(0.0, u)))


class Form:
    """Four sections of ``section`` seconds, repeating."""

    def __init__(self, section: float):
        self.section_seconds = section
        self.span = 4 * section

    @classmethod
    def for_tempo(cls, bar_seconds: float) -> Form:
        """The form of a scene whose bars last ``bar_seconds``: sections of whole bars."""
        return cls(max(1, round(SECTION_SECONDS / bar_seconds)) * bar_seconds)

    def cycle(self, t: float) -> tuple[int, float]:
        """Which repetition of the form ``t`` is in, and how far through it (0..1)."""
        u = t / self.span
        return math.floor(u), u - math.floor(u)

    def index(self, t: float) -> int:
        """The section ``t`` is in, 0..3."""
        _, u = self.cycle(t)
        return min(3, int(u * 4))

    def section(self, t: float) -> str:
        return SECTIONS[self.index(t)]

    def plan(self, t: float) -> Plan:
        return PLANS[self.section(t)]

    def start_of(self, cycle: int, name: str) -> float:
        return cycle * self.span + SECTIONS.index(name) * self.section_seconds

    def _blend(self, t: float, value) -> float:
        """``value(plan)`` of the section at ``t``, gliding into the next section's over the
        GLIDE seconds before it begins (the last glides into the first: the form meets itself)."""
        index = self.index(t)
        here = value(PLANS[SECTIONS[index]])
        into = value(PLANS[SECTIONS[(index + 1) % 4]])
        _, u = self.cycle(t)
        left = ((index + 1) / 4 - u) * self.span  # seconds to the next section
        glide = min(GLIDE, self.section_seconds / 2)
        return here + (into - here) * _smooth(1.0 - left / glide)

    def intensity(self, t: float) -> float:
        return self._blend(t, lambda p: p.intensity)

    def register(self, t: float) -> int:
        """Semitones the voices' ranges move in the section at ``t``."""
        return self.plan(t).register

    def pedal(self, t: float) -> int | None:
        """The scale degree (1 the tonic) the chordal voices hold in the bass at ``t``, if any."""
        return self.plan(t).pedal

    def reharmonised(self, t0: float, t1: float) -> bool:
        """Whether a chord sounding over [t0, t1) is played as its relative: it lies in a
        section that re-harmonises (where it starts)."""
        return self.plan(t0 + 1e-6).reharmonise

    def level_db(self, t: float, melodic: bool, rank: int) -> float:
        """The level (dB) a voice has at ``t``: melodic or not, and its rank among those (0 the
        first, the one that leads)."""
        pick = 0 if rank == 0 else 1
        if melodic:
            shaped = self._blend(t, lambda p: p.melody[pick])
            return shaped - FORM_DB * (1.0 - self.intensity(t))
        return self._blend(t, lambda p: p.bed[pick])

    def density(self, t: float, rank: int) -> float:
        """The factor on a melodic voice's note density."""
        pick = 0 if rank == 0 else 1
        return self._blend(t, lambda p: p.density[pick]) * (0.7 + 0.4 * self.intensity(t))


@dataclass(frozen=True)
class Statement:
    """One appearance of the theme: when, on which voice, how varied."""

    start: float  # seconds
    voice: int  # 0 the theme's own voice, 1 another
    steps: int  # transposition in scale steps
    stretch: float  # beats are this many times longer
    notes: int  # how many of its notes (a fragment quotes only its opening)
    velocity: float
    reharmonise: bool  # the chords under it are played as their relatives


#: each section's statements: (where in the section as a share of it, voice, steps, stretch,
#: notes (0: all), velocity, re-harmonised under it)
STATEMENTS = {
    "arrival": ((0.0, 0, 0, 1.5, 3, 0.4, False), (0.5, 0, 2, 1.5, 3, 0.4, False)),
    "statement": ((0.0, 0, 0, 1.0, 0, 0.55, False), (0.55, 0, 0, 1.0, 0, 0.45, False)),
    "development": ((0.0, 1, 4, 1.25, 0, 0.65, False), (0.5, 0, 5, 1.0, 0, 0.6, False)),
    "return": ((0.0, 0, -7, 1.5, 0, 0.5, True), (0.55, 0, -7, 2.0, 3, 0.4, False)),
}


class Theme:
    """A melody (scale degrees, 1 the tonic; beats) and where it is stated in each form."""

    def __init__(self, degrees: list[int], beats: list[float], form: Form, beat: float):
        self.degrees, self.beats = degrees, beats
        self.form, self.beat = form, beat

    def statements(self, cycle: int) -> list[Statement]:
        """The statements of form ``cycle``: two bars into each section, and again later in it."""
        lead = 8 * self.beat
        shift = cycle % 3  # each form a step higher, back every third
        n = len(self.degrees)
        out = []
        for name in SECTIONS:
            start = self.form.start_of(cycle, name)
            for share, voice, steps, stretch, notes, velocity, reharm in STATEMENTS[name]:
                at = start + lead + share * (self.form.section_seconds - 2 * lead)
                out.append(Statement(at, voice, steps + shift, stretch, min(n, notes or n),
                                     velocity, reharm))  # fmt: skip
        return out

    def length(self, statement: Statement) -> float:
        return sum(self.beats[: statement.notes]) * statement.stretch * self.beat

    def notes(self, statement: Statement) -> list[tuple[float, float, int]]:
        """(onset s, duration s, scale degree from the tonic) of each note of ``statement``."""
        out, at = [], statement.start
        for degree, beats in list(zip(self.degrees, self.beats, strict=True))[: statement.notes]:
            length = beats * statement.stretch * self.beat
            out.append((at, length, degree - 1 + statement.steps))
            at += length
        return out


#: rhythms a theme is made from, in beats: each ends on a long note
RHYTHMS = ((1, 0.5, 0.5, 1, 2), (0.5, 0.5, 1, 1.5, 0.5, 2), (1.5, 0.5, 1, 1, 3),
           (1, 1, 0.5, 0.5, 1, 2), (2, 1, 1, 0.5, 0.5, 3))  # fmt: skip


def invent_theme(seed: int) -> tuple[list[int], list[float]]:
    """A theme from the scene's seed: an arch (up, mostly by step with one leap, then down by
    step) that ends on the tonic, third or fifth, not on the note before it: a melody that
    sounds finished."""
    beats = list(RHYTHMS[int(_hash01(seed, 1) * len(RHYTHMS))])
    n = len(beats)
    degree = (1, 3, 5)[int(_hash01(seed, 2) * 3)]
    top = max(2, n // 2)  # where it turns
    leap_at = 1 + int(_hash01(seed, 3) * (top - 1))
    degrees = [degree]
    for i in range(1, n - 1):
        if i < top:
            step = 2 + int(_hash01(seed, 10 + i) * 2) if i == leap_at else 1
        else:
            step = -1 if _hash01(seed, 20 + i) < 0.8 else 1
        degree = min(10, max(1, degree + step))
        degrees.append(degree)
    endings = sorted((1, 3, 5, 8), key=lambda d: (abs(d - degree), d))
    degrees.append(next(d for d in endings if d != degree))
    return degrees, [float(b) for b in beats]
