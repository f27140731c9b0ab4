"""Media an artist can place: ``rect``, ``fit``, ``crop`` and ``mask`` on the ``image`` and
``footage`` layers, their keyed values, and the mistakes said at their line and column."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import render_yaml
from PIL import Image

from installation.scene.errors import SceneError
from installation.scene.loader import parse_scene
from installation.scene.params import evaluate
from installation.scene.values import Moment
from installation.visuals.placement import Crop, Mask, Rect, place, shape_alpha, shape_key

SIZE = (320, 180)
GROUND = "scene: x\nvisuals:\n  - layer: sky\n    sun: null\n"
STILL = "    grade: 0\n    zoom: 1\n    drift: 0\n    period: 0\n"


@pytest.fixture
def quadrants(tmp_path) -> str:
    """A picture of four colours: red top left, blue top right, green bottom left, cream
    bottom right."""
    rgb = np.zeros((90, 160, 3), np.uint8)
    rgb[:45, :80], rgb[:45, 80:] = (220, 60, 40), (40, 60, 220)
    rgb[45:, :80], rgb[45:, 80:] = (60, 200, 60), (240, 230, 210)
    path = tmp_path / "quadrants.png"
    Image.fromarray(rgb).save(path)
    return str(path)


def image(file: str, keys: str, t: float = 1.0) -> np.ndarray:
    text = f"{GROUND}  - layer: image\n    file: {file}\n{STILL}{keys}"
    return render_yaml(text, t, SIZE)


def box(x: float, y: float, w: float, h: float, inset: int = 3) -> tuple[slice, slice]:
    """Rows and columns of a rect given in fractions of the frame, ``inset`` px inside it."""
    W, H = SIZE
    return (slice(round(y * H) + inset, round((y + h) * H) - inset),
            slice(round(x * W) + inset, round((x + w) * W) - inset))  # fmt: skip


def outside(x: float, y: float, w: float, h: float, margin: int = 3) -> np.ndarray:
    """A mask of the frame beyond a rect, ``margin`` px clear of it."""
    W, H = SIZE
    mask = np.ones((H, W), bool)
    mask[max(0, round(y * H) - margin) : round((y + h) * H) + margin,
         max(0, round(x * W) - margin) : round((x + w) * W) + margin] = False  # fmt: skip
    return mask


def test_a_placed_picture_paints_its_rect_and_nothing_else(quadrants):
    ground = render_yaml(GROUND, 1.0, SIZE)
    placed = image(quadrants, "    rect: [0.25, 0.3, 0.5, 0.4]\n    fit: stretch\n")
    assert np.array_equal(
        placed[outside(0.25, 0.3, 0.5, 0.4)], ground[outside(0.25, 0.3, 0.5, 0.4)]
    )
    rows, cols = box(0.25, 0.3, 0.5, 0.4)
    inside = np.abs(placed[rows, cols] - ground[rows, cols]).max(axis=2)
    assert (inside > 30).mean() > 0.95, "the picture fills its rect"
    # stretched, all four quadrants show, each in its quarter of the rect
    top_left, bottom_right = placed[rows, cols][5, 5], placed[rows, cols][-5, -5]
    assert top_left[0] > top_left[2] + 80 and bottom_right.min() > 180
    assert np.array_equal(placed, image(quadrants, "    rect: [0.25, 0.3, 0.5, 0.4]\n"
                                        "    fit: stretch\n"))  # fmt: skip


def test_crop_shows_its_part_of_the_picture(quadrants):
    placed = image(quadrants, "    rect: [0.1, 0.1, 0.3, 0.3]\n    crop: [0.5, 0, 0.5, 0.5]\n")
    rows, cols = box(0.1, 0.1, 0.3, 0.3)
    r, g, b = (placed[rows, cols][..., c].mean() for c in range(3))
    assert b > r + 120 and b > g + 100, "only the blue quarter shows"


def test_fit_contain_letterboxes_and_cover_fills(quadrants):
    """A picture of 16:9 in a tall rect: contain shows all of it between empty bands above
    and below; cover fills the rect and trims the sides."""
    ground = render_yaml(GROUND, 1.0, SIZE)
    rect = "    rect: [0.4, 0.1, 0.2, 0.8]\n"  # 64 x 144 px
    contained = image(quadrants, rect + "    fit: contain\n")
    covered = image(quadrants, rect)
    rows, cols = box(0.4, 0.1, 0.2, 0.8, inset=2)
    band = slice(rows.start, rows.start + 40)  # the picture is 36 px tall, in the middle
    assert np.array_equal(contained[band, cols], ground[band, cols]), "empty above the picture"
    middle = contained[86:94, cols]
    assert np.abs(middle - ground[86:94, cols]).max(axis=2).min() > 30, "the picture in the middle"
    assert np.abs(covered[rows, cols] - ground[rows, cols]).max(axis=2).min() > 30, "all covered"


def test_placement_geometry():
    def still(region, out):  # the view: as much of the region as has out's shape, centred
        scale = min(region[0] / out[0], region[1] / out[1])
        w, h = round(out[0] * scale), round(out[1] * scale)
        return (region[0] - w) // 2, (region[1] - h) // 2, w, h

    rect, crop = _at(Rect, [0.5, 0.25, 0.25, 0.5]), _at(Crop, [0, 0, 1, 1])
    size, source = (400, 200), (300, 100)  # the rect is 100 x 100 px; the picture 3:1
    cover = place(source, size, rect, crop, "cover", still)
    assert cover.dest == (200, 50, 100, 100) and cover.view == (100, 0, 100, 100)
    contain = place(source, size, rect, crop, "contain", still)
    assert contain.view == (0, 0, 300, 100) and contain.dest == (200, 83, 100, 33)
    stretch = place(source, size, rect, crop, "stretch", still)
    assert stretch.view == (0, 0, 300, 100) and stretch.dest == (200, 50, 100, 100)
    half = _at(Crop, [0.5, 0, 0.5, 1])
    assert place(source, size, rect, half, "stretch", still).view == (150, 0, 150, 100)
    none = _at(Rect, [0.5, 0.5, 0.001, 0.2])
    assert place(source, size, none, crop, "cover", still) is None  # under a pixel wide


@pytest.mark.parametrize("blend", ["normal", "add", "screen", "multiply"])
def test_a_circle_shows_the_picture_within_it_in_every_blend_mode(quadrants, blend):
    ground = render_yaml(GROUND, 1.0, SIZE)
    placed = image(quadrants, f"    rect: [0.3, 0.2, 0.3, 0.6]\n    mask: circle\n"
                              f"    blend: {blend}\n")  # fmt: skip
    rows, cols = box(0.3, 0.2, 0.3, 0.6, inset=0)
    corner = (slice(rows.start, rows.start + 12), slice(cols.start, cols.start + 12))
    assert np.array_equal(placed[corner], ground[corner]), "the rect's corner is the ground's"
    assert np.array_equal(placed[outside(0.3, 0.2, 0.3, 0.6)], ground[outside(0.3, 0.2, 0.3, 0.6)])
    centre = (slice(80, 100), slice(140, 150))
    assert np.abs(placed[centre] - ground[centre]).max() > 20, "the picture shows in the middle"


def test_a_window_shows_the_picture_through_its_panes_not_its_bars(quadrants):
    ground = render_yaml(GROUND, 1.0, SIZE)
    mask = "    mask: {shape: window, panes: [2, 2], bars: 0.1, radius: 0, feather: 0}\n"
    placed = image(quadrants, "    rect: [0.2, 0.1, 0.6, 0.8]\n" + mask)
    # the rect is 192 x 144 px, a bar 14.4 px: the frame's middle bars cross at (160, 90)
    cross = (slice(86, 95), slice(150, 171))
    assert np.array_equal(placed[cross], ground[cross]), "the bars hide the picture"
    panes = [(slice(40, 60), slice(90, 130)), (slice(120, 140), slice(190, 230))]
    for pane in panes:
        assert np.abs(placed[pane] - ground[pane]).max(axis=2).min() > 20, "panes show it"


def test_rounded_corners_and_feather():
    assert np.all(_alpha("rounded", radius=0.5)[:3, :3] == 0), "the corner is cut off"
    assert np.all(_alpha("rounded", radius=0.5)[40:60, 40:60] == 255)
    hard, soft = _alpha("rounded", feather=0), _alpha("rounded", feather=0.2)
    assert (hard[50] == 255).sum() > (soft[50] == 255).sum() + 30, "the feather softens inward"
    assert hard[50, 0] < 255 and soft[50, 0] == 0, "and never spills past the rect"
    inverted = _alpha("rounded", invert=True)
    assert np.array_equal(inverted, 255 - _alpha("rounded"))


def _alpha(shape: str, **keys) -> np.ndarray:
    mask = _at(Mask, {"shape": shape, **keys})
    return shape_alpha(shape_key(mask, (100, 100)))


def _at(model, raw):
    """A placement model as a layer receives it: every value a number."""
    return evaluate(model.model_validate(raw), Moment(0.0), {})


def test_a_mask_picture_shows_where_it_is_light(quadrants, tmp_path):
    ground = render_yaml(GROUND, 1.0, SIZE)
    half = np.zeros((20, 40), np.uint8)
    half[:, :20] = 255  # white on the left: the picture shows there
    Image.fromarray(half).save(tmp_path / "half.png")
    rect = "    rect: [0.25, 0.25, 0.5, 0.5]\n"
    for invert, shown in ((False, slice(85, 150)), (True, slice(170, 235))):
        mask = f"    mask: {{file: {tmp_path / 'half.png'}, invert: {str(invert).lower()}}}\n"
        placed = image(quadrants, rect + mask)
        hidden = slice(170, 235) if not invert else slice(85, 150)
        rows = slice(50, 130)
        assert np.array_equal(placed[rows, hidden], ground[rows, hidden])
        assert np.abs(placed[rows, shown] - ground[rows, shown]).max(axis=2).min() > 20


def test_every_placement_number_takes_keys_and_the_timeline(quadrants):
    keyed = "    rect: [{keys: [[0, 0], [10, 0.7]]}, 0.3, 0.3, 0.4]\n"
    ground = render_yaml(GROUND, 0.0, SIZE)
    start, end = image(quadrants, keyed, 0.0), image(quadrants, keyed, 10.0)
    assert np.abs(start[:, :90] - ground[:, :90]).max() > 20 and np.array_equal(
        start[:, 110:], ground[:, 110:]
    ), "at 0 s the picture is at the left"
    assert np.array_equal(end[:, :210], ground[:, :210]), "at 10 s it has slid to the right"
    timeline = (f"{GROUND}  - layer: image\n    file: {quadrants}\n{STILL}"
                "    rect: [0, 0, 0.2, 0.2]\n    mask: {shape: rounded, radius: 0}\n"
                "timeline:\n  - at: 1\n    ramp: 2\n"
                "    set: {image.rect.w: 1, image.rect.h: 1, image.crop.x: 0.5, "
                "image.mask.radius: 0.5}\n")  # fmt: skip
    scene = parse_scene(timeline, "<t>")
    assert {"rect.w", "crop.x", "mask.radius", "mask.feather"} <= set(scene.layers[1].tracks)
    grown = render_yaml(timeline, 5.0, SIZE)
    assert np.array_equal(grown[:5, :5], render_yaml(GROUND, 5.0, SIZE)[:5, :5]), "round now"
    assert np.abs(grown[90, 160] - render_yaml(GROUND, 5.0, SIZE)[90, 160]).max() > 20


def test_footage_is_placed_and_masked_too():
    ground = render_yaml(GROUND, 2.0, SIZE)
    text = (f"{GROUND}  - layer: footage\n    file: assets/footage/rain-on-glass.mp4\n"
            "    rect: [0.5, 0.5, 0.4, 0.4]\n    crop: [0.25, 0.25, 0.5, 0.5]\n"
            "    mask: rounded\n    grade: 0\n")  # fmt: skip
    a, b = render_yaml(text, 2.0, SIZE), render_yaml(text, 2.5, SIZE)
    assert np.array_equal(a[outside(0.5, 0.5, 0.4, 0.4)], ground[outside(0.5, 0.5, 0.4, 0.4)])
    rows, cols = box(0.5, 0.5, 0.4, 0.4, inset=12)
    assert np.abs(a[rows, cols] - ground[rows, cols]).max(axis=2).mean() > 10, "the clip shows"
    assert not np.array_equal(a[rows, cols], b[rows, cols]), "and plays"


@pytest.mark.parametrize(
    ("keys", "where", "message"),
    [
        ("    rect: [0.1, 0.2, 3, 0.4]\n", (5, 22), "'rect': w: must be between 0 and 2, got 3"),
        (
            "    rect: [0.1, 0.2, 0.3]\n",
            (5, 11),
            "'rect': must be [x, y, w, h]: four numbers, got 3 items",
        ),
        ("    crop: 0.5\n", (5, 11), "'crop': must be [x, y, w, h] or a mapping of x, y, w and h"),
        (
            "    rect: {x: 0.1, y: 0.2, w: 0.3, hh: 0.1}\n",
            (5, 36),
            "unknown key 'hh' (did you mean 'h'?)",
        ),
        (
            "    rect: [0, {keys: [[0, 0], [9, 5]]}, 1, 1]\n",
            (5, 35),
            "'rect': y: key value 5 must be between -1 and 2",
        ),
        (
            "    fit: covr\n",
            (5, 10),
            "'fit' must be one of cover, contain, stretch; got 'covr' (did you mean 'cover'?)",
        ),
        (
            "    mask: circel\n",
            (5, 11),
            "'mask.shape' must be one of window, circle, rounded; got "
            "'circel' (did you mean 'circle'?)",
        ),
        (
            "    mask: {shape: circle, file: assets/images/city-out-of-focus.jpg}\n",
            (5, 11),
            "'mask': give a mask a shape (window, circle, rounded) or a picture file, one of the two",
        ),
        ("    mask: {shape: window, panes: [0, 2]}\n", (5, 34), "a window has 1 to 12 panes"),
        (
            "    mask: {shape: rounded, feather: 2}\n",
            (5, 37),
            "'mask.feather': must be between 0 and 0.5, got 2",
        ),
        (
            "    mask: assets/images/no-such.png\n",
            (5, 11),
            "'mask.file': no file 'assets/images/no-such.png'",
        ),
    ],
)
def test_placement_mistakes_are_said_at_their_line_and_column(keys, where, message):
    text = ("scene: x\nvisuals:\n  - layer: image\n    file: assets/images/city-out-of-focus.jpg\n"
            + keys)  # fmt: skip
    with pytest.raises(SceneError) as raised:
        parse_scene(text, "scenes/x.yaml")
    problems = raised.value.problems
    assert len(problems) == 1, problems
    assert (problems[0].line, problems[0].column) == where
    assert message in problems[0].message, problems[0].message
