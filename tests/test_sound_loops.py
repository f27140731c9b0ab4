"""Every bundled scene over a whole loop, as a room hears it: `make sound-check` (minutes).

Each scene is calibrated over its first loop and measured over the next, which the calibration
never heard (the same figures `installation sound-report` prints): it lands within 1.5 LU of its
target, its short-term loudness range (p95 - p10 of 3 s windows) is at most 12 LU, no 3 s window
is more than 9 LU over the target, its long-term slope from 500 Hz to 8 kHz lies between -9 and
-3 dB an octave, at most 35 % of its power is below 200 Hz, and its true peak stays under -1 dBFS.
magic-hour is also checked in `make test`; the rest are marked ``loops``.
"""

from __future__ import annotations

import pytest

from installation.paths import bundled_scenes
from installation.scene.loader import load_scene
from installation.sound.analysis import sound_stats
from installation.sound.engine import SAMPLE_RATE as SR
from installation.sound.engine import OfflineSound
from installation.sound.loudness import calibrate, calibration_seconds

SCENES = [
    pytest.param(p, id=p.stem, marks=() if p.stem == "magic-hour" else pytest.mark.loops)
    for p in bundled_scenes()
]


@pytest.mark.parametrize("path", SCENES)
def test_a_loop_sits_well_in_a_room(path):
    scene = load_scene(path)
    first = calibration_seconds(scene)
    with OfflineSound(scene, gain_db=calibrate(scene)) as sound:
        x = sound.render(2 * first)[int(first * SR) :]
    s = sound_stats(x, SR, scene.sound.master.loudness)
    figures = (
        f"{s.lufs:.1f} LUFS (target {s.target:g}), range {s.short_term_range:.1f} LU, loudest "
        f"{s.loudest_over_target:+.1f} LU, slope {s.slope:+.1f} dB/oct, {100 * s.mud:.0f} % "
        f"below 200 Hz, peak {s.true_peak:.1f} dBFS"
    )
    assert abs(s.lufs - s.target) <= 1.5, figures
    assert s.short_term_range <= 12.0, figures
    assert s.loudest_over_target <= 9.0, figures
    assert -9.0 <= s.slope <= -3.0, figures
    assert s.mud <= 0.35, figures
    assert s.true_peak <= -1.0, figures
