"""A scene on screen and in the speakers while the player runs it; helpers of the loop."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pygame

from installation.play.audio import AudioSlot, LiveAudio
from installation.scene.models import Scene
from installation.visuals.compositor import Compositor
from installation.visuals.quality import QualityGovernor

__all__ = ["Slot", "live_values", "signature", "soak_report"]


class Slot:
    """A scene on screen and in the speakers, with its own clock and quality governor."""

    def __init__(
        self,
        path: Path,
        scene: Scene,
        size: tuple[int, int],
        audio: LiveAudio,
        fade: float,
        start: float,
        budget_ms: float,
    ):
        self.path = path
        self.scene = scene
        self.compositor = Compositor(scene, size, isolate=True)
        self.governor = QualityGovernor(self.compositor.layers, budget_ms, self.compositor.effects)
        self.sound: AudioSlot | None = audio.add(scene, fade, start)
        self.base = time.monotonic() - start  # picture clock when there is no sound
        self.started = time.monotonic()
        self.paused_at: float | None = None
        self.signature = signature(path)

    def time(self) -> float:
        if self.sound is not None:
            return self.sound.now()
        if self.paused_at is not None:
            return self.paused_at - self.base
        return time.monotonic() - self.base

    def pause(self, paused: bool) -> None:
        if self.sound is not None:
            self.sound.paused = paused
        if paused and self.paused_at is None:
            self.paused_at = time.monotonic()
        elif not paused and self.paused_at is not None:
            self.base += time.monotonic() - self.paused_at
            self.paused_at = None

    def render(self) -> pygame.Surface:
        features = self.sound.features() if self.sound is not None else None
        return self.compositor.render(self.time(), features)


def signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def live_values(slot: Slot) -> list[str]:
    """``layer.param = value`` for every parameter that moves: modulated or on the timeline."""
    moment = slot.compositor.scene.clock.moment(slot.time())
    lines = []
    for owner in (*slot.compositor.layers, *slot.compositor.effects):
        name = getattr(owner, "name", "?")
        for param, track in owner.tracks.items():
            if track.changes or not track.base.constant:
                lines.append(f"{name}.{param} = {track.at(moment):.3f}")
    return lines


def soak_report(samples: list[tuple[float, float]]) -> str:
    """Memory over a soak run: (minutes, MB) pairs to a short report."""
    after_first = [mb for minutes, mb in samples if minutes >= 1.0] or [samples[-1][1]]
    growth = after_first[-1] - after_first[0]
    lines = [f"{minutes:7.1f} min  {mb:8.1f} MB" for minutes, mb in samples]
    lines.append(
        f"memory after the first minute: {after_first[0]:.1f} MB, at the end {after_first[-1]:.1f} MB "
        f"({growth:+.1f} MB), max {max(after_first):.1f} MB, median {statistics.median(after_first):.1f} MB"
    )
    return "\n".join(lines)
