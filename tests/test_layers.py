"""Each layer and effect renders warm, not flat, smoothly over time, and deterministically."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import pixels, render_yaml

from installation.scene.loader import parse_scene
from installation.visuals.compositor import Compositor
from installation.visuals.layer import LAYERS

SOLO = {
    "sky": "  - layer: sky\n",
    "skyline": "  - layer: sky\n  - layer: skyline\n",
    "bokeh": "  - layer: bokeh\n    count: 200\n    area: [0, 1]\n",
}


def test_every_registered_layer_has_a_solo_case():
    assert set(LAYERS.names()) == set(SOLO)


@pytest.mark.parametrize("name", sorted(SOLO))
def test_layer_is_warm_and_not_flat(name):
    image = render_yaml(f"scene: x\nvisuals:\n{SOLO[name]}")
    r, _g, b = (image[:, :, c].mean() for c in range(3))
    assert r > b, f"{name}: mean red {r:.1f} not above mean blue {b:.1f}"
    assert image.std() > 4, f"{name} is flat"
    assert image.min() >= 0 and (image.max(axis=2) < 255).mean() > 0.95  # not blown out


@pytest.mark.parametrize("name", sorted(SOLO))
def test_layer_is_deterministic(name):
    text = f"scene: x\nseed: 5\nvisuals:\n{SOLO[name]}post: {{grain: 0.05}}\n"
    assert np.array_equal(render_yaml(text, 3.3), render_yaml(text, 3.3))


@pytest.mark.parametrize("name", sorted(SOLO))
def test_layer_changes_smoothly(name):
    text = f"scene: x\nvisuals:\n{SOLO[name]}"
    compositor = Compositor(parse_scene(text, "<t>"), (320, 180))
    frames = [pixels(compositor.render(10 + i / 30)) for i in range(3)]
    diffs = [np.abs(a - b).mean() for a, b in itertools.pairwise(frames)]
    assert all(d < 3 for d in diffs), diffs  # no flicker
    later = pixels(compositor.render(40))
    assert np.abs(later - frames[0]).mean() > 0.05  # but it moves


def test_seed_changes_the_picture():
    text = "scene: x\nseed: {}\nvisuals:\n  - layer: sky\n  - layer: skyline\n"
    assert not np.array_equal(render_yaml(text.format(1)), render_yaml(text.format(2)))


def test_sky_gradient_does_not_band():
    image = render_yaml(
        "scene: x\nvisuals:\n  - layer: sky\n    top: maroon\n    bottom: coral\n    horizon: 1\n    curve: 1\n    drift: 0\n    sun: null\n",
        size=(640, 720),
    )
    column = image[:, 320, 0]
    longest = run = 1
    for a, b in itertools.pairwise(column):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    assert longest <= 8, f"a run of {longest} identical values: banding"
    means = image[:, :, 0].mean(axis=1)  # the mean still climbs smoothly
    steps = np.diff(means)
    assert (steps > -0.5).all()


def test_blend_modes():
    base = "scene: x\nvisuals:\n  - layer: sky\n    sun: null\n"
    plain = render_yaml(base)
    add = render_yaml(base + "  - layer: bokeh\n    count: 300\n    blend: add\n    area: [0, 1]\n")
    screen = render_yaml(
        base + "  - layer: bokeh\n    count: 300\n    blend: screen\n    area: [0, 1]\n"
    )
    assert add.mean() > plain.mean() and screen.mean() > plain.mean()
    assert (screen <= add + 1).all()  # screen never brightens more than add
    half = render_yaml(
        base
        + "  - layer: sky\n    top: maroon\n    bottom: maroon\n    opacity: 0.5\n    sun: null\n    blend: multiply\n"
    )
    assert half.mean() < plain.mean()


def test_post_effects_change_the_frame():
    base = "scene: x\nvisuals:\n  - layer: sky\n"
    plain = render_yaml(base)
    vignette = render_yaml(base + "post: {vignette: 0.8}\n")
    assert vignette[0, 0].sum() < plain[0, 0].sum()  # corners darker
    assert abs(vignette[90, 160].sum() - plain[90, 160].sum()) < 12  # centre nearly untouched
    assert vignette[0, 0, 2] < vignette[0, 0, 0]  # darkens toward a warm dark
    grain = render_yaml(base + "post: {grain: 0.1}\n")
    assert np.abs(grain - plain).mean() > 3
    assert abs(grain.mean() - plain.mean()) < 2  # no veil
    bloom = render_yaml(base + "post: {bloom: {threshold: 0.5, strength: 1}}\n")
    assert bloom.mean() > plain.mean()
