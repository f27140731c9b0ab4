"""``/metrics``: the heartbeat's figures in Prometheus' text format, for galleries that watch
many screens with one Prometheus (and alert on a silent sound, a falling frame rate, a heartbeat
that grows old because the frame loop stopped while the console still answers).

Read from what the loop last published (:class:`Board`), at each scrape; the process's own
figures (memory, CPU, open files) come from prometheus-client's process collector.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    InfoMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from installation.play.console.board import Board

__all__ = ["registry"]

P = "installation_"

#: gauges read straight from the status: (name, status key, help, factor to base units)
GAUGES = (
    ("fps", "fps", "frames a second over the last few seconds", 1.0),
    ("frame_work_p95_seconds", "frame_p95_ms", "95th percentile of a frame's own work", 1e-3),
    ("show_time_seconds", "show_time_s", "the show's clock", 1.0),
    ("scene_time_seconds", "scene_time_s", "the playing scene's clock", 1.0),
    ("volume_db", "volume_db", "the sound's volume (dB; -120 when muted)", 1.0),
    ("brightness", "dim", "the picture's brightness, 0 to 1 (the curator's dimmer)", 1.0),
    ("sound_cpu_percent", "sound_cpu_percent", "the sound process's CPU, % of a core", 1.0),
    ("uptime_seconds", "uptime_s", "seconds since the player started", 1.0),
    ("open_files", "open_files", "file descriptors the player holds", 1.0),
    ("threads", "threads", "threads of the player process", 1.0),
)
FLAGS = (
    ("sound_playing", "sound_playing", "1 while the sound process plays"),
    ("open", "open", "1 within opening hours"),
    ("paused", "paused", "1 while paused"),
    ("muted", "muted", "1 while muted"),
)
COUNTERS = (
    ("frames", "frames", "frames made"),
    ("errors", "errors", "problems met (each said in the log); the show went on"),
    ("sound_underruns", "sound_underruns", "times the sound card ran dry"),
    ("sound_starts", "sound_starts", "times the sound process was started"),
)


class StatusCollector(Collector):
    def __init__(self, board: Board):
        self.board = board

    def collect(self) -> Iterator[Metric]:
        status: dict[str, Any] = self.board.status
        age = self.board.age
        if age is not None:
            yield GaugeMetricFamily(P + "heartbeat_age_seconds",
                                    "seconds since the frame loop last published its status",
                                    value=age)  # fmt: skip
        if not status:
            return
        info = InfoMetricFamily(P + "scene", "the show and the scene playing")
        info.add_metric([], {"show": str(status.get("show")), "scene": str(status.get("scene")),
                             "quality": str(status.get("quality")),
                             "sound": str(status.get("sound"))})  # fmt: skip
        yield info
        for name, key, text, factor in GAUGES:
            if isinstance(status.get(key), int | float):
                yield GaugeMetricFamily(P + name, text, value=status[key] * factor)
        for name, key, text in FLAGS:
            if key in status:
                yield GaugeMetricFamily(P + name, text, value=1.0 if status[key] else 0.0)
        for name, key, text in COUNTERS:
            if isinstance(status.get(key), int | float):
                yield CounterMetricFamily(P + name, text, value=status[key])
        memory = GaugeMetricFamily(P + "memory_bytes", "resident memory of each process",
                                   labels=["process"])  # fmt: skip
        memory.add_metric(["player"], status.get("memory_mb", 0.0) * 1e6)
        memory.add_metric(["sound"], status.get("sound_memory_mb", 0.0) * 1e6)
        yield memory


def registry(board: Board) -> CollectorRegistry:
    """A registry of its own (not the library's global one): the status, and the process."""
    out = CollectorRegistry(auto_describe=False)
    out.register(StatusCollector(board))
    ProcessCollector(registry=out)
    return out
