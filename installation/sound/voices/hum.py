"""hum: a wordless voice, humming a tune she invents: breath, vowels that glide, notes she scoops
into.

What makes a synthetic voice sound sung rather than played: a soft glottal pulse (few harmonics,
more when louder) through formant resonances that move as the vowel changes within a phrase; a
small scoop up into each new note from a little under it; vibrato that arrives late in a held
note; an audible breath before each phrase and a little air in every note.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, scale_notes
from installation.sound.voice import Voice
from installation.sound.voices._common import Register, contour_note

VOWELS = {  # formant frequencies (Hz) and gains: soft, closed vowels
    "mm": ((250, 1.0), (1000, 0.15), (2300, 0.05)),
    "oo": ((320, 1.0), (800, 0.35), (2250, 0.08)),
    "ah": ((650, 1.0), (1080, 0.5), (2600, 0.12)),
}
#: where a phrase's vowel may wander to from the one asked for: a hum opens and closes
NEIGHBOURS = {"mm": ("mm", "oo"), "oo": ("oo", "mm", "ah"), "ah": ("ah", "oo")}
SCOOP_CENTS = 70.0  # a new note starts this far under, and rises into it
SCOOP_SECONDS = 0.11


class HumParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-16.0, description="level in dB before the master")
    pitch_range: Register = Field([57, 72], description="lowest and highest MIDI note")
    vowel: Literal["mm", "oo", "ah"] = Field("oo", description="the vowel she hums")
    density: Annotated[float, Num(0, 1)] = Field(0.7, description="how much of each phrase is sung")
    phrase: int = Field(8, ge=2, le=32, description="beats of a sung phrase")
    rest: int = Field(6, ge=0, le=32, description="beats of silence after it")
    vibrato: Annotated[float, Num(0, 1)] = Field(0.35, description="depth of vibrato")
    glide: float = Field(0.18, ge=0, le=2, description="seconds between notes (legato)")
    breath: Annotated[float, Num(0, 1)] = Field(
        0.5, description="the breath before a phrase and the air in a note"
    )


@VOICES.register("hum")
class Hum(Voice[HumParams]):
    """A wordless voice: a soft glottal pulse through formants that glide between vowels, a scoop up
    into each note, vibrato late in a held note, a breath before each phrase."""

    Params = HumParams
    melodic = True

    def build(self) -> pyo.PyoObject:
        p = self.params
        mode = (
            "pentatonic" if self.ctx.mode in ("major", "lydian", "ionian", "mixolydian") else None
        )
        low, high = p.pitch_range
        # her whole compass: the range written, and the form's moves of it either way
        self.compass = scale_notes(self.ctx.key, mode or self.ctx.mode, low - 7, high + 7)
        self.scale = [n for n in self.compass if low <= n <= high]
        start = midi_to_hz(self.scale[len(self.scale) // 2])
        self.freq = pyo.SigTo(start, time=p.glide, init=start)
        self.scoop = pyo.Linseg([(0.0, 1.0), (SCOOP_SECONDS, 1.0)])  # replaced at each note
        self.depth = pyo.SigTo(0.0, time=0.8, init=0.0)
        wobble = pyo.Sine(freq=5.1, mul=self.depth, add=1.0)
        self.amp = pyo.SigTo(0.0, time=0.3, init=0.0)
        # a louder note has more harmonics: the glottis closes harder
        self.harmonics = pyo.SigTo(10.0, time=0.3, init=10.0)
        source = pyo.Blit(freq=self.freq * wobble * self.scoop, harms=self.harmonics, mul=self.amp)
        self.breath_level = pyo.SigTo(self.v.breath, time=0.5, init=self.v.breath)
        air = self.ctx.noise("white", mul=self.amp * self.breath_level * 0.06)
        self.inhale = pyo.SigTo(0.0, time=0.12, init=0.0)
        breath = pyo.ButBP(
            self.ctx.noise("white"), freq=1800, q=0.7, mul=self.inhale * self.breath_level
        )
        self.formants = [
            (pyo.SigTo(f, time=0.35, init=f), pyo.SigTo(g, time=0.35, init=g))
            for f, g in VOWELS[p.vowel]
        ]
        voiced = sum(
            pyo.Biquad(source + air, freq=f, q=9, type=2, mul=g * 2.0) for f, g in self.formants
        )
        self.last_note: int | None = None  # the note sung last
        # at the level the old formant hum had at the same ``level`` (measured at unity gain)
        return pyo.Tone(voiced * 0.5 + breath * 0.012, freq=5500)

    def changed(self, v) -> None:
        self.breath_level.value = v.breath

    def events(self, t0: float, t1: float) -> None:
        p = self.params
        beat = self.ctx.clock.seconds_per_beat()
        cycle = p.phrase + p.rest
        for k in self.steps_between(t0, t1, beat):
            position = k % cycle
            phrase = k // cycle
            singing = position < p.phrase and self.chance(phrase * 64 + position) < self.v.density
            self.amp.value = 0.6 if singing else 0.0
            self.inhale.value = 1.0 if position == cycle - 1 and p.rest else 0.0  # breathes in
            if position == 0 or (position == p.phrase // 2 and singing):
                self._vowel(self.pick(list(NEIGHBOURS[p.vowel]), phrase * 2 + position, 5))
            if not singing:
                self.depth.value = 0.0
                self.last_note = None
                continue
            low, high = self.register_at(k * beat)
            notes = [n for n in self.compass if low <= n <= high] or self.scale
            note = contour_note(self.seed, k, notes, speed=1 / 5)
            if note != self.last_note:
                self._sing(note)
            else:  # a held note: the vibrato blooms
                self.depth.value = 0.012 * self.v.vibrato
            self.last_note = note

    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        self.amp.value = 0.4 + 0.5 * velocity
        self._sing(midi)
        self.last_note = midi

    def release(self) -> None:
        self.amp.value = 0.0
        self.last_note = None

    def _sing(self, note: int) -> None:
        """Move to ``note``: scoop up into it from a little under, vibrato gone for a moment."""
        self.freq.value = midi_to_hz(note)
        under = 2 ** (-SCOOP_CENTS / 1200)
        self.scoop.setList([(0.0, under), (SCOOP_SECONDS, 1.0)])
        self.scoop.play()
        self.depth.value = 0.004 * self.v.vibrato
        self.harmonics.value = 8.0 + 10.0 * self.chance(note, 9)

    def _vowel(self, vowel: str) -> None:
        for (freq, gain), (f, g) in zip(self.formants, VOWELS[vowel], strict=True):
            freq.value, gain.value = f, g
