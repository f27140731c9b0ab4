"""The player's live sound through a real sound server: PulseAudio with a null sink.

Each test runs ``installation play`` as a user would (a subprocess, the picture on SDL's dummy
driver) and records the sink's monitor. Skipped where PulseAudio is not installed; CI installs it,
and there a missing server fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from soundserver import (
    SR,
    SoundServer,
    levels_db,
    longest_gap,
    read_wav,
    sound_ends,
    sound_starts,
)

from installation.paths import resolve_scene
from installation.scene.loader import load_scene
from installation.sound.engine import OfflineSound
from installation.sound.loudness import calibrate, integrated_loudness, scene_key

GAP_LIMIT = 0.05  # seconds: a longer silence in a scene that never falls silent is a dropout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not SoundServer.available():
        if os.environ.get("CI"):
            pytest.fail("CI must play through PulseAudio: install pulseaudio and pulseaudio-utils")
        pytest.skip("PulseAudio is not installed")
    server = SoundServer(tmp_path_factory.mktemp("pulse")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    """A state folder whose loudness cache already holds the scenes' gains, as on an exhibit
    that has played them before (the first play of a scene starts at a guess)."""
    state = tmp_path_factory.mktemp("state")
    gains = {}
    for name in ("magic-hour", "night-skyline"):
        scene = load_scene(resolve_scene(name))
        gains[scene_key(scene)] = calibrate(scene)
    (state / "loudness.json").write_text(json.dumps(gains))
    return state


def play(server: SoundServer, target: str, state: Path, seconds: float) -> subprocess.Popen:
    env = {**server.env, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "installation", "play", target, "--no-osc",
         "--exit-after", str(seconds), "--state-dir", str(state)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def finish(player: subprocess.Popen) -> str:
    output, _ = player.communicate(timeout=120)
    assert player.returncode == 0, output
    return output


def target_of(name: str) -> float:
    return load_scene(resolve_scene(name)).sound.master.loudness


def test_devices_lists_the_sound_server(server):
    run = subprocess.run([sys.executable, "-m", "installation", "devices"], env=server.env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0
    names = [line.split()[-1] for line in run.stdout.splitlines() if line[:6].strip(" *").isdigit()]
    assert "default" in names and "pulse" in names, run.stdout


def test_a_scene_plays_at_its_level_with_no_dropout(server, calibrated, tmp_path):
    wav = tmp_path / "monitor.wav"
    recorder = server.record(wav)
    mark = len(server.log_lines())
    player = play(server, "magic-hour", calibrated, 60)  # on a busy machine the start is slow
    output = finish(player)
    server.finish(recorder)
    x = read_wav(wav)
    levels = levels_db(x)
    start = sound_starts(levels)
    assert start is not None, f"nothing reached the sink\n{output}"
    end = sound_ends(levels)
    steady = x[
        int((start + 5) * SR) : int((end - 2) * SR)
    ]  # after the fade-in, before the fade-out
    assert len(steady) > 20 * SR
    lufs = integrated_loudness(steady, SR)
    # the same seconds of the scene rendered offline at the same gain: what it should measure
    # (the loop's arrival, its quietest section, sits under the loop's target)
    scene = load_scene(resolve_scene("magic-hour"))
    with OfflineSound(scene, gain_db=calibrate(scene)) as sound:
        offline = sound.render(5 + len(steady) / SR)[5 * SR :]
    expected = integrated_loudness(offline, SR)
    assert abs(lufs - expected) <= 1.5, (lufs, expected, output)
    assert abs(lufs - target_of("magic-hour")) <= 4.0, lufs
    assert longest_gap(levels_db(steady)) <= GAP_LIMIT
    assert server.underruns(mark) == []


def test_a_show_crossfades_with_no_dropout(server, calibrated, tmp_path):
    show = tmp_path / "pair.yaml"
    show.write_text(
        "show: pair\nscenes: [magic-hour, night-skyline]\nminutes: 0.3\ncrossfade: 4\n"
        "display: {fullscreen: false}\naudio: {volume: 0}\n"
    )
    wav = tmp_path / "monitor.wav"
    recorder = server.record(wav)
    mark = len(server.log_lines())
    output = finish(play(server, str(show), calibrated, 60))
    server.finish(recorder)
    assert "scene: night-skyline" in output
    x = read_wav(wav)
    levels = levels_db(x)
    start, end = sound_starts(levels), sound_ends(levels)
    assert start is not None, output
    through = x[int((start + 4) * SR) : int((end - 2) * SR)]  # across the crossfades (18, 36 s)
    assert longest_gap(levels_db(through)) <= GAP_LIMIT
    # night-skyline alone: it sounds. Its level over a few seconds is not its calibrated level
    # (that is measured over a minute, and pyo's noise sources differ from an offline render)
    second = x[int((start + 24) * SR) : int((start + 34) * SR)]  # from its sound's start
    assert integrated_loudness(second, SR) > target_of("night-skyline") - 12.0
    assert server.underruns(mark) == []


def test_the_sound_comes_back_after_the_sink_is_lost(server, calibrated, tmp_path):
    """The sink vanishes mid-show: the player says so once, the picture goes on, and the sound
    plays again within 30 s of the sink's return."""
    state = calibrated
    heartbeat = state / "heartbeat.json"
    player = play(server, "magic-hour", state, 52)
    time.sleep(10)
    server.unload_sink()
    time.sleep(4)
    frames_gone = json.loads(heartbeat.read_text())["frames"]
    time.sleep(4)
    frames_later = json.loads(heartbeat.read_text())["frames"]
    server.load_sink()
    wav = tmp_path / "after.wav"
    recorder = server.record(wav)
    output = finish(player)
    server.finish(recorder)
    assert frames_later > frames_gone, "the picture stopped with the sound"
    lost = [line for line in output.splitlines() if line.startswith("ERROR sound:")]
    assert len(lost) == 1, output
    back = sound_starts(levels_db(read_wav(wav)))
    assert back is not None and back <= 30.0, output


