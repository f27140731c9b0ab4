"""Every bundled scene over a whole form, as a room hears it: `make sound-check` (tens of minutes).

Each scene is calibrated over its first form (about ten minutes: the music's own loop) and
measured over the next, which the calibration never heard; the instruments alone (the textures
muted) over the first. The same figures `installation sound-report` prints. A scene:

- sits within 1.5 LU of its target, its short-term range (p95 - p10 of 3 s windows) at most
  12 LU, no 3 s window more than 9 LU over the target, its true peak under -1 dBFS;
- has air: its instruments' long-term slope from 500 Hz to 8 kHz between -6 and -3 dB an octave
  (the whole mix's between -7 and -2.5), at most 35 % of its power below 200 Hz;
- is in its key: at least 95 % of its tonal power on the notes of its key and mode;
- is wide without a phase problem: left and right correlated 0.2 to 0.85, above 0.6 below 250 Hz;
- has a form you can hear: its loudest minute at least 3 LU over its quietest, the development
  louder than the arrival, and the development's pitches unlike the statement's (their chromas
  correlated under 0.9).

magic-hour is also checked in `make test`; the rest are marked ``loops``.
"""

from __future__ import annotations

import pytest

from installation.paths import bundled_scenes
from installation.scene.loader import load_scene
from installation.sound.report import measure_scene

SCENES = [
    pytest.param(p, id=p.stem, marks=() if p.stem == "magic-hour" else pytest.mark.loops)
    for p in bundled_scenes()
]


@pytest.mark.parametrize("path", SCENES)
def test_a_form_sits_well_in_a_room(path):
    r = measure_scene(load_scene(path))
    s = r.stats
    figures = (
        f"{s.lufs:.1f} LUFS (target {s.target:g}), range {s.short_term_range:.1f} LU, loudest "
        f"{s.loudest_over_target:+.1f} LU, slope {s.slope:+.1f} dB/oct (instruments "
        f"{r.slope_instruments:+.1f}), {100 * s.mud:.0f} % below 200 Hz, peak "
        f"{s.true_peak:.1f} dBFS, {100 * r.in_key:.1f} % in key, L/R {s.correlation:.2f} "
        f"(bass {r.bass_correlation:.2f})"
    )
    print(f"{r.scene}: {figures}")  # shown by pytest -rP: the figures of a passing scene too
    assert abs(s.lufs - s.target) <= 1.5, figures
    assert s.short_term_range <= 12.0, figures
    assert s.loudest_over_target <= 9.0, figures
    assert s.true_peak <= -1.0, figures
    assert -6.0 <= r.slope_instruments <= -3.0, figures
    assert -7.0 <= s.slope <= -2.5, figures
    assert s.mud <= 0.35, figures
    assert r.in_key >= 0.95, figures
    assert 0.2 <= s.correlation <= 0.85, figures
    assert r.bass_correlation >= 0.6, figures
    form = r.form
    assert form is not None, "a whole form measured"
    shape = f"minutes {form.minutes}, sections {form.sections}, chroma {form.chroma}"
    print(f"{r.scene}: range {form.minute_range:.1f} LU, {shape}")
    assert form.minute_range >= 3.0, shape
    arrival, _, development, _ = form.sections
    assert development > arrival + 1.0, shape
    assert form.chroma[1][2] < 0.9, shape
