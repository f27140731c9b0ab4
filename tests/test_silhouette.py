"""Silhouettes are anti-aliased: edges carry their true coverage, interiors stay exact."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from installation.scene.loader import parse_scene
from installation.visuals.compositor import Compositor
from installation.visuals.silhouette import fill, line, new_alpha, paint
from installation.visuals.strips import KEY, Strip, new_strip

BODY = (60, 30, 40)
SKY = (240, 160, 120)


def _triangle_heights(xs: np.ndarray, x0: float, x1: float, rise: float) -> np.ndarray:
    """Exact area of a shallow triangle roof (0 at x0 rising to ``rise`` at x1) per column."""
    left, right = np.clip(xs, x0, x1), np.clip(xs + 1, x0, x1)
    # the roof's height is linear: the column's area is its mean height times its width in it
    return (right - left) * rise * ((left + right) / 2 - x0) / (x1 - x0)


def test_a_shallow_roof_covers_each_column_by_its_true_area() -> None:
    strip = new_strip(200, 40)
    alpha = new_alpha(strip)
    x0, x1, base, rise = 10.3, 190.7, 30.0, 11.0
    paint(strip, alpha, BODY, [("poly", ((x0, base), (x1, base - rise), (x1, base)))])
    covered = alpha[:, :].astype(np.float64).sum(axis=1) / 255.0
    exact = _triangle_heights(np.arange(200, dtype=np.float64), x0, x1, rise)
    # a pixel-or-nothing fill misses by half a pixel a column (measured: 0.50); at 4x4 pygame's
    # fill of a subpixel's boundary leaves shapes an eighth of a pixel fuller (measured: 0.12)
    assert np.abs(covered - exact).mean() < 0.15
    edge = alpha[20:180, 18:31]
    partial = (edge > 0) & (edge < 255)
    assert partial.any(axis=1).all(), "every column of the slope has a soft edge pixel"
    assert len(np.unique(edge[partial])) >= 10, "many levels of coverage, not a few"


def test_inside_is_the_exact_colour_and_outside_is_untouched() -> None:
    strip = new_strip(60, 60)
    alpha = new_alpha(strip)
    paint(strip, alpha, BODY, [("ellipse", (10.5, 10.5, 40.0, 30.0))])
    pixels = pygame.surfarray.pixels3d(strip)
    assert tuple(pixels[30, 25]) == BODY and alpha[30, 25] == 255
    assert tuple(pixels[2, 2]) == KEY and alpha[2, 2] == 0
    assert tuple(pixels[58, 58]) == KEY and alpha[58, 58] == 0


def test_a_hole_opens_the_groups_own_shapes_to_the_sky() -> None:
    strip = new_strip(60, 60)
    alpha = new_alpha(strip)
    square = ((10, 10), (50, 10), (50, 50), (10, 50))
    window = ((25.5, 25.5), (35.5, 25.5), (35.5, 35.5), (25.5, 35.5))
    paint(strip, alpha, BODY, [("poly", square), ("hole", window)])
    assert alpha[30, 30] == 0 and alpha[15, 15] == 255
    assert 0 < alpha[25, 30] < 255, "the hole's edge at half a pixel is half covered"


def test_a_shape_over_another_mixes_colours_at_its_edge_and_stays_opaque() -> None:
    strip = new_strip(40, 40)
    alpha = new_alpha(strip)
    fill(strip, alpha, BODY, pygame.Rect(0, 0, 40, 40))
    light = (200, 180, 160)
    paint(strip, alpha, light, [line((0, 5), (40, 25), 3.0)])
    pixels = pygame.surfarray.pixels3d(strip)
    assert (alpha == 255).all()
    edge = [tuple(pixels[x, y]) for x in range(40) for y in range(40)]
    between = [c for c in edge if c not in (BODY, light)]
    assert between, "the stroke's edge mixes with the body under it"
    assert all(BODY[0] <= c[0] <= light[0] for c in between)


def test_a_sealed_strip_blends_its_edges_onto_the_canvas() -> None:
    canvas = pygame.Surface((80, 40), 0, 32)
    strip = new_strip(80, 40)
    alpha = new_alpha(strip)
    paint(strip, alpha, BODY, [("poly", ((0, 35), (80, 15), (80, 40), (0, 40)))])
    sealed = Strip(strip, 0, 1.0, alpha).seal(canvas)
    assert sealed.surface.get_flags() & pygame.SRCALPHA
    canvas.fill(SKY)
    sealed.blit(canvas, 0)
    red = pygame.surfarray.array3d(canvas)[:, :, 0]
    assert (red[:, 0] == SKY[0]).all() and (red[:, -1] == BODY[0]).all()
    inner = red[(red != SKY[0]) & (red != BODY[0])]
    assert len(inner) >= 60, "most columns of the slope have a pixel between sky and body"
    assert ((inner < SKY[0]) & (inner > BODY[0])).all()


@pytest.mark.parametrize(
    "layer",
    [
        "  - layer: skyline\n    landmarks: [shanghai-tower, oriental-pearl]\n",
        "  - layer: forest-mist\n",
    ],
)
def test_baked_planes_have_soft_edges(layer: str) -> None:
    scene = parse_scene("scene: aa\nloop: 60\nvisuals:\n  - layer: sky\n" + layer)
    compositor = Compositor(scene, (640, 360))
    planes = compositor.layers[1].planes
    for plane in planes:
        strip = getattr(plane, "strip", plane)
        assert strip.alpha is not None
        soft = (strip.alpha > 0) & (strip.alpha < 255)
        solid = strip.alpha == 255
        # soft edges around solid silhouettes (at 640x360 a winter tree's twigs are thinner
        # than a pixel: all soft)
        assert soft.sum() > 200 and solid.sum() > 200
        assert not (strip.alpha[strip.alpha > 0] == 255).all()


DUSK = """scene: dusk
loop: 60
visuals:
  - layer: sky
  - layer: skyline
    planes: 3
    dusk: "#2A1E3A"
    landmarks: [shanghai-tower]
timeline:
  - at: 5
    ramp: 40
    set: {skyline.night: 1}
  - at: 50
    ramp: 8
    set: {skyline.night: 0}
"""


def test_dusk_is_mixed_ahead_one_plane_a_frame_and_frames_stay_the_same(monkeypatch) -> None:
    from installation.visuals.layers import skyline

    mixes: list[int] = []
    real = skyline._mix_dusk
    monkeypatch.setattr(skyline, "_mix_dusk", lambda *a: mixes.append(1) or real(*a))
    scene = parse_scene(DUSK)
    played = Compositor(scene, (320, 180))
    per_frame = []
    for i in range(24 * 12):  # twelve seconds at 24 fps, inside the ramp
        before = len(mixes)
        image = played.render(4.0 + i / 24)
        per_frame.append(len(mixes) - before)
    assert sum(per_frame) > 6, "the ramp stepped through several mixes"
    assert max(per_frame[1:]) <= 1, "no frame mixed more than one plane"
    # a compositor that jumps straight to the last moment mixes on demand: the same picture
    jumped = Compositor(scene, (320, 180)).render(4.0 + (24 * 12 - 1) / 24)
    assert np.array_equal(pygame.surfarray.array3d(image), pygame.surfarray.array3d(jumped))
