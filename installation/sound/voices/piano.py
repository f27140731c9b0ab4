"""piano: a modelled felt piano playing sparse generative phrases in the key.

Each note is a table made by ``piano_model`` (stiff unison strings, two-stage decay, a felt hammer
whose brightness follows the velocity, a soundboard), three velocity layers per note of the scale.
Playing them, the voice adds what depends on the moment: the damper that ends a note after
``sustain`` seconds (a felt pad settling on the strings, not a cut), and with the pedal half down
the undamped strings of the chord ringing in sympathy.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import midi_to_hz, scale_notes
from installation.sound.piano_model import LAYERS, piano_note
from installation.sound.voice import Voice
from installation.sound.voices._common import Register, contour_note

SLOTS = 8  # notes sounding at once: a new one takes the oldest
DAMPER = 0.35  # seconds the damper's felt takes to stop the strings
#: the instrument's output: the same loudness at the same ``level`` as the FM piano the scenes
#: were balanced with, dry (measured at unity gain, reverb off: -38 LUFS both)
OUTPUT = 0.25


class PianoParams(VoiceParams):
    level: Annotated[float, Num(-80, 0)] = Field(-14.0, description="level in dB before the master")
    density: Annotated[float, Num(0, 1)] = Field(
        0.3, description="chance of a note on each eighth of a phrase"
    )
    pitch_range: Register = Field([57, 84], description="lowest and highest MIDI note")
    phrase: int = Field(7, ge=1, le=32, description="beats a phrase lasts")
    rest: int = Field(5, ge=0, le=32, description="beats of silence after each phrase")
    repeats: int = Field(3, ge=1, le=16, description="times a phrase comes back before it changes")
    chord_tones: float = Field(0.6, ge=0, le=1, description="share of notes taken from the chord")
    tone: Annotated[float, Num(0, 1)] = Field(
        0.35, description="the felt's brightness over the whole instrument: 0 muffled, 1 clear"
    )
    velocity: list[float] = Field(
        [0.25, 0.6], min_length=2, max_length=2, description="softest and loudest"
    )
    sustain: Annotated[float, Num(0.3, 8)] = Field(
        3.5, description="seconds a note rings before the damper falls on it"
    )
    pedal: Annotated[float, Num(0, 1)] = Field(
        0.3, description="the sustain pedal: the chord's strings ring in sympathy with the notes"
    )


@VOICES.register("piano")
class Piano(Voice[PianoParams]):
    """A modelled felt piano (below): sparse phrases and rests of unequal length that repeat, then
    mutate."""

    Params = PianoParams
    melodic = True

    def build(self) -> pyo.PyoObject:
        p = self.params
        self.scale = scale_notes(self.ctx.key, self.ctx.mode, *p.pitch_range)
        self.tables = {
            (midi, layer): _table(piano_note(midi, layer, self.ctx.sr))
            for midi in self.scale
            for layer in LAYERS
        }
        first = self.tables[(self.scale[0], LAYERS[0])]
        self.readers = [pyo.TableRead(first, freq=first.getRate(), loop=0) for _ in range(SLOTS)]
        for reader in self.readers:
            reader.stop()  # silent until struck
        self.dampers = [
            pyo.Adsr(
                attack=0.001, decay=0.01, sustain=1.0, release=DAMPER, dur=self.v.sustain, mul=0.0
            )
            for _ in range(SLOTS)
        ]
        self.strings = pyo.Mix(
            [r * d for r, d in zip(self.readers, self.dampers, strict=True)], voices=1, mul=OUTPUT
        )
        self.next = 0
        # the chord's strings, undamped by the pedal, ringing in sympathy (quietly, long)
        chord = self.ctx.chord_at(0.0)
        self.sympathy_freqs = [pyo.Sig(f) for f in _sympathetic(chord, p.pitch_range)]
        self.pedal = pyo.SigTo(self.v.pedal, time=0.5, init=self.v.pedal)
        self.sympathy = pyo.Waveguide(
            self.strings, freq=self.sympathy_freqs, dur=6.0, minfreq=40, mul=0.02
        )
        self.shelf = pyo.SigTo(self._shelf(self.v.tone), time=0.5, init=self._shelf(self.v.tone))
        body = self.strings + pyo.Mix(self.sympathy, voices=1) * self.pedal
        self.chord_index = 0
        return pyo.EQ(body, freq=2500, q=0.7, boost=self.shelf, type=2)

    def _make(self, midi: int, layer: float) -> pyo.DataTable:
        """A note outside the scale the tables were made for (a theme's): made now, kept."""
        table = self.tables[(midi, layer)] = _table(piano_note(midi, layer, self.ctx.sr))
        return table

    @staticmethod
    def _shelf(tone: float) -> float:
        """The high shelf's gain in dB for ``tone``: -6 dB muffled to +6 dB clear."""
        return -6.0 + 12.0 * tone

    def changed(self, v) -> None:
        self.shelf.value = self._shelf(v.tone)
        self.pedal.value = v.pedal
        for damper in self.dampers:
            damper.dur = v.sustain

    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        self.strike(midi, velocity)

    def strike(self, midi: int, velocity: float) -> None:
        """Play ``midi`` at ``velocity``: the nearest layer, scaled to the velocity asked."""
        layer = min(LAYERS, key=lambda v: abs(v - velocity))
        table = (
            self.tables[(midi, layer)] if (midi, layer) in self.tables else self._make(midi, layer)
        )
        i = self.next
        self.next = (i + 1) % SLOTS
        self.readers[i].setTable(table)
        self.readers[i].freq = table.getRate()
        self.dampers[i].mul = (velocity / layer) ** 1.4
        self.readers[i].play()
        self.dampers[i].play()

    def events(self, t0: float, t1: float) -> None:
        p = self.params
        step = self.ctx.clock.seconds_per_beat() / 2
        cycle = 2 * (p.phrase + p.rest)
        index = self.ctx.chord_index(t0)
        if index != self.chord_index:
            self.chord_index = index
            tones = _sympathetic(self.ctx.progression.chord(index), p.pitch_range)
            for sig, freq in zip(self.sympathy_freqs, tones, strict=True):
                sig.value = freq
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
            self.strike(midi, low + (high - low) * self.chance(motif, 2))


def _table(samples: np.ndarray) -> pyo.DataTable:
    """A pyo table holding ``samples``, filled through its buffer (no list of floats)."""
    table = pyo.DataTable(size=len(samples))
    np.asarray(table.getBuffer())[:] = samples
    return table


def _sympathetic(chord, pitch_range: list[int]) -> list[float]:
    """Three strings that ring in sympathy with a chord: its root an octave under the range,
    and its lowest two tones within it."""
    low = pitch_range[0]
    root = low - 12 + (chord.root - low) % 12
    tones = sorted(low + (pc - low) % 12 for pc in chord.pitch_classes)[:2]
    return [midi_to_hz(n) for n in (root, *tones)]
