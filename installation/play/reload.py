"""Hot reload: scene and show files watched on disk; a broken file keeps the last good one playing.

Five times a second (of the player's clock) the reloader looks at the files of the scenes on
stage and at the show's file. A scene file that has changed and settled is built afresh in the
build thread and tried (``prebuild``); only a version that loads *and* draws replaces the one on
screen, which goes on where it was. A version that does not is reported at its
``file:line:col``, on screen and in the log, and the last good one plays on. A show file is
small: it is read on the spot, and a broken one likewise leaves the last good show playing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from installation.play.audio import LiveAudio
from installation.play.prebuild import Builder, Built, Failed
from installation.play.reporting import Notices
from installation.play.slot import FileWatch, Slot
from installation.play.stage import Stage
from installation.scene.errors import SceneError
from installation.scene.show import Show, load_show

__all__ = ["RELOAD_POLL", "Reloader"]

log = logging.getLogger("installation.player")

RELOAD_POLL = 0.2  # seconds between looks at the files on disk: reloads show within 0.5 s


class Reloader:
    def __init__(self, stage: Stage, builder: Builder, audio: LiveAudio, show_path: Path | None,
                 timer: Callable[[], float], notices: Notices):  # fmt: skip
        self.stage = stage
        self.builder = builder
        self.audio = audio
        self.timer = timer
        self.notices = notices
        self.show_watch = FileWatch(show_path) if show_path is not None else None
        self._last_poll = timer()
        self._waiting: dict[int, Path] = {}  # part id -> the file being built again for it

    def poll(self) -> Show | None:
        """Look at the files (every ``RELOAD_POLL``) and put in what has been built; returns a
        show file read afresh, for the player to play from now on."""
        self._put_in_built()
        now = self.timer()
        if now - self._last_poll < RELOAD_POLL:
            return None
        self._last_poll = now
        for part_id, slot in self.stage.slots.items():
            if slot.watch.settled_change():
                log.info("reload: %s changed; building it", slot.path.name)
                self._waiting[part_id] = slot.path
                self.builder.ask(("reload", part_id), slot.path, slot.time())
        if self.show_watch is not None and self.show_watch.settled_change():
            return self._read_show(self.show_watch.path)
        return None

    def _put_in_built(self) -> None:
        for part_id, path in list(self._waiting.items()):
            slot = self.stage.slots.get(part_id)
            if slot is None:  # its part ended meanwhile
                del self._waiting[part_id]
                self.builder.forget_key(("reload", part_id))
                continue
            done = self.builder.take(("reload", part_id), path)
            if done is None:
                if self.builder.state(("reload", part_id)) is None:  # stale: changed again
                    self.builder.ask(("reload", part_id), path, slot.time())
                continue
            del self._waiting[part_id]
            if isinstance(done, Failed):
                self.notices.problem(done.message)
                log.error("reload: %s: the last good version plays on", path.name)
            else:
                self._put_in(slot, done)

    def _put_in(self, slot: Slot, built: Built) -> None:
        self.notices.clear()
        slot.replace(built, self.audio)
        log.info("reload: %s", slot.path.name)
        self.notices.warnings(built.scene)

    def _read_show(self, path: Path) -> Show | None:
        try:
            show = load_show(path)
        except SceneError as err:
            self.notices.problem(str(err.problems[0]))
            for problem in err.problems[1:]:
                log.error("reload: %s", problem)
            return None
        self.notices.clear()
        log.info("reload: show %s (%d scenes)", show.id, len(show.items))
        self.notices.warnings(show)
        return show
