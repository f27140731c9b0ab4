"""The player's verbs, one set for every way in: keys, OSC, and the web console.

A command is a name and its arguments. The window turns keys into commands, the remote turns
OSC messages into them, the console turns button presses into them; each is done here, between
frames, on the frame loop's thread (nothing else touches the window or the sound).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from installation.play.audio import LiveAudio
from installation.play.scheduling import Programme
from installation.play.showclock import ShowClock
from installation.play.stage import Stage
from installation.play.window import Window

__all__ = ["COMMANDS", "VOLUME_RANGE", "Control", "View"]

log = logging.getLogger("installation.player")

VOLUME_RANGE = (-60.0, 12.0)  # dB
VOLUME_STEP = 2.0  # dB a key press
MUTED_DB = -120.0
COMMANDS = ("quit", "fullscreen", "hud", "overlay", "pause", "next", "previous", "goto",
            "volume", "louder", "softer", "mute", "dim", "status")  # fmt: skip


class View:
    """How the picture is shown, beyond what plays: HUD, overlay, dimming."""

    def __init__(self) -> None:
        self.hud = False
        self.overlay = False  # the live values of modulated parameters (key O)
        self.dim = 1.0  # the picture's brightness, 0 to 1 (a curator's dimmer)


class Control:
    def __init__(self, programme: Programme, stage: Stage, audio: LiveAudio, clock: ShowClock,
                 window: Window, view: View, status: Callable[[], dict[str, Any]],
                 stop: Callable[[str], None]):  # fmt: skip
        self.programme = programme
        self.stage = stage
        self.audio = audio
        self.clock = clock
        self.window = window
        self.view = view
        self.status = status
        self.stop = stop
        self.muted_from: float | None = None  # the volume before a mute

    def do(self, name: str, args: tuple = ()) -> Any:
        """Carry out command ``name``; returns what it answers (``status``), else None.
        Raises ``ValueError`` for a command or argument that makes no sense."""
        if name not in COMMANDS:
            raise ValueError(f"no command '{name}'")
        return getattr(self, f"_{name}")(*args)

    def _quit(self) -> None:
        self.stop("key")

    def _fullscreen(self) -> None:
        self.window.toggle_fullscreen()

    def _hud(self) -> None:
        self.view.hud = not self.view.hud

    def _overlay(self) -> None:
        self.view.overlay = not self.view.overlay

    def _next(self) -> None:
        self.programme.skip(+1)

    def _previous(self) -> None:
        self.programme.skip(-1)

    def _goto(self, scene_id: Any) -> None:
        self.programme.goto(str(scene_id))

    def _pause(self, paused: Any = None) -> None:
        wanted = not self.clock.paused if paused is None else bool(paused)
        if not self.clock.pause(wanted):
            log.warning("pause: a player in a Link session keeps the session's time; not paused")
            return
        self.stage.pause(wanted)
        log.info("paused" if wanted else "resumed")

    def _volume(self, db: Any) -> None:
        db = float(db)
        if not math.isfinite(db):
            raise ValueError("the volume must be a finite number of dB")
        self.muted_from = None
        self.audio.set_volume(max(VOLUME_RANGE[0], min(VOLUME_RANGE[1], db)))
        log.info("volume %+.0f dB", self.audio.volume_db)

    def _louder(self) -> None:
        self._volume(self._unmuted() + VOLUME_STEP)

    def _softer(self) -> None:
        self._volume(self._unmuted() - VOLUME_STEP)

    def _unmuted(self) -> float:
        return self.muted_from if self.muted_from is not None else self.audio.volume_db

    def _mute(self, muted: Any = None) -> None:
        wanted = self.muted_from is None if muted is None else bool(muted)
        if wanted and self.muted_from is None:
            self.muted_from = self.audio.volume_db
            self.audio.set_volume(MUTED_DB)
            log.info("muted")
        elif not wanted and self.muted_from is not None:
            volume, self.muted_from = self.muted_from, None
            self.audio.set_volume(volume)
            log.info("unmuted (volume %+.0f dB)", volume)

    def _dim(self, level: Any) -> None:
        level = float(level)
        if not math.isfinite(level):
            raise ValueError("dim takes a brightness from 0 to 1")
        self.view.dim = max(0.0, min(1.0, level))
        log.info("brightness %.0f %%", 100 * self.view.dim)

    def _status(self) -> dict[str, Any]:
        return self.status()

    @property
    def muted(self) -> bool:
        return self.muted_from is not None
