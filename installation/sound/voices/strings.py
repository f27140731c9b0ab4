"""strings: a small bowed ensemble on the chord tones, swelling with each chord.

An ensemble, not one oscillator per note: each chord tone is a desk of players a few cents apart
in pitch, with its own vibrato that comes in only once the note has sounded a while (a player
settles before vibrating), the desks spread across the stereo field. Rosin and
bow hair make a breathy noise that rises with bow pressure; the instrument's body rings at a few
fixed resonances whatever the note, which is what makes a bowed saw sound like wood.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, voice_lead
from installation.sound.voice import ChordVoice
from installation.sound.voices._common import Register

#: the body's resonances: (Hz, Q, dB), a violin family's air and wood modes and its bridge hill
BODY = ((280.0, 1.4, 4.0), (520.0, 1.8, 2.0), (2600.0, 0.9, 3.0))
ROSIN_HZ = 6000.0  # the bow's noise, around this


class StringsParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-22.0, description="level in dB before the master")
    pitch_range: Register = Field([55, 81], description="lowest and highest MIDI note")
    notes: int = Field(3, ge=1, le=5, description="notes in the section")
    swell: Annotated[float, Num(0, 1)] = Field(
        0.7, description="how deep each chord's swell breathes"
    )
    brightness: Annotated[float, Num(0, 1)] = Field(
        0.35, description="bow brightness: sul tasto to sul ponticello"
    )
    vibrato: Annotated[float, Num(0, 1)] = Field(
        0.5, description="depth of the players' slow vibrato"
    )
    bow: Annotated[float, Num(0, 1)] = Field(0.4, description="the bow's rosin noise")


@VOICES.register("strings")
class Strings(ChordVoice[StringsParams]):
    """A bowed ensemble: a desk of detuned players on each chord tone, each with a vibrato that
    comes in once the bow settles, rosin noise, a wooden body; swelling across each chord."""

    Params = StringsParams

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.chord_index: int | None = None  # the chord sounding, none before the first
        self.notes = voice_lead(None, self.ctx.chord_at(0.0), p.notes, *p.pitch_range)
        self.freqs = [pyo.SigTo(midi_to_hz(n), time=1.2, init=midi_to_hz(n)) for n in self.notes]
        self.amp = pyo.SigTo(0.0, time=0.25, init=0.0)
        # vibrato waits for the note: its depth follows the bow, a second behind
        self.depth = pyo.SigTo(0.0, time=1.5, init=0.0)
        # each chord tone a desk of players: SuperSaw's seven saws a few cents apart are the
        # section's spread of intonation (one oscillator object, not seven: the voice costs a
        # third of what a saw per player did), each tone with its own vibrato, placed apart
        desks = []
        for i, freq in enumerate(self.freqs):
            rate = 4.6 + 1.0 * self.chance(i, 11)
            wobble = pyo.Sine(freq=rate, phase=self.chance(i, 13), mul=self.depth, add=1.0)
            desks.append(pyo.SuperSaw(freq * wobble, detune=0.32, bal=0.75, mul=0.24))
        self.desks = desks
        self.cutoff = pyo.SigTo(self._cutoff(self.v.brightness), time=0.5)
        self.bow_level = pyo.SigTo(self.v.bow, time=0.5, init=self.v.bow)
        bowed = pyo.Mix(
            [pyo.Pan(d, outs=2, pan=(i + 0.5) / len(desks) * 0.7 + 0.15)
             for i, d in enumerate(desks)], voices=2,
        )  # fmt: skip
        # rosin: the hair's noise on the string, above the bowed sound's upper range, louder as
        # the bow presses (the air of a string section, heard close)
        rosin = pyo.ButBP(
            self.ctx.noise("pink"),
            freq=ROSIN_HZ,
            q=0.7,
            mul=self.amp * self.amp * self.bow_level * 0.16,
        )
        # two poles: the saw's upper harmonics roll off as a body's do, and the bridge's hill
        # (below) keeps the brilliance a bowed string has
        body = pyo.ButLP(bowed, freq=self.cutoff)
        body = body + pyo.Pan(rosin, outs=2, pan=0.5)
        for hz, q, db in BODY:
            body = pyo.EQ(body, freq=hz, q=q, boost=db, type=0)
        self._body = body
        return body * self.amp

    @staticmethod
    def _cutoff(brightness: float) -> float:
        return 2000.0 * (10000.0 / 2000.0) ** brightness

    def changed(self, v) -> None:
        self.cutoff.value = self._cutoff(v.brightness)
        self.bow_level.value = v.bow

    def events(self, t0: float, t1: float) -> None:
        index = self.ctx.chord_index(t0)
        if index != self.chord_index:
            self.chord_index = index
            self.notes = self.voice_chord(t0, index, self.params.notes)
            self._tune()
        start, end = self.ctx.chord_time(index), self.ctx.chord_time(index + 1)
        u = (t0 - start) / max(end - start, 1e-6)
        breath = 0.5 - 0.5 * math.cos(math.tau * u)  # up and down across the chord
        self.amp.value = (1.0 - self.v.swell) + self.v.swell * breath
        # vibrato comes in as the bow settles into the note, and leaves as it lifts
        self.depth.value = 0.0045 * self.v.vibrato * min(1.0, 4.0 * u) * (0.4 + 0.6 * breath)
