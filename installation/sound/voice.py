"""The Voice base class. One module per voice in ``installation/sound/voices/``.

A voice builds its pyo objects once (``build``), and is then ticked block by block with the
scene time: ``events(t0, t1)`` starts the notes due in [t0, t1). Every musical decision is a
pure function of the seed and a step index (``chance``, ``pick``), so the realtime player and
the offline renderer play the same score.

pyo rule, learned the hard way: ``a + b`` keeps the result alive from ``a``, not ``a`` from the
result. A Python wrapper used only inside an expression can be collected, and with it any
table it holds, while its C object plays on and reads freed memory (a segfault within
seconds). Keep every table, and every object you only use inside an expression, on ``self``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from installation.clock import Clock
from installation.lazy import pyo
from installation.registry import summary_of
from installation.scene.params import evaluate
from installation.scene.sound import VOICES, VoiceParams
from installation.scene.values import _hash01, stable_seed
from installation.sound.form import Form
from installation.sound.harmony import Chord, Progression, midi_to_hz
from installation.sound.noise import NoiseBank

__all__ = ["VOICES", "ChordVoice", "Pool", "Voice", "VoiceContext", "db_to_amp"]


def db_to_amp(db: float) -> float:
    return 10.0 ** (db / 20.0)


@dataclass
class VoiceContext:
    """What every voice of a scene shares: sample rate, clock, key and harmony."""

    sr: int
    clock: Clock
    key: str
    mode: str
    progression: Progression
    bars_per_chord: float
    seed: int
    #: the music's shape over the loop (None: as the scene's values say, unshaped)
    form: Form | None = None
    #: whether a chord sounding from t0 to t1 is re-harmonised (under the theme's peak)
    reharmonised: Callable[[float, float], bool] = lambda t0, t1: False
    #: noise readers from shared tables: ``self.ctx.noise("pink", mul=...)``
    noise: NoiseBank = field(default_factory=NoiseBank)

    def chord_index(self, t: float) -> int:
        return math.floor(self.clock.bar_at(t) / self.bars_per_chord)

    def chord(self, index: int) -> Chord:
        """Chord ``index`` of the progression, or its relative where the theme re-harmonises."""
        if self.reharmonised(self.chord_time(index), self.chord_time(index + 1)):
            return self.progression.relative(index)
        return self.progression.chord(index)

    def chord_at(self, t: float) -> Chord:
        return self.chord(self.chord_index(t))

    def chord_time(self, index: int) -> float:
        """When chord ``index`` begins, in seconds."""
        return (
            index * self.bars_per_chord * self.clock.beats_per_bar * self.clock.seconds_per_beat()
        )


V = TypeVar("V", bound=VoiceParams)


class Voice(Generic[V]):
    """A voice: ``build`` returns a mono or stereo pyo object; the base adds level and pan."""

    name: ClassVar[str]
    Params: ClassVar[type[VoiceParams]] = VoiceParams
    #: plays notes: the form shapes its density and level, and the theme may be given to it
    melodic: ClassVar[bool] = False
    #: a sound of the place, not an instrument (rain, sea, wind, city, room air, a train): left
    #: out where the instruments alone are measured, and never shaped by the form
    texture: ClassVar[bool] = False
    #: plays chords, and can sing the theme in its top line over them (strings, pad)
    carries_theme: ClassVar[bool] = False

    def __init__(self, params: V, ctx: VoiceContext, address: str, tracks: dict[str, Any]):
        self.params: V = params
        self.ctx = ctx
        self.address = address
        self.tracks = tracks
        self.seed = stable_seed(ctx.seed, address)
        #: its own notes wait until then: the theme is being played on it
        self.quiet_until = -math.inf
        #: its part in the form: (melodic, rank among those); None: not shaped (a texture)
        self.role: tuple[bool, int] | None = None
        v = self.values(0.0)
        self.v = v
        self._level = pyo.SigTo(db_to_amp(v.level), time=0.3, init=db_to_amp(v.level))
        self._pan = pyo.SigTo(0.5 + 0.5 * v.pan, time=0.3, init=0.5 + 0.5 * v.pan)
        self._send = pyo.SigTo(v.send, time=0.3, init=v.send)
        self.source = self.build()
        if len(self.source) >= 2:  # a stereo voice keeps its own image; pan does not apply
            self.output = pyo.Mix(self.source, voices=2) * self._level
        else:
            self.output = pyo.Pan(self.source * self._level, outs=2, pan=self._pan)
        #: what this voice sends to the room, mono (the room makes its own stereo)
        self.send_output = pyo.Mix(self.output, voices=1) * self._send

    # -- for subclasses -------------------------------------------------------------------
    def build(self) -> pyo.PyoObject:
        raise NotImplementedError

    def keep_time(self, t0: float, t1: float) -> None:
        """Called every block before any note, whether the voice plays its own notes or the
        theme's: what goes on regardless (a pianist letting keys go, lifting the pedal)."""

    def events(self, t0: float, t1: float) -> None:
        """Start whatever is due in [t0, t1). Default: nothing (drones, textures)."""

    def changed(self, v: V) -> None:
        """Modulated parameters moved (called about 20 times a second)."""

    def cue(self, name: str) -> None:
        """A timeline cue fired (``train-pass`` and the like)."""

    @classmethod
    def answers(cls, params: Any) -> set[str]:
        """The timeline cues this voice, with these parameters, does something on (checking a
        scene warns of a cue nobody answers)."""
        return set()

    # -- helpers ----------------------------------------------------------------------------
    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        """Play one note of the theme (melodic voices)."""
        raise NotImplementedError

    def release(self) -> None:
        """The theme's statement on this voice has ended (a held voice lets go)."""

    def register(self) -> tuple[int, int]:
        """The lowest and highest note it plays, as written."""
        low, high = getattr(self.params, "pitch_range", (48, 84))
        return int(low), int(high)

    def register_at(self, t: float) -> tuple[int, int]:
        """Its range at ``t``: as written, moved by the form's section (up in the development,
        down in the arrival)."""
        low, high = self.register()
        shift = self.ctx.form.register(t) if self.ctx.form is not None else 0
        return low + shift, high + shift

    def voice_chord(self, t: float, index: int, count: int) -> list[int]:
        """Chord ``index`` voiced in ``count`` notes in its range at ``t``, led on from the last
        voicing (afresh in a new section), over the section's pedal in the bass if it has one."""
        from installation.sound.harmony import MODES, NOTES, voice_lead

        low, high = self.register_at(t)
        previous = getattr(self, "notes", None) if self._same_section(t) else None
        notes = voice_lead(previous, self.ctx.chord(index), count, low, high)
        degree = self.ctx.form.pedal(t) if self.ctx.form is not None else None
        if degree is not None and count > 1:
            steps = MODES["major"] if self.ctx.mode == "pentatonic" else MODES[self.ctx.mode]
            pc = (NOTES[self.ctx.key] + steps[(degree - 1) % 7]) % 12
            # under the other voices, as close as it can be to them
            bass = next(n for n in range(notes[1] - 1, notes[1] - 13, -1) if n % 12 == pc)
            notes = [bass, *notes[1:]]
        return notes

    def _same_section(self, t: float) -> bool:
        """False the first time it is asked in a new section of the form (a chordal voice then
        voices its chord afresh in the section's register, not led on from the last one)."""
        form = self.ctx.form
        index = form.index(t) if form is not None else 0
        same = index == getattr(self, "_section", index)
        self._section = index
        return same

    def values(self, t: float) -> V:
        v = evaluate(self.params, self.ctx.clock.moment(t), self.tracks)
        form, role = self.ctx.form, self.role
        if form is not None and role is not None:  # the form: who plays, how loud, how much
            melodic, rank = role
            shaped: dict[str, float] = {"level": v.level + form.level_db(t, melodic, rank)}
            density = getattr(v, "density", None)
            if melodic and density is not None:
                shaped["density"] = min(1.0, density * form.density(t, rank))
            v = v.model_copy(update=shaped)
        return v

    def chance(self, step: int, salt: int = 0) -> float:
        """A number in [0, 1) that is the same for this voice, step and salt on every run."""
        return _hash01(self.seed + 7919 * salt, step)

    def pick(self, options: list, step: int, salt: int = 0) -> Any:
        return options[int(self.chance(step, salt) * len(options))]

    def update(self, t: float) -> None:
        v = self.values(t)
        self.v = v
        self._level.value = db_to_amp(v.level)
        self._pan.value = 0.5 + 0.5 * v.pan
        self._send.value = v.send
        self.changed(v)

    @classmethod
    def summary(cls) -> str:
        return summary_of(cls)

    @staticmethod
    def steps_between(t0: float, t1: float, step: float, offset: float = 0.0) -> range:
        """Indices k with ``t0 <= offset + k * step < t1``."""
        first = math.ceil((t0 - offset) / step - 1e-9)
        last = math.ceil((t1 - offset) / step - 1e-9)
        return range(first, last)


