"""A scene's sound as one pyo graph: voices → master bus → out, with feature followers.

The graph does not care how time advances: the offline renderer ticks it block by block
between ``server.process()`` calls; the realtime player ticks it from a pyo ``Pattern``.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from installation.lazy import pyo
from installation.scene import followers
from installation.scene.models import Scene
from installation.scene.sound import VOICES
from installation.sound.form import Form, invent_theme
from installation.sound.harmony import DEFAULT_CHORDS, Progression, misreadings
from installation.sound.master import Master
from installation.sound.theme import ThemePlayer
from installation.sound.voice import Voice, VoiceContext

__all__ = ["FEATURE_FLOOR_DB", "SoundGraph", "followed_voices"]

log = logging.getLogger("installation.sound")

FEATURE_FLOOR_DB = -60.0  # levels map from this (0) to 0 dBFS (1)
UPDATE_EVERY = 0.05  # seconds between parameter updates of voices and master


class _Follow:
    """Smoothed level and three bands of one signal, for audio-reactive layers."""

    def __init__(self, signal: pyo.PyoObject):
        mono = pyo.Mix(signal, voices=1)
        self.meters = {
            "rms": pyo.Follower(mono, freq=6),
            "low": pyo.Follower(pyo.ButLP(mono, freq=250), freq=6),
            "mid": pyo.Follower(pyo.ButBP(mono, freq=1200, q=0.8), freq=6),
            "high": pyo.Follower(pyo.ButHP(mono, freq=4000), freq=6),
        }

    def read(self) -> dict[str, float]:
        return {band: _level(meter.get()) for band, meter in self.meters.items()}


def _level(amplitude: float) -> float:
    if not amplitude > 1e-9:  # also catches NaN
        return 0.0
    db = 20.0 * math.log10(amplitude)
    return min(1.0, max(0.0, (db - FEATURE_FLOOR_DB) / -FEATURE_FLOOR_DB))


def followed_voices(scene: Scene) -> set[str]:
    """The voices whose level and bands the picture reads (``scene.followers`` says which, and
    from where); the master always, which the player watches."""
    return {"master"} | followers.followed_voices(scene)


def harmony_of(scene: Scene) -> tuple[list[str], float, float]:
    """Chords, bars per chord and wander: from the first voice that names chords, else the mode's
    own four (``DEFAULT_CHORDS``)."""
    for entry in scene.voices:
        chords = getattr(entry.params, "chords", None)
        if chords:
            bars, wander = (getattr(entry.params, k) for k in ("bars_per_chord", "wander"))
            return list(chords), bars, wander
    assert scene.sound is not None
    return list(DEFAULT_CHORDS[scene.sound.mode]), 2.0, 0.0


class SoundGraph:
    """Builds every voice and the master on the current pyo server."""

    def __init__(self, scene: Scene, sr: int, gain_db: float = 0.0):
        sound = scene.sound
        assert sound is not None, "a sound graph is made only for a scene with sound"
        self.scene = scene
        chords, bars, wander = harmony_of(scene)
        progression = Progression(chords, sound.key, sound.mode, scene.seed, wander)
        for message in misreadings(chords, sound.key, sound.mode):
            log.warning("%s: %s (played as the mode has it)", scene.id, message)
        self.ctx = VoiceContext(
            sr, scene.clock, sound.key, sound.mode, progression, bars, scene.seed
        )
        form = Form.for_tempo(scene.clock.seconds_per_beat() * scene.clock.beats_per_bar)
        if sound.form:
            self.ctx.form = form
        self.theme = self._theme(scene, form)
        self.ctx.reharmonised = self._reharmonised
        self.voices: list[Voice] = []
        for entry in scene.voices:
            cls = VOICES[entry.kind]
            self.voices.append(cls(entry.params, self.ctx, entry.address, entry.tracks))
        if self.theme is not None:
            self.theme.cast(self.voices, sound.theme)
        self._cast_roles()
        master_tracks = scene.master.tracks if scene.master else {}
        self.master = Master(
            [v.output for v in self.voices],
            [v.send_output for v in self.voices],
            sound.master,
            master_tracks,
            scene.clock,
            scene.duration,
            gain_db,
        )
        self.output = self.master.output
        # a follower costs about 3 ms of CPU a second of sound: only the voices a layer follows
        # (and the master, which the player watches) have one
        wanted = followed_voices(scene)
        self.follows = {
            name: _Follow(v.output)
            for v in self.voices
            if (name := v.address.removeprefix("sound.")) in wanted
        }
        self.follows["master"] = _Follow(self.output)
        self._next_update = 0.0
        self.failed: set[Voice] = set()

    def tick(self, t0: float, t1: float) -> None:
        """Advance the score over [t0, t1): parameters, cues, then the notes that fall due.

        A voice that raises is muted and left out from then on (logged once); the rest play on.
        """
        update = t0 >= self._next_update
        if update:
            self.master.update(t0)
            self._next_update = t0 + UPDATE_EVERY
        cues = self.scene.clock.cues_between(t0, t1)
        sounding = [v for v in self.voices if v not in self.failed]
        for voice in sounding:
            self._guarded(voice, voice.keep_time, t0, t1)
            if update:
                self._guarded(voice, voice.update, t0)
        if self.theme is not None:
            self.theme.tick(t0, t1)
        for voice in sounding:
            for cue in cues:
                self._guarded(voice, voice.cue, cue.name)
            if voice.quiet_until <= t0:  # not while it plays the theme
                self._guarded(voice, voice.events, t0, t1)

    def _guarded(self, voice: Voice, call: Any, *args: Any) -> None:
        """``call(*args)``; a voice that raises is muted and left out from then on."""
        if voice in self.failed:
            return
        try:
            call(*args)
        except Exception:
            self.failed.add(voice)
            voice.output.mul = 0.0
            log.exception("voice '%s' failed and is muted; the rest plays on", voice.address)

    def _cast_roles(self) -> None:
        """Each voice's part in the form: melodic voices ranked with the theme's own first, the
        harmonic ones (pad, strings, a recording) in the order written; textures none."""
        cast = self.theme.cast_voices if self.theme is not None else []
        melodic = [v for v in cast if v.melodic]
        melodic += [v for v in self.voices if v.melodic and v not in melodic]
        for rank, voice in enumerate(melodic):
            voice.role = (True, rank)
        bed = [v for v in self.voices if not v.melodic and not v.texture]
        for rank, voice in enumerate(bed):
            voice.role = (False, rank)
        for voice in self.voices:
            voice.update(0.0)  # their levels as the form has them from the first sample

    def _reharmonised(self, t0: float, t1: float) -> bool:
        """Whether a chord over [t0, t1) is played as its relative: in a section of the form that
        re-harmonises, or under a statement of the theme that asks for it."""
        form = self.ctx.form
        if form is not None and form.reharmonised(t0, t1):
            return True
        return self.theme is not None and self.theme.reharmonised(t0, t1)

    def _theme(self, scene: Scene, form: Form) -> ThemePlayer | None:
        assert scene.sound is not None
        chosen = scene.sound.theme
        if chosen is None or not any(VOICES[e.kind].melodic for e in scene.voices):
            return None
        if chosen.degrees:
            degrees = list(chosen.degrees)
            beats = list(chosen.beats or [1.0] * len(degrees))
        else:
            degrees, beats = invent_theme(scene.seed)
        return ThemePlayer(degrees, beats, form, self.ctx)

    def release(self) -> None:
        """Break the graph's cycle (the harmony asks the graph whether to re-harmonise, and the
        graph holds the harmony's context), so that letting the graph go frees it at once, its tables of megabytes
        included, by reference counting. Left to the garbage collector, a graph lingers until
        a full collection, which holds the sound process's GIL for long enough to starve the
        audio thread (measured: 18 underruns in 10 minutes of scene changes every 7 s)."""
        self.ctx.reharmonised = VoiceContext.reharmonised  # the theme is still there to read

    def jumped(self) -> None:
        """The score was moved to another time: update every parameter on the next tick."""
        self._next_update = -1e9

    def features(self) -> dict[str, dict[str, float]]:
        return {name: follow.read() for name, follow in self.follows.items()}

    def out(self) -> Any:
        return self.output.out()
