"""Pacing: the interval between flips (what a viewer sees) and the frames' own work.

Every 30 seconds of the player's clock it logs the frame rate, the median and 99th percentile
of the flip interval, the share of late frames (over 1.5 periods) and the frames' work; the
HUD's graph and the heartbeat read the same figures.
"""

from __future__ import annotations

import logging
import statistics
from collections import deque
from collections.abc import Callable

from installation.play.monitor import memory_mb

__all__ = ["GRAPH_FRAMES", "Pacing"]

log = logging.getLogger("installation.player")

GRAPH_FRAMES = 180  # frame work times kept (the HUD's graph), the latest last
LOG_EVERY = 30.0  # seconds between pacing lines in the log


class Pacing:
    def __init__(self, fps: float, timer: Callable[[], float]):
        self.fps = fps
        self.timer = timer
        self.work_ms: deque[float] = deque(maxlen=GRAPH_FRAMES)  # each frame's own work
        self.summary: dict[str, float] = {}  # the last logged figures (the heartbeat's)
        self._intervals: list[float] = []
        self._recent: deque[float] = deque(maxlen=GRAPH_FRAMES)  # flip intervals, for fps
        self._last_flip: float | None = None
        self._last_log = timer()

    def frame(self, work_ms: float) -> None:
        """A frame was drawn (``work_ms``: its work, not the wait for the display) and shown."""
        self.work_ms.append(work_ms)
        now = self.timer()
        if self._last_flip is not None:
            interval = (now - self._last_flip) * 1000.0
            self._intervals.append(interval)
            self._recent.append(interval)
        self._last_flip = now
        if now - self._last_log >= LOG_EVERY and len(self._intervals) > 10:
            self._last_log = now
            self._log()

    def _log(self) -> None:
        ms = sorted(self._intervals)
        period = 1000.0 / self.fps
        late = sum(1 for x in ms if x > 1.5 * period) / len(ms)
        median = statistics.median(ms)
        self.summary = {
            "fps": round(1000.0 / median, 1) if median > 0 else 0.0,
            "interval_median_ms": round(median, 2),
            "interval_p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2),
            "late_percent": round(100 * late, 2),
        }
        log.info(
            "pacing: %.1f fps, frame interval median %.2f ms, p99 %.2f ms, %.2f %% over %.1f ms; frame work p95 %.2f ms; memory %.0f MB",
            self.summary["fps"], self.summary["interval_median_ms"],
            self.summary["interval_p99_ms"], self.summary["late_percent"], 1.5 * period,
            self.p95(), memory_mb(),
        )  # fmt: skip
        self._intervals.clear()

    @property
    def current_fps(self) -> float:
        """Frames a second over the last few seconds of flips."""
        if not self._recent:
            return 0.0
        mean = sum(self._recent) / len(self._recent)
        return 1000.0 / mean if mean > 0 else 0.0

    def p95(self) -> float:
        times = sorted(self.work_ms)
        return times[int(0.95 * (len(times) - 1))] if times else 0.0
