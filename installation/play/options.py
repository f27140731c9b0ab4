"""What a player is asked to do: the command line's choices, and the clocks it reads.

The two clocks are injected here and nowhere else: ``timer`` (monotonic seconds) paces every
periodic task of every part of the player (reloading, the heartbeat, pacing logs, the sound's
retries and checks, the remote's rate), and ``clock`` (the wall clock) is read for opening hours
and bookmarks. Tests hand in clocks they move themselves, so a test waits for a condition, not
for seconds, and passes on a busy machine.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from installation.play.monitor import default_state_dir

__all__ = ["PlayOptions"]


@dataclass
class PlayOptions:
    target: str | None = None
    fullscreen: bool | None = None
    monitor: int | None = None
    size: tuple[int, int] | None = None
    fps: float | None = None
    audio: bool = True
    audio_device: str | int | None = None
    state_dir: Path = field(default_factory=default_state_dir)
    osc: tuple[str, int] | None = ("127.0.0.1", 9000)
    exit_after: float | None = None  # seconds of ``timer``, for automation and tests
    frames: int | None = None  # stop after this many frames
    speed: float = 1.0  # scene changes come this many times sooner (soak runs)
    vsync: bool = True
    clock: Callable[[], dt.datetime] = dt.datetime.now  # the wall clock
    timer: Callable[[], float] = time.monotonic  # the one monotonic clock of the player
    at: float = 0.0  # start the first scene at this time (tuning)
    loop: tuple[float, float] | None = None  # play only this span of the scene, again and again
    resume: bool = False  # start where the bookmark says the show is now (the CLI's default)
    view: Any = None  # a video wall's screen (``scene.wall.View``): draw its canvas, show its part
    link: bool = False  # share the show's clock with other players (Ableton Link)
    frame_log: Path | None = None  # each frame's monotonic time and show time, for sync checks
    screen: str | None = None  # a video wall's screen, named in the show's ``wall:``
    console: tuple[str, int] | None = None  # the curator's web console: host, port (off: None)
