"""The real-time player: a show (or one scene) in a window, for months, unattended.

The player is a few parts, each with its own state, that the frame loop calls in turn:

* the **window** (``window``): keys in, pictures out;
* the **show clock** (``showclock``) and the **programme** (``scheduling``): what plays now,
  from the show scheduler ``render`` uses too, with a person's cuts, opening hours, resuming;
* the **stage** (``stage``): each playing scene in its slot, built off the loop
  (``prebuild``), and the picture they make together;
* the **reloader** (``reload``): files saved while they play;
* the **sound** (``audio``): a process of its own, kept to the player's books;
* **pacing** (``pacing``), **notices and the heartbeat** (``reporting``), the **HUD**
  (``hud``), the **remote** (``remote``, OSC), the curator's web **console** (``console``, when
  asked for) and the **verbs** they all use (``control``).

One rule holds the loop together: nothing an artist saves, and nothing a visitor, the network or
the sound server does, ends it. What fails is reported at its ``file:line:col`` and the last
good thing plays on; what the loop itself meets unexpectedly in a part is logged and the next
frame is made all the same.
"""

from __future__ import annotations

import logging
import signal
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from installation.paths import SCENES, resolve_scene
from installation.play.audio import LiveAudio
from installation.play.control import Control, View
from installation.play.hud import Hud
from installation.play.monitor import memory_mb, open_files, thread_count
from installation.play.options import PlayOptions
from installation.play.pacing import Pacing
from installation.play.prebuild import Builder
from installation.play.reload import Reloader
from installation.play.remote import Remote
from installation.play.reporting import Notices, Reporter
from installation.play.scheduling import Programme
from installation.play.showclock import ShowClock
from installation.play.slot import Slot, live_values
from installation.play.stage import Stage
from installation.play.window import NoDisplay, Window
from installation.scene.loader import load_scene
from installation.scene.show import Show, is_show_file, load_show, single_scene_show
from installation.scene.sizes import parse_size
from installation.scene.wall import View as WallView
from installation.scene.wall import parse_viewport
from installation.visuals.quality import describe_levels

if TYPE_CHECKING:
    from installation.play.console import Console

__all__ = ["DEFAULT_SHOW", "NoDisplay", "PlayOptions", "Player", "UnknownScreen", "memory_mb"]

log = logging.getLogger("installation.player")

DEFAULT_SHOW = SCENES / "shows" / "default.yaml"
BUDGET_SHARE = 0.9  # of the frame period, for all of a frame's work
#: seconds the show's start waits for its first picture (a show whose every scene is broken
#: starts its clock anyway, so that its schedule moves on)
HOLD_LIMIT = 120.0


class UnknownScreen(ValueError):
    """``--screen`` names no screen of the show's wall."""


