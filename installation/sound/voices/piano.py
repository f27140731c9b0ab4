"""piano: a soft, felt-piano tone playing sparse generative phrases in the key."""

from __future__ import annotations

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, scale_notes
from installation.sound.voice import Pool, Voice
from installation.sound.voices._common import Register, contour_note


class PianoParams(VoiceParams):
    level: Num(-80, 0) = Field(-14.0, description="level in dB before the master")
    density: Num(0, 1) = Field(0.3, description="chance of a note on each eighth of a phrase")
    pitch_range: Register = Field([57, 84], description="lowest and highest MIDI note")
    phrase: int = Field(7, ge=1, le=32, description="beats a phrase lasts")
    rest: int = Field(5, ge=0, le=32, description="beats of silence after each phrase")
    repeats: int = Field(3, ge=1, le=16, description="times a phrase comes back before it changes")
    chord_tones: float = Field(0.6, ge=0, le=1, description="share of notes taken from the chord")
    tone: Num(0, 1) = Field(0.35, description="brightness of the felt: 0 muffled, 1 clear")
    velocity: list[float] = Field(
        [0.25, 0.6], min_length=2, max_length=2, description="softest and loudest"
    )


@VOICES.register("piano")
class Piano(Voice):
    """Felt piano: FM with a fast-fading index, a muffled top, phrases and rests of unequal length."""

    Params = PianoParams

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.scale = scale_notes(self.ctx.key, self.ctx.mode, *p.pitch_range)

        def note(freq: pyo.PyoObject, env: pyo.PyoObject) -> pyo.PyoObject:
            body = pyo.FM(carrier=freq, ratio=1.0, index=env * 2.2, mul=env * 0.4)
            return body + pyo.Sine(freq * 2.002, mul=env * env * 0.1)

        self.pool = Pool(6, note, attack=0.006, decay=3.8, release=2.0)
        self.tone = pyo.SigTo(self._cutoff(self.v.tone), time=0.5, init=self._cutoff(self.v.tone))
        return pyo.Tone(self.pool.mix, freq=self.tone)

    @staticmethod
    def _cutoff(tone: float) -> float:
        return 900.0 * (5000.0 / 900.0) ** tone

    def changed(self, v) -> None:
        self.tone.value = self._cutoff(v.tone)

    def events(self, t0: float, t1: float) -> None:
        p = self.params
        step = self.ctx.clock.seconds_per_beat() / 2
        cycle = 2 * (p.phrase + p.rest)
        for k in self.steps_between(t0, t1, step):
            position = k % cycle
            if position >= 2 * p.phrase:
                continue  # resting
            generation = k // (cycle * p.repeats)  # the phrase repeats, then mutates
            motif = position + 1000 * generation
            if self.chance(motif) >= self.v.density:
                continue
            chord = self.ctx.chord_at(k * step)
            pool = [n for n in self.scale if n % 12 in chord.pitch_classes]
            if self.chance(motif, 1) >= p.chord_tones or not pool:
                pool = self.scale
            midi = contour_note(self.seed, motif / 4 + generation * 3, pool, speed=1 / 3)
            low, high = p.velocity
            velocity = low + (high - low) * self.chance(motif, 2)
            self.pool.play(midi_to_hz(midi), velocity)
