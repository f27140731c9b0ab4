"""Hot reload: scene and show files watched on disk; a broken file keeps the last good one playing.

A part of :class:`installation.play.player.Player` (a mixin: its methods read and write the
player's state, and the player is the only class that mixes it in).
"""

from __future__ import annotations

import logging
import time

from installation.play.state import PlayerState
from installation.scene.errors import SceneError
from installation.scene.loader import load_scene
from installation.scene.show import load_show

log = logging.getLogger("installation.player")

RELOAD_POLL = 0.2  # seconds between looks at the files on disk: reloads show within 0.5 s


class ReloadMixin(PlayerState):
    def _reload(self) -> None:
        now = time.monotonic()
        if now - self._last_poll < RELOAD_POLL:
            return
        self._last_poll = now
        if self._show_watch is not None and self._show_watch.settled_change():
            self._reload_show()
        for part_id, slot in list(self.slots.items()):
            if not slot.watch.settled_change():
                continue
            try:
                scene = load_scene(slot.path)
            except SceneError as err:
                self._problem(
                    f"{err.problems[0]} (+{len(err.problems) - 1} more)"
                    if len(err.problems) > 1
                    else str(err.problems[0])
                )
                for problem in err.problems:
                    log.error("reload: %s", problem)
                continue
            self.hud.message = ""  # the warnings of the new version, if any, follow
            log.info("reload: %s", slot.path.name)
            part = next(p.part for p in self.playing if p.part.id == part_id)
            self.audio.remove(slot.sound)
            self.slots[part_id] = self._slot(part, scene)  # the scene goes on where it was

    def _reload_show(self) -> None:
        assert self.show_path is not None  # only a show's file is watched (``_show_watch``)
        try:
            show = load_show(self.show_path)
        except SceneError as err:
            self._problem(str(err.problems[0]))
            for problem in err.problems:
                log.error("reload: %s", problem)
            return
        self.show = self.schedule.show = show
        t = self.frame_time
        self.schedule.rebase(t, self.schedule.wall_clock(t) or self.now())
        self.hud.message = ""
        log.info("reload: show %s (%d scenes)", self.show.id, len(self.show.items))

    def _problem(self, message: str) -> None:
        self.errors += 1
        self.hud.message = message
        log.error("%s", message)
