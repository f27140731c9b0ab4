"""One loudness cache, keyed by the sound alone: render, listen and the player share it, and an
edit to the picture keeps a scene's calibration."""

from __future__ import annotations

import pytest

from installation.paths import SCENES
from installation.scene.loader import load_scene
from installation.sound import loudness


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(loudness, "_cache_file", lambda: tmp_path / "loudness.json")
    monkeypatch.setattr(loudness, "_CACHE", {})
    return tmp_path / "loudness.json"


def edited(tmp_path, old: str, new: str):
    path = tmp_path / "magic-hour.yaml"
    text = (SCENES / "magic-hour.yaml").read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return load_scene(path)


def test_an_edit_to_the_picture_keeps_the_calibration(tmp_path, cache, monkeypatch):
    scene = edited(tmp_path, "count: 18", "count: 18")
    key = loudness._key(scene, loudness.calibration_seconds(scene))
    loudness._write_disk(key, 14.5)  # as a finished calibration leaves it
    monkeypatch.setattr(loudness, "_CACHE", {})
    for picture_edit in [
        ("count: 18", "count: 8"),
        ("planes: 3", "planes: 2"),
    ]:
        again = edited(tmp_path, *picture_edit)
        assert loudness.cached_gain(again) == 14.5, picture_edit
        assert loudness.calibration_notice(again) is None
    sound_edit = edited(tmp_path, "loudness: -23", "loudness: -22")
    assert loudness.cached_gain(sound_edit) is None
    assert "edits to the picture keep it" in (loudness.calibration_notice(sound_edit) or "")


def test_the_player_reads_the_one_cache(tmp_path, cache):
    from installation.play.audio import LiveAudio

    scene = edited(tmp_path, "count: 18", "count: 12")
    loudness._write_disk(loudness._key(scene, loudness.calibration_seconds(scene)), 9.25)
    audio = LiveAudio(False, None, 0.0, lambda: 0.0)
    assert audio.gain_for(scene) == 9.25
    assert audio.calibrator.waiting == {}  # known: nothing to calibrate


def test_calibration_hears_a_gain_as_the_scene_plays_at_it():
    """Calibration renders a scene once, quietly, and plays that render through the master's
    last stage (ride, limiter, clip) at the gain it tries. That is the scene at that gain:
    the same loudness as rendering it there, at a gain where the ride works (the loudest
    passages 3 LU over the target)."""
    from installation.sound.engine import SAMPLE_RATE, OfflineSound

    scene = load_scene(SCENES / "magic-hour.yaml")
    seconds, gain = 40.0, 26.0
    with OfflineSound(scene, gain_db=loudness.QUIET_DB) as sound:
        unity = sound.render(seconds) * 10.0 ** (-loudness.QUIET_DB / 20.0)
    with OfflineSound(scene, gain_db=gain) as sound:
        played = sound.render(seconds)
    replayed = loudness._finish(unity, gain, scene.sound.master)
    heard = loudness.integrated_loudness(played, SAMPLE_RATE)
    unridden = loudness.integrated_loudness(unity, SAMPLE_RATE) + gain
    assert unridden - heard > 0.5  # the ride took its share: the case the replay is for
    assert loudness.integrated_loudness(replayed, SAMPLE_RATE) == pytest.approx(heard, abs=0.01)
