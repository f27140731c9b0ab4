"""Video walls: viewports of one canvas, and players that share one clock through Ableton Link.

The Link tests run two real players, each a process of its own, inside a network namespace that
has only a loopback interface with a multicast route: Link's discovery finds its peer and no
packet leaves the machine. Each player logs every frame's show time against the monotonic
clock both processes share; the two must agree within one frame at 60 fps (16.7 ms).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest
from PIL import Image
from playerkit import on_stage

from installation.cli import main
from installation.play.options import PlayOptions
from installation.play.player import Player
from installation.scene.wall import View, parse_viewport

FRAME_60 = 1000 / 60  # ms

# two screens side by side; a wall's screens share the show's clock through Link
TWO_SCREENS = """show: two-screens
scenes: [magic-hour, night-skyline]
minutes: 0.1
crossfade: 2
wall:
  canvas: 320x90
  screens:
    left: {viewport: "0,0,160,90", sound: true}
    right: {viewport: "160,0,160,90"}
"""


def still(*args: str) -> int:
    return main(["still", *args])


def png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


# -- viewports --------------------------------------------------------------------------------
def test_viewports_side_by_side_are_the_canvas_drawn_at_once(tmp_path):
    """A 2x2 wall of magic-hour (bloom, halation, grain, vignette, light leak): no seam."""
    assert (
        still("magic-hour", "--at", "40", "--size", "320x180", "--out", str(tmp_path / "all.png"))
        == 0
    )
    whole = png(tmp_path / "all.png")
    for x, y in [(0, 0), (160, 0), (0, 90), (160, 90)]:
        out = tmp_path / f"{x}-{y}.png"
        args = ["--canvas", "320x180", "--viewport", f"{x},{y},160,90"]
        assert still("magic-hour", "--at", "40", *args, "--out", str(out)) == 0
        part = png(out)
        assert part.shape == (90, 160, 3)
        assert np.array_equal(part, whole[y : y + 90, x : x + 160])  # grain included
    # the vignette darkens the canvas's corners, not each screen's: a screen's inner corner
    # (the canvas's middle) is brighter than its outer one
    top_left = png(tmp_path / "0-0.png").astype(float).mean(axis=2)
    assert top_left[-8:, -8:].mean() > top_left[:8, :8].mean()


def test_a_wall_screen_shows_its_viewport(tmp_path):
    view = View((320, 180), 160, 90, 160, 90)
    player = Player(
        PlayOptions(
            target="magic-hour",
            view=view,
            state_dir=tmp_path,
            vsync=False,
            audio=False,
            osc=None,
            at=30.0,
        )
    )
    try:
        on_stage(player)
        screen = pygame.display.get_surface()
        assert screen.get_size() == (160, 90)
        canvas = pygame.surfarray.array3d(player.picture())
        shown = pygame.surfarray.array3d(screen)
        assert np.array_equal(shown, canvas[160:, 90:])
    finally:
        player.close()


@pytest.mark.parametrize(
    ("viewport", "message"),
    [("0,0,1920", "X,Y,W,H"), ("100,0,1920,1080", "outside the 1920x1080 canvas"),
     ("0,0,8,8", "at least 16x16")],
)  # fmt: skip
def test_a_viewport_outside_its_canvas_is_refused(viewport, message):
    with pytest.raises(ValueError, match=message):
        parse_viewport(viewport, (1920, 1080))


def test_a_wall_show_names_its_screens(tmp_path, capsys):
    show = tmp_path / "two-screens.yaml"
    show.write_text(TWO_SCREENS)
    assert main(["play", str(show), "--screen", "middle", "--no-audio", "--no-osc"]) == 2
    assert "no screen 'middle' in the wall (left, right)" in capsys.readouterr().err
    assert main(["play", "magic-hour", "--screen", "left", "--no-audio", "--no-osc"]) == 2
    assert "has no `wall:`" in capsys.readouterr().err
    bad = tmp_path / "bad-wall.yaml"
    bad.write_text(
        TWO_SCREENS.replace("two-screens", "bad-wall").replace(
            '"160,0,160,90"', '"200,0,160,90", sound: true'
        )
    )
    assert main(["validate", str(bad)]) != 0
    err = capsys.readouterr()
    text = err.out + err.err
    assert "outside the 320x90 canvas" in text and "only one screen plays the sound" in text


def test_canvas_and_viewport_come_together(tmp_path, capsys):
    assert still("magic-hour", "--canvas", "640x360", "--out", str(tmp_path / "a.png")) == 2
    assert "needs both --canvas" in capsys.readouterr().err


# -- one clock through Link -------------------------------------------------------------------
def _namespace_reason() -> str | None:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare and ip (util-linux, iproute2) for a private network namespace"
    probe = subprocess.run(
        ["unshare", "--net", "--map-root-user", "sh", "-c", "ip link set lo up"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return f"cannot make a network namespace here: {probe.stderr.strip()}"
    return None


def run_two_players(tmp_path: Path, seconds: float, late: float) -> tuple[np.ndarray, np.ndarray]:
    """Players A and B (B starting ``late`` seconds after A) joined by Link in a namespace of
    their own; each frame's (monotonic ns, show time) of each."""
    pytest.importorskip(
        "link", reason="Link needs LinkPython-extern: pip install 'installation[wall]'"
    )
    reason = _namespace_reason()
    if reason:
        pytest.skip(reason)
    show = tmp_path / "two-screens.yaml"
    show.write_text(TWO_SCREENS)
    play = [sys.executable, "-m", "installation", "play", str(show), "--no-audio", "--no-osc",
            "--windowed", "--fps", "60", "--fresh"]  # fmt: skip

    def player(name: str, screen: str, length: float) -> str:
        return " ".join([*play, "--screen", screen, "--exit-after", f"{length:g}", "--state-dir",
                         str(tmp_path / name), "--frame-log", str(tmp_path / f"{name}.log")])  # fmt: skip

    script = (
        "ip link set lo up && ip route add 224.0.0.0/4 dev lo && "
        f"{{ {player('a', 'left', seconds)} & }} && sleep {late:g} && "
        f"{player('b', 'right', seconds - late)} && wait"
    )
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    done = subprocess.run(
        ["unshare", "--net", "--map-root-user", "sh", "-c", script],
        env=env, capture_output=True, text=True, timeout=seconds + 120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return np.loadtxt(tmp_path / "a.log"), np.loadtxt(tmp_path / "b.log")


def sync_errors_ms(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """B's show time at each of its frames minus A's at the same monotonic moment (A's show
    time between its frames interpolated: it runs at one second a second)."""
    inside = (b[:, 0] > a[0, 0]) & (b[:, 0] < a[-1, 0])
    return (b[inside, 1] - np.interp(b[inside, 0], a[:, 0], a[:, 1])) * 1000.0


def check_in_step(a: np.ndarray, b: np.ndarray, late: float) -> np.ndarray:
    errors = sync_errors_ms(a, b)
    assert len(errors) > 100
    assert np.abs(errors).max() <= FRAME_60, np.abs(errors).max()
    # the late one joined the show where it was, not at its beginning
    assert b[0, 1] >= late - 3.0, b[0, 1]
    # and A's time never jumped when B joined: it runs one second a second throughout
    steps = np.diff(a[:, 1]) - np.diff(a[:, 0]) / 1e9
    assert np.abs(steps).max() < FRAME_60 / 1000
    return errors


def test_two_players_joined_by_link_show_the_same_moment(tmp_path):
    a, b = run_two_players(tmp_path, seconds=20, late=6)
    check_in_step(a, b, late=6)


@pytest.mark.sync
def test_two_players_stay_in_step_for_ten_minutes(tmp_path):
    a, b = run_two_players(tmp_path, seconds=610, late=10)
    errors = check_in_step(a, b, late=10)
    print(f"\nten minutes, {len(errors)} frames: median {np.median(errors):+.3f} ms, "
          f"max |error| {np.abs(errors).max():.3f} ms")  # fmt: skip


PEER = """
import time, link
peer = link.Link(60.0)
peer.enabled = True
while peer.numPeers() == 0:
    time.sleep(0.05)
time.sleep(3)
def tempo(bpm):
    state = peer.captureAppSessionState()
    state.setTempo(bpm, peer.clock().micros())
    peer.commitAppSessionState(state)
tempo(120.0)  # a DJ's laptop on the wall's network
time.sleep(3)
tempo(30.0)
time.sleep(2)
tempo(60.0)
time.sleep(2)
state = peer.captureAppSessionState()  # a timeline of its own: the session steps back
state.forceBeatAtTime(0.0, peer.clock().micros(), 1e12)
peer.commitAppSessionState(state)
time.sleep(3)
peer.enabled = False  # and it goes away
"""


def test_a_link_peer_that_changes_the_tempo_never_moves_the_show_back(tmp_path):
    """Another Link app joins the wall's session, sets the tempo to 120 and to 30 bpm, back to
    60, forces the session's time back to 0, and leaves: the player logs it, never shows an
    earlier moment than the last, keeps to one second a second, and plays on."""
    pytest.importorskip("link", reason="Link needs LinkPython-extern")
    reason = _namespace_reason()
    if reason:
        pytest.skip(reason)
    show = tmp_path / "two-screens.yaml"
    show.write_text(TWO_SCREENS)
    log = tmp_path / "a.log"
    player = " ".join([sys.executable, "-m", "installation", "play", str(show), "--no-audio",
                       "--no-osc", "--windowed", "--fps", "60", "--fresh", "--screen", "left",
                       "--exit-after", "22", "--state-dir", str(tmp_path / "a"), "--frame-log",
                       str(log)])  # fmt: skip
    (tmp_path / "peer.py").write_text(PEER)
    script = (
        "ip link set lo up && ip route add 224.0.0.0/4 dev lo && "
        f"{{ {player} > {tmp_path / 'out.txt'} 2>&1 & }} && sleep 2 && "
        f"{sys.executable} {tmp_path / 'peer.py'} && wait"
    )
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    done = subprocess.run(["unshare", "--net", "--map-root-user", "sh", "-c", script], env=env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    output = (tmp_path / "out.txt").read_text()
    assert done.returncode == 0, done.stderr[-2000:] + output[-2000:]
    assert "stopping (time limit)" in output and "Traceback" not in output, output[-3000:]
    frames = np.loadtxt(log)
    steps = np.diff(frames[:, 1])
    assert steps.min() >= 0.0, "the show's time went back"
    wall = np.diff(frames[:, 0]) / 1e9
    drift = np.abs(np.cumsum(steps - wall))  # show time against the monotonic clock
    assert drift.max() < 0.5, drift.max()
    assert "tempo to 120 bpm" in output and "stepped back" in output, output[-3000:]
    assert output.count("link: ") < 12  # said once each, not once a frame
