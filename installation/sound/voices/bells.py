"""bells: sparse, far-away chimes on the chord tones, ringing for seconds.

A tuned chime, as a celesta's bars or a small bell tuned to its note: partials on the harmonic
series (the note, its octave, twelfth and double octave), each dying faster than the one below,
and a brief clang a little above the octave (a bar's first mode, 2.76 times the note) that is
gone in a tenth of a second: it sounds struck and metallic, and what rings on is in the key.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz
from installation.sound.voice import Pool, Voice
from installation.sound.voices._common import Register

CLANG = 2.76  # the strike's inharmonic partial, times the note


class BellsParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-24.0, description="level in dB before the master")
    density: Annotated[float, Num(0, 1)] = Field(0.12, description="chance of a chime on each beat")
    pitch_range: Register = Field([72, 96], description="lowest and highest MIDI note")
    ring: float = Field(6.0, ge=0.05, le=30, description="seconds a chime rings")
    on_cue: str | None = Field(None, description="also chime at once on this timeline cue")


@VOICES.register("bells")
class Bells(Voice[BellsParams]):
    """Sparse chimes on chord tones: tuned partials and a brief metallic clang."""

    Params = BellsParams

    @classmethod
    def answers(cls, params) -> set[str]:
        return {params.on_cue} if params.on_cue else set()

    melodic = True

    def build(self) -> pyo.PyoObject:
        def bell(freq: pyo.PyoObject, env: pyo.PyoObject) -> pyo.PyoObject:
            env2 = env * env  # a power of the envelope dies that many times faster
            env4 = env2 * env2
            partials = pyo.Sine(
                freq=[freq, freq * 2, freq * 3, freq * 4],
                mul=[env * 0.25, env2 * 0.12, env4 * 0.07, env4 * env2 * 0.04],
            )
            clang = pyo.Sine(freq=freq * CLANG, mul=env4 * env4 * env4 * 0.08)
            return pyo.Mix([partials, clang], voices=1)  # fmt: skip

        self.pool = Pool(4, bell, attack=0.002, decay=self.params.ring, release=1.0)
        return pyo.Tone(self.pool.mix, freq=9000)

    def events(self, t0: float, t1: float) -> None:
        low, high = self.register_at(t0)
        for k in self.steps_between(t0, t1, self.ctx.clock.seconds_per_beat()):
            if self.chance(k) >= self.v.density:
                continue
            chord = self.ctx.chord_at(k * self.ctx.clock.seconds_per_beat())
            tones = [n for n in range(low, high + 1) if n % 12 in chord.pitch_classes]
            if tones:
                note = tones[int(self.chance(k, 1) * len(tones))]
                self.pool.play(midi_to_hz(note), 0.3 + 0.4 * self.chance(k, 2))

    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        self.pool.play(midi_to_hz(midi), velocity)

    def cue(self, name: str) -> None:
        if name == self.params.on_cue:
            chord = self.ctx.chord_at(0.0)
            low, high = self.params.pitch_range
            tones = [n for n in range(low, high + 1) if n % 12 in chord.pitch_classes] or [low]
            self.pool.play(midi_to_hz(tones[len(tones) // 2]), 0.9)
