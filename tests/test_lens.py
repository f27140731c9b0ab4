"""The lens: blur by depth (a thin lens's circle of confusion, a disc), focus pulls on the
timeline, discs from the frame's own lights behind the focus, cat's eyes toward the corners, the
air between, and the sky as a capability a layer declares."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import pixels, render_yaml

from installation.scene.loader import parse_scene
from installation.scene.params import evaluate
from installation.scene.values import Moment
from installation.visuals.compositor import Compositor
from installation.visuals.discs import Lights, draw_discs
from installation.visuals.lens import Optics, disc_kernel, optics_of
from installation.visuals.raster import new_surface

SIZE = (640, 360)


def _edge_width(row: np.ndarray) -> float:
    """10-90% width, px, of the step in ``row`` (a profile across one edge)."""
    lo, hi = float(row.min()), float(row.max())
    span = hi - lo
    inside = np.nonzero((row > lo + 0.1 * span) & (row < hi - 0.1 * span))[0]
    return float(len(inside))


def _mullion(depth: float, focus: float, t: float = 1.0, extra: str = "") -> np.ndarray:
    text = (
        f"scene: x\nlens: {{focus: {focus}, aperture: 2}}\nvisuals:\n"
        "  - layer: sky\n    top: cream\n    bottom: cream\n    sun: null\n"
        f"  - layer: foreground\n    kind: window\n    depth: {depth}\n    sway: 0\n    rim: 0\n"
        f"{extra}"
    )
    image = render_yaml(text, t, SIZE)
    return image[SIZE[1] // 2, :, 1]  # a row across the mullion (green: no warm tint)


def _blur_of(row: np.ndarray) -> float:
    """The width of the mullion's left edge. It stands near 72% of the width, where the layer's
    own randomness puts it (its width too): its middle is found as the darkest point there."""
    near = round(0.72 * SIZE[0])
    middle = near - 80 + int(np.argmin(row[near - 80 : near + 80]))
    return _edge_width(row[middle - 60 : middle + 1])


def test_a_thin_lens_blurs_by_the_difference_of_inverse_distances():
    # 50 mm at f/2 on a 24 mm tall frame of 1080 lines, focused at 2 m: a point at infinity is
    # a disc f^2/N * 1/2 m = 0.625 mm across on film, 28.125 px, radius 14.0625 px
    lens = parse_scene("scene: x\nlens: {focus: 2, aperture: 2}\n", "<t>").lens
    assert lens is not None
    optics = optics_of(evaluate(lens.params, Moment(0.0), {}), (1920, 1080))
    assert optics.radius(1e9) == pytest.approx(14.0625, rel=1e-3)
    assert optics.radius(2.0) == 0.0
    assert optics.radius(1.0) == pytest.approx(14.0625, rel=1e-3)  # 1/1 - 1/2 = 1/2 dioptre
    assert optics.radius(500.0) < optics.radius(1e9) < optics.radius(0.5)


def test_a_layer_far_from_the_focal_plane_is_blurrier_than_one_on_it_by_the_measured_amount():
    on = _blur_of(_mullion(depth=1.0, focus=1.0))
    off = _blur_of(_mullion(depth=1.0, focus=100.0))
    # 50 mm f/2 at 360 lines: 9.375 px a dioptre; 1 m against a focus at 100 m: 0.99 dioptre
    expected = 9.375 * 0.99
    assert on <= 3, on
    assert 1.0 * expected <= off <= 2.6 * expected, (off, expected)


def test_a_focus_pull_on_the_timeline_moves_the_blur():
    pull = "timeline:\n  - at: 5\n    ramp: 2\n    set: {lens.focus: 100}\n"
    before = _blur_of(_mullion(depth=1.0, focus=1.0, t=1.0, extra=pull))
    after = _blur_of(_mullion(depth=1.0, focus=1.0, t=8.0, extra=pull))
    assert before <= 3 < 2 * before + 6 <= after


def test_without_a_lens_nothing_is_blurred_by_depth():
    text = "scene: x\nvisuals:\n  - layer: sky\n  - layer: foreground\n    kind: window\n    depth: 0.3\n    sway: 0\n"
    row = render_yaml(text, 1.0, SIZE)[SIZE[1] // 2, :, 1]
    assert _blur_of(row) <= 3


CABIN = """scene: x
lens: {{focus: {focus}, aperture: 2, bokeh: {bokeh}}}
visuals:
  - layer: sky
    top: plum-night
    bottom: plum-night
    sun: null
  - layer: cabin
    depth: 60
    smoke: 0
    spill: 0
    flicker: 0
    shadow: 0
