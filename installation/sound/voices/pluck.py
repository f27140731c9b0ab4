"""pluck: a ukulele-like plucked string playing a small, repeating song over the chords."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz
from installation.sound.voice import Pool, Voice
from installation.sound.voices._common import Register


class PluckParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-18.0, description="level in dB before the master")
    density: Annotated[float, Num(0, 1)] = Field(
        0.55, description="chance of a note on each eighth of the song"
    )
    pitch_range: Register = Field([60, 79], description="lowest and highest MIDI note")
    song: int = Field(5, ge=2, le=16, description="beats in the song's loop (odd numbers drift)")
    repeats: int = Field(4, ge=1, le=32, description="times the song loops before it changes")
    brightness: Annotated[float, Num(0, 1)] = Field(0.5, description="pluck brightness")


@VOICES.register("pluck")
class Pluck(Voice[PluckParams]):
    """A ukulele-like waveguide string playing a small looping song of arpeggios."""

    Params = PluckParams
    melodic = True

    def build(self) -> pyo.PyoObject:
        def string(freq: pyo.PyoObject, env: pyo.PyoObject) -> pyo.PyoObject:
            burst = self.ctx.noise("white", mul=env)
            # the string, and a little of the nail's scratch on it (the attack's air)
            return pyo.Waveguide(
                pyo.ButLP(burst, freq=5000), freq=freq, dur=1.6, minfreq=50, mul=0.5
            ) + pyo.ButHP(burst, freq=4000, mul=0.06)

        self.pool = Pool(4, string, attack=0.001, decay=0.012, release=0.01)
        self.cutoff = pyo.SigTo(self._cutoff(self.v.brightness), time=0.5)
        return pyo.Tone(self.pool.mix, freq=self.cutoff)

    @staticmethod
    def _cutoff(brightness: float) -> float:
        return 2500 + 8000 * brightness

    def changed(self, v) -> None:
        self.cutoff.value = self._cutoff(v.brightness)

    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        self.pool.play(midi_to_hz(midi), velocity)

    def events(self, t0: float, t1: float) -> None:
        p = self.params
        step = self.ctx.clock.seconds_per_beat() / 2
        loop = 2 * p.song
        low, high = self.register_at(t0)
        for k in self.steps_between(t0, t1, step):
            generation = k // (loop * p.repeats)
            motif = k % loop + 1000 * generation
            if self.chance(motif) >= self.v.density:
                continue
            chord = self.ctx.chord_at(k * step)
            tones = [n for n in range(low, high + 1) if n % 12 in chord.pitch_classes]
            if not tones:
                continue
            note = tones[int(self.chance(motif, 1) * len(tones))]
            self.pool.play(midi_to_hz(note), 0.5 + 0.4 * self.chance(motif, 2))
