"""The frame loop's side of the console: what it publishes, when, and the commands it takes.

All of it runs on the frame loop's thread, between frames, and costs little there: the status
is the heartbeat's own (built every two seconds anyway), the plan a copy of a few parts, and
the picture, while a page is looking, a nearest-neighbour copy at twice the thumbnail's width
every few seconds (a fraction of a millisecond); the console's thread scales that down properly
and encodes it.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import sys
from collections.abc import Callable
from typing import Any

import pygame

from installation.play.console.board import THUMBNAIL_WIDTH, Board, Frame, PlanSeed, Result
from installation.play.monitor import memory_mb
from installation.play.scheduling import Programme

__all__ = ["THUMBNAIL_EVERY", "Feed"]

log = logging.getLogger("installation.console")

THUMBNAIL_EVERY = 3.0  # seconds of the player's clock between copies of the picture


class Feed:
    def __init__(self, board: Board, timer: Callable[[], float]):
        self.board = board
        self.timer = timer
        self._started = timer()
        self._last_copy = -math.inf
        self._copies = 0

    def picture(self, picture: pygame.Surface) -> None:
        """This frame's picture: copied small for the thumbnail when one is due and a page is
        looking."""
        now = self.timer()
        if now - self._last_copy < THUMBNAIL_EVERY or not self.board.watched:
            return
        self._last_copy = now
        small = _shrink(picture, 2 * THUMBNAIL_WIDTH)
        raw, rawmode, stride = _pixels(small)
        self._copies += 1
        self.board.publish_frame(Frame(raw, small.get_size(), stride, rawmode, self._copies))

    def status(self, status: dict[str, Any], programme: Programme) -> None:
        """The heartbeat's figures (and the player's memory, which the heartbeat adds), and a
        copy of the show's plan."""
        self.board.publish_status({
            **status,
            "memory_mb": round(memory_mb(), 1),
            "uptime_s": round(self.timer() - self._started, 1),
        })  # fmt: skip
        self.board.publish_plan(_plan_seed(programme))

    def take(self, do: Callable[[str, tuple[Any, ...]], Any]) -> bool:
        """Carry out the commands the console queued (``do``: the player's verbs, the ones keys
        and OSC use); True if there were any. Each outcome is published for the page."""
        taken = self.board.pending()
        for number, name, args in taken:
            command = " ".join([f"/{name}", *map(str, args)])
            log.info("console: %s", command)
            try:
                do(name, args)
            except Exception as err:  # whatever arrives, the show goes on
                log.warning("console: %s refused: %s", command, err)
                outcome = f"refused: {err}"
            else:
                outcome = "done"
            self.board.done(Result(number, name, outcome))
        return bool(taken)


def _shrink(picture: pygame.Surface, width: int) -> pygame.Surface:
    w, h = picture.get_size()
    if w <= width:
        return picture.copy()
    return pygame.transform.scale(picture, (width, max(1, round(h * width / w))))


def _pixels(surface: pygame.Surface) -> tuple[bytes, str, int]:
    """The surface's pixels as they lie in memory, with Pillow's name for their layout, and
    the bytes a row (a plain copy: no repacking on the frame loop)."""
    size = surface.get_bytesize()
    if size in (3, 4):
        order = ["X"] * size
        for channel, shift in zip("RGB", surface.get_shifts()[:3], strict=True):
            byte = shift // 8
            order[byte if sys.byteorder == "little" else size - 1 - byte] = channel
        rawmode = "".join(order)
        if rawmode in ("RGB", "BGR", "RGBX", "BGRX", "XRGB", "XBGR"):
            return surface.get_buffer().raw, rawmode, surface.get_pitch()
    return pygame.image.tobytes(surface, "RGB"), "RGB", 3 * surface.get_width()


def _plan_seed(programme: Programme) -> PlanSeed:
    """A copy of the schedule the console may plan ahead on (never the player's own)."""
    schedule = copy.copy(programme.schedule)
    schedule.parts = [dataclasses.replace(part) for part in programme.schedule.parts]
    cut = programme.pending
    pending = cut.path.stem if cut is not None and cut.why != "repeat" else None
    return PlanSeed(schedule, programme.t, programme.current().id, pending)
