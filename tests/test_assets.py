"""assets/: pictures, clips, .cube grades and landmark outlines a scene brings with it."""

from pathlib import Path

import numpy as np
import pytest
from conftest import pixels

from installation.cube import fit_cube, read_cube
from installation.paths import ROOT, bundled_scenes
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene, parse_scene
from installation.visuals.compositor import Compositor

ASSETS = ROOT / "assets"

IMAGE = """
scene: x
loop: 60
visuals:
  - layer: image
    file: assets/images/city-out-of-focus.jpg
    zoom: 1.3
    drift: 1
    period: 60
"""


def test_a_picture_drifts_slowly_and_comes_back_each_loop():
    compositor = Compositor(parse_scene(IMAGE, "<x>"), (192, 108))
    at = {t: pixels(compositor.render(t)) for t in (0.0, 1 / 30, 15.0, 60.0)}
    assert np.abs(at[0.0] - at[15.0]).mean() > 5  # a quarter of the way round: moved
    assert np.abs(at[0.0] - at[1 / 30]).mean() < 1  # a frame later: barely
    assert np.array_equal(at[0.0], at[60.0])  # the round fits the loop


def test_a_picture_is_graded_into_the_palette():
    def mean_of(grade: float) -> np.ndarray:
        text = IMAGE + f"    grade: {grade}\n    shadows: '#5A2A27'\n    highlights: '#FFC46B'\n"
        return pixels(Compositor(parse_scene(text, "<x>"), (96, 54)).render(0)).mean(axis=(0, 1))

    as_shot, graded = mean_of(0), mean_of(1)
    assert graded[0] - graded[2] > as_shot[0] - as_shot[2] + 10  # toward maroon and amber


def test_footage_shows_the_frame_its_time_names_and_loops_seamlessly():
    import av

    path = ASSETS / "footage" / "rain-on-glass.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate, count = float(stream.average_rate), stream.frames
    text = f"scene: x\nvisuals:\n  - layer: footage\n    file: {path}\n    grade: 0\n"
    compositor = Compositor(parse_scene(text, "<x>"), (160, 90))
    layer = compositor.layers[0]
    for k in (0, 1, 7, count - 1, count, count + 3):
        assert layer.clip_frame(compositor.frame((k + 0.5) / rate)) == k % count
    # rendered twice, the same moment is the same picture; a clip-length later, too
    a = pixels(compositor.render(2.0))
    assert np.array_equal(a, pixels(Compositor(parse_scene(text, "<x>"), (160, 90)).render(2.0)))
    assert np.abs(a - pixels(compositor.render(2.0 + count / rate))).max() == 0
    # in a looping scene whose loop is not a whole number of plays, the clip is fitted: it
    # shows its first frame again exactly as the loop starts again
    looped = Compositor(parse_scene(text.replace("visuals", "loop: 10\nvisuals"), "<x>"), (160, 90))
    assert looped.layers[0].clip_frame(looped.frame(0.0)) == 0
    assert looped.layers[0].clip_frame(looped.frame(10 - 1e-6)) == count - 1


def test_bundled_cubes_load_and_fit(tmp_path: Path):
    for cube in sorted((ASSETS / "grades").glob("*.cube")):
        title, table = read_cube(cube)
        assert table.shape == (17, 17, 17, 3) and title
        fit = fit_cube(str(cube))
        assert fit.error < 8, f"{cube.name}: the grade follows it within {fit.error:.1f} levels"
    identity = tmp_path / "identity.cube"
    axis = np.linspace(0, 1, 5)
    rows = [f"{r} {g} {b}" for b in axis for g in axis for r in axis]
    identity.write_text("LUT_3D_SIZE 5\n" + "\n".join(rows) + "\n")
    fit = fit_cube(str(identity))
    assert np.allclose(fit.gains, 1) and np.allclose(fit.lifts, 0, atol=1e-6) and fit.error < 1e-6


