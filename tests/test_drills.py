"""Fault drills: what an exhibit meets over months, played out against the real player.

Killed and started again; a state folder that is full or unusable; a corrupt loudness cache; a
flood of malformed OSC; a scene file caught half-written. In every case the show goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pythonosc.udp_client import SimpleUDPClient

from installation.paths import SCENES
from installation.play import remote
from installation.play.audio import LiveAudio
from installation.play.bookmark import Bookmark
from installation.play.monitor import thread_count
from installation.play.player import Player, PlayOptions
from installation.play.slot import FileWatch

SIZE = (160, 90)
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}


def start(target: Path, state: Path, seconds: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "installation", "play", str(target), "--no-audio", "--no-osc",
         "--size", "160x90", "--exit-after", str(seconds), "--state-dir", str(state)],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def beat(state: Path, pid: int, seconds: float = 60.0, until=lambda b: True) -> dict:
    """The heartbeat of process ``pid`` once ``until`` holds for it."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            record = json.loads((state / "heartbeat.json").read_text())
        except (OSError, ValueError):
            record = {}
        if record.get("pid") == pid and until(record):
            return record
        time.sleep(0.2)
    raise AssertionError(f"no heartbeat from {pid} in {seconds} s")


def test_a_killed_player_resumes_where_the_schedule_is_now(tmp_path):
    """SIGKILL mid-scene, 8 s away: the new process plays what the show's clock says, here the
    next scene (the first would have ended meanwhile), not the playlist from the top."""
    show = tmp_path / "pair.yaml"
    show.write_text("show: pair\nscenes: [magic-hour, night-skyline]\nminutes: 0.2\ncrossfade: 1\n")
    state = tmp_path / "state"
    first = start(show, state, 120)
    before = beat(state, first.pid, until=lambda b: (b.get("scene_time_s") or 0) >= 6)
    assert before["scene"] == "magic-hour"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    time.sleep(8)
    second = start(show, state, 30)
    after = beat(state, second.pid, until=lambda b: b.get("frames", 0) > 5)
    second.send_signal(signal.SIGTERM)
    output, _ = second.communicate(timeout=30)
    assert second.returncode == 0, output
    assert "resuming the show" in output
    assert after["scene"] == "night-skyline", after
    assert 1.0 < after["scene_time_s"] < 11.0


def test_a_bookmark_counts_the_time_away():
    saved = dt.datetime(2026, 11, 25, 12, 0, 0)
    mark = Bookmark("show.yaml", 3, 0.0, 40.0, 1.0, saved.timestamp())
    assert mark.shown_by(saved + dt.timedelta(seconds=20)) == 60.0
    assert mark.shown_by(saved - dt.timedelta(seconds=20)) == 40.0  # a clock set back


@pytest.mark.parametrize(
    "fields",
    [{"into": float("nan")}, {"into": -5.0}, {"position": None}, {"speed": 0},
     {"saved_at": "2026-11-25T12:00:00+01:00"}, {"source": 7}],
)  # fmt: skip
def test_a_malformed_bookmark_starts_the_show_from_the_top(tmp_path, fields):
    from installation.play.bookmark import read_bookmark

    now = dt.datetime(2026, 11, 25, 12, 0, 10)
    good = {"source": "s.yaml", "position": 2, "offset": 0.0, "into": 3.0, "speed": 1.0,
            "saved_at": now.timestamp() - 10}  # fmt: skip
    path = tmp_path / "bookmark.json"
    path.write_text(json.dumps(good))
    assert read_bookmark(path, "s.yaml", 1.0, now) is not None
    path.write_text(json.dumps({**good, **fields}))
    assert read_bookmark(path, "s.yaml", 1.0, now) is None


