"""recording: an artist's sound file from assets/, looped or scattered into a cloud, in the key.

Two ways to play it:

- ``loop``: the file (or the stretch of it from ``position``, ``length`` long) plays round and
  round, the end crossfaded into the start (equal power), so a room tone or a field recording
  runs for months with no seam;
- ``cloud``: short grains read from around ``position`` (with ``spread`` of jitter), ``density``
  a second, each with a soft envelope: a granular haze that keeps the file's colour and loses its
  time.

A recording that has a pitch says so with ``root`` (``A``, ``F#``): it is then transposed to the
scene's key (by the smallest step to its tonic), or with ``tune: chords`` to each chord's root as
the harmony moves. ``pitch`` adds semitones on top, and like ``position`` and ``density`` can move
on the timeline or follow an LFO.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from installation.lazy import pyo
from installation.scene.assets import Asset
from installation.scene.sound import KEYS, VOICES, VoiceParams
from installation.scene.values import Num
from installation.sound.harmony import NOTES
from installation.sound.voice import Voice

SOUND_FILES = (".wav", ".flac", ".aif", ".aiff", ".ogg")


class RecordingParams(VoiceParams):
    file: Annotated[str, Asset(*SOUND_FILES, what="a sound file")] = Field(
        description="the recording, e.g. assets/sounds/reed-organ-a.wav",
        examples=["assets/sounds/reed-organ-a.wav"],
    )
    mode: Literal["loop", "cloud"] = Field(
        "loop", description="loop: round and round, crossfaded; cloud: scattered grains"
    )
    root: Literal[KEYS] | None = Field(  # type: ignore[valid-type]
        None, description="the recording's own key note, if it has one: it is then tuned"
    )
    tune: Literal["key", "chords"] = Field(
        "key", description="with a root: to the scene's tonic, or to each chord's root"
    )
    pitch: Annotated[float, Num(-24, 24)] = Field(
        0.0, description="semitones up or down, on top of the tuning"
    )
    position: Annotated[float, Num(0, 1)] = Field(
        0.0, description="where in the file it plays from, 0..1"
    )
    length: float = Field(
        0.0, ge=0, le=3600, description="loop: seconds of it looped (0: to the file's end)"
    )
    crossfade: float = Field(
        1.5, ge=0.01, le=30, description="loop: seconds its end fades into its start"
    )
    density: Annotated[float, Num(0.5, 200)] = Field(12.0, description="cloud: grains a second")
    grain: float = Field(0.25, ge=0.01, le=2, description="cloud: seconds each grain lasts")
    spread: Annotated[float, Num(0, 1)] = Field(
        0.1, description="cloud: how far around the position grains read"
    )


@VOICES.register("recording")
class Recording(Voice[RecordingParams]):
    """An artist's sound file from ``assets/``, looped with an equal-power crossfade or scattered as
    a granular cloud; ``pitch``, ``position``, ``density`` move like any value; with a ``root`` it
    is tuned to the key or to each chord."""

    Params = RecordingParams

    def build(self) -> pyo.PyoObject:
        p = self.params
        _frames, seconds, rate = pyo.sndinfo(p.file)[:3]
        self.table = pyo.SndTable(p.file)
        self.seconds = seconds
        self.speed = rate / self.ctx.sr  # its own sample rate, played at the server's
        self.ratio = pyo.SigTo(self._ratio(0.0), time=0.05, init=self._ratio(0.0))
        self.position = pyo.SigTo(self.v.position, time=0.5, init=self.v.position)
        if p.mode == "loop":
            start = self.v.position * seconds
            length = p.length or max(0.05, seconds - start)
            fade = 100.0 * min(p.crossfade, length / 2) / length  # Looper takes percent
            return pyo.Looper(
                self.table, pitch=self.ratio, start=start, dur=length, xfade=fade, mode=1,
                xfadeshape=1, startfromloop=True, interp=4,
            )  # fmt: skip
        self.density = pyo.SigTo(self.v.density, time=0.5, init=self.v.density)
        self.spread = pyo.SigTo(self.v.spread, time=0.5, init=self.v.spread)
        self.envelope = pyo.HannTable()
        room = max(0.0, seconds - p.grain * 2)  # grains need their length after the pointer
        jitter = pyo.Randi(min=-1.0, max=1.0, freq=[7.0, 9.0])
        where = pyo.Clip(self.position + jitter * self.spread * 0.5, 0.0, 1.0) * room * rate
        self._nodes = (jitter, where)
        return pyo.Granule(
            self.table, self.envelope, dens=self.density, pitch=self.ratio, pos=where,
            dur=pyo.Randi(min=p.grain * 0.7, max=p.grain * 1.3, freq=3.0),
        )  # fmt: skip

    def _ratio(self, t: float) -> float:
        """The reading speed at ``t``: its rate, its tuning to the key or chord, ``pitch``."""
        p = self.params
        semitones = self.v.pitch
        if p.root is not None:
            target = self.ctx.chord_at(t).root if p.tune == "chords" else NOTES[self.ctx.key]
            step = (target - NOTES[p.root]) % 12
            semitones += step - 12 if step > 6 else step  # the nearer way, up or down
        return self.speed * 2 ** (semitones / 12)

    def changed(self, v) -> None:
        self.position.value = v.position
        if self.params.mode == "cloud":
            self.density.value = v.density
            self.spread.value = v.spread

    def events(self, t0: float, t1: float) -> None:
        self.ratio.value = self._ratio(t0)
