"""Silent mistakes: valid scenes that do not do what was meant are warned of, with positions;
``validate`` exits 0 unless ``--strict``; ``--json`` carries them; the player's HUD shows them."""

from __future__ import annotations

import json

import pytest

from installation.cli import main
from installation.paths import SCENES, bundled_scenes
from installation.scene.loader import load_scene
from installation.scene.show import load_show

SILENT = """scene: case
loop: 180
visuals:
  - layer: sky
  - layer: bokeh
    brightness: {follow: {voice: strings}, range: [0.2, 0.8]}
sound:
  voices:
    - voice: pad
timeline:
  - at: 10
    cue: train-passes
  - at: 150
    ramp: 60
    set: {sky.opacity: 0.5}
"""


def test_three_silent_mistakes_are_warned_of_where_they_are(write):
    scene = load_scene(write(SILENT))
    found = {(w.line, w.column): w.message for w in scene.warnings}
    assert set(found) == {(6, 34), (12, 10), (14, 11)}
    assert "follows the voice 'strings', which this scene does not have" in found[6, 34]
    assert "nobody answers the cue 'train-passes' (did you mean 'train-pass'?)" in found[12, 10]
    assert "past the loop's end (180 s)" in found[14, 11] and "at most 30" in found[14, 11]
    assert all(w.level == "warning" for w in scene.warnings)


def test_what_answers_a_cue_is_no_warning(write):
    answered = SILENT.replace("cue: train-passes", "cue: chime").replace(
        "    - voice: pad\n", "    - voice: pad\n    - voice: bells\n      on_cue: chime\n"
    )
    messages = [w.message for w in load_scene(write(answered)).warnings]
    assert not any("cue" in m for m in messages)


def test_an_elevated_train_answers_train_pass_or_its_own_cue(write):
    base = SILENT.replace("cue: train-passes", "cue: train-pass")
    unanswered = [w.message for w in load_scene(write(base)).warnings]
    assert any("nobody answers the cue 'train-pass'" in m for m in unanswered)
    train = base.replace("  - layer: sky\n", "  - layer: sky\n  - layer: elevated-train\n")
    assert not any("cue" in w.message for w in load_scene(write(train)).warnings)
    own = train.replace("elevated-train\n", "elevated-train\n    cue: last-train\n")
    messages = [w.message for w in load_scene(write(own)).warnings]
    assert any("nobody answers the cue 'train-pass'" in m for m in messages)
    assert "cues answered here: last-train" in " ".join(messages)


def test_validate_prints_warnings_and_exits_0_unless_strict(write, capsys):
    path = str(write(SILENT))
    assert main(["validate", path]) == 0
    out = capsys.readouterr()
    assert "case.yaml: ok, 3 warning(s)" in out.err
    assert out.out.count(": warning: ") == 3
    assert main(["validate", "--strict", path]) == 2
    capsys.readouterr()
    assert main(["validate", "--json", path]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["ok"] and len(report["warnings"]) == 3
    assert {w["level"] for w in report["warnings"]} == {"warning"}


def test_a_change_to_the_value_already_there_and_a_key_past_the_loop_are_warned_of(write):
    scene = load_scene(
        write("""scene: case
loop: 60
visuals:
  - layer: sky
    opacity: 0.8
  - layer: haze
    density: {keys: [[0, 0.2], [50, 0.5], [75, 0.3]]}
timeline:
  - at: 30
    set: {sky.opacity: 0.8, sky.top: coral}
  - at: 10
    set: {sky.top: coral}
  - at: 40
    set: {sky.opacity: 0.5}
  - at: 55
    set: {sky.opacity: 0.8}
""")
    )
    found = {(w.line, w.column): w.message for w in scene.warnings}
    assert set(found) == {(7, 43), (10, 24), (10, 38)}, found
    assert "key at 75 s is never reached: the loop ends at 60 s" in found[7, 43]
    assert "sets 'sky.opacity' to 0.8, the value it already has (as written)" in found[10, 24]
    assert "sets 'sky.top' to 'coral', the value it already has (since an earlier" in found[10, 38]


@pytest.mark.parametrize("path", bundled_scenes(), ids=lambda p: p.stem)
def test_bundled_scenes_make_no_silent_mistakes(path):
    assert load_scene(path).warnings == ()


def test_a_voice_that_follows_the_sound_is_said(write):
    """Only the picture's followers are measured: a voice's level written as one reads silence."""
    scene = load_scene(
        write(
            "scene: case\nsound:\n  voices:\n    - voice: pad\n"
            "      level: {follow: {voice: master}, range: [-30, -16]}\n"
        )
    )
    (warning,) = scene.warnings
    assert (warning.line, warning.column) == (5, 23)  # its follow:
    assert warning.message.startswith(
        "'sound.pad.level' follows the voice 'master', but only the picture can follow the sound"
    )


def test_a_scene_shorter_than_two_crossfades_is_said(tmp_path, capsys):
    """The schedule cuts each fade to half the scene's time: say so, with the figures."""
    show = tmp_path / "short.yaml"
    show.write_text("show: short\nscenes: [magic-hour, {scene: beach-dawn, minutes: 0.1}]\n"
                    "minutes: 6\ncrossfade: 8\n")  # fmt: skip
    (warning,) = load_show(show).warnings
    assert (warning.line, warning.column, warning.level) == (2, 51, "warning")  # its minutes
    assert warning.message == (
        "'beach-dawn' plays 6 s, less than two crossfades of 8 s: it fades in and out within its "
        "own time, so each fade is cut to 3 s; give it at least 0.267 minutes, or the show a "
        "crossfade of at most 3"
    )
    assert main(["validate", str(show)]) == 0 and "warning: 'beach-dawn'" in capsys.readouterr().out
    assert main(["validate", "--strict", "--json", str(show)]) == 2
    assert '"level": "warning"' in capsys.readouterr().out


def test_bundled_shows_make_no_silent_mistakes():
    for show in sorted((SCENES / "shows").glob("*.yaml")):
        assert load_show(show).warnings == ()


def test_the_player_shows_a_warning_on_its_hud(write, tmp_path):
    from playerkit import FakeClock, on_stage, options

    from installation.play.player import Player

    clock = FakeClock()
    player = Player(options(write(SILENT), tmp_path / "state", size=(64, 36), timer=clock))
    try:
        on_stage(player, clock)
        assert player.notices.message.startswith("warning: ")
        assert "(+2 more)" in player.notices.message
    finally:
        player.close()
