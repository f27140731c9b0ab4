"""Light with a direction: rims only on the side facing the scene's light, shadows cast away from
it, windows thrown onto the snow, a light that follows the sky's sun, and city windows that come
on in clusters."""

from __future__ import annotations

import numpy as np
import pygame
from conftest import pixels, render_yaml

from installation.scene.loader import parse_scene
from installation.visuals.city_windows import rank_windows
from installation.visuals.compositor import Compositor
from installation.visuals.lighting import rim_sprite

SIZE = (640, 360)

SKYLINE = """scene: x
light: {{x: {x}, y: 0.7, height: 0.05, colour: "#FFC060", strength: 1, sun: false}}
visuals:
  - layer: sky
    top: "#8A5A6A"
    bottom: "#8A5A6A"
    sun: null
  - layer: skyline
    planes: 1
    depth: 600
    drift: 0
    windows: 0
    colour: "#301820"
    rim: {rim}
"""


def test_a_rim_is_brighter_on_the_side_facing_the_light():
    plain = render_yaml(SKYLINE.format(x=0.5, rim=0), 1.0, SIZE).sum(axis=2)
    from_left = render_yaml(SKYLINE.format(x=-0.5, rim=1), 1.0, SIZE).sum(axis=2) - plain
    from_right = render_yaml(SKYLINE.format(x=1.5, rim=1), 1.0, SIZE).sum(axis=2) - plain
    # the towers' sides, found in the unlit picture: sky to the left of a tower, or to its right
    step = np.diff(plain, axis=1)
    left_sides = np.zeros(plain.shape, bool)  # a tower's left edge: it darkens going right
    left_sides[:, 1:] = step < -60
    right_sides = np.zeros(plain.shape, bool)
    right_sides[:, :-1] = step > 60
    assert left_sides.sum() > 50 and right_sides.sum() > 50
    # lit from the left, left sides gain light and right sides do not; and the other way round
    assert from_left[left_sides].mean() > 3 * max(1.0, from_left[right_sides].mean())
    assert from_right[right_sides].mean() > 3 * max(1.0, from_right[left_sides].mean())


def test_a_figures_rim_is_on_its_lit_side():
    sprite = pygame.Surface((40, 80), pygame.SRCALPHA, 32)
    pygame.draw.rect(sprite, (40, 30, 30, 255), pygame.Rect(10, 10, 20, 65))
    right = pixels(rim_sprite(sprite, 1, (255, 200, 120), 8)).sum(axis=2)
    left = pixels(rim_sprite(sprite, -1, (255, 200, 120), 8)).sum(axis=2)
    middle_rows = slice(30, 60)
    assert right[middle_rows, 29].mean() > 100 and right[middle_rows, 10].mean() == 0
    assert left[middle_rows, 10].mean() > 100 and left[middle_rows, 29].mean() == 0


CROWD = """scene: x
light: {{x: {x}, y: 0.4, height: 0.08, colour: cream, strength: 1, sun: false}}
visuals:
  - layer: sky
    top: "#F0E0D0"
    bottom: "#F0E0D0"
    sun: null
  - layer: crowd
    count: 1
    walking: 0
    size: 0.5
    ground: [0.7, 0.7]
    shadows: {shadows}
    rim: 0
    haze: "#F0E0D0"
"""


def test_shadows_fall_away_from_the_light():
    def shadow_side(x: float) -> float:
        lit = render_yaml(CROWD.format(x=x, shadows=1), 1.0, SIZE).sum(axis=2)
        unlit = render_yaml(CROWD.format(x=x, shadows=0), 1.0, SIZE).sum(axis=2)
        dark = np.clip(unlit - lit, 0, None)
        dark[: round(0.7 * SIZE[1]) + 4] = 0  # only what lies on the ground past the feet
        ys, xs = np.nonzero(dark > 6)
        assert len(xs) > 30, "no shadow on the ground"
        return float(np.average(xs, weights=dark[ys, xs]))

    left_light, right_light = shadow_side(-0.5), shadow_side(1.5)
    assert left_light > right_light + 10  # the light on the left throws it to the right


CABIN = """scene: x
visuals:
  - layer: sky
    top: "#201820"
    bottom: "#504050"
    sun: null
  - layer: cabin
    smoke: 0
    flicker: 0
    shadow: 0
    spill: {spill}
"""


def test_windows_throw_their_shape_on_the_snow():
    with_light = render_yaml(CABIN.format(spill=1), 1.0, SIZE)
    without = render_yaml(CABIN.format(spill=0), 1.0, SIZE)
    added = (with_light - without).sum(axis=2)
    ground = round(0.74 * SIZE[1])
    assert added[: ground - 2].max() <= 3  # only on the snow, below the house's foot
    assert added[ground:].max() > 30
    # each throw is the window's shape: its cross-bar's shadow is a darker line down its middle
    row = added[ground + 14]
    lit = row > 0.3 * row.max()
    runs = np.flatnonzero(np.diff(lit.astype(int)) != 0)
    assert len(runs) >= 6, runs  # several throws (and each split by its bar) across the row


def test_the_light_follows_the_skys_sun_and_sets_with_it():
    text = """scene: x
loop: 60
light: {colour: amber}
visuals:
  - layer: sky
    sun: {height: 0.2, x: 0.3}
timeline:
  - at: 10
    ramp: 20
    set: {sky.sun.height: -0.1, sky.sun.x: 0.7}
"""
    compositor = Compositor(parse_scene(text, "<t>"), (160, 90))
    day, night = compositor.frame(1.0).light, compositor.frame(45.0).light
    assert abs(day.x - 0.3) < 0.01 and abs(night.x - 0.7) < 0.01
    assert day.strength > 0.5 and night.strength == 0.0


def test_city_windows_come_on_in_clusters_not_salt_and_pepper():
    rng = np.random.default_rng(4)
    rects = [(x * 10, y * 12, 4, 6) for y in range(30) for x in range(12)]
    ranks, colours = rank_windows(rng, rects, 0.5, 4)
    grid = ranks.reshape(30, 12)
    beside = np.corrcoef(grid[:, :-1].ravel(), grid[:, 1:].ravel())[0, 1]
    above = np.corrcoef(grid[:-1].ravel(), grid[1:].ravel())[0, 1]
    assert beside > 0.5 and above > 0.5  # neighbours come on together
    assert len(set(colours.tolist())) > 1  # clusters differ in colour
