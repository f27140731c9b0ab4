"""Each layer and effect renders warm, not flat, smoothly over time, and deterministically.

The generic tests look at what a layer itself paints: the frame with the layer against its
*ground*, the same scene without it (the plain plum background for layers that need nothing
beneath, a sky or a picture for those that light from one or lens it). A layer that painted
nothing would leave the frame equal to its ground, and each of them fails.
"""

from __future__ import annotations

import itertools

import numpy as np
import pygame
import pytest
import yaml
from conftest import pixels, render_yaml

from installation.scene.loader import parse_scene
from installation.visuals.compositor import FLOOR, Compositor
from installation.visuals.layer import LAYERS

SKY = "  - layer: sky\n"
SOLO = {
    "sky": SKY,
    "skyline": SKY + "  - layer: skyline\n",
    "bokeh": "  - layer: bokeh\n    count: 200\n    area: [0, 1]\n",
    "haze": SKY + "  - layer: haze\n    rays: 0.5\n",
    "particles": "  - layer: particles\n    kind: dust\n    count: 800\n",
    "sea": SKY + "  - layer: sea\n",
    "forest-mist": SKY + "  - layer: forest-mist\n    drift: 4\n",
    "os-logo": "  - layer: os-logo\n",
    "waveform": "  - layer: waveform\n    idle: 0.05\n",
    "screen-glow": "  - layer: screen-glow\n",
    "train-window": SKY + "  - layer: train-window\n",
    "birds": SKY + "  - layer: birds\n    every: 60\n    count: 24\n",
    "crowd": SKY + "  - layer: crowd\n    count: 120\n    speed: 3\n",
    "cabin": SKY + "  - layer: cabin\n",
    "interior": "  - layer: interior\n    glow: {lfo: sine, period: 20, range: [0.6, 0.9]}\n",
    "image": "  - layer: image\n    file: assets/images/city-out-of-focus.jpg\n",
    "footage": "  - layer: footage\n    file: assets/footage/rain-on-glass.mp4\n",
    "raindrops": "  - layer: image\n    file: assets/images/city-out-of-focus.jpg\n"
    "  - layer: raindrops\n    size: 12\n",
    "elevated-train": SKY
    + "  - layer: elevated-train\n    speed: 1500\n"
    + "timeline:\n  - at: 0.5\n    cue: train-pass\n  - at: 9\n    cue: train-pass\n",
    "rooftop": SKY + "  - layer: rooftop\n",
    "foreground": SKY + "  - layer: foreground\n    kind: shoulder\n",
    "reflection": SKY + "  - layer: skyline\n  - layer: reflection\n    horizon: 0.72\n",
    "pulse": SKY
    + "  - layer: pulse\n    cue: tick\n    strength: 0.2\n    decay: 20\ntimeline:\n  - at: 0.5\n    cue: tick\n",
}

#: when each layer is looked at: 10 s in, when the flock is crossing, the train passing on its
#: second cue and the pulse still fading from its cue
AT = 10.0
#: a pixel is the layer's own when the layer moves it this many levels (any channel) or more
OWN_LEVELS = 8
#: the least share of a 320x180 frame that is each layer's own at ``AT``: about half of what
#: each paints now (measured when these were set), so a layer that lost half of itself fails
OWN_SHARE = {
    "birds": 0.0012,  # 24 birds: about 180 pixels of 57,600
    "bokeh": 0.02,
    "cabin": 0.03,
    "crowd": 0.1,
    "elevated-train": 0.03,
    "footage": 0.3,
    "foreground": 0.05,
    "forest-mist": 0.3,
    "haze": 0.25,
    "image": 0.5,
    "interior": 0.25,
    "os-logo": 0.2,
    "particles": 0.005,
    "pulse": 0.3,
    "raindrops": 0.015,
    "reflection": 0.12,
    "rooftop": 0.09,
    "screen-glow": 0.45,
    "sea": 0.2,
    "sky": 0.5,
    "skyline": 0.15,
    "train-window": 0.25,
    "waveform": 0.1,
}


def scene_text(name: str, post: str = "", seed: int | None = None) -> str:
    head = "scene: x\n" + (f"seed: {seed}\n" if seed is not None else "")
    return f"{head}visuals:\n{SOLO[name]}{post}"