def test_a_player_started_before_its_sink_plays_once_the_sink_comes(server, calibrated, tmp_path):
    """No sink at start (the sound server came up first, its output later): the sound process
    waits and looks again by itself; the sound starts within 30 s of the sink."""
    server.unload_sink()
    try:
        player = play(server, "magic-hour", calibrated, 40)
        time.sleep(6)
    finally:
        server.load_sink()
    wav = tmp_path / "late.wav"
    recorder = server.record(wav)
    output = finish(player)
    server.finish(recorder)
    assert "would not open" in output or "no audio output device" in output, output
    assert "ERROR" not in output, output
    back = sound_starts(levels_db(read_wav(wav)))
    assert back is not None and back <= 30.0, output


@pytest.fixture
def live_audio(server, calibrated, monkeypatch):
    """The player's side of the live sound, in this process, through the test's sink."""
    from installation.play.audio import LiveAudio

    for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_STATE_PATH", "HOME"):
        monkeypatch.setenv(key, server.env[key])
    audio = LiveAudio(True, None, 0.0, time.monotonic)
    try:
        assert tick_until(audio, lambda: audio.playing, 120), audio.reason
        yield audio
    finally:
        audio.close()


def tick_until(audio, condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        audio.tick()
        if condition():
            return True
        time.sleep(1 / 60)
    return False


def sounding(audio) -> set[int]:
    """The scenes the sound process reports features of: what it is playing."""
    return set(audio.features)


def test_a_flood_of_commands_while_a_graph_builds_loses_nothing(live_audio):
    """magic-hour's piano takes seconds to build; meanwhile the player sends a fade and a sync
    for every frame of a minute, starts a second scene and removes the first. Nothing is
    dropped, nothing is sent twice, and the sound process ends up playing exactly the second."""
    audio = live_audio
    first = audio.add(load_scene(resolve_scene("magic-hour")), lambda: 30.0, level=1.0)
    for frame in range(3600):
        first.fade_to(frame / 3600, 0.05)
        first.sync()
    second = audio.add(load_scene(resolve_scene("night-skyline")), lambda: 10.0, level=1.0)
    audio.remove(first)
    assert tick_until(audio, lambda: sounding(audio) == {second.id}, 120), sounding(audio)
    assert audio.generation == 1 and audio.resent == 0  # no restart, nothing lost to repair

    # heard, not only built: its first reports may come before its first buffers (0.0 under load)
    def heard() -> bool:
        return audio.features.get(second.id, {}).get("master", {}).get("rms", 0.0) > 0.0

    assert tick_until(audio, heard, 30), audio.features


def test_the_sound_process_is_brought_back_to_the_books(live_audio):
    """A scene removed behind the books' back (a lost command) is sent again; a scene the books
    do not know (one whose removal was lost) is removed: within a few seconds, by themselves."""
    audio = live_audio
    wanted = audio.add(load_scene(resolve_scene("beach-dawn")), lambda: 5.0, level=1.0)
    assert tick_until(audio, lambda: sounding(audio) == {wanted.id}, 120)
    scene = load_scene(resolve_scene("the-voice"))
    audio._channel.put("add", 999, scene.path, scene.source, 0.1, 0.0, 1.0, 0.0, None)
    audio._channel.put("remove", wanted.id)
    assert tick_until(audio, lambda: 999 in sounding(audio), 60)
    assert tick_until(audio, lambda: sounding(audio) == {wanted.id}, 60), sounding(audio)
    assert audio.resent == 1 and audio.generation == 1
