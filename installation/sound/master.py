"""The master bus: the room (convolution), optional delay, gentle compression, gain, fades,
limiter.

The level is set by loudness calibration (``gain_db``, see loudness.py) so each scene sits at
its LUFS target; the limiter only guards the peak and a hard clip at the ceiling is the last
line that nothing passes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from installation.clock import Clock
from installation.lazy import pyo
from installation.scene.params import evaluate
from installation.scene.sound import MasterParams
from installation.sound.rooms import split_impulse

__all__ = ["Finish", "Master", "fade_gain"]

#: partitions of the two convolvers, in samples: at least the live server's buffer (512); the
#: early one short (it answers 11 ms late: a little pre-delay), the tail's a little longer
#: (cheaper; its file starts that much early, so it comes in on time)
EARLY_PARTITION = 512
TAIL_PARTITION = 4096
#: the ride: passages this many LU over the target are brought down, this much, this slowly
#: (at 3 LU it took the form's development down with the rest: the scenes whose place sounds
#: are loud then had minutes 2.1-2.9 LU apart, 3.0-3.9 at 5 LU, the loudest 3 s at most +4.5)
RIDE_ABOVE = 5.0
RIDE_RATIO = 2.5
RIDE_RISE, RIDE_FALL = 1.0, 2.5
#: the room's input is high-passed here, Hz
ROOM_LOW_CUT = 220.0
#: the wet signal's level against the dry at a send of 1 (rooms are scaled to unit energy)
WET = 1.0
#: CvlVerb's output comes back scaled by about this over its partition size (measured with
#: unit-energy responses at partitions of 512, 1024 and 2048: 0.0965, 0.0483, 0.0242)
CVLVERB_SCALE = 49.4


def _unity(partition: int) -> float:
    """The gain that brings a CvlVerb of ``partition`` back to the response's own level."""
    return partition / CVLVERB_SCALE


def _amp(db: float) -> float:
    return 10.0 ** (db / 20.0)


class Finish:
    """The master's last stage, after its gain: the ride, the limiter and the clip. Nothing
    before it depends on the gain, so calibration renders a scene once and plays that render
    through another ``Finish`` at each gain it tries (loudness.py): the same objects, the same
    arithmetic as the scene's own."""

    def __init__(self, gained: pyo.PyoObject, params: MasterParams):
        self.input = gained  # pyo objects live while Python holds them
        self.ride = self._ride(gained, params.loudness)
        ceiling = _amp(params.ceiling)
        self.limited = pyo.Compress(
            gained * self.ride, thresh=params.ceiling - 2.0, ratio=30, risetime=0.001,
            falltime=0.15, lookahead=5.0, knee=0.0,
        )  # fmt: skip
        self.output = pyo.Clip(self.limited, min=-ceiling, max=ceiling)

    def _ride(self, signal: pyo.PyoObject, target: float) -> pyo.PyoObject:
        """A slow hand on the fader: the gain that brings a passage louder than the target by
        more than RIDE_ABOVE back toward it, RIDE_RATIO to 1, over seconds (a room is not a
        broadcast: the loudest minute of a loop should not be 10 LU over its quiet ones).
        Both channels get the same gain, from the level of their sum: over a second and a half
        that level in dB reads within a decibel of short-term loudness (measured on renders)."""
        follower = pyo.Follower2(pyo.Mix(signal, voices=1), risetime=RIDE_RISE, falltime=RIDE_FALL)
        over = pyo.Max(pyo.AToDB(follower) - (target + RIDE_ABOVE), 0.0)
        self._ride_nodes = (follower, over)
        return pyo.DBToA(over * -(1.0 - 1.0 / RIDE_RATIO))


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
        sends: list[pyo.PyoObject],
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
        self.early = pyo.SigTo(v.early, time=0.5, init=v.early)
        self.tail = pyo.SigTo(v.tail, time=0.5, init=v.tail)
        wet = self._room(sends, Path(params.space))
        self.delay_send = pyo.SigTo(v.delay, time=0.5, init=v.delay)
        beat = clock.seconds_per_beat()
        echo = pyo.Delay(
            dry * self.delay_send, delay=[beat * 0.75, beat * 1.0], feedback=0.35, maxdelay=4
        )
        bus = dry + wet * self.send * WET + pyo.Tone(echo, freq=2500)
        glued = pyo.Compress(bus, thresh=-20, ratio=2.0, risetime=0.05, falltime=0.4, knee=0.6)
        self.gain = pyo.SigTo(0.0, time=0.05, init=0.0)
        # below 30 Hz nothing is music: DC, drift and rumble would only make the limiter pump
        gained = pyo.ButHP(pyo.DCBlock(glued), freq=30.0) * self.gain
        self.finish = Finish(gained, params)
        self.output = self.finish.output
        self._nodes = (dry, sends, wet, echo, bus, glued, gained)  # keep them alive

    def _room(self, sends: list[pyo.PyoObject], space: Path) -> pyo.PyoObject:
        """The voices' sends heard in ``space``: its early reflections and its tail through
        two convolvers, each at its own level. Each ear has its own response, so a mono send
        comes back wide."""
        early_file, tail_file = split_impulse(space, TAIL_PARTITION)
        # the room gets no lows: reverberant bass is mud (every mixing desk's habit)
        send = pyo.ButHP(pyo.Mix(sends, voices=1) if sends else pyo.Sig(0.0), freq=ROOM_LOW_CUT)
        self._send_filtered = send
        self._convolvers = tuple(
            pyo.CvlVerb([send, send], str(f), size=size, bal=1.0, mul=_unity(size))
            for f, size in ((early_file, EARLY_PARTITION), (tail_file, TAIL_PARTITION))
        )
        early, tail = self._convolvers
        return early * self.early + tail * self.tail

    def _values(self, t: float):
        return evaluate(self.params, self.clock.moment(t), self.tracks)

    def update(self, t: float) -> None:
        v = self._values(t)
        self.send.value = v.reverb
        self.early.value = v.early
        self.tail.value = v.tail
        self.delay_send.value = v.delay
        level = self.gain_db + v.volume + self.volume_offset
        self.gain.value = _amp(level) * fade_gain(t, self.params.fade, self.duration)
