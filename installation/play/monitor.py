"""What a technician reads: a rotating log file and a heartbeat that monitoring can poll."""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "Heartbeat",
    "cpu_seconds",
    "default_state_dir",
    "memory_mb",
    "open_files",
    "setup_logging",
    "thread_count",
    "write_atomically",
]


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "installation"


class _SturdyFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that may stop being writable (disk full, folder made read-only): the first
    failure is said once on stderr, and the file is tried again a minute later, and so on; the
    console handler goes on. The stock handler would print a traceback for every line."""

    RETRY = 60.0
    failed_at: float | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed_at is not None and time.monotonic() - self.failed_at < self.RETRY:
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if self.failed_at is None:
            err = sys.exc_info()[1]
            sys.stderr.write(f"WARNING log file {self.baseFilename} unwritable ({err}); "
                             "logging to stderr only, trying again every minute\n")  # fmt: skip
        self.failed_at = time.monotonic()
        self.close()  # reopened by the next emit


def setup_logging(state_dir: Path, verbose: bool = False) -> Path | None:
    """Log to the console and to ``state_dir/installation.log`` (5 MB, 5 old files kept).
    Returns the log file, or None when the folder cannot hold one (the console goes on)."""
    root = logging.getLogger("installation")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root.addHandler(console)
    root.propagate = False
    path = state_dir / "installation.log"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        rotating = _SturdyFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    except OSError as err:
        root.warning(
            "state folder %s unusable (%s): no log file, no heartbeat file", state_dir, err
        )
        return None
    rotating.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(rotating)
    return path


def memory_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default) in MB (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path(f"/proc/{pid or 'self'}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


class Heartbeat:
    """A small JSON file rewritten atomically every few seconds: is it alive, and how well.

    ``timer``: the player's monotonic clock; ``wall_clock``: the time of day written in it."""

    def __init__(self, path: Path, timer: Callable[[], float],
                 wall_clock: Callable[[], dt.datetime], every: float = 2.0):  # fmt: skip
        self.path = path
        self.timer = timer
        self.wall_clock = wall_clock
        self.every = every
        self._last = -math.inf
        self.started = timer()
        self.failed = False

    def due(self) -> bool:
        return self.timer() - self._last >= self.every

    def beat(self, status: dict[str, Any], force: bool = False) -> bool:
        now = self.timer()
        if not force and now - self._last < self.every:
            return False
        self._last = now
        record = {
            "time": self.wall_clock().astimezone().isoformat(timespec="seconds"),
            "uptime_s": round(now - self.started, 1),
            "pid": os.getpid(),
            "memory_mb": round(memory_mb(), 1),
            **status,
        }
        try:
            write_atomically(self.path, json.dumps(record, indent=1))
        except OSError as err:
            if not self.failed:  # said once: a full or read-only disk must not stop the show
                self.failed = True
                logging.getLogger("installation").warning("heartbeat unwritable: %s", err)
            return False
        self.failed = False
        return True


def write_atomically(path: Path, text: str) -> None:
    """Write a small file so that a reader (or a crash) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) a process has used, in seconds (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid or 'self'}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def open_files() -> int:
    """File descriptors this process holds open (Linux /proc; 0 elsewhere)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 0


def thread_count() -> int:
    """Threads of this process, the C libraries' included (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
