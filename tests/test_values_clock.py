"""Values, modulation, the clock, timeline ramps and cues: pure functions of time."""

from __future__ import annotations

import itertools
import math

import pytest

from installation.clock import Change, Clock, Cue, Track
from installation.scene.loader import parse_scene
from installation.scene.values import Const, Moment, ease, parse_value


def at(value, t, **features):
    return value.at(Moment(t, features=features))


def test_lfo_shapes_span_their_range():
    for shape in ("sine", "triangle", "saw", "square"):
        v = parse_value({"lfo": shape, "period": 4, "range": [0.2, 0.8]})
        samples = [at(v, i / 10) for i in range(40)]
        assert min(samples) == pytest.approx(0.2, abs=0.02)
        assert max(samples) == pytest.approx(0.8, abs=0.05)
        assert at(v, 1.0) == pytest.approx(at(v, 5.0))  # periodic


def test_lfo_phase_shifts():
    a = parse_value({"lfo": "sine", "period": 8, "range": [0, 1]})
    b = parse_value({"lfo": "sine", "period": 8, "range": [0, 1], "phase": 0.5})
    assert at(a, 0) == pytest.approx(0)
    assert at(b, 0) == pytest.approx(1)


def test_noise_is_smooth_deterministic_and_seeded():
    v = parse_value({"noise": 0.5, "range": [0, 10]}).bind(1)
    samples = [at(v, i / 30) for i in range(300)]
    assert all(0 <= s <= 10 for s in samples)
    assert max(abs(a - b) for a, b in itertools.pairwise(samples)) < 0.5
    assert max(samples) - min(samples) > 2  # it does wander
    assert samples == [at(v, i / 30) for i in range(300)]
    other = parse_value({"noise": 0.5, "range": [0, 10]}).bind(2)
    assert samples != [at(other, i / 30) for i in range(300)]


def test_keys_ease_and_loop():
    v = parse_value({"keys": [[0, 0], [10, 1]], "ease": "in-out"})
    assert at(v, -1) == 0 and at(v, 20) == 1
    assert at(v, 5) == pytest.approx(0.5)
    assert at(v, 2) < 0.2  # eased: slow start
    looped = parse_value({"keys": [[0, 0], [10, 1]], "loop": True})
    assert at(looped, 15) == pytest.approx(0.5)


def test_easing_curves():
    assert ease("linear", 0.25) == 0.25
    assert ease("in", 0.5) == 0.25
    assert ease("out", 0.5) == 0.75
    assert ease("step", 0.99) == 0 and ease("step", 1.0) == 1


def test_follow_reads_audio_features():
    v = parse_value({"follow": {"voice": "pad", "band": "low", "amount": 2}, "range": [0.5, 0.9]})
    assert at(v, 0) == pytest.approx(0.5)  # silence
    assert at(v, 0, pad={"low": 0.25}) == pytest.approx(0.7)
    assert at(v, 0, pad={"low": 1.0}) == pytest.approx(0.9)  # clamped


def test_expression_value_falls_back_on_domain_errors():
    v = parse_value("sqrt(t - 5)")
    assert at(v, 9) == pytest.approx(2)
    assert at(v, 1) == 0.0  # sqrt of a negative: fallback, not a crash


def test_clock_beats_and_bars():
    clock = Clock(tempo=120, beats_per_bar=4)
    m = clock.moment(3.0)
    assert (m.beat, m.bar) == (6.0, 1.5)


def test_cues():
    clock = Clock(cues=(Cue(10, "train-pass"), Cue(30, "train-pass"), Cue(20, "other")))
    assert math.isinf(clock.since_cue("train-pass", 5))
    assert clock.since_cue("train-pass", 12) == 2
    assert clock.since_cue("train-pass", 31) == 1
    assert [c.name for c in clock.cues_between(9, 21)] == ["train-pass", "other"]


def test_track_ramps_eased_and_holds():
    track = Track(Const(1.0), (Change(10, 4, Const(3.0)), Change(20, 0, Const(0.0))))
    value = lambda t: track.at(Moment(t))  # noqa: E731
    assert value(9.99) == 1.0
    assert value(12) == pytest.approx(2.0)  # half way through an eased ramp
    assert value(14) == 3.0 and value(19) == 3.0
    assert value(20) == 0.0  # no ramp: a cut


def test_timeline_drives_layer_parameters():
    scene = parse_scene(
        "scene: x\nvisuals:\n  - layer: bokeh\n    count: 10\n"
        "timeline:\n  - at: 5\n    ramp: 10\n    set: {bokeh.count: 30}\n"
        "  - at: 8\n    cue: train-pass\n",
        "<t>",
    )
    track = scene.layers[0].tracks["count"]
    assert track.at(Moment(0)) == 10
    assert track.at(Moment(10)) == pytest.approx(20)
    assert track.at(Moment(20)) == 30
    assert scene.clock.since_cue("train-pass", 9) == 1


def test_second_layer_of_a_kind_gets_its_own_address():
    scene = parse_scene(
        "scene: x\nvisuals:\n  - layer: bokeh\n  - layer: bokeh\n"
        "timeline:\n  - at: 1\n    set: {bokeh-2.count: 3}\n",
        "<t>",
    )
    assert [e.address for e in scene.layers] == ["bokeh", "bokeh-2"]
    assert scene.layers[1].tracks["count"].changes
