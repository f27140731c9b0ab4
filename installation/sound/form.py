"""Form and a theme: the shape of a scene's music over its loop, and a melody that comes back.

**Form.** A loop (or, for a scene that never loops, every FORM_SECONDS) has four sections:
arrival, development, a peak and a release. Each has an intensity; between sections it glides
(a raised cosine over a tenth of the loop), and the release falls back to the arrival's, so the
loop's end meets its start. Intensity moves the music, not the mix: melodic voices play denser and
up to FORM_DB louder toward the peak; ambience (rain, sea, city) stays as the scene set it.

**Theme.** A short melody of scale degrees and beats (written in the scene, or invented from its
seed), stated once in each section, each time varied as a film score varies its theme: first as
it is; then a third higher on another voice; at the peak a fifth higher, slower, over chords
re-harmonised to their relatives; at the release only its opening, an octave down, slower still.
Each loop transposes the whole a step further, so no two loops are the same.

Everything here is a pure function of the time, the loop and the seed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from installation.scene.values import _hash01

__all__ = ["FORM_DB", "FORM_SECONDS", "SECTIONS", "Form", "Statement", "Theme", "invent_theme"]

#: (name, where it starts as a share of the loop, its intensity)
SECTIONS = (("arrival", 0.0, 0.35), ("development", 0.22, 0.65), ("peak", 0.52, 1.0),
            ("release", 0.78, 0.45))  # fmt: skip
FORM_SECONDS = 240.0  # a form's length in a scene with no loop
FORM_DB = 4.0  # melodic voices are this much quieter at intensity 0 than at the peak
GLIDE = 0.1  # share of the loop over which intensity moves from one section to the next


class Form:
    """Sections and intensity over ``span`` seconds, repeating."""

    def __init__(self, span: float):
        self.span = span

    def cycle(self, t: float) -> tuple[int, float]:
        """Which repetition of the form ``t`` is in, and how far through it (0..1)."""
        u = t / self.span
        return math.floor(u), u - math.floor(u)

    def section(self, t: float) -> str:
        _, u = self.cycle(t)
        return next(name for name, start, _ in reversed(SECTIONS) if u >= start)

    def start_of(self, cycle: int, name: str) -> float:
        share = next(start for n, start, _ in SECTIONS if n == name)
        return (cycle + share) * self.span

    def intensity(self, t: float) -> float:
        """0..1, gliding between the sections' values; the loop's end meets its start."""
        _, u = self.cycle(t)
        points = [(start, value) for _, start, value in SECTIONS] + [(1.0, SECTIONS[0][2])]
        for (a, va), (b, vb) in itertools.pairwise(points):
            if a <= u < b:
                # hold the section's value, then glide into the next over GLIDE before it
                w = min(1.0, max(0.0, (u - (b - GLIDE)) / GLIDE)) if b - a > GLIDE else 1.0
                return va + (vb - va) * (0.5 - 0.5 * math.cos(math.pi * w))
        return SECTIONS[0][2]

    def level_db(self, t: float) -> float:
        return -FORM_DB * (1.0 - self.intensity(t))

    def density(self, t: float) -> float:
        """The factor on a melodic voice's note density."""
        return 0.55 + 0.6 * self.intensity(t)


@dataclass(frozen=True)
class Statement:
    """One appearance of the theme: when, on which voice, how varied."""

    start: float  # seconds
    voice: int  # index among the melodic voices
    steps: int  # transposition in scale steps
    stretch: float  # beats are this many times longer
    notes: int  # how many of its notes (the release only quotes its opening)
    velocity: float
    reharmonise: bool


class Theme:
    """A melody (scale degrees, 1 the tonic; beats) and where it is stated in each form."""

    def __init__(
        self, degrees: list[int], beats: list[float], form: Form, beat: float, voices: int
    ):
        self.degrees, self.beats = degrees, beats
        self.form, self.beat, self.voices = form, beat, max(1, voices)

    def statements(self, cycle: int) -> list[Statement]:
        """The four statements of form ``cycle``, two bars into each section."""
        lead = 8 * self.beat
        other = 1 % self.voices  # the second melodic voice, or the first again
        shift = cycle % 3  # each loop a step higher, back every third
        n = len(self.degrees)
        plan = (
            ("arrival", 0, 0 + shift, 1.0, n, 0.5, False),
            ("development", other, 2 + shift, 1.0, n, 0.55, False),
            ("peak", 0, 4 + shift, 1.5, n, 0.7, True),
            ("release", other, -7 + shift, 2.0, min(n, 4), 0.4, False),
        )
        return [
            Statement(self.form.start_of(cycle, name) + lead, voice, steps, stretch, count,
                      velocity, reharm)
            for name, voice, steps, stretch, count, velocity, reharm in plan
        ]  # fmt: skip

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
