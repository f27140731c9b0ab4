"""One time model, tested over hours: loops repeat exactly, rates integrate, nothing freezes.

An exhibit plays a scene for hours; these tests look past the first loop: frames one and three
loops later, samples inside ramps, motion through ramps, and a seam like any other frame.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import pixels

from installation.clock import Change, Clock, Cue, Motion, Track, landed
from installation.paths import bundled_scenes
from installation.scene.loader import load_scene, parse_scene
from installation.scene.values import Const, Moment, fit_rate, parse_value
from installation.visuals.compositor import Compositor

SIZE = (320, 180)
LOOPING = [p for p in bundled_scenes() if load_scene(p).clock.loop]


def blocks(image: np.ndarray, n: int = 8) -> np.ndarray:
    """Means of n x n blocks: what the eye compares, with film grain averaged away."""
    h, w = image.shape[0] // n * n, image.shape[1] // n * n
    return image[:h, :w].reshape(h // n, n, w // n, n, 3).mean(axis=(1, 3))


def inside_ramps(scene) -> list[float]:
    """The middle of every timed ramp of the scene's timeline, where tracks move fastest."""
    moments = set()
    for entry in (*scene.layers, *scene.post):
        for track in entry.tracks.values():
            moments |= {c.at + c.ramp / 2 for c in track.changes if c.ramp > 0}
    return sorted(moments)[:4]


def test_at_least_eight_scenes_loop():
    assert len(LOOPING) >= 8


@pytest.mark.parametrize("path", LOOPING, ids=lambda p: p.stem)
def test_frames_repeat_one_and_three_loops_later(path):
    """frame(t + k*loop) == frame(t): a loop rendered to a file loops seamlessly anywhere."""
    scene = load_scene(path)
    loop = scene.clock.loop
    for t in [1.0, loop * 0.61, *inside_ramps(scene)]:
        first = blocks(pixels(Compositor(scene, SIZE).render(t)))
        for k in (1, 3):
            later = blocks(pixels(Compositor(scene, SIZE).render(t + k * loop)))
            assert np.abs(first - later).max() < 0.5, f"{path.stem} at {t:.1f} s, {k} loop(s) on"


@pytest.mark.parametrize("path", LOOPING, ids=lambda p: p.stem)
def test_the_seam_is_a_frame_like_any_other(path):
    """The step from the loop's last frame to its first is no bigger than steps within it."""
    scene = load_scene(path)
    compositor = Compositor(scene, SIZE)
    loop = scene.clock.loop

    def step(t: float) -> float:
        a = blocks(pixels(compositor.render(t - 1 / 30)))
        return np.abs(a - blocks(pixels(compositor.render(t)))).mean()

    # steps differ (a strip steps a pixel on some frames only): the largest of a few frames at
    # seven moments of the loop is what an ordinary step may be
    within = max(step(loop * k / 8 + i / 30) for k in range(1, 8) for i in range(4))
    assert step(loop) < within * 1.5 + 0.5, (step(loop), within)


@pytest.mark.parametrize("path", LOOPING, ids=lambda p: p.stem)
def test_every_parameter_returns_to_its_start_at_the_seam(path):
    """Keyed, modulated and ramped values alike end each loop where they begin it."""
    scene = load_scene(path)
    clock = scene.clock
    for entry in (*scene.layers, *scene.post, *scene.voices):
        for name, track in entry.tracks.items():
            start = track.at(clock.moment(0.0))
            end = track.at(clock.moment(clock.loop - 1e-3))
            if isinstance(start, tuple):  # a colour: back within one level
                assert max(abs(a - b) for a, b in zip(start, end, strict=True)) <= 1, name
                continue
            scale = max(1.0, abs(start))
            assert end == pytest.approx(start, abs=0.03 * scale), f"{entry.address}.{name}"


def test_os_awakens_shows_its_emblem_in_every_loop():
    """It lost its emblem after the first loop (absolute-time keys held their end)."""
    scene = load_scene(next(p for p in bundled_scenes() if p.stem == "os-awakens"))
    frames = {t: pixels(Compositor(scene, SIZE).render(t)) for t in (60.0, 180.0, 60.0 + 10 * 120)}
    for t, image in frames.items():
        centre = image[70:110, 140:180].mean()
        edge = image[:, :40].mean()
        assert centre > edge + 15, f"no emblem at {t} s ({centre:.0f} vs {edge:.0f})"
    assert np.abs(blocks(frames[60.0]) - blocks(frames[180.0])).max() < 0.5


