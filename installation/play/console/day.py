"""The schedule of the day: what plays when over the next 24 hours, with the opening hours.

Worked out by the show scheduler itself (``installation.schedule``, the one the player and the
renderer play by), planning ahead on a copy the loop published: what it says is what will play,
unless someone skips. Cached until the plan changes (a new scene, a cut, a saved show).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from installation.play.console.board import PlanSeed
from installation.scene.show import Show
from installation.schedule import Part, Schedule

__all__ = ["ROWS", "day_plan", "hours_text"]

ROWS = 200  # parts listed at most (a show of short scenes would list thousands)
DAY = 24 * 3600.0
STEP = 600.0  # seconds planned at a time, so that the limit is reached without overshoot
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_plan(seed: PlanSeed) -> dict[str, Any]:
    """The next 24 hours as rows (time, scene, how it plays), and today's hours. A day rather
    than the rest of today: at night the curator sees what tomorrow opens with."""
    schedule = seed.schedule
    show = schedule.show
    now = schedule.wall_clock(seed.t)
    if now is None:  # a schedule without wall time (the player's always have one)
        return {"date": None, "hours": "always open", "open": True, "rows": [], "more": False}
    parts = _parts(schedule, seed.t, seed.t + DAY)
    rows = [_row(schedule, part, part.id == seed.current, now) for part in parts[:ROWS]]
    return {
        "date": now.date().isoformat(),
        "weekday": DAYS[now.weekday()],
        "hours": hours_text(show, now),
        "open": show.is_open(now),
        "closed": show.closed if show.hours is not None else None,
        "rows": rows,
        "more": len(parts) > ROWS,  # the day goes on past the rows listed
        "pending": seed.pending,
    }


def _parts(schedule: Schedule, t: float, horizon: float) -> list[Part]:
    """The parts playing at ``t`` and those beginning before ``horizon``, at most ``ROWS + 1``."""
    until = t
    while True:
        until = min(horizon, until + STEP)
        parts = [p for p in schedule.parts_until(until) if p.end > t and p.end > p.begin]
        if until >= horizon or len(parts) > ROWS:
            return parts


def _row(schedule: Schedule, part: Part, now: bool, today: dt.datetime) -> dict[str, Any]:
    begin = schedule.wall_clock(part.begin)
    end = schedule.wall_clock(part.end) if math.isfinite(part.end) else None
    return {
        "day": DAYS[begin.weekday()] if begin and begin.date() != today.date() else None,
        "at": begin.strftime("%H:%M") if begin else "",
        "until": end.strftime("%H:%M") if end else None,
        "scene": part.path.stem if part.path is not None else None,
        "plays": _how(part),
        "now": now,
    }


def _how(part: Part) -> str:
    if part.path is None:
        return "closed: black"
    if part.position is None:
        return "closed: night scene, dimmed"
    if part.gain_db == -math.inf:
        return "closed: silent"
    return "open"


def hours_text(show: Show, when: dt.datetime) -> str:
    """The day's opening hours in words: "10:00–18:00", "closed all day", "always open"."""
    if show.hours is None:
        return "always open"
    spans = show.hours.get(when.weekday(), [])
    if not spans:
        return "closed all day"
    return ", ".join(f"{_clock(a)}–{_clock(b)}" for a, b in spans)


def _clock(minutes: int) -> str:
    if minutes > 1440:  # a span past midnight
        return _clock(minutes - 1440) + " (next day)"
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
