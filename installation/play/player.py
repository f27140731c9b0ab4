"""The real-time player: a show (or one scene) in a window, for months, unattended.

The loop reads like a pygame example: events → remote commands → schedule → hot reload →
draw → flip → tick. The show's time comes from one clock (monotonic, ``speed`` times faster in a
soak); the show scheduler (``installation.schedule``, the one ``render`` uses) turns it into the
scenes playing, each at its scene time and crossfade weight, so the player shows what a render
of the same show shows at the same moment.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import signal
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

from installation.paths import SCENES, resolve_scene
from installation.play.audio import LiveAudio
from installation.play.bookmark import Bookmark, read_bookmark, write_bookmark
from installation.play.hud import Hud
from installation.play.monitor import (
    Heartbeat,
    default_state_dir,
    memory_mb,
    open_files,
    thread_count,
)
from installation.play.prebuild import LOOKAHEAD, Prebuilder
from installation.play.remote import Remote
from installation.play.slot import FileWatch, Slot, live_values
from installation.render.program import blend_parts
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene
from installation.scene.show import Show, is_show_file, load_show, single_scene_show
from installation.schedule import Part, Schedule
from installation.visuals.quality import describe_levels

__all__ = ["DEFAULT_SHOW", "NoDisplay", "PlayOptions", "Player", "memory_mb"]

log = logging.getLogger("installation.player")

DEFAULT_SHOW = SCENES / "shows" / "default.yaml"
RELOAD_POLL = 0.2  # seconds between looks at the files on disk: reloads show within 0.5 s
SYNC_EVERY = 5.0  # seconds between telling the sound where each scene's picture is
CLOCK_JUMP = 2.0  # seconds the wall clock may disagree with the show's before hours are re-read


#: SDL's video drivers that show nothing: fine when asked for by name (tests, soak runs)
INVISIBLE_DRIVERS = ("offscreen", "dummy", "evdev")


class NoDisplay(RuntimeError):
    """There is no screen to play on, and nobody asked for an invisible one."""


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


class Player:
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
        screen = wall.screens.get(options.screen)
        if screen is None:
            names = ", ".join(wall.screens)
            raise UnknownScreen(f"--screen: no screen '{options.screen}' in the wall ({names})")
        canvas = tuple(int(v) for v in wall.canvas.split("x"))
        view = parse_viewport(screen.viewport, canvas)
        log.info("wall: screen '%s', %s of %s, %s", options.screen, screen.viewport, wall.canvas,
                 "with the sound" if screen.sound else "silent")  # fmt: skip
        return replace(options, view=view, link=True, audio=options.audio and screen.sound)

    def _source(self) -> str:
        return str((self.show_path or self.show.items[0].path).resolve())

    def _resume(self) -> Schedule | None:
        """After a restart: the schedule as if the show had played on while we were away."""
        options = self.options
        if not options.resume or options.at or options.loop or options.link:
            return None  # with Link, the session says where the show is
        mark = read_bookmark(self._bookmark_path, self._source(), options.speed, self.now())
        if mark is None:
            return None
        shown = mark.shown_by(self.now())
        self._t0 = self.timer() - shown / options.speed
        self._wall0 = self.now() - dt.timedelta(seconds=shown / options.speed)
        log.info("resuming the show: position %d, %.0f s on", mark.position, shown)
        return Schedule(self.show, self._wall0, position=mark.position, offset=mark.offset)

    def _keep_bookmark(self) -> None:
        part = self._current_part()
        if part.position is None:  # closed: the hours, not the bookmark, say what plays
            return
        into = max(0.0, self.frame_time - part.begin)
        mark = Bookmark(self._source(), part.position, part.offset, into, self.options.speed,
                        self.now().timestamp())  # fmt: skip
        write_bookmark(self._bookmark_path, mark)

    def _open_window(self) -> pygame.Surface:
        pygame.display.init()
        driver = pygame.display.get_driver()
        if driver in INVISIBLE_DRIVERS and not os.environ.get("SDL_VIDEODRIVER"):
            # SDL falls back to drawing offscreen when it finds no display: a player that
            # "plays" to nothing would look healthy in its log while the wall stays dark
            pygame.display.quit()
            raise NoDisplay(f"no display found (SDL could only draw {driver})")
        pygame.display.set_caption(f"installation: {self.show.id}")
        pygame.display.set_allow_screensaver(False)
        flags = (pygame.FULLSCREEN | pygame.SCALED) if self.fullscreen else 0
        monitors = pygame.display.get_num_displays()
        monitor = self.monitor if self.monitor < monitors else 0
        if monitor != self.monitor:
            log.warning(
                "display: monitor %d not found (%d present); using 0", self.monitor, monitors
            )
        try:
            screen = pygame.display.set_mode(
                self.window_size, flags, display=monitor, vsync=int(self.options.vsync)
            )
        except pygame.error:  # some drivers cannot vsync: pace with the clock alone
            screen = pygame.display.set_mode(self.window_size, flags, display=monitor)
        pygame.mouse.set_visible(not self.fullscreen)
        log.info(
            "display: %dx%d %s on monitor %d, %g fps",
            *self.window_size,
            "fullscreen" if self.fullscreen else "window",
            monitor,
            self.fps,
        )
        return screen

    @property
    def window_size(self) -> tuple[int, int]:
        """What the screen shows: the picture, or a wall screen's viewport of it."""
        return self.view.size if self.view is not None else self.size

    def _open_remote(self) -> Remote | None:
        if self.options.osc is None:
            return None
        try:
            return Remote(*self.options.osc)
        except OSError as err:
            log.error(
                "remote: cannot listen on %s:%d (%s); no remote control", *self.options.osc, err
            )
            return None

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

    def _events(self) -> None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.stopping = "window closed"
            elif event.type == pygame.KEYDOWN:
                self._key(event.key)

    def _key(self, key: int) -> None:
        if key in (pygame.K_ESCAPE, pygame.K_q):
            self.stopping = "key"
        elif key == pygame.K_f:
            self.fullscreen = not self.fullscreen
            pygame.display.toggle_fullscreen()
            pygame.mouse.set_visible(not self.fullscreen)
        elif key == pygame.K_h:
            self.hud.visible = not self.hud.visible
        elif key == pygame.K_o:
            self.overlay = not self.overlay
        elif key == pygame.K_SPACE:
            self.pause(not self.paused)
        elif key == pygame.K_n:
            self.skip(+1)
        elif key == pygame.K_p:
            self.skip(-1)
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.set_volume(self.audio.volume_db + 2)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.set_volume(self.audio.volume_db - 2)

    def _commands(self) -> None:
        if self.remote is None:
            return
        for name, args, sender in self.remote.pending():
            try:
                self._command(name, args, sender)
            except Exception as err:  # whatever arrives over the network, the show goes on
                log.warning("remote: bad /%s %s: %s", name, args, err)

    def _command(self, name: str, args: tuple, sender: tuple[str, int]) -> None:
        log.info("remote: /%s %s", name, " ".join(map(str, args)))
        if name == "next":
            self.skip(+1)
        elif name == "previous":
            self.skip(-1)
        elif name == "goto":
            self.goto(str(args[0]))
        elif name == "volume":
            db = float(args[0])
            if not math.isfinite(db):
                raise ValueError("the volume must be a finite number of dB")
            self.set_volume(db)
        elif name == "pause":
            self.pause(bool(args[0]) if args else not self.paused)
        elif name == "status":
            import json

            self.remote.reply(sender, "/status", json.dumps(self.status()))

    # -- actions ------------------------------------------------------------------------------
    def skip(self, step: int) -> None:
        part = self._current_part()
        position = (part.position if part.position is not None else self.schedule.position) + step
        self.schedule.cut(self.frame_time, position, self.show.crossfade)

    def goto(self, scene_id: str) -> None:
        part = self._current_part()
        here = part.position if part.position is not None else self.schedule.position
        for i, item in enumerate(self.show.items):
            if item.path.stem == scene_id:
                position = next(
                    k
                    for k in range(here, here + 10 * len(self.show.items))
                    if self.show.order_index(k) == i
                )
                self.schedule.cut(self.frame_time, position, self.show.crossfade)
                return
        raise ValueError(f"no scene '{scene_id}' in the show")

    def pause(self, paused: bool) -> None:
        if self.link is not None:
            log.warning("pause: a player in a Link session keeps the session's time; not paused")
            return
        if paused and self._paused_at is None:
            self._paused_at = self.timer()
        elif not paused and self._paused_at is not None:
            self._t0 += self.timer() - self._paused_at
            self._paused_at = None
        self.paused = paused
        for slot in self.slots.values():
            slot.pause(paused)
        log.info("paused" if paused else "resumed")

    def set_volume(self, db: float) -> None:
        self.audio.set_volume(max(-60.0, min(12.0, db)))
        log.info("volume %+.0f dB", self.audio.volume_db)

    # -- schedule -----------------------------------------------------------------------------
    def show_time(self) -> float:
        """Seconds into the show: the one clock every playing scene's time derives from."""
        now = self._paused_at if self._paused_at is not None else self.timer()
        return (now - self._t0) * self.options.speed

    def _current_part(self) -> Part:
        return self.schedule.current(self.frame_time)

    @property
    def current(self) -> Slot | None:
        """The slot of the scene that has (or is taking) the show."""
        return self.slots.get(self._current_part().id)

    @property
    def closed_mode(self) -> str | None:
        return None if self.schedule.is_open(self.frame_time) else self.show.closed

    def _schedule(self) -> None:
        """Ask the scheduler what plays now; start the scenes that begin, retire those done."""
        t = self.frame_time = self.show_time()
        if self._frame_log is not None:
            self._frame_log.write(f"{time.monotonic_ns()} {t:.6f}\n")
        self._follow_wall_clock(t)
        span = self.options.loop
        part = self._current_part()
        if span is not None and part.scene_time(t) >= span[1]:
            self.schedule.cut(t, part.position, 0.3, offset=span[0])  # the span again
        self._build_ahead(t)
        for _ in range(len(self.show.items) + 1):  # a scene that cannot load is skipped
            self.playing = self.schedule.playing(t)
            failed = next((p for p in self.playing if not self._ensure_slot(p.part)), None)
            if failed is None:
                break
            self.schedule.skip_failed(failed.part, t)
        live = {p.part.id for p in self.playing}
        for part_id in [k for k in self.slots if k not in live]:
            self.audio.remove(self.slots.pop(part_id).sound)
        for playing in self.playing:
            slot = self.slots.get(playing.part.id)
            level = playing.weight * playing.part.gain
            if slot is not None and slot.sound is not None and abs(level - slot.level) > 1e-4:
                # a scene's first sound glides in over a second, then follows the crossfade
                slot.sound.fade_to(level, 1.0 if slot.level < 0 else 0.05)
                slot.level = level
        self.schedule.forget_before(t)

    def _ensure_slot(self, part: Part) -> bool:
        """A slot for ``part`` (black needs none); False if its scene cannot load."""
        if part.path is None or part.id in self.slots:
            return True
        built = self.prebuilder.take(part.id, part.path)
        if built is not None:
            self.slots[part.id] = self._slot(part, built.scene, built.compositor)
            log.info("scene: %s (built ahead)", built.scene.id)
            return True
        try:
            scene = load_scene(part.path)
        except SceneError as err:
            self._problem(f"skipping {part.path.name}: {err.problems[0]}")
            return False
        self.slots[part.id] = self._slot(part, scene)
        log.info("scene: %s", scene.id)
        return True

    def _build_ahead(self, t: float) -> None:
        """Start building the scenes that begin within LOOKAHEAD seconds (see ``prebuild``)."""
        waiting = [
            p for p in self.schedule.parts_until(t + LOOKAHEAD * self.options.speed)
            if p.path is not None and p.id not in self.slots
        ]  # fmt: skip
        for part in waiting:
            if part.begin > t:
                self.prebuilder.ask(part.id, part.path)
        self.prebuilder.forget({p.id for p in waiting})  # kept until its part takes it

    def _slot(self, part: Part, scene, compositor=None) -> Slot:
        clock = lambda: part.scene_time(self.frame_time)  # noqa: E731
        slot = Slot(part.path, scene, self.size, self.audio, clock, self.budget_ms, compositor)
        if self.paused:  # a scene reloaded while paused waits, sound and all
            slot.pause(True)
        return slot

    def _follow_wall_clock(self, t: float) -> None:
        """Opening hours follow the wall clock: when it jumps (set by hand, daylight saving, a
        test's fake clock), the schedule reads the hours against the new time from here on."""
        if self._last_hours and time.monotonic() - self._last_hours < 1.0:
            return
        self._last_hours = time.monotonic()
        now = self.now()
        expected = self._wall0 + dt.timedelta(seconds=t / self.options.speed)
        jump = (now - expected).total_seconds()
        if abs(jump) > CLOCK_JUMP:
            self._wall0 += dt.timedelta(seconds=jump)
            was = self.closed_mode
            shown = self.schedule.wall_clock(t) + dt.timedelta(seconds=jump)
            if self.schedule.rebase(t, shown):
                log.info(
                    "opening hours: %s",
                    f"closed ({self.closed_mode})" if self.closed_mode else "open",
                )
            elif was != self.closed_mode:
                log.info("opening hours changed")

    # -- hot reload ---------------------------------------------------------------------------
    def _reload(self) -> None:
        now = time.monotonic()
        if now - self._last_poll < RELOAD_POLL:
            return
        self._last_poll = now
        if self._show_watch is not None and self._show_watch.settled_change():
            self._reload_show()
        for part_id, slot in list(self.slots.items()):
            if not slot.watch.settled_change():
                continue
            try:
                scene = load_scene(slot.path)
            except SceneError as err:
                self._problem(
                    f"{err.problems[0]} (+{len(err.problems) - 1} more)"
                    if len(err.problems) > 1
                    else str(err.problems[0])
                )
                for problem in err.problems:
                    log.error("reload: %s", problem)
                continue
            self.hud.message = ""
            log.info("reload: %s", slot.path.name)
            part = next(p.part for p in self.playing if p.part.id == part_id)
            self.audio.remove(slot.sound)
            self.slots[part_id] = self._slot(part, scene)  # the scene goes on where it was

    def _reload_show(self) -> None:
        try:
            show = load_show(self.show_path)
        except SceneError as err:
            self._problem(str(err.problems[0]))
            for problem in err.problems:
                log.error("reload: %s", problem)
            return
        self.show = self.schedule.show = show
        t = self.frame_time
        self.schedule.rebase(t, self.schedule.wall_clock(t) or self.now())
        self.hud.message = ""
        log.info("reload: show %s (%d scenes)", self.show.id, len(self.show.items))

    def _problem(self, message: str) -> None:
        self.errors += 1
        self.hud.message = message
        log.error("%s", message)

    # -- drawing ------------------------------------------------------------------------------
    def _draw(self) -> None:
        area = self.view.rect if self.view is not None else None
        self.screen.blit(self.picture(), (0, 0), area)
        self._overlay(self.screen)

    def picture(self) -> pygame.Surface:
        """This frame's picture: the playing scenes blended by the schedule's weights, exactly
        as ``render`` blends them (the HUD is drawn over it afterwards)."""
        layers = []
        for playing in self.playing:
            slot = self.slots.get(playing.part.id)
            if slot is not None:
                layers.append((slot.render(), playing.weight, playing.part.brightness))
        if not layers:
            self.canvas.fill((0, 0, 0))
            return self.canvas
        return blend_parts(self.canvas, layers)

    def _overlay(self, screen: pygame.Surface) -> None:
        slot = self.current
        level = 0.0
        if slot is not None and slot.sound is not None:
            level = slot.sound.features().get("master", {}).get("rms", 0.0)
        lines = [
            f"{self.show.id}: {slot.scene.id if slot else '-'}  t={slot.time():.1f}s"
            if slot
            else self.show.id,
            f"{self._clock.get_fps():.1f} fps   frame p95 {self._p95():.1f} ms   budget {self.budget_ms:.1f} ms",
            f"quality: {self._quality() or 'full'}",
            f"sound: {self.audio.reason}   volume {self.audio.volume_db:+.0f} dB",
            f"{'closed (' + self.closed_mode + ')' if self.closed_mode else 'open'}"
            f"{'   paused' if self.paused else ''}   errors {self.errors}",
        ]
        self.hud.draw(screen, lines, level, self.budget_ms)
        if self.overlay and slot is not None:
            self.hud.draw_values(screen, live_values(slot))
        if self.hud.message and not self.hud.visible and not self.fullscreen:
            banner = self.hud.font.render(
                self.hud.message[:120], True, (247, 235, 221), (90, 42, 39)
            )
            screen.blit(banner, (12, screen.get_height() - banner.get_height() - 12))

    def _pace(self) -> None:
        """Log frame pacing every 30 s: the interval between flips, which is what a viewer sees."""
        now = time.monotonic()
        if self._last_flip is not None:
            self._intervals.append((now - self._last_flip) * 1000.0)
        self._last_flip = now
        if now - self._last_pace_log >= 30.0 and len(self._intervals) > 10:
            self._last_pace_log = now
            ms = sorted(self._intervals)
            period = 1000.0 / self.fps
            late = sum(1 for x in ms if x > 1.5 * period) / len(ms)
            self.pacing = {
                "fps": round(1000.0 / statistics.median(ms), 1),
                "interval_median_ms": round(statistics.median(ms), 2),
                "interval_p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2),
                "late_percent": round(100 * late, 2),
            }
            log.info(
                "pacing: %.1f fps, frame interval median %.2f ms, p99 %.2f ms, %.2f %% over %.1f ms; frame work p95 %.2f ms; memory %.0f MB",
                self.pacing["fps"], self.pacing["interval_median_ms"], self.pacing["interval_p99_ms"],
                self.pacing["late_percent"], 1.5 * period, self._p95(), memory_mb(),
            )  # fmt: skip
            self._intervals.clear()

    def _p95(self) -> float:
        times = sorted(self.hud.frame_ms)
        return times[int(0.95 * (len(times) - 1))] if times else 0.0

    def _quality(self) -> str:
        if self.current is None:
            return ""
        return describe_levels(self.current.governor.levels())

    # -- housekeeping -------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        slot = self.current
        failed = slot.compositor.failed if slot else []
        return {
            "show": self.show.id,
            "scene": slot.scene.id if slot else None,
            "scene_time_s": round(slot.time(), 2) if slot else None,
            "position": self.schedule.position,
            "fps": round(self._clock.get_fps(), 1),
            "frame_p95_ms": round(self._p95(), 2),
            "quality": self._quality() or "full",
            "sound": self.audio.reason,
            "volume_db": self.audio.volume_db,
            "open": self.closed_mode is None,
            "paused": self.paused,
            "errors": self.errors + len(failed),
            "last_error": self.hud.message or (failed[-1] if failed else ""),
            "frames": self.frames,
            "pacing": self.pacing,
            "open_files": open_files(),
            "threads": thread_count(),
            "sound_cpu_percent": self.audio.cpu_percent,
            "sound_starts": self.audio.generation,
        }

    def _housekeeping(self) -> None:
        # the status is built only when the heartbeat is written
        wrote = self.heartbeat.due() and self.heartbeat.beat(self.status())
        if wrote and self.options.resume:
            self._keep_bookmark()
        self.audio.poll_calibrations()
        if self.audio.retry():  # sound (back) on: every playing scene's sound from where it is
            for slot in self.slots.values():
                slot.sound = self.audio.add(slot.scene, 2.0, slot.time(), level=0.0)
                slot.level = -1.0  # so the schedule's next level glides in
                slot.pause(self.paused)
        if time.monotonic() - self._last_sync >= SYNC_EVERY:
            self._last_sync = time.monotonic()
            for slot in self.slots.values():
                if slot.sound is not None and not self.paused:
                    slot.sound.sync(slot.time())
        options = self.options
        if options.frames is not None and self.frames >= options.frames:
            self.stopping = "frame limit"
        if options.exit_after is not None and time.monotonic() - self.started >= options.exit_after:
            self.stopping = "time limit"

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
