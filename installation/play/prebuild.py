"""Scenes built off the frame loop: loaded, their layers made, and one frame tried, in a thread.

Building a scene bakes its strips, sprites and clips: 1 to 6 s at 1080p on a small PC. Done on
the frame loop, the picture would stop for that long. Every scene the player shows is built
here first: the next parts of the show (``LOOKAHEAD`` seconds ahead), a scene asked for by a key
or over the network, and each new version of a file saved while it plays. The loop takes a build
when it is ready; until then what was playing plays on.

A build is tried before it is handed over: its first frame is drawn here, so a scene whose
picture fails (a plugin that raises, a file that turned out bad) is reported with its reason and
never replaces one that works. The thread runs at a lower priority than the frame loop, so on a
busy machine the picture is served first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from installation.scene.errors import SceneError
from installation.scene.loader import load_scene
from installation.scene.models import Scene
from installation.visuals.compositor import Compositor

__all__ = ["LOOKAHEAD", "Builder", "Built", "Failed", "signature"]

log = logging.getLogger("installation.player")

LOOKAHEAD = 20.0  # seconds of show time ahead that scenes are built
NICENESS = 5  # the build thread's priority below the frame loop's (Linux: per thread)


def signature(path: Path) -> tuple[int, int] | None:
    """A file's version: its modification time and size (None when it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@dataclass
class Built:
    path: Path
    stamp: tuple[int, int] | None  # the file's signature when it was read
    scene: Scene
    compositor: Compositor


@dataclass
class Failed:
    path: Path
    stamp: tuple[int, int] | None
    message: str  # ``file:line:col: what is wrong``, or what raised


class Builder:
    """Builds scenes for keys the player chooses (a part's id, a reload, a cut), one thread
    each, at most ``limit`` at a time; ``take`` hands over a finished one."""

    def __init__(self, size: tuple[int, int], at: float = 0.0, limit: int = 1):
        """``at``: the scene time a build's trial frame is drawn at."""
        # everything a build touches is imported here, in the main thread: a thread that reads
        # a module another is still importing finds it half made (pygame.surfarray without
        # pixels3d, measured), and the registries' plugins likewise
        import pygame.draw
        import pygame.image
        import pygame.surfarray
        import pygame.transform  # noqa: F401

        from installation.registry import LAYERS, POST

        LAYERS.names(), POST.names()
        self.size = size
        self.limit = limit
        self._done: dict[Hashable, Built | Failed] = {}
        self._queue: list[tuple[Hashable, Path, float]] = []
        self._running: dict[Hashable, threading.Thread] = {}
        self._lock = threading.Lock()

    def ask(self, key: Hashable, path: Path, at: float = 0.0) -> None:
        """Build ``path`` for ``key`` unless it is built, building or waiting already; its
        trial frame is drawn at scene time ``at``."""
        with self._lock:
            if key in self._done or key in self._running or any(q[0] == key for q in self._queue):
                return
            self._queue.append((key, path, at))
        self._start_next()

    def _start_next(self) -> None:
        with self._lock:
            if not self._queue or len(self._running) >= self.limit:
                return
            key, path, at = self._queue.pop(0)
            thread = threading.Thread(
                target=self._build, args=(key, path, at), name="build", daemon=True
            )
            self._running[key] = thread
            thread.start()  # under the lock: ``wait`` never finds a thread not yet started

    def _build(self, key: Hashable, path: Path, at: float) -> None:
        _lower_priority()
        stamp = signature(path)
        result: Built | Failed
        try:
            scene = load_scene(path)
            compositor = Compositor(scene, self.size, isolate=True)
            compositor.render(at)  # tried here: a picture that fails never replaces one that works
            if compositor.failed:
                raise RuntimeError(f"its {', '.join(compositor.failed)} failed to draw")
            result = Built(path, stamp, scene, compositor)
        except SceneError as err:
            first = str(err.problems[0])
            more = len(err.problems) - 1
            result = Failed(path, stamp, first + (f" (+{more} more)" if more else ""))
        except Exception as err:  # a plugin that fails to build: said, and isolated
            log.exception("building %s failed", path)
            result = Failed(path, stamp, f"{path}: cannot be shown ({type(err).__name__}: {err})")
        with self._lock:
            self._running.pop(key, None)
            self._done[key] = result
        self._start_next()

    def state(self, key: Hashable) -> str | None:
        """'built', 'failed', 'building' (or waiting its turn), or None (never asked)."""
        with self._lock:
            if key in self._done:
                return "failed" if isinstance(self._done[key], Failed) else "built"
            if key in self._running or any(q[0] == key for q in self._queue):
                return "building"
        return None

    def take(self, key: Hashable, path: Path) -> Built | Failed | None:
        """The finished build for ``key``, if any, and if its file has not changed since (a
        stale one is dropped: the caller asks again)."""
        with self._lock:
            result = self._done.pop(key, None)
        if result is None or result.path != path or result.stamp != signature(path):
            return None
        return result

    def forget(self, keep: set[Hashable], among: Callable[[Hashable], bool]) -> None:
        """Drop builds, done or waiting their turn, for keys ``among`` a caller's own that are
        no longer coming (a cut, a skip): keys not ``among`` them are someone else's."""
        with self._lock:
            for key in [k for k in self._done if among(k) and k not in keep]:
                del self._done[key]
            self._queue = [q for q in self._queue if not among(q[0]) or q[0] in keep]

    def rekey(self, old: Hashable, new: Hashable) -> None:
        """A finished build asked for under ``old`` is for ``new`` now (a cut made its part)."""
        with self._lock:
            if old in self._done:
                self._done[new] = self._done.pop(old)

    def forget_key(self, key: Hashable) -> None:
        """Drop the build for ``key`` (done or waiting); one under way finishes unheard."""
        with self._lock:
            self._done.pop(key, None)
            self._queue = [q for q in self._queue if q[0] != key]

    def busy(self) -> bool:
        with self._lock:
            return bool(self._running or self._queue)

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait for every build asked for so far, each at most ``timeout`` seconds (tests, and a
        clean exit); False if one is still running."""
        while True:
            with self._lock:
                running = list(self._running.values())
                queued = bool(self._queue)
            if not running and not queued:
                return True
            for thread in running:
                thread.join(timeout)
                if thread.is_alive():
                    return False
            if not running:
                self._start_next()


def _lower_priority() -> None:
    """This thread at a lower priority than the frame loop (Linux's nice is per thread)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
