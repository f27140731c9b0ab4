"""A day's arc: light that travels over each loop, colours that glide, a sea under its sky."""

import numpy as np
import pytest
from conftest import pixels

from installation.colour import delta_e, mix_oklab, srgb_to_lab
from installation.paths import bundled_scenes
from installation.render.arc import colour_arc
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene, parse_scene
from installation.visuals.compositor import Compositor

LOOPING = [p for p in bundled_scenes() if load_scene(p).clock.loop]


@pytest.fixture(scope="module")
def arcs():
    return {p.stem: colour_arc(load_scene(p)) for p in LOOPING}


def test_every_looping_scene_travels_through_light(arcs):
    short = {name: round(a.travel, 1) for name, a in arcs.items() if a.travel < 10}
    assert not short, f"scenes whose light hardly changes over their loop (dE): {short}"


def test_at_least_four_scenes_change_their_time_of_day(arcs):
    far = sorted(name for name, a in arcs.items() if a.travel >= 25)
    assert len(far) >= 4, f"only {far} travel 25 dE or more"


def test_light_glides_and_never_flickers(arcs):
    """Between two frames 1/30 s apart, at every timeline ramp's start, middle and end and at
    the loop's seam, the mean colour moves less than a just-noticeable difference."""
    jumps = {name: (round(a.step, 2), a.step_at) for name, a in arcs.items() if a.step >= 1.0}
    assert not jumps, f"frame-to-frame jumps (dE, at s): {jumps}"


GLIDE = """
scene: glide
loop: 60
visuals:
  - layer: sky
    top: coral
    bottom: coral
    sun: null
timeline:
  - at: 10
    ramp: 20
    set: {sky.top: "#4A3060", sky.bottom: "#4A3060"}
  - at: 40
    ramp: 20
    set: {sky.top: coral, sky.bottom: coral}
"""


def test_a_colour_glides_through_oklab_and_meets_itself_at_the_loop():
    scene = parse_scene(GLIDE, "<glide>")
    track = scene.layers[0].tracks["top"]
    at = lambda t: track.at(scene.clock.moment(t))  # noqa: E731
    assert at(0) == at(5) == (232, 115, 90)
    assert at(35) == (74, 48, 96)
    middle = np.array(at(20))
    expected = np.array(mix_oklab((232, 115, 90), (74, 48, 96), 0.5))  # eased: halfway at 20
    assert np.abs(middle - expected).max() <= 1
    # the midpoint keeps its lightness between the ends rather than sagging through grey
    lab = srgb_to_lab(np.array([(232, 115, 90), at(20), (74, 48, 96)], dtype=float))
    assert lab[2, 0] < lab[1, 0] < lab[0, 0]
    assert at(60) == at(0) and at(59.999) == at(0)


def test_the_picture_follows_the_colour():
    scene = parse_scene(GLIDE, "<glide>")
    compositor = Compositor(scene, (64, 36))
    day = pixels(compositor.render(0)).mean(axis=(0, 1))
    dusk = pixels(compositor.render(35)).mean(axis=(0, 1))
    assert delta_e(srgb_to_lab(day), srgb_to_lab(dusk)) > 30


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("skyline.haze", "'skyline.haze' is drawn once when the scene starts"),
        ("sky.middle", "'sky.middle' is not written in its layer"),
        ("sky.sun.halo: blu", "unknown colour 'blu'"),
    ],
)
def test_colour_changes_that_cannot_show_are_refused(target, message):
    key, _, value = target.partition(": ")
    text = (
        "scene: x\nvisuals:\n  - layer: sky\n  - layer: skyline\ntimeline:\n"
        f"  - at: 1\n    set: {{{key}: {value or 'coral'}}}\n"
    )
    with pytest.raises(SceneError) as err:
        parse_scene(text, "x.yaml")
    assert message in str(err.value)
    assert "x.yaml:7:" in str(err.value)


SEA = """
scene: sea
visuals:
  - layer: sky
    top: {top}
    bottom: {bottom}
    horizon: 0.5
    sun: {{height: 0.1, x: 0.3}}
  - layer: sea
    horizon: 0.5
    mirror: {mirror}
    glints: 0
"""


def _water(top: str, bottom: str, mirror: float) -> np.ndarray:
    scene = parse_scene(SEA.format(top=top, bottom=bottom, mirror=mirror), "<sea>")
    return pixels(Compositor(scene, (160, 90)).render(1.0))[50:].mean(axis=(0, 1))


def test_the_sea_mirrors_the_sky_above_it():
    rose = _water('"#C97C7C"', '"#F6C9A0"', 0.6)
    violet = _water('"#4A3060"', '"#7A5A80"', 0.6)
    assert delta_e(srgb_to_lab(rose), srgb_to_lab(violet)) > 10
    # with mirror 0 the water keeps its own colours whatever the sky does
    still_a = _water('"#C97C7C"', '"#F6C9A0"', 0)
    still_b = _water('"#4A3060"', '"#7A5A80"', 0)
    assert delta_e(srgb_to_lab(still_a), srgb_to_lab(still_b)) < 1.0


def test_the_suns_path_follows_the_sun_and_goes_when_it_sets():
    def path_column(sun: str) -> int:
        text = SEA.format(top="coral", bottom="peach", mirror=1).replace(
            "{height: 0.1, x: 0.3}", sun
        )
        water = pixels(Compositor(parse_scene(text, "<sea>"), (160, 90)).render(1.0))[50:]
        return water.sum(axis=(0, 2))

    risen = path_column("{height: 0.1, x: 0.3}")
    assert abs(int(np.argmax(risen)) - 48) <= 6  # under the sun, not at the layer's own 0.6
    set_ = path_column("{height: -0.1, x: 0.3}")
    assert risen.max() - risen.min() > 3 * (set_.max() - set_.min())
