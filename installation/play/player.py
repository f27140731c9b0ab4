"""The real-time player: a show (or one scene) in a window, for months, unattended.

The loop reads like a pygame example: events → remote commands → schedule → hot reload →
draw → flip → tick. The show's time comes from one clock (monotonic, ``speed`` times faster in a
soak); the show scheduler (``installation.schedule``, the one ``render`` uses) turns it into the
scenes playing, each at its scene time and crossfade weight, so the player shows what a render
of the same show shows at the same moment.

This module holds the options, the setup, the loop and its end. The rest of the player is in
rooms of its own, one module each, mixed into :class:`Player`: ``window`` (the window, keys,
drawing, HUD), ``scheduling`` (the show's clock, parts and slots, resuming, opening hours),
``reload`` (hot reload), ``pacing`` (frame pacing, adaptive quality), ``reporting`` (status,
heartbeat, housekeeping) and ``control`` (remote control and the actions keys share with it).
What they all share, attributes and the methods one calls on another, is listed in ``state``.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

from installation.paths import SCENES, resolve_scene
from installation.play.audio import LiveAudio
from installation.play.control import ControlMixin
from installation.play.hud import Hud
from installation.play.monitor import (
    Heartbeat,
    default_state_dir,
    memory_mb,
)
from installation.play.pacing import PacingMixin
from installation.play.prebuild import Prebuilder
from installation.play.reload import ReloadMixin
from installation.play.reporting import ReportingMixin
from installation.play.scheduling import SchedulingMixin
from installation.play.slot import FileWatch, Slot
from installation.play.window import NoDisplay, WindowMixin
from installation.scene.loader import load_scene
from installation.scene.show import Show, is_show_file, load_show, single_scene_show
from installation.schedule import Schedule

__all__ = ["DEFAULT_SHOW", "NoDisplay", "PlayOptions", "Player", "memory_mb"]

log = logging.getLogger("installation.player")

DEFAULT_SHOW = SCENES / "shows" / "default.yaml"


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
    exit_after: float | None = None  # wall seconds, for automation and tests
    frames: int | None = None  # stop after this many frames
    speed: float = 1.0  # scene changes come this many times sooner (soak runs)
    vsync: bool = True
    clock: Any = None  # a function returning "now" as a datetime (tests use a fake one)
    timer: Any = None  # a function returning monotonic seconds (tests drive a fake one)
    at: float = 0.0  # start the first scene at this time (tuning)
    loop: tuple[float, float] | None = None  # play only this span of the scene, again and again
    resume: bool = False  # start where the bookmark says the show is now (the CLI's default)
    view: Any = None  # a video wall's screen (``scene.wall.View``): draw its canvas, show its part
    link: bool = False  # share the show's clock with other players (Ableton Link)
    frame_log: Path | None = None  # each frame's monotonic time and show time, for sync checks
    screen: str | None = None  # a video wall's screen, named in the show's ``wall:``


class UnknownScreen(ValueError):
    """``--screen`` names no screen of the show's wall."""


