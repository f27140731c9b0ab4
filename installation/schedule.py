"""One show scheduler for the player and the renderer: (show, show time) → the scenes playing.

A show is laid out on its own timeline as *parts*: one scene's stretch, from the moment it
starts fading in to the moment it has faded out. At show time ``T`` each playing part has a
scene time (``T - begin``, plus where it started) and a weight, its share of a crossfade, on
the one law of ``installation.crossfade`` (equal power) for picture and sound alike. Opening hours are part of the plan: at
closing time the playing scene hands over to the night scene (dim), to black, or goes on muted
(silent), and at opening time the playlist resumes with its next scene.

The renderer asks for the parts of the times it renders; the player asks the same, fed by its
clock, and adds the few things a person can do live (skip, go to a scene, tune a span) as cuts
into the plan. Without those, a played show and a rendered show are the same frames.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path

from installation.crossfade import amplitude, share
from installation.scene.show import Show

__all__ = ["DIM_BRIGHTNESS", "DIM_GAIN_DB", "Part", "Playing", "Schedule"]

DIM_BRIGHTNESS = 0.35  # the night scene's brightness while the show is closed (dim)
DIM_GAIN_DB = -12.0  # and its sound
MUTED_DB = -math.inf

_ids = itertools.count()


@dataclass
class Part:
    """One scene's stretch of the show. ``path`` None: black (closed: black)."""

    path: Path | None
    begin: float  # show time at which it starts fading in
    end: float = math.inf  # show time by which it has faded out
    fade_in: float = 0.0
    fade_out: float = 0.0
    offset: float = 0.0  # its scene time at ``begin``
    position: int | None = None  # its place in the playlist; None for the night scene
    brightness: float = 1.0
    gain_db: float = 0.0
    #: show time at which the next part begins (to fade in over this one's fade out)
    next_at: float = math.inf
    id: int = field(default_factory=lambda: next(_ids))

    def weight(self, t: float) -> float:
        """Its share of the mix at show time ``t`` (the picture's weight, the sound's power):
        0 outside, 1 between its fades, ``crossfade.share`` inside them."""
        if not self.begin <= t < self.end:
            return 0.0
        u = 1.0
        if self.fade_in > 0:
            u = min(u, (t - self.begin) / self.fade_in)
        if self.fade_out > 0 and math.isfinite(self.end):
            u = min(u, (self.end - t) / self.fade_out)
        return share(u)

    def level(self, t: float) -> float:
        """Its sound's gain at show time ``t``: equal power in fades, times the part's gain."""
        return amplitude(self.weight(t)) * self.gain

    def scene_time(self, t: float) -> float:
        return self.offset + t - self.begin

    @property
    def gain(self) -> float:
        """The part's sound level as a factor (the fade's weight multiplies it)."""
        return 0.0 if self.gain_db == MUTED_DB else 10 ** (self.gain_db / 20)


@dataclass(frozen=True)
class Playing:
    part: Part
    scene_time: float
    weight: float  # the picture's share
    level: float  # the sound's gain (equal power, times the part's gain)


