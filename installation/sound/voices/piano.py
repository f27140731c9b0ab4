"""piano: a modelled felt piano playing sparse generative phrases in the key.

Each note is a table made by ``piano_model`` (stiff unison strings, two-stage decay, a felt hammer
whose brightness follows the velocity, a soundboard, the halo of the strings that ring in
sympathy), three velocity layers per note of the scale. The tables decay to silence on their own;
the voice plays what depends on the moment, as a pianist's hands and foot do: a key is held for
``sustain`` seconds (a theme's note for its length), and when it is let go the damper falls on
the strings (a felt pad settling, a few tenths of a second), unless the pedal is down: then the
note rings on until the harmony changes and the pedal is lifted and pressed again. Nothing else
cuts a note: a new one takes a free string, or the one sounding longest.
"""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from pydantic import Field

from installation.lazy import pyo
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import scale_notes
from installation.sound.piano_model import LAYERS, note_seconds, piano_note
from installation.sound.voice import Voice
from installation.sound.voices._common import Register, contour_note

SLOTS = 12  # strings sounding at once (with the pedal down, notes overlap for seconds)
DAMPER = 0.3  # seconds the damper's felt takes to stop the strings
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
        3.5, description="seconds a key is held; then its damper falls, unless the pedal is down"
    )
    pedal: Annotated[float, Num(0, 1)] = Field(
        0.3,
        description="the sustain pedal: above 0 it is down, and a let-go note rings on until the "
        "chord changes (the pedal lifted and pressed again)",
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
        # a damper is up while the key is held or the pedal holds it; stop() lets it fall
        self.dampers = [
            pyo.Adsr(attack=0.001, decay=0.01, sustain=1.0, release=DAMPER, dur=0, mul=0.0)
            for _ in range(SLOTS)
        ]
        for damper in self.dampers:
            damper.setExp(1.6)  # the felt stops the strings quickly at first, then gently
        self.strings = pyo.Mix(
            [r * d for r, d in zip(self.readers, self.dampers, strict=True)], voices=1, mul=OUTPUT
        )
        #: each string's state: when it was struck, when its key is let go, when it is silent
        self.struck = [-math.inf] * SLOTS
        self.key_up = [-math.inf] * SLOTS
        self.silent = [-math.inf] * SLOTS
        self.damped = [True] * SLOTS
        self.now = 0.0
        self.last = 0  # the string struck last
        self.chord_index = self.ctx.chord_index(0.0)
        self.shelf = pyo.SigTo(self._shelf(self.v.tone), time=0.5, init=self._shelf(self.v.tone))
        return pyo.EQ(self.strings, freq=2500, q=0.7, boost=self.shelf, type=2)

    def _make(self, midi: int, layer: float) -> pyo.DataTable:
        """A note outside the scale the tables were made for (a theme's): made now, kept."""
        table = self.tables[(midi, layer)] = _table(piano_note(midi, layer, self.ctx.sr))
        return table

    @staticmethod
    def _shelf(tone: float) -> float:
        """The high shelf's gain in dB for ``tone``: -3 dB muffled to +6 dB clear."""
        return -3.0 + 9.0 * tone

    def changed(self, v) -> None:
        self.shelf.value = self._shelf(v.tone)

    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        self.strike(midi, velocity)
        self.key_up[self.last] = self.now + seconds  # a theme's note is held for its length

    def strike(self, midi: int, velocity: float) -> None:
        """Play ``midi`` at ``velocity`` (the nearest layer, scaled to the velocity asked), its key
        held ``sustain`` seconds."""
        layer = min(LAYERS, key=lambda v: abs(v - velocity))
        table = (
            self.tables[(midi, layer)] if (midi, layer) in self.tables else self._make(midi, layer)
        )
        i = self._free_string()
        self.readers[i].setTable(table)
        self.readers[i].freq = table.getRate()
        self.dampers[i].mul = (velocity / layer) ** 1.4
        self.readers[i].play()
        self.dampers[i].play()
        self.last = i
        self.struck[i] = self.now
        self.key_up[i] = self.now + self.v.sustain
        self.silent[i] = self.now + note_seconds(midi)
        self.damped[i] = False

    def _free_string(self) -> int:
        """A string that is silent (decayed or damped a while ago), else the one struck longest
        ago: by then the quietest."""
        quiet = [i for i in range(SLOTS) if self.now >= self.silent[i]]
        return quiet[0] if quiet else min(range(SLOTS), key=lambda i: self.struck[i])

    def _dampers(self, t: float, pedal_lifted: bool) -> None:
        """Let the dampers fall on the strings whose keys are up, if the pedal does not hold
        them: at once with the pedal up, when it is lifted with it down."""
        held_by_pedal = self.v.pedal > 0.0 and not pedal_lifted
        for i in range(SLOTS):
            if self.damped[i] or t < self.key_up[i] or held_by_pedal:
                continue
            self.dampers[i].stop()
            self.damped[i] = True
            self.silent[i] = min(self.silent[i], t + DAMPER)

    def keep_time(self, t0: float, t1: float) -> None:
        """The hands and the foot, whoever plays: keys let go, the pedal lifted at each change
        of chord."""
        self.now = t0
        index = self.ctx.chord_index(t0)
        self._dampers(t0, pedal_lifted=index != self.chord_index)
        self.chord_index = index

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
            scale = self._register(k * step)
            pool = [n for n in scale if n % 12 in chord.pitch_classes]
            if self.chance(motif, 1) >= p.chord_tones or not pool:
                pool = scale
            midi = contour_note(self.seed, motif / 4 + generation * 3, pool, speed=1 / 3)
            low, high = p.velocity
            self.strike(midi, low + (high - low) * self.chance(motif, 2))

    def _register(self, t: float) -> list[int]:
        """The notes of its scale it plays at ``t``: the part of its range the form's section
        moves it to (the top of it in the development), at least an octave of them."""
        low, high = self.register_at(t)
        inside = [n for n in self.scale if low <= n <= high]
        return inside if len(inside) >= 7 else self.scale


def _table(samples: np.ndarray) -> pyo.DataTable:
    """A pyo table holding ``samples``, filled through its buffer (no list of floats)."""
    table = pyo.DataTable(size=len(samples))
    np.asarray(table.getBuffer())[:] = samples
    return table
