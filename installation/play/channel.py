"""Commands to the sound process, in order, never dropped, and never blocking a frame.

The frame loop puts a command and goes on; a thread of the channel writes it to the pipe, and
waits there when the pipe is full (the sound process is building a graph: seconds for a first
piano), which the frame loop never does. Commands where only the newest matters (a fader's level
each frame, the score's time, a volume) are *coalesced*: a newer one replaces the one still
waiting, so a sound process that is slow to read falls behind by one command per scene, not by
a second of frames. The rest (a scene added, removed) wait their turn.

A channel holding more than ``LIMIT`` commands is *jammed*: the sound process has stopped
reading. The player then starts it again, and its books bring every scene back; nothing is
silently lost.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Hashable
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["LIMIT", "Channel"]

LIMIT = 256  # waiting commands: far more than coalescing leaves of a healthy exchange


class Channel:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.broken = False  # the pipe broke: the sound process has gone
        self.sent = 0
        self._waiting: OrderedDict[Hashable, tuple[Any, ...]] = OrderedDict()
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._closed = False
        self._sending = False
        self._thread = threading.Thread(target=self._run, name="sound-channel", daemon=True)
        self._thread.start()

    def put(self, *message: Any, latest: Hashable | None = None) -> None:
        """Send ``message`` in its turn; with ``latest``, it replaces a waiting message of the
        same key (and goes to the back of the line, after what was put before it)."""
        key = ("latest", latest) if latest is not None else ("each", next(self._order))
        with self._ready:
            if self._closed:
                return
            self._waiting.pop(key, None)
            self._waiting[key] = message
            self._ready.notify()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @property
    def jammed(self) -> bool:
        return self.waiting > LIMIT

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._waiting and not self._closed:
                    self._ready.wait()
                if self._closed:
                    return
                _, message = self._waiting.popitem(last=False)
                self._sending = True
            try:
                self.conn.send(message)
                self.sent += 1
            except (OSError, ValueError, EOFError):  # closed under us, or the process ended
                self.broken = True
                return
            finally:
                with self._ready:
                    self._sending = False
                    self._ready.notify_all()

    def close(self, flush: float = 0.0) -> None:
        """Stop; with ``flush``, first wait up to that many seconds for what is waiting to go
        (the last fade and ``close`` of a clean exit)."""
        if flush > 0:
            with self._ready:
                self._ready.wait_for(
                    lambda: (not self._waiting and not self._sending) or self.broken, flush
                )
        with self._ready:
            self._closed = True
            self._ready.notify_all()