"""


def _cabin(focus: float, bokeh: float) -> np.ndarray:
    return render_yaml(CABIN.format(focus=focus, bokeh=bokeh), 1.0, SIZE)


def _window_centres() -> list[tuple[float, float]]:
    scene = parse_scene(CABIN.format(focus=2, bokeh=1), "<t>")
    compositor = Compositor(scene, SIZE)
    cabin = compositor.layers[1]
    frame = compositor.frame(1.0)
    lights = cabin.lights(frame, cabin.values(frame))
    return list(zip(lights.x, lights.y, strict=True))


def test_a_disc_appears_where_a_light_is_behind_the_focus_and_nowhere_else():
    with_discs, without = _cabin(focus=2, bokeh=1), _cabin(focus=2, bokeh=0)
    added = (with_discs - without).max(axis=2)
    # 9.375 px a dioptre at 360 lines: a light at 60 m against a focus at 2 m, radius 4.5 px
    radius = 9.375 * abs(1 / 60 - 1 / 2)
    ys, xs = np.mgrid[0 : SIZE[1], 0 : SIZE[0]]
    near = np.zeros(added.shape, bool)
    for x, y in _window_centres():
        disc = np.hypot(xs - x, ys - y) <= radius * 0.7
        assert added[disc].mean() > 12, (x, y, added[disc].mean())  # a disc of light there
        near |= np.hypot(xs - x, ys - y) <= radius + 3
    assert added[~near].max() <= 2  # and nowhere else


def test_a_light_on_the_focal_plane_or_before_it_makes_no_disc():
    for focus in (60, 500):  # on the cabin; and the cabin in front of the focus
        assert np.array_equal(_cabin(focus=focus, bokeh=1), _cabin(focus=focus, bokeh=0))


def test_a_discs_size_is_the_lights_blur():
    optics = Optics(focus=2.0, per_dioptre=60.0, bokeh=1.0, catseye=0.0, size=(400, 400))
    surface = new_surface((400, 400))
    surface.fill((0, 0, 0))
    lights = Lights(np.array([200.0]), np.array([200.0]), 100.0, np.array([[240.0, 200, 150]]),
                    np.array([1.0]))  # fmt: skip
    assert draw_discs(surface, lights, optics) == 1
    lit = pixels(surface).max(axis=2) > 8
    xs = np.nonzero(lit)[1]
    radius = optics.radius(100.0)  # 29.4 px
    assert abs((xs.max() - xs.min()) / 2 - radius) <= 0.15 * radius
    # a disc, not a Gaussian: flat inside, a crisp edge
    inner = pixels(surface)[200, 200 - round(radius * 0.6) : 200 + round(radius * 0.6), 0]
    assert inner.std() < 0.1 * inner.mean()


def test_discs_narrow_to_cats_eyes_toward_the_corners():
    def spread(x: float, y: float) -> tuple[float, float]:
        """Second moments of a disc at (x, y): along the line to the centre, and across it."""
        optics = Optics(2.0, 60.0, 1.0, 1.0, (640, 360))
        surface = new_surface((640, 360))
        surface.fill((0, 0, 0))
        light = Lights(np.array([x]), np.array([y]), 50.0, np.array([[200.0, 200, 200]]),
                       np.array([1.0]))  # fmt: skip
        draw_discs(surface, light, optics)
        weight = pixels(surface)[:, :, 0]
        ys, xs = np.nonzero(weight > 4)
        w = weight[ys, xs]
        cx, cy = (xs * w).sum() / w.sum(), (ys * w).sum() / w.sum()
        radial = np.array([x - 320.0, y - 180.0])
        radial = radial / (np.linalg.norm(radial) or 1.0)
        along = (xs - cx) * radial[0] + (ys - cy) * radial[1]
        across = -(xs - cx) * radial[1] + (ys - cy) * radial[0]
        return float((w * along**2).sum() / w.sum()), float((w * across**2).sum() / w.sum())

    along, across = spread(322, 181)
    assert 0.85 < along / across < 1.15  # round in the middle
    along, across = spread(600, 330)
    assert along < 0.75 * across  # squeezed along the line to the middle, toward a corner


def test_a_disc_kernel_is_flat_and_sums_to_one():
    kernel = disc_kernel(6.0)
    assert kernel.sum() == pytest.approx(1.0, rel=1e-5)
    middle = kernel[kernel.shape[0] // 2, kernel.shape[1] // 2]
    assert kernel.max() < 1.3 * middle  # a rim a little brighter, no peak in the middle


SKYLINE = """scene: x
atmosphere: {{visibility: {visibility}}}
visuals:
  - layer: sky
    top: "#F0C8A0"
    bottom: "#F0C8A0"
    sun: null
  - layer: skyline
    planes: 3
    depth: 600
    far: 6000
    windows: 0
    rim: 0
    colour: "#301820"
    haze: "#F0C8A0"
"""


def test_the_air_fades_a_far_thing_more_than_a_near_one_and_more_in_thicker_air():
    def far_and_near(visibility: float) -> tuple[float, float]:
        scene = parse_scene(SKYLINE.format(visibility=visibility), "<t>")
        skyline = Compositor(scene, SIZE).layers[1]
        return skyline._fade(0), skyline._fade(2)

    far, near = far_and_near(4000)
    assert far > near > 0.1  # 6 km against 600 m
    assert far_and_near(1500)[0] > far  # thicker air fades more
    thin = render_yaml(SKYLINE.format(visibility=40000), 1.0, SIZE)
    thick = render_yaml(SKYLINE.format(visibility=1500), 1.0, SIZE)
    haze = np.array([0xF0, 0xC8, 0xA0], np.float32)
    towers = np.abs(thin - haze).max(axis=2) > 30
    assert np.abs(thick - haze)[towers].mean() < 0.7 * np.abs(thin - haze)[towers].mean()


def test_the_sky_is_whichever_layer_says_it_gives_the_sky(monkeypatch):
    from installation.visuals.layers.sky import Sky

    text = "scene: x\nvisuals:\n  - layer: sky\n    bottom: coral\n  - layer: sea\n"
    compositor = Compositor(parse_scene(text, "<t>"), (160, 90))
    assert compositor.frame(1.0).sky is not None
    monkeypatch.setattr(Sky, "gives_sky", False)
    assert compositor.frame(1.0).sky is None  # a name alone makes nothing the sky
    monkeypatch.setattr(Sky, "gives_sky", True)
    assert tuple(compositor.frame(1.0).sky.bottom) == (232, 115, 90)


def test_a_lens_section_is_checked_like_any_other():
    from installation.scene.errors import SceneError

    with pytest.raises(SceneError) as err:
        parse_scene("scene: x\nlens: {focus: 0, apperture: 2}\nvisuals: []\n", "<t>")
    text = str(err.value)
    assert "'lens.focus'" in text and "unknown key 'apperture' (did you mean 'aperture'?)" in text
