"""Rates a loop changes (``scene.rates``): the warning says the rate the picture will run at,
and that figure is what the picture does, measured."""

from __future__ import annotations

import re

import numpy as np
from conftest import pixels

from installation.cli import main
from installation.scene.loader import load_scene
from installation.visuals.compositor import Compositor

DRIFT = """scene: case
loop: 60
visuals:
  - layer: sky
  - layer: skyline
    drift: 4
"""


def warnings_of(path) -> dict[tuple[int, int], str]:
    return {(w.line, w.column): w.message for w in load_scene(path).warnings}


def test_a_strip_drift_a_loop_raises_is_said_with_the_rate_it_runs_at(write):
    found = warnings_of(write(DRIFT))
    assert list(found) == [(6, 12)]
    message = found[6, 12]
    assert "'skyline.drift' runs at 32 px/s, not the 4 written (8x)" in message
    assert "at least one frame's width (1920 px at 1080 lines)" in message
    assert "write 32 to say what it does" in message


def test_the_warned_rate_is_what_the_picture_does(write):
    """Two frames 3 s apart at 640x360 (a strip is at least a frame wide, 640 px here, as 1920
    at 1080 lines): every plane of the skyline moved 3 s x 32 px/s, a third of it here."""
    scene = load_scene(write(DRIFT))
    (warning,) = scene.warnings
    said = float(re.search(r"runs at ([\d.]+) px/s", warning.message).group(1))
    compositor = Compositor(scene, (640, 360))
    a, b = (pixels(compositor.render(t)).astype(float).mean(axis=2) for t in (10.0, 13.0))
    expected = 3 * said * 360 / 1080
    for rows in (slice(190, 240), slice(240, 300), slice(300, 358)):  # far, middle, near
        errors = {
            s: np.abs(np.roll(a[rows], s, axis=1)[:, 130:-130] - b[rows][:, 130:-130]).mean()
            for s in range(-60, 61)
        }
        shift = min(errors, key=errors.get)
        assert abs(abs(shift) - expected) <= 1, (rows, shift, expected)


def test_a_rate_written_as_it_runs_is_no_warning(write):
    assert warnings_of(write(DRIFT.replace("drift: 4", "drift: 32"))) == {}
    assert warnings_of(write(DRIFT.replace("loop: 60", "loop: 480"))) == {}  # 1920 px a loop
    assert warnings_of(write(DRIFT.replace("loop: 60\n", ""))) == {}  # no loop, nothing fitted


def test_a_modulated_rate_is_judged_by_what_it_moves_in_a_loop(write):
    ramped = DRIFT + "timeline:\n  - at: 30\n    ramp: 10\n    set: {skyline.drift: 8}\n"
    (message,) = warnings_of(write(ramped)).values()
    # 4 px/s for 30 s, a 10 s ramp to 8 (6 on average), 8 for 20 s: 340 px a loop
    assert "runs at 32 px/s, not the 5.67 on average written" in message
    assert "scale its values by 5.647 to say what it does" in message


FORMS = """scene: case
loop: 60
visuals:
  - layer: sky
    opacity: {lfo: sine, period: 50, range: [0.5, 1]}
  - layer: haze
    density: {noise: 0.01, range: [0.2, 0.4]}
    opacity: {lfo: sine, period: 16, range: [0.5, 1]}
sound:
  voices:
    - voice: pad
      level: {keys: [[0, -20], [25, -16], [50, -20]], loop: true}
timeline:
  - at: 10
    set: {haze.density: {lfo: sine, period: 45, range: [0.2, 0.3]}}
"""


def test_periodic_values_fitted_far_from_their_words_are_said(write):
    found = warnings_of(write(FORMS))
    assert found == {
        (5, 34): "'sky.opacity' comes round every 60 s, not every 50 s as written: a whole "
        "number of cycles must fill the 60 s loop; write period: 60 (1 a loop) or 30 (2)",
        (7, 22): "'haze.density' wanders at 0.0167 cells a second, not the 0.01 written: a whole "
        "number of cells must fill the 60 s loop; write noise: 0.0167 (1 a loop) or 0.0333 (2)",
        (12, 21): "'sound.pad.level' comes round every 60 s, not every 50 s as written: a whole "
        "number of cycles must fill the 60 s loop; write keys that end at 60 (1 a loop) or 30 (2)",
        (15, 45): "'haze.density' comes round every 60 s, not every 45 s as written: a whole "
        "number of cycles must fill the 60 s loop; write period: 60 (1 a loop) or 30 (2)",
    }  # a 16 s LFO runs 4 cycles of 15 s: 6 % off, no warning


def test_validate_prints_them_exits_0_and_strict_fails(write, capsys):
    path = write(DRIFT)
    assert main(["validate", str(path)]) == 0
    assert f"{path}:6:12: warning: 'skyline.drift' runs at 32 px/s" in capsys.readouterr().out
    assert main(["validate", "--strict", str(path)]) == 2
