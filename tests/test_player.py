"""The exhibit player, headless: plays, reloads, isolates failures, obeys OSC and the clock,
stops cleanly on a signal; and once in a real window under Xvfb."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pygame
import pytest
from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_server import BlockingOSCUDPServer
from pythonosc.udp_client import SimpleUDPClient

from installation.paths import SCENES
from installation.play.player import Player, PlayOptions
from installation.visuals.layer import LAYERS, Layer

SIZE = (160, 90)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scene_copy(tmp_path: Path, name: str = "magic-hour", as_name: str | None = None) -> Path:
    target = tmp_path / f"{as_name or name}.yaml"
    text = (SCENES / f"{name}.yaml").read_text()
    if as_name:
        text = text.replace(f"scene: {name}", f"scene: {as_name}")
    target.write_text(text)
    return target


@pytest.fixture
def make_player(tmp_path):
    made = []

    def make(target, **kw) -> Player:
        options = PlayOptions(
            target=str(target), size=SIZE, state_dir=tmp_path / "state", vsync=False, **kw
        )
        options.osc = kw.get("osc")
        player = Player(options)
        made.append(player)
        return player

    yield make
    for player in made:
        player.close()


def run_until(player: Player, condition, seconds: float = 3.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        player.step()
        if condition():
            return True
    return False


def test_plays_and_writes_a_heartbeat(tmp_path, make_player):
    player = make_player(scene_copy(tmp_path))
    for _ in range(10):
        player.step()
    player.heartbeat.beat(player.status(), force=True)
    beat = json.loads((tmp_path / "state" / "heartbeat.json").read_text())
    assert beat["scene"] == "magic-hour" and beat["frames"] == 10 and beat["uptime_s"] >= 0
    assert beat["memory_mb"] > 0 and "sound" in beat


def test_hot_reload_of_a_good_file_within_half_a_second(tmp_path, make_player):
    path = scene_copy(tmp_path)
    player = make_player(path)
    for _ in range(5):
        player.step()
    before = player.current
    time.sleep(0.05)
    path.write_text(path.read_text().replace("count: 18", "count: 8"))
    changed_at = time.monotonic()
    assert run_until(player, lambda: player.current is not before, seconds=2.0)
    assert time.monotonic() - changed_at < 0.5
    birds = next(e for e in player.current.scene.layers if e.kind == "birds")
    assert birds.params.count == 8
    assert player.current.time() >= before.time() - 0.1  # the scene goes on, not from zero


def test_hot_reload_of_a_broken_file_keeps_the_last_good_one(tmp_path, make_player):
    path = scene_copy(tmp_path)
    player = make_player(path)
    for _ in range(5):
        player.step()
    good = player.current
    path.write_text(path.read_text().replace("layer: birds", "layer: bokhe"))
    assert run_until(player, lambda: bool(player.hud.message), seconds=2.0)
    assert player.current is good  # still playing
    assert "unknown layer 'bokhe' (did you mean 'bokeh'?)" in player.hud.message
    assert f"{path}:" in player.hud.message  # file:line:col
    for _ in range(5):
        player.step()
    assert player.errors >= 1
    log = tmp_path / "state" / "installation.log"
    assert not log.exists() or "Traceback" not in log.read_text()


class Explode(Layer):
    """A layer that fails, for the isolation test."""

    def draw(self, frame, v):
        raise RuntimeError("boom")


@pytest.fixture
def exploding_layer():
    LAYERS.register("explode-for-test")(Explode)
    yield
    LAYERS.unregister("explode-for-test")


def test_a_failing_layer_is_switched_off_and_the_rest_plays_on(
    tmp_path, make_player, exploding_layer
):
    path = tmp_path / "broken-layer.yaml"
    path.write_text("scene: broken-layer\nvisuals:\n  - layer: sky\n  - layer: explode-for-test\n")
    player = make_player(path)
    for _ in range(5):
        player.step()
    assert player.current.compositor.failed == ["layer 'explode-for-test' (#2)"]
    assert player.status()["errors"] == 1
    picture = np.asarray(player.screen.get_view("3")).astype(float)
    assert picture[:, :, 0].mean() > picture[:, :, 2].mean()  # the sky still shows


def test_no_audio_path(tmp_path, make_player):
    """No such device: the sound process says so, the picture plays alone, no scene has sound."""
    player = make_player(scene_copy(tmp_path), audio_device="no-such-device")
    assert run_until(player, lambda: player.audio.reason != "starting", seconds=60)
    assert "no audio output device matching 'no-such-device'" in player.audio.reason
    assert player.current.sound is None and not player.audio.playing
    off = make_player(scene_copy(tmp_path, "beach-dawn"), audio=False)
    assert "switched off" in off.audio.reason


def test_osc_remote_control_over_loopback(tmp_path, make_player):
    show = tmp_path / "trio.yaml"
    show.write_text("show: trio\nscenes: [magic-hour, beach-dawn, the-voice]\ncrossfade: 0.2\n")
    port = free_port()
    player = make_player(show, osc=("127.0.0.1", port))
    player.step()
    client = SimpleUDPClient("127.0.0.1", port)
    client.send_message("/next", [])
    assert run_until(player, lambda: player.current.scene.id == "beach-dawn")
    client.send_message("/goto", ["the-voice"])
    assert run_until(player, lambda: player.current.scene.id == "the-voice")
    client.send_message("/volume", [-6.0])
    assert run_until(player, lambda: player.audio.volume_db == -6.0)
    client.send_message("/pause", [])
    assert run_until(player, lambda: player.paused)
    # /status answers the sender
    replies = []
    dispatcher = Dispatcher()
    dispatcher.map("/status", lambda address, text: replies.append(json.loads(text)))
    listener = BlockingOSCUDPServer(("127.0.0.1", 0), dispatcher)
    listener.timeout = 0.1
    sender = SimpleUDPClient("127.0.0.1", port)
    sender._sock = listener.socket  # send from the listening socket, so the reply comes back to it
    sender.send_message("/status", [])
    end = time.monotonic() + 3
    while not replies and time.monotonic() < end:
        player.step()
        listener.handle_request()
    listener.server_close()
    assert replies and replies[0]["scene"] == "the-voice" and replies[0]["paused"] is True


def test_opening_hours_with_a_fake_clock(tmp_path, make_player):
    show = tmp_path / "hours.yaml"
    show.write_text(
        "show: hours\nscenes: [magic-hour]\ncrossfade: 0.1\nhours:\n  daily: '10:00-18:00'\n"
        "closed: dim\nnight_scene: night-skyline\n"
    )
    now = {"t": dt.datetime(2026, 11, 24, 12, 0)}
    player = make_player(show, clock=lambda: now["t"])
    player.step()
    assert player.closed_mode is None and player.current.scene.id == "magic-hour"
    now["t"] = dt.datetime(2026, 11, 24, 19, 0)
    assert run_until(player, lambda: player.closed_mode == "dim", seconds=3)
    assert player.current.scene.id == "night-skyline"
    now["t"] = dt.datetime(2026, 11, 25, 10, 30)
    assert run_until(player, lambda: player.closed_mode is None, seconds=3)
    assert player.current.scene.id == "magic-hour"


def test_show_advances_and_skips_a_scene_that_cannot_load(tmp_path, make_player):
    broken = tmp_path / "broken.yaml"
    broken.write_text("scene: broken\nvisuals:\n  - layer: nope\n")
    show = tmp_path / "skip.yaml"
    show.write_text(
        f"show: skip\nscenes: [magic-hour, {broken}, the-voice]\nminutes: 0.01\ncrossfade: 0.1\n"
    )
    player = make_player(show)
    assert run_until(player, lambda: player.current.scene.id == "the-voice", seconds=5)
    assert player.errors >= 1 and "skipping broken.yaml" in player.hud.message


def _player_process(args, tmp_path, env_extra=None):
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        **(env_extra or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "installation",
        "play",
        *args,
        "--no-osc",
        "--state-dir",
        str(tmp_path / "state"),
    ]
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_sigterm_stops_cleanly_with_status_zero(tmp_path):
    process = _player_process(["magic-hour", "--size", "160x90"], tmp_path)
    beat = tmp_path / "state" / "heartbeat.json"
    end = time.monotonic() + 30
    while not beat.exists() and time.monotonic() < end:
        time.sleep(0.1)
    assert beat.exists(), process.communicate(timeout=5)[0]
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert json.loads(beat.read_text())["stopped"] == "SIGTERM"
    assert "Traceback" not in output


def test_bad_target_exits_2_with_a_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scene: bad\nvisuals:\n  - layer: bokhe\n")
    process = _player_process([str(bad)], tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"{bad}:3:12: unknown layer 'bokhe'" in output and "Traceback" not in output


@pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="Xvfb is not installed (.ci/run installs it)"
)
def test_end_to_end_in_a_real_window_under_xvfb(tmp_path):
    from PIL import ImageGrab

    from installation.scene.loader import load_scene
    from installation.visuals.compositor import Compositor

    display = f":{free_port() % 400 + 100}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "800x600x24", "-nolisten", "tcp"])
    try:
        time.sleep(1.0)
        env = {"SDL_VIDEODRIVER": "x11", "DISPLAY": display}
        player = _player_process(
            ["magic-hour", "--size", "640x360", "--exit-after", "12", "--no-audio"], tmp_path, env
        )
        beat = tmp_path / "state" / "heartbeat.json"
        end = time.monotonic() + 30
        while time.monotonic() < end and (
            not beat.exists() or json.loads(beat.read_text())["frames"] < 60
        ):
            time.sleep(0.2)
        shot = np.asarray(ImageGrab.grab(xdisplay=display)).astype(float)
        status = json.loads(beat.read_text())
        player.send_signal(signal.SIGTERM)
        player.communicate(timeout=20)
        assert player.returncode == 0
        lit = shot[shot.max(axis=2) > 20]  # the window, not the black root around it
        assert len(lit) > 0.8 * 640 * 360, "no window on the screen"
        r, _, b = lit.mean(axis=0)
        assert r > b + 20, "not the warm scene"
        # it is magic-hour: its mean colour matches a headless frame of the same moment
        reference = Compositor(load_scene(SCENES / "magic-hour.yaml"), (640, 360)).render(
            status["scene_time_s"]
        )
        expected = np.asarray(reference.get_view("3")).astype(float).reshape(-1, 3).mean(axis=0)
        assert np.abs(lit.mean(axis=0) - expected).max() < 12, (lit.mean(axis=0), expected)
        assert status["fps"] > 20
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def test_the_governor_measures_work_not_the_wait_for_the_display(
    tmp_path, make_player, monkeypatch
):
    """A display whose flip blocks for a whole refresh period (vsync) leaves quality alone
    when the scene's own work fits; the same work made slow lowers it."""
    player = make_player(scene_copy(tmp_path), audio=False)
    period = 1.0 / player.fps
    monkeypatch.setattr(pygame.display, "flip", lambda: time.sleep(period))
    for _ in range(40):
        player.step()
    assert player.current.work_ms < player.budget_ms
    assert all(level == 1.0 for level in player.current.governor.levels().values())
    # this time the scene itself is slow: a layer the governor may lower takes a whole period
    # (a slow layer, not a slow machine: on a fast one every layer costs under the 1 ms the
    # governor leaves alone)
    compositor = player.current.compositor
    index = next(i for i, x in enumerate(compositor.layers) if x.min_quality < 1.0)
    slow = compositor.render

    def heavy(*args, **kw):
        started = time.perf_counter()
        time.sleep(period)
        frame = slow(*args, **kw)
        compositor.layer_ms[index] += (time.perf_counter() - started) * 1000.0
        return frame

    monkeypatch.setattr(compositor, "render", heavy)
    for _ in range(40):
        player.step()
    assert any(level < 1.0 for level in player.current.governor.levels().values())