class ChordVoice(Voice[V]):
    """A voice that holds a chord, one oscillator a note (``freqs``, glided to ``notes``), and
    can sing the theme in its top line over it (``carries_theme``): the pad, the strings. The
    subclass sets ``notes`` and ``freqs`` in ``build`` and calls ``_tune`` when ``notes``
    change."""

    carries_theme: ClassVar[bool] = True
    notes: list[int]
    freqs: list[Any]
    #: the theme's note in the top line, while it is given one
    sung: int | None = None
    chord_index: int | None = None

    def play_note(self, midi: int, velocity: float, seconds: float) -> None:
        """The theme in the top line: its highest note sings the melody over the chord."""
        self.sung = midi
        self._tune()

    def release(self) -> None:
        self.sung = None
        self.chord_index = None  # voiced afresh at the next block

    def _tune(self) -> None:
        notes = sorted(self.notes)
        if self.sung is not None:
            notes[-1] = self.sung
        for freq, note in zip(self.freqs, notes, strict=True):
            freq.value = midi_to_hz(note)


class Pool:
    """Round-robin polyphony: ``size`` copies of a note made by ``make(freq, env)``."""

    def __init__(self, size: int, make, attack: float, decay: float, release: float = 1.0):
        self.freqs = [pyo.Sig(220.0) for _ in range(size)]
        self.envs = [
            pyo.Adsr(
                attack=attack,
                decay=decay,
                sustain=0.0,
                release=release,
                dur=attack + decay,
                mul=0.0,
            )
            for _ in range(size)
        ]
        self.notes = [make(f, e) for f, e in zip(self.freqs, self.envs, strict=True)]
        self.mix = pyo.Mix(self.notes, voices=1)
        self.next = 0

    def play(self, freq: float, velocity: float) -> None:
        i = self.next
        self.next = (i + 1) % len(self.freqs)
        self.freqs[i].value = freq
        self.envs[i].mul = velocity
        self.envs[i].play()


VOICES = VOICES  # re-exported: voices register on the registry defined with the models