def test_a_full_state_folder_leaves_the_show_playing(tmp_path):
    """Every file the player writes fails as on a full disk (/dev/full): it plays on, says so
    once on stderr, and stops cleanly."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    state = tmp_path / "state"
    state.mkdir()
    for name in ("installation.log", ".heartbeat.json.tmp", ".bookmark.json.tmp"):
        (state / name).symlink_to("/dev/full")
    player = start(SCENES / "magic-hour.yaml", state, 6)
    output, _ = player.communicate(timeout=60)
    assert player.returncode == 0, output
    assert "Traceback" not in output
    assert output.count("unwritable") == 2, output  # the log file once, the heartbeat once
    assert "stopping (time limit)" in output


def test_an_unusable_state_folder_leaves_the_show_playing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    player = start(SCENES / "magic-hour.yaml", blocker / "state", 5)
    output, _ = player.communicate(timeout=60)
    assert player.returncode == 0, output
    assert "Traceback" not in output and "state folder" in output


@pytest.mark.parametrize("text", ["{not json", "[1, 2, 3]", '{"abc": "loud"}', "\x00\xff"])
def test_a_corrupt_loudness_cache_is_measured_again(tmp_path, caplog, text):
    (tmp_path / "loudness.json").write_text(text, errors="surrogateescape")
    with caplog.at_level(logging.WARNING, logger="installation.audio"):
        audio = LiveAudio(False, None, 0.0, tmp_path)
    assert audio._gains == {}
    assert "loudness cache" in caplog.text


@pytest.fixture
def player(tmp_path):
    made = []

    def make(target: Path, **kw) -> Player:
        options = PlayOptions(target=str(target), size=SIZE, state_dir=tmp_path / "state",
                              vsync=False, audio=False, **kw)  # fmt: skip
        made.append(Player(options))
        return made[-1]

    yield make
    for p in made:
        p.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_flood_of_malformed_osc_is_dropped_at_a_bounded_rate(player, caplog):
    port = free_port()
    p = player(SCENES / "magic-hour.yaml", osc=("127.0.0.1", port))
    p.step()
    volumes = []
    p.set_volume = lambda db: volumes.append(db)  # count what is obeyed
    threads_before = thread_count()

    def flood() -> None:
        raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client = SimpleUDPClient("127.0.0.1", port)
        for i in range(3000):
            raw.sendto(os.urandom(1 + i % 200), ("127.0.0.1", port))  # not OSC at all
            raw.sendto(b"/volume\x00,f\x00\x00", ("127.0.0.1", port))  # truncated
            client.send_message(f"/nonsense/{i % 7}", [i])
            client.send_message("/volume", [float("nan") if i % 2 else -6.0])
        raw.close()

    sender = threading.Thread(target=flood)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="installation"):
        sender.start()
        while sender.is_alive() or time.monotonic() - started < 1.0:
            p.step()
            assert thread_count() <= threads_before + 2  # no thread per packet
        for _ in range(5):
            p.step()
    elapsed = time.monotonic() - started
    assert len(volumes) <= remote.RATE * elapsed + remote.BURST
    assert volumes and all(math.isfinite(v) for v in volumes)  # NaN dB refused, never a blast
    remote_lines = [r for r in caplog.records if r.name == "installation.remote"]
    assert len(remote_lines) < 400  # bounded like the commands, not one line per packet
    assert p.stopping is None


def test_a_half_written_scene_file_leaves_the_last_good_one_playing(tmp_path, player):
    path = tmp_path / "magic-hour.yaml"
    shutil.copy(SCENES / "magic-hour.yaml", path)
    p = player(path)
    for _ in range(3):
        p.step()
    good = p.current
    text = path.read_text()
    cut = text.index("layer: birds") + len("layer: bir")
    path.write_text(text[:cut])  # the writer stopped here
    end = time.monotonic() + 2.0
    while time.monotonic() < end and not p.hud.message:
        p.step()
    assert p.current is good and "bir" in p.hud.message
    path.write_text(text.replace("count: 18", "count: 9"))
    end = time.monotonic() + 2.0
    while time.monotonic() < end and p.current is good:
        p.step()
    assert p.current is not good and p.hud.message == ""


def test_a_file_still_being_written_is_not_read(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text("scene: a\n")
    watch = FileWatch(path)
    assert not watch.settled_change()
    path.write_text("scene: a\nseed: 1\n")
    assert not watch.settled_change()  # changed, maybe not finished
    path.write_text("scene: a\nseed: 12\n")
    assert not watch.settled_change()  # still changing
    assert watch.settled_change()  # the same twice: read it
    assert not watch.settled_change()


def test_an_osc_bundle_timed_for_the_future_does_not_deafen_the_remote(player):
    """python-osc would sleep in the reader thread until a bundle's time tag: an hour here."""
    from pythonosc.osc_bundle_builder import OscBundleBuilder
    from pythonosc.osc_message_builder import OscMessageBuilder

    port = free_port()
    p = player(SCENES / "magic-hour.yaml", osc=("127.0.0.1", port))
    bundle = OscBundleBuilder(time.time() + 3600)
    bundle.add_content(OscMessageBuilder("/pause").build())
    client = SimpleUDPClient("127.0.0.1", port)
    client.send(bundle.build())
    client.send_message("/next", [])
    end = time.monotonic() + 5
    while time.monotonic() < end and p.current.scene.id == "magic-hour" and not p.paused:
        p.step()
    assert p.paused or p.current.scene.id != "magic-hour"
    started = time.monotonic()
    p.remote.close()
    assert time.monotonic() - started < 2.0
