"""Driving a real player in the tests' own time.

The player reads one monotonic clock, injected (``PlayOptions.timer``); here it is a
:class:`FakeClock` the test moves a frame at a time. Scenes are built off the frame loop, in a
thread: between frames the test waits for builds under way to finish (a condition, bounded by a
generous real-time limit), with the player's clock standing still meanwhile. So a test measures
the player's own logic (a reload within two looks at the file, a cut once its scene is built),
never how fast this machine happens to be, and passes on a busy one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from installation.play.options import PlayOptions
from installation.play.player import Player

SIZE = (160, 90)
FRAME = 1 / 60  # seconds of the fake clock per step
BUILD_WAIT = 120.0  # real seconds a build may take on a very busy machine


class FakeClock:
    """Monotonic seconds that move only when told."""

    def __init__(self, start: float = 1000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class WallClock:
    """A wall clock that follows a fake monotonic clock from a given moment."""

    def __init__(self, timer: FakeClock, at: dt.datetime):
        self.timer, self.at, self.t0 = timer, at, timer()

    def __call__(self) -> dt.datetime:
        return self.at + dt.timedelta(seconds=self.timer() - self.t0)

    def set(self, at: dt.datetime) -> None:
        self.at, self.t0 = at, self.timer()


def options(target: str | Path, state: Path, **kw) -> PlayOptions:
    """Headless, silent, no OSC, small (``timer=FakeClock()`` for the tests' own time)."""
    kw.setdefault("audio", False)
    kw.setdefault("osc", None)
    kw.setdefault("size", SIZE)
    kw.setdefault("vsync", False)
    return PlayOptions(target=str(target), state_dir=state, **kw)


def step(player: Player, clock: FakeClock | None = None, frames: int = 1) -> None:
    """``frames`` frames, the fake clock moving a frame each, builds finished in between."""
    for _ in range(frames):
        player.step()
        if clock is not None:
            clock.advance(FRAME)
        player.builder.wait(BUILD_WAIT)


def step_until(player: Player, condition: Callable[[], bool], clock: FakeClock | None = None,
               seconds: float = 5.0) -> bool:  # fmt: skip
    """Step until ``condition`` holds, for at most ``seconds`` of the player's clock (a real
    clock: as many frames as 60 a second would make)."""
    for _ in range(round(seconds / FRAME)):
        step(player, clock)
        if condition():
            return True
    return False


def on_stage(player: Player, clock: FakeClock | None = None) -> Player:
    """Step until the scene the show has now is built and playing, and its clock runs (a
    player's show starts when its first picture is ready)."""
    assert step_until(player, lambda: player.current is not None, clock, seconds=2.0), (
        f"nothing on stage: {player.notices.message}"
    )
    step(player, clock)
    assert not player.clock.held
    return player


def read_heartbeat(state: Path) -> dict:
    """The player's heartbeat in ``state``; empty while there is none yet (or it is being
    replaced), so a test can poll it from the player's first instant."""
    try:
        return json.loads((state / "heartbeat.json").read_text())
    except (OSError, ValueError):
        return {}


def scene_playing(heartbeat: dict, frames: int) -> bool:
    """Whether a heartbeat says a scene (not the calm picture a slow first build shows) has been
    drawn for at least ``frames`` frames."""
    return heartbeat.get("scene") is not None and heartbeat.get("frames", 0) >= frames