class Player:
    def __init__(self, options: PlayOptions):
        show, show_path = _load_target(options.target)
        if options.screen is not None:
            options = _wall_screen(show, options)
        self.options = options
        self.show_path = show_path
        display = show.display
        fps = options.fps or display.fps
        self.fps = fps
        self.view: WallView | None = options.view
        size = options.size or (parse_size(display.size) if display.size else (1280, 720))
        self.size = self.view.canvas if self.view is not None else size  # a wall: the canvas
        self.budget_ms = 1000.0 / fps * BUDGET_SHARE
        timer = options.timer
        self.stopping: str | None = None
        self.frames = 0
        self.notices = Notices()
        self.notices.warnings(show)
        self.link = None
        if options.link:  # the show's time is the Link session's, shared by every player
            from installation.play.link import LinkClock

            self.link = LinkClock(timer)
        self.clock = ShowClock(timer, options.speed, self.link)
        fullscreen = options.fullscreen if options.fullscreen is not None else display.fullscreen
        self.window = Window(f"installation: {show.id}",
                             self.view.size if self.view is not None else self.size, fullscreen,
                             options.monitor if options.monitor is not None else display.monitor,
                             options.vsync, fps)  # fmt: skip
        self.hud = Hud()
        self.screen_view = View()
        device = options.audio_device if options.audio_device is not None else show.audio.device
        self.audio = LiveAudio(options.audio, device, show.audio.volume, timer,
                               self.notices.problem)  # fmt: skip
        self.builder = Builder(self.size)
        self.stage = Stage(self.size, self.budget_ms, self.audio, self.builder, self.notices)
        source = str((show_path or show.items[0].path).resolve())
        self.programme = Programme(show, source, options, self.clock, self.builder, self.notices)
        self.reloader = Reloader(self.stage, self.builder, self.audio, show_path, timer,
                                 self.notices)  # fmt: skip
        self.pacing = Pacing(fps, timer)
        self.reporter = Reporter(options.state_dir, timer, options.clock)
        self.control = Control(self.programme, self.stage, self.audio, self.clock, self.window,
                               self.screen_view, self.status, self._stop)  # fmt: skip
        self.remote = _open_remote(options, timer)
        self.console = _open_console(options, timer)  # the curator's page, or None
        self._frame_log = open(options.frame_log, "w") if options.frame_log else None  # noqa: SIM115
        self._started = timer()
        self._timer = timer
        self._said: set[tuple[str, str, str]] = set()  # unexpected failures already logged
        self._install_signals()

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
        """One frame: commands in, what plays, reloads, the picture, the sound, the reports."""
        for name, args in self._guarded("the window", self.window.events) or []:
            self._obey(name, args)
        self._remote_commands()
        self._guarded("the console", self._console_commands)
        self._guarded("the schedule", self._schedule)
        self._guarded("reloading", self._reload)
        picture = self._guarded("drawing", self.picture) or self.stage.calm_picture()
        if self.console is not None:  # a small copy now and then, for the thumbnail
            feed = self.console.feed
            self._guarded("the console", lambda: feed.picture(picture))
        area = self.view.rect if self.view is not None else None
        self._guarded("showing", lambda: self.window.show(picture, area, self._over))
        self.pacing.frame(self.stage.work_ms)
        self.frames += 1
        self._guarded("the sound", self.audio.tick)
        self._guarded("reporting", self._report)

    def _guarded(self, what: str, work: Any) -> Any:
        """One part's share of the frame; what it meets unexpectedly is logged (once per kind)
        and counted, and the frame goes on: the player never stops on a part's mistake."""
        try:
            return work()
        except Exception as err:
            key = (what, type(err).__name__, str(err)[:80])
            if key not in self._said:
                self._said.add(key)
                log.exception("%s failed; playing on", what)
            self.notices.errors += 1
            self.notices.message = f"{what} failed: {type(err).__name__}: {err}"
            return None

    def _schedule(self) -> None:
        if self.clock.held and (self.stage.slots or self._timer() - self._started > HOLD_LIMIT):
            self.clock.release()  # the first picture is ready: the show starts now
        playing = self.programme.update()
        if self._frame_log is not None:
            self._frame_log.write(f"{round(self.clock.read_at * 1e9)} {self.programme.t:.6f}\n")
        for part in self.stage.update(playing, self.programme.scene_time):
            self.programme.skip_failed(part)

    def _reload(self) -> None:
        show = self.reloader.poll()
        if show is not None:
            self.programme.show_changed(show)

    def picture(self) -> pygame.Surface:
        """This frame's picture (the HUD is drawn over it afterwards)."""
        picture = self.stage.picture()
        if self.screen_view.dim < 1.0:
            shade = round(255 * self.screen_view.dim)
            picture.fill((shade, shade, shade), special_flags=pygame.BLEND_RGB_MULT)
        return picture

    def _over(self, screen: pygame.Surface) -> None:
        """What is drawn over the picture: the HUD, the overlay, a problem's banner."""
        slot = self.current
        level = 0.0
        if slot is not None and slot.sound is not None:
            level = slot.sound.features().get("master", {}).get("rms", 0.0)
        self.hud.visible = self.screen_view.hud
        message = self.notices.message
        self.hud.draw(screen, self._hud_lines(slot), level, self.budget_ms, self.pacing.work_ms,
                      message)  # fmt: skip
        if self.screen_view.overlay and slot is not None:
            self.hud.draw_values(screen, live_values(slot))
        windowed = not self.window.fullscreen
        if message and not self.hud.visible and (windowed or self.stage.calm):
            self.hud.banner(screen, message)

    def _hud_lines(self, slot: Slot | None) -> list[str]:
        closed = self.programme.closed_mode
        return [
            f"{self.programme.show.id}: {slot.scene.id}  t={slot.time():.1f}s"
            if slot
            else self.programme.show.id,
            f"{self.pacing.current_fps:.1f} fps   frame p95 {self.pacing.p95():.1f} ms   "
            f"budget {self.budget_ms:.1f} ms",
            f"quality: {self.quality() or 'full'}",
            f"sound: {self.audio.reason}   volume {self.audio.volume_db:+.0f} dB",
            f"{'closed (' + closed + ')' if closed else 'open'}"
            f"{'   paused' if self.clock.paused else ''}   errors {self.notices.errors}",
        ]

    # -- commands -----------------------------------------------------------------------------
    def _obey(self, name: str, args: tuple) -> Any:
        try:
            return self.control.do(name, args)
        except Exception as err:  # whatever arrives (a key, the network), the show goes on
            log.warning("command /%s %s refused: %s", name, " ".join(map(str, args)), err)
            return None

    def _remote_commands(self) -> None:
        if self.remote is None:
            return
        for name, args, sender in self.remote.pending():
            log.info("remote: /%s %s", name, " ".join(map(str, args)))
            answer = self._obey(name, args)
            if name == "status" and answer is not None:
                import json

                self.remote.reply(sender, "/status", json.dumps(answer))

    # -- console: the curator's page (``play --console``) --------------------------------------
    def _console_commands(self) -> None:
        """The console's commands, queued by its thread, done here by the verbs keys use."""
        if self.console is not None and self.console.feed.take(self.control.do):
            self._console_status()  # the page sees a command's effect at its next look

    def _console_status(self) -> dict[str, Any]:
        """The status, for the heartbeat and (when on) the console; built on this thread."""
        status = self.status()
        if self.console is not None:
            self.console.feed.status(status, self.programme)
        return status

    def _stop(self, why: str) -> None:
        self.stopping = why

    def _install_signals(self) -> None:
        def stop(signum: int, _frame: object) -> None:
            self.stopping = signal.Signals(signum).name

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)

    # -- reports ------------------------------------------------------------------------------
    @property
    def current(self) -> Slot | None:
        """The slot of the scene that has (or is taking) the show."""
        return self.stage.slots.get(self.programme.current().id)

    @property
    def closed_mode(self) -> str | None:
        return self.programme.closed_mode

    @property
    def paused(self) -> bool:
        return self.clock.paused

    def quality(self) -> str:
        slot = self.current
        return describe_levels(slot.governor.levels()) if slot is not None else ""

    def status(self) -> dict[str, Any]:
        slot = self.current
        failed = slot.compositor.failed if slot else []
        audio = self.audio
        return {
            "show": self.programme.show.id,
            "scene": slot.scene.id if slot else None,
            "scene_time_s": round(slot.time(), 2) if slot else None,
            "show_time_s": round(self.programme.t, 2),
            "position": self.programme.schedule.position,
            "fps": round(self.pacing.current_fps, 1),
            "frame_p95_ms": round(self.pacing.p95(), 2),
            "quality": self.quality() or "full",
            "sound": audio.reason,
            "sound_playing": audio.playing,
            "volume_db": audio.volume_db,
            "muted": self.control.muted,
            "dim": self.screen_view.dim,
            "open": self.closed_mode is None,
            "paused": self.paused,
            "errors": self.notices.errors + len(failed),
            "last_error": self.notices.message or (failed[-1] if failed else ""),
            "frames": self.frames,
            "pacing": self.pacing.summary,
            "open_files": open_files(),
            "threads": thread_count(),
            "sound_cpu_percent": audio.cpu_percent,
            "sound_memory_mb": round(memory_mb(audio.pid), 1) if audio.pid else 0.0,
            "sound_starts": audio.generation,
            "sound_underruns": audio.underruns,
            "sound_resent": audio.resent,
        }

    def _report(self) -> None:
        wrote = self.reporter.tick(self._console_status)  # each heartbeat, published
        if wrote and self.options.resume:
            self.programme.keep_bookmark()
        options = self.options
        if options.frames is not None and self.frames >= options.frames:
            self.stopping = "frame limit"
        if options.exit_after is not None and options.timer() - self._started >= options.exit_after:
            self.stopping = "time limit"

    # -- the end ------------------------------------------------------------------------------
    def _fade_out(self, seconds: float) -> None:
        """Sound and picture fade out together before the window closes."""
        self.audio.fade_out(seconds)
        timer = self.options.timer
        end = timer() + seconds
        while timer() < end and self.stage.playing:
            u = max(0.0, (end - timer()) / seconds)
            picture = self._guarded("drawing", self.picture) or self.stage.calm_picture()
            shade = round(255 * u)
            picture.fill((shade, shade, shade), special_flags=pygame.BLEND_RGB_MULT)
            self.window.show(picture, self.view.rect if self.view else None, lambda s: None)

    def close(self) -> None:
        if self._frame_log is not None:
            self._frame_log.close()
        if self.link is not None:
            self.link.close()
        self.reporter.last({**self.status(), "stopped": self.stopping or "error"})
        if self.remote is not None:
            self.remote.close()
        if self.console is not None:
            self.console.close()
        self.stage.close()
        self.audio.close()
        self.builder.wait(5.0)  # a scene half built is not left drawing in the dark
        self.window.close()


