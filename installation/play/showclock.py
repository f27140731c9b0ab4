"""The show's clock: seconds into the show, the one time every playing scene's time derives from.

It reads the injected timer (``speed`` times faster in a soak) or, on a video wall, a Link
session's shared time (``play.link``), and it never runs backwards: a scheduler asked about an
earlier moment than the last would plan the show anew. A player's own clock starts *held*: the
show begins when its first picture is ready (built off the frame loop), not seconds into its
first scene.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["ShowClock"]


class ShowClock:
    def __init__(
        self,
        timer: Callable[[], float],
        speed: float = 1.0,
        source: Callable[[], float] | None = None,
    ):
        """``source``: a shared clock (Link) that says the show's time itself; it cannot pause."""
        self.timer = timer
        self.speed = speed
        self.source = source
        self._t0 = timer()
        self._paused_at: float | None = None  # a person's pause
        self._held_at: float | None = None if source is not None else self._t0  # the start
        self._last = -math.inf
        self.read_at = self._t0  # the timer's reading of the last answer (the frame log's)

    def __call__(self) -> float:
        self.read_at = self.timer()
        if self.source is not None:
            t = self.source()
        else:
            stopped = [x for x in (self._paused_at, self._held_at) if x is not None]
            now = min(stopped) if stopped else self.read_at
            t = (now - self._t0) * self.speed
        self._last = max(self._last, t)
        return self._last

    def start_at(self, show_time: float) -> None:
        """From now, the show is ``show_time`` seconds in (a resumed show, a tuning start)."""
        if self.source is None:
            self._t0 = self.timer() - show_time / self.speed
            if self._held_at is not None:
                self._held_at = self.timer()
            self._last = -math.inf

    @property
    def held(self) -> bool:
        return self._held_at is not None

    def release(self) -> None:
        """The first picture is ready: the show's time runs from where it was held."""
        if self._held_at is not None:
            self._t0 += self.timer() - self._held_at
            self._held_at = None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self, paused: bool) -> bool:
        """Stop or restart the show's time; False when it cannot (a shared clock runs on)."""
        if self.source is not None:
            return False
        if paused and self._paused_at is None:
            self._paused_at = self.timer()
        elif not paused and self._paused_at is not None:
            self._t0 += self.timer() - self._paused_at
            self._paused_at = None
        return True