class Player(WindowMixin, SchedulingMixin, ReloadMixin, PacingMixin, ReportingMixin, ControlMixin):
    """The loop, its setup and its end; the rest lives in the mixins, one module each:
    window (window and input), scheduling, reload, pacing, reporting, control (remote)."""

    def __init__(self, options: PlayOptions):
        self.options = options
        self.show, self.show_path = self._load_target(options.target)
        if options.screen is not None:
            options = self.options = self._wall_screen(options)
        display = self.show.display
        self.fullscreen = (
            options.fullscreen if options.fullscreen is not None else display.fullscreen
        )
        self.monitor = options.monitor if options.monitor is not None else display.monitor
        self.fps = options.fps or display.fps
        self.size = options.size or (_parse_size(display.size) if display.size else (1280, 720))
        self.view = options.view
        if self.view is not None:  # a wall's screen: the canvas is drawn, the viewport shown
            self.size = self.view.canvas
        self.budget_ms = 1000.0 / self.fps * 0.9  # of the frame period, for all of a frame's work
        self.now = options.clock or dt.datetime.now
        self.link = None
        if options.link:  # the show's time is the Link session's, shared by every player
            from installation.play.link import LinkClock

            self.link = LinkClock()
            self.timer = self.link
            self._t0 = 0.0
        else:
            self.timer = options.timer or time.monotonic
            self._t0 = self.timer()
        self.screen = self._open_window()
        self.hud = Hud()
        device = (
            options.audio_device if options.audio_device is not None else self.show.audio.device
        )
        self.audio = LiveAudio(options.audio, device, self.show.audio.volume, options.state_dir)
        self.heartbeat = Heartbeat(options.state_dir / "heartbeat.json")
        self.remote = self._open_remote()
        self._frame_log = open(options.frame_log, "w") if options.frame_log else None  # noqa: SIM115
        self._paused_at: float | None = None
        self._wall0 = self.now() - dt.timedelta(seconds=self.show_time() / options.speed)
        self.frame_time = 0.0  # the show time of the frame being made (all its scenes read it)
        self.slots: dict[int, Slot] = {}  # by the schedule's part id
        self.prebuilder = Prebuilder(self.size)  # the next scenes, built in a thread
        self.playing: list = []  # what the schedule gives for this frame
        self.canvas = pygame.Surface(self.size, 0, 32)
        self.paused = False
        self.stopping: str | None = None
        self.errors = 0
        self.frames = 0
        self.started = time.monotonic()
        self._last_poll = 0.0
        self._show_watch = FileWatch(self.show_path) if self.show_path else None
        self._last_flip: float | None = None
        self._last_pace_log = time.monotonic()
        self._intervals: list[float] = []
        self.pacing: dict[str, float] = {}
        self._last_hours = 0.0
        self._last_sync = time.monotonic()
        self._clock = pygame.time.Clock()
        self._install_signals()
        self.overlay = False  # the live values of modulated parameters (key O)
        self._bookmark_path = options.state_dir / "bookmark.json"
        self.schedule = self._resume() or Schedule(self.show, self._wall0, offset=options.at)
        self._schedule()

    # -- setup --------------------------------------------------------------------------------
    def _load_target(self, target: str | None) -> tuple[Show, Path | None]:
        if target is None:
            return load_show(DEFAULT_SHOW), DEFAULT_SHOW
        path = resolve_scene(target)
        if not path.exists():
            shows = SCENES / "shows" / f"{target}.yaml"
            path = shows if shows.exists() else path
        if is_show_file(path):
            return load_show(path), path
        load_scene(path)  # fail early, with positions, before any window opens
        return single_scene_show(path), None

    def _wall_screen(self, options: PlayOptions) -> PlayOptions:
        """This machine's screen of the show's video wall: its viewport, the shared clock, and
        the sound if it is the screen that plays it."""
        from dataclasses import replace

        from installation.scene.wall import parse_viewport

        wall = self.show.wall
        if wall is None:
            raise UnknownScreen(f"--screen: the show '{self.show.id}' has no `wall:`")
        assert options.screen is not None  # called only for --screen
        screen = wall.screens.get(options.screen)
        if screen is None:
            names = ", ".join(wall.screens)
            raise UnknownScreen(f"--screen: no screen '{options.screen}' in the wall ({names})")
        w, h = (int(v) for v in wall.canvas.split("x"))  # WxH: the show's loader checked it
        view = parse_viewport(screen.viewport, (w, h))
        log.info("wall: screen '%s', %s of %s, %s", options.screen, screen.viewport, wall.canvas,
                 "with the sound" if screen.sound else "silent")  # fmt: skip
        return replace(options, view=view, link=True, audio=options.audio and screen.sound)

    def _source(self) -> str:
        return str((self.show_path or self.show.items[0].path).resolve())

    def _install_signals(self) -> None:
        def stop(signum: int, _frame: object) -> None:
            self.stopping = signal.Signals(signum).name

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> int:
        """Play until stopped; returns the exit status (0 after a clean stop)."""
        try:
            while not self.stopping:
                self.step()
            log.info("stopping (%s)", self.stopping)
            self._fade_out(1.0)
            return 0
        finally:
            self.close()

    def step(self) -> None:
        self._events()
        self._commands()
        self._schedule()
        self._reload()
        start = time.perf_counter()
        self._draw()
        # the frame's work, not the wait in flip(): with vsync, flip blocks until the display
        # takes the frame, and a fast frame would look as slow as the refresh period
        self.hud.record((time.perf_counter() - start) * 1000.0)
        drawn = [self.slots[p.part.id] for p in self.playing if p.part.id in self.slots]
        for slot in drawn:  # scenes drawn together (a crossfade) share the frame's budget
            slot.pace(self.budget_ms / len(drawn))
        pygame.display.flip()
        self._clock.tick(self.fps)  # with vsync, flip() has already waited; this is a backstop
        self.frames += 1
        self._pace()
        self._housekeeping()

    # -- actions ------------------------------------------------------------------------------
    # -- schedule -----------------------------------------------------------------------------
    # -- hot reload ---------------------------------------------------------------------------
    # -- drawing ------------------------------------------------------------------------------
    # -- housekeeping -------------------------------------------------------------------------
    def _fade_out(self, seconds: float) -> None:
        """Sound and picture fade out together before the window closes."""
        self.audio.fade_out(seconds)
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.playing:
            self._draw()
            u = max(0.0, (end - time.monotonic()) / seconds)
            level = round(255 * u)
            self.screen.fill((level, level, level), special_flags=pygame.BLEND_RGB_MULT)
            pygame.display.flip()
            self._clock.tick(self.fps)

    def close(self) -> None:
        if self._frame_log is not None:
            self._frame_log.close()
        if self.link is not None:
            self.link.close()
        self.heartbeat.beat({**self.status(), "stopped": self.stopping or "error"}, force=True)
        if self.remote is not None:
            self.remote.close()
        self.audio.close()
        self.prebuilder.wait(5.0)  # a scene half built ahead is not left drawing in the dark
        pygame.display.quit()


def _parse_size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)
