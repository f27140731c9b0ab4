"""A scene's sound measured over a whole form, as `installation sound-report` prints it and
`make sound-check` holds it.

The scene is calibrated over its first form (about ten minutes: the music's own loop) and
measured over the next, which the calibration never heard: its level and range, true peak,
long-term spectrum, stereo, the share of its notes in its key, and the form itself (loudness
minute by minute and section by section, how alike the sections are in the pitches they use).
The instruments alone (the textures muted) are measured over the first form, the one the
calibration heard (the textures come back, over a second, before the next): their spectrum is
what the instruments give the mix, not the rain. The room is measured from its impulse
response.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from installation.scene.models import Scene
from installation.sound.acoustics import RoomFigures, room_figures
from installation.sound.analysis import (
    SoundStats,
    band_correlation,
    band_share,
    sound_stats,
    spectral_slope,
)
from installation.sound.chroma import chroma_correlation, chroma_frames, key_pitch_classes
from installation.sound.loudness import calibrate, calibration_seconds, integrated_loudness

__all__ = ["FormFigures", "SceneReport", "measure_scene", "room_of"]

CHROMA_HOP = 0.5  # seconds between the chroma's frames


@dataclass
class FormFigures:
    """The form over the measured span: loudness a minute, loudness and pitch content a
    section (arrival, statement, development, return)."""

    minutes: list[float]  # LUFS of each whole minute
    sections: list[float]  # LUFS of each section
    chroma: list[list[float]]  # correlation of the sections' chromas, 4 x 4

    @property
    def minute_range(self) -> float:
        finite = [m for m in self.minutes if math.isfinite(m)]
        return max(finite) - min(finite) if finite else 0.0


@dataclass
class SceneReport:
    scene: str
    seconds: float  # measured
    gain: float  # dB, from the calibration
    stats: SoundStats
    in_key: float  # share of the tonal power in the scene's key
    slope_instruments: float  # dB per octave, the textures muted
    air_instruments: float  # share of the instruments' power above 4 kHz
    bass_correlation: float  # left and right below 250 Hz
    room: RoomFigures
    speed: float  # seconds of sound made per second of work, the render of both forms
    form: FormFigures | None = field(default=None)


def room_of(scene: Scene) -> RoomFigures:
    """The Schroeder figures of the room the scene is heard in."""
    from installation.sound.rooms import _read

    assert scene.sound is not None
    samples, sr = _read(Path(scene.sound.master.space))
    return room_figures(samples, sr)


def _form_figures(x: np.ndarray, frames: np.ndarray, sr: int, section: float) -> FormFigures:
    minutes = [integrated_loudness(x[i * 60 * sr : (i + 1) * 60 * sr], sr)
               for i in range(len(x) // (60 * sr))]  # fmt: skip
    cuts = [round(i * section * sr) for i in range(5)]
    sections = [integrated_loudness(x[a:b], sr) for a, b in itertools.pairwise(cuts)]
    per = [frames[round(a / sr / CHROMA_HOP) : round(b / sr / CHROMA_HOP)].sum(axis=0)
           for a, b in itertools.pairwise(cuts)]  # fmt: skip
    chroma = [[round(chroma_correlation(a, b), 3) for b in per] for a in per]
    return FormFigures(minutes, sections, chroma)


def _in_key(frames: np.ndarray, key: str, mode: str) -> float:
    total = frames.sum(axis=0)
    if total.sum() == 0:
        return 1.0
    return float(sum(total[pc] for pc in key_pitch_classes(key, mode)) / total.sum())


def measure_scene(scene: Scene, seconds: float | None = None) -> SceneReport:
    """Calibrate ``scene`` over its first form and measure the next (or ``seconds`` of it): one
    render of both."""
    from installation.sound.engine import SAMPLE_RATE as SR
    from installation.sound.engine import OfflineSound

    sound_params = scene.sound
    assert sound_params is not None, "only a scene with sound is measured"
    first = calibration_seconds(scene)
    measured = seconds or first
    gain = calibrate(scene)
    start = time.perf_counter()
    with OfflineSound(scene, gain_db=gain) as sound:
        sound.mute_textures()  # the first form: the instruments alone
        instruments = sound.render(first)
        sound.mute_textures(False)  # the next: everything, as the room hears it
        x = sound.render(measured)
        form = sound.graph.ctx.form
    speed = (first + measured) / (time.perf_counter() - start)
    stats = sound_stats(x, SR, sound_params.master.loudness)
    frames = chroma_frames(x, SR, CHROMA_HOP)
    section = form.section_seconds if form is not None else None
    return SceneReport(
        scene=scene.id,
        seconds=round(len(x) / SR, 3),
        gain=gain,
        stats=stats,
        in_key=_in_key(frames, sound_params.key, sound_params.mode),
        slope_instruments=spectral_slope(instruments, SR),
        air_instruments=band_share(instruments, SR, 4000.0, SR / 2 + 1),
        bass_correlation=band_correlation(x, SR, 30.0, 250.0),
        room=room_of(scene),
        speed=speed,
        form=_form_figures(x, frames, SR, section) if section and measured >= 4 * section else None,
    )
