"""The master bus: shared reverb, optional delay, gentle compression, gain, fades, limiter.

The level is set by loudness calibration (``gain_db``, see loudness.py) so each scene sits at
its LUFS target; the limiter only guards the peak and a hard clip at the ceiling is the last
line that nothing passes.
"""

from __future__ import annotations

from typing import Any

from installation.clock import Clock
from installation.lazy import pyo
from installation.scene.params import evaluate
from installation.scene.sound import MasterParams

__all__ = ["Master", "fade_gain"]


def _amp(db: float) -> float:
    return 10.0 ** (db / 20.0)


def fade_gain(t: float, fade: float, duration: float | None) -> float:
    """0..1: a smooth fade in over ``fade`` seconds, and out before the end of a finite scene."""
    if fade <= 0:
        return 1.0
    u = min(1.0, max(0.0, t / fade))
    if duration is not None:
        u = min(u, max(0.0, (duration - t) / fade))
    return u * u * (3 - 2 * u)


class Master:
    def __init__(
        self,
        inputs: list[pyo.PyoObject],
        params: MasterParams,
        tracks: dict[str, Any],
        clock: Clock,
        duration: float | None,
        gain_db: float,
    ):
        self.params, self.tracks, self.clock, self.duration = params, tracks, clock, duration
        self.gain_db = gain_db
        self.volume_offset = 0.0  # the technician's +/- keys, on top of the scene's own volume
        v = self._values(0.0)
        dry = pyo.Mix(inputs, voices=2) if inputs else pyo.Sig([0.0, 0.0])
        self.send = pyo.SigTo(v.reverb, time=0.5, init=v.reverb)
        # STRev decorrelates left and right; Freeverb runs one tuning per channel (mono in, mono out)
        wet = pyo.STRev(
            pyo.Mix(dry, voices=1), inpos=0.5, revtime=1.5 + 5.0 * params.room,
            cutoff=9000 - 7000 * params.damping, bal=1.0, roomSize=0.6 + 0.8 * params.room,
        )  # fmt: skip
        self.delay_send = pyo.SigTo(v.delay, time=0.5, init=v.delay)
        beat = clock.seconds_per_beat()
        echo = pyo.Delay(
            dry * self.delay_send, delay=[beat * 0.75, beat * 1.0], feedback=0.35, maxdelay=4
        )
        bus = dry + wet * self.send * 1.4 + pyo.Tone(echo, freq=2500)
        glued = pyo.Compress(bus, thresh=-20, ratio=2.0, risetime=0.05, falltime=0.4, knee=0.6)
        self.gain = pyo.SigTo(0.0, time=0.05, init=0.0)
        ceiling = _amp(params.ceiling)
        limited = pyo.Compress(
            pyo.DCBlock(glued) * self.gain, thresh=params.ceiling - 2.0, ratio=30, risetime=0.001,
            falltime=0.15, lookahead=5.0, knee=0.0,
        )  # fmt: skip
        # DC and sub-sonic drift are removed before the limiter, or they would make it pump
        self.output = pyo.Clip(limited, min=-ceiling, max=ceiling)
        self._nodes = (dry, wet, echo, bus, glued, limited)  # keep references alive

    def _values(self, t: float):
        return evaluate(self.params, self.clock.moment(t), self.tracks)

    def update(self, t: float) -> None:
        v = self._values(t)
        self.send.value = v.reverb
        self.delay_send.value = v.delay
        level = self.gain_db + v.volume + self.volume_offset
        self.gain.value = _amp(level) * fade_gain(t, self.params.fade, self.duration)
