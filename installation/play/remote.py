"""Remote control over OSC (UDP), on localhost unless configured otherwise.

Addresses: ``/next``, ``/previous``, ``/goto <scene id>``, ``/volume <dB>``, ``/pause``,
``/status`` (answered with ``/status <json>`` to the sender's address and port).
Commands are queued; the player's loop takes them between frames, so nothing here touches
the window or the sound from another thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_server import ThreadingOSCUDPServer
from pythonosc.udp_client import SimpleUDPClient

__all__ = ["Remote"]

log = logging.getLogger("installation.remote")

COMMANDS = ("next", "previous", "goto", "volume", "pause", "status")


class Remote:
    def __init__(self, host: str = "127.0.0.1", port: int = 9000):
        self.commands: queue.Queue[tuple[str, tuple[Any, ...], tuple[str, int]]] = queue.Queue()
        dispatcher = Dispatcher()
        for name in COMMANDS:
            dispatcher.map(f"/{name}", self._receive, name, needs_reply_address=True)
        dispatcher.set_default_handler(self._unknown, needs_reply_address=True)
        self.server = ThreadingOSCUDPServer((host, port), dispatcher)
        self.address = self.server.server_address
        self.thread = threading.Thread(target=self.server.serve_forever, name="osc", daemon=True)
        self.thread.start()
        log.info(
            "remote: OSC on %s:%d (/next /previous /goto /volume /pause /status)", *self.address
        )

    def _receive(self, sender: tuple[str, int], address: str, fixed: list, *args: Any) -> None:
        self.commands.put((fixed[0], args, sender))

    def _unknown(self, sender: tuple[str, int], address: str, *args: Any) -> None:
        log.warning("remote: unknown OSC address %s from %s:%d", address, *sender)

    def pending(self) -> list[tuple[str, tuple[Any, ...], tuple[str, int]]]:
        out = []
        while True:
            try:
                out.append(self.commands.get_nowait())
            except queue.Empty:
                return out

    def reply(self, sender: tuple[str, int], address: str, value: Any) -> None:
        SimpleUDPClient(*sender).send_message(address, value)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
