"""Scenes built before they are shown: the next scene's layers are made in a thread.

Building a scene bakes its strips, sprites and clips: 1 to 3 s at 1080p on a small PC. Done when
the crossfade starts, the picture would stop for that long. The player asks for the parts that
begin within ``LOOKAHEAD`` seconds; each is loaded and its compositor built in a daemon thread,
and taken when its part begins. A scene file edited in between is built again, on the spot.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from installation.play.slot import signature
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene
from installation.scene.models import Scene
from installation.visuals.compositor import Compositor

__all__ = ["LOOKAHEAD", "Built", "Prebuilder"]

log = logging.getLogger("installation.player")

LOOKAHEAD = 20.0  # seconds of show time ahead that scenes are built


@dataclass
class Built:
    path: Path
    stamp: tuple[int, int] | None  # the file's signature when it was read
    scene: Scene
    compositor: Compositor


class Prebuilder:
    """Builds compositors for upcoming parts, one thread each, at most ``limit`` at a time."""

    def __init__(self, size: tuple[int, int], limit: int = 2):
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
        self._done: dict[object, Built] = {}
        self._running: dict[object, threading.Thread] = {}
        self._lock = threading.Lock()

    def ask(self, part_id: object, path: Path) -> None:
        """Start building ``path`` for ``part_id`` unless it is built, building or too many are."""
        with self._lock:
            if part_id in self._done or part_id in self._running:
                return
            if len(self._running) >= self.limit:
                return
            thread = threading.Thread(
                target=self._build, args=(part_id, path), name="prebuild", daemon=True
            )
            self._running[part_id] = thread
        thread.start()

    def _build(self, part_id: object, path: Path) -> None:
        try:
            stamp = signature(path)
            scene = load_scene(path)
            built = Built(path, stamp, scene, Compositor(scene, self.size, isolate=True))
        except SceneError:
            built = None  # reported when the part begins and is loaded there
        except Exception:  # a plugin that fails to build fails again, on time, and is isolated
            log.exception("building %s ahead failed; it will be built when it begins", path)
            built = None
        with self._lock:
            self._running.pop(part_id, None)
            if built is not None:
                self._done[part_id] = built

    def take(self, part_id: object, path: Path) -> Built | None:
        """The built scene for ``part_id`` if it is ready and its file has not changed since."""
        with self._lock:
            built = self._done.pop(part_id, None)
        if built is None or built.path != path or built.stamp != signature(path):
            return None
        return built

    def forget(self, keep: set) -> None:
        """Drop what was built for parts no longer coming (a cut, a skip)."""
        with self._lock:
            for part_id in [k for k in self._done if k not in keep]:
                del self._done[part_id]

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for the builds under way (tests, and a clean exit)."""
        for thread in list(self._running.values()):
            thread.join(timeout)
