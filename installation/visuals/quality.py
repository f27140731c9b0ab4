"""Adaptive quality: hold a frame-time budget by lowering the internal scale of costly layers.

Only the real-time player uses this (renders must be identical run to run, so they never do).
It watches a smoothed frame time; over budget, it lowers the costliest adjustable layer one
step; with ample headroom for a while, it raises the last lowered layer again. Changes are
spaced out so the picture never pumps, and every change is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from installation.visuals.layer import Layer

__all__ = ["QualityGovernor"]

log = logging.getLogger("installation.quality")

STEPS = (1.0, 0.75, 0.5, 0.35, 0.25)


class QualityGovernor:
    def __init__(self, layers: Sequence[Layer], budget_ms: float, *, settle_frames: int = 20):
        self.layers = list(layers)
        self.budget_ms = budget_ms
        self.settle_frames = settle_frames
        self.frame_ms = 0.0
        self.layer_ms = [0.0] * len(self.layers)
        self._since_change = 0
        self._lowered: list[int] = []  # indices, most recent last

    def observe(self, frame_ms: float, layer_ms: Sequence[float]) -> None:
        """Feed one frame's total and per-layer times (milliseconds)."""
        a = 0.15
        self.frame_ms = frame_ms if self.frame_ms == 0 else (1 - a) * self.frame_ms + a * frame_ms
        for i, ms in enumerate(layer_ms):
            self.layer_ms[i] = (1 - a) * self.layer_ms[i] + a * ms
        self._since_change += 1
        if self._since_change < self.settle_frames:
            return
        if self.frame_ms > self.budget_ms:
            self._lower()
        elif self.frame_ms < self.budget_ms * 0.7 and self._lowered:
            self._raise()

    def _adjustable(self, layer: Layer) -> bool:
        return layer.min_quality < 1.0 and layer.quality > layer.min_quality

    def _lower(self) -> None:
        # a layer costing under a millisecond has nothing to give back (a cached sky, say)
        candidates = [
            i
            for i, layer in enumerate(self.layers)
            if self._adjustable(layer) and self.layer_ms[i] > 1.0
        ]
        if not candidates:
            return
        i = max(candidates, key=lambda k: self.layer_ms[k])
        layer = self.layers[i]
        layer.quality = next((s for s in STEPS if s < layer.quality), layer.min_quality)
        layer.quality = max(layer.quality, layer.min_quality)
        self._lowered.append(i)
        self._since_change = 0
        log.info(
            "quality: %s down to %.2f (frame %.1f ms > %.1f ms)",
            layer.name,
            layer.quality,
            self.frame_ms,
            self.budget_ms,
        )

    def _raise(self) -> None:
        i = self._lowered.pop()
        layer = self.layers[i]
        layer.quality = next((s for s in reversed(STEPS) if s > layer.quality), 1.0)
        self._since_change = 0
        log.info("quality: %s up to %.2f (frame %.1f ms)", layer.name, layer.quality, self.frame_ms)

    def levels(self) -> dict[str, float]:
        return {f"{i}:{layer.name}": layer.quality for i, layer in enumerate(self.layers)}