def _load_target(target: str | None) -> tuple[Show, Path | None]:
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


def _wall_screen(show: Show, options: PlayOptions) -> PlayOptions:
    """This machine's screen of the show's video wall: its viewport, the shared clock, and the
    sound if it is the screen that plays it."""
    wall = show.wall
    if wall is None:
        raise UnknownScreen(f"--screen: the show '{show.id}' has no `wall:`")
    assert options.screen is not None  # called only for --screen
    screen = wall.screens.get(options.screen)
    if screen is None:
        names = ", ".join(wall.screens)
        raise UnknownScreen(f"--screen: no screen '{options.screen}' in the wall ({names})")
    view = parse_viewport(screen.viewport, parse_size(wall.canvas))  # the loader checked it
    log.info("wall: screen '%s', %s of %s, %s", options.screen, screen.viewport, wall.canvas,
             "with the sound" if screen.sound else "silent")  # fmt: skip
    return replace(options, view=view, link=True, audio=options.audio and screen.sound)


def _open_remote(options: PlayOptions, timer: Any) -> Remote | None:
    if options.osc is None:
        return None
    try:
        return Remote(timer, *options.osc)
    except OSError as err:
        log.error("remote: cannot listen on %s:%d (%s); no remote control", *options.osc, err)
        return None


def _open_console(options: PlayOptions, timer: Any) -> Console | None:
    """The curator's web console, when asked for (its libraries load only then)."""
    if options.console is None:
        return None
    from installation.play.console import Console

    try:
        return Console(*options.console, options.state_dir, timer)
    except OSError as err:
        log.error("console: cannot listen on %s:%d (%s); no console", *options.console, err)
        return None

