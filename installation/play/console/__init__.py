"""The curator's web console (``play --console``): a small page on the gallery's network.

It shows what plays (scene, show time, a thumbnail every few seconds), how well (the heartbeat's
figures), the last 200 log lines and the schedule of the day, and has buttons for next,
previous, mute, volume and dim; ``/metrics`` serves the same figures to Prometheus.

Parts, so that the frame loop can never be stalled by it:

* :mod:`~installation.play.console.board`: where the loop and the console meet (snapshots
  replaced whole; a bounded queue of commands);
* :mod:`~installation.play.console.feed`: the loop's side (publishing, taking commands);
* :mod:`~installation.play.console.server`: the page and its endpoints (Starlette), served by
  uvicorn in a thread of its own with its own event loop; never touches pygame, the stage or
  the sound;
* :mod:`~installation.play.console.day` and :mod:`~installation.play.console.metrics`: the
  schedule of the day and the Prometheus figures, worked out on the console's side.

The console listens on 127.0.0.1 unless given an address. Reading is open to whoever can reach
it; changing the show takes the token, a random string kept in the state folder (so that a
curator's bookmark survives the player's restarts; delete the file for a new one) and said at
start, in the terminal and the log file, never on the page.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from pathlib import Path

from installation.play.console.board import SECRET, Board
from installation.play.console.feed import Feed
from installation.play.console.server import Server

__all__ = ["TOKEN_FILE", "Console", "console_token"]

log = logging.getLogger("installation.console")

TOKEN_FILE = "console-token"
MIN_TOKEN = 16  # characters of a token written by hand


class Console:
    def __init__(self, host: str, port: int, state_dir: Path, timer: Callable[[], float]):
        """Listen on ``host:port`` (port 0: any free one); ``OSError`` if it cannot."""
        self.token = console_token(state_dir)
        self.board = Board(timer)
        self.feed = Feed(self.board, timer)
        self.server = Server(self.board, host, port, self.token)
        logging.getLogger("installation").addHandler(self.board.log)
        host, port = self.server.address
        self.url = f"http://{_shown(host)}:{port}/"
        log.info("console: %s (read-only without the token)", self.url)
        log.info("console: %s?token=%s to change the show", self.url, self.token,
                 extra={SECRET: True})  # fmt: skip

    def close(self) -> None:
        logging.getLogger("installation").removeHandler(self.board.log)
        self.server.close()


def console_token(state_dir: Path) -> str:
    """The token in ``state_dir``, made (random, readable by this user only) on first use; a
    new random one for this run alone where the folder cannot keep it."""
    path = state_dir / TOKEN_FILE
    try:
        text = path.read_text().strip()
    except OSError:
        text = ""
    if len(text) >= MIN_TOKEN:
        return text
    if text:
        log.warning("console: the token in %s is shorter than %d characters; a new random one "
                    "replaces it", path, MIN_TOKEN)  # fmt: skip
    token = secrets.token_urlsafe(18)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(token + "\n")
    except OSError as err:
        log.warning("console: cannot keep the token in %s (%s): a new one each start", path, err)
    return token


def _shown(host: str) -> str:
    """The address to type in: this machine's name where the console listens everywhere."""
    if host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host