def test_no_display_is_said_and_exits_2(tmp_path):
    """No screen and no driver asked for: SDL would draw offscreen; play refuses instead."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                            "SDL_VIDEODRIVER")}  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "installation", "play", "magic-hour", "--no-audio", "--no-osc",
         "--exit-after", "5", "--state-dir", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "no display found" in run.stderr and "installation render" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_next_scene_is_built_ahead_in_a_thread(tmp_path, make_player, caplog):
    """Building a scene costs seconds at 1080p: the player builds the next one before its part
    begins and takes it then, so the picture does not stop at the crossfade."""
    show = tmp_path / "ahead.yaml"
    show.write_text("show: ahead\nscenes: [the-voice, os-awakens]\nminutes: 0.1\ncrossfade: 1\n")
    player = make_player(show)
    player.step()  # 6 s of the-voice: os-awakens begins within the lookahead

    def coming() -> list:
        return [b for b in player.prebuilder._done.values() if b.scene.id == "os-awakens"]

    assert run_until(player, lambda: bool(coming()), seconds=20)
    with caplog.at_level("INFO", logger="installation.player"):
        assert run_until(player, lambda: player.current.scene.id == "os-awakens", seconds=15)
    assert "os-awakens (built ahead)" in caplog.text  # taken, not built again on the spot


def test_a_scene_edited_after_it_was_built_ahead_is_built_again(tmp_path):
    from installation.play.prebuild import Prebuilder

    scene = scene_copy(tmp_path, "the-voice")
    builder = Prebuilder((160, 90))
    builder.ask("part", scene)
    builder.wait()
    time.sleep(0.01)
    scene.write_text(scene.read_text() + "\n# edited\n")
    assert builder.take("part", scene) is None  # stale: the player loads the file afresh
    builder.ask("again", scene)
    builder.wait()
    assert builder.take("again", scene) is not None
