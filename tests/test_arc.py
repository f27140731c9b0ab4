"""A day's arc: light that travels over each loop, colours that glide, a sea under its sky."""

import numpy as np
import pytest
from conftest import pixels

from installation.colour import delta_e, mix_oklab, srgb_to_lab
from installation.paths import bundled_scenes
from installation.render.arc import colour_arc
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene, parse_scene
from installation.scene.params import evaluate
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


KEYED = """
scene: keyed
loop: 120
palette: blue-hour
visuals:
  - layer: sky
    top: {keys: [[0, rose-dust], [60, dusk-blue], [90, ink]]}
    bottom: {keys: [[0, peach], [60, rose-glow]]}
timeline:
  - at: 30
    ramp: 10
    set: {sky.bottom: sodium}
"""


def test_a_colour_written_with_keys_glides_from_key_to_key_in_oklab():
    scene = parse_scene(KEYED, "<keyed>")
    sky = scene.layers[0]
    at = lambda name, t: evaluate(sky.params, scene.clock.moment(t), sky.tracks).__dict__[name]  # noqa: E731
    rose, blue, ink = (217, 165, 160), (93, 110, 145), (30, 35, 51)
    assert at("top", 0) == rose and at("top", 60) == blue and at("top", 100) == ink
    expected = mix_oklab(rose, blue, 0.5)  # eased in-out: halfway at the segment's middle
    assert np.abs(np.array(at("top", 30)) - np.array(expected)).max() <= 1
    steps = [at("top", t / 4) for t in range(0, 480)]  # every glide step over the loop
    lab = srgb_to_lab(np.array(steps, dtype=float))
    assert np.abs(np.diff(lab, axis=0)).max() < 2.5  # glides, never jumps
    # the timeline's change takes over from its moment on, keys or not
    assert at("bottom", 29) != (242, 166, 90) and at("bottom", 40) == at("bottom", 90) == (
        242,
        166,
        90,
    )


def test_keys_on_a_colour_drawn_once_are_refused_where_they_are():
    text = "scene: x\nvisuals:\n  - layer: skyline\n    colour: {keys: [[0, coral], [9, ink]]}\n"
    with pytest.raises(SceneError) as err:
        parse_scene(text, "x.yaml")
    assert "x.yaml:4:13: " in str(err.value)
    assert "drawn once when the scene starts and cannot change over time" in str(err.value)


def test_every_colour_a_layer_redraws_can_be_keyed():
    """Keys on each colour that is not drawn once: the layer draws with the colour of the
    moment (against the same layer held at the first key's colour)."""
    from installation.registry import LAYERS
    from installation.scene.params import colour_paths

    unmoved = []
    for name, cls in LAYERS:
        for path in colour_paths(cls.Params.model_construct()):
            if "." in path or name in ("footage", "image"):
                continue  # nested colours (a sun's) are keyed like the rest; files need assets
            frames = []
            for value in ("{keys: [[0, coral], [4, ink]]}", "coral"):
                text = (
                    f"scene: x\nvisuals:\n  - layer: sky\n  - layer: {name}\n    {path}: {value}\n"
                )
                if name == "sea":
                    text += "    beach: 0.5\n"  # the sand shows only on a beach
                if name == "pulse":
                    text += "    cue: tick\ntimeline:\n  - at: 4\n    cue: tick\n"
                compositor = Compositor(parse_scene(text, f"<{name}.{path}>"), (64, 36))
                frames.append(pixels(compositor.render(5.0)).astype(int))
            if np.abs(frames[0] - frames[1]).max() < 3:
                unmoved.append(f"{name}.{path}")
    assert not unmoved, f"keyed colours that do not change the picture: {unmoved}"


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