def test_a_cube_grade_changes_the_picture_as_its_fit_says(tmp_path: Path):
    cube = tmp_path / "warm.cube"
    axis = np.linspace(0, 1, 3)
    rows = [f"{r * 0.5 + 0.2} {g * 0.5} {b * 0.25}" for b in axis for g in axis for r in axis]
    cube.write_text('TITLE "warm"\nLUT_3D_SIZE 3\n' + "\n".join(rows) + "\n")
    base = "scene: x\nvisuals:\n  - layer: sky\n    top: '#808080'\n    bottom: '#808080'\n"
    base += "    sun: null\npost:\n  grade: {warmth: 0, lift: 0, split: 0, blue: 0%s}\n"
    plain = pixels(Compositor(parse_scene(base % "", "<x>"), (32, 18)).render(0)).mean((0, 1))
    looked = pixels(
        Compositor(parse_scene(base % f", lut: {cube}", "<x>"), (32, 18)).render(0)
    ).mean((0, 1))
    expected = np.array([128 * 0.5 + 0.2 * 255, 128 * 0.5, 128 * 0.25])
    assert np.abs(plain - 128).max() <= 1
    assert np.abs(looked - expected).max() <= 2, (looked, expected)


def test_grade_gain_above_one_brightens():
    text = (
        "scene: x\nvisuals:\n  - layer: sky\n    top: '#808080'\n    bottom: '#808080'\n"
        "    sun: null\npost:\n  grade: {warmth: 0, lift: 0, split: 0, blue: 0, gain: %s}\n"
    )
    level = {g: pixels(Compositor(parse_scene(text % g, "<x>"), (16, 9)).render(0)).mean()
             for g in (1, 1.4)}  # fmt: skip
    assert level[1.4] == pytest.approx(level[1] * 1.4, abs=2)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("  - layer: image\n    file: assets/images/nowhere.jpg\n", "no file 'assets/images/n"),
        ("  - layer: image\n    file: assets/grades/her-dusk.cube\n", "should be a .png"),
        ("  - layer: footage\n    file: assets/images/city-out-of-focus.jpg\n", "should be a .mp4"),
        ("  - layer: skyline\n    landmarks: [shanghai]\n", "did you mean 'shanghai-tower'"),
    ],
)
def test_asset_mistakes_are_refused_at_their_line(yaml_text, message):
    with pytest.raises(SceneError) as err:
        parse_scene(f"scene: x\nvisuals:\n{yaml_text}", "x.yaml")
    assert message in str(err.value)
    assert "x.yaml:" in str(err.value)


def test_a_malformed_cube_is_refused_with_its_line(tmp_path: Path):
    bad = tmp_path / "bad.cube"
    bad.write_text("LUT_3D_SIZE 2\n0 0 0\n1 1\n")
    with pytest.raises(SceneError) as err:
        parse_scene(
            f"scene: x\nvisuals:\n  - layer: sky\npost:\n  grade: {{lut: {bad}}}\n", "x.yaml"
        )
    assert "bad.cube:3" in str(err.value) and "x.yaml:5:" in str(err.value)


def test_an_artists_own_assets_folder_is_found_beside_their_scenes(tmp_path: Path):
    (tmp_path / "assets" / "images").mkdir(parents=True)
    (tmp_path / "scenes").mkdir()
    from PIL import Image

    Image.new("RGB", (64, 36), (200, 120, 90)).save(tmp_path / "assets/images/mine.png")
    scene = tmp_path / "scenes" / "mine.yaml"
    scene.write_text("scene: mine\nvisuals:\n  - layer: image\n    file: assets/images/mine.png\n")
    loaded = load_scene(scene)
    assert loaded.layers[0].params.file == str((tmp_path / "assets/images/mine.png").resolve())


def test_bundled_scenes_use_the_assets_folder():
    used = " ".join(p.read_text() for p in bundled_scenes())
    for kind in ("images/", "footage/", "grades/", "landmarks:"):
        assert kind in used, f"no bundled scene uses {kind}"