def test_looped_keys_lfos_and_noise_fit_the_loop():
    clock = Clock(loop=180.0)
    for raw in (
        {"lfo": "sine", "period": 16, "range": [0, 1]},
        {"noise": 0.13, "range": [0, 1]},
        {"keys": [[0, 0], [7, 1], [13, 0]], "loop": True},
    ):
        value = parse_value(raw).bind(3)
        for t in (0.0, 5.0, 91.3):
            assert value.at(clock.moment(t)) == pytest.approx(value.at(clock.moment(t + 540)))
        # and it is continuous across the seam
        assert value.at(clock.moment(180 - 1e-4)) == pytest.approx(
            value.at(clock.moment(0.0)), abs=1e-3
        )
    saw = parse_value({"lfo": "saw", "period": 500, "range": [0, 1]})
    assert saw.at(clock.moment(10.0)) == saw.at(clock.moment(190.0))  # one 180 s tooth a loop
    assert fit_rate(1 / 16, 180) == pytest.approx(11 / 180)
    assert fit_rate(0.001, 180) == pytest.approx(1 / 180)  # never zero cycles
    assert fit_rate(0.25, None) == 0.25


def test_without_a_loop_the_timeline_holds_and_everything_else_goes_on():
    scene = parse_scene(
        "scene: x\nvisuals:\n  - layer: sky\n  - layer: bokeh\n"
        "    brightness: {lfo: sine, period: 10, range: [0.2, 0.9]}\n"
        "timeline:\n  - at: 5\n    ramp: 5\n    set: {bokeh.count: 300}\n",
        "<t>",
    )
    layer = scene.layers[1]
    late = [scene.clock.moment(t) for t in (3600.0, 3602.5, 86400.0 + 1.25)]
    assert {layer.tracks["count"].at(m) for m in late} == {300}
    assert len({round(layer.tracks["brightness"].at(m), 4) for m in late}) == 3
    # and the bokeh goes on drifting hours in
    compositor = Compositor(scene, SIZE)
    a = pixels(compositor.render(3600.0)).copy()
    assert np.abs(a - pixels(compositor.render(3601.0))).mean() > 0.05


def test_cues_repeat_every_loop_including_before_the_first_one():
    clock = Clock(cues=(Cue(10, "train-pass"), Cue(50, "train-pass")), loop=60.0)
    assert clock.since_cue("train-pass", clock.moment(5.0).t) == pytest.approx(15.0)
    assert clock.since_cue("train-pass", clock.moment(65.0).t) == pytest.approx(15.0)
    assert clock.since_cue("train-pass", clock.moment(12.0 + 3 * 60).t) == pytest.approx(2.0)
    assert [c.at for c in clock.cues_between(55, 125)] == [10, 50]  # sound: every loop


def test_music_counts_bars_from_the_start_while_the_picture_loops():
    clock = Clock(tempo=60, beats_per_bar=4, loop=60.0)
    assert clock.bar_at(90.0) == pytest.approx(22.5)
    assert clock.moment(90.0).bar == pytest.approx(7.5)


# -- rates integrate ----------------------------------------------------------------------------


def test_motion_is_exact_for_constants_and_ramps():
    clock = Clock()
    ramp = Track(Const(6.0), (Change(10, 8, Const(30.0)),))
    motion = Motion(ramp, clock)
    assert motion.distance(10.0) == pytest.approx(60.0, rel=1e-12)
    # the eased ramp's area is the mean of its ends: 8 * (6 + 30) / 2
    assert motion.distance(18.0) == pytest.approx(60.0 + 144.0, rel=1e-12)
    assert motion.distance(3600.0) == pytest.approx(204.0 + 30.0 * (3600 - 18), rel=1e-12)


def test_motion_is_exact_for_eased_keys():
    keys = parse_value({"keys": [[0, 0], [10, 10], [20, 0]], "ease": "in-out"})
    motion = Motion(Track(keys), Clock())
    assert motion.distance(20.0) == pytest.approx(100.0, rel=1e-12)  # two triangles' area
    assert motion.distance(30.0) == pytest.approx(100.0, rel=1e-12)  # held at 0 after