def ground_text(name: str, post: str = "", seed: int | None = None) -> str:
    """The case's scene without the layer it is about (its last entry of that kind)."""
    doc = yaml.safe_load(scene_text(name, post, seed))
    kinds = [entry["layer"] for entry in doc["visuals"]]
    del doc["visuals"][len(kinds) - 1 - kinds[::-1].index(name)]
    return yaml.safe_dump(doc, sort_keys=False)


def own_pixels(image: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """Where ``image`` differs from ``ground`` by ``OWN_LEVELS`` or more: the layer's pixels."""
    return np.abs(image - ground).max(axis=2) >= OWN_LEVELS


def test_every_registered_layer_has_a_solo_case():
    assert set(LAYERS.names()) == set(SOLO) == set(OWN_SHARE)


@pytest.mark.parametrize("name", sorted(SOLO))
def test_layer_paints_its_own_pixels_warm_and_not_flat(name):
    image = render_yaml(scene_text(name), AT)
    own = own_pixels(image, render_yaml(ground_text(name), AT))
    assert own.mean() >= OWN_SHARE[name], (
        f"{name} paints {own.mean():.4f} of the frame, less than {OWN_SHARE[name]}"
    )
    r, b = image[own][:, 0].mean(), image[own][:, 2].mean()
    assert r > b, f"{name}: its pixels' mean red {r:.1f} is not above their mean blue {b:.1f}"
    assert image.std() > 4, f"{name} is flat"
    assert (image.max(axis=2) < 255).mean() > 0.95  # not blown out


@pytest.mark.parametrize("name", sorted(SOLO))
def test_layer_is_deterministic(name):
    post = "post: {grain: 0.05}\n"
    text = scene_text(name, post, seed=5)
    image = render_yaml(text, AT)
    assert np.array_equal(image, render_yaml(text, AT))
    own = own_pixels(image, render_yaml(ground_text(name, post, seed=5), AT))
    assert own.mean() >= OWN_SHARE[name], f"{name} paints {own.mean():.4f} of the frame"


@pytest.mark.parametrize("name", sorted(SOLO))
def test_layer_changes_smoothly(name):
    layer = Compositor(parse_scene(scene_text(name), "<t>"), (320, 180))
    ground = Compositor(parse_scene(ground_text(name), "<t>"), (320, 180))
    times = [AT + i / 30 for i in range(3)]
    frames = [pixels(layer.render(t)).copy() for t in times]
    diffs = [np.abs(a - b).mean() for a, b in itertools.pairwise(frames)]
    assert all(d < 3 for d in diffs), diffs  # no flicker
    own = frames[0] - pixels(ground.render(AT))  # what the layer adds, signed
    assert own_pixels(frames[0], frames[0] - own).mean() >= OWN_SHARE[name]
    # its own pixels move, seen a few seconds and half a minute on (a rooftop stands still
    # but for its slowly flashing beacon: 0.01 to 0.04 levels on average, by its layout)
    moved = max(
        float(np.abs(pixels(layer.render(AT + dt)) - pixels(ground.render(AT + dt)) - own).mean())
        for dt in (4.1, 31.0)
    )
    assert moved > 0.005, f"{name} does not move"


def test_layers_effects_and_voices_receive_their_own_typed_values():
    """Each moment's values are the plugin's own model, every number a float and every colour
    (r, g, b): a misspelt name fails the type checker (``make test`` runs mypy), and, were it
    to run, raises at once instead of drawing something wrong."""
    from installation.sound.engine import OfflineSound
    from installation.sound.voices.pad import PadParams
    from installation.visuals.frame import Frame
    from installation.visuals.layers.haze import HazeParams

    scene = parse_scene(
        "scene: x\nvisuals:\n  - layer: sky\n  - layer: haze\n    density: {lfo: sine, "
        "range: [0.2, 0.6]}\npost:\n  grain: 0.03\nsound:\n  voices:\n    - voice: pad\n",
        "<typed>",
    )
    compositor = Compositor(scene, (64, 36))
    frame = Frame(scene.clock.moment(3.0), (64, 36), scene.clock, scene.palette)
    v = compositor.layers[1].values(frame)
    assert type(v) is HazeParams
    assert isinstance(v.density, float) and 0.2 <= v.density <= 0.6
    assert isinstance(v.colour, tuple) and len(v.colour) == 3
    with pytest.raises(AttributeError):
        _ = v.drfit  # type: ignore[attr-defined]
    effect = compositor.effects[0]
    assert type(effect.values(frame)) is type(effect.params)
    with OfflineSound(scene) as sound:
        values = sound.graph.voices[0].values(3.0)
    assert type(values) is PadParams and isinstance(values.level, float)


def test_seed_changes_the_picture():
    text = "scene: x\nseed: {}\nvisuals:\n  - layer: sky\n  - layer: skyline\n"
    assert not np.array_equal(render_yaml(text.format(1)), render_yaml(text.format(2)))


def _painted_alone(text: str, address: str, t: float = 10.0) -> np.ndarray:
    """The layer called ``address`` in the scene ``text``, painted by itself onto a plain canvas
    (what lies beneath cannot show through it)."""
    scene = parse_scene(text, "<t>")
    compositor = Compositor(scene, (320, 180))
    index = [entry.address for entry in scene.layers].index(address)
    layer, frame = compositor.layers[index], compositor.frame(t)
    canvas = pygame.Surface((320, 180), 0, 32)
    canvas.fill((90, 60, 70))
    layer.below = canvas
    layer.paint(canvas, frame)
    return pixels(canvas)


#: layers whose layout is random: towers, tanks, trees, walkers, lights, drops, the flock
LAID_OUT = ["bokeh", "birds", "crowd", "forest-mist", "particles", "raindrops", "rooftop",
            "skyline"]  # fmt: skip


@pytest.mark.parametrize("name", LAID_OUT)
def test_a_layer_keeps_its_layout_whatever_else_the_scene_holds(name):
    """A layer's randomness is seeded by the scene's seed and its name in the scene (its id,
    else its kind, ``bokeh-2`` for a second one), never by its place in the stack: adding
    layers below or above it, or moving it, leaves its own pixels as they were."""
    own = SOLO[name].split(f"  - layer: {name}\n", 1)[1].split("timeline:")[0]
    entry = f"  - layer: {name}\n{own}"
    other = "  - layer: haze\n  - layer: pulse\n    cue: tick\n  - layer: bokeh\n    id: far\n"
    other = other.replace("bokeh", "particles") if name == "bokeh" else other
    stacks = {
        "alone": SKY + entry,
        "with layers added below": SKY + other + entry,
        "moved to the bottom": entry + SKY + other,
        "with a layer added above": SKY + entry + "  - layer: haze\n",
    }
    painted = {how: _painted_alone(f"scene: x\nseed: 7\nvisuals:\n{stack}", name)
               for how, stack in stacks.items()}  # fmt: skip
    assert painted["alone"].std() > 1, f"{name} paints nothing here to compare"
    for how, image in painted.items():
        assert np.array_equal(image, painted["alone"]), f"{name} moved when {how}"


def test_adding_a_layer_below_leaves_the_picture_above_it_alone():
    """The issue as seen: a rooftop's water tanks moved when a layer was added beneath. An
    invisible layer added below changes no pixel of the frame."""
    above = "  - layer: skyline\n  - layer: rooftop\n  - layer: bokeh\n    count: 40\n"
    plain = render_yaml(f"scene: x\nseed: 3\nvisuals:\n{SKY}{above}", 10.0)
    added = f"scene: x\nseed: 3\nvisuals:\n{SKY}  - layer: crowd\n    opacity: 0\n{above}"
    assert np.array_equal(render_yaml(added, 10.0), plain)


def test_an_id_keeps_a_layer_put_among_layers_of_its_kind():
    """Without an id the second bokeh is ``bokeh-2``, and a bokeh added beneath it renames it;
    with an id it is seeded by the id and stays where it was."""
    near = "  - layer: bokeh\n    id: near\n    count: 60\n"
    one = _painted_alone(f"scene: x\nvisuals:\n{near}", "near")
    two = _painted_alone(f"scene: x\nvisuals:\n  - layer: bokeh\n{near}", "near")
    assert np.array_equal(one, two)
    first = _painted_alone("scene: x\nvisuals:\n  - layer: bokeh\n", "bokeh")
    second = _painted_alone("scene: x\nvisuals:\n  - layer: bokeh\n  - layer: bokeh\n", "bokeh-2")
    assert not np.array_equal(first, second), "two bokeh without ids draw the same lights"


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


@pytest.mark.parametrize("kind", ["dust", "snow", "rain"])
def test_particle_kinds_render_and_move(kind):
    text = f"scene: x\nvisuals:\n  - layer: particles\n    kind: {kind}\n    count: 500\n"
    a, b = render_yaml(text, 2.0), render_yaml(text, 2.5)
    assert a.mean() > 0.5 and not np.array_equal(a, b)


def test_train_window_answers_its_cue():
    base = "scene: x\nvisuals:\n  - layer: sky\n  - layer: train-window\n    pylons: 0\n"
    cued = base + "timeline:\n  - at: 10\n    cue: train-pass\n"
    before, during = render_yaml(cued, 9.0), render_yaml(cued, 11.0)
    quiet = render_yaml(base, 11.0)
    assert np.abs(during - quiet).mean() > 2  # the passing train shows
    assert np.abs(before - render_yaml(base, 9.0)).mean() < 0.5  # nothing before the cue


def test_waveform_follows_the_sound():
    text = (
        "scene: x\nvisuals:\n  - layer: waveform\n    voice: hum\n    idle: 0\n    amplitude: 0.3\n"
    )
    scene = parse_scene(text, "<t>")
    compositor = Compositor(scene, (320, 180))
    silent = pixels(compositor.render(3.0)).copy()
    loud = pixels(
        compositor.render(3.0, {"hum": {"rms": 0.8, "low": 0.5, "mid": 0.5, "high": 0.2}})
    )
    rows_lit = lambda img: (img.max(axis=2).max(axis=1) > 60).sum()  # noqa: E731
    assert rows_lit(loud) > rows_lit(silent) + 5  # a louder voice swings the line wider


def test_layer_blur_softens():
    sharp = render_yaml("scene: x\nvisuals:\n  - layer: sky\n  - layer: skyline\n")
    soft = render_yaml("scene: x\nvisuals:\n  - layer: sky\n  - layer: skyline\n    blur: 12\n")
    edges = lambda img: np.abs(np.diff(img, axis=1)).mean()  # noqa: E731
    assert edges(soft) < edges(sharp) * 0.8


@pytest.mark.parametrize(
    "layer",
    [
        "bokeh\n    count: 120\n    area: [0, 1]",
        "particles\n    kind: rain\n    count: 400",
        "particles\n    kind: snow\n    count: 400",
    ],
)
def test_sprite_layers_blur_their_sprites_like_a_softened_layer(layer):
    """Bokeh and particles blur each sprite once instead of the whole layer every frame: the
    light stays where it was (same mean), edges soften, and it matches the layer-wide blur."""
    base = f"scene: x\nvisuals:\n  - layer: {layer}\n"
    sharp, soft = (
        render_yaml(base, size=(640, 360)),
        render_yaml(base + "    blur: 6\n", size=(640, 360)),
    )
    edges = lambda img: np.abs(np.diff(img, axis=1)).mean()  # noqa: E731
    assert edges(soft) < edges(sharp) * 0.75
    assert abs(soft.mean() - sharp.mean()) < 0.06 * sharp.mean() + 0.3  # no light lost or added
    # the same blur through the layer-wide path (a blend mode the layer does not do itself)
    scene = parse_scene(base + "    blur: 6\n", "<t>")
    compositor = Compositor(scene, (640, 360))
    compositor.layers[0].blurs_itself = False
    wide = pixels(compositor.render(1.0))
    assert abs(soft.max() - wide.max()) < 0.25 * wide.max()  # about as soft


def test_a_see_through_first_layer_shows_the_background_not_the_last_frame():
    text = "scene: x\nvisuals:\n  - layer: sky\n    opacity: 0.5\n"
    compositor = Compositor(parse_scene(text, "<t>"), (160, 90))
    first = pixels(compositor.render(1.0)).copy()
    compositor.canvas.fill((255, 255, 255))  # whatever the last frame left behind
    assert np.array_equal(pixels(compositor.render(1.0)), first)


@pytest.mark.parametrize(
    "post",
    ["grade: {warmth: 0.8, lift: 0.1}", "light-leak: 0.8", "chromatic-aberration: 4", "bloom: 1"],
)
def test_each_post_effect_changes_the_frame_and_stays_warm(post):
    base = "scene: x\nvisuals:\n  - layer: sky\n  - layer: skyline\n"
    plain, graded = render_yaml(base), render_yaml(base + f"post: {{{post}}}\n")
    assert np.abs(graded - plain).mean() > 0.5
    assert graded[:, :, 0].mean() > graded[:, :, 2].mean()


def test_grade_lifts_blacks_toward_a_warm_dark_and_pulls_blue():
    dark = "scene: x\nvisuals:\n  - layer: sky\n    top: '#000000'\n    bottom: '#000000'\n    sun: null\n"
    lifted = render_yaml(dark + "post: {grade: {lift: 0.2, shadows: maroon, warmth: 0}}\n")
    r, g, b = (lifted[:, :, c].mean() for c in range(3))
    assert r > g and r > b and r > 10  # a warm dark: red leads
    blue = "scene: x\nvisuals:\n  - layer: sky\n    top: '#3060F0'\n    bottom: '#3060F0'\n    sun: null\n"
    pulled = render_yaml(blue + "post: {grade: {blue: 1, warmth: 0.5}}\n")
    assert pulled[:, :, 2].mean() < render_yaml(blue)[:, :, 2].mean() - 20


def test_chromatic_aberration_is_lateral_sharp_centre_red_outward():
    base = "scene: x\nvisuals:\n  - layer: sky\n  - layer: skyline\n"
    size = (640, 360)
    plain = render_yaml(base, size=size)
    # 6 px at 1080 lines is 2 px at the sides of a 360-line frame: bands of 1 and 2 px
    fringed = render_yaml(base + "post: {chromatic-aberration: 6}\n", size=size)
    assert np.array_equal(fringed[:, 240:400], plain[:, 240:400])  # the middle stays sharp
    assert np.array_equal(fringed[:, :, 1], plain[:, :, 1])  # green never moves
    right, left = slice(570, 630), slice(10, 70)
    assert np.array_equal(fringed[:, right, 0], plain[:, 568:628, 0])  # red spreads outward
    assert np.array_equal(fringed[:, right, 2], plain[:, 572:632, 2])  # blue inward
    assert np.array_equal(fringed[:, left, 0], plain[:, 12:72, 0])
    assert np.array_equal(fringed[:, left, 2], plain[:, 8:68, 2])
    assert not np.array_equal(fringed[:, right], plain[:, right])  # there are edges to fringe
    # nothing comes in from beyond the frame: the outermost blue is the compositor's floor
    assert fringed[:, 638:, 2].max() == FLOOR[2] and fringed[:, :2, 2].max() == FLOOR[2]


def test_grain_stands_in_for_the_layers_dithering():
    sky = "scene: x\nvisuals:\n  - layer: sky\n    top: maroon\n    bottom: coral\n    sun: null\n"
    assert not Compositor(parse_scene(sky, "<t>"), (64, 36)).frame(1.0).grained
    faint = Compositor(parse_scene(sky + "post: {grain: 0.005}\n", "<t>"), (64, 36))
    assert not faint.frame(1.0).grained  # under two levels it would not hide a step
    grained = Compositor(parse_scene(sky + "post: {grain: 0.03}\n", "<t>"), (320, 352))
    assert grained.frame(1.0).grained
    undithered = pixels(grained.render(1.0)).copy()
    grained.post.hides_banding = lambda frame: False  # the same frame, dithered as well
    dithered = pixels(grained.render(1.0))

    def blocks(image):  # what the eye averages: 16 px squares
        return image.reshape(352 // 16, 16, 320 // 16, 16, 3).mean(axis=(1, 3))

    assert not np.array_equal(undithered, dithered)
    assert np.abs(blocks(undithered) - blocks(dithered)).max() < 1.5


@pytest.mark.parametrize("layer", ["skyline", "bokeh"])
def test_drift_is_the_same_motion_at_every_resolution(layer):
    """Speeds are px/s at 1080 lines: a 270-line render shows what a 1080-line one does."""
    text = f"scene: x\nvisuals:\n  - layer: sky\n  - layer: {layer}\n    drift: 40\n"
    scene = parse_scene(text, "<t>")
    small, big = Compositor(scene, (480, 270)), Compositor(scene, (1920, 1080))

    def apart(t: float) -> float:
        shrunk = pygame.transform.smoothscale(big.render(t), (480, 270))
        return float(np.abs(pixels(shrunk) - pixels(small.render(t))).mean())

    assert apart(20.0) < apart(0.0) + 1.0  # 800 px of drift at 1080 lines, 200 px here


def test_still_layers_are_reused_from_a_snapshot_and_match_a_fresh_frame():
    text = (
        "scene: x\nvisuals:\n  - layer: sky\n  - layer: skyline\n    drift: 2\n"
        "  - layer: bokeh\n    drift: 30\n"
    )
    scene = parse_scene(text, "<t>")
    compositor = Compositor(scene, (320, 180))
    compositor.render(10.0)
    again = pixels(compositor.render(10.0 + 1 / 60)).copy()  # the skyline has not moved a pixel
    assert compositor.layer_ms[:2] == [0.0, 0.0] and compositor.layer_ms[2] > 0.0
    assert np.array_equal(again, pixels(Compositor(scene, (320, 180)).render(10.0 + 1 / 60)))
    moved = pixels(compositor.render(13.0)).copy()  # it has now: painted again
    assert compositor.layer_ms[1] > 0.0
    assert np.array_equal(moved, pixels(Compositor(scene, (320, 180)).render(13.0)))


def test_dancers_move_to_the_beat_each_in_their_own_measure():
    """Eight beats on, every dancer is where they were (all measures divide a two-bar phrase);
    half a beat on, they are not; and they do not all move alike."""
    text = "scene: x\ntempo: 120\nvisuals:\n  - layer: screen-glow\n    figures: 9\n"
    compositor = Compositor(parse_scene(text, "<t>"), (320, 180))
    layer = compositor.layers[0]

    def dancers(t: float) -> np.ndarray:
        target = pygame.Surface((320, 180))
        target.fill((200, 150, 130))
        frame = compositor.frame(t)
        layer._dancers(target, frame, layer.values(frame))
        return pixels(target)

    first = dancers(10.0)
    assert np.array_equal(first, dancers(10.0 + 8 * 0.5))  # eight beats at 120 bpm
    assert np.abs(first - dancers(10.25)).mean() > 0.05  # half a beat
    measures = {d[4] for d in layer.dancers}
    assert len(measures) > 1, "every dancer moves in the same measure"


def test_a_raindrop_shows_what_is_behind_it_upside_down():
    scene = parse_scene("scene: x\nvisuals:\n  - layer: raindrops\n    light: 0\n")
    compositor = Compositor(scene, (320, 180))
    layer = compositor.layers[0]
    layer._drops = lambda frame, v: [(160.0, 90.0, 12)]  # one drop where red meets blue
    target = pygame.Surface((320, 180), 0, 32)
    target.fill((200, 40, 40), pygame.Rect(0, 0, 160, 180))  # red on the left
    target.fill((40, 40, 200), pygame.Rect(160, 0, 160, 180))  # blue on the right
    frame = compositor.frame(1.0)
    layer.draw_onto(target, frame, layer.values(frame))
    seen = pygame.surfarray.array3d(target)
    left, right = seen[153, 90], seen[167, 90]
    assert left[2] > left[0] + 60, "the drop's left side shows the blue from its right"
    assert right[0] > right[2] + 60, "and its right side the red from its left"
    assert tuple(seen[100, 90]) == (200, 40, 40), "the glass around it is untouched"


def _mirror_scene(reflection: str) -> str:
    """A city above a line at 0.6, and the reflection's own keys."""
    return (
        "scene: x\nvisuals:\n  - layer: sky\n    sun: null\n  - layer: skyline\n"
        "    windows: 0.8\n    height: 0.5\n" + reflection
    )


def test_reflection_mirrors_the_frame_above_the_line_darker():
    size, line = (640, 360), 216  # the line at 0.6; the mirror is drawn at 1/8: 8 px blocks
    still = "    ripple: 0\n    streak: 0\n    fade: 0\n    mirror: 1\n    tint: '#FFFFFF'\n"
    city = render_yaml(_mirror_scene(""), size=size)
    water = render_yaml(
        _mirror_scene("  - layer: reflection\n    horizon: 0.6\n" + still), size=size
    )
    assert np.array_equal(water[:line], city[:line]), "above the line nothing changes"
    below, above = water[line + 8 : line + 136], water[line - 136 : line - 8][::-1]

    def blocks(image: np.ndarray) -> np.ndarray:
        return image.mean(axis=2).reshape(16, 8, 80, 8).mean(axis=(1, 3))

    match = np.corrcoef(blocks(below).ravel(), blocks(above).ravel())[0, 1]
    assert match > 0.85, f"the water shows the city turned over (correlation {match:.2f})"
    assert below.mean() < above.mean() * 0.85, "and darker than what it mirrors"


def test_reflection_ripples_move_and_grow_toward_the_viewer():
    text = _mirror_scene("  - layer: reflection\n    horizon: 0.6\n    ripple: 0.8\n")
    compositor = Compositor(parse_scene(text, "<t>"), (320, 180))
    layer = compositor.layers[2]
    across = np.arange(80, dtype=np.float32)  # a row whose value is where it is
    rows = np.repeat(np.tile(across, (40, 1))[:, :, None], 3, axis=2)
    u = np.linspace(0, 1, 40, dtype=np.float32)  # from the line to the bottom

    def shift(t: float) -> np.ndarray:
        frame = compositor.frame(t)
        return layer._rippled(rows, u, frame, layer.values(frame))[:, 10:70, 0] - across[10:70]

    now, later = shift(5.0), shift(5.5)
    assert np.abs(now[-8:]).mean() > 3 * np.abs(now[:8]).mean() > 0, "calm at the line, not near"
    assert np.abs(now - later).mean() > 0.05, "the ripples move"
    a, b = pixels(compositor.render(5.0)).copy(), pixels(compositor.render(5.5))
    assert np.array_equal(a[:108], b[:108]) and not np.array_equal(a[108:], b[108:])


def test_reflection_draws_a_light_down_into_a_streak():
    def mirrored(streak: float) -> np.ndarray:
        text = (
            "scene: x\nvisuals:\n  - layer: reflection\n    horizon: 0.6\n    ripple: 0\n"
            "    fade: 0\n"
        )
        compositor = Compositor(parse_scene(text + f"    streak: {streak}\n", "<t>"), (320, 180))
        layer = compositor.layers[0]
        canvas = pygame.Surface((320, 180), 0, 32)
        canvas.fill((30, 20, 25))
        canvas.fill((255, 200, 140), pygame.Rect(158, 58, 4, 4))  # a lamp, mirrored at 156
        frame = compositor.frame(1.0)
        layer.below = canvas  # what the compositor sets: the frame so far
        layer.draw_onto(canvas, frame, layer.values(frame))
        return pixels(canvas)

    still, streaked = mirrored(0), mirrored(1)
    below = slice(160, 175)  # under the lamp's mirror image
    assert streaked[below, 160].mean() > 2 * still[below, 160].mean()
    red, blue = streaked[below, 160, 0].mean(), streaked[below, 160, 2].mean()
    assert red > blue + 15, "in the lamp's warm colour"
    assert np.abs(streaked[110:, 40] - still[110:, 40]).max() < 3, "dark water stays dark"


def test_reflection_reads_what_is_beneath_it_when_blended_too():
    """Given an empty scratch surface to paint on (opacity below 1), the layer still reads the
    frame so far (``Layer.below``): half opacity lies halfway between none and all."""
    mirror = "  - layer: reflection\n    horizon: 0.6\n    ripple: 0\n"
    none = render_yaml(_mirror_scene(""))
    full = render_yaml(_mirror_scene(mirror))
    half = render_yaml(_mirror_scene(mirror + "    opacity: 0.5\n"))
    band = slice(112, 180)
    assert np.abs(full[band] - none[band]).mean() > 5
    assert np.abs(half[band] - (full[band] + none[band]) / 2).mean() < 1.5


def test_rooftop_stands_dark_across_the_bottom_and_leaves_the_sky_alone():
    sky = "scene: x\nvisuals:\n  - layer: sky\n"
    roof = sky + "  - layer: rooftop\n    height: 0.15\n    lamp: 0\n    beacon: 0\n"
    open_sky, image = render_yaml(sky), render_yaml(roof)
    assert np.array_equal(image[:50], open_sky[:50]), "the top of the frame is the sky's"
    parapet = image[160:]  # the bottom 11%: all wall
    assert parapet.mean() < 0.35 * open_sky[160:].mean() and parapet.max() < 90
    assert (np.abs(image - open_sky).max(axis=2) > 30)[160:].all(), "from edge to edge"
    assert parapet[:, :, 0].mean() > parapet[:, :, 2].mean(), "a warm dark, not grey"


def test_rooftop_layout_follows_the_seed_and_density():
    def roof(seed: int, density: float) -> np.ndarray:
        text = (
            f"scene: x\nseed: {seed}\nvisuals:\n  - layer: sky\n    sun: null\n"
            f"  - layer: rooftop\n    density: {density}\n    lamp: 0\n    beacon: 0\n"
        )
        return render_yaml(text).mean(axis=2)[:150]  # above the parapet: what stands there

    one, two = roof(1, 0.6), roof(2, 0.6)
    assert np.abs(one - two).mean() > 1, "another seed, another roof"
    sky_only = render_yaml("scene: x\nvisuals:\n  - layer: sky\n    sun: null\n").mean(axis=2)
    standing = lambda img: (np.abs(img - sky_only[:150]) > 20).sum()  # noqa: E731
    assert standing(roof(1, 1.0)) > 1.3 * standing(roof(1, 0.0)), "density fills the roof"


TRAIN = (
    "scene: x\n{loop}visuals:\n  - layer: sky\n    sun: null\n  - layer: elevated-train\n"
    "    speed: 600\n    track: 0.5\n    direction: {direction}\n{extra}{cue}"
)
CUE = "timeline:\n  - at: 5\n    cue: train-pass\n"


def _train_columns(
    t: float, direction: str = "left", loop: str = "", cue: str = CUE, extra: str = ""
) -> np.ndarray:
    """Which columns of a 320x180 frame the train covers at ``t`` (against the same scene
    with no cue: the viaduct alone)."""
    keys = {"loop": loop, "direction": direction, "extra": extra}
    cued = render_yaml(TRAIN.format(cue=cue, **keys), t)
    bare = render_yaml(TRAIN.format(cue="", **keys), t)
    changed = np.abs(cued - bare).max(axis=2)[70:92]  # the rows around the rails, at 90
    return np.flatnonzero(changed.max(axis=0) > 12)


def test_elevated_train_crosses_on_its_cue_at_its_speed():
    text = TRAIN.format(loop="", direction="left", extra="", cue=CUE)
    length = Compositor(parse_scene(text, "<t>"), (320, 180)).layers[1].length
    near = lambda a, b: abs(int(a) - int(b)) <= 6  # noqa: E731  (the windows' glow spills)
    assert len(_train_columns(4.9)) == 0, "no train before the cue"
    # 600 px/s at 1080 lines is 100 px/s at 180: it came in from the right 150 px ago
    during = _train_columns(6.5)
    assert near(during.min(), 320 - 150) and near(during.max(), 320 - 150 + length)
    later = _train_columns(7.5)
    assert near(later.min(), 320 - 250) and near(later.max(), 320 - 250 + length), "at speed"
    assert len(_train_columns(20.0)) == 0, "and is gone once it has crossed"
    rightward = _train_columns(6.5, direction="right")
    assert near(rightward.min(), 150 - length) and near(rightward.max(), 150), "or from the left"


def test_elevated_train_rides_its_viaduct_as_it_drifts():
    plain, carried = _train_columns(6.5), _train_columns(6.5, extra="    drift: 120\n")
    # 120 px/s at 1080 lines is 20 px/s here: 30 px further left 1.5 s after the cue
    assert abs(int(carried.min()) - (int(plain.min()) - 30)) <= 1


def test_elevated_train_is_a_function_of_the_clock_across_the_loop_seam():
    """A cue near the loop's end: its train carries on after the loop starts again, the same
    train whichever frames came before."""
    loop, cue = "loop: 30\n", "timeline:\n  - at: 28\n    cue: train-pass\n"
    text = TRAIN.format(loop=loop, direction="left", extra="", cue=cue)
    compositor = Compositor(parse_scene(text, "<t>"), (320, 180))
    length = compositor.layers[1].length
    seam = _train_columns(1.5, loop=loop, cue=cue)  # 3.5 s after the cue: 350 px run
    assert seam.min() == 0 and abs(int(seam.max()) - (320 - 350 + length)) <= 6
    assert np.array_equal(seam, _train_columns(31.5, loop=loop, cue=cue))
    assert np.array_equal(seam, _train_columns(1.5 + 300, loop=loop, cue=cue))
    for t in (29.0, 0.5, 12.0):  # frames painted before in another order change nothing
        compositor.render(t)
    assert np.array_equal(pixels(compositor.render(1.5)), render_yaml(text, 1.5))


def test_elevated_train_windows_are_lit_warm():
    text = TRAIN.format(loop="", direction="left", extra="", cue=CUE).replace(
        "sun: null",
        "sun: null\n    top: plum-night\n    bottom: plum-night\n    middle: plum-night",
    )
    image = render_yaml(text, 6.5)
    band = image[80:90, 180:319]
    lit = band[band.max(axis=2) > 120]
    assert len(lit) > 20, "windows glow against the night"
    assert (lit[:, 0] > lit[:, 2] + 30).mean() > 0.9, "warm, not cold"
