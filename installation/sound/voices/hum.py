"""hum: a wordless humming voice, formant-filtered, singing a tune she invents."""

from __future__ import annotations

from typing import Literal

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


class HumParams(VoiceParams):
    level: Num(-80, 0) = Field(-16.0, description="level in dB before the master")
    pitch_range: Register = Field([57, 72], description="lowest and highest MIDI note")
    vowel: Literal["mm", "oo", "ah"] = Field("oo", description="the vowel she hums")
    density: Num(0, 1) = Field(0.7, description="how much of each phrase is sung")
    phrase: int = Field(8, ge=2, le=32, description="beats of a sung phrase")
    rest: int = Field(6, ge=0, le=32, description="beats of silence after it")
    vibrato: Num(0, 1) = Field(0.35, description="depth of vibrato")
    glide: float = Field(0.18, ge=0, le=2, description="seconds between notes (legato)")


@VOICES.register("hum")
class Hum(Voice):
    """A band-limited pulse through three formant filters, legato, with breath and vibrato."""

    Params = HumParams

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.scale = [
            n
            for n in scale_notes(
                self.ctx.key,
                "pentatonic"
                if self.ctx.mode in ("major", "lydian", "ionian", "mixolydian")
                else self.ctx.mode,
                *p.pitch_range,
            )
        ]
        start = midi_to_hz(self.scale[len(self.scale) // 2])
        self.freq = pyo.SigTo(start, time=p.glide, init=start)
        self.depth = pyo.SigTo(0.012 * self.v.vibrato, time=0.5)
        wobble = pyo.Sine(freq=5.2, mul=self.depth, add=1.0)
        self.amp = pyo.SigTo(0.0, time=0.35, init=0.0)
        source = pyo.Blit(freq=self.freq * wobble, harms=24, mul=self.amp)
        breath = pyo.Noise(mul=self.amp * 0.04)
        voiced = sum(
            pyo.Biquad(source + breath, freq=f, q=8, type=2, mul=g * 2.0)
            for f, g in VOWELS[p.vowel]
        )
        return pyo.Tone(voiced, freq=3500)

    def changed(self, v) -> None:
        self.depth.value = 0.012 * v.vibrato

    def events(self, t0: float, t1: float) -> None:
        p = self.params
        beat = self.ctx.clock.seconds_per_beat()
        cycle = p.phrase + p.rest
        for k in self.steps_between(t0, t1, beat):
            position = k % cycle
            phrase = k // cycle
            singing = position < p.phrase and self.chance(phrase * 64 + position) < self.v.density
            self.amp.value = 0.6 if singing else 0.0
            if singing:
                self.freq.value = midi_to_hz(contour_note(self.seed, k, self.scale, speed=1 / 5))
