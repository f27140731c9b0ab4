"""Where the show was: written every few seconds, read when the player starts again.

An exhibit's player may be killed (power, a crash, the watchdog) and started again by its
service. It then plays what the show's clock and schedule say should play *now*: the scene it
was playing, further on by the time it was away, or the scenes after it if that time ran past
its end. A bookmark older than ``MAX_AGE`` (a machine switched off for the night) is ignored,
and the show starts from the top of its playlist.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from installation.play.monitor import write_atomically

__all__ = ["MAX_AGE", "Bookmark", "read_bookmark", "write_bookmark"]

log = logging.getLogger("installation.player")

MAX_AGE = dt.timedelta(hours=12)


@dataclass
class Bookmark:
    source: str  # the show (or scene) file played, resolved
    position: int  # the playlist position of the scene that had the show
    offset: float  # that part's scene time when it began
    into: float  # show seconds since that part began
    speed: float  # show seconds per wall second (1, or a soak's speed)
    saved_at: float  # wall-clock time, seconds since the epoch (no time zone, no summer time)

    def shown_by(self, now: dt.datetime) -> float:
        """Show seconds the part has been playing at ``now``, the time away included."""
        return self.into + max(0.0, now.timestamp() - self.saved_at) * self.speed

    def sound(self) -> bool:
        """Whether every field is what it should be (the file may come from anywhere)."""
        numbers = (self.offset, self.into, self.speed, self.saved_at)
        return (
            isinstance(self.source, str)
            and isinstance(self.position, int) and self.position >= 0
            and all(isinstance(x, int | float) and math.isfinite(x) for x in numbers)
            and self.offset >= 0 and self.into >= 0 and self.speed > 0
        )  # fmt: skip


def read_bookmark(path: Path, source: str, speed: float, now: dt.datetime) -> Bookmark | None:
    """The bookmark for this show at this speed, if there is a recent, well-formed one."""
    try:
        mark = Bookmark(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as err:
        log.warning("bookmark %s unreadable (%s); the show starts from the top", path, err)
        return None
    if not mark.sound():
        log.warning("bookmark %s malformed; the show starts from the top", path)
        return None
    age = now.timestamp() - mark.saved_at
    if mark.source != source or mark.speed != speed or not 0 <= age <= MAX_AGE.total_seconds():
        return None
    return mark


def write_bookmark(path: Path, mark: Bookmark) -> bool:
    try:
        write_atomically(path, json.dumps(asdict(mark)))
    except OSError:
        return False  # the heartbeat says so once; the show goes on
    return True