class Schedule:
    """The plan of a show from show time 0, laid out lazily as far as it is asked about.

    ``opens_at``: the wall-clock moment of show time 0, which opening hours are read against;
    None reads the show as always open (a render that does not ask for hours).
    """

    def __init__(
        self,
        show: Show,
        opens_at: dt.datetime | None = None,
        position: int = 0,
        offset: float = 0.0,
        first_fade: float = 0.0,
    ):
        self.show = show
        self.opens_at = opens_at
        self.position = position  # the playlist position of the next scene to plan
        self.parts: list[Part] = []
        self.parts.append(self._part_at(0.0, first_fade, offset))

    # -- asking -------------------------------------------------------------------------------
    def playing(self, t: float) -> list[Playing]:
        """The parts under way at show time ``t``, earliest first (one that begins exactly at
        ``t`` is there with weight 0: it is about to fade in)."""
        self._plan(t)
        return [
            Playing(part, part.scene_time(t), part.weight(t), part.level(t))
            for part in self.parts
            if part.begin <= t < part.end
        ]

    def current(self, t: float) -> Part:
        """The part that has (or is taking) the show at ``t``: the latest one begun (the
        earliest known, should ``t`` lie before every part: a clock that stepped back)."""
        self._plan(t)
        begun = [p for p in self.parts if p.begin <= t]
        return max(begun, key=lambda p: p.begin) if begun else self.parts[0]

    def parts_until(self, t: float) -> list[Part]:
        self._plan(t)
        return [p for p in self.parts if p.begin < t]

    def wall_clock(self, t: float) -> dt.datetime | None:
        return None if self.opens_at is None else self.opens_at + dt.timedelta(seconds=t)

    def is_open(self, t: float) -> bool:
        when = self.wall_clock(t)
        return when is None or self.show.is_open(when)

    def forget_before(self, t: float) -> None:
        """Drop parts that have faded out before ``t`` (a player running for months)."""
        self.parts = [p for p in self.parts if p.end > t or p is self.parts[-1]]

    # -- live changes (the player) ------------------------------------------------------------
    def cut(self, t: float, position: int | None, fade: float, offset: float = 0.0) -> Part:
        """From ``t`` on, play the playlist's scene at ``position`` (None: what the clock says
        should play now, the night scene when closed), crossfading over ``fade`` seconds."""
        self._end_all(t, fade)
        if position is not None:
            self.position = position
        part = self._part_at(t, fade, offset, follow_hours=position is None)
        self.parts.append(part)
        return part

    def skip_failed(self, part: Part, t: float, fade: float | None = None) -> None:
        """A part whose scene could not load: the next scene takes its place at ``t`` (now, or
        the part's own beginning when the failure is known ahead), crossfading over ``fade``
        (by default at most a second: the part that failed never showed)."""
        part.end = part.next_at = t  # gone at once: it never showed
        position = part.position if part.position is not None else self.position
        self.cut(t, position + 1, min(self.show.crossfade, 1.0) if fade is None else fade)

    def rebase(self, t: float, now: dt.datetime) -> bool:
        """The wall clock says ``now`` at show time ``t`` (it was set, or jumped): read hours
        against it from here on; if that opens or closes the show, cut over. True when it cut."""
        was_open = self.is_open(t)
        self.opens_at = now - dt.timedelta(seconds=t)
        self.parts = [p for p in self.parts if p.begin <= t]
        last = self.parts[-1]
        if self.is_open(t) != was_open or self._closed_kind(last) != self._wanted_kind(t):
            self.cut(t, None, self.show.crossfade)
            return True
        self._bound(last, t)
        return False

    # -- planning -----------------------------------------------------------------------------
    def _plan(self, t: float) -> None:
        while self.parts[-1].next_at <= t:
            last = self.parts[-1]
            self.parts.append(self._part_at(last.next_at, last.fade_out))

    def _end_all(self, t: float, fade: float) -> None:
        for part in self.parts:
            if part.end > t + fade:
                part.end = t + fade
                part.fade_out = min(fade, max(0.0, part.end - part.begin))
            part.next_at = min(part.next_at, t)
        self.parts = [p for p in self.parts if p.begin < t]  # planned ones are replaced

    def _wanted_kind(self, t: float) -> str:
        if self.is_open(t):
            return "open"
        return self.show.closed

    def _closed_kind(self, part: Part) -> str:
        if part.path is None:
            return "black"
        if part.position is None:
            return "dim"
        return "silent" if part.gain_db == MUTED_DB else "open"

    def _part_at(
        self, t: float, fade_in: float, offset: float = 0.0, follow_hours: bool = True
    ) -> Part:
        """The part that begins at ``t``: the playlist's next scene, or what closed shows."""
        kind = self._wanted_kind(t) if follow_hours or not self.is_open(t) else "open"
        if kind == "dim" and self.show.night_scene is None:
            kind = "black"
        if kind == "dim":
            part = Part(self.show.night_scene, t, fade_in=fade_in, offset=offset)
            part.brightness, part.gain_db = DIM_BRIGHTNESS, DIM_GAIN_DB
        elif kind == "black":
            part = Part(None, t, fade_in=fade_in)
        else:
            item = self.show.item(self.position)
            part = Part(item.path, t, fade_in=fade_in, offset=offset, position=self.position)
            part.gain_db = MUTED_DB if kind == "silent" else 0.0
            self.position += 1
        self._bound(part, t)
        return part

    def _bound(self, part: Part, t: float) -> None:
        """Set when ``part`` hands over: at its scene's end, or when the show opens or closes."""
        fade = self.show.crossfade
        until = math.inf
        if part.position is not None:
            seconds = self.show.item(part.position).seconds
            fade = min(fade, seconds / 2)
            until = part.begin + seconds - fade
        when = self.wall_clock(t)
        change = self.show.next_change(when) if when is not None else None
        if change is not None and when is not None:
            until = min(until, t + (change - when).total_seconds())
        part.next_at = until
        part.end = until + fade if math.isfinite(until) else math.inf
        part.fade_out = fade if math.isfinite(until) else 0.0
