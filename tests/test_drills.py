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
from playerkit import FakeClock, on_stage, options, read_heartbeat, scene_playing, step_until
from pythonosc.udp_client import SimpleUDPClient

from installation.paths import SCENES
from installation.play import remote
from installation.play.bookmark import Bookmark
from installation.play.monitor import thread_count
from installation.play.player import Player
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
        record = read_heartbeat(state)
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
    after = beat(state, second.pid, until=lambda b: scene_playing(b, 6))
    second.send_signal(signal.SIGTERM)
    output, _ = second.communicate(timeout=30)
    assert second.returncode == 0, output
    assert "resuming the show" in output
    assert after["scene"] == "night-skyline", after
    assert 0.0 < after["scene_time_s"] < 12.0  # in the second scene: the time away counted


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
def test_a_corrupt_loudness_cache_is_measured_again(tmp_path, monkeypatch, caplog, text):
    """The one loudness cache (render, listen and the player share it): unreadable, it is an
    empty cache, said once; the scene is measured again."""
    from installation.scene.loader import load_scene
    from installation.sound import loudness

    monkeypatch.setattr(loudness, "_cache_file", lambda: tmp_path / "loudness.json")
    monkeypatch.setattr(loudness, "_CACHE", {})
    monkeypatch.setattr(loudness, "_SAID", set())
    (tmp_path / "loudness.json").write_text(text, errors="surrogateescape")
    scene = load_scene(SCENES / "the-voice.yaml")
    with caplog.at_level(logging.WARNING, logger="installation.audio"):
        assert loudness.cached_gain(scene) is None
        assert loudness.cached_gain(scene) is None
    said = [r for r in caplog.records if "loudness cache" in r.getMessage()]
    if text == '{"abc": "loud"}':  # readable, with nothing usable in it: nothing to say
        assert said == []
    else:
        assert len(said) == 1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def player(tmp_path, clock):
    made = []

    def make(target: Path, **kw) -> Player:
        kw.setdefault("timer", clock)
        made.append(on_stage(Player(options(target, tmp_path / "state", **kw)), clock))
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
    p = player(SCENES / "magic-hour.yaml", osc=("127.0.0.1", port), timer=time.monotonic)
    volumes = []
    p.audio.set_volume = lambda db: volumes.append(db)  # count what is obeyed
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


def test_a_half_written_scene_file_leaves_the_last_good_one_playing(tmp_path, player, clock):
    path = tmp_path / "magic-hour.yaml"
    shutil.copy(SCENES / "magic-hour.yaml", path)
    p = player(path)
    good = p.current.scene
    text = path.read_text()
    cut = text.index("layer: birds") + len("layer: bir")
    path.write_text(text[:cut])  # the writer stopped here
    assert step_until(p, lambda: bool(p.notices.message), clock, seconds=2)
    assert p.current.scene is good and "bir" in p.notices.message
    path.write_text(text.replace("count: 18", "count: 9"))
    assert step_until(p, lambda: p.current.scene is not good, clock, seconds=2)
    assert p.notices.message == ""


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


def test_an_osc_bundle_timed_for_the_future_does_not_deafen_the_remote(player, clock):
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
    assert step_until(p, lambda: p.paused or p.current.scene.id != "magic-hour", clock, 5)
    started = time.monotonic()
    p.remote.close()
    assert time.monotonic() - started < 2.0


SUBREAPER = """
import ctypes, os, signal, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: orphans come to us, as to systemd --user
player = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
sound = int(player.stdout.readline())
time.sleep(1.0)  # the sound process is up and looking for its device
os.kill(player.pid, signal.SIGKILL)
player.wait()
for _ in range(300):  # 30 s at most
    try:
        if os.waitpid(sound, os.WNOHANG)[0] == sound:
            print("gone"); break
    except ChildProcessError:
        print("gone"); break
    time.sleep(0.1)
else:
    os.kill(sound, signal.SIGKILL); print("lingered")
"""

PLAYER = """
import sys, time
from installation.play.audio import LiveAudio
audio = LiveAudio(True, "no-such-device", 0.0, time.monotonic)
print(audio.pid, flush=True)
time.sleep(600)
"""


def test_the_sound_process_ends_with_a_player_killed_under_a_subreaper():
    """systemd's user manager (the bundled unit's) adopts orphans as a subreaper, not as pid 1:
    a player killed outright must not leave its sound process playing on."""
    run = subprocess.run([sys.executable, "-c", SUBREAPER, PLAYER], capture_output=True,
                         text=True, timeout=120, env=ENV)  # fmt: skip
    assert run.stdout.strip().endswith("gone"), run.stdout + run.stderr


def test_a_sound_process_whose_player_is_already_gone_ends_at_once():
    """The moment before the kernel's parent-death signal is set: it looks at its parent."""
    child = subprocess.run(
        [sys.executable, "-c", "from installation.play.sound_process import _die_with_parent\n"
         "import os; _die_with_parent(os.getppid() + 10**6); print('lived')"],
        capture_output=True, text=True, timeout=60, env=ENV,
    )  # fmt: skip
    assert child.returncode == 0 and "lived" not in child.stdout
