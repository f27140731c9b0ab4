"""The one place where the frame loop and the console's thread meet.

The loop *publishes* (a status each heartbeat, a small copy of the picture every few seconds,
a copy of the show's plan, the outcome of each command) and *drains* the commands queued for
it between frames. The console *reads* what was published and *queues* commands. Every
published thing is a new object that replaces the last one in a single assignment, never
changed afterwards, so neither side ever waits for the other: the loop never takes a lock the
console could hold, and a slow reader only ever reads an older snapshot.

Nothing here imports pygame: the console's thread must never touch the window, the stage or
the sound.
"""

from __future__ import annotations

import io
import itertools
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from installation.schedule import Schedule

__all__ = ["QUEUE", "THUMBNAIL_WIDTH", "Board", "Frame", "LogTail", "PlanSeed", "Result"]

THUMBNAIL_WIDTH = 480  # px: sharp on a phone, about 20 kB as a JPEG
LOG_LINES = 200
QUEUE = 40  # commands waiting for the loop, at most (more: "busy", 503)
RESULTS = 20  # outcomes of the latest commands kept for the page
WATCHED = 30.0  # seconds after a page's last look during which the picture is still copied
SECRET = "console_secret"  # a log record carrying this attribute stays out of the page's tail


@dataclass(frozen=True)
class Frame:
    """A small copy of the picture, as raw pixels (encoded to JPEG on the console's side)."""

    raw: bytes
    size: tuple[int, int]
    stride: int  # bytes a row
    rawmode: str  # Pillow's name for the pixel layout, "BGRX" and the like
    number: int  # counts up with each copy


@dataclass(frozen=True)
class PlanSeed:
    """What the day's plan is worked out from: a copy of the show's schedule (the player's own
    is never read by the console), the show time it was copied at, the part playing then, and
    a cut asked for and still being built."""

    schedule: Schedule
    t: float
    current: int  # the playing part's id
    pending: str | None


@dataclass(frozen=True)
class Result:
    id: int
    name: str
    outcome: str  # "done", or "refused: why"


class LogTail(logging.Handler):
    """The last ``LOG_LINES`` lines of the log, numbered, for the page (bounded: a deque)."""

    def __init__(self, lines: int = LOG_LINES):
        super().__init__(level=logging.INFO)
        self.lines: deque[tuple[int, str]] = deque(maxlen=lines)
        self.count = 0
        self._guard = threading.Lock()  # held for an append or a copy of 200 lines: microseconds
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, SECRET, False):
            return  # the token: in the log file, never on the page anyone can read
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        with self._guard:
            self.count += 1
            self.lines.append((self.count, line[:4000]))

    def since(self, seen: int) -> list[tuple[int, str]]:
        """The lines numbered above ``seen``, oldest first."""
        with self._guard:
            lines = list(self.lines)
        return [(n, text) for n, text in lines if n > seen]


class Board:
    def __init__(self, timer: Callable[[], float]):
        """``timer``: the player's monotonic clock (the age of what was published)."""
        self.timer = timer
        self.log = LogTail()
        self.commands: queue.Queue[tuple[int, str, tuple[Any, ...]]] = queue.Queue(QUEUE)
        self._ids = itertools.count(1)
        self._status: tuple[dict[str, Any], float] | None = None
        self._frame: Frame | None = None
        self._plan: PlanSeed | None = None
        self._results: tuple[Result, ...] = ()
        self._looked: float | None = None  # when a page last asked (the player's clock)
        self._jpeg: tuple[int, bytes] | None = None
        self._jpeg_lock = threading.Lock()  # the console's own: two requests encode once

    # -- the loop's side ----------------------------------------------------------------------
    def publish_status(self, status: dict[str, Any]) -> None:
        self._status = (status, self.timer())

    def publish_frame(self, frame: Frame) -> None:
        self._frame = frame

    def publish_plan(self, seed: PlanSeed) -> None:
        self._plan = seed

    def done(self, result: Result) -> None:
        self._results = (*self._results[-(RESULTS - 1) :], result)

    @property
    def watched(self) -> bool:
        """Is a page looking? Nobody looking, no picture is copied: a console nobody reads
        costs the frame loop nothing but the status it publishes at the heartbeat."""
        looked = self._looked
        return looked is not None and self.timer() - looked < WATCHED

    def pending(self) -> list[tuple[int, str, tuple[Any, ...]]]:
        """The commands queued since the last call, oldest first."""
        out = []
        while True:
            try:
                out.append(self.commands.get_nowait())
            except queue.Empty:
                return out

    # -- the console's side -------------------------------------------------------------------
    def looked(self) -> None:
        """A page asked for the state or the thumbnail."""
        self._looked = self.timer()

    def ask(self, name: str, args: tuple[Any, ...]) -> int | None:
        """Queue a command for the loop; its id, or None when the queue is full."""
        number = next(self._ids)
        try:
            self.commands.put_nowait((number, name, args))
        except queue.Full:
            return None
        return number

    @property
    def status(self) -> dict[str, Any]:
        published = self._status
        return published[0] if published else {}

    @property
    def age(self) -> float | None:
        """Seconds since the loop last published its status (None: not yet). A loop that
        stopped making frames shows here as an age that grows, while the console answers."""
        published = self._status
        return None if published is None else max(0.0, self.timer() - published[1])

    @property
    def frame_number(self) -> int | None:
        frame = self._frame
        return frame.number if frame else None

    @property
    def plan(self) -> PlanSeed | None:
        return self._plan

    @property
    def results(self) -> tuple[Result, ...]:
        return self._results

    def thumbnail(self) -> tuple[int, bytes] | None:
        """The latest copy of the picture as a JPEG (number, bytes), encoded once per copy."""
        frame = self._frame
        if frame is None:
            return None
        with self._jpeg_lock:
            if self._jpeg is not None and self._jpeg[0] == frame.number:
                return self._jpeg
            self._jpeg = (frame.number, encode_jpeg(frame))
            return self._jpeg


def encode_jpeg(frame: Frame, width: int = THUMBNAIL_WIDTH) -> bytes:
    """The frame at most ``width`` pixels wide, as a JPEG (Pillow lets other threads run
    while it scales and encodes)."""
    image = Image.frombuffer("RGB", frame.size, frame.raw, "raw", frame.rawmode, frame.stride, 1)
    w, h = image.size
    if w > width:
        image = image.resize((width, max(1, round(h * width / w))), Image.Resampling.BOX)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()
