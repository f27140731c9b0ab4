"""The programme: what plays now, from the show's schedule read at the show clock's time.

It holds the show scheduler (``installation.schedule``, the one ``render`` uses), and adds what
only a live player has:

* **cuts a person asks for** (next, previous, go to, a tuning span played again and again):
  the scene asked for is built first (``prebuild``), and the cut, with the show's crossfade,
  comes when it is ready, so the picture never stops while a scene is made;
* **scenes built ahead**: the parts that begin within ``LOOKAHEAD`` seconds are built before
  they begin, and a scene that cannot be built is skipped in the plan before its turn;
* **opening hours that follow the wall clock** when it jumps (set by hand, summer time);
* **resuming after a restart**: a bookmark says where the show was and when.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from installation.play.bookmark import Bookmark, read_bookmark, write_bookmark
from installation.play.options import PlayOptions
from installation.play.prebuild import LOOKAHEAD, Builder, Failed
from installation.play.reporting import Notices
from installation.play.showclock import ShowClock
from installation.scene.show import Show
from installation.schedule import Part, Playing, Schedule

__all__ = ["Programme"]

log = logging.getLogger("installation.player")

CLOCK_JUMP = 2.0  # seconds the wall clock may disagree with the show's before hours are re-read
HOURS_EVERY = 1.0  # seconds between looks at the wall clock
TUNING_FADE = 0.3  # seconds: the crossfade of a tuning span played again


def _ours(key: Hashable) -> bool:
    """The builds the programme asks for: parts (by id) and cuts."""
    return isinstance(key, int) or (isinstance(key, tuple) and key[0] == "cut")


@dataclass
class _Cut:
    """A cut asked for, waiting for its scene to be built."""

    key: Hashable
    position: int
    path: Path
    offset: float = 0.0
    fade: float = 0.0
    why: str = ""


class Programme:
    def __init__(self, show: Show, source: str, options: PlayOptions, clock: ShowClock,
                 builder: Builder, notices: Notices):  # fmt: skip
        """``source``: the show (or scene) file played, resolved: what the bookmark is of."""
        self.show = show
        self.source = source
        self.options = options
        self.clock = clock
        self.builder = builder
        self.notices = notices
        self.timer = options.timer
        self.wall_clock = options.clock
        self.bookmark_path = options.state_dir / "bookmark.json"
        self.pending: _Cut | None = None
        self.t = clock()  # the show time of the frame being made (all its scenes read it)
        self._wall0 = self.wall_clock() - dt.timedelta(seconds=self.t / options.speed)
        self._last_hours = -math.inf
        self._repeats = 0
        self.schedule = self._resume() or Schedule(show, self._wall0, offset=options.at)

    # -- each frame ---------------------------------------------------------------------------
    def update(self) -> list[Playing]:
        """What plays at the show clock's time now (kept in ``t`` for the frame)."""
        t = self.t = self.clock()
        self._follow_wall_clock(t)
        self._repeat_span(t)
        self._cut_when_built(t)
        self._build_ahead(t)
        playing = self.schedule.playing(t)
        self.schedule.forget_before(t)
        return playing

    def scene_time(self, part: Part) -> float:
        """``part``'s scene time in the frame being made."""
        return part.scene_time(self.t)

    def current(self) -> Part:
        """The part that has (or is taking) the show."""
        return self.schedule.current(self.t)

    @property
    def closed_mode(self) -> str | None:
        return None if self.schedule.is_open(self.t) else self.show.closed

    def skip_failed(self, part: Part) -> None:
        """A part whose scene cannot be built: the next scene takes its place."""
        self.schedule.skip_failed(part, self.t)

    # -- cuts a person asks for ---------------------------------------------------------------
    def skip(self, step: int) -> None:
        """Next (+1) or previous (-1) scene of the playlist, from the one playing or asked for."""
        if self.pending is not None and self.pending.why == "skip":
            here = self.pending.position
        else:
            part = self.current()
            here = part.position if part.position is not None else self.schedule.position
        self._ask(here + step, "skip")

    def goto(self, scene_id: str) -> None:
        """The playlist's next occurrence of ``scene_id``."""
        part = self.current()
        here = part.position if part.position is not None else self.schedule.position
        for i, item in enumerate(self.show.items):
            if item.path.stem == scene_id:
                position = next(
                    k
                    for k in range(here, here + 10 * len(self.show.items))
                    if self.show.order_index(k) == i
                )
                self._ask(position, "goto")
                return
        raise ValueError(f"no scene '{scene_id}' in the show")

    def _ask(self, position: int, why: str, offset: float = 0.0, fade: float | None = None) -> None:
        if self.pending is not None:
            self.builder.forget_key(self.pending.key)
        path = self.show.item(position).path
        self._repeats += 1
        key = ("cut", self._repeats)
        fade = self.show.crossfade if fade is None else fade
        self.pending = _Cut(key, position, path, offset, fade, why)
        self.builder.ask(key, path, offset)
        if why != "repeat":
            log.info("%s: %s, once it is built", why, path.stem)

    def _cut_when_built(self, t: float) -> None:
        cut = self.pending
        if cut is None or (cut.why == "repeat" and not self._span_over(t)):
            return
        state = self.builder.state(cut.key)
        if state == "building":
            return
        if state == "failed":
            done = self.builder.take(cut.key, cut.path)
            message = done.message if isinstance(done, Failed) else "it changed; try again"
            self.notices.problem(f"cannot play {cut.path.stem}: {message}")
            self.pending = None
            return
        if state is None:  # never asked, or dropped: ask again
            self.builder.ask(cut.key, cut.path, cut.offset)
            return
        part = self.schedule.cut(t, cut.position, cut.fade, offset=cut.offset)
        self.builder.rekey(cut.key, part.id)
        self.pending = None

    # -- tuning: one span, again and again ----------------------------------------------------
    def _span_over(self, t: float) -> bool:
        span = self.options.loop
        return span is not None and self.current().scene_time(t) >= span[1]

    def _repeat_span(self, t: float) -> None:
        """``--loop A-B``: the span's repeat is built while the span plays, and cut to at B."""
        span = self.options.loop
        if span is None or self.pending is not None:
            return
        part = self.current()
        if part.position is not None:
            self._ask(part.position, "repeat", offset=span[0], fade=TUNING_FADE)

    # -- building ahead -----------------------------------------------------------------------
    def _build_ahead(self, t: float) -> None:
        """Build the parts that begin within ``LOOKAHEAD`` seconds; skip, in the plan, one whose
        scene cannot be built, before its turn comes."""
        coming = [
            p for p in self.schedule.parts_until(t + LOOKAHEAD * self.options.speed)
            if p.path is not None and p.begin > t
        ]  # fmt: skip
        for part in coming:
            assert part.path is not None  # the list above keeps only parts with a scene
            if self.builder.state(part.id) == "failed":
                done = self.builder.take(part.id, part.path)
                if isinstance(done, Failed):
                    self.notices.problem(f"skipping {part.path.name}: {done.message}")
                    self.schedule.skip_failed(part, part.begin, self.show.crossfade)
                    return  # the plan changed: the next frame builds anew
            self.builder.ask(part.id, part.path, part.offset)
        keep: set[Hashable] = {p.id for p in coming}
        keep |= {p.part.id for p in self.schedule.playing(t)}
        if self.pending is not None:
            keep.add(self.pending.key)
        self.builder.forget(keep, among=_ours)

    # -- the wall clock -----------------------------------------------------------------------
    def _follow_wall_clock(self, t: float) -> None:
        """Opening hours follow the wall clock: when it jumps (set by hand, daylight saving, a
        test's fake clock), the schedule reads the hours against the new time from here on."""
        now = self.timer()
        if now - self._last_hours < HOURS_EVERY:
            return
        self._last_hours = now
        wall = self.wall_clock()
        expected = self._wall0 + dt.timedelta(seconds=t / self.options.speed)
        jump = (wall - expected).total_seconds()
        if abs(jump) <= CLOCK_JUMP:
            return
        self._wall0 += dt.timedelta(seconds=jump)
        was = self.closed_mode
        shown = self.schedule.wall_clock(t)
        assert shown is not None  # the player's schedules all start at a wall time (_wall0)
        if self.schedule.rebase(t, shown + dt.timedelta(seconds=jump)):
            log.info("opening hours: %s",
                     f"closed ({self.closed_mode})" if self.closed_mode else "open")  # fmt: skip
        elif was != self.closed_mode:
            log.info("opening hours changed")

    def show_changed(self, show: Show) -> None:
        """The show's file was saved: play the new one from here on."""
        self.show = self.schedule.show = show
        self.schedule.rebase(self.t, self.schedule.wall_clock(self.t) or self.wall_clock())

    # -- resuming -----------------------------------------------------------------------------
    def _resume(self) -> Schedule | None:
        """After a restart: the schedule as if the show had played on while we were away."""
        options = self.options
        if not options.resume or options.at or options.loop or options.link:
            return None  # with Link, the session says where the show is
        now = self.wall_clock()
        mark = read_bookmark(self.bookmark_path, self.source, options.speed, now)
        if mark is None:
            return None
        shown = mark.shown_by(now)
        self.clock.start_at(shown)
        self.t = self.clock()
        self._wall0 = now - dt.timedelta(seconds=shown / options.speed)
        log.info("resuming the show: position %d, %.0f s on", mark.position, shown)
        return Schedule(self.show, self._wall0, position=mark.position, offset=mark.offset)

    def keep_bookmark(self) -> None:
        part = self.current()
        if part.position is None:  # closed: the hours, not the bookmark, say what plays
            return
        into = max(0.0, self.t - part.begin)
        mark = Bookmark(self.source, part.position, part.offset, into, self.options.speed,
                        self.wall_clock().timestamp())  # fmt: skip
        write_bookmark(self.bookmark_path, mark)
