"""Authoring: the JSON Schema, the reference docs, new scenes, editor-friendly validation,
and the tuning options of the player."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest
import yaml

from installation.authoring import reference_markdown, scene_schema, show_schema
from installation.cli import main
from installation.paths import ROOT, SCENES, bundled_scenes
from installation.visuals.layer import LAYERS

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def scene_validator():
    return jsonschema.Draft202012Validator(scene_schema())


@pytest.mark.parametrize("path", bundled_scenes(), ids=lambda p: p.stem)
def test_schema_accepts_every_bundled_scene(scene_validator, path):
    errors = list(scene_validator.iter_errors(yaml.safe_load(path.read_text())))
    assert not errors, [e.message for e in errors][:3]


def test_show_schema_accepts_the_bundled_show():
    data = yaml.safe_load((SCENES / "shows" / "default.yaml").read_text())
    jsonschema.validate(data, show_schema())


@pytest.mark.parametrize(
    "text",
    [
        "scene: case\nvisuals:\n  - layer: bokhe\n",
        "scene: case\nvisuals:\n  - layer: bokeh\n    cont: 5\n",
        "scene: case\ntempo: fast\n",
        "scene: case\nduration: -5\n",
        "scene: case\nvisuals:\n  - layer: bokeh\n    count: 100000\n",
        "scene: case\nvisuals:\n  - layer: sky\n    top: '#12345'\n",
        "scene: case\npost:\n  blom: 0.5\n",
        "scene: case\nvisuals:\n  - layer: bokeh\n    blend: scren\n",
        "scene: Case_1\n",
        "scene: case\nsound:\n  voices:\n    - voice: nope\n",
        "scene: case\npost:\n  grain: 2\n",
        "scene: case\nvisuals:\n  - layer: bokeh\n    brightness: {lfo: sinus, period: 4, range: [0, 1]}\n",
    ],
)
def test_schema_refuses_what_the_validator_refuses(scene_validator, text):
    assert list(scene_validator.iter_errors(yaml.safe_load(text)))


def test_committed_schemas_are_current():
    assert json.loads((DOCS / "scene.schema.json").read_text()) == scene_schema(), (
        "run `installation docs`"
    )
    assert json.loads((DOCS / "show.schema.json").read_text()) == show_schema(), (
        "run `installation docs`"
    )


def test_committed_reference_is_current():
    assert (DOCS / "reference.md").read_text() == reference_markdown("layers"), (
        "run `installation docs`"
    )
    for name in LAYERS.names():
        assert (DOCS / "layers" / f"{name}.png").is_file(), (
            f"no thumbnail for {name}: run `installation docs`"
        )


def test_the_readmes_tables_are_the_classes_own_words():
    """The README's tables of layers, effects and voices are written by `installation docs`
    from the same first paragraphs as the reference: a class changed, the README is stale."""
    from installation.authoring import readme_with_tables

    readme = (ROOT / "README.md").read_text()
    assert readme == readme_with_tables(readme), "run `installation docs`"
    for name, cls in LAYERS:
        assert f"| `{name}` | " in readme and cls.summary() and "\n" not in cls.summary()


def test_every_palette_has_its_swatch_beside_the_reference():
    from PIL import Image

    from installation.scene.palettes import PALETTES

    reference = (DOCS / "reference.md").read_text()
    for name, colours in PALETTES.items():
        swatch = DOCS / "palettes" / f"{name}.png"
        assert f"![{name}](palettes/{name}.png)" in reference
        chips = np.asarray(Image.open(swatch).convert("RGB"))
        for i, hex_colour in enumerate(colours.values()):  # each chip's middle is its colour
            want = [int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)]
            assert chips[56, i * 112 + 56].tolist() == want, (name, hex_colour)


def test_every_bundled_scene_points_editors_at_the_schema():
    for path in bundled_scenes():
        assert path.read_text().startswith(
            "# yaml-language-server: $schema=../docs/scene.schema.json"
        )


def test_new_scene_validates_and_renders(tmp_path, capsys):
    assert main(["new", "evening-walk", "--from", "beach-dawn", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "evening-walk.yaml"
    assert "scene: evening-walk" in path.read_text()
    assert main(["validate", str(path)]) == 0
    assert (
        main(
            [
                "render",
                str(path),
                "--frames",
                "2",
                "--size",
                "64x36",
                "--out",
                str(tmp_path / "f"),
                "--no-audio",  # its sound is beach-dawn's, heard in test_sound.py
                "-q",
            ]
        )
        == 0
    )
    assert main(["new", "evening-walk", "--dir", str(tmp_path)]) == 2  # never overwrites
    assert main(["new", "Evening Walk", "--dir", str(tmp_path)]) == 2
    assert "kebab-case" in capsys.readouterr().err


def test_validate_speaks_like_a_compiler(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scene: bad\nvisuals:\n  - layer: bokhe\n")
    assert main(["validate", str(bad)]) == 2
    assert (
        capsys.readouterr().out.strip()
        == f"{bad}:3:12: error: unknown layer 'bokhe' (did you mean 'bokeh'?)"
    )
    assert main(["validate", "--json", str(bad), str(SCENES / "magic-hour.yaml")]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report[0]["ok"] is False and report[1]["ok"] is True
    assert report[0]["problems"][0] == {
        "file": str(bad), "line": 3, "column": 12, "level": "error",
        "message": "unknown layer 'bokhe' (did you mean 'bokeh'?)",
    }  # fmt: skip


def test_play_at_and_loop_for_tuning(tmp_path):
    from playerkit import FakeClock, on_stage, step

    from installation.play.options import PlayOptions
    from installation.play.player import Player
    from installation.play.slot import live_values

    target = SCENES / "magic-hour.yaml"
    clock = FakeClock()
    options = PlayOptions(
        target=str(target),
        size=(96, 54),
        state_dir=tmp_path,
        vsync=False,
        osc=None,
        audio=False,
        at=30.0,
        loop=(30.0, 30.5),
        timer=clock,
    )
    player = on_stage(Player(options), clock)
    try:
        assert 30.0 <= player.current.time() < 30.5
        restarts = 0
        first = player.current
        for _ in range(150):  # 2.5 s of the player's clock
            step(player, clock)
            if player.current is not first:
                restarts += 1
                first = player.current
            assert player.current.time() < 30.5 + 2 / 60  # the repeat was ready at the end
        assert restarts >= 2
        values = live_values(player.current)
        assert any(v.startswith("skyline.windows = ") for v in values)
        assert any(v.startswith("sky.sun.height = ") for v in values)
    finally:
        player.close()


def test_tutorial_exists_with_pictures():
    text = (DOCS / "tutorial.md").read_text()
    pictures = [line for line in text.splitlines() if line.startswith("![")]
    assert len(pictures) >= 3
    for line in pictures:
        target = line.split("(", 1)[1].rstrip(")")
        assert (DOCS / target).is_file(), target


def test_schema_prints_to_standard_output_and_writes_only_where_told(tmp_path, capsys, monkeypatch):
    from installation.authoring import scene_schema, show_schema
    from installation.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == scene_schema()
    assert main(["schema", "--show"]) == 0
    assert json.loads(capsys.readouterr().out) == show_schema()
    assert list(tmp_path.iterdir()) == []  # nothing written into the folder it ran in
    assert main(["schema", "--out", "made"]) == 0
    assert sorted(p.name for p in (tmp_path / "made").iterdir()) == [
        "scene.schema.json", "show.schema.json",
    ]  # fmt: skip


def test_scene_ids_resolve_from_the_artists_folder_first(tmp_path, monkeypatch, capsys):
    from installation.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["new", "rooftop-after-rain", "--from", "rooftop-dawn"]) == 0
    text = (tmp_path / "scenes" / "rooftop-after-rain.yaml").read_text()
    schema_line = next(line for line in text.splitlines() if "$schema=" in line)
    schema = (tmp_path / "scenes" / schema_line.split("$schema=", 1)[1]).resolve()
    assert schema.is_file() and json.loads(schema.read_text())["type"] == "object"
    assert main(["still", "rooftop-after-rain", "--size", "64x36", "--out", "p.png"]) == 0
    assert (tmp_path / "p.png").is_file()
    elsewhere = tmp_path / "more"
    elsewhere.mkdir()
    (tmp_path / "scenes" / "rooftop-after-rain.yaml").rename(elsewhere / "rooftop-after-rain.yaml")
    monkeypatch.setenv("INSTALLATION_SCENES", str(elsewhere))
    assert main(["still", "rooftop-after-rain", "--size", "64x36", "--out", "q.png"]) == 0
    capsys.readouterr()
    assert main(["still", "rooftop-aftr-rain", "--out", "r.png"]) == 2
    err = capsys.readouterr().err
    assert "no scene 'rooftop-aftr-rain' (did you mean 'rooftop-after-rain'?)" in err
    assert "INSTALLATION_SCENES" in err


def test_an_unknown_colour_teaches_the_names_and_the_hex_form(write):
    from installation.scene.errors import SceneError
    from installation.scene.loader import load_scene

    with pytest.raises(SceneError) as caught:
        load_scene(write("scene: case\nvisuals:\n  - layer: sky\n    top: corall\n"))
    (problem,) = caught.value.problems
    assert "did you mean 'coral'?" in problem.message
    assert "'#rrggbb'" in problem.message and "peach" in problem.message
