"""strings: slow swells of a bowed ensemble on the chord tones, breathing with each chord."""

from __future__ import annotations

import math

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, voice_lead
from installation.sound.voice import Voice
from installation.sound.voices._common import Register


class StringsParams(VoiceParams):
    level: Num(-80, 0) = Field(-22.0, description="level in dB before the master")
    pitch_range: Register = Field([55, 81], description="lowest and highest MIDI note")
    notes: int = Field(3, ge=1, le=5, description="notes in the section")
    swell: Num(0, 1) = Field(0.7, description="how deep each chord's swell breathes")
    brightness: Num(0, 1) = Field(0.4, description="bow brightness")


@VOICES.register("strings")
class Strings(Voice):
    """Detuned saws with vibrato, voice-led, swelling up and down across each chord."""

    Params = StringsParams

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.chord_index = None
        self.notes = voice_lead(None, self.ctx.chord_at(0.0), p.notes, *p.pitch_range)
        self.freqs = [pyo.SigTo(midi_to_hz(n), time=1.5, init=midi_to_hz(n)) for n in self.notes]
        vibrato = pyo.Sine(freq=4.8, mul=0.004, add=1.0)
        bows = pyo.SuperSaw(freq=[f * vibrato for f in self.freqs], detune=0.25, bal=0.8, mul=0.14)
        self.amp = pyo.SigTo(0.0, time=0.2, init=0.0)
        self.cutoff = pyo.SigTo(1200 + 3000 * self.v.brightness, time=0.5)
        return pyo.ButLP(pyo.Mix(bows, voices=1), freq=self.cutoff) * self.amp

    def changed(self, v) -> None:
        self.cutoff.value = 1200 + 3000 * v.brightness

    def events(self, t0: float, t1: float) -> None:
        index = self.ctx.chord_index(t0)
        if index != self.chord_index:
            self.chord_index = index
            chord = self.ctx.progression.chord(index)
            self.notes = voice_lead(self.notes, chord, self.params.notes, *self.params.pitch_range)
            for freq, note in zip(self.freqs, self.notes, strict=True):
                freq.value = midi_to_hz(note)
        start, end = self.ctx.chord_time(index), self.ctx.chord_time(index + 1)
        u = (t0 - start) / max(end - start, 1e-6)
        breath = 0.5 - 0.5 * math.cos(math.tau * u)  # up and down across the chord
        self.amp.value = (1.0 - self.v.swell) + self.v.swell * breath
