"""Remote control over OSC (UDP), on localhost unless configured otherwise.

Addresses: ``/next``, ``/previous``, ``/goto <scene id>``, ``/volume <dB>``, ``/pause [0|1]``,
``/mute [0|1]``, ``/dim <0..1>``, ``/status`` (answered with ``/status <json>`` to the sender's
address and port).
Commands are queued; the player's loop takes them between frames, so nothing here touches
the window or the sound from another thread. One thread reads the socket (never a thread per
packet), and at most ``RATE`` packets a second are taken: a flood of packets, malformed or not,
is dropped and summed up in one log line every ten seconds, never one line per packet.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_server import BlockingOSCUDPServer
from pythonosc.udp_client import SimpleUDPClient

__all__ = ["Remote"]

log = logging.getLogger("installation.remote")

COMMANDS = ("next", "previous", "goto", "volume", "pause", "mute", "dim", "status")
RATE = 20.0  # packets a second taken, on average
BURST = 40  # and at most this many at once
REPORT_EVERY = 10.0  # seconds between summaries of dropped or unknown packets


class TokenBucket:
    """At most ``rate`` events a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Remote:
    def __init__(self, timer: Callable[[], float], host: str = "127.0.0.1", port: int = 9000):
        """``timer``: the player's clock, for the rate and the summaries."""
        self.timer = timer
        self.commands: queue.Queue[tuple[str, tuple[Any, ...], tuple[str, int]]] = queue.Queue(
            maxsize=BURST
        )
        self.budget = TokenBucket(RATE, BURST, timer)
        self.dropped = 0  # packets over the rate, since the last summary
        self.unknown: dict[str, int] = {}  # unknown addresses seen, since the last summary
        self._last_report = timer()
        # strict_timing off: a bundle timed for the future would otherwise make the one reader
        # thread sleep until then (an hour, a year), deaf to everything else
        dispatcher = Dispatcher(strict_timing=False)
        for name in COMMANDS:
            dispatcher.map(f"/{name}", self._receive, name, needs_reply_address=True)
        dispatcher.set_default_handler(self._unknown, needs_reply_address=True)
        self.server = BlockingOSCUDPServer((host, port), dispatcher)
        self.address = self.server.server_address
        self.thread = threading.Thread(target=self.server.serve_forever, name="osc", daemon=True)
        self.thread.start()
        log.info("remote: OSC on %s:%d (/%s)", *self.address, " /".join(COMMANDS))

    def _receive(self, sender: tuple[str, int], address: str, fixed: list, *args: Any) -> None:
        if not self.budget.take():
            self.dropped += 1
            return
        try:
            self.commands.put_nowait((fixed[0], args, sender))
        except queue.Full:
            self.dropped += 1

    def _unknown(self, sender: tuple[str, int], address: str, *args: Any) -> None:
        if not self.budget.take():
            self.dropped += 1
            return
        if len(self.unknown) < 100 or address in self.unknown:
            self.unknown[address[:64]] = self.unknown.get(address[:64], 0) + 1

    def pending(self) -> list[tuple[str, tuple[Any, ...], tuple[str, int]]]:
        """The commands received since the last call (the player's thread)."""
        self._summarise()
        out = []
        while True:
            try:
                out.append(self.commands.get_nowait())
            except queue.Empty:
                return out

    def _summarise(self) -> None:
        now = self.timer()
        if now - self._last_report < REPORT_EVERY or not (self.dropped or self.unknown):
            return
        self._last_report = now
        if self.unknown:
            names = ", ".join(f"{a} ({n}x)" for a, n in list(self.unknown.items())[:5])
            log.warning("remote: unknown OSC addresses: %s", names)
            self.unknown = {}
        if self.dropped:
            log.warning("remote: %d packets dropped (more than %g a second)", self.dropped, RATE)
            self.dropped = 0

    def reply(self, sender: tuple[str, int], address: str, value: Any) -> None:
        SimpleUDPClient(*sender).send_message(address, value)

    def close(self) -> None:
        """Stop listening, waiting at most a second for the reader thread (it is a daemon)."""
        stopper = threading.Thread(target=self.server.shutdown, daemon=True)
        stopper.start()
        stopper.join(timeout=1.0)
        self.server.server_close()
