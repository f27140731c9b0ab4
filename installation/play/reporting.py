"""Reporting: the status (heartbeat, /status), memory, files and threads over hours.

A part of :class:`installation.play.player.Player` (a mixin: its methods read and write the
player's state, and the player is the only class that mixes it in).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from installation.play.monitor import (
    open_files,
    thread_count,
)
from installation.play.state import PlayerState

log = logging.getLogger("installation.player")

SYNC_EVERY = 5.0  # seconds between telling the sound where each scene's picture is


class ReportingMixin(PlayerState):
    def status(self) -> dict[str, Any]:
        slot = self.current
        failed = slot.compositor.failed if slot else []
        return {
            "show": self.show.id,
            "scene": slot.scene.id if slot else None,
            "scene_time_s": round(slot.time(), 2) if slot else None,
            "position": self.schedule.position,
            "fps": round(self._clock.get_fps(), 1),
            "frame_p95_ms": round(self._p95(), 2),
            "quality": self._quality() or "full",
            "sound": self.audio.reason,
            "volume_db": self.audio.volume_db,
            "open": self.closed_mode is None,
            "paused": self.paused,
            "errors": self.errors + len(failed),
            "last_error": self.hud.message or (failed[-1] if failed else ""),
            "frames": self.frames,
            "pacing": self.pacing,
            "open_files": open_files(),
            "threads": thread_count(),
            "sound_cpu_percent": self.audio.cpu_percent,
            "sound_starts": self.audio.generation,
        }

    def _housekeeping(self) -> None:
        # the status is built only when the heartbeat is written
        wrote = self.heartbeat.due() and self.heartbeat.beat(self.status())
        if wrote and self.options.resume:
            self._keep_bookmark()
        self.audio.poll_calibrations()
        if self.audio.retry():  # sound (back) on: every playing scene's sound from where it is
            for slot in self.slots.values():
                slot.sound = self.audio.add(slot.scene, 2.0, slot.time(), level=0.0)
                slot.level = -1.0  # so the schedule's next level glides in
                slot.pause(self.paused)
        if time.monotonic() - self._last_sync >= SYNC_EVERY:
            self._last_sync = time.monotonic()
            for slot in self.slots.values():
                if slot.sound is not None and not self.paused:
                    slot.sound.sync(slot.time())
        options = self.options
        if options.frames is not None and self.frames >= options.frames:
            self.stopping = "frame limit"
        if options.exit_after is not None and time.monotonic() - self.started >= options.exit_after:
            self.stopping = "time limit"
