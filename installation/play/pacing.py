"""Pacing: the interval between flips (what a viewer sees) and the adaptive quality.

A part of :class:`installation.play.player.Player` (a mixin: its methods read and write the
player's state, and the player is the only class that mixes it in).
"""

from __future__ import annotations

import logging
import statistics
import time

from installation.play.monitor import (
    memory_mb,
)
from installation.play.state import PlayerState
from installation.visuals.quality import describe_levels

log = logging.getLogger("installation.player")


class PacingMixin(PlayerState):
    def _pace(self) -> None:
        """Log frame pacing every 30 s: the interval between flips, which is what a viewer sees."""
        now = time.monotonic()
        if self._last_flip is not None:
            self._intervals.append((now - self._last_flip) * 1000.0)
        self._last_flip = now
        if now - self._last_pace_log >= 30.0 and len(self._intervals) > 10:
            self._last_pace_log = now
            ms = sorted(self._intervals)
            period = 1000.0 / self.fps
            late = sum(1 for x in ms if x > 1.5 * period) / len(ms)
            self.pacing = {
                "fps": round(1000.0 / statistics.median(ms), 1),
                "interval_median_ms": round(statistics.median(ms), 2),
                "interval_p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2),
                "late_percent": round(100 * late, 2),
            }
            log.info(
                "pacing: %.1f fps, frame interval median %.2f ms, p99 %.2f ms, %.2f %% over %.1f ms; frame work p95 %.2f ms; memory %.0f MB",
                self.pacing["fps"], self.pacing["interval_median_ms"], self.pacing["interval_p99_ms"],
                self.pacing["late_percent"], 1.5 * period, self._p95(), memory_mb(),
            )  # fmt: skip
            self._intervals.clear()

    def _p95(self) -> float:
        times = sorted(self.hud.frame_ms)
        return times[int(0.95 * (len(times) - 1))] if times else 0.0

    def _quality(self) -> str:
        if self.current is None:
            return ""
        return describe_levels(self.current.governor.levels())
