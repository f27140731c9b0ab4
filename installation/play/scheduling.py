"""Scheduling: the show's clock, the parts it plays, their slots, resuming after a restart and
opening hours that follow the wall clock.

A part of :class:`installation.play.player.Player` (a mixin: its methods read and write the
player's state, and the player is the only class that mixes it in).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from installation.play.bookmark import Bookmark, read_bookmark, write_bookmark
from installation.play.prebuild import LOOKAHEAD
from installation.play.slot import Slot
from installation.play.state import PlayerState
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene
from installation.scene.models import Scene
from installation.schedule import Part, Schedule
from installation.visuals.compositor import Compositor

log = logging.getLogger("installation.player")

CLOCK_JUMP = 2.0  # seconds the wall clock may disagree with the show's before hours are re-read


class SchedulingMixin(PlayerState):
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
                assert part.path is not None  # the list above keeps only parts with a scene
                self.prebuilder.ask(part.id, part.path)
        self.prebuilder.forget({p.id for p in waiting})  # kept until its part takes it

    def _slot(self, part: Part, scene: Scene, compositor: Compositor | None = None) -> Slot:
        assert part.path is not None  # black (no scene) has no slot
        clock = lambda: part.scene_time(self.frame_time)  # noqa: E731
        slot = Slot(part.path, scene, self.size, self.audio, clock, self.budget_ms, compositor)
        if self.paused:  # a scene reloaded while paused waits, sound and all
            slot.pause(True)
        self._say_warnings(scene)
        return slot

    def _say_warnings(self, scene: Scene) -> None:
        """A scene's silent mistakes: in the log, and the first on the HUD (press H)."""
        for warning in scene.warnings:
            log.warning("scene: %s", warning)
        if scene.warnings:
            more = len(scene.warnings) - 1
            self.hud.message = f"warning: {scene.warnings[0]}" + (
                f" (+{more} more)" if more else ""
            )

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
            wall = self.schedule.wall_clock(t)
            assert wall is not None  # the player's schedules all start at a wall time (_wall0)
            shown = wall + dt.timedelta(seconds=jump)
            if self.schedule.rebase(t, shown):
                log.info(
                    "opening hours: %s",
                    f"closed ({self.closed_mode})" if self.closed_mode else "open",
                )
            elif was != self.closed_mode:
                log.info("opening hours changed")
