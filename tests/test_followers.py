"""One follower resolver (``scene.followers``): the linter, the sound graph and the renderer are
fed the same scenes and must agree with it, and with what each scene plainly follows."""

from __future__ import annotations

import pytest

from installation.commands.render import _follows_sound
from installation.paths import bundled_scenes
from installation.render.program import load_program
from installation.scene.followers import Follower, followers, voice_names
from installation.scene.loader import load_scene
from installation.sound.engine import OfflineSound

HEADER = "scene: case\nloop: 60\n"
VOICES = "sound:\n  voices:\n    - voice: pad\n    - voice: hum\n"

CASES = {
    # a nested parameter: before the resolver, the graph measured no pad and the sun read 0
    "nested": (
        "visuals:\n  - layer: sky\n    sun: {glow: {follow: {voice: pad}, range: [0.2, 0.9]}}\n"
        + VOICES,
        [Follower("sky", ("sun", "glow"), "pad", "rms")],
    ),
    # a timeline change to a follower, at a nested parameter
    "timeline": (
        "visuals:\n  - layer: sky\n" + VOICES + "timeline:\n  - at: 5\n"
        "    set: {sky.sun.glow: {follow: {voice: hum, band: low}, range: [0.2, 0.9]}}\n",
        [Follower("sky", ("sun", "glow"), "hum", "low", at=5.0)],
    ),
    # layers that follow by nature, declared by their models (no name is special here)
    "by nature": (
        "visuals:\n  - layer: sky\n  - layer: waveform\n    voice: hum\n"
        "  - layer: bokeh\n    follow: {voice: pad, band: high}\n" + VOICES,
        [
            Follower("bokeh", ("follow", "voice"), "pad", "high"),
            Follower("waveform", ("voice",), "hum", None),
        ],
    ),
    "post effect": (
        "visuals:\n  - layer: sky\npost:\n  bloom: {strength: {follow: {voice: pad}}}\n" + VOICES,
        [Follower("post.bloom", ("strength",), "pad", "rms")],
    ),
    "absent voices": (
        "visuals:\n  - layer: sky\n    sun: {glow: {follow: {voice: strings}}}\n"
        "  - layer: waveform\n    voice: choir\n" + VOICES + "timeline:\n  - at: 5\n"
        "    set: {sky.sun.height: {follow: {voice: piano}}}\n",
        [
            Follower("sky", ("sun", "glow"), "strings", "rms"),
            Follower("sky", ("sun", "height"), "piano", "rms", at=5.0),
            Follower("waveform", ("voice",), "choir", None),
        ],
    ),
    "none": ("visuals:\n  - layer: sky\n" + VOICES, []),
}


@pytest.fixture(params=sorted(CASES))
def case(request, write):
    text, expected = CASES[request.param]
    return write(HEADER + text, "case.yaml"), expected


def test_the_resolver_finds_every_follower(case):
    path, expected = case
    assert followers(load_scene(path)) == expected


def test_every_caller_agrees_with_the_resolver(case):
    path, _ = case
    scene = load_scene(path)
    found = followers(scene)
    followed = {f.voice for f in found}
    present = voice_names(scene.voices, True)
    # the sound graph measures exactly the followed voices the scene has, and the master
    with OfflineSound(scene, fps=30) as sound:
        _, features = next(iter(sound.frames(1)))
    assert set(features) == {"master"} | (followed & present)
    # the renderer renders the sound for a still exactly when the picture follows it
    assert _follows_sound(load_program(path, 1.0)) == bool(found)
    # the linter warns once for every follower of an absent voice, at its place in the file
    absent = [w for w in scene.warnings if "which this scene does not have" in w.message]
    assert len(absent) == len([f for f in found if f.voice not in present])
    for follower in found:
        if follower.voice not in present:
            assert any(f"the voice '{follower.voice}'" in w.message for w in absent)


def test_warnings_point_at_the_follower(write):
    text, _ = CASES["absent voices"]
    scene = load_scene(write(HEADER + text, "case.yaml"))
    where = {w.message.split(" the voice ")[1].split("'")[1]: (w.line, w.column)
             for w in scene.warnings}  # fmt: skip
    assert where == {"strings": (5, 34), "choir": (7, 12), "piano": (14, 44)}  # at the names
    messages = " ".join(w.message for w in scene.warnings)
    assert "'sky.sun.glow' follows the voice 'strings'" in messages
    assert "the change at 5 s makes 'sky.sun.height' follow the voice 'piano'" in messages


@pytest.mark.parametrize("path", bundled_scenes(), ids=lambda p: p.stem)
def test_bundled_scenes_follow_only_voices_they_have(path):
    scene = load_scene(path)
    present = voice_names(scene.voices, scene.sound is not None)
    assert {f.voice for f in followers(scene)} <= present
    assert _follows_sound(load_program(path, 1.0)) == (
        scene.sound is not None and bool(followers(scene))
    )
