"""pad: detuned saws through a slowly moving low-pass, gliding from chord to chord.

Warm is not dark: a pad behind a 24 dB low-pass sounds through a wall (its octaves above 2 kHz
40 to 70 dB down). This one's low-pass falls 12 dB an octave, and above it the saws' own upper
partials go on, quieter (``air``), with a breath of noise that swells with the pad, so its long
spectrum falls about 5 dB an octave, as an instrument's does.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, voice_lead
from installation.sound.voice import ChordVoice
from installation.sound.voices._common import ChordList, Register

SPREAD = (0.5, 0.2, 0.8, 0.32, 0.68, 0.5)  # where each note sits, lowest first (0 left, 1 right)
AIR_HZ = 1800.0  # the saws' partials above this go on past the low-pass
BREATH_HZ = 4000.0  # the breath's noise, around this


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
    glide: float = Field(
        0.35, ge=0, le=20, description="seconds each note glides to the next chord"
    )
    air: Annotated[float, Num(0, 1)] = Field(
        0.5, description="the saws' upper partials above the filter, and a breath of noise"
    )


@VOICES.register("pad")
class Pad(ChordVoice[PadParams]):
    """Detuned saws, voice-led through the progression (the scene's harmony), a slowly breathing
    low-pass with the saws' air above it, wide."""

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
        self.air = pyo.SigTo(self.v.air, time=1.0, init=self.v.air)
        sweep = pyo.Sine(freq=1 / 41.0, phase=0.25) * self.depth * 0.45 + 1.0
        swell = pyo.Sine(freq=1 / 23.0, phase=0.0, mul=0.12, add=0.88)
        # the notes spread across the stereo, the lowest in the middle (a bass in one speaker
        # thins out in a room and vanishes in mono), each channel through its own filter
        wide = pyo.Mix(pyo.Pan(saws, outs=2, pan=list(SPREAD[: p.notes])), voices=2)
        body = pyo.ButLP(wide, freq=self.cutoff * sweep)
        # the saws' partials above the filter, themselves rolled off past 7 kHz (where a naive
        # saw's alias would hiss)
        partials = pyo.ButLP(pyo.Atone(wide, freq=AIR_HZ), freq=7000.0, mul=self.air * 2.0)
        breath = pyo.ButBP(
            self.ctx.noise("pink"), freq=BREATH_HZ, q=1.2, mul=self.air * swell * 0.012
        )
        self._nodes = (saws, sweep, wide)
        return (body + partials) * swell + pyo.Pan(breath, outs=2, pan=0.5)

    @staticmethod
    def _cutoff(v: PadParams) -> float:
        return 600.0 * (8000.0 / 600.0) ** v.brightness

    def changed(self, v: PadParams) -> None:
        self.cutoff.value = self._cutoff(v)
        self.depth.value = v.motion
        self.air.value = v.air

    def events(self, t0: float, t1: float) -> None:
        index = self.ctx.chord_index(t0)
        if index == self.chord_index:
            return
        self.chord_index = index
        self.notes = self.voice_chord(t0, index, self.params.notes)
        self._tune()
