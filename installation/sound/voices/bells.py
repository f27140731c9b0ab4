"""bells: sparse, far-away chimes on the chord tones, ringing for seconds."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz
from installation.sound.voice import Pool, Voice
from installation.sound.voices._common import Register


class BellsParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-24.0, description="level in dB before the master")
    density: Annotated[float, Num(0, 1)] = Field(0.12, description="chance of a chime on each beat")
    pitch_range: Register = Field([72, 96], description="lowest and highest MIDI note")
    ring: float = Field(6.0, ge=0.05, le=30, description="seconds a chime rings")
    on_cue: str | None = Field(None, description="also chime at once on this timeline cue")


@VOICES.register("bells")
class Bells(Voice[BellsParams]):
    """Sparse FM chimes on chord tones."""

    Params = BellsParams

    @classmethod
    def answers(cls, params) -> set[str]:
        return {params.on_cue} if params.on_cue else set()

    melodic = True

    def build(self) -> pyo.PyoObject:
        def bell(freq: pyo.PyoObject, env: pyo.PyoObject) -> pyo.PyoObject:
            return pyo.FM(carrier=freq, ratio=1.4, index=env * env * 4.0, mul=env * 0.25)

        self.pool = Pool(4, bell, attack=0.002, decay=self.params.ring, release=1.0)
        return pyo.Tone(self.pool.mix, freq=6000)

    def events(self, t0: float, t1: float) -> None:
        low, high = self.params.pitch_range
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