def test_ramping_a_speed_never_moves_things_backwards():
    """rate(t) * t ran dance-floor's LED wall backwards for 35 s after its speed ramped down."""
    track = Track(Const(1.0), (Change(40, 20, Const(2.0)), Change(110, 10, Const(1.0))))
    motion = Motion(track, Clock(loop=160.0))
    positions = [motion.distance(i / 10) for i in range(1600)]
    steps = [b - a for a, b in itertools.pairwise(positions)]
    assert min(steps) > 0
    # speed is what the track says, at every moment
    assert (positions[500] - positions[499]) * 10 == pytest.approx(track.at(Moment(49.95)), 1e-3)


def test_lfo_and_noise_rates_are_sampled_closely_and_deterministically():
    lfo = parse_value({"lfo": "sine", "period": 8, "range": [0, 2]})
    motion = Motion(Track(lfo), Clock())
    assert motion.distance(80.0) == pytest.approx(80.0, rel=1e-6)  # ten periods at mean 1
    noise = parse_value({"noise": 0.5, "range": [0, 4]}).bind(9)
    a, b = Motion(Track(noise), Clock()), Motion(Track(noise), Clock())
    assert a.distance(123.4) == b.distance(123.4)
    # against a fine Riemann sum of the same noise
    fine = sum(noise.at(Moment((i + 0.5) / 1000)) for i in range(123400)) / 1000
    assert a.distance(123.4) == pytest.approx(fine, rel=1e-4)


def test_landed_motion_moves_whole_periods_per_loop():
    assert landed(90.0, 180.0, 100.0) == pytest.approx(100.0)  # half a loop: one period of two
    assert landed(180.0, 180.0, 100.0) == pytest.approx(200.0)
    assert landed(10.0, 20.0, 100.0) == pytest.approx(50.0)  # too slow: one period a loop
    assert landed(-10.0, -20.0, 100.0) == pytest.approx(-50.0)
    assert landed(5.0, None, 100.0) == 5.0


@pytest.mark.parametrize(
    "layer,rate",
    [
        ("skyline", "drift"),
        ("bokeh", "drift"),
        ("haze", "drift"),
        ("sea", "speed"),
        ("screen-glow", "speed"),
        ("waveform", "speed"),
        ("train-window", "speed"),
        ("particles", "speed"),
    ],
)
def test_a_ramped_rate_moves_each_layer_smoothly_and_periodically(layer, rate):
    """Inside a ramp of its rate each layer changes like any frame does, and it still loops."""
    top = {"train-window": 900, "particles": 3}.get(layer, 40 if rate == "drift" else 3)
    scene = parse_scene(
        f"scene: x\nloop: 60\nvisuals:\n  - layer: sky\n  - layer: {layer}\n"
        f"timeline:\n  - at: 10\n    ramp: 10\n    set: {{{layer}.{rate}: {top}}}\n"
        f"  - at: 40\n    ramp: 15\n    set: {{{layer}.{rate}: 0.5}}\n",
        "<t>",
    )
    compositor = Compositor(scene, SIZE)
    steps = []
    for t in (14.0, 17.0, 45.0, 50.0):
        a = pixels(compositor.render(t)).copy()
        steps.append(np.abs(a - pixels(compositor.render(t + 1 / 30))).mean())
    assert max(steps) < 6, steps
    for t in (15.0, 47.5):
        once = pixels(Compositor(scene, SIZE).render(t))
        again = pixels(Compositor(scene, SIZE).render(t + 120))
        assert np.array_equal(once, again)


def test_dance_floor_wall_never_runs_backwards():
    scene = load_scene(next(p for p in bundled_scenes() if p.stem == "dance-floor"))
    compositor = Compositor(scene, SIZE)
    glow = next(layer for layer in compositor.layers if layer.name == "screen-glow")
    motion = glow.motion_on(scene.clock, "speed")
    positions = [motion.distance(i / 4) for i in range(int(scene.clock.loop * 4))]
    assert min(b - a for a, b in itertools.pairwise(positions)) > 0
    assert not math.isclose(positions[-1], positions[0])
