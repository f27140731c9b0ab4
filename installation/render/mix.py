"""A render's sound: the offline mix of a program, opened at the render's first frame.

One-process renders (``pipeline``) and render farms (``farm``) both render the sound here, once,
in order, exactly ``sr / fps`` samples per frame; the features of each frame's own samples are
what the audio-reactive layers follow. Each scene's loudness is calibrated first (once per
machine: the gain is kept), and ``render --loop``'s file gets a seam that is no seam.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from installation.crossfade import amplitudes
from installation.render.program import Program

if TYPE_CHECKING:
    from installation.sound.engine import OfflineMix

__all__ = ["SeamedMix", "open_mix"]


def open_mix(
    program: Program,
    fps: float,
    start: float,
    count: int,
    seam: float = 0.0,
    say: Callable[[str], None] | None = None,
) -> OfflineMix | SeamedMix:
    """The program's sound, ready to give frame ``round(start * fps)`` next (``mix_frame``).

    ``seam``: seconds over which the end of the ``count`` frames is crossfaded into the sound
    just before the first (``SeamedMix``). ``say`` is told what takes a while (a calibration,
    the sound rendered up to ``start``)."""
    from installation.sound.engine import OfflineMix
    from installation.sound.loudness import calibrate, calibration_notice

    for part in program.parts:
        notice = calibration_notice(part.scene)
        if say is not None and notice:
            say(notice)
    if say is not None and start > 0:
        say(f"rendering the sound up to {start:g} s first (what plays there follows it)")

    # calibration runs a server of its own: all of it before the mix's server starts
    gains = {id(part.scene): calibrate(part.scene) for part in program.parts if part.scene.sound}
    mix = OfflineMix(program.parts, fps, gain=lambda scene: gains[id(scene)])
    first = round(start * fps)
    if not seam:
        mix.skip_frames(first)
        return mix
    before = min(first, round(seam * fps))
    mix.skip_frames(first - before)
    tail = [mix.mix_frame(i)[0] for i in range(first - before, first)]
    return SeamedMix(mix, np.concatenate(tail), first, count)


class SeamedMix:
    """A mix whose last ``len(tail)`` samples fade into ``tail``: the sound just before the
    render's first frame, one loop earlier. A file that holds exactly one loop then repeats
    without a seam: its last sample is followed by the first as the sound itself would go on.

    The crossfade law (``installation.crossfade``, equal power): the two are the same scene a
    loop apart, alike in level and colour but not sample by sample, so their powers add."""

    def __init__(self, mix: OfflineMix, tail: np.ndarray, first: int, count: int):
        from installation.sound.engine import samples_per_frame

        self.mix, self.tail, self.sr = mix, tail, mix.sr
        total = sum(samples_per_frame(i, mix.fps, mix.sr) for i in range(first, first + count))
        self.fade_from = total - len(tail)  # output sample where the crossfade begins
        self.at = 0  # output samples so far

    def mix_frame(self, index: int) -> tuple[np.ndarray, dict]:
        samples, features = self.mix.mix_frame(index)
        start, self.at = self.at, self.at + len(samples)
        if self.at > self.fade_from:
            k = np.arange(start, self.at) - self.fade_from
            inside = k >= 0
            u = (k[inside] + 0.5) / len(self.tail)
            mixed = samples.copy()
            outgoing, incoming = amplitudes(u)
            mixed[inside] = (
                samples[inside] * outgoing[:, None] + self.tail[k[inside]] * incoming[:, None]
            )
            samples = mixed
        return samples, features

    def close(self) -> None:
        self.mix.close()
