"""pad: detuned saws through a slowly moving low-pass, gliding from chord to chord."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, voice_lead
from installation.sound.voice import Voice
from installation.sound.voices._common import ChordList, Register


class PadParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-16.0, description="level in dB before the master")
    chords: ChordList | None = Field(
        None, description="the scene's progression, e.g. [I, vi, IV, V]"
    )
    bars_per_chord: float = Field(2.0, gt=0, le=32, description="bars each chord lasts")
    wander: float = Field(0.1, ge=0, le=1, description="chance a chord is swapped for a relative")
    notes: int = Field(4, ge=2, le=6, description="notes in each chord")
    pitch_range: Register = Field([48, 74], description="lowest and highest MIDI note")
    brightness: Annotated[float, Num(0, 1)] = Field(
        0.35, description="filter opening: 0 dark, 1 open"
    )
    motion: Annotated[float, Num(0, 1)] = Field(
        0.5, description="depth of the slow filter movement"
    )
    detune: float = Field(0.35, ge=0, le=1, description="spread of the detuned saws")
    glide: float = Field(2.5, ge=0, le=20, description="seconds each note glides to the next chord")


@VOICES.register("pad")
class Pad(Voice[PadParams]):
    """Detuned saws, voice-led through the progression (the scene's harmony), a slowly breathing
    low-pass, wide."""

    Params = PadParams

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.chord_index: int | None = None  # the chord sounding, none before the first
        self.notes = voice_lead(None, self.ctx.chord_at(0.0), p.notes, *p.pitch_range)
        self.freqs = [
            pyo.SigTo(midi_to_hz(n), time=p.glide, init=midi_to_hz(n)) for n in self.notes
        ]
        saws = pyo.SuperSaw(freq=self.freqs, detune=p.detune, bal=0.6, mul=0.16)
        self.cutoff = pyo.SigTo(self._cutoff(self.v), time=1.0, init=self._cutoff(self.v))
        self.depth = pyo.SigTo(self.v.motion, time=1.0, init=self.v.motion)
        sweep = pyo.Sine(freq=1 / 41.0, phase=0.25) * self.depth * 0.45 + 1.0
        swell = pyo.Sine(freq=1 / 23.0, phase=0.0, mul=0.12, add=0.88)
        # alternate saws left and right: a wide pad, each channel through its own filter
        return pyo.MoogLP(pyo.Mix(saws, voices=2), freq=self.cutoff * sweep, res=0.12) * swell

    @staticmethod
    def _cutoff(v: PadParams) -> float:
        return 300.0 * (4500.0 / 300.0) ** v.brightness

    def changed(self, v: PadParams) -> None:
        self.cutoff.value = self._cutoff(v)
        self.depth.value = v.motion

    def events(self, t0: float, t1: float) -> None:
        index = self.ctx.chord_index(t0)
        if index == self.chord_index:
            return
        self.chord_index = index
        self.notes = voice_lead(
            self.notes,
            self.ctx.progression.chord(index),
            self.params.notes,
            *self.params.pitch_range,
        )
        for freq, note in zip(self.freqs, self.notes, strict=True):
            freq.value = midi_to_hz(note)
