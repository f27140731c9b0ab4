"""Every bundled scene: validates, is warm, not flat, not blown out, moves without flicker,
is deterministic, and when its timeline loops, loops without a jump."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import pixels

from installation.paths import bundled_scenes
from installation.scene.loader import load_scene, parse_scene
from installation.visuals.compositor import Compositor
from installation.visuals.quality import QualityGovernor, describe_levels

SIZE = (320, 180)
SCENES = bundled_scenes()


def test_at_least_eight_scenes():
    assert len(SCENES) >= 8


def test_reading_a_scene_again_and_again_keeps_nothing_of_it():
    """A player reloads scenes for months and its sound process reads every scene it plays:
    a reading keeps nothing once it is dropped (YAML's constructor once kept every scalar it
    had built: 74 nodes and 148 marks a reading of magic-hour, for the life of the process)."""
    import gc

    import yaml

    path = next(p for p in SCENES if p.stem == "magic-hour")
    source = path.read_text()

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, yaml.Node | yaml.Mark) for o in gc.get_objects())

    parse_scene(source, str(path))
    before = alive()
    for _ in range(5):
        parse_scene(source, str(path))
    assert alive() == before


@pytest.fixture(scope="module", params=SCENES, ids=lambda p: p.stem)
def compositor(request):
    return Compositor(load_scene(request.param), SIZE)


def test_warm_not_flat_not_blown_out_at_several_moments(compositor):
    span = compositor.scene.clock.loop or 120
    for t in (1.0, span * 0.37, span * 0.81):
        image = pixels(compositor.render(t))
        r, b = image[:, :, 0].mean(), image[:, :, 2].mean()
        assert r > b, f"t={t:.0f}: not warm"
        assert image.std() > 6, f"t={t:.0f}: flat"
        assert (image.min(axis=2) >= 250).mean() < 0.02, f"t={t:.0f}: blown out"
        assert image.min(axis=2).min() < 140, f"t={t:.0f}: no darks at all"
        # the darkest values are warm darks (plum, maroon), never cold ones
        flat = image.reshape(-1, 3)
        darks = flat[flat.sum(axis=1) <= np.percentile(flat.sum(axis=1), 1)]
        assert darks[:, 0].mean() >= darks[:, 2].mean() - 2, f"t={t:.0f}: cold darks"


def blocks(image: np.ndarray, n: int = 8) -> np.ndarray:
    """8x8 block means: film grain (which renews 24 times a second, on purpose) averages out."""
    h, w = image.shape[0] // n * n, image.shape[1] // n * n
    return image[:h, :w].reshape(h // n, n, w // n, n, 3).mean(axis=(1, 3))


def test_moves_smoothly(compositor):
    frames = [blocks(pixels(compositor.render(30 + i / 30))) for i in range(3)]
    steps = [np.abs(a - b).mean() for a, b in itertools.pairwise(frames)]
    assert max(steps) < 5, steps  # no flicker (fast pylons in the train scene move ~3.5)
    later = blocks(pixels(compositor.render(45)))
    assert np.abs(later - frames[0]).mean() > 0.3  # but it is alive


def test_deterministic(compositor):
    again = Compositor(compositor.scene, SIZE)
    assert np.array_equal(pixels(compositor.render(17.3)), pixels(again.render(17.3)))


def test_a_frame_after_a_run_of_frames_is_the_frame_drawn_afresh(compositor):
    """Caches (a sky reused between redraws, sprites) never leak earlier moments into a frame:
    what a player shows after playing for a while is what a render worker draws from cold."""
    span = compositor.scene.clock.loop or 120
    start = round(span * 0.3 * 30)  # in the middle of the timeline's ramps
    for i in range(start, start + 20):
        compositor.render(i / 30)
    t = (start + 20) / 30
    fresh = Compositor(compositor.scene, SIZE)
    assert np.array_equal(pixels(compositor.render(t)), pixels(fresh.render(t)))


def test_timeline_tracks_return_to_their_start_when_looping(compositor):
    clock = compositor.scene.clock
    if not clock.loop:
        pytest.skip("no loop")
    for layer in compositor.layers:
        for name, track in layer.tracks.items():
            start = track.at(clock.moment(0.0))
            end = track.at(clock.moment(clock.loop - 1e-3))
            if isinstance(track.base, tuple):  # a colour: within a level of where it began
                assert max(abs(a - b) for a, b in zip(start, end, strict=True)) <= 1, name
            elif track.changes and track.base.constant:
                assert end == pytest.approx(start, abs=0.02), f"{layer.name}.{name}"


def test_quality_governor_lowers_and_raises():
    scene = load_scene(SCENES[0])
    compositor = Compositor(scene, SIZE)
    governor = QualityGovernor(compositor.layers, budget_ms=1.0, settle_frames=1)
    adjustable = [l for l in compositor.layers if l.min_quality < 1]  # noqa: E741
    for _ in range(5):
        governor.observe(50.0, [5.0] * len(compositor.layers))
    assert any(l.quality < 1 for l in adjustable)  # noqa: E741
    for _ in range(40):
        governor.observe(0.1, [0.1] * len(compositor.layers))
    assert all(l.quality == 1 for l in compositor.layers)  # noqa: E741


def test_quality_governor_rests_expendable_effects_last_and_brings_them_back():
    text = (
        "scene: x\nvisuals:\n  - layer: sky\n  - layer: haze\n"
        "post: {chromatic-aberration: 8, grain: 0.03}\n"
    )
    compositor = Compositor(parse_scene(text, "<t>"), SIZE)
    aberration = next(e for e in compositor.effects if e.name == "chromatic-aberration")
    governor = QualityGovernor(compositor.layers, 1.0, compositor.effects, settle_frames=1)
    assert [e.name for e in governor.effects] == ["chromatic-aberration"]  # grain never rests
    governor.observe(50.0, [0.1, 5.0])
    assert compositor.layers[1].quality < 1 and not aberration.resting  # layers give first
    for _ in range(10):
        governor.observe(50.0, [0.1, 5.0])
    assert aberration.resting
    assert "chromatic-aberration rests" in describe_levels(governor.levels())
    plain = pixels(compositor.render(1.0)).copy()
    aberration.resting = False
    assert not np.array_equal(pixels(compositor.render(1.0)), plain)  # it really was skipped
    aberration.resting = True
    for _ in range(40):
        governor.observe(0.1, [0.1, 0.1])
    assert not aberration.resting and compositor.layers[1].quality == 1
    assert describe_levels(governor.levels()) == ""
