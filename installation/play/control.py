"""Remote control and the actions it shares with the keys: next, previous, go to, pause, volume.

A part of :class:`installation.play.player.Player` (a mixin: its methods read and write the
player's state, and the player is the only class that mixes it in).
"""

from __future__ import annotations

import logging
import math

from installation.play.remote import Remote
from installation.play.state import PlayerState

log = logging.getLogger("installation.player")


class ControlMixin(PlayerState):
    def _open_remote(self) -> Remote | None:
        if self.options.osc is None:
            return None
        try:
            return Remote(*self.options.osc)
        except OSError as err:
            log.error(
                "remote: cannot listen on %s:%d (%s); no remote control", *self.options.osc, err
            )
            return None

    def _commands(self) -> None:
        if self.remote is None:
            return
        for name, args, sender in self.remote.pending():
            try:
                self._command(name, args, sender)
            except Exception as err:  # whatever arrives over the network, the show goes on
                log.warning("remote: bad /%s %s: %s", name, args, err)

    def _command(self, name: str, args: tuple, sender: tuple[str, int]) -> None:
        log.info("remote: /%s %s", name, " ".join(map(str, args)))
        if name == "next":
            self.skip(+1)
        elif name == "previous":
            self.skip(-1)
        elif name == "goto":
            self.goto(str(args[0]))
        elif name == "volume":
            db = float(args[0])
            if not math.isfinite(db):
                raise ValueError("the volume must be a finite number of dB")
            self.set_volume(db)
        elif name == "pause":
            self.pause(bool(args[0]) if args else not self.paused)
        elif name == "status":
            import json

            assert self.remote is not None  # commands come only through it
            self.remote.reply(sender, "/status", json.dumps(self.status()))

    def skip(self, step: int) -> None:
        part = self._current_part()
        position = (part.position if part.position is not None else self.schedule.position) + step
        self.schedule.cut(self.frame_time, position, self.show.crossfade)

    def goto(self, scene_id: str) -> None:
        part = self._current_part()
        here = part.position if part.position is not None else self.schedule.position
        for i, item in enumerate(self.show.items):
            if item.path.stem == scene_id:
                position = next(
                    k
                    for k in range(here, here + 10 * len(self.show.items))
                    if self.show.order_index(k) == i
                )
                self.schedule.cut(self.frame_time, position, self.show.crossfade)
                return
        raise ValueError(f"no scene '{scene_id}' in the show")

    def pause(self, paused: bool) -> None:
        if self.link is not None:
            log.warning("pause: a player in a Link session keeps the session's time; not paused")
            return
        if paused and self._paused_at is None:
            self._paused_at = self.timer()
        elif not paused and self._paused_at is not None:
            self._t0 += self.timer() - self._paused_at
            self._paused_at = None
        self.paused = paused
        for slot in self.slots.values():
            slot.pause(paused)
        log.info("paused" if paused else "resumed")

    def set_volume(self, db: float) -> None:
        self.audio.set_volume(max(-60.0, min(12.0, db)))
        log.info("volume %+.0f dB", self.audio.volume_db)
